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

/** What CDK's `fn.addFunctionUrl({authType: NONE})` synthesizes: a Url and two permissions for "*". */
function cdkFunctionUrl(auth = 'NONE', urlTarget: unknown = { 'Fn::GetAtt': ['Handler', 'Arn'] }) {
  return json({
    Resources: {
      Handler: { Type: 'AWS::Lambda::Function', Metadata: { 'aws:cdk:path': 'App/Handler/Resource' } },
      HandlerFunctionUrl: {
        Type: 'AWS::Lambda::Url',
        Properties: { AuthType: auth, TargetFunctionArn: urlTarget },
      },
      HandlerinvokefunctionurlPermission: {
        Type: 'AWS::Lambda::Permission',
        Properties: {
          Action: 'lambda:InvokeFunctionUrl',
          FunctionName: { 'Fn::GetAtt': ['Handler', 'Arn'] },
          FunctionUrlAuthType: auth,
          Principal: '*',
        },
      },
      HandlerinvokefunctionPermission: {
        Type: 'AWS::Lambda::Permission',
        Properties: {
          Action: 'lambda:InvokeFunction',
          FunctionName: { 'Fn::GetAtt': ['Handler', 'Arn'] },
          InvokedViaFunctionUrl: true,
          Principal: '*',
        },
      },
    },
  });
}

test('AJ103: a public function URL (CDK addFunctionUrl: Url + two permissions) is one finding, on the Url', () => {
  const t = cdkFunctionUrl();
  const f = one(t, 'AJ103', 'cdk.out/App.template.json');
  expectFinding(f, {
    ruleId: 'AJ103',
    severity: 'warning',
    resource: 'HandlerFunctionUrl',
    range: locAfter(t, '"AuthType": ', '"NONE"'),
    message: ['Anyone on the internet', 'function Handler', 'function URL'],
  });
  // The Url may name the function by !Ref too, or through an alias of it.
  one(cdkFunctionUrl('NONE', { Ref: 'Handler' }), 'AJ103', 'template.json');
  const alias = cdkFunctionUrl('NONE', { Ref: 'Live' })
    .replace(
      '"Resources": {',
      '"Resources": {"Live": {"Type": "AWS::Lambda::Alias", "Properties": {"FunctionName": {"Ref": "Handler"}, "Name": "live"}},',
    )
    .replaceAll(
      '"FunctionName": {\n          "Fn::GetAtt": [\n            "Handler",\n            "Arn"\n          ]\n        }',
      '"FunctionName": {"Ref": "Live"}',
    );
  assert.equal((alias.match(/"Ref": "Live"/g) ?? []).length, 3, 'the alias is named by the Url and both permissions');
  expectFinding(one(alias, 'AJ103', 'template.json'), {
    ruleId: 'AJ103',
    severity: 'warning',
    resource: 'HandlerFunctionUrl',
    range: locAfter(alias, '"AuthType": ', '"NONE"'),
  });
});

test('AJ103: URL-only permissions without a public URL in the template: a warning on each Principal', () => {
  const t = json({
    Resources: {
      Handler: { Type: 'AWS::Lambda::Function' },
      UrlPermission: {
        Type: 'AWS::Lambda::Permission',
        Properties: {
          Action: 'lambda:InvokeFunctionUrl',
          FunctionName: { Ref: 'Handler' },
          FunctionUrlAuthType: 'NONE',
          Principal: '*',
        },
      },
      ViaUrlPermission: {
        Type: 'AWS::Lambda::Permission',
        Properties: {
          Action: 'lambda:InvokeFunction',
          FunctionName: { Ref: 'Handler' },
          InvokedViaFunctionUrl: true,
          Principal: '*',
        },
      },
    },
  });
  const fs = findings(t, 'AJ103', 'template.json');
  assert.equal(fs.length, 2, JSON.stringify(fs.map((f) => f.message)));
  for (const [i, id] of ['UrlPermission', 'ViaUrlPermission'].entries()) {
    const f = fs.find((x) => x.resource === id)!;
    expectFinding(f, {
      ruleId: 'AJ103',
      severity: 'warning',
      resource: id,
      range: loc(t, '"*"', i),
      message: ['Anyone on the internet can invoke function Handler through its function URL'],
    });
    assert.ok(!f.message.includes('any AWS account'), f.message);
  }
});

test('AJ103: with a URL whose AuthType is AWS_IAM, InvokedViaFunctionUrl is not public on its own', () => {
  const t = cdkFunctionUrl('AWS_IAM');
  const fs = findings(t, 'AJ103', 'template.json');
  // lambda:InvokeFunctionUrl to "*" for an AWS_IAM URL: any AWS account can call it (error, as any permission).
  assert.deepEqual(
    fs.map((f) => [f.resource, f.severity]),
    [['HandlerinvokefunctionurlPermission', 'error']],
  );
  // The NONE permission beside an AWS_IAM URL: no URL with AuthType NONE in the template, so the permission is reported.
  const none1 = t.replace('"FunctionUrlAuthType": "AWS_IAM"', '"FunctionUrlAuthType": "NONE"');
  assert.deepEqual(
    findings(none1, 'AJ103', 'template.json').map((f) => [f.resource, f.severity]),
    [['HandlerinvokefunctionurlPermission', 'warning']],
  );
});

