/** Pure parts of the audit: CSV parsing, endpoint resolution, S3/SQS/SNS/EC2 verdicts, error text. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCsv, parseCredentialReport } from '../../server/src/audit/credentialReport';
import { describeError, endpointOverride } from '../../server/src/audit/clients';
import { bucketFindings, accountPabFindings, type BucketFacts } from '../../server/src/audit/s3';
import { queueFindings } from '../../server/src/audit/sqs';
import { topicFindings } from '../../server/src/audit/sns';
import { instanceFinding } from '../../server/src/audit/ec2';
import { discoverProfiles, explainCredentialError } from '../../server/src/audit/accounts';
import { writeAwsFiles } from './moto';

describe('credential report CSV', () => {
  test('quoted fields, doubled quotes, commas and newlines inside quotes, CRLF, BOM, trailing newline', () => {
    const text = '\ufeffa,b,c\r\n"x,1","say ""hi""","multi\nline"\r\n,,\n"",plain,"end"\n';
    assert.deepEqual(parseCsv(text), [
      ['a', 'b', 'c'],
      ['x,1', 'say "hi"', 'multi\nline'],
      ['', '', ''],
      ['', 'plain', 'end'],
    ]);
    assert.deepEqual(parseCsv('a,b'), [['a', 'b']]);
  });
  test('rows keyed by header; bytes decoded as UTF-8; a non-report is an error', () => {
    const rows = parseCredentialReport(
      new TextEncoder().encode('user,arn,mfa_active\nzoë,"arn:aws:iam::1:user/zoë",true\n'),
    );
    assert.deepEqual(rows, [{ user: 'zoë', arn: 'arn:aws:iam::1:user/zoë', mfa_active: 'true' }]);
    assert.throws(() => parseCredentialReport('<html>oops</html>\n'), /no "user"\/"arn" header/);
  });
});

describe('endpoint overrides (SDK order)', () => {
  const cfg = {
    'services.local': {
      's3.endpoint_url': 'http://localhost:4566',
      's3_control.endpoint_url': 'http://localhost:4567',
    },
  };
  test('service env beats global env beats services section beats profile endpoint_url', () => {
    const profile = { endpoint_url: 'http://127.0.0.1:5000', services: 'local' };
    assert.equal(endpointOverride('s3', {}, profile, cfg), 'http://localhost:4566');
    assert.equal(endpointOverride('s3control', {}, profile, cfg), 'http://localhost:4567');
    assert.equal(endpointOverride('iam', {}, profile, cfg), 'http://127.0.0.1:5000');
    assert.equal(endpointOverride('iam', { AWS_ENDPOINT_URL: 'http://g:1' }, profile, cfg), 'http://g:1');
    assert.equal(
      endpointOverride('iam', { AWS_ENDPOINT_URL: 'http://g:1', AWS_ENDPOINT_URL_IAM: 'http://i:2' }, profile, cfg),
      'http://i:2',
    );
    assert.equal(
      endpointOverride('s3control', { AWS_ENDPOINT_URL_S3_CONTROL: 'http://c:3' }, profile, cfg),
      'http://c:3',
    );
    assert.equal(
      endpointOverride(
        'iam',
        { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true', AWS_ENDPOINT_URL: 'http://g:1' },
        profile,
        cfg,
      ),
      undefined,
    );
    assert.equal(endpointOverride('iam', {}, { ...profile, ignore_configured_endpoint_urls: 'true' }, cfg), undefined);
    assert.equal(endpointOverride('iam', {}, undefined, {}), undefined);
  });
  test('discoverProfiles lists names from both files, kinds, regions and endpoints, never keys', async () => {
    const f = writeAwsFiles(
      '[default]\nregion = eu-west-1\n[profile sso]\nsso_session = s\nsso_account_id = 1\nsso_role_name = R\n[sso-session s]\nsso_start_url = https://x/start\nsso_region = us-east-1\n[profile role]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = default\nendpoint_url = http://127.0.0.1:9\n[services x]\ns3 =\n  endpoint_url = http://localhost:1\n',
      '[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n[creds-only]\naws_access_key_id = a\naws_secret_access_key = b\n',
    );
    try {
      const d = await discoverProfiles({
        AWS_CONFIG_FILE: f.configFile,
        AWS_SHARED_CREDENTIALS_FILE: f.credentialsFile,
        AWS_REGION: 'ap-south-1',
      });
      assert.deepEqual(
        d.profiles.map((p) => [p.name, p.kind, p.source, p.region]),
        [
          ['default', 'static', 'config+credentials', 'ap-south-1'],
          ['creds-only', 'static', 'credentials', 'ap-south-1'],
          ['role', 'role', 'config', 'ap-south-1'],
          ['sso', 'sso', 'config', 'ap-south-1'],
        ],
      );
      assert.equal(d.profiles[2].endpoints.iam, 'http://127.0.0.1:9');
      assert.doesNotMatch(JSON.stringify(d), /AKIAIOSFODNN7EXAMPLE|wJalrXUtnFEMI|aws_secret/);
    } finally {
      f.cleanup();
    }
  });
});

describe('verdicts', () => {
  const publicPolicy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }],
  });
  const base: BucketFacts = {
    name: 'b',
    region: 'eu-west-1',
    policy: null,
    grants: [],
    bucketPab: { kind: 'none' },
    accountPab: { kind: 'none' },
  };
  const all = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };
  const authRead = [
    {
      Grantee: { Type: 'Group' as const, URI: 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers' },
      Permission: 'READ' as const,
    },
  ];
  test('bucket: public policy unless RestrictPublicBuckets on the bucket or the account', () => {
    assert.equal(bucketFindings({ ...base, policy: publicPolicy }).length, 1);
    assert.equal(
      bucketFindings({
        ...base,
        policy: publicPolicy,
        bucketPab: { kind: 'set', flags: { ...all, IgnorePublicAcls: false } },
      }).length,
      0,
    );
    assert.equal(bucketFindings({ ...base, policy: publicPolicy, accountPab: { kind: 'set', flags: all } }).length, 0);
    // BlockPublicPolicy alone does not take an existing policy back.
    assert.equal(
      bucketFindings({
        ...base,
        policy: publicPolicy,
        bucketPab: { kind: 'set', flags: { ...all, RestrictPublicBuckets: false } },
      }).length,
      1,
    );
    const unknown = bucketFindings({ ...base, policy: publicPolicy, bucketPab: { kind: 'unknown', reason: 'denied' } });
    assert.match(unknown[0].message, /the public access block could not be read; it may neutralise this/);
  });
  test('bucket: ACL to AuthenticatedUsers unless IgnorePublicAcls', () => {
    const f = bucketFindings({ ...base, grants: authRead });
    assert.deepEqual(
      f.map((x) => x.message),
      ['bucket ACL grants READ to AuthenticatedUsers (any AWS account) on bucket b'],
    );
    assert.equal(f[0].resource, 'arn:aws:s3:::b');
    assert.equal(f[0].region, 'eu-west-1');
    assert.equal(
      bucketFindings({
        ...base,
        grants: authRead,
        accountPab: { kind: 'set', flags: { ...all, RestrictPublicBuckets: false } },
      }).length,
      0,
    );
  });
  test('account public access block', () => {
    assert.deepEqual(accountPabFindings('1', { kind: 'set', flags: all }), []);
    assert.deepEqual(accountPabFindings('1', { kind: 'unknown', reason: '' }), []);
    assert.equal(accountPabFindings('1', { kind: 'none' })[0].ruleId, 'AJ534');
  });
  test('queues and topics: the shared evaluator decides', () => {
    const sqsPolicy = JSON.stringify({
      Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sqs:*', Resource: '*' }],
    });
    assert.equal(queueFindings('arn:aws:sqs:us-east-1:1:q', 'us-east-1', sqsPolicy).length, 1);
    const restricted = JSON.stringify({
      Statement: [
        {
          Effect: 'Allow',
          Principal: '*',
          Action: 'sqs:SendMessage',
          Resource: '*',
          Condition: { ArnEquals: { 'aws:SourceArn': 'arn:aws:sns:us-east-1:1:t' } },
        },
      ],
    });
    assert.deepEqual(queueFindings('arn:aws:sqs:us-east-1:1:q', 'us-east-1', restricted), []);
    assert.deepEqual(queueFindings('arn:aws:sqs:us-east-1:1:q', 'us-east-1', undefined), []);
    // The default SNS topic policy as AWS (and moto) write it: AWS:* limited by AWS:SourceOwner.
    const defaultTopicPolicy = JSON.stringify({
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
          Resource: 'arn:aws:sns:us-east-1:123456789012:t',
          Condition: { StringEquals: { 'AWS:SourceOwner': '123456789012' } },
        },
      ],
    });
    assert.deepEqual(topicFindings('arn:aws:sns:us-east-1:123456789012:t', 'us-east-1', defaultTopicPolicy), []);
  });
  test('instances: required tokens or a disabled endpoint pass; terminated instances are skipped', () => {
    const inst = (mo: any, state = 'running') => ({
      InstanceId: 'i-1',
      State: { Name: state as any },
      MetadataOptions: mo,
    });
    assert.equal(instanceFinding('1', 'r', inst({ HttpTokens: 'optional', HttpEndpoint: 'enabled' }))?.ruleId, 'AJ521');
    assert.equal(instanceFinding('1', 'r', inst({ HttpTokens: 'required', HttpEndpoint: 'enabled' })), undefined);
    assert.equal(instanceFinding('1', 'r', inst({ HttpTokens: 'optional', HttpEndpoint: 'disabled' })), undefined);
    assert.equal(instanceFinding('1', 'r', inst({ HttpTokens: 'optional' }, 'terminated')), undefined);
    assert.equal(instanceFinding('1', 'r', inst({ HttpTokens: 'optional' }, 'stopped'))?.ruleId, 'AJ521');
  });
});

describe('error text', () => {
  test('never carries key material; HTML 500 bodies are summarised', () => {
    const e = Object.assign(
      new Error(
        'The security token AKIAIOSFODNN7EXAMPLE with secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY is invalid',
      ),
      {
        name: 'InvalidClientTokenId',
        $metadata: { httpStatusCode: 403 },
      },
    );
    const d = describeError(e);
    assert.doesNotMatch(d.message, /AKIAIOSFODNN7EXAMPLE|wJalrXUtnFEMI/);
    const html = Object.assign(new Error("Deserialization error: char '<' unexpected <html><body>boom</body></html>"), {
      name: 'Error',
      $metadata: { httpStatusCode: 500 },
    });
    assert.equal(describeError(html).message, 'the service answered HTTP 500 with a body that is not an AWS response');
  });
});

describe('credential failures', () => {
  const profile = (kind: any) => ({ name: 'p', kind, region: 'us-east-1', endpoints: {}, source: 'config' as const });
  test('a rejected static key is not mistaken for an SSO problem', () => {
    const err = Object.assign(new Error('The security token included in the request is invalid.'), {
      name: 'InvalidClientTokenId',
      $metadata: { httpStatusCode: 403 },
    });
    const r = explainCredentialError(profile('static'), err);
    assert.doesNotMatch(r.message, /sso/i);
    assert.match(
      r.message,
      /^could not authenticate with profile "p": .*credentials were rejected \(InvalidClientTokenId/,
    );
  });
  test('an SSO profile with an expired session says how to log in again', () => {
    const err = Object.assign(
      new Error(
        'The SSO session associated with this profile has expired or is otherwise invalid. To refresh this SSO session run aws sso login with the corresponding profile.',
      ),
      { name: 'CredentialsProviderError' },
    );
    assert.match(explainCredentialError(profile('sso'), err).message, /run `aws sso login --profile p`/);
  });
});
