/**
 * `node dist/cli.js audit` end to end against moto: AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE
 * point at temp files whose profile has endpoint_url set to moto and dummy keys.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ACCOUNT_ID, cleanEnv, startMoto, withoutImdsGap, writeAwsFiles, type AwsFiles, type Moto } from './moto';
import { seedInsecureAccount } from './seed';
import { runAudit } from '../../server/src/cli/audit';

const ROOT = resolve(__dirname, '../..');
const CLI = join(ROOT, 'dist', 'cli.js');
const DAY = 86_400_000;

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
 * dist/cli.js as `npm run build` makes it (through scripts/build.mjs itself);
 * rebuilt here only when missing or older than the sources.
 */
async function ensureCli(): Promise<void> {
  const src = Math.max(
    ...['server/src/audit', 'server/src/cli', 'server/src/engine'].map((d) => newestMtime(join(ROOT, d))),
  );
  if (existsSync(CLI) && statSync(CLI).mtimeMs >= src) return;
  // The project's own build, so the bundle is exactly what `npm run build` ships.
  const r = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`scripts/build.mjs failed: ${r.stderr}`);
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}
function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

let moto: Moto;
let seeded: Awaited<ReturnType<typeof seedInsecureAccount>>;
let seededAt: number;
const temp: AwsFiles[] = [];
function awsFiles(config: string, creds: string): AwsFiles {
  const f = writeAwsFiles(config, creds);
  temp.push(f);
  return f;
}
function motoProfile(): AwsFiles {
  return awsFiles(
    `[profile audit]\nregion = us-east-1\nendpoint_url = ${moto.endpoint}\n`,
    `[audit]\naws_access_key_id = testing\naws_secret_access_key = testing\n`,
  );
}

before(async () => {
  await ensureCli();
  moto = await startMoto();
});
after(async () => {
  await moto?.stop();
  for (const f of temp) f.cleanup();
});
beforeEach(async () => {
  await moto.reset();
});
async function seed() {
  seededAt = Date.now();
  seeded = await seedInsecureAccount(moto.endpoint);
}

