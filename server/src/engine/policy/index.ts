/**
 * Public API of the policy evaluator, for template rules and the live audit alike.
 */
import { fromPlain } from '../parse/ast';
import { findPublicGrants, describeActions, type EvaluateOptions, type PublicGrant as NodeGrant } from './evaluate';

export {
  findPublicGrants,
  describeActions,
  whoForAwsPrincipal,
  actionMatches,
  isRestricted,
  statementsOf,
} from './evaluate';
export type { EvaluateOptions } from './evaluate';
export {
  isFixedValue,
  isRestrictingKey,
  isRestrictingOperator,
  isNegatedOperator,
  RESTRICTING_KEYS,
} from './conditions';

/** A public grant found in a plain JSON policy (live audit). */
export interface PublicGrant {
  statementIndex: number;
  sid?: string;
  who: string;
  actions: string[];
  notAction?: boolean;
  resources: string[];
  via?: string;
  /** "anyone can sqs:SendMessage" */
  message: string;
}

/**
 * Public grants of a policy given as parsed JSON or as a JSON string (as AWS APIs return it).
 * An unparsable string yields no grants. `context.resourceKind` is accepted for messages.
 */
export function publicGrantsInPolicyJson(
  policy: unknown,
  _context: { resourceKind?: string } = {},
  opts: EvaluateOptions = {},
): PublicGrant[] {
  let value = policy;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return [];
    }
  }
  if (!value || typeof value !== 'object') return [];
  return findPublicGrants(fromPlain(value), {}, opts).map((g: NodeGrant) => ({
    statementIndex: g.statementIndex,
    sid: g.sid,
    who: g.who,
    actions: g.actions,
    notAction: g.notAction,
    resources: g.resources,
    via: g.via,
    message: `${g.who} can ${describeActions(g)}`,
  }));
}
