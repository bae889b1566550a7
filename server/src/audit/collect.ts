/** What every collector receives: clients, a per-service bound, and where to send results. */
import type { AuditClients, Limiter } from './clients';
import { describeError } from './clients';
import type { AuditError, AuditService, InventoryItem, LiveFinding } from './findings';

export interface CollectorContext {
  accountId: string;
  clients: AuditClients;
  /** Bound on concurrent requests for this collector's service. */
  limit: Limiter;
  abortSignal?: AbortSignal;
  emit(finding: LiveFinding): void;
  error(error: AuditError): void;
  /** A resource inspected, clean or not (the inventory). */
  resource?(item: InventoryItem): void;
}

/** "1 day", "412 days". */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** The key fact about a resource policy, from the findings it produced. */
export function policyFact(
  policy: string | null | undefined,
  findings: LiveFinding[],
): { description: string; evidence: string[]; facts?: { unread: true } } {
  if (policy === undefined)
    return { description: 'policy unreadable', evidence: ['the policy could not be read'], facts: { unread: true } };
  if (!policy) return { description: 'no policy', evidence: ['no resource policy'] };
  let statements = 0;
  try {
    const doc = JSON.parse(policy);
    statements = Array.isArray(doc?.Statement) ? doc.Statement.length : doc?.Statement ? 1 : 0;
  } catch {
    // The evaluator reports unparsable policies its own way.
  }
  const evidence = [`policy with ${plural(statements, 'statement')}`, ...findings.map((f) => f.message)];
  return { description: findings.length ? 'policy public' : 'policy restricted', evidence };
}

/** Records what could not be read (and why) on the node it belongs to. */
export function reportFailure(
  ctx: CollectorContext,
  service: AuditService,
  region: string | null,
  what: string,
  err: unknown,
): void {
  const d = describeError(err);
  ctx.error({ service, region, message: `${what}: ${d.message}`, ...(d.code ? { code: d.code } : {}) });
}
