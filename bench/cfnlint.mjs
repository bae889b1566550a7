/**
 * cfn-lint's cost, three ways, on the same generated templates (bench/generated/, gitignored):
 *   - the command line: `cfn-lint file` (interpreter start + import + rule loading + analysis);
 *   - Ajar's warm worker (server/src/cfnlint/worker.py): spawn-to-ready once, then per call, each
 *     call a slightly edited text as a keystroke would send; wall time as the client sees it,
 *     cfn-lint's own time and CPU time as the worker reports them. The CLI's CPU time comes from
 *     /proc/self/stat (children's time, Linux); CPU times show the cost on a busy machine.
 * The 50 KB and 1 MB templates are bench/generate.mjs's medium-50k.yaml and large-1mb.yaml (the
 * files Ajar's own latency is measured on); without that generator, an equivalent deterministic one
 * here writes cfnlint-50k.yaml and cfnlint-1mb.yaml.
 *
 * Usage: node bench/cfnlint.mjs [--quick] [--sizes=50k,1mb] [--cli-runs=N] [--worker-runs=N] [--json]
 *   --quick: 50 KB only, 1 CLI run, 2 worker calls.
 * Environment: AJAR_CFNLINT_PYTHON=<interpreter> to choose the Python that imports cfnlint.
 * Importable: `import { benchCfnLint, formatTable } from './cfnlint.mjs'` (used by `npm run bench`).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');
export const GENERATED = join(HERE, 'generated');

// ------------------------------------------------------------------------------ inputs
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fallback generator: deterministic resource mix (buckets, policies, queues, topics, roles, instances). */
export function fallbackTemplate(targetBytes, seed = 7) {
  const r = rng(seed);
  const parts = ['AWSTemplateFormatVersion: "2010-09-09"\nDescription: cfn-lint benchmark\nResources:\n'];
  let size = parts[0].length;
  for (let i = 0; size < targetBytes; i++) {
    const pick = Math.floor(r() * 5);
    let b;
    if (pick === 0)
      b = `  Bucket${i}:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Sub "data-\${AWS::AccountId}-${i}"\n      VersioningConfiguration:\n        Status: Enabled\n  Bucket${i}Policy:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      Bucket: !Ref Bucket${i}\n      PolicyDocument:\n        Version: "2012-10-17"\n        Statement:\n          - Effect: Allow\n            Principal: {AWS: !Sub "arn:\${AWS::Partition}:iam::\${AWS::AccountId}:root"}\n            Action: ["s3:GetObject"]\n            Resource: !Sub "\${Bucket${i}.Arn}/*"\n`;
    else if (pick === 1)
      b = `  Queue${i}:\n    Type: AWS::SQS::Queue\n    Properties:\n      VisibilityTimeout: ${30 + (i % 90)}\n      MessageRetentionPeriod: 345600\n`;
    else if (pick === 2) b = `  Topic${i}:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: topic-${i}\n`;
    else if (pick === 3)
      b = `  Role${i}:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Version: "2012-10-17"\n        Statement:\n          - Effect: Allow\n            Principal: {Service: lambda.amazonaws.com}\n            Action: sts:AssumeRole\n      Policies:\n        - PolicyName: p${i}\n          PolicyDocument:\n            Version: "2012-10-17"\n            Statement:\n              - Effect: Allow\n                Action: ["sqs:SendMessage"]\n                Resource: "*"\n`;
    else
      b = `  Instance${i}:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-0123456789abcdef0\n      InstanceType: t3.micro\n      MetadataOptions:\n        HttpTokens: required\n`;
    parts.push(b);
    size += b.length;
  }
  return parts.join('');
}

/** The 50 KB and 1 MB inputs, shared with Ajar's own benchmark when bench/generate.mjs is there. */
export async function ensureCfnLintInputs(sizes = ['50k', '1mb']) {
  mkdirSync(GENERATED, { recursive: true });
  let yamlTemplate = null;
  try {
    ({ yamlTemplate } = await import('./generate.mjs'));
  } catch {
    /* standalone */
  }
  const spec = {
    '50k': { bytes: 50_000, shared: 'medium-50k.yaml', own: 'cfnlint-50k.yaml' },
    '1mb': { bytes: 1_000_000, shared: 'large-1mb.yaml', own: 'cfnlint-1mb.yaml' },
  };
  const out = [];
  for (const key of sizes) {
    const s = spec[key];
    if (!s) throw new Error(`unknown size ${key} (50k, 1mb)`);
    const name = typeof yamlTemplate === 'function' ? s.shared : s.own;
    const p = join(GENERATED, name);
    if (!existsSync(p))
      writeFileSync(p, typeof yamlTemplate === 'function' ? yamlTemplate(s.bytes) : fallbackTemplate(s.bytes));
    out.push({ size: key, path: p, bytes: statSync(p).size });
  }
  return out;
}

