import { reportPublicPolicy } from './helpers';
import type { LiveRule } from './rule';

export interface QueueFacts {
  arn: string;
  region: string;
  /** The queue's `Policy` attribute (JSON text), when it has one. */
  policy: string | undefined;
}

export const SQS_QUEUE_PUBLIC: LiveRule<QueueFacts> = {
  scope: 'live',
  id: 'AJ532',
  slug: 'sqs-queue-public',
  severity: 'error',
  title: 'SQS queue policy is public',
  category: 'sqs',
  docs: {
    what: "A queue whose `Policy` attribute (`GetQueueAttributes`) is public under AJ101's rules, through the same policy evaluator: an Allow to anyone with no condition that pins the caller (`aws:SourceArn`, `aws:SourceAccount`, `aws:PrincipalOrgID`, ... with fixed values). One finding per public statement, on the queue ARN.",
    why: "Datadog's State of AWS Security found a public SQS queue in 18% of organizations. Anyone who can send to the queue can feed your consumers forged messages; anyone who can receive or delete can read or drop your traffic.",
    exampleLanguage: 'json',
    insecure:
      '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Sid": "Public",\n      "Effect": "Allow",\n      "Principal": "*",\n      "Action": "sqs:SendMessage",\n      "Resource": "arn:aws:sqs:us-east-1:111122223333:orders"\n    }\n  ]\n}\n',
    fixed:
      '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Sid": "FromOrdersTopic",\n      "Effect": "Allow",\n      "Principal": { "Service": "sns.amazonaws.com" },\n      "Action": "sqs:SendMessage",\n      "Resource": "arn:aws:sqs:us-east-1:111122223333:orders",\n      "Condition": {\n        "ArnEquals": { "aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:orders-topic" }\n      }\n    }\n  ]\n}\n',
    fix: 'Name the principals that need the queue (an account, a role, a service principal), or keep the principal and add a condition that pins the caller: `aws:SourceArn` or `aws:SourceAccount` for an AWS service sending on your behalf (SNS, EventBridge, S3 notifications), `aws:PrincipalOrgID` for your organization.',
    cli: '# attributes.json: {"Policy": "<the fixed policy as a JSON string>"}\naws sqs set-queue-attributes --region us-east-1 \\\n  --queue-url https://sqs.us-east-1.amazonaws.com/111122223333/orders \\\n  --attributes file://attributes.json\n',
    command:
      '# attributes.json: {"Policy": "<the fixed policy as a JSON string>"}\naws sqs set-queue-attributes --region {region} \\\n  --queue-url https://sqs.{region}.amazonaws.com/{account}/{name} --attributes file://attributes.json',
    notes: ['The example is the queue policy (`aws sqs get-queue-attributes --attribute-names Policy`).'],
  },
  check(q, ctx) {
    reportPublicPolicy(ctx, q.arn, q.region, q.policy, {
      resourceKind: 'AWS::SQS::Queue',
      noun: 'queue',
      name: q.arn.split(':').pop() ?? q.arn,
    });
  },
};
