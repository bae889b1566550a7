/**
 * Posture figures: the audited scope (one account, several, an organization) beside Datadog's
 * "State of AWS Security" (data of September 2022), as /shared/design/rules.md "Posture figures"
 * defines them. Pure: computed from the audit's findings and inventory (no SDK, no vscode, no I/O),
 * with the audit's day thresholds; where those differ from the report's, the figure says so.
 */
import type { AccountAudit, AuditReport } from './audit';
import type { AuditService, InventoryItem, LiveFinding, LiveRuleId } from './findings';
import { LIVE_RULES } from './rules/registry';
import { CIS_BENCHMARK } from './rules/rule';
import type { AgeThresholds } from './iamChecks';

export const POSTURE_SOURCE = {
  title: 'State of AWS Security',
  publisher: 'Datadog',
  data: 'September 2022',
  population: '600+ organizations',
} as const;

/** The thresholds the report measured with (also the audit's defaults). */
export const REPORT_THRESHOLDS: AgeThresholds = {
  unusedDays: 90,
  rotationDays: 90,
  staleKeyDays: 365,
  staleKeyUnusedDays: 30,
  rootRecentUseDays: 30,
};

export const THRESHOLD_LABELS: Record<keyof AgeThresholds, string> = {
  unusedDays: 'credential unused for',
  rotationDays: 'access key older than',
  staleKeyDays: 'stale key: older than',
  staleKeyUnusedDays: 'stale key: unused for',
  rootRecentUseDays: 'root used within',
};

export { CIS_BENCHMARK };
export interface CisControl {
  id: string;
  title: string;
}
/** The CIS AWS Foundations Benchmark control each live rule matches (from the rules' metadata). */
export const CIS_CONTROLS: Partial<Record<LiveRuleId, CisControl>> = Object.fromEntries(
  LIVE_RULES.flatMap((r) => (r.cis ? [[r.id, { id: r.cis.id, title: r.cis.title }]] : [])),
);

export type PostureFigureId =
  | 'iam-users-inactive-credentials'
  | 'iam-users-stale-key'
  | 'iam-users-old-key'
  | 'iam-users-old-key-of-key-holders'
  | 'iam-users-console-no-mfa'
  | 'accounts-root-access-key'
  | 'root-used-30-days'
  | 'instances-imdsv1'
  | 's3-buckets-public'
  | 'sns-topics-public'
  | 'sqs-queues-public'
  | 'accounts';

/** share: numerator / denominator; has-one: the scope has one (yes/no); count: a number. */
export type PostureKind = 'share' | 'has-one' | 'count';
export type Comparison = 'better' | 'worse' | 'same' | 'none';

export interface ReportValue {
  /** A share, 0..1. */
  value: number;
  population: string;
}

export interface PostureResource {
  accountId: string;
  /** ARN (or the account id). */
  id: string;
  label: string;
  region: string | null;
  /** Why it counts: the findings' messages. */
  detail: string[];
}

export interface PostureFigure {
  id: PostureFigureId;
  title: string;
  kind: PostureKind;
  numerator: number;
  /** null for counts. */
  denominator: number | null;
  /** share: numerator/denominator (null when the denominator is 0); has-one: yes/no (null when it could not be told or the scope has nothing to have one of); count: the number. */
  value: number | boolean | null;
  report: ReportValue;
  /** "x% of organizations have one", beside whether the scope has one. */
  organizations: { question: string; value: boolean | null; report: ReportValue }[];
  /** The scope beside the report (for counts: none, more is not worse). */
  comparison: Comparison;
  rules: LiveRuleId[];
  cis: (CisControl & { rule: LiveRuleId })[];
  /** The thresholds the figure is measured with, and the report's. */
  thresholds: { name: keyof AgeThresholds; days: number; reportDays: number }[];
  /** Resources of the population whose state could not be read (not counted either way). */
  unknown: number;
  /** Some of what the figure is based on could not be read (see Posture.unread). */
  incomplete: boolean;
  note?: string;
  /** What the numerator counts (users, instances, buckets, accounts...). */
  resources: PostureResource[];
}

export interface PostureAccountFigure {
  id: PostureFigureId;
  numerator: number;
  denominator: number | null;
  value: number | boolean | null;
  comparison: Comparison;
}

