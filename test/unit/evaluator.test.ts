/** The policy evaluator's plain-JSON API (used by the live audit, AJ531-AJ533). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { publicGrantsInPolicyJson } from '../../server/src/engine';

const ACCOUNT = '123456789012';

test('default SNS topic policy (AWS:* with StringEquals AWS:SourceOwner) is not public', () => {
  const policy = {
    Version: '2008-10-17',
    Id: '__default_policy_ID',
    Statement: [
      {
        Sid: '__default_statement_ID',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: [
          'SNS:GetTopicAttributes',
          'SNS:SetTopicAttributes',
          'SNS:AddPermission',
          'SNS:RemovePermission',
          'SNS:DeleteTopic',
          'SNS:Subscribe',
          'SNS:ListSubscriptionsByTopic',
          'SNS:Publish',
        ],
        Resource: `arn:aws:sns:us-east-1:${ACCOUNT}:alerts`,
        Condition: { StringEquals: { 'AWS:SourceOwner': ACCOUNT } },
      },
    ],
  };
  assert.deepEqual(publicGrantsInPolicyJson(policy), []);
  // As AWS returns it: a JSON string.
  assert.deepEqual(publicGrantsInPolicyJson(JSON.stringify(policy)), []);
});

test('typical public S3 bucket policy (website): public, with message and resources', () => {
  const policy = {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'PublicReadGetObject',
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::example-site/*',
      },
    ],
  };
  const g = publicGrantsInPolicyJson(JSON.stringify(policy), { resourceKind: 's3' });
  assert.equal(g.length, 1);
  assert.equal(g[0].statementIndex, 0);
  assert.equal(g[0].sid, 'PublicReadGetObject');
  assert.equal(g[0].who, 'anyone');
  assert.deepEqual(g[0].actions, ['s3:GetObject']);
  assert.deepEqual(g[0].resources, ['arn:aws:s3:::example-site/*']);
  assert.equal(g[0].message, 'anyone can s3:GetObject');
});

test('SQS policy with an aws:SourceArn condition (SNS fan-out) is not public', () => {
  const policy = {
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: `arn:aws:sqs:us-east-1:${ACCOUNT}:orders`,
        Condition: { ArnEquals: { 'aws:SourceArn': `arn:aws:sns:us-east-1:${ACCOUNT}:orders-topic` } },
      },
      {
        Effect: 'Allow',
        Principal: '*',
        Action: 'sqs:SendMessage',
        Resource: `arn:aws:sqs:us-east-1:${ACCOUNT}:orders`,
        Condition: { ArnEquals: { 'aws:SourceArn': `arn:aws:sns:us-east-1:${ACCOUNT}:orders-topic` } },
      },
    ],
  };
  assert.deepEqual(publicGrantsInPolicyJson(policy), []);
});

test('SQS policy open to everyone, and to any account via wildcard ARN', () => {
  const g = publicGrantsInPolicyJson({
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: ['arn:aws:iam::111122223333:root', '*'] },
        Action: ['sqs:SendMessage', 'sqs:ReceiveMessage'],
      },
    ],
  });
  assert.equal(g.length, 1);
  assert.equal(g[0].message, 'anyone can sqs:SendMessage, sqs:ReceiveMessage');
  const w = publicGrantsInPolicyJson({
    Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::*:root' }, Action: 'sqs:*' }],
  });
  assert.equal(w.length, 1);
  assert.match(w[0].who, /any AWS account/);
});

test('Statement as a single object, NotPrincipal, NotAction', () => {
  const n = publicGrantsInPolicyJson({
    Statement: { Effect: 'Allow', NotPrincipal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, NotAction: 's3:DeleteBucket' },
  });
  assert.equal(n.length, 1);
  assert.match(n[0].who, /NotPrincipal/);
  assert.equal(
    n[0].message,
    'everyone except the listed principals (NotPrincipal) can use every action except s3:DeleteBucket',
  );
});

test('restricted by org, by VPC endpoint Deny override, by IP; not by open CIDR or IfExists', () => {
  assert.deepEqual(
    publicGrantsInPolicyJson({
      Statement: [
        {
          Effect: 'Allow',
          Principal: '*',
          Action: 's3:*',
          Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } },
        },
      ],
    }),
    [],
  );
  assert.deepEqual(
    publicGrantsInPolicyJson({
      Statement: [
        { Effect: 'Allow', Principal: '*', Action: 's3:GetObject' },
        {
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-0123' } },
        },
      ],
    }),
    [],
  );
  assert.deepEqual(
    publicGrantsInPolicyJson({
      Statement: [
        {
          Effect: 'Allow',
          Principal: '*',
          Action: 's3:GetObject',
          Condition: { IpAddress: { 'aws:SourceIp': ['203.0.113.0/24'] } },
        },
      ],
    }),
    [],
  );
  assert.equal(
    publicGrantsInPolicyJson({
      Statement: [
        {
          Effect: 'Allow',
          Principal: '*',
          Action: 's3:GetObject',
          Condition: { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } },
        },
      ],
    }).length,
    1,
  );
  assert.equal(
    publicGrantsInPolicyJson({
      Statement: [
        {
          Effect: 'Allow',
          Principal: '*',
          Action: 's3:GetObject',
          Condition: { StringEqualsIfExists: { 'aws:PrincipalOrgID': 'o-1' } },
        },
      ],
    }).length,
    1,
  );
  assert.equal(
    publicGrantsInPolicyJson({
      Statement: [
        {
          Effect: 'Allow',
          Principal: '*',
          Action: 's3:GetObject',
          Condition: { Bool: { 'aws:SecureTransport': 'true' } },
        },
      ],
    }).length,
    1,
  );
});

test('KMS default key policy (account root) and service principals: not public', () => {
  assert.deepEqual(
    publicGrantsInPolicyJson({
      Statement: [
        {
          Sid: 'Enable IAM User Permissions',
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
          Action: 'kms:*',
          Resource: '*',
        },
      ],
    }),
    [],
  );
  assert.deepEqual(
    publicGrantsInPolicyJson({
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'cloudtrail.amazonaws.com' },
          Action: 'kms:GenerateDataKey*',
          Resource: '*',
        },
      ],
    }),
    [],
  );
  // kms:CallerAccount pins the caller
  assert.deepEqual(
    publicGrantsInPolicyJson({
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: 'kms:Decrypt',
          Condition: {
            StringEquals: { 'kms:CallerAccount': ACCOUNT, 'kms:ViaService': 'ssm.us-east-1.amazonaws.com' },
          },
        },
      ],
    }),
    [],
  );
});

test('element names are case-insensitive, as AWS accepts them', () => {
  assert.equal(
    publicGrantsInPolicyJson({ statement: [{ effect: 'Allow', principal: '*', action: 's3:GetObject' }] }).length,
    1,
  );
});

test('garbage in: no grants, no throw', () => {
  for (const bad of [
    'not json',
    '',
    '{',
    'null',
    '42',
    '[]',
    null,
    undefined,
    42,
    [],
    {},
    { Statement: 'x' },
    { Statement: [null, 1, 'a', {}] },
    { Statement: [{ Effect: 'Allow', Principal: null }] },
  ]) {
    assert.deepEqual(publicGrantsInPolicyJson(bad as unknown), [], JSON.stringify(bad));
  }
});

test('no template semantics in live policies: "${aws:username}" is a policy variable, not a fixed Sub part', () => {
  assert.equal(
    publicGrantsInPolicyJson({
      Statement: [
        {
          Effect: 'Allow',
          Principal: '*',
          Action: 's3:GetObject',
          Condition: { StringEquals: { 'aws:userid': '${aws:userid}' } },
        },
      ],
    }).length,
    1,
  );
  // An intrinsic-looking map in a live policy is just data: never "*".
  assert.deepEqual(
    publicGrantsInPolicyJson({
      Statement: [{ Effect: 'Allow', Principal: { AWS: { Ref: 'X' } }, Action: 's3:GetObject' }],
    }),
    [],
  );
});
