/**
 * A live finding beside the template that deployed the resource: does the template (as written
 * now, and as deployed) have the same problem? Pure: the shells pass the analyses in.
 *
 * - the workspace template has it too: the problem is live, and here ("bucket is public now");
 * - the workspace template does not, the deployed template does: fixed here, not deployed yet;
 * - neither has it: the live resource was changed outside the template (drift);
 * - the deployed template was not read: fixed here or changed by hand, not told apart.
 */
import { isMap, isScalar, isSeq, type Node } from '../parse/ast';
import { referencedResource } from '../model/read';
import type { Template } from '../model/template';
import type { Finding, Range } from '../types';

/** The template rules that find, in a template, what a live rule finds in an account. */
export const TEMPLATE_RULES_OF_LIVE: Readonly<Record<string, readonly string[]>> = {
  AJ511: ['AJ304'],
  AJ512: ['AJ301'],
  AJ513: ['AJ301'],
  AJ514: ['AJ301'],
  AJ521: ['AJ201'],
  AJ531: ['AJ101', 'AJ111'],
  AJ532: ['AJ101'],
  AJ533: ['AJ101'],
};

/** "bucket is public now": what the live finding says, in a few words. */
const NOW: Readonly<Record<string, string>> = {
  AJ511: 'user signs in to the console without MFA now',
  AJ512: 'credentials unused now',
  AJ513: 'access key not rotated now',
  AJ514: 'access key stale now',
  AJ521: 'instance accepts IMDSv1 now',
  AJ531: 'bucket is public now',
  AJ532: 'queue is public now',
  AJ533: 'topic is public now',
};

/** What differs when the template is fine and the live resource is not. */
const DRIFTED: Readonly<Record<string, string>> = {
  AJ511: 'the live user',
  AJ512: 'the live user',
  AJ513: 'the live access key',
  AJ514: 'the live access key',
  AJ521: 'the live instance metadata options',
  AJ531: 'the live bucket policy',
  AJ532: 'the live queue policy',
  AJ533: 'the live topic policy',
};

/** Does `node` (a property value) refer to the resource `logicalId`, anywhere inside? */
function refersTo(node: Node | undefined, logicalId: string, t: Template, depth = 0): boolean {
  if (!node || depth > 20) return false;
  if (referencedResource(node, t)?.id === logicalId) return true;
  if (isMap(node)) return node.pairs.some((p) => refersTo(p.value, logicalId, t, depth + 1));
  if (isSeq(node)) return node.items.some((n) => refersTo(n, logicalId, t, depth + 1));
  return false;
}

/**
 * Is the template finding about the resource `logicalId`: on it, or on a policy resource attached
 * to it (a BucketPolicy's `Bucket`, a QueuePolicy's `Queues`, a TopicPolicy's `Topics`)?
 */
export function findingIsAbout(f: Finding, logicalId: string, t: Template | undefined): boolean {
  if (f.resource === logicalId || f.data?.bucket === logicalId) return true;
  if (!t || !f.resource) return false;
  const r = t.resources.get(f.resource);
  const props = r?.properties;
  if (!r || !props || !/^AWS::(S3::BucketPolicy|SQS::QueuePolicy|SNS::TopicPolicy)$/.test(r.type)) return false;
  return props.pairs.some(
    (p) =>
      isScalar(p.key) &&
      ['Bucket', 'Queues', 'Topics'].includes(String(p.key.value)) &&
      refersTo(p.value, logicalId, t),
  );
}

/** Does this analysis have, on the resource `logicalId`, the problem the live rule found? */
export function templateHasProblem(
  analysis: { findings: readonly Finding[]; template?: Template },
  logicalId: string,
  liveRuleId: string,
): boolean {
  const rules = TEMPLATE_RULES_OF_LIVE[liveRuleId];
  if (!rules) return false;
  return analysis.findings.some((f) => rules.includes(f.ruleId) && findingIsAbout(f, logicalId, analysis.template));
}

export type LiveStatus = 'here' | 'not-deployed' | 'drift' | 'unknown';

/**
 * The relation of a live finding to the workspace template: `deployed` is the analysis of the
 * deployed template (null when it was not read).
 */
export function liveStatus(
  current: { findings: readonly Finding[]; template?: Template },
  deployed: { findings: readonly Finding[]; template?: Template } | null,
  logicalId: string,
  liveRuleId: string,
): LiveStatus {
  if (templateHasProblem(current, logicalId, liveRuleId)) return 'here';
  if (!deployed) return 'unknown';
  return templateHasProblem(deployed, logicalId, liveRuleId) ? 'not-deployed' : 'drift';
}

export interface LiveNote {
  accountId: string;
  region: string;
  stack: string;
  ruleId: string;
  status: LiveStatus;
  /** ISO instant of the audit. */
  auditedAt: string;
}

/** "15:42 UTC" today, else "2026-12-01 15:42 UTC". */
export function auditTime(iso: string, now: Date = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return 'an unknown time';
  const day = d.toISOString().slice(0, 10);
  const hm = d.toISOString().slice(11, 16);
  return day === now.toISOString().slice(0, 10) ? `${hm} UTC` : `${day} ${hm} UTC`;
}

/**
 * The words of a live note on a template resource:
 * "Live in 111122223333 us-east-1, stack web-prod: bucket is public now (AJ531) · audit 15:42 UTC".
 */
export function liveNoteText(n: LiveNote, now?: Date): string {
  const where = `${n.accountId} ${n.region}, stack ${n.stack}`;
  const when = ` · audit ${auditTime(n.auditedAt, now)}`;
  const what = NOW[n.ruleId] ?? 'live finding';
  switch (n.status) {
    case 'here':
      return `Live in ${where}: ${what} (${n.ruleId})${when}`;
    case 'not-deployed':
      return `Fixed here, not deployed yet: live in ${where}, ${what} (${n.ruleId})${when}`;
    case 'drift':
      return `Drift: ${DRIFTED[n.ruleId] ?? 'the live resource'} differs from this template (${n.ruleId}, live in ${where})${when}`;
    default:
      return `Not in this template, but live in ${where}: ${what} (${n.ruleId}; fixed here or changed by hand: the deployed template was not read)${when}`;
  }
}

/** The logical-id key of every resource of a template, by id. */
export function resourceKeyRanges(
  template: Template | undefined,
  range: (span: { start: number; end: number }) => Range,
): Map<string, Range> {
  const out = new Map<string, Range>();
  for (const r of template?.resources.values() ?? []) out.set(r.id, range(r.key.span));
  return out;
}