export interface Posture {
  version: 1;
  asOf: string;
  source: typeof POSTURE_SOURCE;
  benchmark: string;
  scope: {
    accounts: { accountId: string; alias?: string; profiles: string[]; regions: string[] }[];
    /** Profiles that could not be audited at all (no credentials, expired SSO session...). */
    notAudited: { accountId?: string; name?: string; profiles: string[]; message: string }[];
  };
  thresholds: { name: keyof AgeThresholds; label: string; days: number; reportDays: number }[];
  /** Figures where the scope does better / worse / the same as the report. */
  summary: Record<Comparison, number>;
  figures: PostureFigure[];
  /** The same figures, account by account (with several accounts). */
  accounts: { accountId: string; alias?: string; figures: PostureAccountFigure[] }[];
  /** What could not be read, and why. */
  unread: { accountId: string | null; service: AuditService; region: string | null; message: string }[];
  /** The live rules' metadata, with the CIS control each matches. */
  rules: { id: LiveRuleId; slug: string; severity: string; title: string; cis?: CisControl }[];
}

/** What the figures are computed from: an AuditReport, or the accounts an editor audited. */
export interface PostureInput {
  asOf: string;
  accounts: (Pick<AccountAudit, 'accountId' | 'profiles' | 'findings' | 'errors' | 'resources'> &
    Partial<Pick<AccountAudit, 'alias' | 'regions' | 'audited' | 'name'>>)[];
  thresholds?: Partial<AgeThresholds>;
}

type Audited = PostureInput['accounts'][number] & { accountId: string };

const ROOT_ARN = /^arn:aws[\w-]*:iam::\d*:root$/;
const isRoot = (r: InventoryItem) => r.service === 'iam' && ROOT_ARN.test(r.id);
const isUser = (r: InventoryItem) => r.service === 'iam' && !ROOT_ARN.test(r.id);
const isBucket = (r: InventoryItem) => r.service === 's3' && r.id.startsWith('arn:');
/** rules.md: running or stopped instances (pending and stopping ones are in between). */
const COUNTED_STATES = new Set(['running', 'stopped']);

function pct(n: number): string {
  return `${Math.round(n * 100)}%`;
}

function compareShare(value: number | null, report: number): Comparison {
  if (value === null) return 'none';
  // Compared as the page shows them: whole percentages.
  const a = Math.round(value * 100);
  const b = Math.round(report * 100);
  return a < b ? 'better' : a > b ? 'worse' : 'same';
}
function compareHasOne(value: boolean | null): Comparison {
  return value === null ? 'none' : value ? 'worse' : 'better';
}

interface Member {
  accountId: string;
  id: string;
  label: string;
  region: string | null;
}

/** The population and numerator of a per-resource figure in one account. */
interface Counted {
  population: Map<string, Member>;
  hits: Map<string, PostureResource>;
  unknown: number;
}

function emptyCount(): Counted {
  return { population: new Map(), hits: new Map(), unknown: 0 };
}

function addHit(c: Counted, m: Member, f: LiveFinding | undefined) {
  const key = `${m.accountId}\u0000${m.id}`;
  c.population.set(key, m);
  let r = c.hits.get(key);
  if (!r) c.hits.set(key, (r = { ...m, detail: [] }));
  if (f && !r.detail.includes(f.message)) r.detail.push(f.message);
}

function labelOf(resource: string): string {
  if (!resource.startsWith('arn:')) return resource;
  const tail = resource.split(':').slice(5).join(':');
  const slash = tail.lastIndexOf('/');
  return slash >= 0 ? tail.slice(slash + 1) : tail;
}

/**
 * Counts one per-resource figure in one account: the population is the inventory's resources
 * matching `member` (plus any resource with a matching finding), the numerator those with a
 * finding of `rules`. A resource the inventory marks unread and that has no finding is unknown.
 */
