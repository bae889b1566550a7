/**
 * `ajar/listAccounts` and `ajar/auditAccount`: the live audit (server/src/audit) translated into
 * the protocol's accounts, categories and items. No AWS logic here: discovery, identities and
 * the collectors are the audit module's; this file groups and words its results for the tree.
 */
import type {
  AuditError,
  AuditScopeService,
  ClientContext,
  InventoryItem,
  LiveFinding,
  AccountAudit as LiveAccountAudit,
} from '../audit';
import { liveRule } from '../audit/rules/registry';
import { fixCommand } from '../audit/rules/rule';
import { computePosture, type PostureInput } from '../audit/posture';
import { renderHtml } from '../report/html';

/**
 * The audit module (and the AWS SDK behind it) is loaded on the first account request: most
 * sessions never open the Accounts view, and loading it costs ~15 MB of memory at start.
 */
let auditModule: Promise<typeof import('../audit')> | null = null;
function loadAudit(): Promise<typeof import('../audit')> {
  return (auditModule ??= import('../audit'));
}

import { resolveAuditThresholds, type AuditThresholds } from '../engine';
import type {
  AccountAudit,
  AccountInfo,
  AuditAccountParams,
  AuditCategory,
  AuditCategoryId,
  AuditItem,
  ListAccountsResult,
  OrganizationAccount,
  OrganizationAudit,
  OrganizationProgressParams,
  OrganizationSetting,
  SecurityReportParams,
  SecurityReportResult,
  SeverityCounts,
} from './protocol';

export interface AuditSettings {
  profiles: string[];
  regions: string[];
  thresholds: Partial<AuditThresholds>;
  /** `ajar.audit.organizations`, else the trusted workspace's `.ajar.yaml` `audit.organizations`. */
  organizations?: OrganizationSetting[];
}

export const organizationKey = (o: Pick<OrganizationSetting, 'profile'>) => `org:${o.profile}`;

function severityCounts(findings: Pick<LiveFinding, 'severity'>[]): SeverityCounts {
  const c: SeverityCounts = { error: 0, warning: 0, information: 0 };
  for (const f of findings) c[f.severity]++;
  return c;
}

/** One member account's line in the organization tree, from its audit. */
export function organizationAccount(
  live: Pick<LiveAccountAudit, 'accountId' | 'name' | 'ou' | 'ouId' | 'findings' | 'errors' | 'audited'>,
): OrganizationAccount {
  const failed = live.audited === false;
  const a: OrganizationAccount = {
    accountId: live.accountId ?? '',
    name: live.name ?? live.accountId ?? '',
    ouId: live.ouId ?? '',
    ou: live.ou ?? '',
    state: failed ? 'failed' : 'audited',
    counts: severityCounts(live.findings),
    rules: [...new Set(live.findings.map((f) => f.ruleId))].sort(),
    unread: failed ? 0 : live.errors.length,
  };
  const err = accountError(live.errors);
  if (err) a.error = err;
  return a;
}

/** The organization node's summary over its accounts. */
export function organizationSummary(
  accounts: OrganizationAccount[],
  byRule: Record<string, number>,
  listed: number,
): OrganizationAudit['summary'] {
  const counts: SeverityCounts = { error: 0, warning: 0, information: 0 };
  for (const a of accounts) for (const k of ['error', 'warning', 'information'] as const) counts[k] += a.counts[k];
  return {
    listed,
    selected: accounts.length,
    audited: accounts.filter((a) => a.state === 'audited').length,
    failed: accounts.filter((a) => a.state === 'failed').length,
    counts,
    byRule: Object.fromEntries(Object.entries(byRule).sort(([a], [b]) => a.localeCompare(b))),
  };
}

export interface AuditProgress {
  begin(title: string, message?: string): void;
  report(message: string): void;
  done(): void;
}

interface LastAudit {
  live: LiveAccountAudit;
  thresholds: ReturnType<typeof resolveAuditThresholds>;
  auditedAt: string;
}

interface Identity {
  accountId: string;
  arn: string;
  context: ClientContext;
}

export const CATEGORY_LABELS: Record<AuditCategoryId, string> = {
  root: 'Root user',
  users: 'IAM users',
  ec2: 'EC2 instances',
  s3: 'S3 buckets',
  sqs: 'SQS queues',
  sns: 'SNS topics',
};
const CATEGORY_ORDER: AuditCategoryId[] = ['root', 'users', 'ec2', 's3', 'sqs', 'sns'];

const SERVICE_OF: Record<AuditCategoryId, AuditScopeService> = {
  root: 'iam',
  users: 'iam',
  ec2: 'ec2',
  s3: 's3',
  sqs: 'sqs',
  sns: 'sns',
};

