#!/usr/bin/env node
// Benchmark of `ajar audit` against moto_server: seeds a big account (1,000 IAM users, 1,000 EC2
// instances over 10 regions, 500 S3 buckets, queues and topics), then runs `node dist/cli.js audit
// --format json` on it and prints timings.
//
// Standalone: `node bench/audit.mjs [--users N] [--instances N] [--buckets N] [--regions N] [--runs N]`
// (builds dist/cli.js with `npm run build` first if it is missing). Needs moto_server on PATH.
// Never touches AWS: moto on 127.0.0.1, dummy credentials, a scrubbed environment.
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, cpus } from 'node:os';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IAMClient, CreateUserCommand, CreateLoginProfileCommand, CreateAccessKeyCommand } from '@aws-sdk/client-iam';
import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { S3Client, CreateBucketCommand, PutBucketPolicyCommand, PutBucketAclCommand } from '@aws-sdk/client-s3';
import { SQSClient, CreateQueueCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { SNSClient, CreateTopicCommand } from '@aws-sdk/client-sns';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'dist', 'cli.js');

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const USERS = opt('users', 1000);
const INSTANCES = opt('instances', 1000);
const BUCKETS = opt('buckets', 500);
const REGION_COUNT = opt('regions', 10);
const RUNS = opt('runs', 1);
const QUEUES_PER_REGION = 10;
const TOPICS_PER_REGION = 10;
const REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'eu-west-1',
  'eu-west-2',
  'eu-central-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-northeast-1',
  'sa-east-1',
  'ca-central-1',
].slice(0, REGION_COUNT);

const ms = (t) => `${(performance.now() - t).toFixed(0)} ms`;

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
    s.on('error', rej);
  });
}

async function pool(items, limit, fn) {
  let i = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (i < items.length) {
      const idx = i++;
      await fn(items[idx], idx);
    }
  });
  await Promise.all(workers);
}

function ensureBuilt() {
  if (existsSync(CLI)) return;
  console.log('dist/cli.js missing: npm run build');
  const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('build failed');
}

async function startMoto() {
  const port = await freePort();
  // MOTO_EC2_LOAD_DEFAULT_AMIS=false: the audit never reads AMIs; loading moto's catalogue into every
  // region's EC2 backend would only time moto's start-up.
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, MOTO_EC2_LOAD_DEFAULT_AMIS: 'false' };
  for (const k of ['PYENV_ROOT', 'PYENV_VERSION']) if (process.env[k]) env[k] = process.env[k];
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { detached: true, stdio: 'ignore', env });
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20000;
  for (;;) {
    try {
      if ((await fetch(`${endpoint}/moto-api/`)).ok) break;
    } catch {}
    if (Date.now() > deadline || child.exitCode !== null) throw new Error('moto_server did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  const stop = () => {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {}
  };
  return { endpoint, stop, pid: child.pid };
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux; null elsewhere). */
function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks (USER_HZ = 100)
  } catch {
    return null;
  }
}

