/**
 * Every account of an organization in one audit, against moto_server: the management account
 * and five members in two OUs (one nested), each seeded through its own credentials. One
 * member's role cannot be assumed and one member's SNS is denied (moto enforces neither trust
 * policies nor SCPs: the fault proxy in front of it answers AccessDenied, see moto.ts); one member
 * is also reached through a role profile and is one account. Exact findings per account, through
 * the module and through `ajar audit --organization ... --format json`; the shards of a run,
 * merged, equal the unsharded run.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { auditAccounts, toAuditJson, type AuditEvent, type AuditReport } from '../../server/src/audit';
import type { AccountAudit } from '../../server/src/audit/audit';
import {
  cleanEnv,
  IMDS_DEFAULTS_UNREAD,
  startFaultProxy,
  startMoto,
  writeAwsFiles,
  type AwsFiles,
  type FaultProxy,
  type Moto,
} from './moto';
import { MANAGEMENT_ACCOUNT_ID, MEMBER_ROLE, seedOrganization, type SeededOrganization } from './orgSeed';

const ROOT = resolve(__dirname, '../..');
const CLI = join(ROOT, 'dist', 'cli.js');
const REGIONS = ['us-east-1', 'eu-west-1'];
/** moto does not implement ec2:GetInstanceMetadataDefaults (AJ522): each audited region says so. */
const IMDS_GAP = [...REGIONS].sort().map((r) => `ec2 ${r} ${IMDS_DEFAULTS_UNREAD}`);
const ROOT_NOT_MODELLED =
  'could not tell whether the root user has MFA: GetAccountSummary says AccountMFAEnabled = 0 but the credential report has no <root_account> row (an emulator that does not model the root user?)';

let moto: Moto;
let proxy: FaultProxy;
let org: SeededOrganization;
let files: AwsFiles;
const SPEC = { profile: 'mgmt', roleName: MEMBER_ROLE };

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    newest = Math.max(newest, st.isDirectory() ? newestMtime(p) : st.mtimeMs);
  }
  return newest;
}
function ensureCli(): void {
  const src = Math.max(
    ...['server/src/audit', 'server/src/cli', 'server/src/engine'].map((d) => newestMtime(join(ROOT, d))),
  );
  if (existsSync(CLI) && statSync(CLI).mtimeMs >= src) return;
  const r = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`scripts/build.mjs failed: ${r.stderr}`);
}
function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd = ROOT,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

before(async () => {
  ensureCli();
  moto = await startMoto();
  proxy = await startFaultProxy(moto.endpoint);
  org = await seedOrganization(moto.endpoint);
  files = writeAwsFiles(
    `[profile mgmt]\nregion = us-east-1\nendpoint_url = ${proxy.endpoint}\n` +
      `[profile sandbox]\nregion = us-east-1\nendpoint_url = ${proxy.endpoint}\n` +
      `role_arn = arn:aws:iam::${org.accounts['sandbox-d']}:role/SandboxAdmin\nsource_profile = mgmt\n`,
    `[mgmt]\naws_access_key_id = testing\naws_secret_access_key = testing\n`,
  );
  proxy.denyAssumeRole.add(org.accounts['broken-e']);
});
after(async () => {
  await proxy?.close();
  await moto?.stop();
  files?.cleanup();
});

/** The SCP stand-in: dev-c may not call SNS (known to the proxy once its role is assumed through it). */
function denySnsInDevC() {
  proxy.denyServicesIn.set(org.accounts['dev-c'], new Set(['sns']));
}

function findingLines(a: {
  findings: { ruleId: string; severity: string; resource: string; region: string | null; message: string }[];
}) {
  return a.findings.map((f) => `${f.ruleId} ${f.severity} ${f.resource} ${f.region ?? '-'} | ${f.message}`);
}

/** What every account of the organization must show, by account id. */
function expected(): Record<
  string,
  { name?: string; ou?: string; profiles: string[]; findings: string[]; errors: string[]; audited?: false }
