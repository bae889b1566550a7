/** AJ303 hardcoded-access-key. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectFinding, findings, loc, none, one, json, posOf } from './util';

const KEY = 'AKIA2E3NZTBWQXHSCZ7D';
const ASIA = 'ASIAY34FZKBOKMUTVV7A';
const SECRET = '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';
const EX_KEY = 'AKIAIOSFODNN7EXAMPLE';
const EX_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

const fnEnv = (vars: string) =>
  'Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Environment:\n        Variables:\n' +
  vars;

test('AJ303: AKIA key id in a plain scalar: error on the key text', () => {
  const t = fnEnv(`          AWS_ACCESS_KEY_ID: ${KEY}\n`);
  const f = one(t, 'AJ303');
  expectFinding(f, {
    ruleId: 'AJ303',
    severity: 'error',
    resource: 'Fn',
    range: loc(t, KEY),
    message: ['Access key id AKIA2E3N', 'Deactivate'],
  });
  assert.equal(f.rule, 'hardcoded-access-key');
  // The message does not repeat the full key.
  assert.ok(!f.message.includes(KEY));
});

test('AJ303: ASIA key id, quoted and inside a longer sentence', () => {
  const t = fnEnv(`          NOTE: "temporary creds ${ASIA} here"\n`);
  expectFinding(one(t, 'AJ303'), { ruleId: 'AJ303', severity: 'error', resource: 'Fn', range: loc(t, ASIA) });
});

test('AJ303 boundaries: not inside a longer token, not with lower case or wrong alphabet', () => {
  none(fnEnv(`          A: X${KEY}\n`), 'AJ303');
  none(fnEnv(`          A: ${KEY}Q\n`), 'AJ303');
  none(fnEnv(`          A: ${KEY}9\n`), 'AJ303');
  none(fnEnv(`          A: 1${KEY}\n`), 'AJ303');
  none(fnEnv(`          A: AKIA2E3NZTBWQXHSCZ7\n`), 'AJ303'); // 15 after AKIA
  none(fnEnv(`          A: AKIA2E3NZTBWQXHSCZ10\n`), 'AJ303'); // 0 and 1 are not base32
  none(fnEnv(`          A: akia2e3nztbwqxhscz7d\n`), 'AJ303');
  // Punctuation around it is a boundary.
  const t = fnEnv(`          A: "key=${KEY};"\n`);
  expectFinding(one(t, 'AJ303'), { ruleId: 'AJ303', severity: 'error', resource: 'Fn', range: loc(t, KEY) });
  const t2 = fnEnv(`          A: arn/${KEY}/x\n`);
  expectFinding(one(t2, 'AJ303'), { ruleId: 'AJ303', severity: 'error', resource: 'Fn', range: loc(t2, KEY) });
});

test('AJ303: AWS example key and secret are information only', () => {
  const t = fnEnv(`          AWS_ACCESS_KEY_ID: ${EX_KEY}\n          AWS_SECRET_ACCESS_KEY: ${EX_SECRET}\n`);
  const fs = findings(t, 'AJ303');
  assert.equal(fs.length, 2);
  expectFinding(fs[0], {
    ruleId: 'AJ303',
    severity: 'information',
    resource: 'Fn',
    range: loc(t, EX_KEY),
    message: ['example'],
  });
  expectFinding(fs[1], {
    ruleId: 'AJ303',
    severity: 'information',
    resource: 'Fn',
    range: loc(t, EX_SECRET),
    message: ['example'],
  });
});

test('AJ303: secret next to a key named like aws_secret_access_key / SecretAccessKey', () => {
  for (const name of ['aws_secret_access_key', 'AWS_SECRET_ACCESS_KEY', 'SecretAccessKey', 'secretAccessKey']) {
    const t = fnEnv(`          ${name}: ${SECRET}\n`);
    expectFinding(one(t, 'AJ303'), {
      ruleId: 'AJ303',
      severity: 'error',
      resource: 'Fn',
      range: loc(t, SECRET),
      message: ['secret access key'],
    });
  }
  const tq = fnEnv(`          SecretAccessKey: "${SECRET}"\n`);
  expectFinding(one(tq, 'AJ303'), { ruleId: 'AJ303', severity: 'error', resource: 'Fn', range: loc(tq, SECRET) });
  // A 40-character value under an unrelated name is not reported.
  none(fnEnv(`          CHECKSUM: ${SECRET}\n`), 'AJ303');
  // The right name but not a 40-character secret.
  none(fnEnv(`          AWS_SECRET_ACCESS_KEY: !Ref SecretParam\n`), 'AJ303');
  none(fnEnv(`          AWS_SECRET_ACCESS_KEY: short\n`), 'AJ303');
});

test('AJ303: secret written inside a string (credentials file in UserData)', () => {
  const t =
    'Resources:\n  Box:\n    Type: AWS::EC2::Instance\n    Properties:\n      UserData:\n        Fn::Base64: |\n          #!/bin/bash\n          cat > ~/.aws/credentials <<EOF\n          [default]\n' +
    `          aws_access_key_id = ${KEY}\n          aws_secret_access_key = ${SECRET}\n          EOF\n`;
  const fs = findings(t, 'AJ303');
  assert.equal(fs.length, 2);
  expectFinding(fs[0], { ruleId: 'AJ303', severity: 'error', resource: 'Box', range: loc(t, KEY) });
  expectFinding(fs[1], { ruleId: 'AJ303', severity: 'error', resource: 'Box', range: loc(t, SECRET) });
});

test('AJ303: key inside a multi-line !Sub block scalar: exact line and character', () => {
  const t =
    'Resources:\n  Box:\n    Type: AWS::EC2::Instance\n    Properties:\n      UserData:\n        Fn::Base64: !Sub |\n          #!/bin/bash\n          echo ${AWS::Region}\n' +
    `          export AWS_ACCESS_KEY_ID=${KEY}\n          echo done\n`;
  const f = one(t, 'AJ303');
  expectFinding(f, {
    ruleId: 'AJ303',
    severity: 'error',
    resource: 'Box',
    range: { start: { line: 8, character: 35 }, end: { line: 8, character: 55 } },
  });
  assert.deepEqual(f.range, loc(t, KEY));
});

test('AJ303: key in a folded block scalar and a double-quoted multi-line string', () => {
  const t =
    'Resources:\n  Box:\n    Type: AWS::EC2::Instance\n    Properties:\n      Tags:\n        - Key: note\n          Value: >-\n            first line\n' +
    `            then ${KEY} end\n`;
  expectFinding(one(t, 'AJ303'), { ruleId: 'AJ303', severity: 'error', resource: 'Box', range: loc(t, KEY) });
  const t2 =
    'Resources:\n  Box:\n    Type: AWS::EC2::Instance\n    Properties:\n      Tags:\n        - Key: note\n          Value: "a\\tb\\n\n            then ' +
    KEY +
    '"\n';
  expectFinding(one(t2, 'AJ303'), { ruleId: 'AJ303', severity: 'error', resource: 'Box', range: loc(t2, KEY) });
});

test('AJ303: JSON string with escapes before the key: exact position', () => {
  const t = json({
    Resources: {
      Fn: { Type: 'AWS::Lambda::Function', Properties: { Code: { ZipFile: `import os\n\tkey = "${KEY}"\n` } } },
    },
  });
  const f = one(t, 'AJ303', 'template.json');
  expectFinding(f, { ruleId: 'AJ303', severity: 'error', resource: 'Fn', range: loc(t, KEY) });
  // and a \u escape before it
  const t2 =
    '{"Resources": {"Fn": {"Type": "AWS::Lambda::Function", "Properties": {"Description": "caf\\u00e9 \\"' +
    KEY +
    '\\""}}}}';
  expectFinding(one(t2, 'AJ303', 'template.json'), {
    ruleId: 'AJ303',
    severity: 'error',
    resource: 'Fn',
    range: loc(t2, KEY),
  });
});

test('AJ303: secret in JSON under SecretAccessKey', () => {
  const t = json({
    Resources: { S: { Type: 'AWS::SecretsManager::Secret', Properties: { SecretString: 'x' } } },
    Metadata: { SecretAccessKey: SECRET },
  });
  const f = one(t, 'AJ303', 'template.json');
  expectFinding(f, { ruleId: 'AJ303', severity: 'error', resource: null, range: loc(t, SECRET) });
});

test('AJ303: any document, including policies; not in files that are not templates', () => {
  const p = json({ Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Sid: KEY }] });
  const f = one(p, 'AJ303', 'p.policy.json');
  assert.deepEqual(f.range, loc(p, KEY));
  none(`just: ${KEY}\n`, 'AJ303', 'notes.yaml');
});

test('AJ303: base64 blobs are not decoded', () => {
  const b64 = Buffer.from(`aws_access_key_id=${KEY}`).toString('base64');
  none(fnEnv(`          BLOB: ${b64}\n`), 'AJ303');
  assert.ok(posOf('a\nb', 2).line === 1);
});

test('AJ303: a key id written as a mapping key (YAML plain/quoted, JSON)', () => {
  const t = `Mappings:\n  Keys:\n    ${KEY}:\n      owner: ci\nResources:\n  B:\n    Type: AWS::SNS::Topic\n`;
  expectFinding(one(t, 'AJ303'), { ruleId: 'AJ303', severity: 'error', resource: null, range: loc(t, KEY) });
  const q = `Resources:\n  B:\n    Type: AWS::SNS::Topic\n    Metadata:\n      "${KEY}": x\n`;
  expectFinding(one(q, 'AJ303'), { ruleId: 'AJ303', severity: 'error', resource: 'B', range: loc(q, KEY) });
  const j = json({ Resources: { B: { Type: 'AWS::SNS::Topic', Metadata: { [KEY]: 'x' } } } });
  expectFinding(one(j, 'AJ303', 'template.json'), {
    ruleId: 'AJ303',
    severity: 'error',
    resource: 'B',
    range: loc(j, KEY),
  });
});
