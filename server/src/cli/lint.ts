/** `ajar lint [paths or globs...]`: lint every recognised document and report. */
import { closeSync, constants, existsSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type AjarConfig,
  CdkLocator,
  type ConstructInfo,
  constructsOf,
  type Finding,
  lintText,
  parametersReferenced,
  loadConfigFor,
  readCdkJson,
  RULES,
} from '../engine';
import { escapeControls } from '../report/escape';
import { collectFiles, type WalkedFile } from './walk';
import { formatJson, formatSarif, formatText, SEVERITY_RANK, type FileReport, type ReportConstruct } from './format';

export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** Reads a walked file (tests inject failures here); default: readWalkedFile. */
  readFile?: (file: WalkedFile) => string;
}

/** Largest file `ajar lint` reads, in bytes; a larger one is reported (AJ000), not read. */
export const MAX_READ_BYTES = 64 * 1024 * 1024;

export class FileTooLarge extends Error {
  constructor(readonly size: number) {
    super(`${(size / 1048576).toFixed(1)} MB, over the ${MAX_READ_BYTES / 1048576} MB limit ajar lint reads`);
  }
}

/**
 * Reads a file the walk returned, as UTF-8. Never opens anything but the regular file the walk
 * saw: the path is stat'ed first (a FIFO is never opened), opened non-blocking (a FIFO swapped in
 * since cannot hang the read), and the open file must be that same file (device + inode).
 */
export function readWalkedFile(file: WalkedFile): string {
  const before = statSync(file.path);
  if (!before.isFile()) throw new Error('no longer a regular file');
  if (before.size > MAX_READ_BYTES) throw new FileTooLarge(before.size);
  const fd = openSync(file.path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.dev !== file.dev || st.ino !== file.ino) throw new Error('changed while being linted');
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(1 << 20, MAX_READ_BYTES + 1 - total));
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      chunks.push(buf.subarray(0, n));
      total += n;
      if (total > MAX_READ_BYTES) throw new FileTooLarge(total);
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

const UNREADABLE_RULE = RULES.find((r) => r.id === 'AJ000');

/** An AJ000 finding for a file that could not be read at all, at its start; null when AJ000 is off. */
function unreadableFinding(message: string, config: AjarConfig): Finding | null {
  const setting = config.rules.AJ000 ?? config.rules['unreadable-document'];
  if (setting === 'off') return null;
  const at = { line: 0, character: 0 };
  return {
    ruleId: 'AJ000',
    rule: UNREADABLE_RULE?.slug ?? 'unreadable-document',
    severity: setting ?? UNREADABLE_RULE?.severity ?? 'error',
    message,
    resource: null,
    span: { start: 0, end: 0 },
    range: { start: at, end: at },
  };
}

export const LINT_USAGE = `Usage: ajar lint [paths or globs...] [options]

Lints CloudFormation/SAM templates, CDK synth output and IAM policy JSON.

Options:
  --format text|json|sarif   output format (default: text)
  --fail-on error|warning|information|none
                             exit 1 when a finding at or above this severity exists (default: warning)
  --with-cfn-lint            also run cfn-lint (if installed) and report its findings
  --exclude GLOB             skip matching paths (repeatable)
  --no-color                 plain text even on a terminal
  -h, --help                 this help
  --                         the rest are paths, even if they start with a dash
`;

export const VERSION = '0.1.0';

const FORMATS = ['text', 'json', 'sarif'] as const;
const FAIL_ON = ['error', 'warning', 'information', 'none'] as const;

export interface LintArgs {
  paths: string[];
  format: (typeof FORMATS)[number];
  failOn: (typeof FAIL_ON)[number];
  withCfnLint: boolean;
  exclude: string[];
  noColor: boolean;
  help: boolean;
}

