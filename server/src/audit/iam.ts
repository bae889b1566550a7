/**
 * IAM checks (AJ501-AJ514): GetAccountSummary, the credential report (generated and polled until
 * COMPLETE), and ListUsers so that users created after the report was generated (reports are reused
 * for up to four hours) are still checked; for those, and for everyone when the report cannot be
 * read, GetLoginProfile, ListMFADevices, ListAccessKeys and GetAccessKeyLastUsed fill the gap.
 */
import {
  type IAMClient,
  GenerateCredentialReportCommand,
  GetAccessKeyLastUsedCommand,
  GetAccountSummaryCommand,
  GetCredentialReportCommand,
  GetLoginProfileCommand,
  ListAccessKeysCommand,
  ListAccountAliasesCommand,
  ListMFADevicesCommand,
  ListUsersCommand,
  type User,
} from '@aws-sdk/client-iam';
import { createLimiter, describeError, errorCode } from './clients';
import { ROOT_USER, parseCredentialReport, reportBool, reportDate, type CredentialReportRow } from './credentialReport';
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

/** Anything with the SDK client's send: a real IAMClient or a test double. */
export type Sender = Pick<IAMClient, 'send'>;

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

/** The account alias (iam:ListAccountAliases; an account has at most one), or undefined. */
export async function readAccountAlias(iam: Sender, abortSignal?: AbortSignal): Promise<string | undefined> {
  const out = await iam.send(new ListAccountAliasesCommand({}), { abortSignal });
  return out?.AccountAliases?.[0] || undefined;
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

export interface IamAuditOptions {
  accountId: string;
  asOf: Date;
  thresholds?: AgeThresholds;
  /** Parallel requests for the per-user fallback calls (default 8). */
  concurrency?: number;
  abortSignal?: AbortSignal;
  /** Delay between GenerateCredentialReport polls (ms, default 150, doubling up to 2 s). */
  pollDelayMs?: number;
  /** Give up waiting for the report after this long (ms, default 60 s). */
  reportTimeoutMs?: number;
  onFinding?: (f: LiveFinding) => void;
  onError?: (e: AuditError) => void;
  /** Every user (and the root user) inspected, clean or not. */
  onResource?: (r: InventoryItem) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** GenerateCredentialReport until COMPLETE, then GetCredentialReport; returns the CSV text. */
export async function fetchCredentialReport(
  iam: Sender,
  opts: { abortSignal?: AbortSignal; pollDelayMs?: number; reportTimeoutMs?: number } = {},
): Promise<string> {
  const deadline = Date.now() + (opts.reportTimeoutMs ?? 60_000);
  let delay = opts.pollDelayMs ?? 150;
  for (;;) {
    const gen = await iam.send(new GenerateCredentialReportCommand({}), { abortSignal: opts.abortSignal });
    if (gen?.State === 'COMPLETE') {
      try {
        const out = await iam.send(new GetCredentialReportCommand({}), { abortSignal: opts.abortSignal });
        const content = out?.Content;
        if (content === undefined || content === null) throw new Error('GetCredentialReport returned no content');
        return typeof content === 'string' ? content : new TextDecoder('utf-8').decode(content as Uint8Array);
      } catch (err) {
        const code = errorCode(err);
        // The report expired or is not there yet after all: generate again.
        if (!/ReportInProgress|ReportNotPresent|ReportExpired|CredentialReport/i.test(code ?? '')) throw err;
      }
    }
    if (Date.now() > deadline) throw new Error('the credential report was not COMPLETE in time');
    if (opts.abortSignal?.aborted) throw opts.abortSignal.reason ?? new Error('aborted');
    await sleep(delay);
    delay = Math.min(delay * 2, 2000);
  }
}

async function listAllUsers(iam: Sender, abortSignal?: AbortSignal): Promise<User[]> {
  const users: User[] = [];
  let Marker: string | undefined;
  do {
    const out = await iam.send(new ListUsersCommand({ Marker, MaxItems: 1000 }), { abortSignal });
    users.push(...(out?.Users ?? []));
    Marker = out?.IsTruncated ? out.Marker : undefined;
  } while (Marker);
  return users;
}

/** The report's columns rebuilt from per-user calls, for users the report lacks. */
async function userFromApi(iam: Sender, u: User, abortSignal?: AbortSignal): Promise<UserCredentials> {
  const name = u.UserName ?? '';
  const [login, mfa, keys] = await Promise.all([
    iam.send(new GetLoginProfileCommand({ UserName: name }), { abortSignal }).catch((err: unknown) => {
      if (errorCode(err) === 'NoSuchEntity' || errorCode(err) === 'NoSuchEntityException') return undefined;
      throw err;
    }),
    iam.send(new ListMFADevicesCommand({ UserName: name }), { abortSignal }),
    iam.send(new ListAccessKeysCommand({ UserName: name }), { abortSignal }),
  ]);
  const metas = [...(keys?.AccessKeyMetadata ?? [])].sort(
    (a, b) => (a.CreateDate?.getTime?.() ?? 0) - (b.CreateDate?.getTime?.() ?? 0),
  );
  const keyStates: AccessKeyState[] = await Promise.all(
    metas.map(async (m, i: number) => {
      let lastUsed: Date | null = null;
      if (m.Status === 'Active' && m.AccessKeyId) {
        const lu = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: m.AccessKeyId }), { abortSignal });
        lastUsed = lu?.AccessKeyLastUsed?.LastUsedDate ?? null;
      }
      return { slot: i + 1, active: m.Status === 'Active', created: m.CreateDate ?? null, lastUsed };
    }),
  );
  const created = u.CreateDate ?? null;
  return {
    user: name,
    arn: u.Arn ?? '',
    created,
    passwordEnabled: !!login?.LoginProfile,
    passwordCreated: login?.LoginProfile?.CreateDate ?? created,
    passwordLastUsed: u.PasswordLastUsed ?? null,
    mfaActive: (mfa?.MFADevices ?? []).length > 0,
    keys: keyStates,
  };
}

