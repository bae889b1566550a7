/**
 * IAM checks with recorded credential reports and GetAccountSummary responses (root user, real
 * ages and password use: what moto does not model), through a fake IAM client.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { auditIam, type Sender } from '../../server/src/audit/iam';

const FIX = join(__dirname, 'fixtures');
const fixture = (name: string) => readFileSync(join(FIX, name));

interface FakeIam extends Sender {
  calls: string[];
}

/** A fake IAM client answering from recorded responses; `overrides` replace or fail single operations. */
function fakeIam(
  report: Buffer | undefined,
  summary: unknown,
  overrides: Record<string, (input: any, n: number) => unknown> = {},
): FakeIam {
  const counts: Record<string, number> = {};
  const calls: string[] = [];
  return {
    calls,
    async send(command: any) {
      const op = command.constructor.name.replace(/Command$/, '');
      counts[op] = (counts[op] ?? 0) + 1;
      calls.push(op + (command.input?.UserName ? `:${command.input.UserName}` : ''));
      if (overrides[op]) return overrides[op](command.input, counts[op]);
      switch (op) {
        case 'GetAccountSummary':
          return summary;
        case 'GenerateCredentialReport':
          return { State: counts[op] < 3 ? 'STARTED' : 'COMPLETE' };
        case 'GetCredentialReport':
          return {
            Content: new Uint8Array(report!),
            ReportFormat: 'text/csv',
            GeneratedTime: new Date('2024-05-31T22:00:00Z'),
          };
        case 'ListUsers':
          return { Users: [], IsTruncated: false };
        default:
          throw new Error(`unexpected ${op}`);
      }
    },
  };
}

function denied(op: string) {
  return () => {
    const e = new Error(`User: arn:aws:iam::111122223333:user/auditor is not authorized to perform: iam:${op}`);
    e.name = 'AccessDenied';
    (e as any).$metadata = { httpStatusCode: 403 };
    throw e;
  };
}

const ASOF = new Date('2024-06-01T00:00:00Z');
const render = (fs: { ruleId: string; resource: string; message: string }[]) =>
  fs.map((f) => `${f.ruleId} ${f.resource} | ${f.message}`).sort();