export function categoryOfRule(ruleId: string): AuditCategoryId {
  if (/^AJ50/.test(ruleId)) return 'root';
  if (/^AJ51/.test(ruleId)) return 'users';
  if (ruleId === 'AJ521' || ruleId === 'AJ522') return 'ec2';
  if (ruleId === 'AJ532') return 'sqs';
  if (ruleId === 'AJ533') return 'sns';
  return 's3';
}

function categoriesOfService(service: string): AuditCategoryId[] {
  switch (service) {
    case 'iam':
      return ['users'];
    case 'ec2':
      return ['ec2'];
    case 's3':
    case 's3control':
      return ['s3'];
    case 'sqs':
      return ['sqs'];
    case 'sns':
      return ['sns'];
    default:
      return [];
  }
}

function shortName(resource: string): string {
  if (!resource.startsWith('arn:')) return resource;
  const parts = resource.split(':');
  const tail = parts.slice(5).join(':');
  if (parts[2] === 'iam' && tail === 'root') return 'root';
  const slash = tail.lastIndexOf('/');
  return slash >= 0 ? tail.slice(slash + 1) : tail;
}

function consoleUrl(
  category: AuditCategoryId,
  resource: string,
  region: string | null,
  accountId: string,
): string | undefined {
  const name = shortName(resource);
  const r = region ?? 'us-east-1';
  switch (category) {
    case 'root':
      return 'https://console.aws.amazon.com/iam/home#/security_credentials';
    case 'users':
      return `https://console.aws.amazon.com/iam/home#/users/details/${encodeURIComponent(name)}`;
    case 'ec2':
      // AJ522's account-level default: the region's EC2 settings.
      if (!resource.startsWith('arn:')) return `https://${r}.console.aws.amazon.com/ec2/home?region=${r}#Settings:`;
      return `https://${r}.console.aws.amazon.com/ec2/home?region=${r}#InstanceDetails:instanceId=${encodeURIComponent(name)}`;
    case 's3':
      return resource.startsWith('arn:')
        ? `https://s3.console.aws.amazon.com/s3/buckets/${encodeURIComponent(name)}`
        : 'https://s3.console.aws.amazon.com/s3/settings';
    case 'sqs':
      return `https://${r}.console.aws.amazon.com/sqs/v3/home?region=${r}#/queues/${encodeURIComponent(`https://sqs.${r}.amazonaws.com/${accountId}/${name}`)}`;
    case 'sns':
      return `https://${r}.console.aws.amazon.com/sns/v3/home?region=${r}#/topic/${encodeURIComponent(resource)}`;
  }
}

function itemLabel(category: AuditCategoryId, resource: string, accountId: string): string {
  if (category === 'root') return `root (${accountId})`;
  if (category === 's3' && !resource.startsWith('arn:')) return 'Account Block Public Access';
  if (category === 'ec2' && !resource.startsWith('arn:')) return 'Instance metadata defaults';
  return shortName(resource);
}

/** The tree category of an inventoried resource. */
export function categoryOfResource(r: Pick<InventoryItem, 'service' | 'id'>): AuditCategoryId {
  if (r.service === 'iam') return /^arn:aws[\w-]*:iam::\d*:root$/.test(r.id) ? 'root' : 'users';
  return r.service;
}

/**
 * The protocol's categories from the audit's inventory (every resource inspected, clean ones
 * included, described by their key fact), its findings (merged into the inventory's items; a
 * finding on a resource the inventory lacks gets an item of its own) and its errors.
 */