// ------------------------------------------------------------------------------ tools
function findInterpreter() {
  const candidates = [process.env.AJAR_CFNLINT_PYTHON, 'python3', 'python'].filter(Boolean);
  for (const c of candidates) {
    const r = spawnSync(
      c,
      ['-c', 'import importlib.util as u, sys; print(sys.executable if u.find_spec("cfnlint") else "")'],
      {
        encoding: 'utf8',
        cwd: HERE,
      },
    );
    const exe = r.status === 0 ? r.stdout.trim() : '';
    if (exe) return exe;
  }
  return null;
}

function cfnLintExecutable(interpreter) {
  const beside = join(dirname(interpreter), process.platform === 'win32' ? 'cfn-lint.exe' : 'cfn-lint');
  return existsSync(beside) ? beside : 'cfn-lint';
}

/** The built copy (dist/) unless the source is newer (a standalone run without a build). */
function workerPath() {
  const dist = join(ROOT, 'dist', 'cfnlint-worker.py');
  const src = join(ROOT, 'server', 'src', 'cfnlint', 'worker.py');
  if (!existsSync(dist)) return src;
  if (!existsSync(src)) return dist;
  return statSync(src).mtimeMs > statSync(dist).mtimeMs ? src : dist;
}

/** CPU seconds used by this process's waited-for children (Linux), else null. */
function childrenCpuMs() {
  try {
    const f = readFileSync('/proc/self/stat', 'utf8');
    const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
    // after the comm field: state is [0]; cutime is field 16 overall -> [13], cstime [14]
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100;
  } catch {
    return null;
  }
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
}

// ------------------------------------------------------------------------------ worker client
class Worker {
  constructor(interpreter) {
    this.proc = spawn(interpreter, [workerPath()], {
      cwd: dirname(workerPath()),
      stdio: ['pipe', 'pipe', 'inherit'],
      detached: false,
    });
    this.buf = Buffer.alloc(0);
    this.waiters = [];
    this.proc.stdout.on('data', (c) => {
      this.buf = Buffer.concat([this.buf, c]);
      for (;;) {
        const h = this.buf.indexOf('\r\n\r\n');
        if (h < 0) return;
        const n = Number(/Content-Length:\s*(\d+)/i.exec(this.buf.subarray(0, h).toString())[1]);
        if (this.buf.length < h + 4 + n) return;
        const msg = JSON.parse(this.buf.subarray(h + 4, h + 4 + n).toString('utf8'));
        this.buf = this.buf.subarray(h + 4 + n);
        this.waiters.shift()?.(msg);
      }
    });
  }
  next() {
    return new Promise((r) => this.waiters.push(r));
  }
  send(msg) {
    const body = Buffer.from(JSON.stringify(msg));
    this.proc.stdin.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]));
    return this.next();
  }
  async close() {
    const done = new Promise((r) => this.proc.once('close', r));
    this.proc.stdin.end();
    await done;
  }
}

// ------------------------------------------------------------------------------ bench
/**
 * Runs the benchmark. Returns { rows, env } where each row is
 * { size, bytes, cliMs, cliCpuMs, workerStartMs, workerFirstMs, workerCallMs, workerCallMaxMs, cfnLintMs, workerCpuMs, findings }.
 */
