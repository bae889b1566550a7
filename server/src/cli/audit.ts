/**
 * `ajar audit [--profile NAME...] [--region R...] [--as-of ISO] [--threshold NAME=DAYS...]
 *             [--format text|json|html|markdown] [--save DIR] [--fail-on error|warning|information|none]`
 *
 * Day thresholds: the defaults, then the `audit:` block of the `.ajar.yaml` found from the current
 * folder up (as `ajar lint` finds it: no higher than the repository root), then `--threshold`.
 * Resolved by the engine's resolveAuditThresholds, as the editor resolves them.
 *
 * Exit codes: 0 nothing at/above --fail-on, 1 something was, 2 usage error (or nothing could be
 * audited at all: no credentials, or no profile could authenticate).
 */
import { parseArgs } from 'node:util';
import { relative } from 'node:path';
import { auditAccounts, type AuditReport } from '../audit';
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
import { REPORT_FORMATS, renderAudit, type ReportFormat } from './report';

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
  --format FORMAT     text | json | html | markdown (default: text); html is one self-contained
                      page, markdown suits a pull request, a wiki or an issue
  --save DIR          keep this run's JSON in DIR (a timestamped file); html and markdown then
                      show the change since the previous saved run and the trend
  --fail-on LEVEL     error | warning | information | none (default: warning)
  -h, --help          show this help

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
  format: 'text' | ReportFormat;
  /** --save DIR */
  save?: string;
  failOn: FailOn;
  help: boolean;
}

export class UsageError extends Error {}

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
    if (v.format !== 'text' && !REPORT_FORMATS.includes(v.format as ReportFormat))
      throw new UsageError(`--format must be text, json, html or markdown, not "${v.format}"`);
    args.format = v.format as AuditArgs['format'];
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
      'fail-on': { type: 'string' },
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

export function formatText(report: AuditReport): string {
  const lines: string[] = [];
  let errors = 0;
  let warnings = 0;
  let infos = 0;
  for (const a of report.accounts) {
    if (a.accountId) {
      const via = a.auditedWith && a.profiles.length > 1 ? `; audited with ${a.auditedWith}` : '';
      lines.push(`Account ${a.accountId} (profile${a.profiles.length > 1 ? 's' : ''}: ${a.profiles.join(', ')}${via})`);
    } else {
      lines.push(`Profile ${a.profiles.join(', ')}: not audited`);
    }
    for (const f of a.findings) {
      if (f.severity === 'error') errors++;
      else if (f.severity === 'warning') warnings++;
      else infos++;
      lines.push(`  ${f.severity.padEnd(11)} ${f.ruleId} ${f.rule}  ${f.resource}${f.region ? ` [${f.region}]` : ''}`);
      lines.push(`              ${f.message}`);
    }
    if (a.accountId && a.findings.length === 0) lines.push('  no findings');
    for (const e of a.errors)
      lines.push(`  could not read ${e.service}${e.region ? ` in ${e.region}` : ''}: ${e.message}`);
    lines.push('');
  }
  const audited = report.accounts.filter((a) => a.accountId).length;
  const notAudited = report.accounts.length - audited;
  const total = errors + warnings + infos;
  lines.push(
    `${total} finding${total === 1 ? '' : 's'} (${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}, ${infos} information) in ${audited} account${audited === 1 ? '' : 's'}` +
      (notAudited ? `; ${notAudited} profile entr${notAudited === 1 ? 'y' : 'ies'} could not be audited` : '') +
      ` (as of ${report.asOf}, ${(report.durationMs / 1000).toFixed(1)} s)`,
  );
  return lines.join('\n') + '\n';
}

export async function runAudit(argv: string[], io: AuditIo): Promise<number> {
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
  const report = await auditAccounts({
    profiles: args.profiles.length ? args.profiles : undefined,
    regions: args.regions.length ? args.regions : undefined,
    asOf: args.asOf,
    thresholds,
    env: io.env,
    onEvent: progress?.onEvent,
  });
  progress?.clear();
  // A run that audited nothing is not a point of the trend.
  const audited = report.accounts.some((a) => a.accountId);
  const rendered = renderAudit(report, args.format, { saveDir: audited ? args.save : undefined });
  io.stdout.write(rendered.output ?? formatText(report));
  if (rendered.saved) io.stderr.write(`ajar audit: saved ${rendered.saved}\n`);
  for (const f of rendered.skipped)
    io.stderr.write(`ajar audit: ${f} in ${args.save} is not a saved Ajar run; ignored\n`);

  if (!audited) {
    const why = report.accounts.flatMap((a) => a.errors.map((e) => e.message));
    io.stderr.write(`ajar audit: nothing could be audited${why.length ? `: ${why.join('; ')}` : ''}\n`);
    return 2;
  }
  if (args.failOn === 'none') return 0;
  const bar = SEVERITY_ORDER[args.failOn];
  const hit = report.accounts.some((a) => a.findings.some((f) => SEVERITY_ORDER[f.severity] <= bar));
  return hit ? 1 : 0;
}

/** "auditing 2 accounts: 41/99 scopes, 17 findings" on one terminal line, redrawn at most 10 times a second. */
function progressLine(out: { write(chunk: string): unknown }) {
  let accounts = 0;
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
    out.write(
      `\r\x1b[2Kauditing ${accounts} account${accounts === 1 ? '' : 's'}: ${done}/${started} scopes read, ${findings} finding${findings === 1 ? '' : 's'}`,
    );
  };
  return {
    onEvent(e: AuditEvent) {
      if (e.type === 'account' && e.accountId) accounts++;
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