export function toCategories(live: LiveAccountAudit, only?: AuditCategoryId): AuditCategory[] {
  const accountId = live.accountId ?? '';
  const cats = new Map<AuditCategoryId, AuditCategory>();
  for (const id of CATEGORY_ORDER)
    if (!only || only === id) cats.set(id, { id, label: CATEGORY_LABELS[id], items: [], errors: [] });
  const items = new Map<string, { item: AuditItem; findings: LiveFinding[]; evidence?: string[] }>();
  for (const r of live.resources ?? []) {
    const cat = categoryOfResource(r);
    const c = cats.get(cat);
    if (!c) continue;
    const key = `${cat}\u0000${r.id}`;
    if (items.has(key)) continue;
    const item: AuditItem = {
      id: r.id,
      label: cat === 'root' ? itemLabel(cat, r.id, accountId) : r.label,
      description: r.description,
      tooltip: '',
      findings: [],
    };
    if (r.arn) item.arn = r.arn;
    if (r.region) item.region = r.region;
    if (r.stack) item.stack = r.stack;
    const url = consoleUrl(cat, r.id, r.region, accountId);
    if (url) item.consoleUrl = url;
    items.set(key, { item, findings: [], evidence: r.evidence });
    c.items.push(item);
  }
  for (const f of live.findings) {
    const cat = categoryOfRule(f.ruleId);
    const c = cats.get(cat);
    if (!c) continue;
    // An account-level setting per region (AJ522) is one item per region.
    const perRegion = cat === 'ec2' && !f.resource.startsWith('arn:');
    const key = `${cat}\u0000${f.resource}${perRegion ? `\u0000${f.region ?? ''}` : ''}`;
    let entry = items.get(key);
    if (entry && !entry.item.region && f.region) {
      // A bucket's region is known only where a finding needed it (GetBucketLocation).
      entry.item.region = f.region;
      const url = consoleUrl(cat, f.resource, f.region, accountId);
      if (url) entry.item.consoleUrl = url;
    }
    if (!entry) {
      const item: AuditItem = {
        id: f.resource,
        label: itemLabel(cat, f.resource, accountId),
        description: '',
        tooltip: '',
        findings: [],
      };
      if (f.resource.startsWith('arn:')) item.arn = f.resource;
      if (f.region) item.region = f.region;
      const url = consoleUrl(cat, f.resource, f.region, accountId);
      if (url) item.consoleUrl = url;
      entry = { item, findings: [] };
      items.set(key, entry);
      c.items.push(item);
    }
    if (f.stack && !entry.item.stack) entry.item.stack = f.stack;
    entry.findings.push(f);
    const rule = liveRule(f.ruleId);
    entry.item.findings.push({
      ruleId: f.ruleId,
      rule: f.rule,
      severity: f.severity,
      message: f.message,
      ...(rule ? { fix: rule.docs.fix, command: fixCommand(rule, { ...f, accountId }) } : {}),
    });
  }
  for (const { item, findings, evidence } of items.values()) {
    // The inventory's key fact when there is one; else (a finding on a resource it lacks) the findings.
    if (!item.description) {
      item.description =
        findings.length === 1
          ? findings[0].message
          : `${findings.length} findings: ${findings.map((f) => f.ruleId).join(', ')}`;
    }
    const lines = [`**${item.label}**${item.region ? ` (${item.region})` : ''}`, ''];
    if (item.arn) lines.push(`\`${item.arn}\``, '');
    if (item.description) lines.push(item.description, '');
    if (item.stack)
      lines.push(`Stack **${item.stack.name}** (${item.stack.region}), logical id \`${item.stack.logicalId}\``, '');
    for (const f of findings) {
      const rule = liveRule(f.ruleId);
      lines.push(`- **${f.ruleId}** \`${f.rule}\` (${f.severity}): ${f.message}${rule ? ` — ${rule.title}` : ''}`);
    }
    if (!findings.length) lines.push('No findings.');
    const facts = (evidence ?? []).filter((e) => !findings.some((f) => f.message === e));
    if (facts.length) lines.push('', 'Evidence:', ...facts.map((e) => `- ${e}`));
    lines.push(...remediation(item));
    item.tooltip = lines.join('\n');
  }
  const sev = { error: 0, warning: 1, information: 2 };
  const worst = (i: AuditItem) => (i.findings.length ? Math.min(...i.findings.map((f) => sev[f.severity])) : 3);
  for (const c of cats.values()) c.items.sort((a, b) => worst(a) - worst(b) || a.label.localeCompare(b.label));
  for (const e of live.errors) {
    // What could not be read about the root user belongs under "Root user", not "IAM users".
    const about =
      e.service === 'iam' && (e.code?.startsWith('Root') || /\broot user\b/.test(e.message))
        ? (['root'] as AuditCategoryId[])
        : categoriesOfService(e.service);
    for (const cat of about) {
      const c = cats.get(cat);
      if (c) c.errors.push({ service: e.service, ...(e.region ? { region: e.region } : {}), message: e.message });
    }
  }
  return [...cats.values()];
}

/**
 * "How to fix" per rule of an item's findings: the rule's remediation paragraph, then the AWS CLI
 * command(s) for this resource, shown to review and run yourself (Ajar never runs them).
 */
function remediation(item: AuditItem): string[] {
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const f of item.findings) {
    if (seen.has(f.ruleId) || (!f.fix && !f.command)) continue;
    seen.add(f.ruleId);
    lines.push('', `**How to fix (${f.ruleId})**: ${f.fix ?? ''}`.trimEnd());
    if (f.command) {
      const fence = f.command.includes('```') ? '~~~~' : '```';
      lines.push(
        '',
        'AWS CLI (shown, never run by Ajar: review it, then run it yourself):',
        '',
        `${fence}sh`,
        f.command,
        fence,
      );
    }
  }
  return lines;
}