async function seed(endpoint) {
  const base = { endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, maxAttempts: 3 };
  const iam = new IAMClient({ ...base, region: 'us-east-1' });
  const s3 = new S3Client({ ...base, region: 'us-east-1', forcePathStyle: true });
  const t = performance.now();
  const users = Array.from({ length: USERS }, (_, i) => `user-${String(i).padStart(4, '0')}`);
  await pool(users, 32, async (u, i) => {
    await iam.send(new CreateUserCommand({ UserName: u }));
    if (i % 3 === 0) await iam.send(new CreateLoginProfileCommand({ UserName: u, Password: 'Bench-Pa55word!' }));
    if (i % 2 === 0) await iam.send(new CreateAccessKeyCommand({ UserName: u }));
  });
  console.log(`  iam: ${USERS} users (1/3 with console passwords, 1/2 with keys) in ${ms(t)}`);

  const t2 = performance.now();
  const perRegion = Math.ceil(INSTANCES / REGIONS.length);
  await Promise.all(
    REGIONS.map(async (region, r) => {
      const ec2 = new EC2Client({ ...base, region });
      let left = Math.min(perRegion, INSTANCES - r * perRegion);
      while (left > 0) {
        const n = Math.min(left, 100);
        await ec2.send(
          new RunInstancesCommand({
            ImageId: 'ami-12c6146b',
            MinCount: n,
            MaxCount: n,
            InstanceType: 't3.micro',
            MetadataOptions: { HttpTokens: r % 2 ? 'required' : 'optional' },
          }),
        );
        left -= n;
      }
      const sqs = new SQSClient({ ...base, region });
      const sns = new SNSClient({ ...base, region });
      for (let q = 0; q < QUEUES_PER_REGION; q++) {
        const out = await sqs.send(new CreateQueueCommand({ QueueName: `queue-${q}` }));
        if (q === 0) {
          await sqs.send(
            new SetQueueAttributesCommand({
              QueueUrl: out.QueueUrl,
              Attributes: {
                Policy: JSON.stringify({
                  Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage', Resource: '*' }],
                }),
              },
            }),
          );
        }
      }
      for (let q = 0; q < TOPICS_PER_REGION; q++) await sns.send(new CreateTopicCommand({ Name: `topic-${q}` }));
    }),
  );
  console.log(
    `  ec2/sqs/sns: ${INSTANCES} instances, ${QUEUES_PER_REGION} queues and ${TOPICS_PER_REGION} topics per region in ${REGIONS.length} regions in ${ms(t2)}`,
  );

  const t3 = performance.now();
  const buckets = Array.from({ length: BUCKETS }, (_, i) => `bench-bucket-${String(i).padStart(4, '0')}`);
  await pool(buckets, 32, async (b, i) => {
    await s3.send(new CreateBucketCommand({ Bucket: b }));
    if (i % 50 === 0) {
      await s3.send(
        new PutBucketPolicyCommand({
          Bucket: b,
          Policy: JSON.stringify({
            Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${b}/*` }],
          }),
        }),
      );
    }
    if (i % 50 === 25) await s3.send(new PutBucketAclCommand({ Bucket: b, ACL: 'public-read' }));
  });
  console.log(`  s3: ${BUCKETS} buckets in ${ms(t3)}`);
  iam.destroy();
  s3.destroy();
}

function runAudit(env, extra = []) {
  return new Promise((res, rej) => {
    const t = performance.now();
    const child = spawn(process.execPath, [CLI, 'audit', '--format', 'json', '--fail-on', 'none', ...extra], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', rej);
    child.on('close', (code) => res({ code, out, err, ms: performance.now() - t }));
  });
}

function summarise(json) {
  const byRule = {};
  let errors = 0;
  for (const a of json.accounts) {
    for (const f of a.findings) byRule[f.ruleId] = (byRule[f.ruleId] ?? 0) + 1;
    errors += a.errors.length;
  }
  return {
    byRule,
    errors,
    errorMessages: json.accounts.flatMap((a) => a.errors.map((e) => `${e.service} ${e.region ?? ''}: ${e.message}`)),
  };
}

ensureBuilt();
const moto = await startMoto();
const dir = mkdtempSync(join(tmpdir(), 'ajar-bench-'));
try {
  console.log(`moto_server at ${moto.endpoint}; seeding`);
  const t0 = performance.now();
  await seed(moto.endpoint);
  console.log(`seeded in ${ms(t0)}`);

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
  const asOf = new Date(Date.now() + 400 * 86400000).toISOString();
  for (let run = 1; run <= RUNS; run++) {
    for (const [label, extra] of [
      [`every enabled region (DescribeRegions), as of ${asOf}`, ['--as-of', asOf]],
      [`the ${REGIONS.length} seeded regions`, REGIONS.flatMap((r) => ['--region', r])],
    ]) {
      const cpu0 = cpuSeconds(moto.pid);
      const load0 = loadavg()[0];
      const r = await runAudit(env, extra);
      const cpu1 = cpuSeconds(moto.pid);
      if (r.code !== 0) {
        console.error(`audit exited ${r.code}\n${r.err}`);
        process.exitCode = 1;
        continue;
      }
      const s = summarise(JSON.parse(r.out));
      console.log(
        `audit run ${run}, ${label}: ${(r.ms / 1000).toFixed(2)} s wall (node dist/cli.js, process start included)`,
      );
      if (cpu0 !== null && cpu1 !== null) {
        console.log(
          `  moto_server CPU during the run: ${(cpu1 - cpu0).toFixed(1)} s; host load average ${load0.toFixed(1)} on ${cpus().length} CPUs`,
        );
      }
      console.log(`  findings by rule: ${JSON.stringify(s.byRule)}; could-not-read entries: ${s.errors}`);
      for (const m of s.errorMessages) console.log(`    ${m.slice(0, 200)}`);
    }
  }
} finally {
  moto.stop();
  rmSync(dir, { recursive: true, force: true });
}