export async function benchCfnLint({ sizes = ['50k', '1mb'], cliRuns, workerRuns, log = () => {} } = {}) {
  const interpreter = findInterpreter();
  if (!interpreter) return { rows: [], env: { skipped: 'no Python that imports cfnlint (set AJAR_CFNLINT_PYTHON)' } };
  const cli = cfnLintExecutable(interpreter);
  const inputs = await ensureCfnLintInputs(sizes);
  const env = {
    interpreter,
    cli,
    cfnLint: spawnSync(interpreter, ['-c', 'import importlib.metadata as m; print(m.version("cfn-lint"))'], {
      encoding: 'utf8',
    }).stdout.trim(),
    cpus: cpus().length,
    loadavgBefore: loadavg()
      .map((x) => x.toFixed(1))
      .join(' '),
  };
  const rows = [];

  log(`worker: starting ${workerPath()}`);
  let t = performance.now();
  const w = new Worker(interpreter);
  const ready = await w.next();
  const workerStartMs = performance.now() - t;
  log(`worker: ready in ${workerStartMs.toFixed(0)} ms (cfn-lint ${ready.version}, warm-up ${ready.warmupMs} ms)`);

  for (const input of inputs) {
    const big = input.bytes > 300_000;
    const nCli = cliRuns ?? (big ? 1 : 3);
    const nWorker = workerRuns ?? (big ? 2 : 5);
    const text = readFileSync(input.path, 'utf8');

    // Command line.
    const cliTimes = [];
    const cliCpu = [];
    for (let i = 0; i < nCli; i++) {
      const c0 = childrenCpuMs();
      t = performance.now();
      spawnSync(cli, [input.path], { cwd: dirname(input.path), stdio: 'ignore', maxBuffer: 1 << 26 });
      cliTimes.push(performance.now() - t);
      const c1 = childrenCpuMs();
      if (c0 !== null && c1 !== null) cliCpu.push(c1 - c0);
      log(`cli ${input.size}: ${cliTimes.at(-1).toFixed(0)} ms`);
    }

    // Warm worker, one call per simulated keystroke.
    const calls = [];
    const reported = [];
    const cpu = [];
    let findings = 0;
    for (let i = 0; i < nWorker; i++) {
      const edited = `${text}# keystroke ${i}\n`;
      t = performance.now();
      const res = await w.send({
        id: i + 1,
        method: 'lint',
        params: { text: edited, filename: input.path, useConfigFiles: false },
      });
      calls.push(performance.now() - t);
      if (typeof res.result?.cpuMs === 'number') cpu.push(res.result.cpuMs);
      reported.push(res.result?.ms ?? NaN);
      findings = res.result?.matches?.length ?? -1;
      log(`worker ${input.size} call ${i + 1}: ${calls.at(-1).toFixed(0)} ms (cfn-lint ${res.result?.ms} ms)`);
    }
    rows.push({
      size: input.size,
      file: input.path,
      bytes: input.bytes,
      cliMs: median(cliTimes),
      cliCpuMs: cliCpu.length ? median(cliCpu) : null,
      workerStartMs,
      workerFirstMs: calls[0],
      workerCallMs: median(calls.slice(1).length ? calls.slice(1) : calls),
      workerCallMaxMs: Math.max(...calls),
      cfnLintMs: median(reported.slice(1).length ? reported.slice(1) : reported),
      workerCpuMs: cpu.length ? median(cpu.slice(1).length ? cpu.slice(1) : cpu) : null,
      findings,
      cliRuns: nCli,
      workerRuns: nWorker,
    });
  }
  await w.close();
  env.loadavgAfter = loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
  return { rows, env };
}

export function formatTable({ rows, env }) {
  if (!rows.length) return `cfn-lint benchmark skipped: ${env.skipped}`;
  const f = (x) => (x === null || Number.isNaN(x) ? '-' : `${Math.round(x)}`);
  const head = [
    'template',
    'bytes',
    'cli ms',
    'cli cpu ms',
    'worker call ms',
    'cfn-lint ms',
    'worker cpu ms',
    'first call ms',
    'findings',
  ];
  const lines = rows.map((r) => [
    r.size,
    String(r.bytes),
    f(r.cliMs),
    f(r.cliCpuMs),
    f(r.workerCallMs),
    f(r.cfnLintMs),
    f(r.workerCpuMs),
    f(r.workerFirstMs),
    String(r.findings),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells) => cells.map((c, i) => c.padStart(widths[i])).join('  ');
  return [
    `cfn-lint ${env.cfnLint} (${env.interpreter}); ${env.cpus} CPUs; load average before ${env.loadavgBefore}, after ${env.loadavgAfter}`,
    `worker start (spawn + import + warm-up, once): ${f(rows[0].workerStartMs)} ms; worker call = one keystroke's cfn-lint round trip (median of later calls)`,
    fmt(head),
    ...lines.map(fmt),
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = Object.fromEntries(
    process.argv.slice(2).map((a) => {
      const [k, v] = a.replace(/^--/, '').split('=');
      return [k, v ?? true];
    }),
  );
  const quick = Boolean(args.quick);
  const result = await benchCfnLint({
    sizes: args.sizes ? String(args.sizes).split(',') : quick ? ['50k'] : ['50k', '1mb'],
    cliRuns: args['cli-runs'] ? Number(args['cli-runs']) : quick ? 1 : undefined,
    workerRuns: args['worker-runs'] ? Number(args['worker-runs']) : quick ? 2 : undefined,
    log: (s) => process.stderr.write(`${s}\n`),
  });
  console.log(args.json ? JSON.stringify(result, null, 2) : formatTable(result));
}