function accountError(errors: AuditError[]): string | undefined {
  const sts = errors.filter((e) => e.service === 'sts');
  return sts.length ? sts.map((e) => e.message).join('; ') : undefined;
}

export class AuditHandlers {
  /** Profile name -> identity, once resolved (GetCallerIdentity), so keys become account ids. */
  private readonly identities = new Map<string, Identity>();
  private readonly cache = new Map<string, AccountAudit>();
  /** The last full audit of each account (category refreshes merged in), for the security report. */
  private readonly lastAudits = new Map<string, LastAudit>();
  /** The profile names of the last listing, in discovery order. */
  private profileOrder: string[] = [];
  /** Accounts whose last audit could not authenticate, by key. */
  private readonly lastFailures = new Map<string, { profiles: string[]; message: string }>();
  /** The last audit of each organization, by key. */
  private readonly orgAudits = new Map<string, OrganizationAudit>();
  /** Member accounts reached through an organization's role (no profile), for a refresh of one. */
  private readonly members = new Map<string, OrganizationSetting>();

  /**
   * Called with each account's last full audit (category refreshes merged in) when one finishes,
   * from the Accounts view or an organization's run: the live state the editor shows beside
   * templates (lsp/liveState.ts).
   */
  onAudited?: (live: LiveAccountAudit, auditedAt: string) => void;

  constructor(
    private readonly env: NodeJS.ProcessEnv = process.env,
    /** The server's output channel: what the audit did, at info level; never a secret. */
    private readonly log: (message: string) => void = () => {},
  ) {}

  async listAccounts(settings: AuditSettings): Promise<ListAccountsResult> {
    const problems: string[] = [];
    let discovered: Awaited<ReturnType<Awaited<ReturnType<typeof loadAudit>>['discoverProfiles']>>;
    try {
      const { discoverProfiles } = await loadAudit();
      discovered = await discoverProfiles(this.env);
    } catch (e) {
      return {
        configFound: false,
        configFiles: [],
        accounts: [],
        problems: [`cannot read the AWS configuration: ${(e as Error).message}`],
      };
    }
    const { profiles, paths, noFiles } = discovered;
    const { resolveIdentity } = await loadAudit();
    let selected = profiles;
    if (settings.profiles.length) {
      selected = profiles.filter((p) => settings.profiles.includes(p.name));
      for (const name of settings.profiles)
        if (!profiles.some((p) => p.name === name))
          problems.push(
            `profile "${name}" (ajar.audit.profiles) not found in ${paths.configFile} or ${paths.credentialsFile}`,
          );
    }
    // One node per account from the first listing on: which account each profile reaches
    // (sts:GetCallerIdentity: read-only, free, answers for any identity), once per profile; a
    // profile that cannot log in is tried again at the next listing (after `aws sso login`).
    const started = Date.now();
    this.profileOrder = selected.map((p) => p.name);
    const unknown = selected.filter((p) => !this.identities.has(p.name));
    const failures = new Map<string, string>();
    await eachLimited(unknown, 4, async (p) => {
      const r = await resolveIdentity(p, this.env, { maxAttempts: 1, requestTimeout: 10_000 });
      if (r.ok) this.identities.set(p.name, { accountId: r.accountId, arn: r.arn, context: r.context });
      else failures.set(p.name, r.message);
    });
    const byKey = new Map<string, AccountInfo>();
    for (const p of selected) {
      const id = this.identities.get(p.name);
      const key = id ? id.accountId : `profile:${p.name}`;
      let a = byKey.get(key);
      if (!a) {
        a = { key, label: id ? id.accountId : p.name, profiles: [] };
        if (id) a.accountId = id.accountId;
        const failure = failures.get(p.name);
        if (failure) a.error = failure;
        byKey.set(key, a);
      }
      a.profiles.push(p.name);
    }
    const grouped = [...byKey.values()].filter((a) => a.accountId);
    this.log(
      `Accounts: ${selected.length} profile${selected.length === 1 ? '' : 's'} (${selected.map((p) => p.name).join(', ') || 'none'}) ` +
        `in ${paths.configFile} and ${paths.credentialsFile}; ${grouped.length} account${grouped.length === 1 ? '' : 's'}` +
        (grouped.length ? ` (${grouped.map((a) => `${a.accountId}: ${a.profiles.join(', ')}`).join('; ')})` : '') +
        (unknown.length
          ? `; ${unknown.length} identit${unknown.length === 1 ? 'y' : 'ies'} resolved in ${Date.now() - started} ms`
          : ''),
    );
    for (const [name, message] of failures) this.log(`Accounts: profile "${name}" could not log in: ${message}`);
    for (const a of byKey.values()) {
      if (a.accountId) a.label = `${a.accountId} (${a.profiles.join(', ')})`;
      const cached = this.cache.get(a.key) ?? a.profiles.map((p) => this.cache.get(`profile:${p}`)).find(Boolean);
      if (cached) {
        a.auditedAt = cached.auditedAt;
        if (cached.alias) a.alias = cached.alias;
      }
    }
    const result: ListAccountsResult = {
      configFound: !noFiles || profiles.length > 0,
      configFiles: [paths.configFile, paths.credentialsFile],
      accounts: [...byKey.values()],
      problems,
    };
    if (settings.organizations?.length) {
      result.organizations = settings.organizations.map((o) => {
        const key = organizationKey(o);
        const last = this.orgAudits.get(key);
        return {
          key,
          profile: o.profile,
          roleName: o.roleName,
          label: `Organization (${o.profile})`,
          ...(last ? { auditedAt: last.auditedAt } : {}),
        };
      });
      for (const o of settings.organizations)
        if (!profiles.some((p) => p.name === o.profile))
          problems.push(
            `profile "${o.profile}" (ajar.audit.organizations) not found in ${paths.configFile} or ${paths.credentialsFile}`,
          );
    }
    return result;
  }

