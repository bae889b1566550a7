/**
 * The organization tree's counts (pure: no `vscode` import, unit-tested in
 * test/unit/orgCounts.test.ts): which accounts a filter shows, an OU's accounts and findings
 * among those shown, and a member's line and the organization's summary after that one member
 * was audited again.
 */
import type {
  AccountAudit,
  OrganizationAccount,
  OrganizationAudit,
  SeverityCounts,
} from '../../../server/src/lsp/protocol';

export type OrganizationFilter = { kind: 'errors' } | { kind: 'rule'; ruleId: string };

export function matchesFilter(a: OrganizationAccount, filter: OrganizationFilter | undefined): boolean {
  if (!filter) return true;
  if (filter.kind === 'errors') return a.state === 'failed' || a.unread > 0;
  return a.rules.includes(filter.ruleId);
}

/** Accounts in a unit and every unit below it (units come parents first), those the filter shows. */
export function accountsUnder(
  audit: OrganizationAudit,
  unitId: string,
  filter?: OrganizationFilter,
): OrganizationAccount[] {
  const ids = new Set([unitId]);
  for (const u of audit.units) if (u.parentId && ids.has(u.parentId)) ids.add(u.id);
  return audit.accounts.filter((a) => ids.has(a.ouId) && matchesFilter(a, filter));
}

export function sumCounts(accounts: readonly OrganizationAccount[]): SeverityCounts {
  const c: SeverityCounts = { error: 0, warning: 0, information: 0 };
  for (const a of accounts) for (const k of ['error', 'warning', 'information'] as const) c[k] += a.counts[k];
  return c;
}

/** An OU line: how many accounts it shows (with the filter on, only those) and their findings. */
export function ouCounts(
  audit: OrganizationAudit,
  unitId: string,
  filter?: OrganizationFilter,
): { accounts: number; counts: SeverityCounts } {
  const shown = accountsUnder(audit, unitId, filter);
  return { accounts: shown.length, counts: sumCounts(shown) };
}

/** Findings per rule of one account's audit. */
export function findingsByRule(a: AccountAudit | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of a?.categories ?? [])
    for (const i of c.items) for (const f of i.findings) out[f.ruleId] = (out[f.ruleId] ?? 0) + 1;
  return out;
}

/** A member's line from its own audit (as the server makes it from the organization's). */
export function memberLine(line: OrganizationAccount, fresh: AccountAudit): OrganizationAccount {
  const counts: SeverityCounts = { error: 0, warning: 0, information: 0 };
  for (const c of fresh.categories) for (const i of c.items) for (const f of i.findings) counts[f.severity]++;
  const failed = fresh.loginFailed === true || (!!fresh.error && fresh.categories.length === 0);
  const next: OrganizationAccount = {
    ...line,
    state: failed ? 'failed' : 'audited',
    counts: failed ? { error: 0, warning: 0, information: 0 } : counts,
    rules: failed ? [] : Object.keys(findingsByRule(fresh)).sort(),
    unread: failed ? 0 : fresh.categories.reduce((n, c) => n + c.errors.length, 0),
  };
  if (fresh.error) next.error = fresh.error;
  else delete next.error;
  return next;
}

/**
 * The organization after one member was audited again: its line, and the summary's counts,
 * audited/failed and findings by rule (the member's previous findings, when known, replaced by its
 * new ones). Null when the account is no member of it.
 */
export function withRefreshedMember(
  audit: OrganizationAudit,
  fresh: AccountAudit,
  previous?: AccountAudit,
): OrganizationAudit | null {
  const id = fresh.accountId ?? fresh.key;
  const old = audit.accounts.find((a) => a.accountId === id);
  if (!old) return null;
  const line = memberLine(old, fresh);
  const accounts = audit.accounts.map((a) => (a === old ? line : a));
  const byRule = { ...audit.summary.byRule };
  if (previous || old.state !== 'audited') {
    for (const [r, n] of Object.entries(findingsByRule(previous))) byRule[r] = (byRule[r] ?? 0) - n;
    for (const [r, n] of Object.entries(findingsByRule(fresh))) byRule[r] = (byRule[r] ?? 0) + n;
    for (const r of Object.keys(byRule)) if (byRule[r] <= 0) delete byRule[r];
  }
  return {
    ...audit,
    accounts,
    summary: {
      ...audit.summary,
      audited: accounts.filter((a) => a.state === 'audited').length,
      failed: accounts.filter((a) => a.state === 'failed').length,
      counts: sumCounts(accounts),
      byRule,
    },
  };
}
