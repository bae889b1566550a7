/**
 * Deploys the stacks of test/audit/fixtures/stacks/ into moto (CreateStack from the workspace's
 * own templates), applies the policies their templates declare (moto's CloudFormation does not
 * create AWS::S3::BucketPolicy, AWS::SQS::QueuePolicy or AWS::SNS::TopicPolicy), then changes one
 * live bucket by hand (drift) and creates a public bucket outside CloudFormation. Test code:
 * mutating calls are fine here, never in server/src/audit.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CloudFormationClient, CreateStackCommand, DescribeStackResourceCommand } from '@aws-sdk/client-cloudformation';
import { CreateBucketCommand, PutBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import { SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import { ACCOUNT_ID, DUMMY } from './moto';
import { publicPolicy } from './seed';

export const STACKS_WORKSPACE = resolve(__dirname, 'fixtures/stacks');
export const DEPLOYED_DIR = resolve(__dirname, 'fixtures/stacks-deployed');
export const REGION = 'us-east-1';

export interface SeededStacks {
  /** Stack name → stack id. */
  ids: Record<string, string>;
  queueArn: string;
  topicArn: string;
}

/** Buckets the seed makes. */
export const WEB_BUCKET = 'ajar-web-prod-assets';
export const REPORTS_BUCKET = 'ajar-legacy-reports';
export const LOOSE_BUCKET = 'ajar-loose-public';

export async function seedStacks(endpoint: string): Promise<SeededStacks> {
  const base = { region: REGION, endpoint, credentials: DUMMY, maxAttempts: 1 };
  const cf = new CloudFormationClient(base);
  const s3 = new S3Client({ ...base, forcePathStyle: true });
  const sqs = new SQSClient(base);
  const sns = new SNSClient(base);
  try {
    const ids: Record<string, string> = {};
    const deploy = async (name: string, file: string) => {
      const out = await cf.send(new CreateStackCommand({ StackName: name, TemplateBody: readFileSync(file, 'utf8') }));
      ids[name] = out.StackId!;
    };
    const physical = async (stack: string, logicalId: string) =>
      (await cf.send(new DescribeStackResourceCommand({ StackName: stack, LogicalResourceId: logicalId })))
        .StackResourceDetail!.PhysicalResourceId!;
    await Promise.all([
      deploy('web-prod', join(STACKS_WORKSPACE, 'web/template.yaml')),
      deploy('data-prod', join(STACKS_WORKSPACE, 'data/cdk.out/DataStack.template.json')),
      deploy('alerts-prod', join(DEPLOYED_DIR, 'alerts-topic.yaml')),
      deploy('legacy-reports', join(STACKS_WORKSPACE, 'reports/reports.yaml')),
    ]);
    // What the templates' policy resources declare (web, data; alerts as deployed).
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: WEB_BUCKET,
        Policy: publicPolicy(`arn:aws:s3:::${WEB_BUCKET}/*`, 's3:GetObject'),
      }),
    );
    const queueUrl = await physical('data-prod', 'Jobs1F2C2C63');
    const queueName = queueUrl.split('/').pop()!;
    const queueArn = `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:${queueName}`;
    await sqs.send(
      new SetQueueAttributesCommand({
        QueueUrl: queueUrl,
        Attributes: { Policy: publicPolicy(queueArn, 'sqs:SendMessage', { AWS: '*' }) },
      }),
    );
    const topicArn = await physical('alerts-prod', 'AlertsTopic');
    await sns.send(
      new SetTopicAttributesCommand({
        TopicArn: topicArn,
        AttributeName: 'Policy',
        AttributeValue: publicPolicy(topicArn, 'sns:Publish'),
      }),
    );
    // Drift: someone made the reports bucket public by hand.
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: REPORTS_BUCKET,
        Policy: publicPolicy(`arn:aws:s3:::${REPORTS_BUCKET}/*`, 's3:GetObject'),
      }),
    );
    // Outside CloudFormation altogether.
    await s3.send(new CreateBucketCommand({ Bucket: LOOSE_BUCKET }));
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: LOOSE_BUCKET,
        Policy: publicPolicy(`arn:aws:s3:::${LOOSE_BUCKET}/*`, 's3:GetObject'),
      }),
    );
    return { ids, queueArn, topicArn };
  } finally {
    cf.destroy();
    s3.destroy();
    sqs.destroy();
    sns.destroy();
  }
}