function countResources(
  a: Audited,
  member: (r: InventoryItem) => boolean,
  rules: LiveRuleId[],
  opts: { allowUnread?: boolean } = {},
): Counted {
  const c = emptyCount();
  const hitsBy = new Map<string, LiveFinding[]>();
  for (const f of a.findings) {
    if (!rules.includes(f.ruleId)) continue;
    const list = hitsBy.get(f.resource) ?? [];
    list.push(f);
    hitsBy.set(f.resource, list);
  }
  const seen = new Set<string>();
  for (const r of a.resources) {
    if (!member(r) || seen.has(r.id)) continue;
    seen.add(r.id);
    const m: Member = { accountId: a.accountId, id: r.id, label: r.label, region: r.region };
    const fs = hitsBy.get(r.id);
    if (fs) {
      for (const f of fs) addHit(c, { ...m, region: m.region ?? f.region }, f);
    } else if (r.facts?.unread && !opts.allowUnread) c.unknown++;
    else c.population.set(`${a.accountId}\u0000${r.id}`, m);
  }
  // A finding on a resource the inventory lacks still counts, in the population too.
  for (const [id, fs] of hitsBy) {
    if (seen.has(id)) continue;
    for (const f of fs) addHit(c, { accountId: a.accountId, id, label: labelOf(id), region: f.region }, f);
  }
  return c;
}

function merge(parts: Counted[]): Counted {
  const c = emptyCount();
  for (const p of parts) {
    for (const [k, v] of p.population) c.population.set(k, v);
    for (const [k, v] of p.hits) c.hits.set(k, v);
    c.unknown += p.unknown;
  }
  return c;
}

function sortResources(rs: Iterable<PostureResource>): PostureResource[] {
  return [...rs].sort(
    (x, y) =>
      x.accountId.localeCompare(y.accountId) ||
      x.label.localeCompare(y.label) ||
      (x.region ?? '').localeCompare(y.region ?? '') ||
      x.id.localeCompare(y.id),
  );
}

interface FigureDef {
  id: PostureFigureId;
  kind: PostureKind;
  title: (t: AgeThresholds) => string;
  rules: LiveRuleId[];
  report: ReportValue;
  organizations?: ReportValue & { question: string; whenEmpty: 'no' | 'not-applicable' };
  thresholds: (keyof AgeThresholds)[];
  /** Services whose read errors make the figure incomplete. */
  services: AuditService[];
}

const FIGURES: FigureDef[] = [
  {
    id: 'iam-users-inactive-credentials',
    kind: 'share',
    title: (t) => `IAM users with an active console password or access key unused for ${t.unusedDays} days`,
    rules: ['AJ512'],
    report: { value: 0.39, population: 'IAM users' },
    organizations: {
      question: 'has an IAM user with an unused credential',
      value: 0.7,
      population: 'organizations',
      whenEmpty: 'no',
    },
    thresholds: ['unusedDays'],
    services: ['iam'],
  },
  {
    id: 'iam-users-stale-key',
    kind: 'share',
    title: (t) =>
      `IAM users with an active access key older than ${t.staleKeyDays} days and unused for ${t.staleKeyUnusedDays}`,
    rules: ['AJ514'],
    report: { value: 0.25, population: 'IAM users' },
    thresholds: ['staleKeyDays', 'staleKeyUnusedDays'],
    services: ['iam'],
  },
  {
    id: 'iam-users-old-key',
    kind: 'share',
    title: (t) => `IAM users with an active access key older than ${t.rotationDays} days`,
    rules: ['AJ513'],
    report: { value: 0.6, population: 'IAM users' },
    thresholds: ['rotationDays'],
    services: ['iam'],
  },
  {
    id: 'iam-users-old-key-of-key-holders',
    kind: 'share',
    title: (t) => `IAM users with an active access key: the key is older than ${t.rotationDays} days`,
    rules: ['AJ513'],
    report: { value: 0.76, population: 'IAM users with at least one active access key' },
    thresholds: ['rotationDays'],
    services: ['iam'],
  },
  {
    id: 'iam-users-console-no-mfa',
    kind: 'share',
    title: () => 'IAM users with a console password and no MFA device',
    rules: ['AJ511'],
    report: { value: 0.11, population: 'IAM users' },
    organizations: {
      question: 'has a console user without MFA',
      value: 0.4,
      population: 'organizations',
      whenEmpty: 'no',
    },
    thresholds: [],
    services: ['iam'],
  },
  {
    id: 'accounts-root-access-key',
    kind: 'share',
    title: () => 'Accounts whose root user has an active access key',
    rules: ['AJ501'],
    report: { value: 0.03, population: 'accounts' },
    organizations: {
      question: 'has a root access key',
      value: 0.09,
      population: 'organizations',
      whenEmpty: 'no',
    },
    thresholds: [],
    services: ['iam'],
  },
  {
    id: 'root-used-30-days',
    kind: 'has-one',
    title: (t) => `Root user used in the last ${t.rootRecentUseDays} days`,
    rules: ['AJ503'],
    report: { value: 0.23, population: 'organizations' },
    thresholds: ['rootRecentUseDays'],
    services: ['iam'],
  },
  {
    id: 'instances-imdsv1',
    kind: 'share',
    title: () => 'EC2 instances (running or stopped) that do not require IMDSv2',
    rules: ['AJ521'],
    report: { value: 0.93, population: 'EC2 instances' },
    organizations: {
      question: 'has an instance without IMDSv2',
      value: 0.95,
      population: 'organizations with instances',
      whenEmpty: 'not-applicable',
    },
    thresholds: [],
    services: ['ec2'],
  },
  {
    id: 's3-buckets-public',
    kind: 'share',
    title: () => 'Public S3 buckets',
    rules: ['AJ531'],
    report: { value: 0.02, population: 'S3 buckets' },
    organizations: {
      question: 'has a public bucket',
      value: 0.36,
      population: 'organizations with buckets',
      whenEmpty: 'not-applicable',
    },
    thresholds: [],
    services: ['s3', 's3control'],
  },
  {
    id: 'sns-topics-public',
    kind: 'has-one',
    title: () => 'A public SNS topic',
    rules: ['AJ533'],
    report: { value: 0.15, population: 'organizations with topics' },
    thresholds: [],
    services: ['sns'],
  },
  {
    id: 'sqs-queues-public',
    kind: 'has-one',
    title: () => 'A public SQS queue',
    rules: ['AJ532'],
    report: { value: 0.18, population: 'organizations with queues' },
    thresholds: [],
    services: ['sqs'],
  },
  {
    id: 'accounts',
    kind: 'count',
    title: () => 'AWS accounts in the scope',
    rules: [],
    report: { value: 0.41, population: 'organizations that use more than one account' },
    thresholds: [],
    services: ['sts'],
  },
];

