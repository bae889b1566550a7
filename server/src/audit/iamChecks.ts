/**
 * The IAM checks' pure part (AJ501-AJ503 for the root user, AJ511-AJ514 per user) and the
 * inventory entries: facts in (a credential report row, GetAccountSummary's map, the user's
 * credentials), findings and tree items out. No AWS call and no SDK: `iam.ts` reads the facts.
 */
import { reportBool, reportDate, type CredentialReportRow } from './credentialReport';
import type { AuditError, InventoryItem, LiveFinding } from './findings';
import {
  type AccessKeyState,
  type AccountSummaryFacts,
  type AgeThresholds,
  type LiveRule,
  type RootFacts,
  type UserCredentials,
  type UserFacts,
  runChecks,
} from './rules/rule';
import { ROOT_ACCESS_KEY_PRESENT } from './rules/AJ501-root-access-key-present';
import { ROOT_MFA_DISABLED } from './rules/AJ502-root-mfa-disabled';
import { ROOT_USED_RECENTLY } from './rules/AJ503-root-used-recently';
import { USER_CONSOLE_WITHOUT_MFA } from './rules/AJ511-user-console-without-mfa';
import { USER_CREDENTIALS_UNUSED } from './rules/AJ512-user-credentials-unused';
import { ACCESS_KEY_NOT_ROTATED } from './rules/AJ513-access-key-not-rotated';
import { ACCESS_KEY_STALE } from './rules/AJ514-access-key-stale';

const ROOT_RULES: LiveRule<RootFacts>[] = [ROOT_ACCESS_KEY_PRESENT, ROOT_MFA_DISABLED, ROOT_USED_RECENTLY];
const USER_RULES: LiveRule<UserFacts>[] = [
  USER_CONSOLE_WITHOUT_MFA,
  USER_CREDENTIALS_UNUSED,
  ACCESS_KEY_NOT_ROTATED,
  ACCESS_KEY_STALE,
];

export const DEFAULT_THRESHOLDS: AgeThresholds = {
  unusedDays: 90,
  rotationDays: 90,
  staleKeyDays: 365,
  staleKeyUnusedDays: 30,
  rootRecentUseDays: 30,
};

const DAY = 86_400_000;

export type { AccessKeyState, AccountSummaryFacts, AgeThresholds, UserCredentials };

export function userFromReportRow(r: CredentialReportRow): UserCredentials {
  const keys: AccessKeyState[] = [];
  for (const slot of [1, 2]) {
    const active = reportBool(r[`access_key_${slot}_active`]);
    if (active === null) continue;
    keys.push({
      slot,
      active,
      created: reportDate(r[`access_key_${slot}_last_rotated`]),
      lastUsed: reportDate(r[`access_key_${slot}_last_used_date`]),
    });
  }
  const created = reportDate(r.user_creation_time);
  return {
    user: r.user,
    arn: r.arn,
    created,
    passwordEnabled: reportBool(r.password_enabled) === true,
    passwordCreated: reportDate(r.password_last_changed) ?? created,
    passwordLastUsed: reportDate(r.password_last_used),
    mfaActive: reportBool(r.mfa_active),
    keys,
  };
}

function days(ms: number): number {
  return Math.floor(ms / DAY);
}
function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** AJ511-AJ514 for one IAM user. */
export function userFindings(u: UserCredentials, asOf: Date, t: AgeThresholds = DEFAULT_THRESHOLDS): LiveFinding[] {
  return runChecks(USER_RULES, { user: u, asOf, thresholds: t }).findings;
}

function ago(now: number, d: Date): number {
  return Math.max(0, days(now - d.getTime()));
}

