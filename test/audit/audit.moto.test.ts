/**
 * The audit module against moto_server: an insecure account seeded through the SDK, exact findings,
 * streaming events, profile grouping, and partial failure (AccessDenied on S3, a region answering 500,
 * a profile that cannot authenticate).
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { auditAccounts, auditEvents, toAuditJson, type AuditEvent, type AuditReport } from '../../server/src/audit';
import {
  ACCOUNT_ID,
  cleanEnv,
  startFaultProxy,
  startMoto,
  writeAwsFiles,
  type AwsFiles,
  type FaultProxy,
  type Moto,
  withoutImdsGap,
} from './moto';
import { ACCOUNT_ALIAS, putAccountPab, seedInsecureAccount } from './seed';
import { toCategories } from '../../server/src/lsp/auditHandlers';

const DAY = 86_400_000;
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'us-west-2'];

let moto: Moto;
let proxy: FaultProxy;
const tempFiles: AwsFiles[] = [];
let seeded: Awaited<ReturnType<typeof seedInsecureAccount>>;
let seededAt: number;

function files(endpoint: string, extraConfig = '', extraCreds = ''): AwsFiles {
  const f = writeAwsFiles(
    `[default]\nregion = us-east-1\nendpoint_url = ${endpoint}\n${extraConfig}`,
    `[default]\naws_access_key_id = testing\naws_secret_access_key = testing\n${extraCreds}`,
  );
  tempFiles.push(f);
  return f;
}

/** Findings as comparable strings, with dates normalised. */
function lines(report: AuditReport, accountIndex = 0): string[] {
  return toAuditJson(report).accounts[accountIndex].findings.map(
    (f) =>
      `${f.ruleId} ${f.severity} ${f.resource} ${f.region ?? '-'} | ${f.message.replace(/\d{4}-\d{2}-\d{2}/g, 'DATE')}`,
  );
}

function baseFindings(): string[] {
  const web = seeded.instances['web-v1'][0];
  const batch = seeded.instances['batch-v1'][0];
  return [
    `AJ511 error arn:aws:iam::${ACCOUNT_ID}:user/alice - | IAM user alice can sign in to the console without MFA`,
    `AJ521 warning arn:aws:ec2:eu-west-1:${ACCOUNT_ID}:instance/${batch} eu-west-1 | EC2 instance ${batch} (batch-v1) accepts IMDSv1 (HttpTokens is optional); require IMDSv2 tokens`,
    `AJ521 warning arn:aws:ec2:us-east-1:${ACCOUNT_ID}:instance/${web} us-east-1 | EC2 instance ${web} (web-v1) accepts IMDSv1 (HttpTokens is optional); require IMDSv2 tokens`,
    `AJ531 error arn:aws:s3:::public-acl-bucket eu-west-1 | bucket ACL grants READ to AllUsers (anyone) on bucket public-acl-bucket`,
    `AJ531 error arn:aws:s3:::public-policy-bucket us-east-1 | bucket policy is public: anyone can s3:GetObject on bucket public-policy-bucket (statement Public)`,
    `AJ532 error arn:aws:sqs:us-east-1:${ACCOUNT_ID}:public-queue us-east-1 | queue policy is public: anyone can sqs:SendMessage on queue public-queue (statement Public)`,
    `AJ533 error arn:aws:sns:us-east-1:${ACCOUNT_ID}:public-topic us-east-1 | topic policy is public: anyone can SNS:Publish on topic public-topic (statement Public)`,
    `AJ534 warning ${ACCOUNT_ID} - | account ${ACCOUNT_ID} has no account-level S3 Block Public Access configuration`,
  ];
}

const ROOT_NOT_MODELLED = {
  service: 'iam',
  region: null,
  message:
    'could not tell whether the root user has MFA: GetAccountSummary says AccountMFAEnabled = 0 but the credential report has no <root_account> row (an emulator that does not model the root user?)',
};

before(async () => {
  moto = await startMoto();
  proxy = await startFaultProxy(moto.endpoint);
});
after(async () => {
  await proxy?.close();
  await moto?.stop();
  for (const f of tempFiles) f.cleanup();
});
beforeEach(async () => {
  await moto.reset();
  proxy.failRegions.clear();
  proxy.denyServices.clear();
  proxy.throttle.clear();
  seededAt = Date.now();
  seeded = await seedInsecureAccount(moto.endpoint);
});

