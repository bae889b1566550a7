/**
 * Seeds moto with an organization: the management account (moto's 123456789012), two OUs with a
 * child OU, five members, each member's resources created through that member's own credentials
 * (sts:AssumeRole, which moto attributes to the member account). Test code: mutating calls are
 * fine here, never in server/src/audit.
 */
import {
  CreateAccountCommand,
  CreateOrganizationalUnitCommand,
  CreateOrganizationCommand,
  ListRootsCommand,
  MoveAccountCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { CreateLoginProfileCommand, CreateUserCommand } from '@aws-sdk/client-iam';
import { CreateBucketCommand, PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import { RunInstancesCommand } from '@aws-sdk/client-ec2';
import { CreateQueueCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { CreateTopicCommand, SetTopicAttributesCommand } from '@aws-sdk/client-sns';
import { ACCOUNT_ID, DUMMY } from './moto';
import { AMI, publicPolicy, seedClients } from './seed';

export const MEMBER_ROLE = 'OrganizationAccountAccessRole';
export const MEMBERS = ['prod-a', 'prod-b', 'dev-c', 'sandbox-d', 'broken-e'] as const;
export type Member = (typeof MEMBERS)[number];

export interface SeededOrganization {
  id: string;
  rootId: string;
  ous: { workloads: string; prod: string; sandbox: string };
  /** Member name -> account id. */
  accounts: Record<Member, string>;
  /** Instance ids by member. */
  instances: Partial<Record<Member, string>>;
}

/** Credentials of a member account, by AssumeRole straight to moto (the role need not exist there). */
export async function memberCredentials(endpoint: string, accountId: string) {
  const sts = new STSClient({ region: 'us-east-1', endpoint, credentials: DUMMY, maxAttempts: 1 });
  try {
    const out = await sts.send(
      new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/${MEMBER_ROLE}`, RoleSessionName: 'seed' }),
    );
    const c = out.Credentials!;
    return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken };
  } finally {
    sts.destroy();
  }
}

/**
 * Root
 * ├── Workloads          dev-c (public queue)
 * │   └── Prod           prod-a (public bucket), prod-b (instance accepting IMDSv1 in eu-west-1)
 * └── Sandbox            sandbox-d (public topic), broken-e (a console user; its role cannot be assumed)
 * and the management account in Root (a console user without MFA).
 */
export async function seedOrganization(endpoint: string): Promise<SeededOrganization> {
  const org = new OrganizationsClient({ region: 'us-east-1', endpoint, credentials: DUMMY, maxAttempts: 1 });
  try {
    const created = await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    const id = created.Organization!.Id!;
    const rootId = (await org.send(new ListRootsCommand({}))).Roots![0].Id!;
    const ou = async (parent: string, name: string) =>
      (await org.send(new CreateOrganizationalUnitCommand({ ParentId: parent, Name: name }))).OrganizationalUnit!.Id!;
    const workloads = await ou(rootId, 'Workloads');
    const prod = await ou(workloads, 'Prod');
    const sandbox = await ou(rootId, 'Sandbox');
    const accounts = {} as Record<Member, string>;
    const parent: Record<Member, string> = {
      'prod-a': prod,
      'prod-b': prod,
      'dev-c': workloads,
      'sandbox-d': sandbox,
      'broken-e': sandbox,
    };
    for (const m of MEMBERS) {
      const st = await org.send(new CreateAccountCommand({ AccountName: m, Email: `${m}@example.com` }));
      accounts[m] = st.CreateAccountStatus!.AccountId!;
      await org.send(
        new MoveAccountCommand({ AccountId: accounts[m], SourceParentId: rootId, DestinationParentId: parent[m] }),
      );
    }
    const instances: SeededOrganization['instances'] = {};
    // The management account, through the default credentials.
    const mgmt = seedClients(endpoint);
    await mgmt.iam.send(new CreateUserCommand({ UserName: 'mgmt-admin' }));
    await mgmt.iam.send(new CreateLoginProfileCommand({ UserName: 'mgmt-admin', Password: 'Pa55word!Pa55word!' }));
    await Promise.all(
      MEMBERS.map(async (m) => {
        const c = seedClients(endpoint, 'us-east-1', await memberCredentials(endpoint, accounts[m]));
        switch (m) {
          case 'prod-a':
            await c.s3.send(new CreateBucketCommand({ Bucket: 'prod-a-public' }));
            await c.s3.send(
              new PutBucketPolicyCommand({
                Bucket: 'prod-a-public',
                Policy: publicPolicy('arn:aws:s3:::prod-a-public/*', 's3:GetObject'),
              }),
            );
            break;
          case 'prod-b': {
            const out = await c.ec2('eu-west-1').send(
              new RunInstancesCommand({
                ImageId: AMI,
                MinCount: 1,
                MaxCount: 1,
                MetadataOptions: { HttpTokens: 'optional', HttpEndpoint: 'enabled' },
              }),
            );
            instances['prod-b'] = out.Instances![0].InstanceId!;
            break;
          }
          case 'dev-c': {
            const q = await c.sqs('us-east-1').send(new CreateQueueCommand({ QueueName: 'dev-c-queue' }));
            await c.sqs('us-east-1').send(
              new SetQueueAttributesCommand({
                QueueUrl: q.QueueUrl!,
                Attributes: {
                  Policy: publicPolicy(`arn:aws:sqs:us-east-1:${accounts[m]}:dev-c-queue`, 'sqs:SendMessage'),
                },
              }),
            );
            break;
          }
          case 'sandbox-d': {
            const t = await c.sns('us-east-1').send(new CreateTopicCommand({ Name: 'sandbox-d-topic' }));
            await c.sns('us-east-1').send(
              new SetTopicAttributesCommand({
                TopicArn: t.TopicArn!,
                AttributeName: 'Policy',
                AttributeValue: publicPolicy(t.TopicArn!, 'SNS:Publish'),
              }),
            );
            break;
          }
          case 'broken-e':
            await c.iam.send(new CreateUserCommand({ UserName: 'never-read' }));
            await c.iam.send(new CreateLoginProfileCommand({ UserName: 'never-read', Password: 'Pa55word!Pa55word!' }));
            break;
        }
      }),
    );
    return { id, rootId, ous: { workloads, prod, sandbox }, accounts, instances };
  } finally {
    org.destroy();
  }
}

export { ACCOUNT_ID as MANAGEMENT_ACCOUNT_ID };
