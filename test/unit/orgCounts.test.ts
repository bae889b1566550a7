/**
 * The Accounts view's organization counts (client/src/accounts/orgCounts.ts, no vscode): with a
 * filter on, an OU counts only the accounts shown; one member audited again moves its counts on
 * its line, its OUs' and the organization's summary.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accountsUnder, memberLine, ouCounts, withRefreshedMember } from '../../client/src/accounts/orgCounts';
import type { AccountAudit, OrganizationAccount, OrganizationAudit } from '../../server/src/lsp/protocol';

const line = (accountId: string, ouId: string, error: number, rules: string[], unread = 0): OrganizationAccount => ({
  accountId,
  name: `acct-${accountId}`,
  ouId,
  ou: ouId,
  state: 'audited',
  counts: { error, warning: 1, information: 0 },
  rules,
  unread,
});

// root ─ prod ─ prod-eu ; root ─ dev
const ORG: OrganizationAudit = {
  key: 'org:mgmt',
  profile: 'mgmt',
  auditedAt: '2026-01-01T00:00:00Z',
  units: [
    { id: 'r-1', name: 'Root', path: 'Root' },
    { id: 'ou-prod', name: 'prod', path: 'Root/prod', parentId: 'r-1' },
    { id: 'ou-eu', name: 'prod-eu', path: 'Root/prod/prod-eu', parentId: 'ou-prod' },
    { id: 'ou-dev', name: 'dev', path: 'Root/dev', parentId: 'r-1' },
  ] as OrganizationAudit['units'],
  accounts: [
    line('111111111111', 'ou-prod', 2, ['AJ501', 'AJ510']),
    line('222222222222', 'ou-eu', 0, ['AJ520'], 1),
    line('333333333333', 'ou-eu', 1, ['AJ501']),
    line('444444444444', 'ou-dev', 0, []),
  ],
  summary: {
    listed: 4,
    selected: 4,
    audited: 4,
    failed: 0,
    counts: { error: 3, warning: 4, information: 0 },
    byRule: { AJ501: 3, AJ510: 1, AJ520: 1 },
  },
};

test('no filter: an OU counts every account below it', () => {
  assert.deepEqual(ouCounts(ORG, 'ou-prod'), { accounts: 3, counts: { error: 3, warning: 3, information: 0 } });
  assert.equal(accountsUnder(ORG, 'r-1').length, 4);
});

test('a rule filter: an OU counts only the accounts shown, and their findings', () => {
  const f = { kind: 'rule', ruleId: 'AJ501' } as const;
  assert.deepEqual(ouCounts(ORG, 'ou-prod', f), { accounts: 2, counts: { error: 3, warning: 2, information: 0 } });
  assert.deepEqual(ouCounts(ORG, 'ou-eu', f), { accounts: 1, counts: { error: 1, warning: 1, information: 0 } });
  assert.deepEqual(ouCounts(ORG, 'ou-dev', f), { accounts: 0, counts: { error: 0, warning: 0, information: 0 } });
  // accounts with errors: failed or something unreadable
  assert.deepEqual(
    accountsUnder(ORG, 'r-1', { kind: 'errors' }).map((a) => a.accountId),
    ['222222222222'],
  );
});

const audit = (
  accountId: string,
  findings: [string, 'error' | 'warning' | 'information'][],
  errors = 0,
): AccountAudit => ({
  key: accountId,
  accountId,
  profiles: [],
  auditedAt: '2026-01-02T00:00:00Z',
  categories: [
    {
      id: 'users',
      label: 'IAM users',
      items: findings.map(([ruleId, severity], i) => ({
        id: `i${i}`,
        label: `item ${i}`,
        description: '',
        tooltip: '',
        findings: [{ ruleId, rule: ruleId.toLowerCase(), severity, message: 'm' }],
      })),
      errors: Array.from({ length: errors }, () => ({ service: 'iam', message: 'AccessDenied' })),
    },
  ] as AccountAudit['categories'],
});

test('one member audited again: its line, its OUs and the organization summary follow', () => {
  const previous = audit('333333333333', [
    ['AJ501', 'error'],
    ['AJ501', 'warning'],
  ]);
  const fresh = audit('333333333333', [['AJ530', 'information']], 2);
  const next = withRefreshedMember(ORG, fresh, previous)!;
  const member = next.accounts.find((a) => a.accountId === '333333333333')!;
  assert.deepEqual(
    [member.state, member.counts, member.rules, member.unread, member.ouId, member.name],
    ['audited', { error: 0, warning: 0, information: 1 }, ['AJ530'], 2, 'ou-eu', 'acct-333333333333'],
  );
  assert.deepEqual(ouCounts(next, 'ou-eu').counts, { error: 0, warning: 1, information: 1 });
  assert.deepEqual(ouCounts(next, 'ou-prod').counts, { error: 2, warning: 2, information: 1 });
  assert.deepEqual(next.summary.counts, { error: 2, warning: 3, information: 1 });
  assert.deepEqual(next.summary.byRule, { AJ501: 1, AJ510: 1, AJ520: 1, AJ530: 1 });
  assert.equal(next.summary.audited, 4);
  // the audit it came from is unchanged; an account outside the organization changes nothing
  assert.deepEqual(ORG.summary.counts, { error: 3, warning: 4, information: 0 });
  assert.equal(withRefreshedMember(ORG, audit('999999999999', [])), null);
});

test('a member that can no longer be read: failed, counted out of the audited', () => {
  const failed: AccountAudit = {
    ...audit('444444444444', []),
    categories: [],
    loginFailed: true,
    error: 'role cannot be assumed',
  };
  const next = withRefreshedMember(ORG, failed)!;
  const m = next.accounts.find((a) => a.accountId === '444444444444')!;
  assert.deepEqual([m.state, m.error, m.unread], ['failed', 'role cannot be assumed', 0]);
  assert.deepEqual([next.summary.audited, next.summary.failed], [3, 1]);
  assert.equal(memberLine(m, audit('444444444444', [['AJ501', 'error']])).state, 'audited');
});