export const POSTURE_FIGURE_IDS: PostureFigureId[] = FIGURES.map((f) => f.id);

/** The counted population and numerator of one figure over some accounts. */
function countFigure(def: FigureDef, accounts: Audited[]): Counted & { note?: string; unreadRoot?: number } {
  switch (def.id) {
    case 'iam-users-inactive-credentials':
    case 'iam-users-stale-key':
    case 'iam-users-old-key':
    case 'iam-users-console-no-mfa':
      return merge(accounts.map((a) => countResources(a, isUser, def.rules)));
    case 'iam-users-old-key-of-key-holders':
      return merge(
        accounts.map((a) => countResources(a, (r) => isUser(r) && (r.facts?.activeKeys ?? 0) > 0, def.rules)),
      );
    case 'instances-imdsv1':
      return merge(
        accounts.map((a) => {
          const c = countResources(
            a,
            (r) => r.service === 'ec2' && (r.facts?.state === undefined || COUNTED_STATES.has(r.facts.state)),
            def.rules,
          );
          // A finding on an instance in another state (pending, stopping) is not in the figure.
          const outside = new Set(
            a.resources
              .filter((r) => r.service === 'ec2' && r.facts?.state && !COUNTED_STATES.has(r.facts.state))
              .map((r) => `${a.accountId}\u0000${r.id}`),
          );
          for (const k of outside) {
            c.hits.delete(k);
            c.population.delete(k);
          }
          return c;
        }),
      );
    case 's3-buckets-public':
      return merge(accounts.map((a) => countResources(a, isBucket, def.rules)));
    case 'sns-topics-public':
      return merge(accounts.map((a) => countResources(a, (r) => r.service === 'sns', def.rules)));
    case 'sqs-queues-public':
      return merge(accounts.map((a) => countResources(a, (r) => r.service === 'sqs', def.rules)));
    case 'accounts-root-access-key':
    case 'root-used-30-days': {
      // Per account: the root user, known when the inventory has it (GetAccountSummary or the
      // report's root row read); its recent use only when the report's root row was read.
      const c = emptyCount();
      let unreadRoot = 0;
      for (const a of accounts) {
        const root = a.resources.find(isRoot);
        const fs = a.findings.filter((f) => def.rules.includes(f.ruleId));
        const m: Member = {
          accountId: a.accountId,
          id: root?.id ?? fs[0]?.resource ?? `arn:aws:iam::${a.accountId}:root`,
          label: a.alias ? `root of ${a.alias} (${a.accountId})` : `root of ${a.accountId}`,
          region: null,
        };
        const known = def.id === 'root-used-30-days' ? root?.facts?.rootUsageRead === true : !!root;
        if (fs.length) for (const f of fs) addHit(c, m, f);
        else if (known) c.population.set(`${a.accountId}\u0000${m.id}`, m);
        else {
          c.unknown++;
          unreadRoot++;
        }
      }
      const note =
        unreadRoot && def.id === 'root-used-30-days'
          ? `the root user's last use could not be read in ${unreadRoot} account${unreadRoot === 1 ? '' : 's'} (no <root_account> row in the credential report)`
          : unreadRoot
            ? `the root user could not be read in ${unreadRoot} account${unreadRoot === 1 ? '' : 's'}`
            : undefined;
      return { ...c, note, unreadRoot };
    }
    case 'accounts': {
      const c = emptyCount();
      for (const a of accounts) {
        const m = { accountId: a.accountId, id: a.accountId, label: a.alias ?? a.accountId, region: null };
        addHit(c, m, undefined);
        c.hits.get(`${a.accountId}\u0000${a.accountId}`)!.detail.push(`profiles: ${a.profiles.join(', ')}`);
      }
      return c;
    }
  }
}

