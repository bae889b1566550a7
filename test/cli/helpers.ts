/** Shared by the CLI tests: `node dist/cli.js` as `npm run build` makes it, temp checkouts. */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../..');
export const CLI = join(ROOT, 'dist', 'cli.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    newest = Math.max(newest, st.isDirectory() ? newestMtime(p) : st.mtimeMs);
  }
  return newest;
}

/**
 * dist/cli.js through scripts/build.mjs itself, rebuilt only when missing or older than the
 * sources; test files running side by side take turns (a lock folder) so none runs a half-written
 * bundle.
 */
export function ensureCli(): void {
  const src = Math.max(
    ...['server/src/audit', 'server/src/cli', 'server/src/engine', 'server/src/cfnlint'].map((d) =>
      newestMtime(join(ROOT, d)),
    ),
  );
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  const lock = join(ROOT, 'dist', '.build-lock');
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock left by a killed run is stale after two minutes.
      if (Date.now() > deadline || Date.now() - statSync(lock).mtimeMs > 120_000) {
        rmdirSync(lock);
        continue;
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    if (existsSync(CLI) && statSync(CLI).mtimeMs >= src) return;
    const r = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`scripts/build.mjs failed: ${r.stderr}`);
  } finally {
    rmdirSync(lock);
  }
}

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs the built CLI; killed (and so failing any exit-code check) after `timeoutMs`. */
export function runCli(
  args: string[],
  opts: { cwd: string; timeoutMs?: number; env?: NodeJS.ProcessEnv },
): Promise<Run> {
  const t0 = Date.now();
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: opts.cwd,
      env: opts.env ?? { PATH: process.env.PATH, HOME: process.env.HOME },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}

const temps: string[] = [];
// Removed when the test file's process ends (links are removed, never followed).
process.on('exit', () => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

export function tempDir(prefix = 'ajar-cli-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  temps.push(d);
  return d;
}

export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    const p = join(root, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
}

/** A template with one AJ111 warning (public-read bucket ACL) at line 5. */
export const PUBLIC_BUCKET =
  'Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicRead\n';