/**
 * Runs the IAM checks. Findings and errors stream through the callbacks and are also returned.
 * Partial failure: a failed call becomes an error entry and the rest goes on.
 */
export async function auditIam(
  iam: Sender,
  opts: IamAuditOptions,
): Promise<{ findings: LiveFinding[]; errors: AuditError[]; resources: InventoryItem[] }> {
  const t = opts.thresholds ?? DEFAULT_THRESHOLDS;
  const findings: LiveFinding[] = [];
  const errors: AuditError[] = [];
  const emit = (f: LiveFinding) => {
    findings.push(f);
    opts.onFinding?.(f);
  };
  const resources: InventoryItem[] = [];
  const resource = (r: InventoryItem) => {
    resources.push(r);
    opts.onResource?.(r);
  };
  const fail = (what: string, err: unknown) => {
    const d = describeError(err);
    const e: AuditError = {
      service: 'iam',
      region: null,
      message: `${what}: ${d.message}`,
      ...(d.code ? { code: d.code } : {}),
    };
    errors.push(e);
    opts.onError?.(e);
  };

  const [summaryR, reportR, usersR] = await Promise.allSettled([
    iam.send(new GetAccountSummaryCommand({}), { abortSignal: opts.abortSignal }),
    fetchCredentialReport(iam, opts),
    listAllUsers(iam, opts.abortSignal),
  ]);

  let summary: AccountSummaryFacts | undefined;
  if (summaryR.status === 'fulfilled') summary = summaryR.value?.SummaryMap ?? {};
  else fail('could not read the account summary (GetAccountSummary)', summaryR.reason);

  let rows: CredentialReportRow[] | undefined;
  if (reportR.status === 'fulfilled') {
    try {
      rows = parseCredentialReport(reportR.value);
    } catch (err) {
      fail('could not parse the credential report', err);
    }
  } else fail('could not read the credential report (GenerateCredentialReport/GetCredentialReport)', reportR.reason);

  const root = rows?.find((r) => r.user === ROOT_USER);
  const rootResult = rootFindings(opts.accountId, summary, root, rows !== undefined, opts.asOf, t);
  rootResult.findings.forEach(emit);
  if (summary || root) resource(rootResource(opts.accountId, summary, root, opts.asOf));
  for (const e of rootResult.errors) {
    errors.push(e);
    opts.onError?.(e);
  }

  const reported = new Set<string>();
  for (const r of rows ?? []) {
    if (r.user === ROOT_USER) continue;
    reported.add(r.user);
    const u = userFromReportRow(r);
    userFindings(u, opts.asOf, t).forEach(emit);
    resource(userResource(u, opts.asOf));
  }

  // Users the report lacks (created after it was generated, or no report at all).
  if (usersR.status === 'rejected') {
    if (!rows) fail('could not list IAM users (ListUsers)', usersR.reason);
    else
      fail(
        'could not list IAM users (ListUsers); users created after the credential report was generated are not checked',
        usersR.reason,
      );
    return { findings, errors, resources };
  }
  const missing = usersR.value.filter((u) => u.UserName && !reported.has(u.UserName));
  const limit = createLimiter(opts.concurrency ?? 8);
  let failedUsers = 0;
  let firstErr: unknown;
  await Promise.all(
    missing.map((u) =>
      limit(async () => {
        try {
          const creds = await userFromApi(iam, u, opts.abortSignal);
          userFindings(creds, opts.asOf, t).forEach(emit);
          resource(userResource(creds, opts.asOf));
        } catch (err) {
          failedUsers++;
          firstErr ??= err;
        }
      }),
    ),
  );
  if (failedUsers)
    fail(`could not read the credentials of ${failedUsers} IAM user(s) missing from the credential report`, firstErr);
  return { findings, errors, resources };
}
