/**
 * `ajar audit [--profile NAME...] [--region R...] [--as-of ISO] [--threshold NAME=DAYS...]
 *             [--organization PROFILE --role-name NAME [--external-id X] [--ou ID...] [--account ID...]]
 *             [--concurrency N] [--shard I/N]
 *             [--workspace DIR] [--format text|json|sarif|html|markdown] [--save DIR]
 *             [--fail-on error|warning|information|none]`
 * `ajar audit merge FILE... [--format ...] [--fail-on ...]`: the shards of one run, joined.
 *
 * Day thresholds: the defaults, then the `audit:` block of the `.ajar.yaml` found from the current
 * folder up (as `ajar lint` finds it: no higher than the repository root), then `--threshold`.
 * Resolved by the engine's resolveAuditThresholds, as the editor resolves them.
 *
 * Exit codes: 0 nothing at/above --fail-on, 1 something was, 2 usage error (or nothing could be
 * audited at all: no credentials, or no profile could authenticate).
 */
import { parseArgs } from 'node:util';
import { relative, resolve as resolvePath } from 'node:path';
import { readFileSync, statSync } from 'node:fs';
import { auditAccounts, DEFAULT_THRESHOLDS, type AccountAudit, type AuditJson, type AuditReport } from '../audit';
import type { OrganizationSpec } from '../audit/organizations';
import { SEVERITY_ORDER, type Severity } from '../audit/findings';
import type { AuditEvent } from '../audit';
import {
  AUDIT_THRESHOLD_NAMES,
  DEFAULT_AUDIT,
  loadConfigFor,
  resolveAuditThresholds,
  type AuditThresholds,
  type ConfigProblem,
} from '../engine';
import { REPORT_FORMATS, renderAudit, type ReportFormat } from '../report';
import { attachSources, formatAuditSarif, type SourcesResult } from './auditSources';
import { VERSION } from './lint';

