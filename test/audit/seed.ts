/**
 * Seeds moto with the "insecure account" the audit tests expect (test code: mutating calls are
 * fine here, never in server/src/audit).
 */
import {
  IAMClient,
  CreateUserCommand,
  CreateLoginProfileCommand,
  CreateAccessKeyCommand,
  CreateAccountAliasCommand,
  CreateVirtualMFADeviceCommand,
  EnableMFADeviceCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import {
  S3Client,
  CreateBucketCommand,
  PutBucketPolicyCommand,
  PutBucketAclCommand,
  PutPublicAccessBlockCommand,
} from '@aws-sdk/client-s3';
import { SQSClient, CreateQueueCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { SNSClient, CreateTopicCommand, SetTopicAttributesCommand } from '@aws-sdk/client-sns';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import {
  S3ControlClient,
  PutPublicAccessBlockCommand as PutPublicAccessBlockCommand_Control,
} from '@aws-sdk/client-s3-control';
import { ACCOUNT_ID, DUMMY } from './moto';

export function seedClients(endpoint: string, region = 'us-east-1', credentials = DUMMY) {
  const base = { region, endpoint, credentials, maxAttempts: 1 };
  return {
    iam: new IAMClient(base),
    ec2: (r: string) => new EC2Client({ ...base, region: r }),
    s3: new S3Client({ ...base, forcePathStyle: true }),
    sqs: (r: string) => new SQSClient({ ...base, region: r }),
    sns: (r: string) => new SNSClient({ ...base, region: r }),
    sts: new STSClient(base),
  };
}

export const AMI = 'ami-12c6146b';
/** The account alias the seed creates (shown instead of the id in the Accounts view). */
export const ACCOUNT_ALIAS = 'ajar-insecure';

export function publicPolicy(resource: string, action: string, principal: unknown = '*') {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: 'Public', Effect: 'Allow', Principal: principal, Action: action, Resource: resource }],
  });
}

