/** `.ajar.yaml`: parsing, problems, and how it changes findings (rules, ignores, ignorePaths). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintText, parseConfig } from '../../server/src/engine';

const TEMPLATE = `Resources:
  Web:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-1
  Key:
    Type: AWS::IAM::AccessKey
    Properties:
      UserName: bob
`;

test('rules by id and slug: off and re-grade', () => {
  const { config, problems } = parseConfig('rules:\n  AJ301: off\n  imdsv2-not-enforced: error\n');
  assert.deepEqual(problems, []);
  const r = lintText(TEMPLATE, { fileName: '/p/t.yaml', config });
  assert.deepEqual(
    r.findings.map((f) => `${f.ruleId} ${f.severity}`),
    ['AJ201 error'],
  );
});

test('ignores by rule, path and resource; a reason-less ignore is a problem but still applies', () => {
  const { config, problems } = parseConfig(
    'ignores:\n  - rule: AJ201\n    path: "stacks/*.yaml"\n    resource: Web\n    reason: build box, no network\n  - rule: long-lived-access-key\n',
    '/p/.ajar.yaml',
  );
  config.root = '/p';
  assert.equal(problems.length, 1);
  assert.match(problems[0].message, /long-lived-access-key has no reason/);
  const hit = lintText(TEMPLATE, { fileName: '/p/stacks/t.yaml', config });
  assert.deepEqual(hit.findings, []);
  assert.equal(hit.suppressed.length, 2);
  const elsewhere = lintText(TEMPLATE, { fileName: '/p/other/t.yaml', config });
  assert.deepEqual(
    elsewhere.findings.map((f) => f.ruleId),
    ['AJ201'],
  );
});

test('ignorePaths skips files entirely', () => {
  const { config } = parseConfig('ignorePaths: ["fixtures/**"]\n', '/p/.ajar.yaml');
  config.root = '/p';
  assert.equal(lintText(TEMPLATE, { fileName: '/p/fixtures/a/t.yaml', config }).findings.length, 0);
  assert.equal(lintText(TEMPLATE, { fileName: '/p/src/t.yaml', config }).findings.length, 2);
});

test('bad values are reported, not thrown', () => {
  const { problems, config } = parseConfig('rules:\n  AJ101: loud\naudit:\n  unusedDays: soon\n  rotationDays: 45\n');
  assert.equal(problems.length, 2);
  assert.equal(config.audit.rotationDays, 45);
  assert.equal(config.audit.unusedDays, 90);
});