export interface AuditIo {
  stdout: { write(chunk: string): unknown };
  /** When stderr is a terminal, a one-line progress indicator is drawn there. */
  stderr: { write(chunk: string): unknown; isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** Where `.ajar.yaml` is looked for (default: process.cwd()). */
  cwd?: string;
}

const THRESHOLD_HELP = AUDIT_THRESHOLD_NAMES.map((k, i) => `${k} (${i ? '' : 'default '}${DEFAULT_AUDIT[k]})`)
  .join(', ')
  .replace(/(.{40,60}?), /, '$1,\n                      ');

export const AUDIT_USAGE = `Usage: ajar audit [options]

Audits the AWS accounts your profiles reach, read-only (Get*, List*, Describe*,
GenerateCredentialReport and GetCallerIdentity only).

Options:
  --profile NAME      audit this profile (repeatable; default: every profile in the shared
                      config/credentials files, plus AWS_ACCESS_KEY_ID credentials)
  --region R          regions for EC2, SQS and SNS (repeatable; default: every enabled region)
  --as-of ISO         measure credential ages as of this instant (default: now)
  --threshold NAME=DAYS
                      a day threshold (repeatable), over the audit: block of .ajar.yaml;
                      NAME: ${THRESHOLD_HELP}
  --workspace DIR     map each live finding to the template (or CDK construct) in DIR that
                      deployed it, through the CloudFormation stacks (cdk.out, samconfig.toml,
                      .ajar.yaml stacks:, else the templates' logical ids): its source
  --format FORMAT     text | json | sarif | html | markdown (default: text); html is one
                      self-contained page, markdown suits a pull request, a wiki or an issue
  --save DIR          keep this run's JSON in DIR (a timestamped file); html and markdown then
                      show the change since the previous saved run and the trend
  --fail-on LEVEL     error | warning | information | none (default: warning)
  -h, --help          show this help

Organizations (every ACTIVE member account, each by assuming a role; the management
account through the profile itself). Without --organization, the .ajar.yaml
audit.organizations of the working directory apply:
  --organization PROFILE
                      read the organization with this profile (organizations:Describe*/List*)
  --role-name NAME    the role to assume in each member account (session ajar-audit)
  --external-id X     sts:ExternalId, when the role's trust policy asks for one
  --ou ID             only the accounts under this OU or root (repeatable: ou-..., r-...)
  --account ID        only this account (repeatable; with --ou: either)
  --concurrency N     accounts audited at once (default 8)
  --shard I/N         audit only part I of N (accounts dealt round-robin by id), for
                      parallel jobs; join the parts' --format json with \`ajar audit merge\`

  ajar audit merge FILE... [--format FORMAT] [--fail-on LEVEL]
                      join the --format json documents of every shard of one run

.ajar.yaml is looked for from the current folder up to the repository root.

Exit codes: 0 nothing at or above --fail-on, 1 something was, 2 usage error or nothing could be
audited (no credentials, no profile could authenticate).
`;

type FailOn = Severity | 'none';

export interface AuditArgs {
  profiles: string[];
  regions: string[];
  asOf?: Date;
  /** From --threshold: only the ones given. */
  thresholds: Partial<AuditThresholds>;
  format: 'text' | 'sarif' | ReportFormat;
  /** --workspace DIR */
  workspace?: string;
  /** --save DIR */
  save?: string;
  failOn: FailOn;
  help: boolean;
  /** --organization and its companions. */
  organization?: OrganizationSpec;
  /** --concurrency: accounts at once. */
  concurrency?: number;
  /** --shard I/N */
  shard?: { index: number; count: number };
}

export class UsageError extends Error {}

const OU_ID = /^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/;
const ACCOUNT_ID = /^\d{12}$/;

export function parseAuditArgs(argv: string[]): AuditArgs {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (e) {
    // parseArgs's messages name the option ("Option '--region <value>' argument missing").
    throw new UsageError((e as Error).message.replace(/^Unknown option/, 'unknown option').replace(/\s*\n\s*/g, ' '));
  }
  const v = parsed.values;
  const args: AuditArgs = {
    profiles: [],
    regions: [],
    thresholds: {},
    format: 'text',
    failOn: 'warning',
    help: !!v.help,
  };
  for (const p of v.profile ?? []) args.profiles.push(...splitList(p, '--profile'));
  for (const value of v.region ?? [])
    for (const r of splitList(value, '--region')) {
      if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(r))
        throw new UsageError(`--region: "${r}" is not a region name (like us-east-1)`);
      args.regions.push(r);
    }
  if (v['as-of'] !== undefined) {
    const d = new Date(v['as-of']);
    if (!/^\d{4}-\d{2}-\d{2}/.test(v['as-of']) || Number.isNaN(d.getTime()))
      throw new UsageError(`--as-of: "${v['as-of']}" is not an ISO 8601 date or instant`);
    args.asOf = d;
  }
  for (const value of v.threshold ?? [])
    for (const t of splitList(value, '--threshold')) {
      const m = /^([A-Za-z]+)=(.*)$/.exec(t);
      const name = m?.[1] as keyof AuditThresholds | undefined;
      if (!m || !name || !AUDIT_THRESHOLD_NAMES.includes(name))
        throw new UsageError(
          `--threshold: "${t}" is not NAME=DAYS with NAME one of ${AUDIT_THRESHOLD_NAMES.join(', ')}`,
        );
      const days = Number(m[2]);
      if (!/^\d+(\.\d+)?$/.test(m[2].trim()) || !(days > 0))
        throw new UsageError(`--threshold: ${name} must be a positive number of days, not "${m[2]}"`);
      args.thresholds[name] = days;
    }
  if (v.format !== undefined) {
    if (v.format !== 'text' && v.format !== 'sarif' && !REPORT_FORMATS.includes(v.format as ReportFormat))
      throw new UsageError(`--format must be text, json, sarif, html or markdown, not "${v.format}"`);
    args.format = v.format as AuditArgs['format'];
  }
  if (v.workspace !== undefined) {
    if (!v.workspace) throw new UsageError('--workspace needs a directory');
    args.workspace = v.workspace;
  }
  if (v.save !== undefined) {
    if (!v.save) throw new UsageError('--save needs a directory');
    args.save = v.save;
  }
  if (v['fail-on'] !== undefined) {
    if (!['error', 'warning', 'information', 'none'].includes(v['fail-on']))
      throw new UsageError(`--fail-on must be error, warning, information or none, not "${v['fail-on']}"`);
    args.failOn = v['fail-on'] as FailOn;
  }
  const ous = (v.ou ?? []).flatMap((x) => splitList(x, '--ou'));
  for (const id of ous)
    if (!OU_ID.test(id))
      throw new UsageError(`--ou: "${id}" is not an OU or root id (like ou-ab12-cdef3456 or r-ab12)`);
  const accounts = (v.account ?? []).flatMap((x) => splitList(x, '--account'));
  for (const id of accounts)
    if (!ACCOUNT_ID.test(id)) throw new UsageError(`--account: "${id}" is not a 12-digit account id`);
  if (v.organization !== undefined) {
    if (!v.organization) throw new UsageError('--organization needs a profile name');
    if (!v['role-name'])
      throw new UsageError('--organization needs --role-name (the role to assume in each member account)');
    if (!/^[\w+=,.@/-]{1,512}$/.test(v['role-name']))
      throw new UsageError(`--role-name: "${v['role-name']}" is not an IAM role name`);
    args.organization = {
      profile: v.organization,
      roleName: v['role-name'],
      ...(v['external-id'] ? { externalId: v['external-id'] } : {}),
      ...(ous.length || accounts.length ? { include: [...ous, ...accounts] } : {}),
    };
  } else {
    for (const [opt, set] of [
      ['--role-name', v['role-name'] !== undefined],
      ['--external-id', v['external-id'] !== undefined],
      ['--ou', ous.length > 0],
      ['--account', accounts.length > 0],
    ] as const)
      if (set) throw new UsageError(`${opt} goes with --organization PROFILE`);
  }
  if (v.concurrency !== undefined) {
    const n = Number(v.concurrency);
    if (!/^\d+$/.test(v.concurrency) || n < 1 || n > 64)
      throw new UsageError(`--concurrency must be a whole number from 1 to 64, not "${v.concurrency}"`);
    args.concurrency = n;
  }
  if (v.shard !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(v.shard);
    const index = Number(m?.[1]);
    const count = Number(m?.[2]);
    if (!m || index < 1 || count < 1 || index > count || count > 1000)
      throw new UsageError(`--shard must be I/N with 1 <= I <= N <= 1000 (like 2/4), not "${v.shard}"`);
    args.shard = { index, count };
  }
  return args;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      profile: { type: 'string', multiple: true },
      region: { type: 'string', multiple: true },
      'as-of': { type: 'string' },
      threshold: { type: 'string', multiple: true },
      format: { type: 'string' },
      save: { type: 'string' },
      workspace: { type: 'string' },
      'fail-on': { type: 'string' },
      organization: { type: 'string' },
      'role-name': { type: 'string' },
      'external-id': { type: 'string' },
      ou: { type: 'string', multiple: true },
      account: { type: 'string', multiple: true },
      concurrency: { type: 'string' },
      shard: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

function splitList(v: string, opt: string): string[] {
  const parts = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!parts.length) throw new UsageError(`${opt} needs a value`);
  return parts;
}