interface Evaluated {
  numerator: number;
  denominator: number | null;
  value: number | boolean | null;
  comparison: Comparison;
  note?: string;
}

function evaluate(def: FigureDef, c: ReturnType<typeof countFigure>): Evaluated {
  const numerator = c.hits.size;
  const denominator = c.population.size;
  if (def.kind === 'count') return { numerator, denominator: null, value: numerator, comparison: 'none' };
  if (def.kind === 'share') {
    const value = denominator ? numerator / denominator : null;
    return { numerator, denominator, value, comparison: compareShare(value, def.report.value), note: c.note };
  }
  // has-one
  let value: boolean | null;
  let note = c.note;
  if (numerator > 0) value = true;
  else if (c.unknown > 0) value = null;
  else if (denominator === 0 && def.id !== 'root-used-30-days') {
    value = null;
    note = `the scope has no ${def.id === 'sns-topics-public' ? 'SNS topics' : 'SQS queues'}: not in the report's population (${def.report.population})`;
  } else if (denominator === 0) value = null;
  else value = false;
  return { numerator, denominator, value, comparison: compareHasOne(value), ...(note ? { note } : {}) };
}

function thresholdsOf(input: PostureInput | AuditReport): AgeThresholds {
  return { ...REPORT_THRESHOLDS, ...input.thresholds };
}

