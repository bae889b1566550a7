#!/usr/bin/env node
// Benchmark of `ajar audit --organization` against moto_server: an organization of N member
// accounts in three OUs (each member seeded through its own AssumeRole credentials: a console user
// without MFA, a bucket, a queue, an instance accepting IMDSv1 in every third account), audited in
// 2 regions by `node dist/cli.js audit --organization bench --role-name ... --format json`.
// For each N: wall time (process start included), the CLI's peak RSS (getrusage maxRSS), the
// requests moto served during the run (its request log) and per second; then the growth from the
// smallest to the largest N and a linear extrapolation to 1,000 accounts.
//
//   node bench/org.mjs [--accounts 30,100,300] [--concurrency N] [--json FILE]
//
// Needs moto_server on PATH; builds dist/cli.js with `npm run build` if it is missing. Never
// touches AWS: moto on 127.0.0.1, dummy credentials, a scrubbed environment.
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CreateAccountCommand,
  CreateOrganizationCommand,
  CreateOrganizationalUnitCommand,
  ListRootsCommand,
  MoveAccountCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { CreateLoginProfileCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const ROLE = 'OrganizationAccountAccessRole';
const REGIONS = ['us-east-1', 'eu-west-1'];
const DUMMY = { accessKeyId: 'testing', secretAccessKey: 'testing' };

const args = process.argv.slice(2);
const arg = (name) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const SIZES = (arg('accounts') ?? '30,100,300').split(',').map(Number);
const CONCURRENCY = arg('concurrency');
const JSON_OUT = arg('json');

const s = (ms) => `${(ms / 1000).toFixed(1)} s`;

function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
    srv.on('error', rej);
  });
}

async function pool(items, limit, fn) {
  let i = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (i < items.length) {
        const idx = i++;
        await fn(items[idx], idx);
      }
    }),
  );
}

function ensureBuilt() {
  if (existsSync(CLI)) return;
  console.log('dist/cli.js missing: npm run build');
  const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('build failed');
}

/** moto_server in its own process group, its request log (werkzeug, one line a request) in a file. */
async function startMoto(dir) {
  const port = await freePort();
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, MOTO_EC2_LOAD_DEFAULT_AMIS: 'false' };
  for (const k of ['PYENV_ROOT', 'PYENV_VERSION']) if (process.env[k]) env[k] = process.env[k];
  const log = join(dir, 'moto.log');
  const fd = openSync(log, 'w');
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    detached: true,
    stdio: ['ignore', 'ignore', fd],
    env,
  });
  closeSync(fd);
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20000;
  for (;;) {
    try {
      if ((await fetch(`${endpoint}/moto-api/`)).ok) break;
    } catch {}
    if (Date.now() > deadline || child.exitCode !== null) throw new Error('moto_server did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  const requests = () => (readFileSync(log, 'utf8').match(/" \d{3} /g) ?? []).length;
  const reset = async () => {
    await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
  };
  const stop = () => {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {}
  };
  return { endpoint, pid: child.pid, requests, reset, stop };
}

/** CPU seconds (user + system) a process has used so far (Linux /proc; null elsewhere). */
function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return null;
  }
}