/** `.ajar.yaml:4:3: warning: ...` for a config problem on stderr. */
export function formatConfigProblem(file: string, p: ConfigProblem, cwd: string): string {
  const where = p.range ? `:${p.range.start.line + 1}:${p.range.start.character + 1}` : '';
  const shown = relative(cwd, file) || file;
  return `ajar audit: ${shown}${where}: ${p.severity}${p.ruleId ? ` ${p.ruleId}` : ''}: ${p.message}\n`;
}

/** "Account 111122223333 prod (Root/Workloads; profiles: a, b; via organization)". */
function accountHeading(a: AccountAudit): string {
  if (!a.accountId) return `Profile ${a.profiles.join(', ')}: not audited`;
  const facts: string[] = [];
  if (a.ou) facts.push(a.ou);
  if (a.profiles.length) facts.push(`profile${a.profiles.length > 1 ? 's' : ''}: ${a.profiles.join(', ')}`);
  if (a.via?.includes('organization')) facts.push('via organization');
  if (a.auditedWith && a.profiles.length > 1) facts.push(`audited with ${a.auditedWith}`);
  const name = a.name ? ` ${a.name}` : '';
  return `Account ${a.accountId}${name} (${facts.join('; ')})${a.audited === false ? ': not audited' : ''}`;
}

