/**
 * The Accounts view's data (`ajar/listAccounts`, `ajar/auditAccount` through AuditHandlers) against
 * moto: two profiles and the environment's credentials that reach one account give one account
 * from the first listing on, with every profile name, and one audit; a profile whose login fails
 * (an expired SSO session) is listed on its own with the reason and is never "audited"; a finding
 * carries the rule's remediation and the AWS CLI command for its own resource; the log says what
 * was done, and no secret reaches any of it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateBucketCommand, PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import { ACCOUNT_ID, cleanEnv, startMoto, writeAwsFiles, type AwsFiles, type Moto } from './moto';
import { publicPolicy, seedClients } from './seed';
import { AuditHandlers, type AuditProgress } from '../../server/src/lsp/auditHandlers';

const KEY_ID = 'AKIAAJARTESTKEY00001';
const SECRET = 'ajarSecretValueThatMustNeverBeShown0001';
const BUCKET = 'ajar-view-public-assets';
const settings = { profiles: [], regions: ['us-east-1'], thresholds: {} };
const quiet: AuditProgress = { begin() {}, report() {}, done() {} };

let moto: Moto;
let files: AwsFiles;
const saved: Record<string, string | undefined> = {};
before(async () => {
  moto = await startMoto();
  const seed = seedClients(moto.endpoint);
  await seed.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await seed.s3.send(
    new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: publicPolicy(`arn:aws:s3:::${BUCKET}/*`, 's3:GetObject') }),
  );
  seed.s3.destroy();
  files = writeAwsFiles(
    [
      `[default]\nregion = us-east-1\nendpoint_url = ${moto.endpoint}\n`,
      `[profile dev]\nregion = us-east-1\nendpoint_url = ${moto.endpoint}\n`,
      '[profile sso-expired]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = ReadOnly\nregion = us-east-1\n',
      '[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n',
    ].join('\n'),
    `[default]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n\n[dev]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n`,
  );
  // Environment credentials are read from the process environment (the SDK's fromEnv).
  for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) saved[k] = process.env[k];
  process.env.AWS_ACCESS_KEY_ID = KEY_ID;
  process.env.AWS_SECRET_ACCESS_KEY = SECRET;
});
after(async () => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  files?.cleanup();
  await moto?.stop();
});

function env(): NodeJS.ProcessEnv {
  return cleanEnv(files, {
    AWS_ACCESS_KEY_ID: KEY_ID,
    AWS_SECRET_ACCESS_KEY: SECRET,
    AWS_ENDPOINT_URL: moto.endpoint,
  });
}

describe('Accounts view data against moto', () => {
  test('one account for two profiles and the environment, from the first listing; a failed login apart', async () => {
    const log: string[] = [];
    const h = new AuditHandlers(env(), (m) => log.push(m));
    const list = await h.listAccounts(settings);
    assert.deepEqual(
      list.accounts.map((a) => [a.key, a.profiles, a.error === undefined ? 'ok' : 'failed']),
      [
        [ACCOUNT_ID, ['default', 'dev', '(environment)'], 'ok'],
        ['profile:sso-expired', ['sso-expired'], 'failed'],
      ],
    );
    const failed = list.accounts[1];
    assert.match(failed.error!, /run `aws sso login --profile sso-expired`/);
    assert.equal(failed.auditedAt, undefined);

    // One audit for the account, whatever the profile it is reached by.
    const audit = await h.auditAccount({ key: ACCOUNT_ID }, settings, undefined, new AbortController().signal, quiet);
    assert.equal(audit.error, undefined);
    assert.equal(audit.loginFailed, undefined);
    assert.deepEqual(audit.profiles, ['default', 'dev', '(environment)']);
    assert.ok(Math.abs(Date.parse(audit.auditedAt) - Date.now()) < 60_000);
    const bucket = audit.categories.find((c) => c.id === 's3')!.items.find((i) => i.id === `arn:aws:s3:::${BUCKET}`)!;
    const f = bucket.findings.find((x) => x.ruleId === 'AJ531')!;
    assert.match(f.fix!, /Block Public Access/);
    assert.match(f.command!, new RegExp(`^aws s3api put-public-access-block --bucket ${BUCKET} `));
    assert.match(bucket.tooltip, /\*\*How to fix \(AJ531\)\*\*: Remove the public statement/);
    assert.ok(bucket.tooltip.includes(`\`\`\`sh\n${f.command}\n\`\`\``), bucket.tooltip);

    // The relisting keeps one node, now with the audit's time.
    const again = await h.listAccounts(settings);
    assert.equal(again.accounts[0].key, ACCOUNT_ID);
    assert.equal(again.accounts[0].auditedAt, audit.auditedAt);

    // The failed profile's audit says it failed: nothing audited.
    const none = await h.auditAccount(
      { key: 'profile:sso-expired' },
      settings,
      undefined,
      new AbortController().signal,
      quiet,
    );
    assert.equal(none.loginFailed, true);
    assert.deepEqual(none.categories, []);
    assert.match(none.error!, /aws sso login --profile sso-expired/);

    // The log: the profiles and their grouping, each audit with its services' times, the failures.
    const text = log.join('\n');
    assert.match(text, /Accounts: 4 profiles \(default, dev, sso-expired, \(environment\)\)/);
    assert.match(text, new RegExp(`1 account \\(${ACCOUNT_ID}: default, dev, \\(environment\\)\\)`));
    assert.match(text, /profile "sso-expired" could not log in: the IAM Identity Center \(SSO\) session/);
    assert.match(
      text,
      new RegExp(
        `Audit of ${ACCOUNT_ID}: profile default, dev, \\(environment\\), services iam, ec2, s3, sqs, sns, regions us-east-1`,
      ),
    );
    assert.match(
      text,
      new RegExp(
        `Audit of ${ACCOUNT_ID}: \\d+ findings?, \\d+ resources? in \\d+\\.\\d s \\(iam \\d+\\.\\d s, .*s3 \\d+\\.\\d s`,
      ),
    );
    assert.match(text, /Audit of profile:sso-expired: could not log in with sso-expired/);
    // Never a secret, anywhere.
    const everything = JSON.stringify({ list, again, audit, none, log });
    assert.ok(!everything.includes(SECRET), 'the secret key appears');
    assert.ok(!everything.includes(KEY_ID), 'the access key id appears');
  });
});
