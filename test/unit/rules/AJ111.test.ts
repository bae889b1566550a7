/** AJ111 s3-public-acl. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectFinding, findings, loc, none, one, json } from './util';

const bucket = (acl: string, pab = '') =>
  'Resources:\n' +
  '  Assets:\n' +
  '    Type: AWS::S3::Bucket\n' +
  '    Properties:\n' +
  `      AccessControl: ${acl}\n` +
  pab;

test('AJ111 severities: PublicReadWrite error, PublicRead and AuthenticatedRead warning', () => {
  for (const [acl, sev, words] of [
    [
      'PublicReadWrite',
      'error',
      'Anyone on the internet can list, read, overwrite and delete objects in bucket Assets',
    ],
    ['PublicRead', 'warning', 'Anyone on the internet can list and read every object in bucket Assets'],
    ['AuthenticatedRead', 'warning', 'Any user of any AWS account can list and read every object in bucket Assets'],
  ] as const) {
    const t = bucket(acl);
    const f = one(t, 'AJ111');
    expectFinding(f, {
      ruleId: 'AJ111',
      severity: sev,
      resource: 'Assets',
      range: loc(t, acl),
      message: [words, `AccessControl ${acl}`, /S3's defaults .* fail or the ACL inert/],
    });
    assert.equal(f.rule, 's3-public-acl');
  }
});

test('AJ111 JSON: range of the value string', () => {
  const t = json({
    Resources: { Assets: { Type: 'AWS::S3::Bucket', Properties: { AccessControl: 'PublicReadWrite' } } },
  });
  expectFinding(one(t, 'AJ111', 'template.json'), {
    ruleId: 'AJ111',
    severity: 'error',
    resource: 'Assets',
    range: loc(t, '"PublicReadWrite"'),
  });
});

test('AJ111: IgnorePublicAcls true written: information', () => {
  const t = bucket(
    'PublicReadWrite',
    '      PublicAccessBlockConfiguration:\n        BlockPublicAcls: false\n        IgnorePublicAcls: true\n',
  );
  const f = one(t, 'AJ111');
  expectFinding(f, {
    ruleId: 'AJ111',
    severity: 'information',
    resource: 'Assets',
    range: loc(t, 'PublicReadWrite'),
    message: ['IgnorePublicAcls'],
  });
  const tj = json({
    Resources: {
      Assets: {
        Type: 'AWS::S3::Bucket',
        Properties: { AccessControl: 'PublicRead', PublicAccessBlockConfiguration: { IgnorePublicAcls: 'true' } },
      },
    },
  });
  assert.equal(one(tj, 'AJ111', 'template.json').severity, 'information');
});

test('AJ111: config written with IgnorePublicAcls false keeps the severity', () => {
  const t = bucket(
    'PublicRead',
    '      PublicAccessBlockConfiguration:\n        BlockPublicAcls: false\n        IgnorePublicAcls: false\n',
  );
  const f = one(t, 'AJ111');
  assert.equal(f.severity, 'warning');
  assert.doesNotMatch(f.message, /defaults/);
});

test('AJ111 near misses: Private, BucketOwnerFullControl, LogDeliveryWrite, no AccessControl', () => {
  for (const acl of ['Private', 'BucketOwnerFullControl', 'LogDeliveryWrite', 'BucketOwnerRead', 'AwsExecRead'])
    none(bucket(acl), 'AJ111');
  none('Resources:\n  B:\n    Type: AWS::S3::Bucket\n', 'AJ111');
  none(
    json({ Resources: { B: { Type: 'AWS::S3::Bucket', Properties: { AccessControl: 'Private' } } } }),
    'AJ111',
    'template.json',
  );
});

test('AJ111: !If on AccessControl names the branch', () => {
  const t = 'Conditions:\n  Pub: !Equals [a, a]\n' + bucket('!If [Pub, PublicRead, Private]');
  const f = one(t, 'AJ111');
  expectFinding(f, {
    ruleId: 'AJ111',
    severity: 'warning',
    resource: 'Assets',
    range: loc(t, 'PublicRead'),
    message: ['Pub'],
  });
});

test('AJ111: several paths to the same value at the same node are one finding', () => {
  // Two branches reach PublicRead through the same `!Ref P`: one finding there.
  const t =
    'Conditions:\n  C: !Equals [a, b]\nParameters:\n  P:\n    Type: String\n    Default: !If [C, PublicRead, PublicRead]\n' +
    bucket('!Ref P');
  assert.equal(one(t, 'AJ111').severity, 'warning');
  // Branches written at two places are two findings, each at its own node.
  assert.equal(
    findings('Conditions:\n  C: !Equals [a, b]\n' + bucket('!If [C, PublicRead, PublicRead]'), 'AJ111').length,
    2,
  );
  const p =
    'Parameters:\n  A:\n    Type: String\n    Default: PublicRead\n    AllowedValues: [PublicRead, PublicReadWrite, Private]\n' +
    bucket('!Ref A');
  const fs = findings(p, 'AJ111');
  assert.deepEqual(fs.map((f) => f.severity).sort(), ['error', 'warning'], 'distinct values stay distinct findings');
});