export function formatText(report: AuditReport): string {
  const lines: string[] = [];
  let errors = 0;
  let warnings = 0;
  let infos = 0;
  for (const o of report.organizations ?? []) {
    if (o.id)
      lines.push(
        `Organization ${o.id} (management account ${o.managementAccountId}; read with profile ${o.profile}): ${o.selected} of ${o.listed} accounts selected`,
      );
    if (o.error)
      lines.push(`  ${o.id ? 'note' : `could not read the organization of profile ${o.profile}`}: ${o.error}`);
    lines.push('');
  }
  if (report.shard)
    lines.push(`Shard ${report.shard.index} of ${report.shard.count} (${report.shard.total} accounts in all)`, '');
  for (const a of report.accounts) {
    lines.push(accountHeading(a));
    for (const f of a.findings) {
      if (f.severity === 'error') errors++;
      else if (f.severity === 'warning') warnings++;
      else infos++;
      lines.push(`  ${f.severity.padEnd(11)} ${f.ruleId} ${f.rule}  ${f.resource}${f.region ? ` [${f.region}]` : ''}`);
      lines.push(`              ${f.message}`);
      if (f.source)
        lines.push(
          `              source: ${f.source.path}:${f.source.range.start.line + 1} (stack ${f.source.stack}, ${f.source.logicalId})`,
        );
      else if (f.stack) lines.push(`              stack: ${f.stack.name} (${f.stack.region}), ${f.stack.logicalId}`);
    }
    if (a.accountId && a.audited !== false && a.findings.length === 0) lines.push('  no findings');
    for (const e of a.errors)
      lines.push(`  could not read ${e.service}${e.region ? ` in ${e.region}` : ''}: ${e.message}`);
    lines.push('');
  }
  const audited = report.accounts.filter((a) => a.accountId && a.audited !== false).length;
  const notAudited = report.accounts.length - audited;
  const total = errors + warnings + infos;
  lines.push(
    `${total} finding${total === 1 ? '' : 's'} (${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}, ${infos} information) in ${audited} account${audited === 1 ? '' : 's'}` +
      (notAudited ? `; ${notAudited} entr${notAudited === 1 ? 'y' : 'ies'} could not be audited` : '') +
      ` (as of ${report.asOf}, ${(report.durationMs / 1000).toFixed(1)} s)`,
  );
  return lines.join('\n') + '\n';
}

export async function runAudit(argv: string[], io: AuditIo): Promise<number> {
  if (argv[0] === 'merge') return runMerge(argv.slice(1), io);
  let args: AuditArgs;
  try {
    args = parseAuditArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`ajar audit: ${err.message}\n\n${AUDIT_USAGE}`);
      return 2;
    }
    throw err;
  }
  if (args.help) {
    io.stdout.write(AUDIT_USAGE);
    return 0;
  }
  const cwd = io.cwd ?? process.cwd();
  const project = loadConfigFor(cwd);
  if (project.file) for (const p of project.problems) io.stderr.write(formatConfigProblem(project.file, p, cwd));
  const thresholds = resolveAuditThresholds(project.config.audit, args.thresholds);
  // The SDK warns on Node < 22 through process warnings; Ajar supports Node 20, so keep stderr clean.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const progress = io.stderr.isTTY ? progressLine(io.stderr) : undefined;
  // --organization replaces the `.ajar.yaml` `audit.organizations` of the working directory's project.
  const organizations = args.organization
    ? [args.organization]
    : project.config.organizations?.length
      ? project.config.organizations
      : undefined;
  const workspace = args.workspace ? resolvePath(cwd, args.workspace) : undefined;
  if (workspace) {
    try {
      if (!statSync(workspace).isDirectory()) throw new Error('not a directory');
    } catch {
      io.stderr.write(`ajar audit: --workspace ${args.workspace}: not a directory\n`);
      return 2;
    }
  }
  const report = await auditAccounts({
    profiles: args.profiles.length ? args.profiles : undefined,
    regions: args.regions.length ? args.regions : undefined,
    asOf: args.asOf,
    thresholds,
    env: io.env,
    onEvent: progress?.onEvent,
    organizations,
    accountConcurrency: args.concurrency,
    shard: args.shard,
    // The figures need only what they count: a large organization's run stays small.
    inventory: 'slim',
    // The deployed templates of the stacks with findings: the logical-id match reads them.
    stackTemplates: !!workspace,
  });
  progress?.clear();
  let sources: SourcesResult | undefined;
  if (workspace) {
    sources = attachSources(report, workspace);
    for (const p of sources.problems) io.stderr.write(`ajar audit: ${p}\n`);
    for (const s of sources.stacks)
      if (s.candidates)
        io.stderr.write(
          `ajar audit: stack ${s.stack} (${s.region}) matches ${s.candidates.length} templates equally: ${s.candidates.join(', ')}\n`,
        );
  }
  for (const o of report.organizations ?? [])
    if (o.error) io.stderr.write(`ajar audit: organization (profile ${o.profile}): ${o.error}\n`);
  // A run that audited nothing is not a point of the trend.
  const audited = report.accounts.some((a) => a.accountId && a.audited !== false);
  const rendered = renderAudit(report, args.format === 'sarif' ? 'text' : args.format, {
    saveDir: audited ? args.save : undefined,
  });
  if (args.format === 'sarif') io.stdout.write(formatAuditSarif(report, VERSION, workspace ?? cwd));
  else io.stdout.write(rendered.output ?? formatText(report));
  if (rendered.saved) io.stderr.write(`ajar audit: saved ${rendered.saved}\n`);
  for (const f of rendered.skipped)
    io.stderr.write(`ajar audit: ${f} in ${args.save} is not a saved Ajar run; ignored\n`);

  // An empty shard (more shards than accounts) audited nothing, and that is fine.
  if (!audited && !(args.shard && report.accounts.length === 0 && report.shard?.total)) {
    const why = report.accounts.flatMap((a) => a.errors.map((e) => e.message));
    io.stderr.write(`ajar audit: nothing could be audited${why.length ? `: ${why.join('; ')}` : ''}\n`);
    return 2;
  }
  return exitCode(report, args.failOn);
}

