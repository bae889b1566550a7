/**
 * What a live rule is (AJ501-AJ534). A live rule file reads like its docs page, as a template rule
 * does: metadata (id, slug, severity, title, category, docs with the AWS CLI fix) and the check.
 * The check is pure: a collector reads the facts from AWS (read-only) and calls it; the check
 * reports findings through its context and never calls AWS itself.
 *
 * Nothing here loads the AWS SDK (type imports only), so the rule list, docs and SARIF rule list
 * cost nothing until an account is audited.
 */
import type { LiveRuleMeta } from '../../engine/types';
import type { CredentialReportRow } from '../credentialReport';
import type { AuditError, LiveFinding, LiveRuleId } from '../findings';

export interface LiveReport {
  /** ARN of the resource (user, root, instance, bucket, queue, topic) or the account id. */
  resource: string;
  /** Region of the resource; null for global resources (IAM, account-level S3 settings). */
  region: string | null;
  message: string;
  /** Extra facts for tests and machine output; never secrets. */
  data?: Record<string, unknown>;
}

export interface LiveCheckContext {
  /** One finding of this rule (its id, slug and severity come from the rule). */
  report(r: LiveReport): void;
  /** Something the check could not judge from the facts it was given (shown where it belongs). */
  unreadable(e: AuditError): void;
}

/**
 * The CIS AWS Foundations Benchmark the live rules name controls of, by the benchmark's own ids and
 * titles (v3.0.0, 2024-01-31; the ids also appear in AWS Security Hub's CIS v3.0.0 standard).
 */
export const CIS_BENCHMARK = 'CIS Amazon Web Services Foundations Benchmark v3.0.0';

/** A control of CIS_BENCHMARK, for a rule's `cis`. */
export function cisControl(id: string, title: string): NonNullable<LiveRuleMeta['cis']> {
  return { benchmark: CIS_BENCHMARK, id, title };
}

export interface LiveRule<Facts = never> extends LiveRuleMeta {
  id: LiveRuleId;
  check(facts: Facts, ctx: LiveCheckContext): void;
}

export interface LiveResult {
  findings: LiveFinding[];
  errors: AuditError[];
}

/** The finding a rule reports. */
export function findingOf(rule: LiveRuleMeta & { id: LiveRuleId }, r: LiveReport): LiveFinding {
  const f: LiveFinding = {
    ruleId: rule.id,
    rule: rule.slug,
    severity: rule.severity,
    message: r.message,
    resource: r.resource,
    region: r.region,
  };
  if (r.data && Object.keys(r.data).length) f.data = r.data;
  return f;
}

/** The placeholders a live rule's `docs.command` may use. */
export const COMMAND_PLACEHOLDERS = ['name', 'arn', 'region', 'account'] as const;

/**
 * A rule's `docs.command` for one finding: the placeholders filled from it (a value with anything
 * but letters, digits and `._-+=,@:/` is single-quoted for the shell). Text to show, never to run.
 */
export function fixCommand(
  rule: Pick<LiveRuleMeta, 'docs'>,
  f: { resource: string; region: string | null; accountId: string },
): string {
  const arn = f.resource.startsWith('arn:') ? f.resource : '';
  const tail = arn ? arn.split(':').slice(5).join(':') : f.resource;
  const values: Record<(typeof COMMAND_PLACEHOLDERS)[number], string> = {
    name: tail.slice(tail.lastIndexOf('/') + 1),
    arn: arn || '<ARN>',
    region: f.region ?? 'us-east-1',
    account: f.accountId || '<ACCOUNT_ID>',
  };
  return rule.docs.command.replace(/\{(name|arn|region|account)\}/g, (_, k: keyof typeof values) =>
    shellWord(values[k]),
  );
}

function shellWord(value: string): string {
  return /^[\w.+=,@:/-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Runs checks over the same facts, in order. */
export function runChecks<Facts>(rules: readonly LiveRule<Facts>[], facts: Facts): LiveResult {
  const out: LiveResult = { findings: [], errors: [] };
  for (const rule of rules) {
    rule.check(facts, {
      report: (r) => out.findings.push(findingOf(rule, r)),
      unreadable: (e) => out.errors.push(e),
    });
  }
  return out;
}

// ---- The facts the checks judge (collectors fill them in) ----

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

export interface AccountSummaryFacts {
  AccountAccessKeysPresent?: number;
  AccountMFAEnabled?: number;
}

/** AJ501-AJ503: what the audit knows about the root user. */
export interface RootFacts {
  accountId: string;
  /** GetAccountSummary, when it could be read. */
  summary: AccountSummaryFacts | undefined;
  /** The credential report's `<root_account>` row, when there is one. */
  root: CredentialReportRow | undefined;
  /** Whether the credential report itself was read (a report without a root row: an emulator). */
  reportRead: boolean;
  asOf: Date;
  thresholds: AgeThresholds;
}

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

/** AJ511-AJ514: one IAM user's credentials, as of a date. */
export interface UserFacts {
  user: UserCredentials;
  asOf: Date;
  thresholds: AgeThresholds;
}