describe('IAM checks from recorded responses', () => {
  test('insecure root and users: exact findings (report polled until COMPLETE)', async () => {
    const iam = fakeIam(
      fixture('credential-report-insecure-root.csv'),
      JSON.parse(String(fixture('account-summary-insecure-root.json'))),
    );
    const { findings, errors } = await auditIam(iam, { accountId: '111122223333', asOf: ASOF, pollDelayMs: 1 });
    assert.deepEqual(errors, []);
    assert.deepEqual(render(findings), [
      'AJ501 arn:aws:iam::111122223333:root | the root user of account 111122223333 has an access key (active: access key 1); delete it',
      'AJ502 arn:aws:iam::111122223333:root | the root user of account 111122223333 has no MFA device',
      'AJ503 arn:aws:iam::111122223333:root | the root user of account 111122223333 was used within the last 30 days: password on 2024-05-28, access key 1 on 2024-05-30',
      'AJ511 arn:aws:iam::111122223333:user/ops-john | IAM user ops-john can sign in to the console without MFA',
      'AJ512 arn:aws:iam::111122223333:user/legacy-batch | access key 1 of IAM user legacy-batch not used for 502 days (last used 2023-01-15)',
      'AJ512 arn:aws:iam::111122223333:user/ops-john | console password of IAM user ops-john never used in the 212 days since it was set (2023-11-01)',
      'AJ513 arn:aws:iam::111122223333:user/ci/deploy-ci | access key 1 of IAM user deploy-ci is 872 days old (created 2022-01-10); rotate it or replace it with temporary credentials',
      'AJ513 arn:aws:iam::111122223333:user/legacy-batch | access key 1 of IAM user legacy-batch is 1215 days old (created 2021-02-01); rotate it or replace it with temporary credentials',
      'AJ514 arn:aws:iam::111122223333:user/legacy-batch | access key 1 of IAM user legacy-batch is 1215 days old and last used 2023-01-15; deactivate it',
    ]);
    assert.equal(iam.calls.filter((c) => c === 'GenerateCredentialReport').length, 3);
    assert.equal(iam.calls.filter((c) => c === 'GetCredentialReport').length, 1);
    // Everyone was in the report: no per-user calls.
    assert.deepEqual(
      iam.calls.filter((c) => c.includes(':')),
      [],
    );
  });

  test('secure root: no root findings; thresholds are settings', async () => {
    const iam = fakeIam(
      fixture('credential-report-secure-root.csv'),
      JSON.parse(String(fixture('account-summary-secure-root.json'))),
    );
    const { findings, errors } = await auditIam(iam, { accountId: '444455556666', asOf: ASOF, pollDelayMs: 1 });
    assert.deepEqual(errors, []);
    assert.deepEqual(findings, []);
    // jane's password was last used 2024-05-30: unused only with a 1-day threshold.
    const strict = await auditIam(fakeIam(fixture('credential-report-secure-root.csv'), {}), {
      accountId: '444455556666',
      asOf: ASOF,
      pollDelayMs: 1,
      thresholds: {
        unusedDays: 1,
        rotationDays: 90,
        staleKeyDays: 365,
        staleKeyUnusedDays: 30,
        rootRecentUseDays: 600,
      },
    });
    assert.deepEqual(render(strict.findings), [
      'AJ503 arn:aws:iam::444455556666:root | the root user of account 444455556666 was used within the last 600 days: password on 2023-01-02',
      'AJ512 arn:aws:iam::444455556666:user/jane | console password of IAM user jane not used for 1 days (last used 2024-05-30)',
    ]);
  });

  test('GetAccountSummary denied: root access key still found from the report, the error says what is missing', async () => {
    const iam = fakeIam(fixture('credential-report-insecure-root.csv'), undefined, {
      GetAccountSummary: denied('GetAccountSummary'),
    });
    const { findings, errors } = await auditIam(iam, { accountId: '111122223333', asOf: ASOF, pollDelayMs: 1 });
    assert.deepEqual(
      findings.filter((f) => f.ruleId.startsWith('AJ50')).map((f) => f.ruleId),
      ['AJ501', 'AJ502', 'AJ503'],
    );
    assert.deepEqual(
      errors.map((e) => [e.service, e.region, e.message]),
      [
        [
          'iam',
          null,
          'could not read the account summary (GetAccountSummary): access denied: User: arn:aws:iam::111122223333:user/auditor is not authorized to perform: iam:GetAccountSummary',
        ],
      ],
    );
  });

  test('credential report denied: every user is read through ListUsers and per-user calls instead', async () => {
    const old = new Date('2023-01-01T00:00:00Z');
    const iam = fakeIam(
      undefined,
      { SummaryMap: { AccountMFAEnabled: 1, AccountAccessKeysPresent: 0 } },
      {
        GenerateCredentialReport: denied('GenerateCredentialReport'),
        ListUsers: () => ({
          Users: [
            { UserName: 'ann', Arn: 'arn:aws:iam::111122223333:user/ann', CreateDate: old },
            { UserName: 'svc', Arn: 'arn:aws:iam::111122223333:user/svc', CreateDate: old },
          ],
          IsTruncated: false,
        }),
        GetLoginProfile: (input) => {
          if (input.UserName === 'ann') return { LoginProfile: { UserName: 'ann', CreateDate: old } };
          const e = new Error('Login Profile for User svc cannot be found.');
          e.name = 'NoSuchEntity';
          throw e;
        },
        ListMFADevices: () => ({ MFADevices: [] }),
        ListAccessKeys: (input) =>
          input.UserName === 'svc'
            ? {
                AccessKeyMetadata: [
                  { UserName: 'svc', AccessKeyId: 'AKIAEXAMPLESVC000001', Status: 'Active', CreateDate: old },
                ],
              }
            : { AccessKeyMetadata: [] },
        GetAccessKeyLastUsed: () => ({
          UserName: 'svc',
          AccessKeyLastUsed: { LastUsedDate: new Date('2024-05-25T00:00:00Z'), Region: 'us-east-1', ServiceName: 's3' },
        }),
      },
    );
    const { findings, errors } = await auditIam(iam, { accountId: '111122223333', asOf: ASOF, pollDelayMs: 1 });
    assert.deepEqual(render(findings), [
      'AJ511 arn:aws:iam::111122223333:user/ann | IAM user ann can sign in to the console without MFA',
      'AJ512 arn:aws:iam::111122223333:user/ann | console password of IAM user ann never used in the 517 days since it was set (2023-01-01)',
      'AJ513 arn:aws:iam::111122223333:user/svc | access key 1 of IAM user svc is 517 days old (created 2023-01-01); rotate it or replace it with temporary credentials',
    ]);
    assert.equal(errors.length, 1);
    assert.match(
      errors[0].message,
      /^could not read the credential report \(GenerateCredentialReport\/GetCredentialReport\): access denied/,
    );
  });

  test('users created after the report was generated are read individually', async () => {
    const iam = fakeIam(
      fixture('credential-report-secure-root.csv'),
      JSON.parse(String(fixture('account-summary-secure-root.json'))),
      {
        ListUsers: () => ({
          Users: [
            {
              UserName: 'jane',
              Arn: 'arn:aws:iam::444455556666:user/jane',
              CreateDate: new Date('2020-06-15T14:30:00Z'),
            },
            {
              UserName: 'newbie',
              Arn: 'arn:aws:iam::444455556666:user/newbie',
              CreateDate: new Date('2024-05-31T20:00:00Z'),
            },
          ],
          IsTruncated: false,
        }),
        GetLoginProfile: () => ({ LoginProfile: { UserName: 'newbie', CreateDate: new Date('2024-05-31T20:00:00Z') } }),
        ListMFADevices: () => ({ MFADevices: [] }),
        ListAccessKeys: () => ({ AccessKeyMetadata: [] }),
      },
    );
    const { findings, errors } = await auditIam(iam, { accountId: '444455556666', asOf: ASOF, pollDelayMs: 1 });
    assert.deepEqual(errors, []);
    assert.deepEqual(render(findings), [
      'AJ511 arn:aws:iam::444455556666:user/newbie | IAM user newbie can sign in to the console without MFA',
    ]);
    assert.deepEqual(iam.calls.filter((c) => c.includes(':')).sort(), [
      'GetLoginProfile:newbie',
      'ListAccessKeys:newbie',
      'ListMFADevices:newbie',
    ]);
  });

  test('a report that never completes is an error, not a hang', async () => {
    const iam = fakeIam(
      undefined,
      { SummaryMap: { AccountMFAEnabled: 1, AccountAccessKeysPresent: 0 } },
      {
        GenerateCredentialReport: () => ({ State: 'INPROGRESS' }),
      },
    );
    const { errors } = await auditIam(iam, { accountId: '1', asOf: ASOF, pollDelayMs: 1, reportTimeoutMs: 50 });
    assert.equal(errors.length, 1);
    assert.match(errors[0].message, /the credential report was not COMPLETE in time/);
  });
});