  private profilesOfKey(key: string): string[] {
    if (key.startsWith('profile:')) return [key.slice('profile:'.length)];
    const out: string[] = [];
    for (const [name, id] of this.identities) if (id.accountId === key) out.push(name);
    // In the configuration's order, as the listing shows them (identities resolve in any order).
    const rank = (name: string) => {
      const i = this.profileOrder.indexOf(name);
      return i < 0 ? Number.MAX_SAFE_INTEGER : i;
    };
    return out.sort((a, b) => rank(a) - rank(b));
  }

  async auditAccount(
    params: AuditAccountParams,
    settings: AuditSettings,
    projectThresholds: Partial<AuditThresholds> | undefined,
    abortSignal: AbortSignal,
    progress: AuditProgress,
  ): Promise<AccountAudit> {
    const key = params.key;
    const cached = this.cache.get(key);
    // An audit "as of" another instant is a what-if: never answered from, nor kept in, the cache.
    const asOf = params.asOf ? new Date(params.asOf) : undefined;
    if (asOf && Number.isNaN(asOf.getTime())) throw new Error(`asOf: "${params.asOf}" is not an ISO 8601 instant`);
    if (cached && !params.refresh && !asOf) {
      if (!params.category) return cached;
      return { ...cached, categories: cached.categories.filter((c) => c.id === params.category) };
    }
    const profileNames = this.profilesOfKey(key);
    const now = () => new Date().toISOString();
    const member = this.members.get(key);
    if (!profileNames.length && member)
      return this.auditMember(key, member, params, settings, projectThresholds, abortSignal, progress);
    if (!profileNames.length) {
      return {
        key,
        profiles: [],
        auditedAt: now(),
        categories: [],
        error: `unknown account "${key}": refresh the Accounts view`,
      };
    }
    progress.begin(`Ajar: auditing ${key.replace(/^profile:/, '')}`, 'resolving credentials');
    try {
      const { discoverProfiles, resolveIdentity, auditAccount: runAccountAudit } = await loadAudit();
      const { profiles } = await discoverProfiles(this.env);
      // Resolve the identity with the first profile that authenticates.
      let identity: Identity | undefined;
      const failures: string[] = [];
      for (const name of profileNames) {
        const info = profiles.find((p) => p.name === name);
        if (!info) {
          failures.push(`profile "${name}" is no longer in the AWS configuration`);
          continue;
        }
        const r = await resolveIdentity(info, this.env, { abortSignal });
        if (r.ok) {
          identity = { accountId: r.accountId, arn: r.arn, context: r.context };
          this.identities.set(name, identity);
          break;
        }
        failures.push(r.message);
      }
      if (abortSignal.aborted) throw new Error('cancelled');
      if (!identity) {
        const failed: AccountAudit = {
          key,
          profiles: profileNames,
          auditedAt: now(),
          categories: [],
          error: failures.join('; ') || 'no profile could authenticate',
          loginFailed: true,
        };
        this.log(`Audit of ${key}: could not log in with ${profileNames.join(', ')}: ${failed.error}`);
        if (!asOf) this.lastFailures.set(key, { profiles: profileNames, message: failed.error! });
        return failed;
      }
      const services: AuditScopeService[] = params.category
        ? [SERVICE_OF[params.category]]
        : ['iam', 'ec2', 's3', 'sqs', 'sns'];
      let scopesDone = 0;
      const thresholds = resolveAuditThresholds(projectThresholds, settings.thresholds);
      const auditStarted = Date.now();
      const timing = new ServiceTiming();
      this.log(
        `Audit of ${identity.accountId}${params.category ? ` (${params.category})` : ''}: profile ${profileNames.join(', ')}, ` +
          `services ${services.join(', ')}, regions ${settings.regions.length ? settings.regions.join(', ') : 'every enabled region'}`,
      );
      const live = await runAccountAudit(
        { accountId: identity.accountId, profiles: profileNames, callerArn: identity.arn, context: identity.context },
        {
          regions: settings.regions.length ? settings.regions : undefined,
          // The defaults, then the workspace's `.ajar.yaml` `audit:`, then the settings that are set.
          thresholds,
          asOf,
          services,
          abortSignal,
          // The deployed templates of stacks with findings: "not deployed yet" vs drift in the editor.
          stackTemplates: true,
          onEvent: (e) => {
            if (e.type === 'scope') timing.event(e.service, e.region, e.state);
            if (e.type === 'scope' && e.state === 'done') {
              scopesDone++;
              progress.report(`${scopesDone} done: ${e.service}${e.region ? ` ${e.region}` : ''}`);
            }
          },
        },
      );
      if (abortSignal.aborted) throw new Error('cancelled');
      this.log(
        `Audit of ${identity.accountId}: ${live.findings.length} finding${live.findings.length === 1 ? '' : 's'}, ` +
          `${live.resources.length} resource${live.resources.length === 1 ? '' : 's'} in ${((Date.now() - auditStarted) / 1000).toFixed(1)} s ` +
          `(${timing.summary()}); ${live.errors.length} could not be read`,
      );
      for (const e of live.errors.slice(0, 20))
        this.log(
          `Audit of ${identity.accountId}: could not read ${e.service}${e.region ? ` ${e.region}` : ''}: ${e.message}`,
        );
      if (live.errors.length > 20) this.log(`Audit of ${identity.accountId}: and ${live.errors.length - 20} more`);
      const categories = toCategories(live, params.category);
      const result: AccountAudit = {
        key,
        accountId: identity.accountId,
        profiles: profileNames,
        auditedAt: now(),
        categories,
      };
      if (live.alias) result.alias = live.alias;
      const err = accountError(live.errors);
      if (err) result.error = err;
      // A category refresh updates that category of the cached audit.
      const base = this.cache.get(key) ?? this.cache.get(identity.accountId);
      // A category refresh without IAM does not read the alias: keep the one already known.
      if (!result.alias && base?.alias) result.alias = base.alias;
      let stored = result;
      if (params.category && base) {
        stored = {
          ...base,
          ...(result.alias ? { alias: result.alias } : {}),
          auditedAt: result.auditedAt,
          categories: base.categories.map((c) => (c.id === params.category ? (categories[0] ?? c) : c)),
        };
      }
      if (!asOf) this.remember(key, live, thresholds, result.auditedAt, params.category);
      if (!asOf && (!params.category || base)) {
        this.cache.set(key, stored);
        this.cache.set(
          identity.accountId,
          stored.key === identity.accountId ? stored : { ...stored, key: identity.accountId },
        );
      }
      return result;
    } finally {
      progress.done();
    }
  }

