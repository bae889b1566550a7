/**
 * Finding a Python interpreter that can import cfnlint.
 *
 * Order: the `ajar.cfnLint.path` setting (a Python interpreter, or a cfn-lint executable whose
 * interpreter is then used) -> `python3`, `python` on PATH -> the interpreter named by the shebang
 * of a `cfn-lint` on PATH (pip and pipx write its interpreter there), or a Python beside it (a
 * virtualenv's bin/ or Scripts\ folder).
 *
 * Trust: nothing from the workspace is run. Relative PATH entries are skipped; in an untrusted
 * (Restricted Mode) workspace, cfn-lint is off unless the user allowed it, and even then an
 * interpreter inside a workspace folder is refused. Probes run with the worker's own folder as
 * working directory, so `python -c` cannot import a module planted in the workspace.
 */
import { execFile } from 'node:child_process';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultWorkerPath } from './client';

export type CfnLintEnabled = 'auto' | 'on' | 'off';

export interface CfnLintSettings {
  /** ajar.cfnLint.enabled: 'auto' (default: use cfn-lint when found), 'on', 'off'. */
  enabled?: CfnLintEnabled;
  /** ajar.cfnLint.path: a Python interpreter that can import cfnlint, or a cfn-lint executable. */
  path?: string;
  /** false in VS Code's Restricted Mode; the CLI passes true (default). */
  workspaceTrusted?: boolean;
  /** The user allowed cfn-lint in Restricted Mode. */
  allowInRestrictedMode?: boolean;
  /** Workspace folders (absolute): interpreters inside them are refused when untrusted. */
  workspaceFolders?: string[];
  /** Environment used for PATH lookup and probes (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Time allowed for one interpreter probe, ms (default 20000). */
  probeTimeoutMs?: number;
}

export type CfnLintAvailability =
  | {
      available: true;
      enabled: CfnLintEnabled;
      /** The interpreter to run the worker with (the probe's sys.executable: shims resolved). */
      interpreter: string;
      interpreterArgs: string[];
      /** cfn-lint's version. */
      version: string;
      /** Python's version. */
      python: string;
      via: 'setting' | 'python-on-path' | 'cfn-lint-on-path';
    }
  | {
      available: false;
      enabled: CfnLintEnabled;
      reason: 'disabled' | 'restricted' | 'not-found' | 'invalid-path' | 'too-old';
      /** One sentence for the user. */
      message: string;
      /** How to install or configure cfn-lint. */
      installHint: string;
      /** The interpreters that were probed, with what went wrong. */
      tried: string[];
    };

export const INSTALL_HINT =
  'Install cfn-lint with `pip install cfn-lint` (or `pipx install cfn-lint`), then reload; ' +
  'if Ajar still does not find it, set "ajar.cfnLint.path" to the Python interpreter (or the cfn-lint executable) it was installed with: ' +
  "a machine setting, in the Settings editor's User tab (in a remote window, the Remote tab: the server runs there).";

const PROBE = [
  'import sys, json, importlib.util',
  'ok = importlib.util.find_spec("cfnlint") is not None',
  'v = "unknown"',
  'if ok:',
  '    try:',
  '        import importlib.metadata as m; v = m.version("cfn-lint")',
  '    except Exception:',
  '        pass',
  'print(json.dumps({"ok": ok, "version": v, "python": "%d.%d.%d" % sys.version_info[:3], "executable": sys.executable}))',
].join('\n');

interface Candidate {
  command: string;
  args: string[];
  via: 'setting' | 'python-on-path' | 'cfn-lint-on-path';
}

