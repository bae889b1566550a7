/**
 * The one policy evaluator: does a resource policy grant access to anyone? Used by the template
 * rules (AJ101, AJ102) on positioned nodes and by the live audit (AJ531-AJ533) on plain JSON.
 * Semantics: rules.md AJ101.
 */
import type { Node } from '../parse/ast';
import { getPairCI, isMap, isScalar } from '../parse/ast';
import {
  display,
  possibleElements,
  possibleString,
  possibleValues,
  stringsOf,
  type ValueContext,
} from '../model/values';
import { FIXED_PART, isFixedValue, isNegatedOperator, isRestrictingKey, isRestrictingOperator } from './conditions';

export interface EvaluateOptions {
  /** Extra condition keys that restrict (AJ102 adds `sts:ExternalId`). */
  extraRestrictingKeys?: readonly string[];
  /** Only statements whose actions could include one accepted here count (AJ102: sts:AssumeRole*). */
  actionFilter?: (action: string) => boolean;
}

export interface PublicGrant {
  statementIndex: number;
  sid?: string;
  /** The statement node. */
  statement: Node;
  /** The node to point at: the `*` principal value, the wildcard-account ARN, or the NotPrincipal key. */
  at: Node;
  /** Who gets in, in words: "anyone", "any AWS account", "everyone except the listed principals". */
  who: string;
  /** Actions as written ("*" included); with notAction, the actions excluded. */
  actions: string[];
  notAction: boolean;
  resources: string[];
  /** The `!If` branch or parameter value that makes it public, when not every value does. */
  via?: string;
}

interface StatementView {
  index: number;
  node: Node;
  effect: (string | null)[];
  sid?: string;
  /** The `!If` branch that makes this statement exist, when it is conditional. */
  via?: string;
  /** The branch or parameter value that makes `Effect` Allow, when not every value does. */
  allowVia?: string;
}

/** The statements of a policy document node (`Statement` as a map or a list; `!If` branches included). */
export function statementsOf(policy: Node, ctx: ValueContext): StatementView[] {
  const out: StatementView[] = [];
  const stPair = getPairCI(policy, 'Statement');
  if (!stPair) return out;
  let index = 0;
  for (const v of possibleElements(stPair.value, ctx)) {
    if (v.kind !== 'node' || !isMap(v.node)) continue;
    const st = v.node;
    const effectNode = getPairCI(st, 'Effect')?.value;
    const sidNode = getPairCI(st, 'Sid')?.value;
    const effects = effectNode ? possibleValues(effectNode, ctx) : [];
    const allow = effects.find((e) => possibleString(e) === 'Allow');
    out.push({
      index: index++,
      node: st,
      effect: effectNode ? stringsOf(effectNode, ctx) : [],
      allowVia: allow && effects.some((e) => possibleString(e) !== 'Allow') ? allow.via : undefined,
      sid: isScalar(sidNode) && sidNode.value !== null ? String(sidNode.value) : undefined,
      via: v.via,
    });
  }
  return out;
}

function strings(node: Node | undefined, ctx: ValueContext): string[] {
  if (!node) return [];
  const out: string[] = [];
  for (const e of possibleElements(node, ctx)) {
    const s = possibleString(e);
    if (s !== null) out.push(display(s));
  }
  return out;
}

/** Anyone-principals of a statement: each the node to point at and who it lets in. */
function anyonePrincipals(st: Node, ctx: ValueContext): { at: Node; who: string; via?: string }[] {
  const found: { at: Node; who: string; via?: string }[] = [];
  const notPrincipal = getPairCI(st, 'NotPrincipal');
  if (notPrincipal) found.push({ at: notPrincipal.key, who: 'everyone except the listed principals (NotPrincipal)' });
  const principal = getPairCI(st, 'Principal');
  if (!principal) return found;
  // One grant per node and kind of anyone: several branches or parameter values that lead to the
  // same `*` are one finding (the first branch named), not one per path.
  const seen = new Set<string>();
  const push = (g: { at: Node; who: string; via?: string }) => {
    const k = `${g.at.span.start}:${g.at.span.end}:${g.who}`;
    if (seen.has(k)) return;
    seen.add(k);
    found.push(g);
  };
  for (const v of possibleValues(principal.value, ctx)) {
    const s = possibleString(v);
    if (s !== null) {
      const w = whoForAwsPrincipal(s);
      if (w) push({ at: v.at, who: w, via: v.via });
      continue;
    }
    if (v.kind === 'node' && isMap(v.node)) {
      const aws = getPairCI(v.node, 'AWS');
      if (!aws) continue;
      for (const e of possibleElements(aws.value, ctx)) {
        const es = possibleString(e);
        if (es === null) continue;
        const w = whoForAwsPrincipal(es);
        if (w) push({ at: e.at, who: w, via: [v.via, e.via].filter(Boolean).join(', ') || undefined });
      }
    }
  }
  return found;
}