/** The insecure account of the exact-findings tests. Returns the key ids created (never printed). */
export async function seedInsecureAccount(endpoint: string) {
  const c = seedClients(endpoint);
  const regional = new Map<string, { destroy(): void }>();
  const cached = <T extends { destroy(): void }>(key: string, make: () => T): T => {
    if (!regional.has(key)) regional.set(key, make());
    return regional.get(key) as T;
  };
  const ec2 = (r: string) => cached(`ec2:${r}`, () => c.ec2(r));
  const sqs = (r: string) => cached(`sqs:${r}`, () => c.sqs(r));
  const sns = (r: string) => cached(`sns:${r}`, () => c.sns(r));
  const iam = c.iam;
  const instances: Record<string, string[]> = {};

  // Independent chains run in parallel.
  const alice = async () => {
    await iam.send(new CreateUserCommand({ UserName: 'alice' })); // console, no MFA
    await iam.send(new CreateLoginProfileCommand({ UserName: 'alice', Password: 'Pa55word!Pa55word!' }));
  };
  const bob = async () => {
    await iam.send(new CreateUserCommand({ UserName: 'bob' })); // console with MFA
    await iam.send(new CreateLoginProfileCommand({ UserName: 'bob', Password: 'Pa55word!Pa55word!' }));
    const mfa = await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'bob' }));
    await iam.send(
      new EnableMFADeviceCommand({
        UserName: 'bob',
        SerialNumber: mfa.VirtualMFADevice!.SerialNumber!,
        AuthenticationCode1: '123456',
        AuthenticationCode2: '654321',
      }),
    );
  };
  const carol = async () => {
    await iam.send(new CreateUserCommand({ UserName: 'carol' })); // two active keys, one used
    const k1 = await iam.send(new CreateAccessKeyCommand({ UserName: 'carol' }));
    await iam.send(new CreateAccessKeyCommand({ UserName: 'carol' }));
    // Use key 1 once so its "last used" is set.
    const asCarol = new STSClient({
      region: 'us-east-1',
      endpoint,
      maxAttempts: 1,
      credentials: { accessKeyId: k1.AccessKey!.AccessKeyId!, secretAccessKey: k1.AccessKey!.SecretAccessKey! },
    });
    await asCarol.send(new GetCallerIdentityCommand({}));
    asCarol.destroy();
  };
  const dave = () => iam.send(new CreateUserCommand({ UserName: 'dave' })); // nothing at all
  const erin = async () => {
    await iam.send(new CreateUserCommand({ UserName: 'erin' })); // inactive key only
    const ek = await iam.send(new CreateAccessKeyCommand({ UserName: 'erin' }));
    await iam.send(
      new UpdateAccessKeyCommand({ UserName: 'erin', AccessKeyId: ek.AccessKey!.AccessKeyId!, Status: 'Inactive' }),
    );
  };

  // EC2: IMDSv1 in us-east-1 and eu-west-1; IMDSv2 required in ap-southeast-2; endpoint disabled in us-west-2.
  const run = async (
    region: string,
    name: string,
    MetadataOptions?: { HttpTokens?: 'optional' | 'required'; HttpEndpoint?: 'enabled' | 'disabled' },
  ) => {
    const out = await ec2(region).send(
      new RunInstancesCommand({
        ImageId: AMI,
        MinCount: 1,
        MaxCount: 1,
        InstanceType: 't3.micro',
        MetadataOptions,
        TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: name }] }],
      }),
    );
    (instances[name] ??= []).push(out.Instances![0].InstanceId!);
  };

  // S3
  const bucket = async (name: string, then: () => Promise<unknown> = async () => undefined, region?: 'eu-west-1') => {
    await c.s3.send(
      new CreateBucketCommand({
        Bucket: name,
        ...(region ? { CreateBucketConfiguration: { LocationConstraint: region } } : {}),
      }),
    );
    await then();
  };
  const s3 = () =>
    Promise.all([
      bucket('public-policy-bucket', () =>
        c.s3.send(
          new PutBucketPolicyCommand({
            Bucket: 'public-policy-bucket',
            Policy: publicPolicy('arn:aws:s3:::public-policy-bucket/*', 's3:GetObject'),
          }),
        ),
      ),
      // In eu-west-1: ListBuckets on moto names no region, so the audit must ask GetBucketLocation.
      bucket(
        'public-acl-bucket',
        () => c.s3.send(new PutBucketAclCommand({ Bucket: 'public-acl-bucket', ACL: 'public-read' })),
        'eu-west-1',
      ),
      bucket('protected-bucket', async () => {
        await c.s3.send(
          new PutBucketPolicyCommand({
            Bucket: 'protected-bucket',
            Policy: publicPolicy('arn:aws:s3:::protected-bucket/*', 's3:GetObject'),
          }),
        );
        await c.s3.send(new PutBucketAclCommand({ Bucket: 'protected-bucket', ACL: 'public-read' }));
        await c.s3.send(
          new PutPublicAccessBlockCommand({
            Bucket: 'protected-bucket',
            PublicAccessBlockConfiguration: {
              BlockPublicAcls: true,
              IgnorePublicAcls: true,
              BlockPublicPolicy: true,
              RestrictPublicBuckets: true,
            },
          }),
        );
      }),
      bucket('private-bucket'),
    ]);

  // SQS
  const publicQueue = async () => {
    const q = await sqs('us-east-1').send(new CreateQueueCommand({ QueueName: 'public-queue' }));
    await sqs('us-east-1').send(
      new SetQueueAttributesCommand({
        QueueUrl: q.QueueUrl!,
        Attributes: { Policy: publicPolicy(`arn:aws:sqs:us-east-1:${ACCOUNT_ID}:public-queue`, 'sqs:SendMessage') },
      }),
    );
  };
  // SNS
  const publicTopic = async () => {
    const pub = await sns('us-east-1').send(new CreateTopicCommand({ Name: 'public-topic' }));
    await sns('us-east-1').send(
      new SetTopicAttributesCommand({
        TopicArn: pub.TopicArn!,
        AttributeName: 'Policy',
        AttributeValue: publicPolicy(pub.TopicArn!, 'SNS:Publish'),
      }),
    );
  };

  try {
    await Promise.all([
      iam.send(new CreateAccountAliasCommand({ AccountAlias: ACCOUNT_ALIAS })),
      alice(),
      bob(),
      carol(),
      dave(),
      erin(),
      run('us-east-1', 'web-v1', { HttpTokens: 'optional' }),
      run('eu-west-1', 'batch-v1'),
      run('ap-southeast-2', 'api-v2', { HttpTokens: 'required' }),
      run('us-west-2', 'no-imds', { HttpTokens: 'optional', HttpEndpoint: 'disabled' }),
      s3(),
      publicQueue(),
      sqs('eu-west-1').send(new CreateQueueCommand({ QueueName: 'private-queue' })),
      publicTopic(),
      sns('eu-west-1').send(new CreateTopicCommand({ Name: 'default-topic' })), // default SourceOwner policy
    ]);
  } finally {
    for (const cl of [c.iam, c.s3, c.sts, ...regional.values()]) cl.destroy();
  }
  return { instances };
}

/** S3 Control against moto: "<account>.localhost" host rewritten to 127.0.0.1 before signing. */
export function s3ControlFor(endpoint: string) {
  const url = new URL(endpoint);
  const client = new S3ControlClient({
    region: 'us-east-1',
    endpoint: `http://localhost:${url.port}`,
    credentials: DUMMY,
    maxAttempts: 1,
  });
  client.middlewareStack.add(
    (next: any) => async (args: any) => {
      args.request.hostname = url.hostname;
      return next(args);
    },
    { step: 'finalizeRequest', name: 'motoHost', priority: 'high' },
  );
  return client;
}

export async function putAccountPab(
  endpoint: string,
  cfg: {
    BlockPublicAcls: boolean;
    IgnorePublicAcls: boolean;
    BlockPublicPolicy: boolean;
    RestrictPublicBuckets: boolean;
  },
) {
  const c = s3ControlFor(endpoint);
  await c.send(new PutPublicAccessBlockCommand_Control({ AccountId: ACCOUNT_ID, PublicAccessBlockConfiguration: cfg }));
  c.destroy();
}