function exitCode(report: AuditReport, failOn: FailOn): number {
  if (failOn === 'none') return 0;
  const bar = SEVERITY_ORDER[failOn];
  const hit = report.accounts.some((a) => a.findings.some((f) => SEVERITY_ORDER[f.severity] <= bar));
  return hit ? 1 : 0;
}

export const MERGE_USAGE = `Usage: ajar audit merge FILE... [--format text|json|html|markdown] [--fail-on LEVEL]

Joins the --format json documents of every shard (--shard I/N) of one audit into the document
the unsharded run prints, posture figures recomputed over every account.
`;

/** The report a sharded run's parts describe together (their accounts, the posture's inputs). */
export function mergeShards(
  docs: {
    file: string;
    doc: AuditJson & { posture?: { asOf?: string; thresholds?: { name: string; days: number }[] } };
  }[],
): AuditReport {
  if (!docs.length) throw new UsageError('merge needs the JSON files of the shards');
  const first = docs[0];
  for (const { file, doc } of docs) {
    if (doc?.version !== 1 || !Array.isArray(doc.accounts))
      throw new UsageError(`${file} is not an \`ajar audit --format json\` document`);
    if (!doc.shard) throw new UsageError(`${file} is not a shard (run with --shard I/N)`);
    if (doc.shard.count !== first.doc.shard!.count || doc.shard.total !== first.doc.shard!.total)
      throw new UsageError(
        `${file} is shard ${doc.shard.index}/${doc.shard.count} of ${doc.shard.total} accounts; ${first.file} is of ${first.doc.shard!.count} shards of ${first.doc.shard!.total}`,
      );
    if (doc.organization?.id !== first.doc.organization?.id)
      throw new UsageError(
        `${file} is of organization ${doc.organization?.id ?? '(none)'}, ${first.file} of ${first.doc.organization?.id ?? '(none)'}`,
      );
    if (JSON.stringify(doc.posture?.thresholds) !== JSON.stringify(first.doc.posture?.thresholds))
      throw new UsageError(`${file} was audited with other thresholds than ${first.file}`);
  }
  const count = first.doc.shard!.count;
  const byIndex = new Map<number, string>();
  for (const { file, doc } of docs) {
    const prev = byIndex.get(doc.shard!.index);
    if (prev) throw new UsageError(`${file} and ${prev} are both shard ${doc.shard!.index}/${count}`);
    byIndex.set(doc.shard!.index, file);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length)
    throw new UsageError(
      `shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} missing`,
    );
  const seen = new Map<string, string>();
  const accounts: AccountAudit[] = [];
  for (const { file, doc } of docs)
    for (const a of doc.accounts) {
      if (a.accountId) {
        if (seen.has(a.accountId))
          throw new UsageError(`account ${a.accountId} is in both ${seen.get(a.accountId)} and ${file}`);
        seen.set(a.accountId, file);
      }
      const p = a.postureInput;
      const acc: AccountAudit = {
        accountId: a.accountId,
        profiles: a.profiles,
        regions: p?.regions ?? [],
        findings: a.findings as AccountAudit['findings'],
        errors: p?.errors ?? a.errors,
        resources: p?.resources ?? [],
        durationMs: 0,
      };
      if (p?.alias) acc.alias = p.alias;
      if (a.name !== undefined) acc.name = a.name;
      if (a.ou !== undefined) acc.ou = a.ou;
      if (a.via) acc.via = a.via;
      if (a.audited === false) acc.audited = false;
      accounts.push(acc);
    }
  const total = first.doc.shard!.total;
  if (accounts.length !== total)
    throw new UsageError(`the shards hold ${accounts.length} accounts, the run had ${total}`);
  // The unsharded order: accounts by id, then the entries no profile could authenticate.
  const withId = accounts.filter((a) => a.accountId).sort((a, b) => a.accountId!.localeCompare(b.accountId!));
  const asOfs = docs
    .map((d) => d.doc.posture?.asOf)
    .filter((x): x is string => !!x)
    .sort();
  const thresholds = Object.fromEntries((first.doc.posture?.thresholds ?? []).map((t) => [t.name, t.days]));
  const report: AuditReport = {
    asOf: asOfs[0] ?? new Date(0).toISOString(),
    configPaths: { configFile: '', credentialsFile: '' },
    profiles: [],
    accounts: [...withId, ...accounts.filter((a) => !a.accountId)],
    durationMs: 0,
    thresholds: { ...DEFAULT_THRESHOLDS, ...thresholds },
  };
  if (first.doc.organization)
    report.organizations = [{ profile: '', roleName: '', selected: 0, listed: 0, ...first.doc.organization }];
  return report;
}

