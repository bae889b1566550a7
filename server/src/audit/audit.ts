/**
 * Orchestration: profiles -> identities -> accounts, then every collector of every account in
 * parallel (regions in parallel, a bound per service), streaming events as results arrive.
 */
import {
  DEFAULT_CHAIN_PROFILE,
  defaultChainProfile,
  discoverProfiles,
  groupByAccount,
  resolveIdentity,
  type ProfileInfo,
  type ProfileResolution,
  type SharedConfigPaths,
} from './accounts';
import { createAuditClients, createLimiter, type ClientContext } from './clients';
import { reportFailure, type CollectorContext } from './collect';
import { auditEc2Region, enabledRegions } from './ec2';
import {
  compareErrors,
  compareFindings,
  type AuditError,
  type AuditService,
  type InventoryItem,
  type InventoryResource,
  type LiveFinding,
} from './findings';
import { DEFAULT_THRESHOLDS, auditIam, readAccountAlias, type AgeThresholds } from './iam';
import { auditS3 } from './s3';
import { auditSnsRegion } from './sns';
import { auditSqsRegion } from './sqs';

export type AuditScopeService = 'iam' | 'ec2' | 's3' | 'sqs' | 'sns';

export interface AuditOptions {
  /** Profile names to audit (default: every discovered profile, plus environment credentials). */
  profiles?: string[];
  /** Regions for EC2, SQS and SNS (default: the account's enabled regions, from DescribeRegions). */
  regions?: string[];
  /** The instant ages are measured against (default: now). */
  asOf?: Date;
  thresholds?: Partial<AgeThresholds>;
  /** Environment to read AWS_* settings from (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** Services to read (default: all). */
  services?: AuditScopeService[];
  /** Concurrent requests per service per account. */
  concurrency?: Partial<Record<AuditScopeService, number>>;
  /** SDK attempts per request (adaptive retry; default 3). */
  maxAttempts?: number;
  /** Per-request timeout, ms (default 60 000). */
  requestTimeout?: number;
  abortSignal?: AbortSignal;
  /** Called for every event as it happens (findings stream in as they are found). */
  onEvent?: (event: AuditEvent) => void;
}

export interface AccountAudit {
  /** null when no profile of this entry could authenticate. */
  accountId: string | null;
  /** Every profile that reaches this account (or the failed profile). */
  profiles: string[];
  /** The profile whose credentials were used for the audit. */
  auditedWith?: string;
  /** Caller ARN of that profile (not a secret). */
  callerArn?: string;
  /** The account alias (iam:ListAccountAliases), when there is one and it could be read. */
  alias?: string;
  regions: string[];
  findings: LiveFinding[];
  errors: AuditError[];
  /** Every resource inspected, clean or not (sorted by service, region, label). */
  resources: InventoryItem[];
  durationMs: number;
}

export interface AuditReport {
  asOf: string;
  configPaths: SharedConfigPaths;
  /** Every profile found, authenticated or not. */
  profiles: ProfileInfo[];
  accounts: AccountAudit[];
  durationMs: number;
  /** The day thresholds the audit used (the defaults merged with AuditOptions.thresholds). */
  thresholds?: AgeThresholds;
}

export type AuditEvent =
  | { type: 'profiles'; profiles: ProfileInfo[]; configPaths: SharedConfigPaths }
  | { type: 'identity'; profile: string; ok: true; accountId: string; arn: string }
  | { type: 'identity'; profile: string; ok: false; message: string }
  | { type: 'account'; accountId: string | null; profiles: string[] }
  | { type: 'regions'; accountId: string; regions: string[] }
  | {
      type: 'scope';
      accountId: string;
      service: AuditScopeService;
      region: string | null;
      state: 'started' | 'done';
      items?: number;
    }
  | { type: 'finding'; accountId: string; finding: LiveFinding }
  | {
      type: 'resource';
      accountId: string;
      service: AuditScopeService;
      region: string | null;
      resource: InventoryResource;
    }
  | { type: 'alias'; accountId: string; alias: string }
  | { type: 'error'; accountId: string | null; error: AuditError }
  | { type: 'account-done'; account: AccountAudit }
  | { type: 'done'; report: AuditReport };

