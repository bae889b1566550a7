/** AJ304 console-user-without-mfa. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { expectFinding, loc, none, one, json } from './util';

const user =
  'Resources:\n  Alice:\n    Type: AWS::IAM::User\n    Properties:\n      UserName: alice\n      LoginProfile:\n        Password: !Ref Pw\n        PasswordResetRequired: true\n';
const params = 'Parameters:\n  Pw:\n    Type: String\n    NoEcho: true\n';

const mfaDoc = (op = 'BoolIfExists', value = '"false"', indent = '          ') =>
  [
    'PolicyDocument:',
    '  Statement:',
    '    - Effect: Deny',
    '      NotAction: [iam:EnableMFADevice, iam:ListMFADevices, sts:GetSessionToken]',
    '      Resource: "*"',
    '      Condition:',
    `        ${op}:`,
    `          aws:MultiFactorAuthPresent: ${value}`,
  ]
    .map((l) => indent + l)
    .join('\n') + '\n';

describe('AJ304', () => {
  test('console user without any policy: warning on the logical id', () => {
    const t = params + user;
    const f = one(t, 'AJ304');
    expectFinding(f, {
      ruleId: 'AJ304',
      severity: 'warning',
      resource: 'Alice',
      range: loc(t, 'Alice'),
      message: ['User Alice', 'no MFA', 'aws:MultiFactorAuthPresent'],
    });
    assert.equal(f.rule, 'console-user-without-mfa');
  });

  test('no LoginProfile: no finding', () => {
    none('Resources:\n  Bot:\n    Type: AWS::IAM::User\n    Properties:\n      UserName: bot\n', 'AJ304');
  });

  test('inline policy with BoolIfExists false / Bool false / Null true: enforced', () => {
    for (const [op, value] of [
      ['BoolIfExists', '"false"'],
      ['Bool', 'false'],
      ['Bool', '"false"'],
      ['Null', '"true"'],
      ['Null', 'true'],
    ]) {
      none(params + user + '      Policies:\n        - PolicyName: mfa\n' + mfaDoc(op, value), 'AJ304');
    }
  });

  test('near misses: Bool true, Allow with the condition, a different key', () => {
    assert.equal(
      one(params + user + '      Policies:\n        - PolicyName: mfa\n' + mfaDoc('Bool', '"true"'), 'AJ304').resource,
      'Alice',
    );
    assert.equal(
      one(params + user + '      Policies:\n        - PolicyName: mfa\n' + mfaDoc('Null', '"false"'), 'AJ304').resource,
      'Alice',
    );
    assert.equal(
      one(
        params +
          user +
          '      Policies:\n        - PolicyName: mfa\n' +
          mfaDoc().replace('Effect: Deny', 'Effect: Allow'),
        'AJ304',
      ).resource,
      'Alice',
    );
    assert.equal(
      one(
        params +
          user +
          '      Policies:\n        - PolicyName: mfa\n' +
          mfaDoc().replace('aws:MultiFactorAuthPresent', 'aws:SecureTransport'),
        'AJ304',
      ).resource,
      'Alice',
    );
  });

  test('managed policy in ManagedPolicyArns by !Ref', () => {
    const t =
      params +
      user +
      '      ManagedPolicyArns: [!Ref RequireMfa]\n  RequireMfa:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n' +
      mfaDoc('BoolIfExists', '"false"', '      ');
    none(t, 'AJ304');
    // A managed policy that does not enforce MFA does not count.
    assert.equal(one(t.replace('Effect: Deny', 'Effect: Allow'), 'AJ304').resource, 'Alice');
  });

  test('AWS::IAM::Policy naming the user in Users (by !Ref and by name)', () => {
    for (const users of ['[!Ref Alice]', '[alice]']) {
      none(
        params +
          user +
          `  Mfa:\n    Type: AWS::IAM::Policy\n    Properties:\n      PolicyName: mfa\n      Users: ${users}\n` +
          mfaDoc('Bool', '"false"', '      '),
        'AJ304',
      );
    }
    // Naming someone else does not count.
    assert.equal(
      one(
        params +
          user +
          `  Mfa:\n    Type: AWS::IAM::Policy\n    Properties:\n      PolicyName: mfa\n      Users: [bob]\n` +
          mfaDoc('Bool', '"false"', '      '),
        'AJ304',
      ).resource,
      'Alice',
    );
  });

  test('via a template group: inline policy on the group, and a Policy naming the group', () => {
    const withGroup = user.replace('      LoginProfile:', '      Groups: [!Ref Humans]\n      LoginProfile:');
    none(
      params +
        withGroup +
        '  Humans:\n    Type: AWS::IAM::Group\n    Properties:\n      Policies:\n        - PolicyName: mfa\n' +
        mfaDoc('BoolIfExists', '"false"', '          '),
      'AJ304',
    );
    none(
      params +
        withGroup +
        '  Humans:\n    Type: AWS::IAM::Group\n  Mfa:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      Groups: [!Ref Humans]\n' +
        mfaDoc('BoolIfExists', '"false"', '      '),
      'AJ304',
    );
    // A group without the policy: still a finding.
    assert.equal(one(params + withGroup + '  Humans:\n    Type: AWS::IAM::Group\n', 'AJ304').resource, 'Alice');
    // UserToGroupAddition
    none(
      params +
        user +
        '  Humans:\n    Type: AWS::IAM::Group\n    Properties:\n      GroupName: humans\n      Policies:\n        - PolicyName: mfa\n' +
        mfaDoc('Bool', '"false"', '          ') +
        '  Add:\n    Type: AWS::IAM::UserToGroupAddition\n    Properties:\n      GroupName: humans\n      Users: [!Ref Alice]\n',
      'AJ304',
    );
  });

  test('JSON template', () => {
    const base = { Type: 'AWS::IAM::User', Properties: { LoginProfile: { Password: { Ref: 'Pw' } } } };
    const t = json({ Parameters: { Pw: { Type: 'String', NoEcho: true } }, Resources: { Alice: base } });
    expectFinding(one(t, 'AJ304', 'template.json'), {
      ruleId: 'AJ304',
      severity: 'warning',
      resource: 'Alice',
      range: loc(t, '"Alice"'),
    });
    const enforced = json({
      Parameters: { Pw: { Type: 'String', NoEcho: true } },
      Resources: {
        Alice: {
          ...base,
          Properties: {
            ...base.Properties,
            Policies: [
              {
                PolicyName: 'mfa',
                PolicyDocument: {
                  Statement: [
                    {
                      Effect: 'Deny',
                      NotAction: 'iam:*',
                      Resource: '*',
                      Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
                    },
                  ],
                },
              },
            ],
          },
        },
      },
    });
    none(enforced, 'AJ304', 'template.json');
  });
});
