/**
 * `npm run bench`: Ajar's engine beside cfn-lint on the same generated files, then the other
 * benchmarks that exist (language server latency, cfn-lint worker, live audit against moto).
 *
 *   node bench/run.mjs [--only engine,lsp,cfnlint,audit,org,parse] [--runs N] [--full]
 *   AJAR_BENCH_CFNLINT_TIMEOUT=300 (seconds per cfn-lint CLI run), AJAR_BENCH_NO_CFNLINT=1 to skip it
 *
 * Engine numbers come from a fresh Node process per file (so peak RSS is that file's); cfn-lint
 * numbers from its command line (`python3 -m cfnlint`), peak RSS through getrusage of the child.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureInputs } from './generate.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const only = (() => {
  const i = args.indexOf('--only');
  return i >= 0 ? new Set(args[i + 1].split(',')) : null;
})();
const runs = (() => {
  const i = args.indexOf('--runs');
  return i >= 0 ? Number(args[i + 1]) : 10;
})();
const want = (name) => !only || only.has(name);

function engine(file) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, 'lint-one.ts'), file, String(runs)], {
    encoding: 'utf8',
    cwd: join(here, '..'),
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

function cfnLint(file) {
  const py = `
import resource, subprocess, sys, time, json
t = time.perf_counter()
try:
    p = subprocess.run(['cfn-lint', '--format', 'json', sys.argv[1]], capture_output=True, text=True, timeout=float(sys.argv[2]))
except subprocess.TimeoutExpired:
    print(json.dumps({'ms': None, 'timeout': True, 'peakRssMB': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 'matches': -1, 'code': -1}))
    sys.exit(0)
dt = (time.perf_counter() - t) * 1000
try: n = len(json.loads(p.stdout or '[]'))
except Exception: n = -1
print(json.dumps({'ms': dt, 'peakRssMB': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 'matches': n, 'code': p.returncode}))
`;
  const r = spawnSync('python3', ['-c', py, file, String(CFN_TIMEOUT_S)], {
    encoding: 'utf8',
    timeout: (CFN_TIMEOUT_S + 30) * 1000,
  });
  if (r.status !== 0 || !r.stdout) return null;
  return JSON.parse(r.stdout.trim());
}

/** cfn-lint's CLI takes minutes on 1 MB templates (its analysis is superlinear): cap each run. */
const CFN_TIMEOUT_S = Number(process.env.AJAR_BENCH_CFNLINT_TIMEOUT ?? 300);
const cfnMs = (c) => (c.timeout ? `> ${CFN_TIMEOUT_S * 1000} (timed out)` : fmt(c.ms));
const fmt = (n) => (n === undefined || n === null ? '-' : n >= 100 ? n.toFixed(0) : n.toFixed(1));

if (want('engine')) {
  const inputs = ensureInputs();
  console.log(`\n## Engine vs cfn-lint (${runs} runs per file for Ajar; cfn-lint once, its CLI)\n`);
  console.log(
    '| file | size | Ajar first (ms) | Ajar median (ms) | Ajar peak RSS (MB) | Ajar findings | cfn-lint CLI (ms) | cfn-lint peak RSS (MB) | cfn-lint matches |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const [name, { path, bytes }] of Object.entries(inputs)) {
    const a = engine(path);
    const c = process.env.AJAR_BENCH_NO_CFNLINT ? null : cfnLint(path);
    console.log(
      `| ${name} | ${(bytes / 1024).toFixed(0)} KB | ${fmt(a.first)} | ${fmt(a.median)} | ${fmt(a.peakRssMB)} | ${a.findings} | ${c ? cfnMs(c) : 'n/a'} | ${c ? fmt(c.peakRssMB) : 'n/a'} | ${c ? c.matches : 'n/a'} |`,
    );
  }
}

for (const [name, file] of [
  ['parse', 'parse.mjs'],
  ['lsp', 'lsp.mjs'],
  ['cfnlint', 'cfnlint.mjs'],
  ['audit', 'audit.mjs'],
  ['org', 'org.mjs'],
]) {
  if (!want(name)) continue;
  const p = join(here, file);
  if (!existsSync(p)) continue;
  console.log(`\n## ${name} (bench/${file})\n`);
  // bench/cfnlint.mjs without arguments takes minutes (1 MB through cfn-lint); --quick unless asked.
  // bench/org.mjs at 300 accounts takes minutes against moto: 30 and 100 unless --full.
  const extra =
    name === 'cfnlint' && !args.includes('--full')
      ? ['--quick']
      : name === 'org' && !args.includes('--full')
        ? ['--accounts', '30,100']
        : [];
  const r = spawnSync(process.execPath, [p, ...extra], { stdio: 'inherit', cwd: join(here, '..') });
  if (r.status !== 0) console.log(`(bench/${file} exited with ${r.status})`);
}
void pathToFileURL;
