/**
 * Posture figures (server/src/audit/posture.ts) from hand-built audit results: populations,
 * numerators, unknowns, per-account breakdown, thresholds and the report's values.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  cisText,
  computePosture,
  differingThresholds,
  formatValue,
  POSTURE_FIGURE_IDS,
} from '../../server/src/audit/posture';
import { A, B, postureInput as input, root } from '../report/fixture';

describe('posture figures', () => {
  test('every figure of the contract, in order, with numerator, denominator, value and the report', () => {
    const p = computePosture(input());
    assert.deepEqual(
      p.figures.map((x) => x.id),
      POSTURE_FIGURE_IDS,
    );
    const got = Object.fromEntries(
      p.figures.map((x) => [
        x.id,
        [
          x.numerator,
          x.denominator,
          x.value === null || typeof x.value !== 'number' ? x.value : +x.value.toFixed(4),
          x.comparison,
          x.unknown,
        ],
      ]),
    );
    assert.deepEqual(got, {
      'iam-users-inactive-credentials': [2, 5, 0.4, 'worse', 0],
      'iam-users-stale-key': [1, 5, 0.2, 'better', 0],
      'iam-users-old-key': [2, 5, 0.4, 'better', 0],
      'iam-users-old-key-of-key-holders': [2, 3, 0.6667, 'better', 0],
      'iam-users-console-no-mfa': [1, 5, 0.2, 'worse', 0],
      'accounts-root-access-key': [1, 2, 0.5, 'worse', 0],
      'root-used-30-days': [1, 1, true, 'worse', 1],
      'instances-imdsv1': [1, 2, 0.5, 'better', 1],
      's3-buckets-public': [1, 2, 0.5, 'worse', 1],
      'sns-topics-public': [1, 1, true, 'worse', 0],
      'sqs-queues-public': [0, 1, false, 'better', 0],
      accounts: [2, null, 2, 'none', 0],
    });
    assert.deepEqual(p.summary, { better: 5, worse: 6, same: 0, none: 1 });
  });

  test("the report's values and populations, and the organization companions", () => {
    const p = computePosture(input());
    const by = Object.fromEntries(p.figures.map((x) => [x.id, x]));
    assert.deepEqual(by['iam-users-inactive-credentials'].report, { value: 0.39, population: 'IAM users' });
    assert.deepEqual(by['iam-users-inactive-credentials'].organizations, [
      {
        question: 'has an IAM user with an unused credential',
        value: true,
        report: { value: 0.7, population: 'organizations' },
      },
    ]);
    assert.equal(by['iam-users-old-key-of-key-holders'].report.value, 0.76);
    assert.equal(by['iam-users-console-no-mfa'].organizations[0].report.value, 0.4);
    assert.deepEqual(
      by['accounts-root-access-key'].organizations.map((o) => [o.value, o.report.value]),
      [[true, 0.09]],
    );
    assert.equal(by['root-used-30-days'].report.value, 0.23);
    assert.deepEqual(
      by['instances-imdsv1'].organizations.map((o) => [o.value, o.report.value, o.report.population]),
      [[true, 0.95, 'organizations with instances']],
    );
    assert.deepEqual(
      by['s3-buckets-public'].organizations.map((o) => [o.value, o.report.value]),
      [[true, 0.36]],
    );
    assert.deepEqual([by['sns-topics-public'].report.value, by['sqs-queues-public'].report.value], [0.15, 0.18]);
    assert.deepEqual(
      by.accounts.organizations.map((o) => [o.question, o.value, o.report.value]),
      [
        ['uses more than one account', true, 0.41],
        ['uses ten or more accounts', false, 0.05],
      ],
    );
  });

  test('the resources behind each figure, with the findings that put them there', () => {
    const p = computePosture(input());
    const by = Object.fromEntries(p.figures.map((x) => [x.id, x]));
    assert.deepEqual(
      by['iam-users-inactive-credentials'].resources.map((r) => [r.label, r.detail]),
      [
        ['u2', ['access key 1 of IAM user u2 not used']],
        ['u3', ['access key 1 of IAM user u3 not used', 'access key 2 of IAM user u3 not used']],
      ],
    );
    // The pending instance's finding is not in the figure (running or stopped only).
    assert.deepEqual(
      by['instances-imdsv1'].resources.map((r) => r.label),
      ['i-1'],
    );
    assert.deepEqual(
      by['s3-buckets-public'].resources.map((r) => [r.label, r.region, r.detail]),
      [['b1', 'us-east-1', ['policy public', 'ACL public']]],
    );
    assert.deepEqual(
      by['accounts-root-access-key'].resources.map((r) => r.label),
      ['root of prod (111111111111)'],
    );
    assert.deepEqual(
      by.accounts.resources.map((r) => [r.id, r.label]),
      [
        [A, 'prod'],
        [B, B],
      ],
    );
  });

  test('what could not be read: unknown counts, notes, incomplete figures, the unread list', () => {
    const p = computePosture(input());
    const by = Object.fromEntries(p.figures.map((x) => [x.id, x]));
    assert.match(by['root-used-30-days'].note ?? '', /could not be read in 1 account/);
    assert.equal(by['instances-imdsv1'].incomplete, true);
    assert.equal(by['iam-users-console-no-mfa'].incomplete, false);
    assert.equal(by.accounts.incomplete, true);
    assert.match(by.accounts.note ?? '', /1 profile entry could not be audited/);
    assert.deepEqual(
      p.unread.map((u) => [u.accountId, u.service]),
      [
        [A, 'ec2'],
        [null, 'sts'],
      ],
    );
    assert.deepEqual(p.scope.notAudited, [
      { profiles: ['broken'], message: 'no usable credentials for profile "broken"' },
    ]);
  });

  test('per-account breakdown for several accounts', () => {
    const p = computePosture(input());
    assert.deepEqual(
      p.accounts.map((a) => a.accountId),
      [A, B],
    );
    const a = Object.fromEntries(p.accounts[0].figures.map((x) => [x.id, [x.numerator, x.denominator, x.value]]));
    const b = Object.fromEntries(p.accounts[1].figures.map((x) => [x.id, [x.numerator, x.denominator, x.value]]));
    assert.deepEqual(a['iam-users-inactive-credentials'], [2, 4, 0.5]);
    assert.deepEqual(b['iam-users-inactive-credentials'], [0, 1, 0]);
    assert.deepEqual(b['root-used-30-days'], [0, 0, null]);
    assert.deepEqual(b['sqs-queues-public'], [0, 1, false]);
    assert.deepEqual(a['sqs-queues-public'], [0, 0, null]);
    assert.equal(p.accounts[0].alias, 'prod');
    assert.ok(!p.accounts[0].figures.some((x) => x.id === 'accounts'));
    // One account: no breakdown.
    const one = input();
    one.accounts = [one.accounts[0]];
    assert.deepEqual(computePosture(one).accounts, []);
  });

  test("thresholds follow the audit's settings and say where they differ from the report's", () => {
    const p = computePosture({ ...input(), thresholds: { unusedDays: 45, rootRecentUseDays: 7 } });
    const by = Object.fromEntries(p.figures.map((x) => [x.id, x]));
    assert.equal(
      by['iam-users-inactive-credentials'].title,
      'IAM users with an active console password or access key unused for 45 days',
    );
    assert.deepEqual(by['iam-users-inactive-credentials'].thresholds, [
      { name: 'unusedDays', days: 45, reportDays: 90 },
    ]);
    assert.equal(by['root-used-30-days'].title, 'Root user used in the last 7 days');
    assert.deepEqual(
      differingThresholds(p).map((t) => [t.name, t.days, t.reportDays]),
      [
        ['unusedDays', 45, 90],
        ['rootRecentUseDays', 7, 30],
      ],
    );
    assert.deepEqual(differingThresholds(computePosture(input())), []);
  });

  test('CIS controls named on the figures whose rules match one', () => {
    const p = computePosture(input());
    const by = Object.fromEntries(p.figures.map((x) => [x.id, x.cis.map((c) => c.id)]));
    assert.deepEqual(by['iam-users-console-no-mfa'], ['1.10']);
    assert.deepEqual(by['accounts-root-access-key'], ['1.4']);
    assert.deepEqual(by['root-used-30-days'], ['1.7']);
    assert.deepEqual(by['iam-users-inactive-credentials'], ['1.12']);
    assert.deepEqual(by['iam-users-old-key'], ['1.14']);
    assert.deepEqual(by['instances-imdsv1'], ['5.6']);
    assert.deepEqual(by['sns-topics-public'], []);
    assert.match(p.benchmark, /v3\.0\.0/);
    // The live rules' metadata names the control too (AJ514, AJ522 and AJ531-AJ533 match none).
    const rules = Object.fromEntries(p.rules.map((r) => [r.id, r.cis?.id ?? null]));
    assert.deepEqual(rules, {
      AJ501: '1.4',
      AJ502: '1.5',
      AJ503: '1.7',
      AJ511: '1.10',
      AJ512: '1.12',
      AJ513: '1.14',
      AJ514: null,
      AJ521: '5.6',
      AJ522: null,
      AJ531: null,
      AJ532: null,
      AJ533: null,
      AJ534: '2.1.4',
    });
    assert.equal(
      cisText('AJ511'),
      'CIS Amazon Web Services Foundations Benchmark v3.0.0 1.10: Ensure multi-factor authentication (MFA) is enabled for all IAM users that have a console password',
    );
  });

  test('empty scopes: a has-one figure without topics is not applicable, shares without population are n/a', () => {
    const p = computePosture({
      asOf: '2025-01-01T00:00:00.000Z',
      accounts: [{ accountId: A, profiles: ['p'], resources: [root(A, true)], findings: [], errors: [] }],
    });
    const by = Object.fromEntries(p.figures.map((x) => [x.id, x]));
    assert.equal(by['sns-topics-public'].value, null);
    assert.match(by['sns-topics-public'].note ?? '', /no SNS topics/);
    assert.equal(formatValue(by['sns-topics-public']), 'unknown');
    assert.equal(by['iam-users-console-no-mfa'].value, null);
    assert.equal(formatValue(by['iam-users-console-no-mfa']), 'n/a');
    assert.equal(by['iam-users-console-no-mfa'].organizations[0].value, false);
    assert.equal(by['instances-imdsv1'].organizations[0].value, null);
    assert.equal(by['root-used-30-days'].value, false);
    assert.equal(by['accounts-root-access-key'].value, 0);
    assert.equal(by.accounts.value, 1);
  });
});