> {
  const id = org.accounts;
  const bpa = (acct: string) =>
    `AJ534 warning ${acct} - | account ${acct} has no account-level S3 Block Public Access configuration`;
  const inst = org.instances['prod-b'];
  return {
    [MANAGEMENT_ACCOUNT_ID]: {
      name: 'master',
      ou: 'Root',
      profiles: ['mgmt'],
      findings: [
        `AJ511 error arn:aws:iam::${MANAGEMENT_ACCOUNT_ID}:user/mgmt-admin - | IAM user mgmt-admin can sign in to the console without MFA`,
        bpa(MANAGEMENT_ACCOUNT_ID),
      ],
      errors: [...IMDS_GAP, `iam - ${ROOT_NOT_MODELLED}`],
    },
    [id['prod-a']]: {
      name: 'prod-a',
      ou: 'Root/Workloads/Prod',
      profiles: [],
      findings: [
        `AJ531 error arn:aws:s3:::prod-a-public us-east-1 | bucket policy is public: anyone can s3:GetObject on bucket prod-a-public (statement Public)`,
        bpa(id['prod-a']),
      ],
      errors: [...IMDS_GAP, `iam - ${ROOT_NOT_MODELLED}`],
    },
    [id['prod-b']]: {
      name: 'prod-b',
      ou: 'Root/Workloads/Prod',
      profiles: [],
      findings: [
        `AJ521 warning arn:aws:ec2:eu-west-1:${id['prod-b']}:instance/${inst} eu-west-1 | EC2 instance ${inst} accepts IMDSv1 (HttpTokens is optional); require IMDSv2 tokens`,
        bpa(id['prod-b']),
      ],
      errors: [...IMDS_GAP, `iam - ${ROOT_NOT_MODELLED}`],
    },
    [id['dev-c']]: {
      name: 'dev-c',
      ou: 'Root/Workloads',
      profiles: [],
      findings: [
        `AJ532 error arn:aws:sqs:us-east-1:${id['dev-c']}:dev-c-queue us-east-1 | queue policy is public: anyone can sqs:SendMessage on queue dev-c-queue (statement Public)`,
        bpa(id['dev-c']),
      ],
      errors: [
        ...IMDS_GAP,
        `iam - ${ROOT_NOT_MODELLED}`,
        'sns eu-west-1 could not list SNS topics (ListTopics): access denied: Access Denied',
        'sns us-east-1 could not list SNS topics (ListTopics): access denied: Access Denied',
      ],
    },
    [id['sandbox-d']]: {
      name: 'sandbox-d',
      ou: 'Root/Sandbox',
      profiles: ['sandbox'],
      findings: [
        `AJ533 error arn:aws:sns:us-east-1:${id['sandbox-d']}:sandbox-d-topic us-east-1 | topic policy is public: anyone can SNS:Publish on topic sandbox-d-topic (statement Public)`,
        bpa(id['sandbox-d']),
      ],
      errors: [...IMDS_GAP, `iam - ${ROOT_NOT_MODELLED}`],
    },
    [id['broken-e']]: {
      name: 'broken-e',
      ou: 'Root/Sandbox',
      profiles: [],
      findings: [],
      errors: [
        `sts - could not assume arn:aws:iam::${id['broken-e']}:role/${MEMBER_ROLE} (sts:AssumeRole, session ajar-audit): access denied: User: arn:aws:iam::123456789012:user/auditor is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${id['broken-e']}:role/${MEMBER_ROLE}`,
      ],
      audited: false,
    },
  };
}

function actual(
  accounts: (Pick<AccountAudit, 'accountId' | 'profiles' | 'findings' | 'name' | 'ou' | 'audited'> & {
    errors: { service: string; region: string | null; message: string }[];
  })[],
) {
  const out: ReturnType<typeof expected> = {};
  for (const a of accounts) {
    out[a.accountId ?? `null:${a.profiles.join(',')}`] = {
      ...(a.name !== undefined ? { name: a.name } : {}),
      ...(a.ou !== undefined ? { ou: a.ou } : {}),
      profiles: a.profiles,
      findings: findingLines(a),
      errors: a.errors.map((e) => `${e.service} ${e.region ?? '-'} ${e.message}`),
      ...(a.audited === false ? { audited: false as const } : {}),
    };
  }
  return out;
}

async function orgAudit(extra: Parameters<typeof auditAccounts>[0] = {}): Promise<AuditReport> {
  return auditAccounts({ env: cleanEnv(files), regions: REGIONS, organizations: [SPEC], ...extra });
}

