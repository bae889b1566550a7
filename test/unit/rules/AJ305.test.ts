/** AJ305 plaintext-console-password. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectFinding, loc, none, one, json } from './util';

const user = (pw: string) =>
  'Resources:\n  Alice:\n    Type: AWS::IAM::User\n    Properties:\n      LoginProfile:\n' +
  `        Password: ${pw}\n`;

test('AJ305: literal password: error on the value', () => {
  const t = user('Welcome123!');
  const f = one(t, 'AJ305');
  expectFinding(f, {
    ruleId: 'AJ305',
    severity: 'error',
    resource: 'Alice',
    range: loc(t, 'Welcome123!'),
    message: ['console password of Alice', 'written in the template'],
  });
  assert.equal(f.rule, 'plaintext-console-password');
  const tq = user('"Welcome123!"');
  expectFinding(one(tq, 'AJ305'), {
    ruleId: 'AJ305',
    severity: 'error',
    resource: 'Alice',
    range: loc(tq, '"Welcome123!"'),
  });
});

test('AJ305: parameter without NoEcho', () => {
  const t = 'Parameters:\n  Pw:\n    Type: String\n' + user('!Ref Pw');
  expectFinding(one(t, 'AJ305'), {
    ruleId: 'AJ305',
    severity: 'error',
    resource: 'Alice',
    range: loc(t, '!Ref Pw'),
    message: ['parameter Pw', 'no NoEcho'],
  });
  const tf = 'Parameters:\n  Pw:\n    Type: String\n    NoEcho: false\n' + user('!Ref Pw');
  assert.equal(one(tf, 'AJ305').resource, 'Alice');
});

test('AJ305: NoEcho parameter with a Default', () => {
  const t = 'Parameters:\n  Pw:\n    Type: String\n    NoEcho: true\n    Default: changeme\n' + user('!Ref Pw');
  expectFinding(one(t, 'AJ305'), {
    ruleId: 'AJ305',
    severity: 'error',
    resource: 'Alice',
    range: loc(t, '!Ref Pw'),
    message: ['Default', 'NoEcho parameter Pw'],
  });
});

test('AJ305 near misses: NoEcho without Default ("true" string too), resolve:secretsmanager, resolve:ssm-secure', () => {
  none('Parameters:\n  Pw:\n    Type: String\n    NoEcho: true\n' + user('!Ref Pw'), 'AJ305');
  none('Parameters:\n  Pw:\n    Type: String\n    NoEcho: "true"\n' + user('!Ref Pw'), 'AJ305');
  none(user("'{{resolve:secretsmanager:alice-pw:SecretString:password}}'"), 'AJ305');
  none(user("'{{resolve:ssm-secure:/users/alice/pw:1}}'"), 'AJ305');
  none(user('!Sub "{{resolve:secretsmanager:${AWS::StackName}-alice}}"'), 'AJ305');
  none(user('!GetAtt Secret.Password'), 'AJ305');
  none('Resources:\n  Alice:\n    Type: AWS::IAM::User\n', 'AJ305');
});

test('AJ305: a plain {{resolve:ssm:...}} reference is not readable in the template or stack: no finding', () => {
  // Decision (AJ305 docs.notes): the value lives in Parameter Store, not in the template or the
  // stack; rules.md makes dynamic references fixed-but-unknown values.
  none(user("'{{resolve:ssm:/users/alice/pw}}'"), 'AJ305');
});

test('AJ305 JSON', () => {
  const t = json({
    Resources: { Alice: { Type: 'AWS::IAM::User', Properties: { LoginProfile: { Password: 'hunter2hunter2' } } } },
  });
  expectFinding(one(t, 'AJ305', 'template.json'), {
    ruleId: 'AJ305',
    severity: 'error',
    resource: 'Alice',
    range: loc(t, '"hunter2hunter2"'),
  });
  const ok = json({
    Parameters: { Pw: { Type: 'String', NoEcho: true } },
    Resources: { Alice: { Type: 'AWS::IAM::User', Properties: { LoginProfile: { Password: { Ref: 'Pw' } } } } },
  });
  none(ok, 'AJ305', 'template.json');
  const bad = json({
    Parameters: { Pw: { Type: 'String' } },
    Resources: { Alice: { Type: 'AWS::IAM::User', Properties: { LoginProfile: { Password: { Ref: 'Pw' } } } } },
  });
  const f = one(bad, 'AJ305', 'template.json');
  assert.equal(bad.slice(f.span.start, f.span.end).replace(/\s+/g, ''), '{"Ref":"Pw"}');
});

test('AJ305: !Sub of a NoEcho parameter without default is fine; Sub with literal text or a plain parameter is not', () => {
  const noEcho = 'Parameters:\n  Pw:\n    Type: String\n    NoEcho: true\n';
  none(noEcho + user('!Sub "${Pw}"'), 'AJ305');
  none(noEcho + user('!Sub ["${X}", {X: !Ref Pw}]'), 'AJ305');
  const lit = noEcho + user('!Sub "Welcome-${Pw}"');
  assert.match(one(lit, 'AJ305').message, /written in the template/);
  const plain = 'Parameters:\n  Pw:\n    Type: String\n' + user('!Sub "${Pw}"');
  assert.match(one(plain, 'AJ305').message, /parameter Pw.*no NoEcho/);
});

test('AJ305: !If branches: a literal or plain parameter in either branch is reported and named', () => {
  const head =
    'Conditions:\n  C: !Equals [a, b]\nParameters:\n  Pw:\n    Type: String\n    NoEcho: true\n  Plain:\n    Type: String\n';
  const t = head + user('!If [C, !Ref Pw, "Welcome1!"]');
  expectFinding(one(t, 'AJ305'), {
    ruleId: 'AJ305',
    severity: 'error',
    resource: 'Alice',
    range: loc(t, '!If [C, !Ref Pw, "Welcome1!"]'),
    message: ['condition C is false', 'written in the template'],
  });
  const t2 = head + user('!If [C, !Ref Plain, "{{resolve:secretsmanager:x}}"]');
  assert.match(one(t2, 'AJ305').message, /parameter Plain when condition C is true/);
  none(head + user('!If [C, !Ref Pw, "{{resolve:secretsmanager:x}}"]'), 'AJ305');
});
