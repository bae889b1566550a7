/** AJ103 public-lambda-invoke. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectFinding, loc, locAfter, none, one, json, findings } from './util';

const perm = (extra = '', principal = '"*"') =>
  'Resources:\n' +
  '  Handler:\n' +
  '    Type: AWS::Lambda::Function\n' +
  '  InvokePermission:\n' +
  '    Type: AWS::Lambda::Permission\n' +
  '    Properties:\n' +
  '      FunctionName: !Ref Handler\n' +
  '      Action: lambda:InvokeFunction\n' +
  `      Principal: ${principal}\n` +
  extra;

test('AJ103: Principal "*" without source conditions (YAML): error on the "*"', () => {
  const t = perm();
  const f = one(t, 'AJ103');
  expectFinding(f, {
    ruleId: 'AJ103',
    severity: 'error',
    resource: 'InvokePermission',
    range: loc(t, '"*"'),
    message: ['lambda:InvokeFunction', 'function Handler', 'any AWS account'],
  });
  assert.equal(f.rule, 'public-lambda-invoke');
});

test('AJ103: JSON', () => {
  const t = json({
    Resources: {
      Handler: { Type: 'AWS::Lambda::Function' },
      P: {
        Type: 'AWS::Lambda::Permission',
        Properties: {
          FunctionName: { 'Fn::GetAtt': ['Handler', 'Arn'] },
          Action: 'lambda:InvokeFunction',
          Principal: '*',
        },
      },
    },
  });
  expectFinding(one(t, 'AJ103', 'template.json'), {
    ruleId: 'AJ103',
    severity: 'error',
    resource: 'P',
    range: locAfter(t, '"Principal": ', '"*"'),
    message: ['function Handler'],
  });
});

test('AJ103 near misses: SourceArn, SourceAccount, PrincipalOrgID; service principal; account principal', () => {
  none(perm('      SourceArn: !GetAtt Bucket.Arn\n'), 'AJ103');
  none(perm('      SourceAccount: !Ref AWS::AccountId\n'), 'AJ103');
  none(perm('      PrincipalOrgID: o-abc123\n'), 'AJ103');
  none(perm('', 's3.amazonaws.com'), 'AJ103');
  none(perm('', '"123456789012"'), 'AJ103');
  none(perm('', '!Ref AWS::AccountId'), 'AJ103');
  const t = json({
    Resources: {
      P: {
        Type: 'AWS::Lambda::Permission',
        Properties: {
          FunctionName: 'f',
          Action: 'lambda:InvokeFunction',
          Principal: '*',
          SourceAccount: '123456789012',
        },
      },
    },
  });
  none(t, 'AJ103', 'template.json');
});

test('AJ103: AWS::Lambda::Url AuthType NONE is a warning on the AuthType value; AWS_IAM is fine', () => {
  const t =
    'Resources:\n' +
    '  Handler:\n' +
    '    Type: AWS::Lambda::Function\n' +
    '  HandlerUrl:\n' +
    '    Type: AWS::Lambda::Url\n' +
    '    Properties:\n' +
    '      TargetFunctionArn: !GetAtt Handler.Arn\n' +
    '      AuthType: NONE\n';
  const f = one(t, 'AJ103');
  expectFinding(f, {
    ruleId: 'AJ103',
    severity: 'warning',
    resource: 'HandlerUrl',
    range: loc(t, 'NONE'),
    message: ['Anyone on the internet', 'function Handler', 'AuthType NONE'],
  });
  none(t.replace('NONE', 'AWS_IAM'), 'AJ103');
  const tj = json({
    Resources: {
      U: {
        Type: 'AWS::Lambda::Url',
        Properties: { TargetFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:f', AuthType: 'NONE' },
      },
    },
  });
  expectFinding(one(tj, 'AJ103', 'template.json'), {
    ruleId: 'AJ103',
    severity: 'warning',
    resource: 'U',
    range: loc(tj, '"NONE"'),
  });
});

test('AJ103: SAM FunctionUrlConfig AuthType NONE', () => {
  const t =
    'Transform: AWS::Serverless-2016-10-31\n' +
    'Resources:\n' +
    '  Api:\n' +
    '    Type: AWS::Serverless::Function\n' +
    '    Properties:\n' +
    '      Handler: index.handler\n' +
    '      Runtime: nodejs20.x\n' +
    '      FunctionUrlConfig:\n' +
    '        AuthType: NONE  # public\n';
  const f = one(t, 'AJ103', 'template.yaml');
  expectFinding(f, {
    ruleId: 'AJ103',
    severity: 'warning',
    resource: 'Api',
    range: loc(t, 'NONE'),
    message: ['function Api'],
  });
  none(t.replace('NONE  # public', 'AWS_IAM'), 'AJ103');
  const tj = json({
    Transform: 'AWS::Serverless-2016-10-31',
    Resources: { Api: { Type: 'AWS::Serverless::Function', Properties: { FunctionUrlConfig: { AuthType: 'NONE' } } } },
  });
  expectFinding(one(tj, 'AJ103', 'template.json'), {
    ruleId: 'AJ103',
    severity: 'warning',
    resource: 'Api',
    range: loc(tj, '"NONE"'),
  });
});

test('AJ103: parameter-driven AuthType names the parameter value', () => {
  const t =
    'Parameters:\n  Auth:\n    Type: String\n    Default: AWS_IAM\n    AllowedValues: [AWS_IAM, NONE]\n' +
    'Resources:\n  U:\n    Type: AWS::Lambda::Url\n    Properties:\n      TargetFunctionArn: x\n      AuthType: !Ref Auth\n';
  const fs = findings(t, 'AJ103');
  assert.equal(fs.length, 1);
  expectFinding(fs[0], {
    ruleId: 'AJ103',
    severity: 'warning',
    resource: 'U',
    range: loc(t, '!Ref Auth'),
    message: ['parameter Auth = NONE'],
  });
});

test('AJ103: a source property removed by !If / AWS::NoValue does not limit the caller in that branch', () => {
  const t =
    'Conditions:\n  Shared: !Equals [a, b]\n' +
    perm('      SourceAccount: !If [Shared, !Ref AWS::NoValue, !Ref AWS::AccountId]\n');
  const f = one(t, 'AJ103');
  expectFinding(f, {
    ruleId: 'AJ103',
    severity: 'error',
    resource: 'InvokePermission',
    range: loc(t, '"*"'),
    message: ['when condition Shared is true'],
  });
  none(
    'Conditions:\n  Shared: !Equals [a, b]\n' +
      perm('      SourceAccount: !If [Shared, "111122223333", !Ref AWS::AccountId]\n'),
    'AJ103',
  );
});

test('AJ103: SAM Globals.Function.FunctionUrlConfig AuthType NONE applies to every function', () => {
  const t =
    'Transform: AWS::Serverless-2016-10-31\n' +
    'Globals:\n' +
    '  Function:\n' +
    '    FunctionUrlConfig:\n' +
    '      AuthType: NONE\n' +
    'Resources:\n' +
    '  A:\n' +
    '    Type: AWS::Serverless::Function\n' +
    '    Properties: {Handler: a.h}\n' +
    '  B:\n' +
    '    Type: AWS::Serverless::Function\n' +
    '    Properties:\n' +
    '      Handler: b.h\n' +
    '      FunctionUrlConfig: {AuthType: AWS_IAM}\n';
  const fs = findings(t, 'AJ103');
  assert.equal(fs.length, 1);
  expectFinding(fs[0], {
    ruleId: 'AJ103',
    severity: 'warning',
    resource: 'A',
    range: loc(t, 'NONE'),
    message: ['function A'],
  });
});