/** The inventory entry of one IAM user: "console, MFA; key 412 days old, unused 45 days". */
export function userResource(u: UserCredentials, asOf: Date): InventoryItem {
  const now = asOf.getTime();
  const parts: string[] = [];
  const evidence: string[] = [];
  if (u.created) evidence.push(`created ${isoDay(u.created)}`);
  if (u.passwordEnabled) {
    parts.push(u.mfaActive === true ? 'console, MFA' : u.mfaActive === false ? 'console, no MFA' : 'console');
    evidence.push(
      `console password: set ${u.passwordCreated ? isoDay(u.passwordCreated) : 'date unknown'}, ${u.passwordLastUsed ? `last used ${isoDay(u.passwordLastUsed)}` : 'never used'}`,
    );
  } else {
    parts.push(u.mfaActive === true ? 'no console, MFA' : 'no console');
    evidence.push('console password: none');
  }
  evidence.push(`MFA: ${u.mfaActive === true ? 'active' : u.mfaActive === false ? 'none' : 'unknown'}`);
  const active = u.keys.filter((k) => k.active);
  const keyFacts = active.map((k) => {
    const age = k.created ? `${ago(now, k.created)} days old` : 'age unknown';
    const use = k.lastUsed
      ? ago(now, k.lastUsed) === 0
        ? 'used today'
        : `unused ${ago(now, k.lastUsed)} days`
      : 'never used';
    return `key${active.length > 1 ? ` ${k.slot}` : ''} ${age}, ${use}`;
  });
  // The credential report has access_key_N_active = false for slots without a key: an inactive key is one with a date.
  const inactive = u.keys.filter((k) => !k.active && k.created).length;
  if (keyFacts.length) parts.push(keyFacts.join('; '));
  else parts.push(inactive ? `${inactive} inactive key${inactive === 1 ? '' : 's'}` : 'no access keys');
  if (keyFacts.length && inactive) parts.push(`${inactive} inactive key${inactive === 1 ? '' : 's'}`);
  for (const k of u.keys) {
    if (!k.active && !k.created) continue;
    evidence.push(
      `access key ${k.slot}: ${k.active ? 'active' : 'inactive'}, created ${k.created ? isoDay(k.created) : 'unknown'}, ${k.lastUsed ? `last used ${isoDay(k.lastUsed)}` : 'never used'}`,
    );
  }
  return {
    service: 'iam',
    region: null,
    id: u.arn,
    arn: u.arn,
    label: u.user,
    description: parts.join('; '),
    evidence,
    facts: { activeKeys: active.length },
  };
}

/** The inventory entry of the root user, from the same facts as AJ501-AJ503. */
export function rootResource(
  accountId: string,
  summary: AccountSummaryFacts | undefined,
  root: CredentialReportRow | undefined,
  asOf: Date,
): InventoryItem {
  const arn = root?.arn || `arn:aws:iam::${accountId}:root`;
  const parts: string[] = [];
  const evidence: string[] = [];
  const rootMfa = root ? reportBool(root.mfa_active) : null;
  if (rootMfa === true || summary?.AccountMFAEnabled === 1) parts.push('MFA');
  else if (rootMfa === false) parts.push('no MFA');
  else parts.push('MFA unknown');
  const activeKeys = root ? [1, 2].filter((s) => reportBool(root[`access_key_${s}_active`]) === true) : [];
  if (activeKeys.length || (summary?.AccountAccessKeysPresent ?? 0) > 0) parts.push('access key present');
  else if (summary || root) parts.push('no access keys');
  if (summary) {
    evidence.push(
      `GetAccountSummary: AccountMFAEnabled = ${summary.AccountMFAEnabled ?? 'not set'}, AccountAccessKeysPresent = ${summary.AccountAccessKeysPresent ?? 'not set'}`,
    );
  } else evidence.push('GetAccountSummary: not read');
  if (root) {
    const pw = reportDate(root.password_last_used);
    const uses = [pw, ...[1, 2].map((s) => reportDate(root[`access_key_${s}_last_used_date`]))].filter(
      (d): d is Date => !!d,
    );
    const last = uses.sort((a, b) => b.getTime() - a.getTime())[0];
    if (last) {
      const n = ago(asOf.getTime(), last);
      parts.push(n === 0 ? 'used today' : `last used ${n} days ago`);
    }
    evidence.push(
      `credential report: MFA ${root.mfa_active ?? 'n/a'}, password last used ${root.password_last_used || 'n/a'}, access keys active: ${activeKeys.length ? activeKeys.join(', ') : 'none'}`,
    );
  } else evidence.push('credential report: no <root_account> row');
  return {
    service: 'iam',
    region: null,
    id: arn,
    arn,
    label: 'root',
    description: parts.join(', '),
    evidence,
    facts: { rootUsageRead: !!root },
  };
}

export interface RootFindingsResult {
  findings: LiveFinding[];
  errors: AuditError[];
}

/** AJ501-AJ503 from GetAccountSummary and the report's <root_account> row (either may be missing). */
export function rootFindings(
  accountId: string,
  summary: AccountSummaryFacts | undefined,
  root: CredentialReportRow | undefined,
  reportRead: boolean,
  asOf: Date,
  t: AgeThresholds = DEFAULT_THRESHOLDS,
): RootFindingsResult {
  return runChecks(ROOT_RULES, { accountId, summary, root, reportRead, asOf, thresholds: t });
}
