/** `ajar lint [paths or globs...]`: lint every recognised document and report. */
import { readFileSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { lintText, loadConfigFor, type Severity } from '../engine';
import { collectFiles } from './walk';
import { formatJson, formatSarif, formatText, SEVERITY_RANK, type FileReport } from './format';

export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  cwd?: string;
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
`;

export const VERSION = '0.1.0';

export async function runLint(argv: string[], io: Io): Promise<number> {
  const paths: string[] = [];
  let format = 'text';
  let failOn: Severity | 'none' = 'warning';
  let withCfnLint = false;
  let color = !!io.stdout.isTTY && !io.env.NO_COLOR;
  const exclude: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const eq = a.indexOf('=');
      if (eq > 0) return a.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (a === '-h' || a === '--help') {
      io.stdout.write(LINT_USAGE);
      return 0;
    } else if (a.startsWith('--format')) format = value();
    else if (a.startsWith('--fail-on')) failOn = value() as Severity | 'none';
    else if (a === '--with-cfn-lint') withCfnLint = true;
    else if (a.startsWith('--exclude')) exclude.push(value());
    else if (a === '--no-color') color = false;
    else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${a}`);
    else paths.push(a);
  }
  if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(`--format must be text, json or sarif`);
  if (!(failOn in SEVERITY_RANK)) throw new UsageError(`--fail-on must be error, warning, information or none`);

  const cwd = io.cwd ?? process.cwd();
  const { files, missing } = collectFiles(paths, cwd, { exclude });
  for (const m of missing) io.stderr.write(`ajar: no such file or folder: ${m}\n`);
  if (missing.length && files.length === 0) return 2;

  const reports: FileReport[] = [];
  const texts = new Map<string, string>();
  for (const file of files) {
    let text: string;
    try {
      if (statSync(file).size > 64 * 1024 * 1024) text = '\u0000'.repeat(1) + ' (file too large to read)';
      else text = readFileSync(file, 'utf8');
    } catch (e) {
      io.stderr.write(`ajar: cannot read ${file}: ${(e as Error).message}\n`);
      continue;
    }
    const { config, problems, file: cfgFile } = loadConfigFor(file);
    for (const p of problems) io.stderr.write(`ajar: ${cfgFile}: ${p.message}\n`);
    const result = lintText(text, { fileName: file, config });
    const shown = relative(cwd, file) || file;
    if (result.kind === 'other' && result.findings.length === 0) continue;
    reports.push({ path: shown, kind: result.kind, findings: result.findings });
    texts.set(shown, result.text);
  }

  if (withCfnLint) await addCfnLint(reports, cwd, texts, io);

  if (format === 'json') io.stdout.write(formatJson(reports));
  else if (format === 'sarif') io.stdout.write(formatSarif(reports, VERSION));
  else io.stdout.write(formatText(reports, color));

  const threshold = SEVERITY_RANK[failOn];
  const failing = reports.some(
    (r) =>
      r.findings.some((f) => SEVERITY_RANK[f.severity] >= threshold) ||
      (r.external ?? []).some((f) => SEVERITY_RANK[f.severity] >= threshold),
  );
  return failing ? 1 : 0;
}

async function addCfnLint(reports: FileReport[], cwd: string, texts: Map<string, string>, io: Io): Promise<void> {
  const { lintFilesWithCfnLint, mergeWithAjar } = await import('../cfnlint');
  const templates = reports.filter((r) => r.kind !== 'policy' && r.kind !== 'other' && texts.has(r.path));
  const files = templates.map((r) => ({ path: resolve(cwd, r.path), text: texts.get(r.path)! }));
  const run = await lintFilesWithCfnLint(files, { enabled: 'on', workspaceTrusted: true }, { root: cwd });
  if (!run.available) {
    io.stderr.write(`ajar: cfn-lint not run: ${run.detection.message} ${run.detection.installHint}\n`);
    return;
  }
  templates.forEach((r, i) => {
    const res = run.results.get(files[i].path);
    if (res?.status !== 'ok') {
      io.stderr.write(
        `ajar: cfn-lint failed on ${r.path}: ${res && 'message' in res ? res.message : (res?.status ?? 'no result')}\n`,
      );
      return;
    }
    r.external = mergeWithAjar(r.findings, res.diagnostics).map((d) => ({
      ruleId: d.code,
      severity: d.severity,
      message: d.message,
      range: d.range,
      source: 'cfn-lint',
      href: d.href,
    }));
  });
}

export class UsageError extends Error {}
