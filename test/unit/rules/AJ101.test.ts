/** AJ101 public-resource-policy: rules.md "AJ101", positives and near-miss negatives, YAML and JSON. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { expectFinding, findings, loc, locAfter, none, one, y, json } from './util';

/** A queue and a queue policy whose single statement is `stmt` (YAML, indented for the Statement list). */
function queueYaml(stmt: string, extraStatements = ''): string {
  const ind = (s: string) =>
    s
      .trim()
      .split('\n')
      .map((l, i) => (i === 0 ? '          - ' : '            ') + l)
      .join('\n');
  return (
    'Resources:\n' +
    '  Orders:\n' +
    '    Type: AWS::SQS::Queue\n' +
    '  OrdersPolicy:\n' +
    '    Type: AWS::SQS::QueuePolicy\n' +
    '    Properties:\n' +
    '      Queues: [!Ref Orders]\n' +
    '      PolicyDocument:\n' +
    '        Statement:\n' +
    ind(stmt) +
    '\n' +
    (extraStatements ? ind(extraStatements) + '\n' : '')
  );
}

function queueJson(statements: unknown[]): string {
  return json({
    Resources: {
      Orders: { Type: 'AWS::SQS::Queue' },
      OrdersPolicy: {
        Type: 'AWS::SQS::QueuePolicy',
        Properties: { Queues: [{ Ref: 'Orders' }], PolicyDocument: { Version: '2012-10-17', Statement: statements } },
      },
    },
  });
}

const allow = (principal: string, extra = '') =>
  `Effect: Allow\nPrincipal: ${principal}\nAction: sqs:SendMessage\nResource: "*"${extra ? '\n' + extra : ''}`;

