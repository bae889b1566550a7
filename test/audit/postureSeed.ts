/**
 * Seeds moto with two accounts of known posture counts (test code: mutating calls are fine here):
 * the default account 123456789012 and a member account reached through sts:AssumeRole (moto keeps
 * accounts apart by the credentials; the role need not exist).
 */
import {
  CreateAccessKeyCommand,
  CreateLoginProfileCommand,
  CreateUserCommand,
  CreateVirtualMFADeviceCommand,
  EnableMFADeviceCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { RunInstancesCommand, StopInstancesCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { CreateBucketCommand, PutBucketAclCommand, PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import { CreateQueueCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { CreateTopicCommand } from '@aws-sdk/client-sns';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { ACCOUNT_ID, DUMMY } from './moto';
import { AMI, publicPolicy, seedClients } from './seed';

export const MEMBER_ID = '210987654321';
export const MEMBER_ROLE = `arn:aws:iam::${MEMBER_ID}:role/ajar-audit`;

/** Credentials of the member account, as the audit's role profile will get them. */
export async function memberCredentials(endpoint: string) {
  const sts = new STSClient({ region: 'us-east-1', endpoint, credentials: DUMMY, maxAttempts: 1 });
  const out = await sts.send(new AssumeRoleCommand({ RoleArn: MEMBER_ROLE, RoleSessionName: 'seed' }));
  sts.destroy();
  const c = out.Credentials!;
  return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
}

type Clients = ReturnType<typeof seedClients>;

async function users(
  c: Clients,
  endpoint: string,
  specs: Record<string, { console?: 'mfa' | 'no-mfa'; keys?: number; inactiveKeys?: number; useKey?: boolean }>,
) {
  await Promise.all(
    Object.entries(specs).map(async ([name, s]) => {
      await c.iam.send(new CreateUserCommand({ UserName: name }));
      if (s.console) {
        await c.iam.send(new CreateLoginProfileCommand({ UserName: name, Password: 'Pa55word!Pa55word!' }));
        if (s.console === 'mfa') {
          const mfa = await c.iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: name }));
          await c.iam.send(
            new EnableMFADeviceCommand({
              UserName: name,
              SerialNumber: mfa.VirtualMFADevice!.SerialNumber!,
              AuthenticationCode1: '123456',
              AuthenticationCode2: '654321',
            }),
          );
        }
      }
      for (let i = 0; i < (s.keys ?? 0); i++) {
        const k = await c.iam.send(new CreateAccessKeyCommand({ UserName: name }));
        if (s.useKey && i === 0) {
          const as = new STSClient({
            region: 'us-east-1',
            endpoint,
            maxAttempts: 1,
            credentials: { accessKeyId: k.AccessKey!.AccessKeyId!, secretAccessKey: k.AccessKey!.SecretAccessKey! },
          });
          await as.send(new GetCallerIdentityCommand({}));
          as.destroy();
        }
      }
      for (let i = 0; i < (s.inactiveKeys ?? 0); i++) {
        const k = await c.iam.send(new CreateAccessKeyCommand({ UserName: name }));
        await c.iam.send(
          new UpdateAccessKeyCommand({ UserName: name, AccessKeyId: k.AccessKey!.AccessKeyId!, Status: 'Inactive' }),
        );
      }
    }),
  );
}

async function instances(
  c: Clients,
  region: string,
  specs: { name: string; tokens?: 'optional' | 'required'; endpoint?: 'disabled'; after?: 'stop' | 'terminate' }[],
) {
  const ec2 = c.ec2(region);
  try {
    await Promise.all(
      specs.map(async (s) => {
        const out = await ec2.send(
          new RunInstancesCommand({
            ImageId: AMI,
            MinCount: 1,
            MaxCount: 1,
            InstanceType: 't3.micro',
            MetadataOptions: {
              ...(s.tokens ? { HttpTokens: s.tokens } : {}),
              ...(s.endpoint ? { HttpEndpoint: s.endpoint } : {}),
            },
            TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: s.name }] }],
          }),
        );
        const id = out.Instances![0].InstanceId!;
        if (s.after === 'stop') await ec2.send(new StopInstancesCommand({ InstanceIds: [id] }));
        if (s.after === 'terminate') await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
      }),
    );
  } finally {
    ec2.destroy();
  }
}