export async function detectCfnLint(settings: CfnLintSettings = {}): Promise<CfnLintAvailability> {
  const enabled: CfnLintEnabled = settings.enabled ?? 'auto';
  const env = settings.env ?? process.env;
  const trusted = settings.workspaceTrusted !== false;
  const folders = (settings.workspaceFolders ?? []).map((f) => path.resolve(f));
  const unavailable = (
    reason: Extract<CfnLintAvailability, { available: false }>['reason'],
    message: string,
    tried: string[] = [],
  ): CfnLintAvailability => ({ available: false, enabled, reason, message, installHint: INSTALL_HINT, tried });

  if (enabled === 'off') return unavailable('disabled', 'cfn-lint is turned off (ajar.cfnLint.enabled is "off").');
  if (!trusted && !settings.allowInRestrictedMode)
    return unavailable(
      'restricted',
      "cfn-lint does not run in Restricted Mode: trust the workspace, or allow it in Ajar's settings.",
    );
  const refuse = (p: string) => !trusted && folders.some((f) => isInside(p, f));

  const tried: string[] = [];
  let candidates: Candidate[];
  const configured = settings.path?.trim();
  if (configured) {
    const resolved = resolveConfigured(configured, env);
    if (!resolved)
      return unavailable('invalid-path', `ajar.cfnLint.path "${configured}" was not found (use an absolute path).`, [
        configured,
      ]);
    if (refuse(resolved))
      return unavailable('restricted', `ajar.cfnLint.path "${configured}" is inside the untrusted workspace.`, [
        configured,
      ]);
    candidates = isCfnLintExecutable(resolved)
      ? interpretersOfScript(resolved, env).map((c) => ({ ...c, via: 'setting' as const }))
      : [{ command: resolved, args: [], via: 'setting' }];
    if (candidates.length === 0)
      return unavailable('invalid-path', `Could not tell which Python runs "${configured}".`, [configured]);
  } else {
    candidates = [];
    for (const name of ['python3', 'python']) {
      const p = which(name, env);
      if (p) candidates.push({ command: p, args: [], via: 'python-on-path' });
    }
    if (process.platform === 'win32') {
      const py = which('py', env);
      if (py) candidates.push({ command: py, args: ['-3'], via: 'python-on-path' });
    }
    const cfnLint = which('cfn-lint', env);
    if (cfnLint)
      candidates.push(...interpretersOfScript(cfnLint, env).map((c) => ({ ...c, via: 'cfn-lint-on-path' as const })));
  }

  const seen = new Set<string>();
  let tooOld: string | null = null;
  for (const c of candidates) {
    const key = [c.command, ...c.args].join(' ');
    if (seen.has(key)) continue;
    seen.add(key);
    if (refuse(c.command)) {
      tried.push(`${key}: inside the untrusted workspace, skipped`);
      continue;
    }
    const probe = await probeInterpreter(c.command, c.args, env, settings.probeTimeoutMs ?? 20_000);
    if (!probe.ok) {
      tried.push(`${key}: ${probe.error}`);
      continue;
    }
    if (refuse(probe.executable)) {
      tried.push(`${key}: runs ${probe.executable}, inside the untrusted workspace, skipped`);
      continue;
    }
    if (!isSupportedVersion(probe.version)) {
      tried.push(`${key}: cfn-lint ${probe.version} is older than 1.0`);
      tooOld ??= probe.version;
      continue;
    }
    return {
      available: true,
      enabled,
      // The probe's sys.executable: resolves shims (pyenv) and keeps virtualenvs.
      interpreter: probe.executable && c.args.length === 0 ? probe.executable : c.command,
      interpreterArgs: probe.executable && c.args.length === 0 ? [] : c.args,
      version: probe.version,
      python: probe.python,
      via: c.via,
    };
  }
  if (tooOld)
    return unavailable(
      'too-old',
      `cfn-lint ${tooOld} is too old for Ajar (1.0 or later is needed): pip install -U cfn-lint.`,
      tried,
    );
  if (configured) return unavailable('invalid-path', `"${configured}" cannot import cfnlint.`, tried);
  return unavailable('not-found', "cfn-lint was not found, so only Ajar's own rules run.", tried);
}

function isSupportedVersion(version: string): boolean {
  const major = Number(/^(\d+)/.exec(version)?.[1]);
  return !Number.isFinite(major) || major >= 1; // 'unknown' (no metadata) is given the benefit of the doubt
}

export interface ProbeResult {
  ok: boolean;
  version: string;
  python: string;
  executable: string;
  error?: string;
}

