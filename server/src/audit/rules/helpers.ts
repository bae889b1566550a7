/** Small pieces several live rules share: day arithmetic, public policy findings, public access blocks. */
import type { PublicAccessBlockConfiguration } from '@aws-sdk/client-s3';
import { publicGrantsInPolicyJson } from '../../engine/policy';
import type { LiveCheckContext } from './rule';

export const DAY = 86_400_000;

export function days(ms: number): number {
  return Math.floor(ms / DAY);
}
export function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** The first sentence-ish of a public grant, for messages. */
export function grantText(g: { message?: string; who: string; actions: string[]; notAction?: boolean }): string {
  if (g.message) return g.message;
  return `${g.who} can ${g.notAction ? `every action except ${g.actions.join(', ')}` : g.actions.join(', ')}`;
}

/**
 * One finding per public statement of a resource policy, as the shared policy evaluator (AJ101's)
 * judges it: "queue policy is public: anyone can sqs:SendMessage on queue Orders (statement Public)".
 */
export function reportPublicPolicy(
  ctx: LiveCheckContext,
  resource: string,
  region: string,
  policy: string | null | undefined,
  what: { resourceKind: string; noun: string; name: string; note?: string; data?: Record<string, unknown> },
): void {
  if (!policy) return;
  for (const g of publicGrantsInPolicyJson(policy, { resourceKind: what.resourceKind })) {
    ctx.report({
      resource,
      region,
      message: `${what.noun} policy is public: ${grantText(g)} on ${what.noun} ${what.name} (statement ${g.sid ?? g.statementIndex})${what.note ?? ''}`,
      data: {
        ...what.data,
        statementIndex: g.statementIndex,
        ...(g.sid ? { sid: g.sid } : {}),
        who: g.who,
        actions: g.actions,
      },
    });
  }
}

// ---- S3 Block Public Access ----

export type PabFlags = Required<{ [K in keyof PublicAccessBlockConfiguration]-?: boolean }>;
export const PAB_FLAGS = ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'] as const;

/** Public access block as read: flags (a missing configuration = all false), or unknown. */
export type PabState = { kind: 'set'; flags: PabFlags } | { kind: 'none' } | { kind: 'unknown'; reason: string };

/** One flag of a public access block: undefined when the block could not be read. */
export function pabFlag(p: PabState, name: (typeof PAB_FLAGS)[number]): boolean | undefined {
  if (p.kind === 'set') return p.flags[name];
  if (p.kind === 'none') return false;
  return undefined;
}
