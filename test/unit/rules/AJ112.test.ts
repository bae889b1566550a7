/** AJ112 s3-public-access-block-disabled. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectFinding, findings, loc, locAfter, none, json } from './util';

const FLAGS = ['BlockPublicAcls', 'BlockPublicPolicy', 'IgnorePublicAcls', 'RestrictPublicBuckets'];

test('AJ112: one finding per flag written false, on its value (YAML)', () => {
  const t =
    'Resources:\n  Assets:\n    Type: AWS::S3::Bucket\n    Properties:\n      PublicAccessBlockConfiguration:\n' +
    FLAGS.map((f) => `        ${f}: false\n`).join('');
  const fs = findings(t, 'AJ112');
  assert.equal(fs.length, 4);
  FLAGS.forEach((flag, i) => {
    expectFinding(fs[i], {
      ruleId: 'AJ112',
      severity: 'warning',
      resource: 'Assets',
      range: locAfter(t, flag + ': ', 'false'),
      message: [`${flag} is false on bucket Assets`],
    });
    assert.equal(fs[i].data?.flag, flag);
    assert.equal(fs[i].rule, 's3-public-access-block-disabled');
  });
});

test('AJ112: only the false flags; "false" strings count (JSON)', () => {
  const t = json({
    Resources: {
      Assets: {
        Type: 'AWS::S3::Bucket',
        Properties: {
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            BlockPublicPolicy: 'false',
            IgnorePublicAcls: true,
            RestrictPublicBuckets: false,
          },
        },
      },
    },
  });
  const fs = findings(t, 'AJ112', 'template.json');
  assert.equal(fs.length, 2);
  expectFinding(fs[0], {
    ruleId: 'AJ112',
    severity: 'warning',
    resource: 'Assets',
    range: loc(t, '"false"'),
    message: ['BlockPublicPolicy'],
  });
  expectFinding(fs[1], {
    ruleId: 'AJ112',
    severity: 'warning',
    resource: 'Assets',
    range: locAfter(t, '"RestrictPublicBuckets": ', 'false'),
    message: ['RestrictPublicBuckets'],
  });
});

test('AJ112 near misses: no configuration, all true, omitted flags', () => {
  none('Resources:\n  Assets:\n    Type: AWS::S3::Bucket\n', 'AJ112');
  none('Resources:\n  Assets:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: x\n', 'AJ112');
  none(
    'Resources:\n  Assets:\n    Type: AWS::S3::Bucket\n    Properties:\n      PublicAccessBlockConfiguration:\n' +
      FLAGS.map((f) => `        ${f}: true\n`).join(''),
    'AJ112',
  );
  none(
    'Resources:\n  Assets:\n    Type: AWS::S3::Bucket\n    Properties:\n      PublicAccessBlockConfiguration:\n        BlockPublicAcls: true\n',
    'AJ112',
  );
  none(
    json({ Resources: { A: { Type: 'AWS::S3::Bucket', Properties: { PublicAccessBlockConfiguration: {} } } } }),
    'AJ112',
    'template.json',
  );
});

test('AJ112: a configuration chosen by !If: the false flag in the branch, branch named', () => {
  const t =
    'Conditions:\n  C: !Equals [a, b]\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      PublicAccessBlockConfiguration: !If [C, {BlockPublicAcls: false}, !Ref AWS::NoValue]\n';
  const fs = findings(t, 'AJ112');
  assert.equal(fs.length, 1);
  expectFinding(fs[0], {
    ruleId: 'AJ112',
    severity: 'warning',
    resource: 'B',
    range: loc(t, 'false'),
    message: ['BlockPublicAcls', 'condition C is true'],
  });
});
