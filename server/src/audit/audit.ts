/**
 * Orchestration: profiles -> identities -> accounts (and the member accounts of organizations,
 * one node per account id whatever the ways in), then every account with a bound on accounts at
 * once, every collector of an account in parallel (regions in parallel, a bound per service),
 * streaming events as results arrive.
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
import { createAuditClients, createLimiter, describeError, type ClientContext } from './clients';
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
  type FindingSource,
  type StackRef,
} from './findings';
import { auditIam, readAccountAlias } from './iam';
import { DEFAULT_THRESHOLDS, type AgeThresholds } from './iamChecks';
import { auditS3 } from './s3';
import { auditSnsRegion } from './sns';
import { auditSqsRegion } from './sqs';
import { auditStacksRegion, fetchTemplates, StackIndex, type DeployedStack } from './stacks';
import {
  AssumeRoleFailed,
  discoverOrganization,
  memberContext,
  partitionOf,
  selectMembers,
  unknownSelectors,
  type OrganizationSpec,
  type OrganizationTree,
} from './organizations';

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
  /**
   * Organizations whose ACTIVE member accounts are audited too, each by assuming `roleName` from
   * the spec's profile (its own account through the profile itself). With organizations and no
   * `profiles`, only the organizations' accounts are audited.
   */
  organizations?: OrganizationSpec[];
  /** Accounts audited at once (default 8; each with its own per-service bounds). */
  accountConcurrency?: number;
  /** Audit only part `index` (1-based) of `count` of the accounts, dealt round-robin in account id order. */
  shard?: { index: number; count: number };
  /**
   * 'full' (default): every inspected resource with its description and evidence. 'slim': only
   * what the posture figures count (service, region, id, label, facts), so that a large
   * organization's audit holds little per account.
   */
  inventory?: 'full' | 'slim';
  /**
   * Read the CloudFormation stacks of the audited regions (ListStacks, ListStackResources; default
   * true): every finding and inventory item of a resource a stack deployed carries `stack`.
   */
  stacks?: boolean;
  /**
   * Also read the deployed template (GetTemplate) of each stack that holds a resource with a
   * finding (default false): what maps a stack to a workspace file by its logical ids, and tells
   * "not deployed yet" from drift.
   */
  stackTemplates?: boolean;
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
  /** The account's name in its organization (organization members). */
  name?: string;
  /** Its OU path, "Root/Workloads/Prod" (organization members). */
  ou?: string;
  /** The id of the OU (or root) it sits in. */
  ouId?: string;
  /** The ways in: its profiles, then "organization" when it is a member of an audited organization. */
  via?: string[];
  /** false when nothing could be read at all (the role could not be assumed): not an audited account. */
  audited?: boolean;
  /** The CloudFormation stacks of the audited regions (AuditOptions.stacks), by region and name. */
  stacks?: DeployedStack[];
}

/** An organization the audit read (or tried to). */
export interface OrganizationSummary {
  profile: string;
  id?: string;
  managementAccountId?: string;
  roleName: string;
  /** ACTIVE accounts selected for the audit, of all accounts listed. */
  selected: number;
  listed: number;
  /** Why it could not be read. */
  error?: string;
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
  /** The organizations read (AuditOptions.organizations). */
  organizations?: OrganizationSummary[];
  /** The part of the accounts this run audited (AuditOptions.shard), and how many there were in all. */
  shard?: { index: number; count: number; total: number };
}