/** An organization of `n` members in three OUs, each member seeded through its own credentials. */
async function seedOrganization(endpoint, n) {
  const base = { endpoint, credentials: DUMMY, maxAttempts: 5 };
  const org = new OrganizationsClient({ ...base, region: 'us-east-1' });
  const sts = new STSClient({ ...base, region: 'us-east-1' });
  await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  const rootId = (await org.send(new ListRootsCommand({}))).Roots[0].Id;
  const ous = [];
  for (const name of ['Prod', 'Dev', 'Sandbox'])
    ous.push(
      (await org.send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: name }))).OrganizationalUnit.Id,
    );
  const names = Array.from({ length: n }, (_, i) => `member-${String(i).padStart(4, '0')}`);
  await pool(names, 8, async (name, i) => {
    const st = await org.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }));
    const id = st.CreateAccountStatus.AccountId;
    await org.send(new MoveAccountCommand({ AccountId: id, SourceParentId: rootId, DestinationParentId: ous[i % 3] }));
    const c = (
      await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${id}:role/${ROLE}`, RoleSessionName: 'seed' }))
    ).Credentials;
    const creds = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
    const m = { endpoint, credentials: creds, maxAttempts: 5 };
    const iam = new IAMClient({ ...m, region: 'us-east-1' });
    const s3 = new S3Client({ ...m, region: 'us-east-1', forcePathStyle: true });
    const sqs = new SQSClient({ ...m, region: 'us-east-1' });
    await iam.send(new CreateUserCommand({ UserName: 'console-user' }));
    await iam.send(new CreateLoginProfileCommand({ UserName: 'console-user', Password: 'Bench-Pa55word!' }));
    await s3.send(new CreateBucketCommand({ Bucket: `bench-${id}` }));
    await sqs.send(new CreateQueueCommand({ QueueName: 'orders' }));
    if (i % 3 === 0) {
      const ec2 = new EC2Client({ ...m, region: 'eu-west-1' });
      await ec2.send(
        new RunInstancesCommand({
          ImageId: 'ami-12c6146b',
          MinCount: 1,
          MaxCount: 1,
          MetadataOptions: { HttpTokens: 'optional', HttpEndpoint: 'enabled' },
        }),
      );
      ec2.destroy();
    }
    for (const x of [iam, s3, sqs]) x.destroy();
  });
  org.destroy();
  sts.destroy();
}

/** Runs the CLI; its peak RSS comes from a preload that prints getrusage's maxRSS at exit. */
function runAudit(env, preload, extra) {
  return new Promise((res, rej) => {
    const t = performance.now();
    const child = spawn(
      process.execPath,
      [
        '-r',
        preload,
        CLI,
        'audit',
        '--organization',
        'bench',
        '--role-name',
        ROLE,
        '--region',
        REGIONS.join(','),
        '--format',
        'json',
        '--fail-on',
        'none',
        ...extra,
      ],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', rej);
    child.on('close', (code) => {
      const kb = Number(/AJAR_MAXRSS_KB (\d+)/.exec(err)?.[1] ?? Number.NaN);
      res({ code, out, err: err.replace(/AJAR_MAXRSS_KB \d+\n?/, ''), ms: performance.now() - t, rssMb: kb / 1024 });
    });
  });
}

/** Least-squares line through the points: y = a + b x. */
function fit(points) {
  const n = points.length;
  const mx = points.reduce((t, p) => t + p[0], 0) / n;
  const my = points.reduce((t, p) => t + p[1], 0) / n;
  const b =
    points.reduce((t, p) => t + (p[0] - mx) * (p[1] - my), 0) / points.reduce((t, p) => t + (p[0] - mx) ** 2, 0);
  return { a: my - b * mx, b };
}

ensureBuilt();
const dir = mkdtempSync(join(tmpdir(), 'ajar-bench-org-'));
const moto = await startMoto(dir);
const results = [];
try {
  const preload = join(dir, 'maxrss.cjs');
  writeFileSync(
    preload,
    "process.on('exit', () => { try { require('fs').writeSync(2, 'AJAR_MAXRSS_KB ' + process.resourceUsage().maxRSS + '\\n'); } catch {} });\n",
  );
  writeFileSync(join(dir, 'config'), `[profile bench]\nregion = us-east-1\nendpoint_url = ${moto.endpoint}\n`);
  writeFileSync(join(dir, 'credentials'), '[bench]\naws_access_key_id = testing\naws_secret_access_key = testing\n');
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_')) env[k] = v;
  Object.assign(env, {
    HOME: dir,
    AWS_CONFIG_FILE: join(dir, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  console.log(
    `moto_server at ${moto.endpoint}; ${cpus().length} CPUs, load average ${loadavg()[0].toFixed(1)}; regions ${REGIONS.join(', ')}`,
  );
  for (const n of SIZES) {
    await moto.reset();
    const t0 = performance.now();
    await seedOrganization(moto.endpoint, n);
    console.log(`${n} members: seeded in ${s(performance.now() - t0)}`);
    const req0 = moto.requests();
    const cpu0 = cpuSeconds(moto.pid);
    const r = await runAudit(env, preload, CONCURRENCY ? ['--concurrency', CONCURRENCY] : []);
    const requests = moto.requests() - req0;
    const cpu = cpuSeconds(moto.pid) - cpu0;
    if (r.code !== 0) {
      console.error(`audit exited ${r.code}\n${r.err.slice(0, 4000)}`);
      process.exitCode = 1;
      continue;
    }
    const doc = JSON.parse(r.out);
    const byRule = {};
    let unread = 0;
    for (const a of doc.accounts) {
      for (const f of a.findings) byRule[f.ruleId] = (byRule[f.ruleId] ?? 0) + 1;
      unread += a.errors.length;
    }
    const failed = doc.accounts.filter((a) => a.audited === false).length;
    const row = {
      accounts: doc.accounts.length,
      members: n,
      wallSeconds: +(r.ms / 1000).toFixed(2),
      peakRssMb: +r.rssMb.toFixed(1),
      requests,
      requestsPerSecond: +(requests / (r.ms / 1000)).toFixed(1),
      motoCpuSeconds: cpu === null ? null : +cpu.toFixed(1),
      failed,
      findings: byRule,
      couldNotRead: unread,
      outputKb: +(r.out.length / 1024).toFixed(0),
    };
    results.push(row);
    console.log(
      `  audit: ${row.accounts} accounts (${failed} failed) in ${row.wallSeconds} s wall, peak RSS ${row.peakRssMb} MB, ` +
        `${requests} requests (${row.requestsPerSecond}/s), moto CPU ${row.motoCpuSeconds} s; findings ${JSON.stringify(byRule)}; ` +
        `could-not-read ${unread}; JSON ${row.outputKb} KB`,
    );
  }
  if (results.length >= 2) {
    const first = results[0];
    const last = results[results.length - 1];
    const t = fit(results.map((x) => [x.accounts, x.wallSeconds]));
    const m = fit(results.map((x) => [x.accounts, x.peakRssMb]));
    console.log(
      `growth ${first.accounts} -> ${last.accounts} accounts (x${(last.accounts / first.accounts).toFixed(1)}): ` +
        `time x${(last.wallSeconds / first.wallSeconds).toFixed(2)}, peak RSS x${(last.peakRssMb / first.peakRssMb).toFixed(2)}`,
    );
    console.log(
      `linear fit: time = ${t.a.toFixed(1)} s + ${(t.b * 1000).toFixed(0)} ms/account -> 1,000 accounts ~ ${s((t.a + t.b * 1001) * 1000)}; ` +
        `RSS = ${m.a.toFixed(0)} MB + ${(m.b * 1000).toFixed(0)} KB/account -> 1,000 accounts ~ ${(m.a + m.b * 1001).toFixed(0)} MB`,
    );
  }
  if (JSON_OUT) writeFileSync(JSON_OUT, `${JSON.stringify(results, null, 2)}\n`);
} finally {
  moto.stop();
  rmSync(dir, { recursive: true, force: true });
}