/** `ajar lint`'s arguments, through node:util parseArgs (strict: an unknown option is a usage error). */
export function parseLintArgs(argv: string[]): LintArgs {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (e) {
    // parseArgs' own messages ("Unknown option '--x'", "Option '--format <value>' argument missing").
    throw new UsageError(
      `${(e as Error).message.split('\n')[0].replace(/\. To specify a positional argument.*$/, '')} (ajar lint --help)`,
    );
  }
  const { values, positionals } = parsed;
  const format = values.format ?? 'text';
  const failOn = values['fail-on'] ?? 'warning';
  if (!(FORMATS as readonly string[]).includes(format))
    throw new UsageError(`--format must be text, json or sarif, not "${format}"`);
  if (!(FAIL_ON as readonly string[]).includes(failOn))
    throw new UsageError(`--fail-on must be error, warning, information or none, not "${failOn}"`);
  return {
    paths: positionals,
    format: format as LintArgs['format'],
    failOn: failOn as LintArgs['failOn'],
    withCfnLint: values['with-cfn-lint'] ?? false,
    exclude: values.exclude ?? [],
    noColor: values['no-color'] ?? false,
    help: values.help ?? false,
  };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: {
      format: { type: 'string' },
      'fail-on': { type: 'string' },
      'with-cfn-lint': { type: 'boolean' },
      exclude: { type: 'string', multiple: true },
      'no-color': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

export async function runLint(argv: string[], io: Io): Promise<number> {
  const args = parseLintArgs(argv);
  if (args.help) {
    io.stdout.write(LINT_USAGE);
    return 0;
  }
  const { paths, format, failOn, withCfnLint, exclude } = args;
  const color = !!io.stdout.isTTY && !io.env.NO_COLOR && !args.noColor;

  const cwd = io.cwd ?? process.cwd();
  // Every line to stderr names files or carries messages from outside: escaped, always.
  const warn = (message: string) => io.stderr.write(`ajar: ${escapeControls(message)}\n`);
  const cdk = new CdkLocator();
  const { files, missing, skipped } = collectFiles(withCdkOutputs(paths, cwd, cdk), cwd, { exclude });
  for (const m of missing) warn(`no such file or folder: ${m}`);
  for (const s of skipped) warn(`skipped ${relative(cwd, s.path) || s.path}: ${s.reason}`);
  if (missing.length && files.length === 0) return 2;

  const read = io.readFile ?? readWalkedFile;
  const reports: FileReport[] = [];
  const texts = new Map<string, string>();
  let unreadable = 0;
  const warnedConfigs = new Set<string>();
  for (const file of files) {
    const shown = relative(cwd, file.path) || file.path;
    const { config, problems, file: cfgFile } = loadConfigFor(file.path);
    // Each config file's problems once, at their line and column (a repeated key, an unknown rule...).
    if (cfgFile && !warnedConfigs.has(cfgFile)) {
      warnedConfigs.add(cfgFile);
      for (const p of problems)
        warn(`${cfgFile}${p.range ? `:${p.range.start.line + 1}:${p.range.start.character + 1}` : ''}: ${p.message}`);
    }
    let text: string;
    try {
      text = read(file);
    } catch (e) {
      // Fail closed: a file that cannot be read is reported (AJ000, and stderr with exit code 2
      // unless it is only too large), never counted as clean.
      const tooLarge = e instanceof FileTooLarge;
      const why = tooLarge ? e.message : ((e as NodeJS.ErrnoException).code ?? (e as Error).message);
      if (!tooLarge) {
        unreadable++;
        warn(`cannot read ${shown}: ${(e as Error).message}`);
      }
      const finding = unreadableFinding(`cannot read this file: ${why}`, config);
      reports.push({ path: shown, kind: 'other', findings: finding ? [finding] : [] });
      continue;
    }
    const result = lintText(text, { fileName: file.path, config });
    if (result.kind === 'other' && result.findings.length === 0) continue;
    const report: FileReport = { path: shown, kind: result.kind, findings: result.findings };
    if (result.kind === 'cdk') {
      const found = constructsOf(cdk, file.path, result.template, result.findings);
      report.constructs = new Map([...found].map(([f, c]) => [f, c && shownConstruct(c, cwd)]));
    }
    reports.push(report);
    texts.set(shown, result.text);
  }

  const cfnLint = withCfnLint ? await addCfnLint(reports, cwd, texts, warn) : undefined;

  // Text escapes its fields itself; JSON.stringify leaves DEL, C1 and bidi controls raw in strings,
  // which the same escaping turns into \uXXXX (still valid JSON, the same value once parsed).
  if (format === 'json') io.stdout.write(escapeControls(formatJson(reports), { keepNewlines: true }));
  else if (format === 'sarif')
    io.stdout.write(escapeControls(formatSarif(reports, VERSION, { root: cwd, cfnLint }), { keepNewlines: true }));
  else io.stdout.write(formatText(reports, color));

  const threshold = SEVERITY_RANK[failOn];
  const failing = reports.some(
    (r) =>
      r.findings.some((f) => SEVERITY_RANK[f.severity] >= threshold) ||
      (r.external ?? []).some((f) => SEVERITY_RANK[f.severity] >= threshold),
  );
  if (unreadable) {
    warn(`${unreadable} file${unreadable === 1 ? '' : 's'} could not be read`);
    return 2;
  }
  return failing ? 1 : 0;
}

async function addCfnLint(
  reports: FileReport[],
  cwd: string,
  texts: Map<string, string>,
  warn: (message: string) => void,
): Promise<{ version: string } | undefined> {
  const { lintFilesWithCfnLint, mergeWithAjar } = await import('../cfnlint');
  const templates = reports.filter((r) => r.kind !== 'policy' && r.kind !== 'other' && texts.has(r.path));
  const files = templates.map((r) => ({ path: resolve(cwd, r.path), text: texts.get(r.path)! }));
  const run = await lintFilesWithCfnLint(files, { enabled: 'on', workspaceTrusted: true }, { root: cwd });
  if (!run.available) {
    warn(`cfn-lint not run: ${run.detection.message} ${run.detection.installHint}`);
    return undefined;
  }
  templates.forEach((r, i) => {
    const res = run.results.get(files[i].path);
    if (res?.status !== 'ok') {
      warn(`cfn-lint failed on ${r.path}: ${res && 'message' in res ? res.message : (res?.status ?? 'no result')}`);
      return;
    }
    const parametersOf = parametersReferenced(files[i].text, files[i].path);
    r.external = mergeWithAjar(r.findings, res.diagnostics, { parametersOf }).map((d) => ({
      ruleId: d.code,
      severity: d.severity,
      message: d.message,
      range: d.range,
      source: 'cfn-lint',
      href: d.href,
    }));
  });
  return { version: run.version };
}

/**
 * A CDK project root (a folder with cdk.json) is linted with its assembly: cdk.json's `output`
 * (default `cdk.out`) is added when it lies outside the folder.
 */
function withCdkOutputs(paths: string[], cwd: string, cdk: CdkLocator): string[] {
  const out = [...paths];
  for (const p of paths.length ? paths : ['.']) {
    const dir = resolve(cwd, p);
    const app = readCdkJson(dir);
    if (!app) continue;
    cdk.addApp(app);
    const rel = relative(dir, app.output);
    if ((rel.startsWith('..') || isAbsolute(rel)) && existsSync(app.output)) {
      if (out.length === 0) out.push('.');
      out.push(app.output);
    }
  }
  return out;
}

function shownConstruct(c: ConstructInfo, cwd: string): ReportConstruct {
  const shown = (file: string) => relative(cwd, file) || file;
  return {
    path: c.path,
    source: c.source
      ? {
          path: shown(c.source.file),
          range: c.source.range,
          via: c.source.via,
          ...(c.source.stale ? { stale: true } : {}),
        }
      : null,
    ...(c.candidates ? { candidates: c.candidates.map((x) => ({ path: shown(x.file), range: x.range })) } : {}),
  };
}

export class UsageError extends Error {}