/** Computes every posture figure over the audited accounts (those with an account id). */
export function computePosture(input: PostureInput | AuditReport): Posture {
  const t = thresholdsOf(input);
  const all: PostureInput['accounts'] = input.accounts;
  // An organization member whose role could not be assumed has an id but was not audited.
  const audited = all.filter((a): a is Audited => !!a.accountId && a.audited !== false);
  const failed = all.filter((a) => !a.accountId || a.audited === false);
  const unread: Posture['unread'] = [];
  // A member that was not audited is listed once, in scope.notAudited.
  for (const a of input.accounts.filter((x) => x.audited !== false))
    for (const e of a.errors)
      unread.push({ accountId: a.accountId, service: e.service, region: e.region, message: e.message });

  const figures: PostureFigure[] = FIGURES.map((def) => {
    const c = countFigure(def, audited);
    const ev = evaluate(def, c);
    const organizations: PostureFigure['organizations'] = [];
    if (def.organizations) {
      const o = def.organizations;
      const has =
        ev.numerator > 0
          ? true
          : c.unknown > 0 || (ev.denominator === 0 && o.whenEmpty === 'not-applicable') || !audited.length
            ? null
            : false;
      organizations.push({ question: o.question, value: has, report: { value: o.value, population: o.population } });
    }
    if (def.id === 'accounts') {
      const n = audited.length;
      organizations.push(
        {
          question: 'uses more than one account',
          value: n > 1,
          report: { value: 0.41, population: 'organizations' },
        },
        { question: 'uses ten or more accounts', value: n >= 10, report: { value: 0.05, population: 'organizations' } },
      );
    }
    const incomplete = audited.some((a) =>
      a.errors.some(
        (e) =>
          def.services.includes(e.service) &&
          // What could not be told about the root user's MFA does not touch these figures.
          e.code !== 'RootNotModelled',
      ),
    );
    const fig: PostureFigure = {
      id: def.id,
      title: def.title(t),
      kind: def.kind,
      numerator: ev.numerator,
      denominator: ev.denominator,
      value: ev.value,
      report: def.report,
      organizations,
      comparison: ev.comparison,
      rules: def.rules,
      cis: def.rules.flatMap((rule) => (CIS_CONTROLS[rule] ? [{ ...CIS_CONTROLS[rule]!, rule }] : [])),
      thresholds: def.thresholds.map((name) => ({ name, days: t[name], reportDays: REPORT_THRESHOLDS[name] })),
      unknown: c.unknown,
      incomplete: incomplete || (def.id === 'accounts' && failed.length > 0),
      resources: sortResources(c.hits.values()),
    };
    if (ev.note) fig.note = ev.note;
    else if (def.id === 'accounts' && failed.length)
      fig.note = `${failed.length} profile entr${failed.length === 1 ? 'y' : 'ies'} could not be audited`;
    return fig;
  });

  const perAccount: Posture['accounts'] =
    audited.length > 1
      ? audited.map((a) => ({
          accountId: a.accountId,
          ...(a.alias ? { alias: a.alias } : {}),
          figures: FIGURES.filter((d) => d.kind !== 'count').map((def) => {
            const ev = evaluate(def, countFigure(def, [a]));
            return {
              id: def.id,
              numerator: ev.numerator,
              denominator: ev.denominator,
              value: ev.value,
              comparison: ev.comparison,
            };
          }),
        }))
      : [];

  const summary: Record<Comparison, number> = { better: 0, worse: 0, same: 0, none: 0 };
  for (const f of figures) summary[f.comparison]++;

  return {
    version: 1,
    asOf: input.asOf,
    source: POSTURE_SOURCE,
    benchmark: CIS_BENCHMARK,
    scope: {
      accounts: audited.map((a) => ({
        accountId: a.accountId,
        ...(a.alias ? { alias: a.alias } : {}),
        profiles: a.profiles,
        regions: a.regions ?? [],
      })),
      notAudited: failed.map((a) => ({
        ...(a.accountId ? { accountId: a.accountId, ...(a.name ? { name: a.name } : {}) } : {}),
        profiles: a.profiles,
        message: a.errors.map((e) => e.message).join('; '),
      })),
    },
    thresholds: (Object.keys(REPORT_THRESHOLDS) as (keyof AgeThresholds)[]).map((name) => ({
      name,
      label: THRESHOLD_LABELS[name],
      days: t[name],
      reportDays: REPORT_THRESHOLDS[name],
    })),
    summary,
    figures,
    accounts: perAccount,
    unread,
    rules: Object.values(LIVE_RULES).map((r) => ({
      id: r.id,
      slug: r.slug,
      severity: r.severity,
      title: r.title,
      ...(CIS_CONTROLS[r.id] ? { cis: CIS_CONTROLS[r.id] } : {}),
    })),
  };
}

/** "CIS AWS Foundations Benchmark v3.0.0 1.10: Ensure ..." for a live rule, or undefined. */
export function cisText(rule: LiveRuleId): string | undefined {
  const c = CIS_CONTROLS[rule];
  return c ? `${CIS_BENCHMARK} ${c.id}: ${c.title}` : undefined;
}

/** "20%", "yes", "no", "could not be told", "3". */
export function formatValue(f: Pick<PostureFigure, 'kind' | 'value'>): string {
  if (f.value === null) return f.kind === 'share' ? 'n/a' : 'unknown';
  if (typeof f.value === 'boolean') return f.value ? 'yes' : 'no';
  return f.kind === 'share' ? pct(f.value) : String(f.value);
}

/** "39% of IAM users". */
export function formatReport(r: ReportValue): string {
  return `${pct(r.value)} of ${r.population}`;
}

/** Thresholds the audit used that differ from the report's. */
export function differingThresholds(p: Pick<Posture, 'thresholds'>): Posture['thresholds'] {
  return p.thresholds.filter((t) => t.days !== t.reportDays);
}
