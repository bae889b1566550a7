/**
 * Deterministic benchmark inputs under bench/generated/ (gitignored):
 *   small.yaml (a few KB), medium-50k.yaml (~50 KB), large-1mb.yaml (~1 MB), cdk-5mb.template.json (~5 MB).
 * Each resource block mixes what real templates hold: buckets with policies, queues, instances,
 * launch templates, roles, intrinsics, comments.
 */
import { mkdirSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const GENERATED = join(dirname(fileURLToPath(import.meta.url)), 'generated');

function yamlBlock(i) {
  return `  # block ${i}
  Bucket${i}:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "app-\${AWS::AccountId}-data-${i}"
      VersioningConfiguration:
        Status: Enabled
      Tags:
        - Key: team
          Value: team-${i % 17}
  Bucket${i}Policy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Bucket${i}
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Sid: ReadFromAccount
            Effect: Allow
            Principal:
              AWS: !Sub "arn:\${AWS::Partition}:iam::\${AWS::AccountId}:root"
            Action: ["s3:GetObject", "s3:ListBucket"]
            Resource:
              - !GetAtt Bucket${i}.Arn
              - !Sub "\${Bucket${i}.Arn}/*"
          - Sid: ${i % 10 === 0 ? 'PublicRead' : 'OrgRead'}
            Effect: Allow
            Principal: "*"
            Action: s3:GetObject
            Resource: !Sub "\${Bucket${i}.Arn}/*"${
              i % 10 === 0
                ? ''
                : `
            Condition:
              StringEquals:
                aws:PrincipalOrgID: o-abcdefghij`
            }
  Queue${i}:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: ${30 + (i % 5)}
  Server${i}:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-0abcdef1234567890
      InstanceType: t3.micro
      MetadataOptions:
        HttpTokens: ${i % 7 === 0 ? 'optional' : 'required'}
      UserData:
        Fn::Base64: !Sub |
          #!/bin/bash
          echo "server ${i} in \${AWS::Region}" > /etc/motd
          yum install -y httpd
`;
}

export function yamlTemplate(targetBytes) {
  const head = `AWSTemplateFormatVersion: "2010-09-09"\nDescription: generated benchmark template\nParameters:\n  Env:\n    Type: String\n    Default: dev\n    AllowedValues: [dev, prod]\nResources:\n`;
  const parts = [head];
  let size = head.length;
  for (let i = 0; size < targetBytes; i++) {
    const b = yamlBlock(i);
    parts.push(b);
    size += b.length;
  }
  return parts.join('');
}

export function cdkTemplate(targetBytes) {
  const resources = {};
  let size = 0;
  for (let i = 0; size < targetBytes; i++) {
    const id = `Construct${i}Bucket${((i * 2654435761) >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
    const r = {
      [id]: {
        Type: 'AWS::S3::Bucket',
        Properties: {
          BucketEncryption: {
            ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }],
          },
          Tags: [{ Key: 'aws-cdk:auto-delete-objects', Value: 'true' }],
        },
        UpdateReplacePolicy: 'Delete',
        DeletionPolicy: 'Delete',
        Metadata: { 'aws:cdk:path': `AppStack/Construct${i}/Bucket/Resource` },
      },
      [`${id}Policy`]: {
        Type: 'AWS::S3::BucketPolicy',
        Properties: {
          Bucket: { Ref: id },
          PolicyDocument: {
            Statement: [
              {
                Action: 's3:*',
                Condition: { Bool: { 'aws:SecureTransport': 'false' } },
                Effect: 'Deny',
                Principal: { AWS: '*' },
                Resource: [{ 'Fn::GetAtt': [id, 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [id, 'Arn'] }, '/*']] }],
              },
              ...(i % 25 === 0
                ? [
                    {
                      Action: 's3:GetObject',
                      Effect: 'Allow',
                      Principal: { AWS: '*' },
                      Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [id, 'Arn'] }, '/*']] },
                    },
                  ]
                : []),
            ],
            Version: '2012-10-17',
          },
        },
        Metadata: { 'aws:cdk:path': `AppStack/Construct${i}/Bucket/Policy/Resource` },
      },
      [`Construct${i}HandlerServiceRole`]: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: {
            Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }],
            Version: '2012-10-17',
          },
          ManagedPolicyArns: [
            {
              'Fn::Join': [
                '',
                ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
              ],
            },
          ],
        },
        Metadata: { 'aws:cdk:path': `AppStack/Construct${i}/Handler/ServiceRole/Resource` },
      },
    };
    Object.assign(resources, r);
    size += JSON.stringify(r).length * 1.35;
  }
  resources.CDKMetadata = {
    Type: 'AWS::CDK::Metadata',
    Properties: { Analytics: 'v2:deflate64:H4sIAAAAAAAA' },
    Metadata: { 'aws:cdk:path': 'AppStack/CDKMetadata/Default' },
  };
  return (
    JSON.stringify(
      {
        Resources: resources,
        Parameters: {
          BootstrapVersion: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/cdk-bootstrap/hnb659fds/version' },
        },
      },
      null,
      1,
    ) + '\n'
  );
}

export function ensureInputs() {
  mkdirSync(GENERATED, { recursive: true });
  const files = {
    'small.yaml': () => yamlTemplate(4_000),
    'medium-50k.yaml': () => yamlTemplate(50_000),
    'large-1mb.yaml': () => yamlTemplate(1_000_000),
    'cdk-5mb.template.json': () => cdkTemplate(5_000_000),
  };
  const out = {};
  for (const [name, make] of Object.entries(files)) {
    const p = join(GENERATED, name);
    if (!existsSync(p)) writeFileSync(p, make());
    out[name] = { path: p, bytes: statSync(p).size };
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(ensureInputs());