  /** Caches one member's audit (from an organization run) as ajar/auditAccount answers it. */
  private storeMember(live: LiveAccountAudit, thresholds: LastAudit['thresholds'], auditedAt: string): AccountAudit {
    const accountId = live.accountId!;
    const result: AccountAudit = {
      key: accountId,
      accountId,
      profiles: live.profiles,
      auditedAt,
      categories: live.audited === false ? [] : toCategories(live),
    };
    if (live.alias) result.alias = live.alias;
    const err = accountError(live.errors);
    if (err) result.error = err;
    this.cache.set(accountId, result);
    if (live.audited === false)
      this.lastFailures.set(accountId, { profiles: live.profiles, message: err ?? 'not audited' });
    else this.remember(accountId, live, thresholds, auditedAt);
    return result;
  }

  /** Re-audits one member account of an organization (its node's refresh), through the organization's role. */
  private async auditMember(
    key: string,
    spec: OrganizationSetting,
    params: AuditAccountParams,
    settings: AuditSettings,
    projectThresholds: Partial<AuditThresholds> | undefined,
    abortSignal: AbortSignal,
    progress: AuditProgress,
  ): Promise<AccountAudit> {
    progress.begin(`Ajar: auditing ${key}`, `assuming ${spec.roleName}`);
    try {
      const { auditAccounts } = await loadAudit();
      const thresholds = resolveAuditThresholds(projectThresholds, settings.thresholds);
      const report = await auditAccounts({
        env: this.env,
        organizations: [{ ...spec, include: [key], exclude: [] }],
        regions: settings.regions.length ? settings.regions : undefined,
        thresholds,
        abortSignal,
        stackTemplates: true,
        onEvent: (e) => {
          if (e.type === 'scope' && e.state === 'done')
            progress.report(`${e.service}${e.region ? ` ${e.region}` : ''}`);
        },
      });
      if (abortSignal.aborted) throw new Error('cancelled');
      const live = report.accounts.find((a) => a.accountId === key);
      if (!live)
        return {
          key,
          profiles: [],
          auditedAt: new Date().toISOString(),
          categories: [],
          error:
            report.organizations?.[0]?.error ??
            `account ${key} is no longer an ACTIVE member of the organization read with profile "${spec.profile}"`,
        };
      const result = this.storeMember(live, thresholds, new Date().toISOString());
      if (params.category) return { ...result, categories: result.categories.filter((c) => c.id === params.category) };
      return result;
    } finally {
      progress.done();
    }
  }