async function runMerge(argv: string[], io: AuditIo): Promise<number> {
  let parsed: ReturnType<typeof parseMerge>;
  try {
    parsed = parseMerge(argv);
  } catch (e) {
    io.stderr.write(`ajar audit merge: ${(e as Error).message.replace(/\s*\n\s*/g, ' ')}\n\n${MERGE_USAGE}`);
    return 2;
  }
  const v = parsed.values;
  if (v.help) {
    io.stdout.write(MERGE_USAGE);
    return 0;
  }
  const format = (v.format ?? 'json') as 'text' | ReportFormat;
  const failOn = (v['fail-on'] ?? 'warning') as FailOn;
  try {
    if (format !== 'text' && !REPORT_FORMATS.includes(format as ReportFormat))
      throw new UsageError(`--format must be text, json, html or markdown, not "${format}"`);
    if (!['error', 'warning', 'information', 'none'].includes(failOn))
      throw new UsageError(`--fail-on must be error, warning, information or none, not "${failOn}"`);
    const cwd = io.cwd ?? process.cwd();
    const docs = parsed.positionals.map((file) => {
      let text: string;
      try {
        text = readFileSync(resolvePath(cwd, file), 'utf8');
      } catch (e) {
        throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      try {
        return { file, doc: JSON.parse(text) };
      } catch {
        throw new UsageError(`${file} is not JSON`);
      }
    });
    const report = mergeShards(docs);
    const rendered = renderAudit(report, format);
    io.stdout.write(rendered.output ?? formatText(report));
    return exitCode(report, failOn);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr.write(`ajar audit merge: ${e.message}\n`);
    return 2;
  }
}

function parseMerge(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: {
      format: { type: 'string' },
      'fail-on': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/** "auditing: 3/40 accounts done, 41/99 scopes read, 17 findings" on one terminal line, redrawn at most 10 times a second. */
function progressLine(out: { write(chunk: string): unknown }) {
  let accounts = 0;
  let listed = 0;
  let accountsDone = 0;
  let started = 0;
  let done = 0;
  let findings = 0;
  let last = 0;
  let drawn = false;
  const draw = (force = false) => {
    const now = Date.now();
    if (!force && now - last < 100) return;
    last = now;
    drawn = true;
    const of = Math.max(accounts, listed);
    out.write(
      `\r\x1b[2Kauditing: ${accountsDone}/${of} account${of === 1 ? '' : 's'} done, ${done}/${started} scopes read, ${findings} finding${findings === 1 ? '' : 's'}`,
    );
  };
  return {
    onEvent(e: AuditEvent) {
      if (e.type === 'account' && e.accountId) accounts++;
      else if (e.type === 'organization') listed += e.organization.selected;
      else if (e.type === 'account-done' && e.account.accountId) accountsDone++;
      else if (e.type === 'scope') e.state === 'started' ? started++ : done++;
      else if (e.type === 'finding') findings++;
      else return;
      draw();
    },
    clear() {
      if (drawn) out.write('\r\x1b[2K');
    },
  };
}