describe('AJ101 principal forms', () => {
  test('Principal "*" (YAML): error on the "*" with resource, who and what', () => {
    const t = queueYaml(allow('"*"'));
    const f = one(t, 'AJ101');
    expectFinding(f, {
      ruleId: 'AJ101',
      severity: 'error',
      resource: 'OrdersPolicy',
      range: loc(t, '"*"'),
      message: ['Anyone', 'sqs:SendMessage', 'queue Orders'],
    });
    assert.equal(f.rule, 'public-resource-policy');
    assert.equal(f.message, 'Anyone can sqs:SendMessage on queue Orders');
  });

  test('Principal "*" (JSON)', () => {
    const t = queueJson([{ Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage', Resource: '*' }]);
    const f = one(t, 'AJ101', 'template.json');
    expectFinding(f, {
      ruleId: 'AJ101',
      severity: 'error',
      resource: 'OrdersPolicy',
      range: loc(t, '"Principal": "*"').start && locAfter(t, '"Principal": ', '"*"'),
      message: ['queue Orders', 'sqs:SendMessage'],
    });
  });

  test('plain * (unquoted in flow map) and {AWS: "*"}', () => {
    const t = queueYaml(allow('{AWS: "*"}'));
    const f = one(t, 'AJ101');
    expectFinding(f, {
      ruleId: 'AJ101',
      severity: 'error',
      resource: 'OrdersPolicy',
      range: loc(t, '"*"'),
      message: ['Anyone'],
    });
    const tj = queueJson([{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sqs:SendMessage', Resource: '*' }]);
    expectFinding(one(tj, 'AJ101', 'template.json'), {
      ruleId: 'AJ101',
      severity: 'error',
      resource: 'OrdersPolicy',
      range: locAfter(tj, '"AWS": ', '"*"'),
    });
  });

  test('AWS list with a "*" item: range of the item', () => {
    const t = queueYaml(allow('\n  AWS:\n    - arn:aws:iam::123456789012:root\n    - "*"'));
    expectFinding(one(t, 'AJ101'), {
      ruleId: 'AJ101',
      severity: 'error',
      resource: 'OrdersPolicy',
      range: loc(t, '"*"'),
    });
    const tj = queueJson([
      { Effect: 'Allow', Principal: { AWS: ['arn:aws:iam::123456789012:root', '*'] }, Action: 'sqs:SendMessage' },
    ]);
    expectFinding(one(tj, 'AJ101', 'template.json'), {
      ruleId: 'AJ101',
      severity: 'error',
      resource: 'OrdersPolicy',
      range: locAfter(tj, '123456789012:root",', '"*"'),
    });
  });

  test('wildcard-account ARNs: arn:aws:iam::*:root and bare arn:aws:iam::*, string or under AWS', () => {
    for (const p of [
      '"arn:aws:iam::*:root"',
      '{AWS: "arn:aws:iam::*:root"}',
      '"arn:aws:iam::*"',
      '{AWS: ["arn:aws:iam::*"]}',
    ]) {
      const t = queueYaml(allow(p));
      const needle = p.includes('root') ? '"arn:aws:iam::*:root"' : '"arn:aws:iam::*"';
      const f = one(t, 'AJ101');
      expectFinding(f, {
        ruleId: 'AJ101',
        severity: 'error',
        resource: 'OrdersPolicy',
        range: loc(t, needle),
        message: [/^Any AWS account \(arn:aws:iam::\*(:root)?\) can sqs:SendMessage on queue Orders$/],
      });
    }
    const tj = queueJson([{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::*:root' }, Action: 'sqs:*' }]);
    expectFinding(one(tj, 'AJ101', 'template.json'), {
      ruleId: 'AJ101',
      severity: 'error',
      resource: 'OrdersPolicy',
      range: loc(tj, '"arn:aws:iam::*:root"'),
    });
  });

  test('Sub-built wildcard-account ARN: arn:${AWS::Partition}:iam::*:root is public', () => {
    const t = queueYaml(allow('{AWS: !Sub "arn:${AWS::Partition}:iam::*:root"}'));
    expectFinding(one(t, 'AJ101'), {
      ruleId: 'AJ101',
      severity: 'error',
      resource: 'OrdersPolicy',
      range: loc(t, '!Sub "arn:${AWS::Partition}:iam::*:root"'),
      message: ['Any AWS account (arn:${AWS::Partition}:iam::*:root)'],
    });
  });

  test('near miss: arn:aws:iam::123456789012:* and fixed account root are not public', () => {
    none(queueYaml(allow('{AWS: "arn:aws:iam::123456789012:*"}')), 'AJ101');
    none(queueYaml(allow('{AWS: "arn:aws:iam::123456789012:root"}')), 'AJ101');
    none(queueYaml(allow('{AWS: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}')), 'AJ101');
    none(
      queueJson([{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:*' }, Action: 'sqs:*' }]),
      'AJ101',
      'template.json',
    );
  });

  test('NotPrincipal with Allow (even with no Action): the NotPrincipal key', () => {
    const t = queueYaml('Effect: Allow\nNotPrincipal: {AWS: "arn:aws:iam::123456789012:root"}\nResource: "*"');
    const f = one(t, 'AJ101');
    expectFinding(f, {
      ruleId: 'AJ101',
      severity: 'error',
      resource: 'OrdersPolicy',
      range: loc(t, 'NotPrincipal'),
      message: ['NotPrincipal', 'queue Orders'],
    });
    const tj = queueJson([
      { Effect: 'Allow', NotPrincipal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'sqs:*' },
    ]);
    expectFinding(one(tj, 'AJ101', 'template.json'), {
      ruleId: 'AJ101',
      severity: 'error',
      resource: 'OrdersPolicy',
      range: loc(tj, '"NotPrincipal"'),
    });
  });

  test('near miss: NotPrincipal with Deny, Effect Deny, Service principal', () => {
    none(queueYaml('Effect: Deny\nNotPrincipal: {AWS: "arn:aws:iam::123456789012:root"}\nAction: "*"'), 'AJ101');
    none(queueYaml('Effect: Deny\nPrincipal: "*"\nAction: "*"'), 'AJ101');
    none(queueYaml(allow('{Service: sns.amazonaws.com}')), 'AJ101');
    none(queueYaml(allow('{Service: "*"}')), 'AJ101');
    none(
      queueJson([{ Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'sqs:SendMessage' }]),
      'AJ101',
      'template.json',
    );
  });

  test('unknown principal values are never "*": !Ref resource, !ImportValue, GetAtt', () => {
    none(queueYaml(allow('{AWS: !GetAtt SomeRole.Arn}')), 'AJ101');
    none(queueYaml(allow('{AWS: !ImportValue SharedRoleArn}')), 'AJ101');
    none(queueYaml(allow('{AWS: !Ref Orders}')), 'AJ101');
    none(queueYaml(allow('!ImportValue Anyone')), 'AJ101');
    none(
      queueJson([{ Effect: 'Allow', Principal: { AWS: { 'Fn::ImportValue': 'X' } }, Action: 'sqs:*' }]),
      'AJ101',
      'template.json',
    );
  });

  test('Effect and element names: case-insensitive element names still read', () => {
    const t = queueYaml('effect: Allow\nprincipal: "*"\naction: sqs:SendMessage');
    assert.equal(findings(t, 'AJ101').length, 1);
  });
});

describe('AJ101 restricting conditions', () => {
  const keys = [
    'aws:SourceArn',
    'aws:SourceAccount',
    'aws:SourceOwner',
    'aws:SourceVpc',
    'aws:SourceVpce',
    'aws:SourceOrgID',
    'aws:SourceOrgPaths',
    'aws:SourceIp',
    'aws:PrincipalArn',
    'aws:PrincipalAccount',
    'aws:PrincipalOrgID',
    'aws:PrincipalOrgPaths',
    'aws:VpceAccount',
    'aws:VpceOrgID',
    'aws:VpceOrgPaths',
    'aws:userid',
    's3:DataAccessPointAccount',
    's3:DataAccessPointArn',
    'kms:CallerAccount',
    'lambda:EventSourceToken',
  ];
  const valueFor = (k: string) =>
    k === 'aws:SourceIp'
      ? '203.0.113.0/24'
      : /Arn$/i.test(k)
        ? 'arn:aws:sns:us-east-1:123456789012:topic'
        : /Paths$/.test(k)
          ? 'o-abc123/r-ab12/ou-ab12-11111111/'
          : '123456789012';

  for (const k of keys) {
    test(`${k} with a fixed value restricts (YAML, JSON, upper-cased key)`, () => {
      const op = k === 'aws:SourceIp' ? 'IpAddress' : /Arn$/i.test(k) ? 'ArnEquals' : 'StringEquals';
      none(queueYaml(allow('"*"', `Condition:\n  ${op}:\n    ${k}: "${valueFor(k)}"`)), 'AJ101');
      none(queueYaml(allow('"*"', `Condition:\n  ${op}:\n    ${k.toUpperCase()}: "${valueFor(k)}"`)), 'AJ101');
      none(
        queueJson([
          { Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage', Condition: { [op]: { [k]: valueFor(k) } } },
        ]),
        'AJ101',
        'template.json',
      );
    });
  }

  test('every positive operator restricts; ForAnyValue: forms too', () => {
    for (const op of [
      'StringEquals',
      'StringEqualsIgnoreCase',
      'StringLike',
      'ForAnyValue:StringEquals',
      'ForAnyValue:StringLike',
    ]) {
      none(queueYaml(allow('"*"', `Condition:\n  ${op}:\n    aws:PrincipalOrgID: o-abc123`)), 'AJ101');
    }
    for (const op of ['ArnEquals', 'ArnLike'])
      none(
        queueYaml(allow('"*"', `Condition:\n  ${op}:\n    aws:SourceArn: arn:aws:sns:us-east-1:123456789012:t`)),
        'AJ101',
      );
    none(queueYaml(allow('"*"', 'Condition:\n  IpAddress:\n    aws:SourceIp: [10.0.0.0/8, 192.168.0.0/16]')), 'AJ101');
  });

  test('non-restricting operators: IfExists, ForAllValues:, Null, negated in an Allow', () => {
    for (const op of [
      'StringEqualsIfExists',
      'ForAllValues:StringEquals',
      'StringNotEquals',
      'ArnLikeIfExists',
      'StringNotLike',
      'ArnNotEquals',
    ]) {
      const t = queueYaml(allow('"*"', `Condition:\n  ${op}:\n    aws:PrincipalOrgID: o-abc123`));
      const f = one(t, 'AJ101');
      expectFinding(f, { ruleId: 'AJ101', severity: 'error', resource: 'OrdersPolicy', range: loc(t, '"*"') });
    }
    assert.equal(
      findings(queueYaml(allow('"*"', 'Condition:\n  Null:\n    aws:PrincipalOrgID: "false"')), 'AJ101').length,
      1,
    );
    assert.equal(
      findings(queueYaml(allow('"*"', 'Condition:\n  NotIpAddress:\n    aws:SourceIp: 10.0.0.0/8')), 'AJ101').length,
      1,
    );
  });

  test('keys that do not identify the caller do not restrict', () => {
    for (const [op, k, v] of [
      ['Bool', 'aws:SecureTransport', '"true"'],
      ['StringEquals', 'aws:UserAgent', 'x'],
      ['StringLike', 'aws:Referer', 'https://example.com/*'],
      ['StringEquals', 'aws:RequestedRegion', 'us-east-1'],
      ['DateLessThan', 'aws:CurrentTime', '2030-01-01T00:00:00Z'],
      ['StringEquals', 's3:x-amz-acl', 'bucket-owner-full-control'],
    ]) {
      assert.equal(findings(queueYaml(allow('"*"', `Condition:\n  ${op}:\n    ${k}: ${v}`)), 'AJ101').length, 1, k);
    }
  });

  test('values with * or ?, policy variables, open CIDRs do not restrict', () => {
    for (const [op, k, v] of [
      ['StringLike', 'aws:PrincipalOrgID', '"*"'],
      ['StringLike', 'aws:PrincipalAccount', '"12345678901?"'],
      ['StringEquals', 'aws:PrincipalAccount', '"${aws:PrincipalAccount}"'],
      ['StringEquals', 'aws:userid', '"${aws:userid}"'],
      ['IpAddress', 'aws:SourceIp', '0.0.0.0/0'],
      ['IpAddress', 'aws:SourceIp', '"::/0"'],
      ['IpAddress', 'aws:SourceIp', '[10.0.0.0/8, 0.0.0.0/0]'],
      ['ArnLike', 'aws:SourceArn', '"arn:aws:sns:*:*:x"'],
      ['ArnLike', 'aws:SourceArn', '"arn:aws:sns:us-east-1:*:x"'],
      ['ArnLike', 'aws:PrincipalArn', '"arn:aws:iam::*:role/x"'],
    ]) {
      const t = queueYaml(allow('"*"', `Condition:\n  ${op}:\n    ${k}: ${v}`));
      assert.equal(findings(t, 'AJ101').length, 1, `${op} ${k} ${v}`);
    }
  });

  test('ARN pattern wildcarding only the resource part after a fixed account restricts', () => {
    none(
      queueYaml(allow('"*"', 'Condition:\n  ArnLike:\n    aws:SourceArn: "arn:aws:sns:us-east-1:123456789012:*"')),
      'AJ101',
    );
    none(
      queueYaml(allow('"*"', 'Condition:\n  ArnLike:\n    aws:PrincipalArn: "arn:aws:iam::123456789012:role/ci-*"')),
      'AJ101',
    );
    none(
      queueJson([
        {
          Effect: 'Allow',
          Principal: '*',
          Action: 'sqs:SendMessage',
          Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:sns:us-east-1:123456789012:topic-*' } },
        },
      ]),
      'AJ101',
      'template.json',
    );
    // An S3 ARN has no account field: a wildcard bucket name matches buckets anyone can create.
    assert.equal(
      findings(
        queueJson([
          {
            Effect: 'Allow',
            Principal: '*',
            Action: 'sqs:SendMessage',
            Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::my-bucket-*' } },
          },
        ]),
        'AJ101',
        'template.json',
      ).length,
      1,
    );
  });

  test('org paths with a fixed organization id and a trailing wildcard restrict (AWS documents them so)', () => {
    none(
      queueYaml(
        allow(
          '"*"',
          'Condition:\n  ForAnyValue:StringLike:\n    aws:PrincipalOrgPaths: ["o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"]',
        ),
      ),
      'AJ101',
    );
    none(queueYaml(allow('"*"', 'Condition:\n  StringLike:\n    aws:SourceOrgPaths: "o-a1b2c3d4e5/*"')), 'AJ101');
    assert.equal(
      findings(
        queueYaml(allow('"*"', 'Condition:\n  ForAnyValue:StringLike:\n    aws:PrincipalOrgPaths: ["o-*/r-ab12/*"]')),
        'AJ101',
      ).length,
      1,
    );
    assert.equal(
      findings(
        queueYaml(allow('"*"', 'Condition:\n  ForAnyValue:StringLike:\n    aws:PrincipalOrgPaths: ["*"]')),
        'AJ101',
      ).length,
      1,
    );
  });

  test('CloudFormation-filled values are fixed: !Ref AWS::AccountId, !Sub with ${AWS::AccountId}', () => {
    none(queueYaml(allow('"*"', 'Condition:\n  StringEquals:\n    aws:SourceAccount: !Ref AWS::AccountId')), 'AJ101');
    none(
      queueYaml(
        allow(
          '"*"',
          'Condition:\n  ArnLike:\n    aws:SourceArn: !Sub "arn:aws:sns:${AWS::Region}:${AWS::AccountId}:*"',
        ),
      ),
      'AJ101',
    );
    none(queueYaml(allow('"*"', 'Condition:\n  ArnEquals:\n    aws:SourceArn: !GetAtt Orders.Arn')), 'AJ101');
  });

  test('a parameter Default of "" is a fixed value: ArnEquals aws:SourceArn on it still restricts', () => {
    // checkov's fixture: the source topic is either created here or passed in, empty by default.
    const t = y`
      Parameters:
        ExistingTopicArn: {Type: String, Default: ""}
      Conditions:
        CreateTopic: !Equals [!Ref ExistingTopicArn, ""]
      Resources:
        Topic:
          Type: AWS::SNS::Topic
          Condition: CreateTopic
        Queue:
          Type: AWS::SQS::Queue
        QueuePolicy:
          Type: AWS::SQS::QueuePolicy
          Properties:
            Queues: [!Ref Queue]
            PolicyDocument:
              Statement:
                - Effect: Allow
                  Principal: "*"
                  Action: sqs:SendMessage
                  Resource: !GetAtt Queue.Arn
                  Condition:
                    ArnEquals:
                      aws:SourceArn: !If [CreateTopic, !Ref Topic, !Ref ExistingTopicArn]
    `;
    none(t, 'AJ101');
    none(t.replace('Default: ""', "Default: ''"), 'AJ101');
    // A literal "" matches nobody either; a value that is not a string still does not restrict.
    none(queueYaml(allow('"*"', 'Condition:\n  ArnEquals:\n    aws:SourceArn: ""')), 'AJ101');
    one(queueYaml(allow('"*"', 'Condition:\n  ArnEquals:\n    aws:SourceArn: {a: b}')), 'AJ101');
    one(queueYaml(allow('"*"', 'Condition:\n  ArnEquals:\n    aws:SourceArn:')), 'AJ101');
  });

  test('default SNS topic policy (AWS:* with StringEquals AWS:SourceOwner) is not public', () => {
    const t = y`
      Resources:
        Topic:
          Type: AWS::SNS::Topic
        TopicPolicy:
          Type: AWS::SNS::TopicPolicy
          Properties:
            Topics: [!Ref Topic]
            PolicyDocument:
              Statement:
                - Effect: Allow
                  Principal: {AWS: "*"}
                  Action: [SNS:GetTopicAttributes, SNS:Publish]
                  Resource: !Ref Topic
                  Condition:
                    StringEquals:
                      AWS:SourceOwner: !Ref AWS::AccountId
    `;
    none(t, 'AJ101');
  });
});

describe('AJ101 Deny override', () => {
  const deny = (actions: string, op = 'StringNotEquals', key = 'aws:SourceVpce', value = 'vpce-1a2b3c4d') =>
    `Effect: Deny\nPrincipal: "*"\nAction: ${actions}\nResource: "*"\nCondition:\n  ${op}:\n    ${key}: ${value}`;

  test('Deny * unless VPC endpoint confines the Allow', () => {
    none(queueYaml(allow('"*"'), deny('"*"')), 'AJ101');
    none(queueYaml(allow('"*"'), deny('sqs:*')), 'AJ101');
    none(queueYaml(allow('"*"'), deny('[sqs:SendMessage, sqs:ReceiveMessage]')), 'AJ101');
    none(queueYaml(allow('"*"'), deny('"*"', 'StringNotEquals', 'aws:PrincipalOrgID', 'o-abc123')), 'AJ101');
    none(queueYaml(allow('"*"'), deny('"*"', 'StringNotEqualsIfExists', 'aws:SourceVpc', 'vpc-111')), 'AJ101');
    none(
      queueYaml(
        allow('{AWS: "*"}'),
        deny('sqs:*', 'StringNotEquals', 'aws:PrincipalOrgID', 'o-abc123').replace(
          'Principal: "*"',
          'Principal: {AWS: "*"}',
        ),
      ),
      'AJ101',
    );
    none(
      queueJson([
        { Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage' },
        {
          Effect: 'Deny',
          Principal: '*',
          Action: 'sqs:*',
          Condition: { StringNotEquals: { 'aws:sourceVpce': 'vpce-1a2b3c4d' } },
        },
      ]),
      'AJ101',
      'template.json',
    );
  });

  test('near miss: Deny on other actions, with wildcard value, positive operator, or not for everyone', () => {
    assert.equal(findings(queueYaml(allow('"*"'), deny('sqs:DeleteQueue')), 'AJ101').length, 1);
    assert.equal(findings(queueYaml(allow('"*"'), deny('s3:*')), 'AJ101').length, 1);
    assert.equal(
      findings(queueYaml(allow('"*"'), deny('"*"', 'StringNotLike', 'aws:SourceVpce', '"vpce-*"')), 'AJ101').length,
      1,
    );
    assert.equal(
      findings(queueYaml(allow('"*"'), deny('"*"', 'StringEquals', 'aws:SourceVpce', 'vpce-1')), 'AJ101').length,
      1,
    );
    assert.equal(
      findings(queueYaml(allow('"*"'), deny('"*"', 'StringNotEquals', 'aws:UserAgent', 'x')), 'AJ101').length,
      1,
    );
    assert.equal(
      findings(
        queueYaml(
          allow('"*"'),
          deny('"*"').replace('Principal: "*"', 'Principal: {AWS: arn:aws:iam::123456789012:root}'),
        ),
        'AJ101',
      ).length,
      1,
    );
  });
});

describe('AJ101 S3 bucket policies and bucket linkage', () => {
  const bucketPolicy = (bucketProps: string, bucketRef: string) =>
    'Resources:\n' +
    '  Site:\n' +
    '    Type: AWS::S3::Bucket\n' +
    '    Properties:\n' +
    '      BucketName: my-site-bucket\n' +
    (bucketProps ? bucketProps + '\n' : '') +
    '  SitePolicy:\n' +
    '    Type: AWS::S3::BucketPolicy\n' +
    '    Properties:\n' +
    `      Bucket: ${bucketRef}\n` +
    '      PolicyDocument:\n' +
    '        Statement:\n' +
    '          - Effect: Allow\n' +
    '            Principal: "*"\n' +
    '            Action: s3:GetObject\n' +
    '            Resource: !Sub "arn:aws:s3:::my-site-bucket/*"\n';

  test('bucket by !Ref without a PublicAccessBlockConfiguration: error, deploy will be rejected', () => {
    const t = bucketPolicy('', '!Ref Site');
    const f = one(t, 'AJ101');
    expectFinding(f, {
      ruleId: 'AJ101',
      severity: 'error',
      resource: 'SitePolicy',
      range: loc(t, '"*"'),
      message: ['s3:GetObject', 'bucket Site', /reject/],
    });
    assert.equal(f.data?.bucket, 'Site');
    assert.equal(f.data?.deployRejected, true);
  });

  test('bucket by literal BucketName: linked', () => {
    const f = one(bucketPolicy('', 'my-site-bucket'), 'AJ101');
    assert.equal(f.data?.bucket, 'Site');
    assert.match(f.message, /reject/);
  });

  test('bucket by its logical id as a literal: NOT linked', () => {
    const f = one(bucketPolicy('', 'Site'), 'AJ101');
    assert.equal(f.data?.bucket, undefined);
    assert.doesNotMatch(f.message, /reject/);
    assert.equal(f.severity, 'error');
  });

  test('BlockPublicPolicy true written: error, rejected; false: error, not rejected', () => {
    const on = bucketPolicy('      PublicAccessBlockConfiguration:\n        BlockPublicPolicy: true', '!Ref Site');
    const f = one(on, 'AJ101');
    assert.equal(f.severity, 'error');
    assert.match(f.message, /BlockPublicPolicy: true.*reject/);
    const off = bucketPolicy('      PublicAccessBlockConfiguration:\n        BlockPublicPolicy: false', '!Ref Site');
    const g = one(off, 'AJ101');
    assert.equal(g.severity, 'error');
    assert.doesNotMatch(g.message, /reject/);
    assert.equal(g.data?.deployRejected, false);
  });

  test('config present but omitting BlockPublicPolicy: flag false, not rejected', () => {
    const f = one(
      bucketPolicy('      PublicAccessBlockConfiguration:\n        BlockPublicAcls: true', '!Ref Site'),
      'AJ101',
    );
    assert.equal(f.data?.deployRejected, false);
  });

  test('RestrictPublicBuckets true written: warning', () => {
    const t = bucketPolicy(
      '      PublicAccessBlockConfiguration:\n        BlockPublicPolicy: false\n        RestrictPublicBuckets: true',
      '!Ref Site',
    );
    const f = one(t, 'AJ101');
    expectFinding(f, {
      ruleId: 'AJ101',
      severity: 'warning',
      resource: 'SitePolicy',
      range: loc(t, '"*"'),
      message: ['RestrictPublicBuckets'],
    });
  });

  test('JSON bucket policy', () => {
    const t = json({
      Resources: {
        Site: { Type: 'AWS::S3::Bucket' },
        SitePolicy: {
          Type: 'AWS::S3::BucketPolicy',
          Properties: {
            Bucket: { Ref: 'Site' },
            PolicyDocument: {
              Statement: [
                { Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::x/*' },
              ],
            },
          },
        },
      },
    });
    const f = one(t, 'AJ101', 'template.json');
    expectFinding(f, {
      ruleId: 'AJ101',
      severity: 'error',
      resource: 'SitePolicy',
      range: loc(t, '"*"'),
      message: ['bucket Site', /reject/],
    });
  });
});

describe('AJ101 policies as strings, Sub, If, parameters', () => {
  test('policy as a JSON string in a block scalar: range of the * inside the string', () => {
    const t = y`
      Resources:
        Logs:
          Type: AWS::Logs::ResourcePolicy
          Properties:
            PolicyName: es
            PolicyDocument: |
              {
                "Version": "2012-10-17",
                "Statement": [
                  {"Effect": "Allow", "Principal": "*", "Action": "logs:PutLogEvents", "Resource": "*"}
                ]
              }
    `;
    const f = one(t, 'AJ101');
    expectFinding(f, {
      ruleId: 'AJ101',
      severity: 'error',
      resource: 'Logs',
      range: locAfter(t, '"Principal": ', '"*"'),
      message: ['logs:PutLogEvents'],
    });
  });

  test('policy as a JSON string inside a JSON template (escaped quotes)', () => {
    const policy = JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 'events:PutEvents' }] });
    const t = json({
      Resources: { Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: 'b', Policy: policy } } },
    });
    const f = one(t, 'AJ101', 'template.json');
    expectFinding(f, {
      ruleId: 'AJ101',
      severity: 'error',
      resource: 'Bus',
      range: locAfter(t, '\\"Principal\\":', '\\"*\\"'),
      message: ['events:PutEvents'],
    });
  });

  test('Fn::Sub JSON policy string', () => {
    const t = y`
      Resources:
        Logs:
          Type: AWS::Logs::ResourcePolicy
          Properties:
            PolicyName: es
            PolicyDocument: !Sub |
              {"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "logs:CreateLogStream",
                "Resource": "arn:aws:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:x:*"}]}
    `;
    const f = one(t, 'AJ101');
    expectFinding(f, { ruleId: 'AJ101', severity: 'error', resource: 'Logs', range: locAfter(t, '"AWS": ', '"*"') });
    // A Sub-filled account in a condition is fixed.
    const t2 = t.replace(
      '"Action"',
      '"Condition": {"StringEquals": {"aws:SourceAccount": "${AWS::AccountId}"}}, "Action"',
    );
    none(t2, 'AJ101');
  });

  test('!If branches: the message names the branch', () => {
    const t = y`
      Conditions:
        IsPublic: !Equals [!Ref AWS::Region, us-east-1]
      Resources:
        Orders:
          Type: AWS::SQS::Queue
        OrdersPolicy:
          Type: AWS::SQS::QueuePolicy
          Properties:
            Queues: [!Ref Orders]
            PolicyDocument:
              Statement:
                - Effect: Allow
                  Principal: !If [IsPublic, "*", {AWS: !Ref AWS::AccountId}]
                  Action: sqs:SendMessage
    `;
    const f = one(t, 'AJ101');
    expectFinding(f, {
      ruleId: 'AJ101',
      severity: 'error',
      resource: 'OrdersPolicy',
      range: loc(t, '"*"'),
      message: ['IsPublic', 'true'],
    });
    assert.ok(String(f.data?.via).includes('IsPublic'));
  });

  test('parameter AllowedValues: the message names the parameter value', () => {
    const t = y`
      Parameters:
        Who:
          Type: String
          Default: "123456789012"
          AllowedValues: ["123456789012", "*"]
      Resources:
        Orders:
          Type: AWS::SQS::Queue
        OrdersPolicy:
          Type: AWS::SQS::QueuePolicy
          Properties:
            Queues: [!Ref Orders]
            PolicyDocument:
              Statement:
                - Effect: Allow
                  Principal: {AWS: !Ref Who}
                  Action: sqs:SendMessage
    `;
    const f = one(t, 'AJ101');
    expectFinding(f, {
      ruleId: 'AJ101',
      severity: 'error',
      resource: 'OrdersPolicy',
      range: loc(t, '!Ref Who'),
      message: ['parameter Who', '*'],
    });
  });

  test('parameter Default "*": public, names the parameter', () => {
    const t = y`
      Parameters:
        Who: {Type: String, Default: "*"}
      Resources:
        OrdersPolicy:
          Type: AWS::SQS::QueuePolicy
          Properties:
            Queues: [x]
            PolicyDocument:
              Statement:
                - {Effect: Allow, Principal: !Ref Who, Action: "sqs:*"}
    `;
    const f = one(t, 'AJ101');
    expectFinding(f, {
      ruleId: 'AJ101',
      severity: 'error',
      resource: 'OrdersPolicy',
      range: loc(t, '!Ref Who'),
      message: ['parameter Who'],
    });
  });

  test('Effect and condition values from parameters: the message names the value that opens the policy', () => {
    const eff = y`
      Parameters:
        E: {Type: String, Default: Deny, AllowedValues: [Deny, Allow]}
      Resources:
        P:
          Type: AWS::SQS::QueuePolicy
          Properties:
            Queues: [q]
            PolicyDocument:
              Statement:
                - {Effect: !Ref E, Principal: "*", Action: "sqs:*"}
    `;
    expectFinding(one(eff, 'AJ101'), {
      ruleId: 'AJ101',
      severity: 'error',
      resource: 'P',
      range: loc(eff, '"*"'),
      message: ['when parameter E = Allow'],
    });
    const cond = y`
      Parameters:
        Org: {Type: String, Default: o-abc123, AllowedValues: [o-abc123, "*"]}
      Resources:
        P:
          Type: AWS::SQS::QueuePolicy
          Properties:
            Queues: [q]
            PolicyDocument:
              Statement:
                - Effect: Allow
                  Principal: "*"
                  Action: "sqs:*"
                  Condition: {StringLike: {aws:PrincipalOrgID: !Ref Org}}
    `;
    expectFinding(one(cond, 'AJ101'), {
      ruleId: 'AJ101',
      severity: 'error',
      resource: 'P',
      range: loc(cond, '"*"', 1),
      message: ['when parameter Org = *'],
    });
    none(cond.replace('AllowedValues: [o-abc123, "*"]', 'AllowedValues: [o-abc123, o-def456]'), 'AJ101');
  });

  test('parameter without default and without AllowedValues: unknown, no finding', () => {
    none(
      y`
        Parameters:
          Who: {Type: String}
        Resources:
          OrdersPolicy:
            Type: AWS::SQS::QueuePolicy
            Properties:
              Queues: [x]
              PolicyDocument:
                Statement:
                  - {Effect: Allow, Principal: {AWS: !Ref Who}, Action: "sqs:*"}
      `,
      'AJ101',
    );
  });
});

describe('AJ101 resource types', () => {
  const cases: [string, string, string][] = [
    ['AWS::S3::AccessPoint', 'Policy', 'access point'],
    ['AWS::S3Express::BucketPolicy', 'PolicyDocument', 'directory bucket'],
    ['AWS::SQS::QueueInlinePolicy', 'PolicyDocument', 'queue'],
    ['AWS::SNS::TopicPolicy', 'PolicyDocument', 'topic'],
    ['AWS::SNS::TopicInlinePolicy', 'PolicyDocument', 'topic'],
    ['AWS::KMS::Key', 'KeyPolicy', 'KMS key'],
    ['AWS::KMS::ReplicaKey', 'KeyPolicy', 'KMS replica key'],
    ['AWS::ECR::Repository', 'RepositoryPolicyText', 'ECR repository'],
    ['AWS::SecretsManager::ResourcePolicy', 'ResourcePolicy', 'secret'],
    ['AWS::Logs::ResourcePolicy', 'PolicyDocument', 'CloudWatch Logs'],
    ['AWS::OpenSearchService::Domain', 'AccessPolicies', 'OpenSearch domain'],
    ['AWS::Elasticsearch::Domain', 'AccessPolicies', 'Elasticsearch domain'],
    ['AWS::EFS::FileSystem', 'FileSystemPolicy', 'EFS file system'],
    ['AWS::Glacier::Vault', 'AccessPolicy', 'Glacier vault'],
    ['AWS::ApiGateway::RestApi', 'Policy', 'REST API'],
    ['AWS::Backup::BackupVault', 'AccessPolicy', 'backup vault'],
    ['AWS::CodeArtifact::Domain', 'PermissionsPolicyDocument', 'CodeArtifact domain'],
    ['AWS::CodeArtifact::Repository', 'PermissionsPolicyDocument', 'CodeArtifact repository'],
  ];
  for (const [type, prop, noun] of cases) {
    test(`${type}.${prop}`, () => {
      const t = y`
        Resources:
          Thing:
            Type: ${type}
            Properties:
              ${prop}:
                Statement:
                  - Effect: Allow
                    Principal: {AWS: "*"}
                    Action: "*"
      `;
      const f = one(t, 'AJ101');
      expectFinding(f, {
        ruleId: 'AJ101',
        severity: 'error',
        resource: 'Thing',
        range: loc(t, '"*"'),
        message: [noun, 'every action'],
      });
      none(
        t.replace('Action: "*"', 'Action: "*"\n            Condition: {StringEquals: {aws:PrincipalOrgID: o-abc123}}'),
        'AJ101',
      );
    });
  }

  test('AWS::Events::EventBusPolicy Statement property', () => {
    const t = y`
      Resources:
        BusPolicy:
          Type: AWS::Events::EventBusPolicy
          Properties:
            StatementId: s
            EventBusName: shared
            Statement:
              Effect: Allow
              Principal: "*"
              Action: events:PutEvents
              Resource: "*"
    `;
    expectFinding(one(t, 'AJ101'), {
      ruleId: 'AJ101',
      severity: 'error',
      resource: 'BusPolicy',
      range: loc(t, '"*"'),
      message: ['event bus shared', 'events:PutEvents'],
    });
  });

  test('AWS::Lambda::LayerVersionPermission: public without OrganizationId, not with it', () => {
    const t = y`
      Resources:
        Layer:
          Type: AWS::Lambda::LayerVersion
          Properties: {Content: {S3Bucket: b, S3Key: k}}
        LayerPerm:
          Type: AWS::Lambda::LayerVersionPermission
          Properties:
            Action: lambda:GetLayerVersion
            LayerVersionArn: !Ref Layer
            Principal: "*"
    `;
    expectFinding(one(t, 'AJ101'), {
      ruleId: 'AJ101',
      severity: 'error',
      resource: 'LayerPerm',
      range: loc(t, '"*"'),
      message: ['lambda:GetLayerVersion', 'Layer'],
    });
    none(t + '      OrganizationId: o-abc123\n', 'AJ101');
    none(t.replace('Principal: "*"', 'Principal: "123456789012"'), 'AJ101');
  });

  test('non-policy resources and identity policies: no finding', () => {
    none(
      y`
        Resources:
          Role:
            Type: AWS::IAM::Policy
            Properties:
              PolicyName: p
              PolicyDocument:
                Statement:
                  - {Effect: Allow, Action: "*", Resource: "*"}
      `,
      'AJ101',
    );
  });
});

describe('AJ101 standalone policy documents', () => {
  test('policy JSON file: range of the * and the resource in the message', () => {
    const t = json({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::my-bucket/*' }],
    });
    const r = findings(t, 'AJ101', 'bucket.policy.json');
    assert.equal(r.length, 1);
    expectFinding(r[0], {
      ruleId: 'AJ101',
      severity: 'error',
      resource: null,
      range: loc(t, '"*"'),
      message: ['Anyone can s3:GetObject on arn:aws:s3:::my-bucket/*'],
    });
  });

  test('Statement as a single object; YAML policy file', () => {
    const t = json({ Statement: { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sqs:*' } });
    assert.equal(findings(t, 'AJ101', 'x.json').length, 1);
    const ty = 'Version: "2012-10-17"\nStatement:\n  - Effect: Allow\n    Principal: "*"\n    Action: sns:Publish\n';
    expectFinding(one(ty, 'AJ101', 'topic-policy.yaml'), {
      ruleId: 'AJ101',
      severity: 'error',
      resource: null,
      range: loc(ty, '"*"'),
    });
  });

  test('CLI wrapper {"Policy": "<json string>"}: range inside the string', () => {
    const inner = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Sid: 'a', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }],
    });
    const t = JSON.stringify({ Policy: inner });
    const r = lintTextKind(t, 'get-bucket-policy.json');
    assert.equal(r.kind, 'policy');
    const f = one(t, 'AJ101', 'get-bucket-policy.json');
    expectFinding(f, {
      ruleId: 'AJ101',
      severity: 'error',
      resource: null,
      range: locAfter(t, 'Principal\\":', '\\"*\\"'),
    });
  });

  test('CLI wrapper {"PolicyVersion": {"Document": {...}}}', () => {
    const t = json({
      PolicyVersion: {
        Document: { Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::*:root' }, Action: 'kms:*' }] },
        VersionId: 'v1',
      },
    });
    const f = one(t, 'AJ101', 'pv.json');
    expectFinding(f, { ruleId: 'AJ101', severity: 'error', resource: null, range: loc(t, '"arn:aws:iam::*:root"') });
  });

  test('CLI wrapper {"AssumeRolePolicyDocument": {...}}: a trust policy file', () => {
    const t = json({
      AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }] },
    });
    const f = one(t, 'AJ101', 'trust.json');
    expectFinding(f, {
      ruleId: 'AJ101',
      severity: 'error',
      resource: null,
      range: loc(t, '"*"'),
      message: ['Anyone can sts:AssumeRole'],
    });
  });

  test('near miss: restricted standalone policy', () => {
    none(
      json({
        Statement: [
          {
            Effect: 'Allow',
            Principal: '*',
            Action: 's3:GetObject',
            Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-1' } },
          },
        ],
      }),
      'AJ101',
      'p.json',
    );
  });
});

import { lintText } from '../../../server/src/engine';
function lintTextKind(text: string, fileName: string) {
  return lintText(text, { fileName });
}