  /**
   * ajar/auditOrganization: the organization's tree, then every selected account, streamed through
   * `notify` as each is done. Each account's tree items are cached for ajar/auditAccount; the
   * organization keeps only the per-account summary lines.
   */
  async auditOrganization(
    params: { key: string; refresh?: boolean },
    settings: AuditSettings,
    projectThresholds: Partial<AuditThresholds> | undefined,
    abortSignal: AbortSignal,
    progress: AuditProgress,
    notify: (p: OrganizationProgressParams) => void,
  ): Promise<OrganizationAudit> {
    const key = params.key;
    const spec = settings.organizations?.find((o) => organizationKey(o) === key);
    const started = new Date().toISOString();
    const empty = (error: string): OrganizationAudit => ({
      key,
      profile: spec?.profile ?? key.replace(/^org:/, ''),
      auditedAt: started,
      units: [],
      accounts: [],
      summary: organizationSummary([], {}, 0),
      error,
    });
    if (!spec)
      return empty(`unknown organization "${key}": it is not in ajar.audit.organizations (refresh the Accounts view)`);
    const cached = this.orgAudits.get(key);
    if (cached && !params.refresh) return cached;
    progress.begin(`Ajar: auditing organization (${spec.profile})`, 'reading the organization');
    try {
      const { auditAccounts, selectMembers } = await loadAudit();
      const thresholds = resolveAuditThresholds(projectThresholds, settings.thresholds);
      const lines = new Map<string, OrganizationAccount>();
      const byRule: Record<string, number> = {};
      let out: OrganizationAudit = empty('');
      delete out.error;
      let total = 0;
      let done = 0;
      const report = await auditAccounts({
        env: this.env,
        organizations: [spec],
        regions: settings.regions.length ? settings.regions : undefined,
        thresholds,
        abortSignal,
        stackTemplates: true,
        onEvent: (e) => {
          if (e.type === 'organization') {
            if (e.organization.error) out.error = e.organization.error;
            if (!e.tree) return;
            out.id = e.tree.id;
            out.managementAccountId = e.tree.managementAccountId;
            out.units = e.tree.units.map((u) => ({ id: u.id, name: u.name, parentId: u.parentId, path: u.path }));
            out.summary.listed = e.tree.accounts.length;
            for (const m of selectMembers(e.tree, spec))
              lines.set(m.accountId, {
                accountId: m.accountId,
                name: m.name,
                ouId: m.parentId,
                ou: m.ou,
                state: 'pending',
                counts: { error: 0, warning: 0, information: 0 },
                rules: [],
                unread: 0,
              });
            total = lines.size;
            progress.report(`0 of ${total} accounts`);
            notify({
              key,
              kind: 'tree',
              done,
              total,
              tree: {
                id: out.id,
                managementAccountId: out.managementAccountId,
                units: out.units,
                accounts: [...lines.values()],
              },
            });
          } else if (e.type === 'account-done' && e.account.accountId) {
            const live = e.account;
            let line = organizationAccount(live);
            if (abortSignal.aborted && line.state === 'failed' && /AbortError|aborted/i.test(line.error ?? '')) {
              line.error = 'the audit was stopped before this account was read';
            } else if (abortSignal.aborted && line.state === 'audited') {
              // Stopped while it was being read: what was read is partial, not a result.
              line = {
                ...line,
                state: 'failed',
                counts: { error: 0, warning: 0, information: 0 },
                rules: [],
                unread: 0,
              };
              line.error = 'the audit was stopped while this account was being read';
            } else {
              for (const f of live.findings) byRule[f.ruleId] = (byRule[f.ruleId] ?? 0) + 1;
              if (line.state === 'audited' || !this.cache.has(line.accountId))
                this.storeMember(live, thresholds, new Date().toISOString());
            }
            lines.set(line.accountId, line);
            this.members.set(line.accountId, spec);
            done++;
            progress.report(`${done} of ${total} accounts`);
            notify({ key, kind: 'account', done, total, account: line });
          }
        },
      });
      const accounts = [...lines.values()];
      const listed = report.organizations?.[0]?.listed ?? out.summary.listed;
      out = {
        ...out,
        auditedAt: new Date().toISOString(),
        accounts,
        summary: organizationSummary(accounts, byRule, listed),
      };
      if (abortSignal.aborted) out.cancelled = true;
      if (!out.error) delete out.error;
      this.orgAudits.set(key, out);
      return out;
    } finally {
      progress.done();
    }
  }