/** Runs `interpreter -c <probe>`: can it import cfnlint, and which versions. */
export function probeInterpreter(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const cwd = neutralDirectory();
    execFile(
      command,
      [...args, '-c', PROBE],
      {
        cwd,
        env: { ...env, PYTHONSAFEPATH: '1', PYTHONIOENCODING: 'utf-8' },
        timeout: timeoutMs,
        windowsHide: true,
        maxBuffer: 1 << 20,
      },
      (err, stdout, stderr) => {
        const fail = (error: string): ProbeResult => ({ ok: false, version: '', python: '', executable: '', error });
        if (err) return resolve(fail(shortError(err, stderr)));
        const line = stdout.trim().split(/\r?\n/).pop() ?? '';
        try {
          const r = JSON.parse(line) as { ok: boolean; version: string; python: string; executable: string };
          if (!r.ok) return resolve({ ...fail('cannot import cfnlint'), python: r.python, executable: r.executable });
          resolve({ ok: true, version: r.version, python: r.python, executable: r.executable });
        } catch {
          resolve(fail(`unexpected output ${JSON.stringify(line.slice(0, 80))}`));
        }
      },
    );
  });
}

function shortError(err: Error & { code?: unknown; killed?: boolean }, stderr: string): string {
  if (err.killed) return 'timed out';
  if (err.code === 'ENOENT') return 'not found';
  if (err.code === 'EACCES') return 'not executable';
  const last = stderr.trim().split(/\r?\n/).pop();
  return last || err.message;
}

/** The folder probes and the worker run in: the worker's own (never a workspace). */
function neutralDirectory(): string {
  const dir = path.dirname(defaultWorkerPath());
  return existsSync(dir) ? dir : os.tmpdir();
}

function resolveConfigured(p: string, env: NodeJS.ProcessEnv): string | null {
  const expanded = p.startsWith('~') ? path.join(os.homedir(), p.slice(1)) : p;
  if (path.isAbsolute(expanded)) return isFile(expanded) ? expanded : null;
  if (!/[\\/]/.test(expanded)) return which(expanded, env); // a bare command name
  return null; // relative paths would resolve against the workspace
}

function isCfnLintExecutable(p: string): boolean {
  return /^cfn-lint(\.exe|\.cmd|\.bat)?$/i.test(path.basename(p));
}

/**
 * The interpreters that could run a cfn-lint launcher script: its shebang (`#!/venv/bin/python`,
 * `#!/usr/bin/env python3`, pip's `exec' "/long path/python"` form), then Pythons beside it.
 */
export function interpretersOfScript(
  script: string,
  env: NodeJS.ProcessEnv,
): Array<{ command: string; args: string[] }> {
  const out: Array<{ command: string; args: string[] }> = [];
  const head = readHead(script, 4096);
  const shebang = /^#!\s*(.+)$/m.exec(head.split('\n')[0] ?? '');
  if (shebang) {
    const tokens = shebang[1].trim().split(/\s+/);
    let cmd: string | undefined = tokens[0];
    if (cmd && path.basename(cmd) === 'env') {
      cmd = tokens.slice(1).find((t) => !t.startsWith('-') && !t.includes('='));
      cmd = cmd ? (which(cmd, env) ?? undefined) : undefined;
    }
    if (cmd && /python/i.test(path.basename(cmd)) && isFile(cmd)) out.push({ command: cmd, args: [] });
  }
  const execForm = /exec'\s+"([^"]+)"/.exec(head);
  if (execForm && isFile(execForm[1])) out.push({ command: execForm[1], args: [] });
  const dir = path.dirname(script);
  const names = process.platform === 'win32' ? ['python.exe', path.join('..', 'python.exe')] : ['python3', 'python'];
  for (const n of names) {
    const p = path.join(dir, n);
    if (isFile(p)) out.push({ command: p, args: [] });
  }
  return out;
}

/** PATH lookup that skips relative entries (they would resolve against the current folder). */
export function which(name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const pathVar = env.PATH ?? env.Path ?? '';
  const exts =
    process.platform === 'win32' ? ['', ...(env.PATHEXT ?? '.EXE;.CMD;.BAT;.COM').split(';').filter(Boolean)] : [''];
  for (const dir of pathVar.split(path.delimiter)) {
    if (!dir || !path.isAbsolute(dir)) continue;
    for (const ext of exts) {
      const p = path.join(dir, name + ext);
      if (isFile(p)) return p;
    }
  }
  return null;
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function readHead(p: string, bytes: number): string {
  let fd: number | undefined;
  try {
    fd = openSync(p, 'r');
    const buf = Buffer.alloc(bytes);
    const n = readSync(fd, buf, 0, bytes, 0);
    return buf.subarray(0, n).toString('utf8');
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function isInside(child: string, folder: string): boolean {
  const rel = path.relative(folder, path.resolve(child));
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