export type AuditEvent =
  | { type: 'profiles'; profiles: ProfileInfo[]; configPaths: SharedConfigPaths }
  | { type: 'identity'; profile: string; ok: true; accountId: string; arn: string }
  | { type: 'identity'; profile: string; ok: false; message: string }
  | { type: 'organization'; organization: OrganizationSummary; tree?: OrganizationTree }
  | { type: 'account'; accountId: string | null; profiles: string[]; name?: string; ou?: string }
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
  /** A stack and its resources, read before the collectors start (AuditOptions.stacks). */
  | { type: 'stack'; accountId: string; stack: DeployedStack }
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
  /** An organization member: its name, OU path and OU id. */
  member?: { name: string; ou: string; ouId: string };
  /**
   * Reached by assuming a role (context.credentials calls sts:AssumeRole): asked first, and when it
   * fails the account is reported as not audited, with why.
   */
  assumedRole?: { roleArn: string; assumedArn(): string | undefined };
  /** Problems found before the audit that belong to this account (the organization could not be read...). */
  errors?: AuditError[];
}

const DEFAULT_ACCOUNT_CONCURRENCY = 8;
/** Concurrent CloudFormation requests per account (its API throttles early). */
const CLOUDFORMATION_CONCURRENCY = 8;

/** Keeps what the posture figures count of a resource, not its words. */
function slim(item: InventoryItem): InventoryItem {
  const { description: _d, evidence: _e, ...rest } = item;
  return { ...rest, description: '' };
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
    errors: [...(target.errors ?? [])],
    resources: [],
    durationMs: 0,
  };
  if (target.member) {
    account.name = target.member.name;
    account.ou = target.member.ou;
    account.ouId = target.member.ouId;
    account.via = [...target.profiles, 'organization'];
  }
  const slimInventory = options.inventory === 'slim';
  const wantStacks = options.stacks !== false;
  const stackIndex = new StackIndex(accountId);
  const resource = (item: InventoryItem) => {
    if (!item.stack) {
      const st = stackIndex.lookup(item.id);
      if (st) item.stack = st;
    }
    account.resources.push(slimInventory ? slim(item) : item);
    const { service, region, ...rest } = item;
    onEvent({ type: 'resource', accountId, service, region, resource: rest });
  };
  const seen = new Set<string>();
  const emit = (finding: LiveFinding) => {
    const key = `${finding.ruleId}\u0000${finding.resource}\u0000${finding.region}\u0000${finding.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    if (!finding.stack) {
      const st = stackIndex.lookup(finding.resource);
      if (st) finding.stack = st;
    }
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
  const cfnCtx: CollectorContext = { ...ctxFor('sqs'), limit: createLimiter(CLOUDFORMATION_CONCURRENCY) };
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

  onEvent({
    type: 'account',
    accountId,
    profiles: target.profiles,
    ...(target.member ? { name: target.member.name, ou: target.member.ou } : {}),
  });
  for (const e of target.errors ?? []) onEvent({ type: 'error', accountId, error: e });
  if (target.assumedRole) {
    // The role first: when it cannot be assumed, nothing else of the account can be read.
    try {
      await target.context.credentials();
      account.callerArn = target.assumedRole.assumedArn() ?? account.callerArn;
    } catch (err) {
      clients.destroy();
      const d = err instanceof AssumeRoleFailed ? { message: err.message, code: err.code } : describeError(err);
      error({ service: 'sts', region: null, message: d.message, ...(d.code ? { code: d.code } : {}) });
      account.audited = false;
      account.errors.sort(compareErrors);
      account.durationMs = Date.now() - started;
      onEvent({ type: 'account-done', account });
      return account;
    }
  }
  try {
    const regional = (['ec2', 'sqs', 'sns'] as const).filter((s) => services.has(s));
    // The audited regions, once: for the regional collectors and for the stacks.
    let regionsP: Promise<string[]> | undefined;
    if (regional.length || wantStacks)
      regionsP = (async () => {
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
        return regions;
      })();
    // Stacks first (a few requests per region), so that every finding streams out with its stack.
    if (wantStacks && regionsP) {
      const regions = await regionsP;
      await Promise.all(
        regions.map((r) =>
          auditStacksRegion(cfnCtx, r, (stack) => {
            stackIndex.add(stack);
            onEvent({ type: 'stack', accountId, stack });
          }).catch((err) => reportFailure(cfnCtx, 'cloudformation', r, 'could not read the stacks', err)),
        ),
      );
    }
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
    if (regional.length && regionsP) {
      const regions = await regionsP;
      const runners = { ec2: auditEc2Region, sqs: auditSqsRegion, sns: auditSnsRegion };
      tasks.push(
        Promise.all(regions.flatMap((r) => regional.map((s) => scope(s, r, () => runners[s](ctx[s], r))))).then(
          () => undefined,
        ),
      );
    }
    await Promise.all(tasks);
    if (wantStacks && options.stackTemplates) {
      const withFindings = new Set(account.findings.map((f) => f.stack?.id).filter(Boolean));
      await fetchTemplates(
        cfnCtx,
        stackIndex.stacks.filter((s) => withFindings.has(s.id)),
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
  if (wantStacks)
    account.stacks = stackIndex.stacks.sort((a, b) => a.region.localeCompare(b.region) || a.name.localeCompare(b.name));
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
  const orgProfiles = (options.organizations ?? []).map((o) => o.profile);
  const wanted = options.profiles?.length ? options.profiles : orgProfiles.length ? [] : undefined;
  if (wanted) {
    const selected: ProfileInfo[] = [];
    const missing: string[] = [];
    for (const name of [...new Set([...wanted, ...orgProfiles])]) {
      const p = profiles.find((x) => x.name === name);
      if (p) selected.push(p);
      else missing.push(name);
    }
    return { selected, missing, all: profiles, paths };
  }
  if (!profiles.length) return { selected: [defaultChainProfile(env)], missing: [], all: profiles, paths };
  return { selected: profiles, missing: [], all: profiles, paths };
}

/** A profile entry that could not be audited at all (accountId null). */
function failedEntry(profiles: string[], error: AuditError): AccountAudit {
  return { accountId: null, profiles, regions: [], findings: [], errors: [error], resources: [], durationMs: 0 };
}

/**
 * Audits every selected profile's account and every selected member of the organizations;
 * an account reached several ways (profiles, the environment, an organization) is audited once.
 */
export async function auditAccounts(options: AuditOptions = {}): Promise<AuditReport> {
  const started = Date.now();
  const env = options.env ?? process.env;
  const asOf = options.asOf ?? new Date();
  const onEvent = options.onEvent ?? (() => {});
  const opts: AuditOptions = { ...options, asOf, env, onEvent };
  const orgSpecs = options.organizations ?? [];

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
  // Profiles named only as an organization's reader are not audited for themselves: their account
  // is, when the organization's selection includes it.
  const explicit = new Set(
    options.profiles?.length ? options.profiles : orgSpecs.length ? [] : selected.map((p) => p.name),
  );
  const { accounts: groups, failures } = groupByAccount(resolutions);

  const failed: AccountAudit[] = [];
  for (const name of missing) {
    failed.push(
      failedEntry([name], {
        service: 'sts',
        region: null,
        message: `profile "${name}" not found in ${paths.configFile} or ${paths.credentialsFile}`,
        code: 'ProfileNotFound',
      }),
    );
  }
  for (const f of failures) {
    failed.push(
      failedEntry([f.profile.name], {
        service: 'sts',
        region: f.profile.region,
        message: f.message,
        ...(f.code ? { code: f.code } : {}),
      }),
    );
  }

  // One target per account id, whatever reaches it.
  const targets = new Map<string, AccountTarget>();
  for (const g of groups) {
    const names = g.profiles.map((p) => p.profile.name).filter((n) => explicit.has(n));
    if (!names.length) continue;
    const first = g.profiles.find((p) => explicit.has(p.profile.name))!;
    targets.set(g.accountId, { accountId: g.accountId, profiles: names, callerArn: first.arn, context: first.context });
  }
  const organizations: OrganizationSummary[] = [];
  for (const spec of orgSpecs) {
    const summary: OrganizationSummary = { profile: spec.profile, roleName: spec.roleName, selected: 0, listed: 0 };
    organizations.push(summary);
    const reader = resolutions.find((r) => r.profile.name === spec.profile);
    if (!reader?.ok) {
      summary.error = reader ? reader.message : `profile "${spec.profile}" not found`;
      onEvent({ type: 'organization', organization: summary });
      continue;
    }
    const group = groups.find((g) => g.accountId === reader.accountId)!;
    let tree: OrganizationTree;
    const clients = createAuditClients(reader.context);
    try {
      tree = await discoverOrganization(clients, { abortSignal: options.abortSignal });
    } catch (err) {
      const d = describeError(err);
      summary.error = `could not read the organization with profile "${spec.profile}": ${d.message}`;
      onEvent({ type: 'organization', organization: summary });
      // The reader's own account is reachable: audit it, and say there what went wrong.
      const t = targets.get(reader.accountId) ?? {
        accountId: reader.accountId,
        profiles: group.profiles.map((p) => p.profile.name).filter((n) => n === spec.profile || explicit.has(n)),
        callerArn: reader.arn,
        context: reader.context,
      };
      t.errors = [
        ...(t.errors ?? []),
        { service: 'organizations', region: null, message: summary.error, ...(d.code ? { code: d.code } : {}) },
      ];
      targets.set(reader.accountId, t);
      continue;
    } finally {
      clients.destroy();
    }
    summary.id = tree.id;
    summary.managementAccountId = tree.managementAccountId;
    summary.listed = tree.accounts.length;
    const members = selectMembers(tree, spec);
    summary.selected = members.length;
    const unknown = unknownSelectors(tree, spec);
    if (unknown.length)
      summary.error = `not in organization ${tree.id}: ${unknown.join(', ')} (include/exclude take OU ids, ou-..., r-..., and account ids)`;
    onEvent({ type: 'organization', organization: summary, tree });
    const partition = partitionOf(reader.arn);
    for (const m of members) {
      const member = { name: m.name, ou: m.ou, ouId: m.parentId };
      const existing = targets.get(m.accountId);
      if (existing) {
        existing.member ??= member;
        continue;
      }
      // Through a profile when one reaches the account (the reader for its own account), else the role.
      const viaProfile = groups.find((g) => g.accountId === m.accountId);
      if (viaProfile) {
        const names = viaProfile.profiles.map((p) => p.profile.name);
        const first = viaProfile.profiles.find((p) => p.profile.name === spec.profile) ?? viaProfile.profiles[0];
        targets.set(m.accountId, {
          accountId: m.accountId,
          profiles: names.filter((n) => n === spec.profile || explicit.has(n)),
          callerArn: first.arn,
          context: first.context,
          member,
        });
        continue;
      }
      const { context, roleArn, provider } = memberContext(
        reader.context,
        m.accountId,
        spec,
        partition,
        options.abortSignal,
      );
      targets.set(m.accountId, {
        accountId: m.accountId,
        profiles: [],
        context,
        member,
        assumedRole: { roleArn, assumedArn: () => provider.assumedArn },
      });
    }
  }

  let ordered = [...targets.values()].sort((a, b) => a.accountId.localeCompare(b.accountId));
  let shown = failed;
  let shard: AuditReport['shard'];
  if (options.shard) {
    const { index, count } = options.shard;
    shard = { index, count, total: ordered.length + failed.length };
    ordered = ordered.filter((_, i) => i % count === index - 1);
    // Entries without an account are the first shard's.
    shown = index === 1 ? failed : [];
  }
  for (const a of shown) {
    onEvent({ type: 'account', accountId: null, profiles: a.profiles });
    for (const e of a.errors) onEvent({ type: 'error', accountId: null, error: e });
    onEvent({ type: 'account-done', account: a });
  }

  const limit = createLimiter(Math.max(1, options.accountConcurrency ?? DEFAULT_ACCOUNT_CONCURRENCY));
  const audited = await Promise.all(
    ordered.map((t) =>
      limit(async () => {
        if (options.abortSignal?.aborted) {
          const a = notReached(t, 'the audit was stopped before this account');
          onEvent({ type: 'account-done', account: a });
          return a;
        }
        return auditAccount(t, opts);
      }),
    ),
  );
  audited.sort((a, b) => (a.accountId ?? '').localeCompare(b.accountId ?? ''));
  const report: AuditReport = {
    asOf: asOf.toISOString(),
    configPaths: paths,
    profiles: all,
    accounts: [...audited, ...shown],
    durationMs: Date.now() - started,
    thresholds: { ...DEFAULT_THRESHOLDS, ...options.thresholds },
  };
  if (orgSpecs.length) report.organizations = organizations;
  if (shard) report.shard = shard;
  onEvent({ type: 'done', report });
  return report;
}

/** An account the audit did not get to (cancelled). */
function notReached(t: AccountTarget, message: string): AccountAudit {
  const a: AccountAudit = {
    accountId: t.accountId,
    profiles: t.profiles,
    regions: [],
    findings: [],
    errors: [{ service: 'sts', region: null, message, code: 'Cancelled' }],
    resources: [],
    durationMs: 0,
    audited: false,
  };
  if (t.member) Object.assign(a, { name: t.member.name, ou: t.member.ou, ouId: t.member.ouId });
  return a;
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
  /** The organization audited (`--organization`). */
  organization?: { id: string; managementAccountId: string };
  /** A part of a sharded run (`--shard I/N`): `ajar audit merge` joins the parts. */
  shard?: { index: number; count: number; total: number };
  accounts: AuditJsonAccount[];
}
export interface AuditJsonAccount {
  accountId: string | null;
  /** Organization members: the account's name and OU path. */
  name?: string;
  ou?: string;
  profiles: string[];
  /** Organization members: the ways in (its profiles, then "organization"). */
  via?: string[];
  /** Present (false) when nothing of the account could be read (its role could not be assumed). */
  audited?: false;
  findings: {
    ruleId: string;
    rule: string;
    severity: string;
    message: string;
    resource: string;
    region: string | null;
    /** The stack that deployed the resource. */
    stack?: StackRef;
    /** Where in the workspace (`ajar audit --workspace DIR`) the resource is written. */
    source?: FindingSource;
  }[];
  errors: { service: AuditService; region: string | null; message: string }[];
  /**
   * Shards only: what the posture figures are computed from (the slim inventory, the errors with
   * their codes, alias, regions), so that `ajar audit merge` computes them over every part.
   */
  postureInput?: Pick<AccountAudit, 'errors' | 'resources' | 'regions'> & { alias?: string };
}

export function toAuditJson(report: AuditReport): AuditJson {
  const json: AuditJson = { version: 1, accounts: [] };
  const org = report.organizations?.find((o) => o.id && o.managementAccountId);
  if (org) json.organization = { id: org.id!, managementAccountId: org.managementAccountId! };
  if (report.shard) json.shard = report.shard;
  json.accounts = report.accounts.map((a) => {
    const out: AuditJsonAccount = {
      accountId: a.accountId,
      ...(a.name !== undefined ? { name: a.name } : {}),
      ...(a.ou !== undefined ? { ou: a.ou } : {}),
      profiles: a.profiles,
      ...(a.via ? { via: a.via } : {}),
      ...(a.audited === false ? { audited: false as const } : {}),
      findings: a.findings.map((f) => ({
        ruleId: f.ruleId,
        rule: f.rule,
        severity: f.severity,
        message: f.message,
        resource: f.resource,
        region: f.region,
        ...(f.stack ? { stack: f.stack } : {}),
        ...(f.source ? { source: f.source } : {}),
      })),
      errors: a.errors.map((e) => ({ service: e.service, region: e.region, message: e.message })),
    };
    if (report.shard) {
      out.postureInput = {
        ...(a.alias ? { alias: a.alias } : {}),
        regions: a.regions,
        errors: a.errors,
        resources: a.resources.map(slim),
      };
    }
    return out;
  });
  return json;
}