test('AJ103: a public URL of another function does not cover a permission; an ordinary invoke permission stays an error', () => {
  const t = cdkFunctionUrl('NONE', { 'Fn::GetAtt': ['Other', 'Arn'] }).replace(
    '"Resources": {',
    '"Resources": {\n    "Other": {"Type": "AWS::Lambda::Function"},',
  );
  const fs = findings(t, 'AJ103', 'template.json');
  assert.deepEqual(fs.map((f) => [f.resource, f.severity]).sort(), [
    ['HandlerFunctionUrl', 'warning'],
    ['HandlerinvokefunctionPermission', 'warning'],
    ['HandlerinvokefunctionurlPermission', 'warning'],
  ]);
  assert.match(fs.find((f) => f.resource === 'HandlerFunctionUrl')!.message, /function Other /);
  // `lambda:InvokeFunction` to "*" without InvokedViaFunctionUrl opens more than the URL.
  const plain = cdkFunctionUrl().replace('"InvokedViaFunctionUrl": true,', '');
  const ps = findings(plain, 'AJ103', 'template.json');
  assert.deepEqual(ps.map((f) => [f.resource, f.severity]).sort(), [
    ['HandlerFunctionUrl', 'warning'],
    ['HandlerinvokefunctionPermission', 'error'],
  ]);
  assert.match(ps.find((f) => f.severity === 'error')!.message, /any AWS account/);
});

test('AJ103: SAM FunctionUrlConfig NONE with a URL-only permission: one finding, on the AuthType', () => {
  const t =
    'Transform: AWS::Serverless-2016-10-31\n' +
    'Resources:\n' +
    '  Api:\n' +
    '    Type: AWS::Serverless::Function\n' +
    '    Properties:\n' +
    '      Handler: index.handler\n' +
    '      FunctionUrlConfig:\n' +
    '        AuthType: NONE\n' +
    '  ApiViaUrl:\n' +
    '    Type: AWS::Lambda::Permission\n' +
    '    Properties:\n' +
    '      FunctionName: !Ref Api\n' +
    '      Action: lambda:InvokeFunction\n' +
    '      InvokedViaFunctionUrl: true\n' +
    '      Principal: "*"\n';
  expectFinding(one(t, 'AJ103'), {
    ruleId: 'AJ103',
    severity: 'warning',
    resource: 'Api',
    range: loc(t, 'NONE'),
    message: ['function Api'],
  });
});

test('AJ103: a literal function ARN names the function from the ARN', () => {
  const arn = 'arn:aws:lambda:us-east-1:123456789012:function:orders';
  const permission = (name: string) =>
    'Resources:\n  P:\n    Type: AWS::Lambda::Permission\n    Properties:\n' +
    `      FunctionName: ${name}\n      Action: lambda:InvokeFunction\n      Principal: "*"\n`;
  for (const name of [
    arn,
    `${arn}:prod`,
    '123456789012:function:orders',
    'orders',
    '!Sub "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:orders"',
  ]) {
    const f = one(permission(name), 'AJ103');
    assert.match(f.message, /on function orders[: ]/, `${name}: ${f.message}`);
  }
  const url = `Resources:\n  U:\n    Type: AWS::Lambda::Url\n    Properties:\n      TargetFunctionArn: ${arn}\n      AuthType: NONE\n`;
  const f = one(url, 'AJ103');
  assert.match(f.message, /invoke function orders through/);
  assert.ok(!f.message.includes('the function'), f.message);
});

test('AJ103: a function not known here is "the function", or the name its !Ref gives; never "function the function"', () => {
  const permission = (name: string) =>
    'Parameters:\n  Target: {Type: String}\n' +
    'Resources:\n  P:\n    Type: AWS::Lambda::Permission\n    Properties:\n' +
    `      FunctionName: ${name}\n      Action: lambda:InvokeFunction\n      Principal: "*"\n`;
  assert.match(one(permission('!ImportValue shared-fn'), 'AJ103').message, / on the function: /);
  assert.match(one(permission('!Ref Target'), 'AJ103').message, / on function \$\{Target\}: /);
  const url =
    'Resources:\n  U:\n    Type: AWS::Lambda::Url\n    Properties:\n      TargetFunctionArn: !ImportValue fn\n      AuthType: NONE\n';
  assert.match(one(url, 'AJ103').message, /^Anyone on the internet can invoke the function through its function URL/);
});
