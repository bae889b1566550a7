/** What every collector receives: clients, a per-service bound, and where to send results. */
import type { AuditClients, Limiter } from './clients';
import { describeError } from './clients';
import type { AuditError, AuditService, LiveFinding } from './findings';

export interface CollectorContext {
  accountId: string;
  clients: AuditClients;
  /** Bound on concurrent requests for this collector's service. */
  limit: Limiter;
  abortSignal?: AbortSignal;
  emit(finding: LiveFinding): void;
  error(error: AuditError): void;
}

/** Records what could not be read (and why) on the node it belongs to. */
export function reportFailure(ctx: CollectorContext, service: AuditService, region: string | null, what: string, err: unknown): void {
  const d = describeError(err);
  ctx.error({ service, region, message: `${what}: ${d.message}`, ...(d.code ? { code: d.code } : {}) });
}

/** The first sentence-ish of a public grant, for messages. */
export function grantText(g: { message?: string; who: string; actions: string[]; notAction?: boolean }): string {
  if (g.message) return g.message;
  return `${g.who} can ${g.notAction ? `every action except ${g.actions.join(', ')}` : g.actions.join(', ')}`;
}
