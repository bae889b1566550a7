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
import { liveFinding, type AuditError, type InventoryItem, type LiveFinding } from './findings';

/** Anything with the SDK client's send: a real IAMClient or a test double. */
export type Sender = Pick<IAMClient, 'send'>;

/**
 * The audit's day thresholds. The first four have the names of the `.ajar.yaml` `audit:` keys, the
 * `ajar.audit.thresholds.*` settings and `ajar audit --threshold` (resolved by the engine's
 * resolveAuditThresholds); AJ503's window is fixed by the report's "last 30 days".
 */
export interface AgeThresholds {
  /** AJ512: an active password or key unused for this many days. */
  unusedDays: number;
  /** AJ513: an active key older than this. */
  rotationDays: number;
  /** AJ514: an active key older than this ... */
  staleKeyDays: number;
  /** ... and not used within this many days. */
  staleKeyUnusedDays: number;
  /** AJ503: root used within this many days. */
  rootRecentUseDays: number;
}
export const DEFAULT_THRESHOLDS: AgeThresholds = {
  unusedDays: 90,
  rotationDays: 90,
  staleKeyDays: 365,
  staleKeyUnusedDays: 30,
  rootRecentUseDays: 30,
};

const DAY = 86_400_000;

export interface AccessKeyState {
  /** 1 or 2, as in the credential report (ordered by creation). */
  slot: number;
  active: boolean;
  created: Date | null;
  lastUsed: Date | null;
}
export interface UserCredentials {
  user: string;
  arn: string;
  created: Date | null;
  passwordEnabled: boolean;
  /** When the password was set (password_last_changed), falling back to the user's creation. */
  passwordCreated: Date | null;
  passwordLastUsed: Date | null;
  mfaActive: boolean | null;
  keys: AccessKeyState[];
}

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
  const out: LiveFinding[] = [];
  const now = asOf.getTime();
  if (u.passwordEnabled && u.mfaActive === false) {
    out.push(
      liveFinding('AJ511', u.arn, null, `IAM user ${u.user} can sign in to the console without MFA`, { user: u.user }),
    );
  }
  if (u.passwordEnabled) {
    const since = u.passwordLastUsed ?? u.passwordCreated;
    if (since && now - since.getTime() > t.unusedDays * DAY) {
      const message = u.passwordLastUsed
        ? `console password of IAM user ${u.user} not used for ${days(now - since.getTime())} days (last used ${isoDay(since)})`
        : `console password of IAM user ${u.user} never used in the ${days(now - since.getTime())} days since it was set (${isoDay(since)})`;
      out.push(liveFinding('AJ512', u.arn, null, message, { user: u.user, credential: 'password' }));
    }
  }
  for (const k of u.keys) {
    if (!k.active) continue;
    const label = `access key ${k.slot} of IAM user ${u.user}`;
    const data = { user: u.user, credential: `access_key_${k.slot}` };
    const since = k.lastUsed ?? k.created;
    if (since && now - since.getTime() > t.unusedDays * DAY) {
      const message = k.lastUsed
        ? `${label} not used for ${days(now - since.getTime())} days (last used ${isoDay(since)})`
        : `${label} never used in the ${days(now - since.getTime())} days since it was created (${isoDay(since)})`;
      out.push(liveFinding('AJ512', u.arn, null, message, data));
    }
    if (k.created && now - k.created.getTime() > t.rotationDays * DAY) {
      out.push(
        liveFinding(
          'AJ513',
          u.arn,
          null,
          `${label} is ${days(now - k.created.getTime())} days old (created ${isoDay(k.created)}); rotate it or replace it with temporary credentials`,
          data,
        ),
      );
    }
    if (k.created && now - k.created.getTime() > t.staleKeyDays * DAY) {
      const unused = !k.lastUsed || now - k.lastUsed.getTime() > t.staleKeyUnusedDays * DAY;
      if (unused) {
        const usage = k.lastUsed ? `last used ${isoDay(k.lastUsed)}` : 'never used';
        out.push(
          liveFinding(
            'AJ514',
            u.arn,
            null,
            `${label} is ${days(now - k.created.getTime())} days old and ${usage}; deactivate it`,
            data,
          ),
        );
      }
    }
  }
  return out;
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

export interface AccountSummaryFacts {
  AccountAccessKeysPresent?: number;
  AccountMFAEnabled?: number;
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
  const findings: LiveFinding[] = [];
  const errors: AuditError[] = [];
  const arn = root?.arn || `arn:aws:iam::${accountId}:root`;
  // AJ501
  const activeKeys = root ? [1, 2].filter((s) => reportBool(root[`access_key_${s}_active`]) === true) : [];
  if ((summary?.AccountAccessKeysPresent ?? 0) > 0 || activeKeys.length > 0) {
    const which = activeKeys.length ? ` (active: ${activeKeys.map((s) => `access key ${s}`).join(', ')})` : '';
    findings.push(
      liveFinding('AJ501', arn, null, `the root user of account ${accountId} has an access key${which}; delete it`),
    );
  }
  // AJ502
  const rootMfa = root ? reportBool(root.mfa_active) : null;
  if (summary && summary.AccountMFAEnabled !== undefined) {
    if (summary.AccountMFAEnabled === 0 && rootMfa !== true) {
      if (root || !reportRead) {
        findings.push(liveFinding('AJ502', arn, null, `the root user of account ${accountId} has no MFA device`));
      } else {
        errors.push({
          service: 'iam',
          region: null,
          message:
            'could not tell whether the root user has MFA: GetAccountSummary says AccountMFAEnabled = 0 but the credential report has no <root_account> row (an emulator that does not model the root user?)',
          code: 'RootNotModelled',
        });
      }
    }
  } else if (rootMfa === false) {
    findings.push(liveFinding('AJ502', arn, null, `the root user of account ${accountId} has no MFA device`));
  }
  // AJ503
  if (root) {
    const now = asOf.getTime();
    const uses: string[] = [];
    const pw = reportDate(root.password_last_used);
    if (pw && now - pw.getTime() <= t.rootRecentUseDays * DAY) uses.push(`password on ${isoDay(pw)}`);
    for (const s of [1, 2]) {
      const d = reportDate(root[`access_key_${s}_last_used_date`]);
      if (d && now - d.getTime() <= t.rootRecentUseDays * DAY) uses.push(`access key ${s} on ${isoDay(d)}`);
    }
    if (uses.length) {
      findings.push(
        liveFinding(
          'AJ503',
          arn,
          null,
          `the root user of account ${accountId} was used within the last ${t.rootRecentUseDays} days: ${uses.join(', ')}`,
        ),
      );
    }
  }
  return { findings, errors };
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