/** "anyone" for `*`, "any AWS account" for an ARN whose account field is a wildcard; else null. */
export function whoForAwsPrincipal(p: string): string | null {
  const s = p.trim();
  if (s === '*') return 'anyone';
  if (s.startsWith('arn:')) {
    // `${AWS::Partition}` filled in by a Sub: one fixed field, whatever colons its name holds.
    const parts = s.replace(FIXED_PART, 'FIXED').split(':');
    if (parts.length >= 5 && parts[2] === 'iam' && /^[*?]+$|\*/.test(parts[4]))
      return `any AWS account (${display(s)})`;
  }
  return null;
}

interface ConditionEntry {
  operator: string;
  key: string;
  /** `null`: fixed at deploy time but unknown here; `undefined`: not a string (a map, a YAML null, NoValue). */
  values: (string | null | undefined)[];
  /** The branch or parameter value each value comes from, where it is one of several. */
  vias: (string | undefined)[];
}

function conditionEntries(st: Node, ctx: ValueContext): ConditionEntry[] {
  const cond = getPairCI(st, 'Condition')?.value;
  const out: ConditionEntry[] = [];
  if (!isMap(cond)) return out;
  for (const op of cond.pairs) {
    if (!isMap(op.value)) continue;
    for (const kv of op.value.pairs) {
      const values: (string | null | undefined)[] = [];
      const vias: (string | undefined)[] = [];
      for (const e of possibleElements(kv.value, ctx)) {
        vias.push(e.via);
        values.push(e.kind === 'unknown' ? null : (possibleString(e) ?? undefined));
      }
      out.push({ operator: String(op.key.value), key: String(kv.key.value), values, vias });
    }
  }
  return out;
}

/** True when some condition entry confines the statement to known callers. */
export function isRestricted(st: Node, ctx: ValueContext, extraKeys: readonly string[] = []): boolean {
  return conditionEntries(st, ctx).some(
    (c) =>
      isRestrictingOperator(c.operator) &&
      isRestrictingKey(c.key, extraKeys) &&
      c.values.length > 0 &&
      c.values.every((v) => v !== undefined && isFixedValue(c.key, v)),
  );
}

/**
 * A restricting condition that fails only through some branch or parameter values (`!Ref Org` whose
 * AllowedValues include `*`): the first such value's branch, for the message.
 */
function openingVia(st: Node, ctx: ValueContext, extraKeys: readonly string[]): string | undefined {
  for (const c of conditionEntries(st, ctx)) {
    if (!isRestrictingOperator(c.operator) || !isRestrictingKey(c.key, extraKeys) || c.values.length === 0) continue;
    const open = c.values
      .map((v, i) => (v !== undefined && isFixedValue(c.key, v) ? undefined : i))
      .filter((i): i is number => i !== undefined);
    if (open.length > 0 && open.every((i) => c.vias[i])) return c.vias[open[0]];
  }
  return undefined;
}

/** Glob match of IAM action patterns (`s3:Get*`), case-insensitive. */
export function actionMatches(pattern: string, action: string): boolean {
  return actionPattern(pattern).test(action);
}

/** A Deny for everyone with a negated operator on a restricting key: the actions it confines. */
interface ConfiningDeny {
  /** Actions written without wildcards, lower case. */
  exact: Set<string>;
  /** Action patterns with `*`/`?`. */
  patterns: RegExp[];
  all: boolean;
}

function actionPattern(pattern: string): RegExp {
  return new RegExp(
    '^' +
      pattern
        .split('')
        .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
        .join('') +
      '$',
    'i',
  );
}

