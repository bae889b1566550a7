/**
 * IAM's AWS calls (AJ501-AJ514): GetAccountSummary, the credential report (generated and polled
 * until COMPLETE), and ListUsers so that users created after the report was generated (reports
 * are reused for up to four hours) are still checked; for those, and for everyone when the report
 * cannot be read, GetLoginProfile, ListMFADevices, ListAccessKeys and GetAccessKeyLastUsed fill
 * the gap. The checks themselves and the inventory entries are `iamChecks.ts`'s (pure).
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
import { ROOT_USER, parseCredentialReport, type CredentialReportRow } from './credentialReport';
import type { AuditError, InventoryItem, LiveFinding } from './findings';
import {
  DEFAULT_THRESHOLDS,
  rootFindings,
  rootResource,
  userFindings,
  userFromReportRow,
  userResource,
} from './iamChecks';
import { paginate } from './paginate';
import type { AccessKeyState, AccountSummaryFacts, AgeThresholds, UserCredentials } from './rules/rule';

/** Anything with the SDK client's send: a real IAMClient or a test double. */
export type Sender = Pick<IAMClient, 'send'>;

/** The account alias (iam:ListAccountAliases; an account has at most one), or undefined. */
export async function readAccountAlias(iam: Sender, abortSignal?: AbortSignal): Promise<string | undefined> {
  const out = await iam.send(new ListAccountAliasesCommand({}), { abortSignal });
  return out?.AccountAliases?.[0] || undefined;
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
  await paginate(
    (Marker) => iam.send(new ListUsersCommand({ Marker, MaxItems: 1000 }), { abortSignal }),
    (out) => (out?.IsTruncated ? out.Marker : undefined),
    (out) => users.push(...(out?.Users ?? [])),
    { what: 'ListUsers' },
  );
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