describe('audit against moto', () => {
  test('insecure account, as of now: exact findings in every enabled region', async () => {
    const f = files(moto.endpoint);
    const report = await auditAccounts({ env: cleanEnv(f) });
    assert.equal(report.accounts.length, 1);
    const a = report.accounts[0];
    assert.equal(a.accountId, ACCOUNT_ID);
    assert.deepEqual(a.profiles, ['default']);
    assert.ok(a.regions.length > 10, `DescribeRegions gave ${a.regions.length} regions`);
    assert.ok(a.regions.includes('ap-southeast-2'));
    assert.deepEqual(lines(report), baseFindings());
    assert.deepEqual(withoutImdsGap(toAuditJson(report).accounts[0].errors, a.regions), [ROOT_NOT_MODELLED]);
  });

  test('inventory: every resource inspected, clean ones included, with its key fact; the account alias; the tree items built from it', async () => {
    const f = files(moto.endpoint);
    const events: AuditEvent[] = [];
    const report = await auditAccounts({ env: cleanEnv(f), regions: REGIONS, onEvent: (e) => events.push(e) });
    const a = report.accounts[0];
    assert.equal(a.alias, ACCOUNT_ALIAS);
    assert.ok(events.some((e) => e.type === 'alias' && e.alias === ACCOUNT_ALIAS));
    assert.equal(events.filter((e) => e.type === 'resource').length, a.resources.length);
    const inv = new Map(a.resources.map((r) => [`${r.service} ${r.region ?? '-'} ${r.label}`, r.description]));
    const api = seeded.instances['api-v2'][0];
    const web = seeded.instances['web-v1'][0];
    const noImds = seeded.instances['no-imds'][0];
    const expected: Record<string, string> = {
      // moto's credential report has no <root_account> row: MFA cannot be told.
      'iam - root': 'MFA unknown, no access keys',
      'iam - alice': 'console, no MFA; no access keys',
      'iam - bob': 'console, MFA; no access keys',
      'iam - dave': 'no console; no access keys',
      'iam - erin': 'no console; 1 inactive key',
      'iam - carol': 'no console; key 1 0 days old, used today; key 2 0 days old, never used',
      [`ec2 ap-southeast-2 ${api} (api-v2)`]: 't3.micro, IMDSv2 required',
      [`ec2 us-east-1 ${web} (web-v1)`]: 't3.micro, IMDSv1 allowed',
      [`ec2 us-west-2 ${noImds} (no-imds)`]: 't3.micro, metadata endpoint disabled',
      's3 - private-bucket': 'no policy, ACL private, no BPA',
      's3 - protected-bucket': 'BPA on',
      // Its region is known because its finding needed it (GetBucketLocation); clean buckets' is not asked for.
      's3 us-east-1 public-policy-bucket': 'policy public, ACL private, no BPA',
      's3 eu-west-1 public-acl-bucket': 'no policy, ACL public, no BPA',
      's3 - Account Block Public Access': 'no account BPA',
      'sqs eu-west-1 private-queue': 'no policy',
      'sqs us-east-1 public-queue': 'policy public',
      'sns eu-west-1 default-topic': 'policy restricted',
      'sns us-east-1 public-topic': 'policy public',
    };
    for (const [key, description] of Object.entries(expected))
      assert.equal(inv.get(key), description, `${key} in ${JSON.stringify([...inv])}`);
    const dave = a.resources.find((r) => r.label === 'dave')!;
    assert.equal(dave.arn, `arn:aws:iam::${ACCOUNT_ID}:user/dave`);
    assert.ok(dave.evidence?.includes('console password: none'), JSON.stringify(dave.evidence));
    // The JSON document keeps its documented shape.
    assert.deepEqual(Object.keys(toAuditJson(report).accounts[0]), ['accountId', 'profiles', 'findings', 'errors']);

    // The Accounts tree: clean items (no findings, the key fact as description) next to flagged ones.
    const cats = toCategories(a);
    const cat = (id: string) => cats.find((c) => c.id === id)!;
    const item = (id: string, label: string) => cat(id).items.find((i) => i.label === label);
    assert.deepEqual(
      cats.map((c) => c.id),
      ['root', 'users', 'ec2', 's3', 'sqs', 'sns'],
    );
    const daveItem = item('users', 'dave')!;
    assert.equal(daveItem.description, 'no console; no access keys');
    assert.deepEqual(daveItem.findings, []);
    assert.match(daveItem.tooltip, /No findings/);
    const alice = item('users', 'alice')!;
    assert.deepEqual(
      alice.findings.map((x) => x.ruleId),
      ['AJ511'],
    );
    assert.equal(alice.findings[0].severity, 'error');
    assert.equal(alice.description, 'console, no MFA; no access keys');
    assert.deepEqual(item('ec2', `${api} (api-v2)`)?.findings, []);
    assert.equal(item('ec2', `${api} (api-v2)`)?.region, 'ap-southeast-2');
    assert.deepEqual(item('sqs', 'private-queue')?.findings, []);
    assert.deepEqual(item('sns', 'default-topic')?.findings, []);
    assert.deepEqual(item('s3', 'private-bucket')?.findings, []);
    assert.deepEqual(
      item('s3', 'public-acl-bucket')?.findings.map((x) => x.ruleId),
      ['AJ531'],
    );
    assert.equal(item('s3', 'public-acl-bucket')?.region, 'eu-west-1');
    assert.deepEqual(
      item('s3', 'Account Block Public Access')?.findings.map((x) => x.ruleId),
      ['AJ534'],
    );
    // One item per resource: a finding never duplicates an inventoried item.
    for (const c of cats) assert.equal(new Set(c.items.map((i) => i.id)).size, c.items.length, c.id);
    assert.equal(cat('users').items.length, 5);
    // What could not be told about the root user shows under Root user, not IAM users.
    assert.ok(cat('root').errors.some((e) => /root user has MFA/.test(e.message)));
    assert.ok(!cat('users').errors.some((e) => /root user/.test(e.message)));
    // Flagged items sort first.
    assert.ok(cat('users').items[0].findings.length > 0);
  });

  test('as of 400 days later: unused, unrotated and stale keys and the unused passwords', async () => {
    const f = files(moto.endpoint);
    const report = await auditAccounts({
      env: cleanEnv(f),
      regions: REGIONS,
      asOf: new Date(seededAt + 400 * DAY + 3_600_000),
    });
    const u = (n: string) => `arn:aws:iam::${ACCOUNT_ID}:user/${n}`;
    const expected = [
      ...baseFindings().slice(0, 1),
      `AJ512 warning ${u('alice')} - | console password of IAM user alice never used in the 400 days since it was set (DATE)`,
      `AJ512 warning ${u('bob')} - | console password of IAM user bob never used in the 400 days since it was set (DATE)`,
      `AJ512 warning ${u('carol')} - | access key 1 of IAM user carol not used for 400 days (last used DATE)`,
      `AJ512 warning ${u('carol')} - | access key 2 of IAM user carol never used in the 400 days since it was created (DATE)`,
      `AJ513 warning ${u('carol')} - | access key 1 of IAM user carol is 400 days old (created DATE); rotate it or replace it with temporary credentials`,
      `AJ513 warning ${u('carol')} - | access key 2 of IAM user carol is 400 days old (created DATE); rotate it or replace it with temporary credentials`,
      `AJ514 warning ${u('carol')} - | access key 1 of IAM user carol is 400 days old and last used DATE; deactivate it`,
      `AJ514 warning ${u('carol')} - | access key 2 of IAM user carol is 400 days old and never used; deactivate it`,
      ...baseFindings().slice(1),
    ];
    assert.deepEqual(lines(report), expected);
  });

  test('as of 100 days later with custom thresholds', async () => {
    const f = files(moto.endpoint);
    const report = await auditAccounts({
      env: cleanEnv(f),
      regions: ['us-east-1'],
      asOf: new Date(seededAt + 100 * DAY + 3_600_000),
      thresholds: {
        unusedDays: 120,
        rotationDays: 99,
        staleKeyDays: 99,
        staleKeyUnusedDays: 99,
      },
    });
    const iam = lines(report).filter((l) => /^AJ51[2-4]/.test(l));
    assert.deepEqual(iam, [
      `AJ513 warning arn:aws:iam::${ACCOUNT_ID}:user/carol - | access key 1 of IAM user carol is 100 days old (created DATE); rotate it or replace it with temporary credentials`,
      `AJ513 warning arn:aws:iam::${ACCOUNT_ID}:user/carol - | access key 2 of IAM user carol is 100 days old (created DATE); rotate it or replace it with temporary credentials`,
      `AJ514 warning arn:aws:iam::${ACCOUNT_ID}:user/carol - | access key 1 of IAM user carol is 100 days old and last used DATE; deactivate it`,
      `AJ514 warning arn:aws:iam::${ACCOUNT_ID}:user/carol - | access key 2 of IAM user carol is 100 days old and never used; deactivate it`,
    ]);
  });

  test('account public access block: IgnorePublicAcls neutralises the public ACL, the policy stays public', async () => {
    await putAccountPab(moto.endpoint, {
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: false,
      RestrictPublicBuckets: false,
    });
    const f = files(moto.endpoint);
    const report = await auditAccounts({ env: cleanEnv(f), regions: ['us-east-1'], services: ['s3'] });
    assert.deepEqual(lines(report), [
      `AJ531 error arn:aws:s3:::public-policy-bucket us-east-1 | bucket policy is public: anyone can s3:GetObject on bucket public-policy-bucket (statement Public)`,
      `AJ534 warning ${ACCOUNT_ID} - | account-level S3 Block Public Access of account ${ACCOUNT_ID} has BlockPublicPolicy, RestrictPublicBuckets off`,
    ]);
    assert.deepEqual(report.accounts[0].errors, []);

    // All four flags on the account: no bucket can be public, and no per-bucket read is needed.
    await putAccountPab(moto.endpoint, {
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    });
    const quiet = await auditAccounts({ env: cleanEnv(f), regions: ['us-east-1'], services: ['s3'] });
    assert.deepEqual(lines(quiet), []);
    assert.deepEqual(quiet.accounts[0].errors, []);
    // The buckets are still listed, as neutralised by the account's block.
    const buckets = quiet.accounts[0].resources
      .filter((r) => r.service === 's3')
      .map((r) => `${r.label}: ${r.description}`);
    assert.deepEqual(buckets, [
      'Account Block Public Access: account BPA on',
      'private-bucket: account BPA on',
      'protected-bucket: account BPA on',
      'public-acl-bucket: account BPA on',
      'public-policy-bucket: account BPA on',
    ]);
  });

  test('streams events as results arrive, and the async iterator yields the same', async () => {
    const f = files(moto.endpoint);
    const events: AuditEvent[] = [];
    const report = await auditAccounts({ env: cleanEnv(f), regions: REGIONS, onEvent: (e) => events.push(e) });
    assert.equal(events[0].type, 'profiles');
    assert.equal(events.at(-1)!.type, 'done');
    const types = events.map((e) => e.type);
    assert.ok(types.indexOf('identity') < types.indexOf('account'));
    assert.ok(types.lastIndexOf('finding') < types.indexOf('account-done'));
    assert.equal(events.filter((e) => e.type === 'finding').length, report.accounts[0].findings.length);
    const scopes = events.filter((e) => e.type === 'scope' && e.state === 'done');
    assert.equal(scopes.length, 2 + 3 * REGIONS.length); // iam, s3, and ec2/sqs/sns per region

    const iterated: AuditEvent[] = [];
    const it = auditEvents({ env: cleanEnv(f), regions: REGIONS });
    for await (const e of it) iterated.push(e);
    assert.equal(iterated.at(-1)!.type, 'done');
    assert.equal(iterated.filter((e) => e.type === 'finding').length, report.accounts[0].findings.length);

    // Leaving the loop early stops the audit (requests in flight are aborted) and returns promptly.
    let sawFinding = false;
    for await (const e of auditEvents({ env: cleanEnv(f), regions: REGIONS })) {
      if (e.type === 'finding') {
        sawFinding = true;
        break;
      }
    }
    assert.ok(sawFinding);
  });

  test('profiles reaching the same account are one account (static and role profiles); a profile without credentials is reported, the rest goes on', async () => {
    const f = files(
      moto.endpoint,
      `\n[profile admin]\nregion = eu-west-1\nendpoint_url = ${moto.endpoint}\n\n[profile auditor-role]\nrole_arn = arn:aws:iam::${ACCOUNT_ID}:role/auditor\nsource_profile = admin\nregion = us-east-1\nendpoint_url = ${moto.endpoint}\n\n[profile broken]\nregion = us-east-1\nendpoint_url = ${moto.endpoint}\n`,
      `\n[admin]\naws_access_key_id = testing\naws_secret_access_key = testing\n`,
    );
    const events: AuditEvent[] = [];
    const report = await auditAccounts({
      env: cleanEnv(f),
      regions: ['us-east-1'],
      services: ['sns'],
      onEvent: (e) => events.push(e),
    });
    const json = toAuditJson(report);
    assert.equal(json.accounts.length, 2);
    assert.equal(json.accounts[0].accountId, ACCOUNT_ID);
    assert.deepEqual(json.accounts[0].profiles, ['default', 'admin', 'auditor-role']);
    assert.equal(json.accounts[0].findings.length, 1);
    assert.equal(json.accounts[1].accountId, null);
    assert.deepEqual(json.accounts[1].profiles, ['broken']);
    assert.equal(json.accounts[1].errors.length, 1);
    assert.equal(json.accounts[1].errors[0].service, 'sts');
    assert.match(json.accounts[1].errors[0].message, /^no usable credentials for profile "broken"/);
    // The role profile really assumed the role (its caller ARN is an assumed-role ARN).
    const role = events.find((e) => e.type === 'identity' && e.profile === 'auditor-role');
    assert.ok(
      role && role.type === 'identity' && role.ok && role.arn.includes(':assumed-role/auditor/'),
      JSON.stringify(role),
    );
  });

  test('AccessDenied on S3 only: S3 nodes say so, everything else is audited', async () => {
    proxy.denyServices.add('s3');
    const f = files(proxy.endpoint);
    const report = await auditAccounts({ env: cleanEnv(f), regions: REGIONS });
    assert.deepEqual(
      lines(report),
      baseFindings().filter((l) => !/^AJ53[14]/.test(l)),
    );
    assert.deepEqual(withoutImdsGap(toAuditJson(report).accounts[0].errors, REGIONS), [
      ROOT_NOT_MODELLED,
      { service: 's3', region: null, message: 'could not list S3 buckets (ListBuckets): access denied: Access Denied' },
      {
        service: 's3control',
        region: null,
        message:
          'could not read the account-level public access block (s3control:GetPublicAccessBlock): access denied: Access Denied',
      },
    ]);
  });

  test('throttling: EC2 answers RequestLimitExceeded a few times, adaptive retry gets through, nothing is lost', async () => {
    const before = proxy.throttled;
    proxy.throttle.set('ec2', 3);
    const f = files(proxy.endpoint);
    const report = await auditAccounts({ env: cleanEnv(f), regions: REGIONS, maxAttempts: 5 });
    assert.equal(proxy.throttled - before, 3);
    assert.deepEqual(lines(report), baseFindings());
    assert.deepEqual(withoutImdsGap(toAuditJson(report).accounts[0].errors, REGIONS), [ROOT_NOT_MODELLED]);
  });

  test("a region answering HTTP 500: that region's nodes say so, the other regions are audited", async () => {
    proxy.failRegions.add('eu-west-1');
    const f = files(proxy.endpoint);
    const report = await auditAccounts({ env: cleanEnv(f), regions: REGIONS, maxAttempts: 2 });
    assert.deepEqual(
      lines(report),
      // S3 is read through the home region (us-east-1 here): the eu-west-1 bucket is still audited.
      baseFindings().filter((l) => !l.includes('eu-west-1') || l.startsWith('AJ531')),
    );
    // In eu-west-1 the proxy's 500 answers both EC2 calls (instances and AJ522's defaults).
    const errors = withoutImdsGap(
      toAuditJson(report).accounts[0].errors,
      REGIONS.filter((r) => r !== 'eu-west-1'),
    );
    assert.deepEqual(
      errors.map((e) => `${e.service} ${e.region}`),
      // CloudFormation too: the stacks of that region could not be listed.
      ['cloudformation eu-west-1', 'ec2 eu-west-1', 'ec2 eu-west-1', 'iam null', 'sns eu-west-1', 'sqs eu-west-1'],
    );
    for (const e of errors.filter((x) => x.region === 'eu-west-1')) {
      assert.match(e.message, /the service answered HTTP 500/);
    }
  });
});