function confiningDeny(deny: StatementView, ctx: ValueContext, extraKeys: readonly string[]): ConfiningDeny | null {
  if (!deny.effect.includes('Deny') || deny.effect.length !== 1) return null;
  const principal = getPairCI(deny.node, 'Principal');
  if (!principal) return null;
  const who = anyonePrincipals(deny.node, ctx).filter((p) => p.who === 'anyone');
  if (who.length === 0) return null;
  if (getPairCI(deny.node, 'NotAction')) return null;
  const confines = conditionEntries(deny.node, ctx).some(
    (c) =>
      isNegatedOperator(c.operator) &&
      isRestrictingKey(c.key, extraKeys) &&
      c.values.length > 0 &&
      c.values.every((v) => v !== undefined && isFixedValue(c.key, v)),
  );
  if (!confines) return null;
  const denyActions = strings(getPairCI(deny.node, 'Action')?.value, ctx);
  const d: ConfiningDeny = { exact: new Set(), patterns: [], all: denyActions.includes('*') };
  for (const a of denyActions) {
    if (/[*?]/.test(a)) d.patterns.push(actionPattern(a));
    else d.exact.add(a.toLowerCase());
  }
  return d;
}

/**
 * The Deny statements that confine access, indexed for "does one of them cover these actions?".
 * Built once per policy: a policy with thousands of statements stays linear, not quadratic.
 */
class DenyIndex {
  private byAction = new Map<string, ConfiningDeny[]>();
  private wildcard: ConfiningDeny[] = [];
  private all: ConfiningDeny[] = [];
  constructor(statements: StatementView[], ctx: ValueContext, extraKeys: readonly string[]) {
    for (const st of statements) {
      const d = confiningDeny(st, ctx, extraKeys);
      if (!d) continue;
      if (d.all) this.all.push(d);
      if (d.patterns.length) this.wildcard.push(d);
      for (const a of d.exact) {
        let list = this.byAction.get(a);
        if (!list) this.byAction.set(a, (list = []));
        list.push(d);
      }
    }
  }
  /** Does one Deny cover every one of the Allow's actions (with NotAction: every action)? */
  covers(allowActions: string[], allowNotAction: boolean): boolean {
    if (allowNotAction) return this.all.length > 0;
    if (allowActions.length === 0) return false;
    const candidates = new Set([...this.wildcard, ...(this.byAction.get(allowActions[0].toLowerCase()) ?? [])]);
    for (const d of candidates) {
      if (allowActions.every((a) => d.exact.has(a.toLowerCase()) || d.patterns.some((re) => re.test(a)))) return true;
    }
    return false;
  }
}

/** Every public grant in a policy document node. Empty: not public. */
export function findPublicGrants(policy: Node, ctx: ValueContext = {}, opts: EvaluateOptions = {}): PublicGrant[] {
  const extra = opts.extraRestrictingKeys ?? [];
  const statements = statementsOf(policy, ctx);
  const grants: PublicGrant[] = [];
  let denies: DenyIndex | undefined;
  for (const st of statements) {
    if (!st.effect.includes('Allow')) continue;
    // Cheapest test first: most statements name their principals.
    const principals = anyonePrincipals(st.node, ctx);
    if (principals.length === 0) continue;
    const notActionPair = getPairCI(st.node, 'NotAction');
    const notAction = !!notActionPair;
    const actions = strings((notActionPair ?? getPairCI(st.node, 'Action'))?.value, ctx);
    if (opts.actionFilter && !notAction && !actions.some((a) => opts.actionFilter!(a))) continue;
    if (isRestricted(st.node, ctx, extra)) continue;
    denies ??= new DenyIndex(statements, ctx, extra);
    if (denies.covers(actions, notAction)) continue;
    const resources = strings((getPairCI(st.node, 'Resource') ?? getPairCI(st.node, 'NotResource'))?.value, ctx);
    const condVia = openingVia(st.node, ctx, extra);
    for (const p of principals) {
      grants.push({
        statementIndex: st.index,
        sid: st.sid,
        statement: st.node,
        at: p.at,
        who: p.who,
        actions,
        notAction,
        resources,
        via: [st.via, st.allowVia, condVia, p.via].filter(Boolean).join(', ') || undefined,
      });
    }
  }
  return grants;
}

/**
 * What follows "anyone can": "sqs:SendMessage", "sqs:SendMessage and 2 more actions", "every
 * action", "every action except s3:GetObject", and for a statement whose actions are not written
 * yet (half-typed, blank) or not known (a parameter without a value) "use the actions this
 * statement grants": always a phrase with a verb, never an empty one.
 */
export function describeActions(g: Pick<PublicGrant, 'actions' | 'notAction'>): string {
  const actions = g.actions.filter((a) => a.trim() !== '');
  if (g.notAction) return actions.length ? `use every action except ${actions.join(', ')}` : 'use every action';
  if (actions.length === 0) return 'use the actions this statement grants';
  if (actions.includes('*')) return 'use every action';
  if (actions.length <= 3) return actions.join(', ');
  return `${actions.slice(0, 2).join(', ')} and ${actions.length - 2} more actions`;
}