  private remember(
    key: string,
    live: LiveAccountAudit,
    thresholds: LastAudit['thresholds'],
    auditedAt: string,
    category?: AuditCategoryId,
  ): void {
    if (!live.accountId) return;
    this.lastFailures.delete(key);
    const base = this.lastAudits.get(live.accountId);
    if (!category) {
      this.lastAudits.set(live.accountId, { live, thresholds, auditedAt });
      this.onAudited?.(live, auditedAt);
      return;
    }
    // A category refresh replaces that category's findings, resources and errors in the last full audit.
    if (!base) return;
    const inCat = (cat: AuditCategoryId) => cat === category;
    const services = category === 's3' ? ['s3', 's3control'] : [SERVICE_OF[category]];
    const merged: LiveAccountAudit = {
      ...base.live,
      alias: live.alias ?? base.live.alias,
      findings: [
        ...base.live.findings.filter((f) => !inCat(categoryOfRule(f.ruleId))),
        ...live.findings.filter((f) => inCat(categoryOfRule(f.ruleId))),
      ],
      resources: [
        ...base.live.resources.filter((r) => !inCat(categoryOfResource(r))),
        ...live.resources.filter((r) => inCat(categoryOfResource(r))),
      ],
      errors: [
        ...base.live.errors.filter((e) => !services.includes(e.service)),
        ...live.errors.filter((e) => services.includes(e.service)),
      ],
    };
    this.lastAudits.set(live.accountId, { live: merged, thresholds, auditedAt });
    this.onAudited?.(merged, auditedAt);
  }

  /** The posture report of the last audits: every audited account, and those that could not authenticate. */
  securityReport(params: SecurityReportParams): SecurityReportResult {
    const audits = [...this.lastAudits.values()].sort((a, b) =>
      (a.live.accountId ?? '').localeCompare(b.live.accountId ?? ''),
    );
    if (!audits.length)
      return { html: null, file: null, fileName: 'ajar-security-report.html', accounts: 0, figures: [] };
    const latest = audits.reduce((a, b) => (b.auditedAt > a.auditedAt ? b : a));
    const failed = [...this.lastFailures].filter(([key]) => !this.lastAudits.has(key));
    const input: PostureInput = {
      asOf: latest.auditedAt,
      thresholds: latest.thresholds,
      accounts: [
        ...audits.map((a) => a.live),
        ...failed.map(([, f]) => ({
          accountId: null,
          profiles: f.profiles,
          findings: [],
          resources: [],
          errors: [{ service: 'sts' as const, region: null, message: f.message }],
        })),
      ],
    };
    const posture = computePosture(input);
    return {
      html: renderHtml(posture, { webview: { nonce: params.nonce } }),
      file: renderHtml(posture),
      fileName: `ajar-security-report-${posture.asOf.slice(0, 10)}.html`,
      accounts: posture.scope.accounts.length,
      figures: posture.figures.map((f) => ({
        id: f.id,
        title: f.title,
        resources: f.resources.map((r) => ({ accountId: r.accountId, id: r.id, label: r.label })),
      })),
    };
  }
}

/** Runs `task` over `items`, at most `limit` at once. */
async function eachLimited<T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Wall-clock time per service (first scope started to last done) and its regions, for the log. */
export class ServiceTiming {
  private readonly spans = new Map<string, { start: number; end: number; regions: Set<string> }>();
  constructor(private readonly clock: () => number = Date.now) {}
  event(service: string, region: string | null, state: 'started' | 'done'): void {
    const t = this.clock();
    let s = this.spans.get(service);
    if (!s) this.spans.set(service, (s = { start: t, end: t, regions: new Set() }));
    if (region) s.regions.add(region);
    if (state === 'done') s.end = Math.max(s.end, t);
  }
  /** "iam 1.2 s, ec2 3.4 s in 4 regions, s3 0.8 s". */
  summary(): string {
    return (
      [...this.spans]
        .map(([service, s]) => {
          const regions = s.regions.size > 1 ? ` in ${s.regions.size} regions` : '';
          return `${service} ${((s.end - s.start) / 1000).toFixed(1)} s${regions}`;
        })
        .join(', ') || 'nothing read'
    );
  }
}