/**
 * Account 123456789012: 7 IAM users (ann and gus console without MFA, ben console with MFA; cat
 * one key used once, dan two keys, gus one key; eve an inactive key only; fay nothing), 8
 * instances in us-east-1 (3 IMDSv1 running, 1 IMDSv1 stopped, 2 IMDSv2 required, 1 endpoint
 * disabled, 1 terminated), 5 buckets (one public by policy, one by ACL), 2 queues (one public), 1
 * topic with the default (not public) policy.
 *
 * Member account 210987654321: 2 users (hal console without MFA, ivy one key), 1 IMDSv2 instance,
 * 1 private bucket, no queue, no topic.
 */
export async function seedPostureAccounts(endpoint: string): Promise<void> {
  const main = seedClients(endpoint);
  const member = seedClients(endpoint, 'us-east-1', await memberCredentials(endpoint));
  const sqs = main.sqs('us-east-1');
  const sns = main.sns('us-east-1');
  const bucket = async (s3: Clients['s3'], name: string, then?: () => Promise<unknown>) => {
    await s3.send(new CreateBucketCommand({ Bucket: name }));
    await then?.();
  };
  try {
    await Promise.all([
      users(main, endpoint, {
        ann: { console: 'no-mfa' },
        ben: { console: 'mfa' },
        cat: { keys: 1, useKey: true },
        dan: { keys: 2 },
        eve: { inactiveKeys: 1 },
        fay: {},
        gus: { console: 'no-mfa', keys: 1 },
      }),
      users(member, endpoint, { hal: { console: 'no-mfa' }, ivy: { keys: 1 } }),
      instances(main, 'us-east-1', [
        { name: 'web-1', tokens: 'optional' },
        { name: 'web-2', tokens: 'optional' },
        { name: 'web-3' },
        { name: 'batch', tokens: 'optional', after: 'stop' },
        { name: 'api-1', tokens: 'required' },
        { name: 'api-2', tokens: 'required' },
        { name: 'no-imds', tokens: 'optional', endpoint: 'disabled' },
        { name: 'gone', tokens: 'optional', after: 'terminate' },
      ]),
      instances(member, 'us-east-1', [{ name: 'member-api', tokens: 'required' }]),
      bucket(main.s3, 'posture-public-policy', () =>
        main.s3.send(
          new PutBucketPolicyCommand({
            Bucket: 'posture-public-policy',
            Policy: publicPolicy('arn:aws:s3:::posture-public-policy/*', 's3:GetObject'),
          }),
        ),
      ),
      bucket(main.s3, 'posture-public-acl', () =>
        main.s3.send(new PutBucketAclCommand({ Bucket: 'posture-public-acl', ACL: 'public-read' })),
      ),
      bucket(main.s3, 'posture-private-1'),
      bucket(main.s3, 'posture-private-2'),
      bucket(main.s3, 'posture-private-3'),
      bucket(member.s3, 'posture-member-private'),
      (async () => {
        const q = await sqs.send(new CreateQueueCommand({ QueueName: 'posture-public-queue' }));
        await sqs.send(
          new SetQueueAttributesCommand({
            QueueUrl: q.QueueUrl!,
            Attributes: {
              Policy: publicPolicy(`arn:aws:sqs:us-east-1:${ACCOUNT_ID}:posture-public-queue`, 'sqs:SendMessage'),
            },
          }),
        );
      })(),
      sqs.send(new CreateQueueCommand({ QueueName: 'posture-private-queue' })),
      sns.send(new CreateTopicCommand({ Name: 'posture-default-topic' })),
    ]);
  } finally {
    for (const cl of [main.iam, main.s3, main.sts, member.iam, member.s3, member.sts, sqs, sns]) cl.destroy();
  }
}
