/** AJ302 access-key-secret-in-outputs. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectFinding, findings, lint, loc, none, one, json, y } from './util';
import { fixesFor } from '../../../server/src/engine';
import { applyEdits } from '../../../server/src/engine/fixes/edit';

const base = 'Resources:\n  CiKey:\n    Type: AWS::IAM::AccessKey\n    Properties:\n      UserName: ci\n';

test('AJ302: !GetAtt Key.SecretAccessKey in Outputs: error on the GetAtt, resource is the output', () => {
  const t = base + 'Outputs:\n  CiSecret:\n    Value: !GetAtt CiKey.SecretAccessKey\n';
  const f = one(t, 'AJ302');
  expectFinding(f, {
    ruleId: 'AJ302',
    severity: 'error',
    resource: 'CiSecret',
    range: loc(t, '!GetAtt CiKey.SecretAccessKey'),
    message: ['access key CiKey', 'output CiSecret', 'cloudformation:DescribeStacks'],
  });
  assert.equal(f.rule, 'access-key-secret-in-outputs');
});

test('AJ302: long form Fn::GetAtt list (YAML and JSON)', () => {
  const t =
    base +
    'Outputs:\n  CiSecret:\n    Value:\n      Fn::GetAtt: [CiKey, SecretAccessKey]\n    Export:\n      Name: ci-secret\n';
  expectFinding(one(t, 'AJ302'), {
    ruleId: 'AJ302',
    severity: 'error',
    resource: 'CiSecret',
    range: { start: loc(t, 'Fn::GetAtt').start, end: loc(t, '[CiKey, SecretAccessKey]').end },
  });
  const tj = json({
    Resources: { CiKey: { Type: 'AWS::IAM::AccessKey', Properties: { UserName: 'ci' } } },
    Outputs: { S: { Value: { 'Fn::GetAtt': ['CiKey', 'SecretAccessKey'] } } },
  });
  const f = one(tj, 'AJ302', 'template.json');
  assert.equal(f.resource, 'S');
  assert.equal(tj.slice(f.span.start, f.span.end).replace(/\s+/g, ''), '{"Fn::GetAtt":["CiKey","SecretAccessKey"]}');
});

test('AJ302: ${Key.SecretAccessKey} inside a Sub', () => {
  const t = base + 'Outputs:\n  Creds:\n    Value: !Sub "${CiKey}:${CiKey.SecretAccessKey}"\n';
  expectFinding(one(t, 'AJ302'), {
    ruleId: 'AJ302',
    severity: 'error',
    resource: 'Creds',
    range: loc(t, '!Sub "${CiKey}:${CiKey.SecretAccessKey}"'),
  });
  const t2 =
    base +
    'Outputs:\n  Creds:\n    Value: !Sub\n      - "${Id}:${S}"\n      - Id: !Ref CiKey\n        S: !GetAtt CiKey.SecretAccessKey\n';
  expectFinding(one(t2, 'AJ302'), {
    ruleId: 'AJ302',
    severity: 'error',
    resource: 'Creds',
    range: loc(t2, '!GetAtt CiKey.SecretAccessKey'),
  });
});

test('AJ302: in Metadata too', () => {
  const t = base + 'Metadata:\n  Debug: !GetAtt CiKey.SecretAccessKey\n';
  const f = one(t, 'AJ302');
  assert.match(f.message, /stack metadata/);
  assert.deepEqual(f.range, loc(t, '!GetAtt CiKey.SecretAccessKey'));
});

test('AJ302 near misses: the key id, another attribute, a non-access-key resource, a secret stored in Secrets Manager', () => {
  none(base + 'Outputs:\n  Id:\n    Value: !Ref CiKey\n', 'AJ302');
  none(base + 'Outputs:\n  Sub:\n    Value: !Sub "${CiKey}"\n', 'AJ302');
  none(
    'Resources:\n  Other:\n    Type: Custom::Thing\nOutputs:\n  S:\n    Value: !GetAtt Other.SecretAccessKey\n',
    'AJ302',
  );
  none(
    base +
      '  Stored:\n    Type: AWS::SecretsManager::Secret\n    Properties:\n      SecretString: !GetAtt CiKey.SecretAccessKey\n',
    'AJ302',
  );
  assert.equal(findings(base + 'Outputs:\n  S:\n    Value: !GetAtt CiKey.SecretAccessKey\n', 'AJ302').length, 1);
});

test('AJ302 fixes: Secrets Manager or remove the output; a Metadata finding is suppressed at its resource', () => {
  const t = y`
    Resources:
      Key:
        Type: AWS::IAM::AccessKey
        Properties: {UserName: ci, Status: Inactive}
      KeySecret:
        Type: AWS::S3::Bucket
        Metadata:
          note: !GetAtt Key.SecretAccessKey
    Outputs:
      Secret:
        Value: !GetAtt Key.SecretAccessKey
  `;
  const r = lint(t);
  const [inMeta, inOutput] = r.findings.filter((f) => f.ruleId === 'AJ302');
  assert.equal(inMeta.resource, 'KeySecret');
  assert.deepEqual(
    fixesFor(r, inMeta).map((f) => f.kind),
    ['suppress'],
  );
  const fixes = fixesFor(r, inOutput);
  assert.deepEqual(
    fixes.map((f) => f.kind),
    ['secret-to-secrets-manager', 'remove-output'],
  );
  // The name is fresh: KeySecret is taken.
  assert.match(fixes[0].title, /KeySecret2/);
  const moved = applyEdits(r.text, fixes[0].edits);
  assert.match(moved, /KeySecret2:\n {4}Type: AWS::SecretsManager::Secret/);
  assert.match(moved, /Value: !Ref KeySecret2/);
  assert.equal(lint(moved).findings.filter((f) => f.ruleId === 'AJ302').length, 1, 'only the Metadata one is left');
  // The only output: the whole Outputs section goes.
  const removed = applyEdits(r.text, fixes[1].edits);
  assert.ok(!removed.includes('Outputs'), removed);
  assert.equal(lint(removed).doc?.errors.length, 0);
});

test('AJ302: no edit of an output a Fn::ForEach generates (its copies share the body)', () => {
  const t = y`
    Transform: AWS::LanguageExtensions
    Resources:
      Key:
        Type: AWS::IAM::AccessKey
        Properties: {UserName: ci}
    Outputs:
      Fn::ForEach::Loop:
        - N
        - [A, B]
        - Secret\${N}:
            Value: !GetAtt Key.SecretAccessKey
  `;
  const r = lint(t);
  const f = r.findings.find((x) => x.ruleId === 'AJ302');
  assert.ok(f);
  assert.deepEqual(
    fixesFor(r, f).map((x) => x.kind),
    [],
  );
});