describe('ajar audit (dist/cli.js) against moto', () => {
  test('--format json: the exact findings of the insecure account, exit 1', async () => {
    await seed();
    const f = motoProfile();
    const asOf = new Date(seededAt + 400 * DAY + 3_600_000).toISOString();
    const r = await runCli(
      [
        'audit',
        '--profile',
        'audit',
        '--region',
        'us-east-1',
        '--region',
        'eu-west-1',
        '--region',
        'ap-southeast-2',
        '--as-of',
        asOf,
        '--format',
        'json',
      ],
      cleanEnv(f),
    );
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stderr, '');
    const json = JSON.parse(r.stdout);
    assert.equal(json.version, 1);
    assert.equal(json.accounts.length, 1);
    const a = json.accounts[0];
    assert.equal(a.accountId, ACCOUNT_ID);
    assert.deepEqual(a.profiles, ['audit']);
    assert.deepEqual(Object.keys(a.findings[0]), ['ruleId', 'rule', 'severity', 'message', 'resource', 'region']);
    const got = a.findings.map((x: any) => `${x.ruleId} ${x.rule} ${x.severity} ${x.resource} ${x.region}`);
    const u = (n: string) => `arn:aws:iam::${ACCOUNT_ID}:user/${n}`;
    assert.deepEqual(got, [
      `AJ511 user-console-without-mfa error ${u('alice')} null`,
      `AJ512 user-credentials-unused warning ${u('alice')} null`,
      `AJ512 user-credentials-unused warning ${u('bob')} null`,
      `AJ512 user-credentials-unused warning ${u('carol')} null`,
      `AJ512 user-credentials-unused warning ${u('carol')} null`,
      `AJ513 access-key-not-rotated warning ${u('carol')} null`,
      `AJ513 access-key-not-rotated warning ${u('carol')} null`,
      `AJ514 access-key-stale warning ${u('carol')} null`,
      `AJ514 access-key-stale warning ${u('carol')} null`,
      `AJ521 instance-imdsv2-not-enforced warning arn:aws:ec2:eu-west-1:${ACCOUNT_ID}:instance/${seeded.instances['batch-v1'][0]} eu-west-1`,
      `AJ521 instance-imdsv2-not-enforced warning arn:aws:ec2:us-east-1:${ACCOUNT_ID}:instance/${seeded.instances['web-v1'][0]} us-east-1`,
      `AJ531 s3-bucket-public error arn:aws:s3:::public-acl-bucket eu-west-1`,
      `AJ531 s3-bucket-public error arn:aws:s3:::public-policy-bucket us-east-1`,
      `AJ532 sqs-queue-public error arn:aws:sqs:us-east-1:${ACCOUNT_ID}:public-queue us-east-1`,
      `AJ533 sns-topic-public error arn:aws:sns:us-east-1:${ACCOUNT_ID}:public-topic us-east-1`,
      `AJ534 s3-account-public-access-block-off warning ${ACCOUNT_ID} null`,
    ]);
    assert.deepEqual(
      withoutImdsGap(a.errors, ['us-east-1', 'eu-west-1', 'ap-southeast-2']).map(
        (e: any) => `${e.service} ${e.region}`,
      ),
      ['iam null'],
    );
    // Never a secret: the dummy secret only appears nowhere in the output.
    assert.ok(!/aws_secret_access_key|secretAccessKey/i.test(r.stdout));
  });

  test('--fail-on none exits 0; --fail-on error still exits 1; text format names every finding', async () => {
    await seed();
    const f = motoProfile();
    const none = await runCli(['audit', '--region', 'us-east-1', '--fail-on', 'none'], cleanEnv(f));
    assert.equal(none.code, 0, none.stderr);
    assert.match(none.stdout, /^Account 123456789012 \(profile: audit\)$/m);
    assert.match(none.stdout, /AJ531 s3-bucket-public {2}arn:aws:s3:::public-policy-bucket \[us-east-1\]/);
    assert.match(none.stdout, /AJ531 s3-bucket-public {2}arn:aws:s3:::public-acl-bucket \[eu-west-1\]/);
    assert.match(none.stdout, /could not read iam: could not tell whether the root user has MFA/);
    assert.match(none.stdout, /^7 findings \(5 errors, 2 warnings, 0 information\) in 1 account/m);
    const err = await runCli(['audit', '--region', 'us-east-1', '--fail-on', 'error', '--format', 'json'], cleanEnv(f));
    assert.equal(err.code, 1);
  });

  test('environment credentials (AWS_ACCESS_KEY_ID, AWS_ENDPOINT_URL) join the profile reaching the same account', async () => {
    const f = motoProfile();
    const r = await runCli(
      ['audit', '--region', 'us-east-1', '--format', 'json', '--fail-on', 'none'],
      cleanEnv(f, { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_ENDPOINT_URL: moto.endpoint }),
    );
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout);
    assert.deepEqual(
      json.accounts.map((a: any) => [a.accountId, a.profiles]),
      [[ACCOUNT_ID, ['audit', '(environment)']]],
    );
  });

  test('a terminal gets a progress line on stderr; stdout stays clean JSON', async () => {
    const f = motoProfile();
    let out = '';
    let err = '';
    const code = await runAudit(['--region', 'us-east-1', '--format', 'json', '--fail-on', 'none'], {
      stdout: { write: (c: string) => (out += c) },
      stderr: { write: (c: string) => (err += c), isTTY: true },
      env: cleanEnv(f),
    });
    assert.equal(code, 0);
    assert.equal(JSON.parse(out).accounts[0].accountId, ACCOUNT_ID);
    assert.match(err, /auditing: [01]\/1 account done, \d+\/\d+ scopes read, 0 findings/);
    assert.ok(err.endsWith('\r\x1b[2K'), 'the progress line is cleared at the end');
  });

  test('no config at all: says where it looked, exit 2', async () => {
    const f = awsFiles('', '');
    f.cleanup(); // the files do not exist
    const r = await runCli(['audit', '--format', 'json'], cleanEnv(f));
    assert.equal(r.code, 2);
    const json = JSON.parse(r.stdout);
    assert.equal(json.accounts.length, 1);
    assert.equal(json.accounts[0].accountId, null);
    assert.deepEqual(json.accounts[0].profiles, ['(default chain)']);
    assert.match(
      json.accounts[0].errors[0].message,
      /^no AWS credentials found: no profiles in .*config or .*credentials/,
    );
    assert.match(r.stderr, /nothing could be audited/);
  });

  test('an expired SSO profile says how to log in again; the other profile is audited', async () => {
    const f = awsFiles(
      `[profile audit]\nregion = us-east-1\nendpoint_url = ${moto.endpoint}\n\n[profile sso-dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = ReadOnly\nregion = us-east-1\n\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n`,
      `[audit]\naws_access_key_id = testing\naws_secret_access_key = testing\n`,
    );
    const r = await runCli(['audit', '--region', 'us-east-1', '--format', 'json', '--fail-on', 'none'], cleanEnv(f));
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout);
    assert.deepEqual(
      json.accounts.map((a: any) => [a.accountId, a.profiles]),
      [
        [ACCOUNT_ID, ['audit']],
        [null, ['sso-dev']],
      ],
    );
    assert.match(json.accounts[1].errors[0].message, /run `aws sso login --profile sso-dev`/);
  });

  test('usage errors exit 2 (in process, and once through dist/cli.js); unknown profile is reported', async () => {
    const f = motoProfile();
    for (const args of [
      ['--format', 'xml'],
      ['--fail-on', 'sometimes'],
      ['--as-of', 'yesterday'],
      ['--bogus'],
      ['--region'],
      ['--region', 'Narnia'],
    ]) {
      let out = '';
      let err = '';
      const code = await runAudit(args, {
        stdout: { write: (s: string) => (out += s) },
        stderr: { write: (s: string) => (err += s) },
        env: cleanEnv(f),
      });
      assert.equal(code, 2, args.join(' '));
      assert.match(err, /^ajar audit: /);
      assert.equal(out, '');
    }
    const bad = await runCli(['audit', '--format', 'xml'], cleanEnv(f));
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^ajar audit: --format must be text, json, sarif, html or markdown, not "xml"/);
    assert.equal(bad.stdout, '');
    const missing = await runCli(['audit', '--profile', 'nope', '--format', 'json'], cleanEnv(f));
    assert.equal(missing.code, 2);
    assert.match(JSON.parse(missing.stdout).accounts[0].errors[0].message, /^profile "nope" not found in /);
  });
});