const DEFAULT_CONCURRENCY: Record<AuditScopeService, number> = { iam: 8, ec2: 10, s3: 32, sqs: 16, sns: 16 };
const ALL_SCOPES: AuditScopeService[] = ['iam', 'ec2', 's3', 'sqs', 'sns'];

export interface AccountTarget {
  accountId: string;
  /** Profiles reaching the account; the first one's credentials are used. */
  profiles: string[];
  callerArn?: string;
  context: ClientContext;
}

/** Audits one account whose identity is already known. */
export async function auditAccount(target: AccountTarget, options: AuditOptions = {}): Promise<AccountAudit> {
  const started = Date.now();
  const asOf = options.asOf ?? new Date();
  const thresholds: AgeThresholds = { ...DEFAULT_THRESHOLDS, ...options.thresholds };
  const services = new Set(options.services ?? ALL_SCOPES);
  const conc = { ...DEFAULT_CONCURRENCY, ...options.concurrency };
  const onEvent = options.onEvent ?? (() => {});
  const accountId = target.accountId;
  const clients = createAuditClients(target.context);
  const account: AccountAudit = {
    accountId,
    profiles: target.profiles,
    auditedWith: target.context.profile,
    callerArn: target.callerArn,
    regions: [],
    findings: [],
    errors: [],
    resources: [],
    durationMs: 0,
  };
  const resource = (item: InventoryItem) => {
    account.resources.push(item);
    const { service, region, ...rest } = item;
    onEvent({ type: 'resource', accountId, service, region, resource: rest });
  };
  const seen = new Set<string>();
  const emit = (finding: LiveFinding) => {
    const key = `${finding.ruleId}\u0000${finding.resource}\u0000${finding.region}\u0000${finding.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    account.findings.push(finding);
    onEvent({ type: 'finding', accountId, finding });
  };
  const error = (e: AuditError) => {
    account.errors.push(e);
    onEvent({ type: 'error', accountId, error: e });
  };
  const ctxFor = (service: AuditScopeService): CollectorContext => ({
    accountId,
    clients,
    limit: createLimiter(conc[service]),
    abortSignal: options.abortSignal,
    emit,
    error,
    resource,
  });
  const ctx = {
    iam: ctxFor('iam'),
    ec2: ctxFor('ec2'),
    s3: ctxFor('s3'),
    sqs: ctxFor('sqs'),
    sns: ctxFor('sns'),
  };
  const home = target.context.region;
  const scope = async (service: AuditScopeService, region: string | null, run: () => Promise<number | void>) => {
    onEvent({ type: 'scope', accountId, service, region, state: 'started' });
    let items: number | undefined;
    try {
      const n = await run();
      if (typeof n === 'number') items = n;
    } catch (err) {
      // Collectors report their own failures; this is the last line of defence.
      reportFailure(ctx[service], service, region, `could not audit ${service}`, err);
    }
    onEvent({ type: 'scope', accountId, service, region, state: 'done', ...(items !== undefined ? { items } : {}) });
  };

  onEvent({ type: 'account', accountId, profiles: target.profiles });
  try {
    const tasks: Promise<void>[] = [];
    if (services.has('iam')) {
      tasks.push(
        scope('iam', null, async () => {
          await auditIam(clients.iam(), {
            accountId,
            asOf,
            thresholds,
            concurrency: conc.iam,
            abortSignal: options.abortSignal,
            onFinding: emit,
            onError: error,
            onResource: resource,
          });
        }),
      );
      // The alias only names the account in the tree: a failure to read it is not worth an error node.
      tasks.push(
        readAccountAlias(clients.iam(), options.abortSignal).then(
          (alias) => {
            if (!alias) return;
            account.alias = alias;
            onEvent({ type: 'alias', accountId, alias });
          },
          () => undefined,
        ),
      );
    }
    if (services.has('s3')) tasks.push(scope('s3', null, () => auditS3(ctx.s3, home)));
    const regional = (['ec2', 'sqs', 'sns'] as const).filter((s) => services.has(s));
    if (regional.length) {
      tasks.push(
        (async () => {
          let regions = options.regions?.length ? [...new Set(options.regions)] : undefined;
          if (!regions) {
            try {
              regions = await enabledRegions(ctx.ec2, home);
              if (!regions.length) throw new Error('DescribeRegions returned no regions');
            } catch (err) {
              reportFailure(
                ctx.ec2,
                'ec2',
                home,
                `could not list the enabled regions (DescribeRegions); auditing ${home} only`,
                err,
              );
              regions = [home];
            }
          }
          account.regions = regions;
          onEvent({ type: 'regions', accountId, regions });
          const runners = { ec2: auditEc2Region, sqs: auditSqsRegion, sns: auditSnsRegion };
          await Promise.all(regions.flatMap((r) => regional.map((s) => scope(s, r, () => runners[s](ctx[s], r)))));
        })(),
      );
    }
    await Promise.all(tasks);
  } finally {
    clients.destroy();
  }
  account.findings.sort(compareFindings);
  account.errors.sort(compareErrors);
  account.resources.sort(
    (a, b) =>
      a.service.localeCompare(b.service) ||
      (a.region ?? '').localeCompare(b.region ?? '') ||
      a.label.localeCompare(b.label) ||
      a.id.localeCompare(b.id),
  );
  account.durationMs = Date.now() - started;
  onEvent({ type: 'account-done', account });
  return account;
}

/** Which profiles to use: the requested ones (unknown names are failures), or all of them. */
async function selectProfiles(
  options: AuditOptions,
  env: NodeJS.ProcessEnv,
): Promise<{ selected: ProfileInfo[]; missing: string[]; all: ProfileInfo[]; paths: SharedConfigPaths }> {
  const { profiles, paths } = await discoverProfiles(env);
  if (options.profiles?.length) {
    const selected: ProfileInfo[] = [];
    const missing: string[] = [];
    for (const name of [...new Set(options.profiles)]) {
      const p = profiles.find((x) => x.name === name);
      if (p) selected.push(p);
      else missing.push(name);
    }
    return { selected, missing, all: profiles, paths };
  }
  if (!profiles.length) return { selected: [defaultChainProfile(env)], missing: [], all: profiles, paths };
  return { selected: profiles, missing: [], all: profiles, paths };
}

/** Audits every selected profile's account; accounts reached by several profiles are audited once. */
export async function auditAccounts(options: AuditOptions = {}): Promise<AuditReport> {
  const started = Date.now();
  const env = options.env ?? process.env;
  const asOf = options.asOf ?? new Date();
  const onEvent = options.onEvent ?? (() => {});
  const opts: AuditOptions = { ...options, asOf, env, onEvent };

  const { selected, missing, all, paths } = await selectProfiles(opts, env);
  onEvent({ type: 'profiles', profiles: all, configPaths: paths });

  const resolutions: ProfileResolution[] = await Promise.all(
    selected.map(async (p) => {
      const r = await resolveIdentity(p, env, {
        maxAttempts: options.maxAttempts,
        requestTimeout: options.requestTimeout,
        abortSignal: options.abortSignal,
      });
      if (r.ok) onEvent({ type: 'identity', profile: p.name, ok: true, accountId: r.accountId, arn: r.arn });
      else {
        if (p.name === DEFAULT_CHAIN_PROFILE) {
          r.message = `no AWS credentials found: no profiles in ${paths.configFile} or ${paths.credentialsFile}, no AWS_ACCESS_KEY_ID in the environment, and the default credential chain found nothing (${r.message})`;
        }
        onEvent({ type: 'identity', profile: p.name, ok: false, message: r.message });
      }
      return r;
    }),
  );
  const { accounts: groups, failures } = groupByAccount(resolutions);

  const failed: AccountAudit[] = [];
  for (const name of missing) {
    const e: AuditError = {
      service: 'sts',
      region: null,
      message: `profile "${name}" not found in ${paths.configFile} or ${paths.credentialsFile}`,
      code: 'ProfileNotFound',
    };
    failed.push({
      accountId: null,
      profiles: [name],
      regions: [],
      findings: [],
      errors: [e],
      resources: [],
      durationMs: 0,
    });
  }
  for (const f of failures) {
    const e: AuditError = {
      service: 'sts',
      region: f.profile.region,
      message: f.message,
      ...(f.code ? { code: f.code } : {}),
    };
    failed.push({
      accountId: null,
      profiles: [f.profile.name],
      regions: [],
      findings: [],
      errors: [e],
      resources: [],
      durationMs: 0,
    });
  }
  for (const a of failed) {
    onEvent({ type: 'account', accountId: null, profiles: a.profiles });
    for (const e of a.errors) onEvent({ type: 'error', accountId: null, error: e });
    onEvent({ type: 'account-done', account: a });
  }

  const audited = await Promise.all(
    groups.map((g) =>
      auditAccount(
        {
          accountId: g.accountId,
          profiles: g.profiles.map((p) => p.profile.name),
          callerArn: g.profiles[0].arn,
          context: g.profiles[0].context,
        },
        opts,
      ),
    ),
  );
  audited.sort((a, b) => (a.accountId ?? '').localeCompare(b.accountId ?? ''));
  const report: AuditReport = {
    asOf: asOf.toISOString(),
    configPaths: paths,
    profiles: all,
    accounts: [...audited, ...failed],
    durationMs: Date.now() - started,
    thresholds: { ...DEFAULT_THRESHOLDS, ...options.thresholds },
  };
  onEvent({ type: 'done', report });
  return report;
}

/**
 * The same audit as an async iterator of events (ends after the 'done' event). Leaving the loop
 * early (break/return) aborts the requests still in flight.
 */
export async function* auditEvents(
  options: AuditOptions = {},
): AsyncGenerator<AuditEvent, AuditReport | undefined, void> {
  const queue: AuditEvent[] = [];
  let wake: (() => void) | undefined;
  let finished = false;
  let failure: unknown;
  let report: AuditReport | undefined;
  const stop = new AbortController();
  const abortSignal = options.abortSignal ? AbortSignal.any([options.abortSignal, stop.signal]) : stop.signal;
  const run = auditAccounts({
    ...options,
    abortSignal,
    onEvent: (e) => {
      options.onEvent?.(e);
      queue.push(e);
      wake?.();
    },
  }).then(
    (r) => {
      report = r;
      finished = true;
      wake?.();
    },
    (err) => {
      failure = err;
      finished = true;
      wake?.();
    },
  );
  try {
    while (true) {
      while (queue.length) yield queue.shift()!;
      if (finished) break;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  } finally {
    if (!finished) {
      stop.abort(new Error('the audit was stopped'));
      await run;
    }
  }
  if (failure) throw failure;
  return report;
}

/** The `ajar audit --format json` document. */
export interface AuditJson {
  version: 1;
  accounts: {
    accountId: string | null;
    profiles: string[];
    findings: {
      ruleId: string;
      rule: string;
      severity: string;
      message: string;
      resource: string;
      region: string | null;
    }[];
    errors: { service: AuditService; region: string | null; message: string }[];
  }[];
}

export function toAuditJson(report: AuditReport): AuditJson {
  return {
    version: 1,
    accounts: report.accounts.map((a) => ({
      accountId: a.accountId,
      profiles: a.profiles,
      findings: a.findings.map((f) => ({
        ruleId: f.ruleId,
        rule: f.rule,
        severity: f.severity,
        message: f.message,
        resource: f.resource,
        region: f.region,
      })),
      errors: a.errors.map((e) => ({ service: e.service, region: e.region, message: e.message })),
    })),
  };
}