describe('an organization against moto', () => {
  test('every ACTIVE account, one node each, exact findings; the denied role and the denied service stay on their account', async () => {
    denySnsInDevC();
    const events: AuditEvent[] = [];
    const report = await orgAudit({ profiles: ['sandbox'], onEvent: (e) => events.push(e) });
    assert.deepEqual(actual(report.accounts), expected());
    // Sorted by account id, every account once.
    const ids = report.accounts.map((a) => a.accountId);
    assert.deepEqual(ids, [...ids].sort());
    const d = report.accounts.find((a) => a.accountId === org.accounts['sandbox-d'])!;
    assert.deepEqual(d.via, ['sandbox', 'organization']);
    assert.equal(d.auditedWith, 'sandbox');
    const mgmt = report.accounts.find((a) => a.accountId === MANAGEMENT_ACCOUNT_ID)!;
    assert.equal(mgmt.auditedWith, 'mgmt');
    assert.deepEqual(mgmt.via, ['mgmt', 'organization']);
    assert.deepEqual(report.organizations, [
      {
        profile: 'mgmt',
        roleName: MEMBER_ROLE,
        id: org.id,
        managementAccountId: MANAGEMENT_ACCOUNT_ID,
        selected: 6,
        listed: 6,
      },
    ]);
    const json = toAuditJson(report);
    assert.deepEqual(json.organization, { id: org.id, managementAccountId: MANAGEMENT_ACCOUNT_ID });
    assert.equal(json.accounts.find((a) => a.accountId === org.accounts['prod-a'])!.ou, 'Root/Workloads/Prod');
    assert.equal(json.accounts.find((a) => a.accountId === org.accounts['broken-e'])!.audited, false);
    // The role is assumed, with session ajar-audit, in exactly the members no profile reaches.
    const assumed = proxy.assumeRoles.filter((r) => r.sessionName === 'ajar-audit').map((r) => r.roleArn);
    assert.deepEqual(
      [...new Set(assumed)].sort(),
      (['prod-a', 'prod-b', 'dev-c', 'broken-e'] as const)
        .map((m) => `arn:aws:iam::${org.accounts[m]}:role/${MEMBER_ROLE}`)
        .sort(),
    );
    // The organization event carries the tree, OU paths included.
    const o = events.find((e) => e.type === 'organization');
    assert.ok(o && o.type === 'organization' && o.tree);
    assert.deepEqual(
      o.tree.units.map((u) => u.path),
      ['Root', 'Root/Sandbox', 'Root/Workloads', 'Root/Workloads/Prod'],
    );
    // A failed member is not an audited account in the posture figures.
    const { computePosture } = await import('../../server/src/audit/posture');
    const p = computePosture(report);
    assert.equal(p.figures.find((f) => f.id === 'accounts')!.numerator, 5);
    assert.deepEqual(
      p.scope.notAudited.map((n) => [n.accountId, n.name]),
      [[org.accounts['broken-e'], 'broken-e']],
    );
  });

  test('include by OU (with its child OUs) and by account; exclude wins', async () => {
    const a = await orgAudit({ organizations: [{ ...SPEC, include: [org.ous.workloads] }] });
    assert.deepEqual(a.accounts.map((x) => x.name).sort(), ['dev-c', 'prod-a', 'prod-b']);
    const b = await orgAudit({
      organizations: [{ ...SPEC, include: [org.ous.workloads, org.accounts['sandbox-d']], exclude: [org.ous.prod] }],
    });
    assert.deepEqual(b.accounts.map((x) => x.name).sort(), ['dev-c', 'sandbox-d']);
    const c = await orgAudit({ organizations: [{ ...SPEC, include: ['ou-zzzz-nothere1'] }] });
    assert.equal(c.accounts.length, 0);
    assert.match(c.organizations![0].error!, /not in organization .*ou-zzzz-nothere1/);
  });

  test('accounts in parallel within the bound; cancelling stops the rest', async () => {
    let running = 0;
    let peak = 0;
    const report = await orgAudit({
      accountConcurrency: 2,
      onEvent: (e) => {
        if (e.type === 'account' && e.accountId) peak = Math.max(peak, ++running);
        if (e.type === 'account-done' && e.account.accountId) running--;
      },
    });
    assert.equal(report.accounts.length, 6);
    assert.equal(peak, 2);
    const stop = new AbortController();
    const started = Date.now();
    const cancelled = await orgAudit({
      accountConcurrency: 1,
      abortSignal: stop.signal,
      onEvent: (e) => {
        if (e.type === 'account-done') stop.abort();
      },
    });
    assert.ok(Date.now() - started < 30_000);
    assert.equal(cancelled.accounts.length, 6);
    const notReached = cancelled.accounts.filter((a) =>
      a.errors.some((e) => /stopped before this account/.test(e.message)),
    );
    assert.ok(notReached.length >= 4, `${notReached.length} accounts not reached`);
    assert.ok(notReached.every((a) => a.audited === false && a.findings.length === 0));
  });

  test("ajar audit without --organization: the project's .ajar.yaml audit.organizations apply", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ajar-org-project-'));
    try {
      writeFileSync(
        join(dir, '.ajar.yaml'),
        `audit:\n  organizations:\n    - profile: mgmt\n      roleName: ${MEMBER_ROLE}\n      include: [${org.ous.prod}]\n`,
      );
      const r = await runCli(['audit', '--region', REGIONS.join(','), '--format', 'json'], cleanEnv(files), dir);
      assert.ok(r.code === 0 || r.code === 1, r.stderr);
      const doc = JSON.parse(r.stdout);
      assert.deepEqual(doc.organization, { id: org.id, managementAccountId: MANAGEMENT_ACCOUNT_ID });
      assert.deepEqual(doc.accounts.map((a: { name: string; ou: string }) => `${a.name} ${a.ou}`).sort(), [
        'prod-a Root/Workloads/Prod',
        'prod-b Root/Workloads/Prod',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('ajar audit --organization --format json: the same accounts; the shards merged equal the unsharded run', async () => {
    denySnsInDevC();
    const env = cleanEnv(files);
    const asOf = '2030-01-01T00:00:00.000Z';
    const common = [
      'audit',
      '--organization',
      'mgmt',
      '--role-name',
      MEMBER_ROLE,
      '--profile',
      'sandbox',
      '--region',
      REGIONS.join(','),
      '--as-of',
      asOf,
      '--format',
      'json',
    ];
    const full = await runCli(common, env);
    assert.equal(full.code, 1, full.stderr);
    const doc = JSON.parse(full.stdout);
    assert.deepEqual(doc.organization, { id: org.id, managementAccountId: MANAGEMENT_ACCOUNT_ID });
    const want = expected();
    // The AJ512 "never used" findings come with the --as-of years later; compare the rest exactly.
    const got = actual(doc.accounts);
    for (const a of Object.values(got)) a.findings = a.findings.filter((f) => !/^AJ51[234]/.test(f));
    assert.deepEqual(got, want);
    assert.ok(doc.posture, 'the posture block');
    assert.equal(doc.shard, undefined);
    assert.ok(doc.accounts.every((a: { postureInput?: unknown }) => a.postureInput === undefined));

    const dir = mkdtempSync(join(tmpdir(), 'ajar-shards-'));
    try {
      const parts: string[] = [];
      for (const i of [1, 2, 3]) {
        const r = await runCli([...common, '--shard', `${i}/3`, '--concurrency', '2'], env);
        assert.ok(r.code === 0 || r.code === 1, r.stderr);
        const part = JSON.parse(r.stdout);
        assert.deepEqual(part.shard, { index: i, count: 3, total: 6 });
        assert.equal(part.accounts.length, 2);
        const file = join(dir, `part${i}.json`);
        writeFileSync(file, r.stdout);
        parts.push(file);
      }
      // In any order.
      const merged = await runCli(['audit', 'merge', parts[2], parts[0], parts[1]], env);
      assert.equal(merged.code, 1, merged.stderr);
      assert.deepEqual(JSON.parse(merged.stdout), doc);
      const missing = await runCli(['audit', 'merge', parts[0], parts[1]], env);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /shard 3\/3 missing/);
      const twice = await runCli(['audit', 'merge', parts[0], parts[0], parts[1]], env);
      assert.equal(twice.code, 2);
      assert.match(twice.stderr, /both shard 1\/3/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
