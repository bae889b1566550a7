/** AJ305 plaintext-console-password. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectFinding, loc, none, one, json } from './util';

const user = (pw: string) => 'Resources:\n  Alice:\n    Type: AWS::IAM::User\n    Properties:\n      LoginProfile:\n' + `        Password: ${pw}\n`;

test('AJ305: literal password: error on the value', () => {
  const t = user('Welcome123!');
  const f = one(t, 'AJ305');
  expectFinding(f, { ruleId: 'AJ305', severity: 'error', resource: 'Alice', range: loc(t, 'Welcome123!'), message: ['console password of Alice', 'written in the template'] });
  assert.equal(f.rule, 'plaintext-console-password');
  const tq = user('"Welcome123!"');
  expectFinding(one(tq, 'AJ305'), { ruleId: 'AJ305', severity: 'error', resource: 'Alice', range: loc(tq, '"Welcome123!"') });
});

test('AJ305: parameter without NoEcho', () => {
  const t = 'Parameters:\n  Pw:\n    Type: String\n' + user('!Ref Pw');
  expectFinding(one(t, 'AJ305'), { ruleId: 'AJ305', severity: 'error', resource: 'Alice', range: loc(t, '!Ref Pw'), message: ['parameter Pw', 'no NoEcho'] });
  const tf = 'Parameters:\n  Pw:\n    Type: String\n    NoEcho: false\n' + user('!Ref Pw');
  assert.equal(one(tf, 'AJ305').resource, 'Alice');
});

test('AJ305: NoEcho parameter with a Default', () => {
  const t = 'Parameters:\n  Pw:\n    Type: String\n    NoEcho: true\n    Default: changeme\n' + user('!Ref Pw');
  expectFinding(one(t, 'AJ305'), { ruleId: 'AJ305', severity: 'error', resource: 'Alice', range: loc(t, '!Ref Pw'), message: ['Default', 'NoEcho parameter Pw'] });
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
  const t = json({ Resources: { Alice: { Type: 'AWS::IAM::User', Properties: { LoginProfile: { Password: 'hunter2hunter2' } } } } });
  expectFinding(one(t, 'AJ305', 'template.json'), { ruleId: 'AJ305', severity: 'error', resource: 'Alice', range: loc(t, '"hunter2hunter2"') });
  const ok = json({ Parameters: { Pw: { Type: 'String', NoEcho: true } }, Resources: { Alice: { Type: 'AWS::IAM::User', Properties: { LoginProfile: { Password: { Ref: 'Pw' } } } } } });
  none(ok, 'AJ305', 'template.json');
  const bad = json({ Parameters: { Pw: { Type: 'String' } }, Resources: { Alice: { Type: 'AWS::IAM::User', Properties: { LoginProfile: { Password: { Ref: 'Pw' } } } } } });
  const f = one(bad, 'AJ305', 'template.json');
  assert.equal(bad.slice(f.span.start, f.span.end).replace(/\s+/g, ''), '{"Ref":"Pw"}');
});
