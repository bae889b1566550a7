import { reportPublicPolicy } from './helpers';
import type { LiveRule } from './rule';

export interface TopicFacts {
  arn: string;
  region: string;
  /** The topic's `Policy` attribute (JSON text), when it has one. */
  policy: string | undefined;
}

export const SNS_TOPIC_PUBLIC: LiveRule<TopicFacts> = {
  scope: 'live',
  id: 'AJ533',
  slug: 'sns-topic-public',
  severity: 'error',
  title: 'SNS topic policy is public',
  category: 'sns',
  docs: {
    what: "A topic whose `Policy` attribute (`GetTopicAttributes`) is public under AJ101's rules, through the same policy evaluator. The default topic policy (`AWS: *` limited by `AWS:SourceOwner` to the topic's account) is not public. One finding per public statement, on the topic ARN.",
    why: "Datadog's State of AWS Security found a public SNS topic in 15% of organizations. Anyone who can publish can send your subscribers (queues, functions, e-mail, SMS, on your bill) whatever they like; anyone who can subscribe receives your messages.",
    exampleLanguage: 'json',
    insecure:
      '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Sid": "Public",\n      "Effect": "Allow",\n      "Principal": { "AWS": "*" },\n      "Action": ["sns:Publish", "sns:Subscribe"],\n      "Resource": "arn:aws:sns:us-east-1:111122223333:alerts"\n    }\n  ]\n}\n',
    fixed:
      '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Sid": "FromAlarms",\n      "Effect": "Allow",\n      "Principal": { "Service": "cloudwatch.amazonaws.com" },\n      "Action": "sns:Publish",\n      "Resource": "arn:aws:sns:us-east-1:111122223333:alerts",\n      "Condition": {\n        "StringEquals": { "aws:SourceAccount": "111122223333" }\n      }\n    }\n  ]\n}\n',
    fix: 'Name the principals that need the topic, or add a condition that pins the caller (`aws:SourceArn`/`aws:SourceAccount` for AWS services publishing for you, `aws:PrincipalOrgID` for your organization). If the policy was edited by hand, restoring the default policy is often right.',
    cli: 'aws sns set-topic-attributes --region us-east-1 \\\n  --topic-arn arn:aws:sns:us-east-1:111122223333:alerts \\\n  --attribute-name Policy --attribute-value file://fixed-policy.json\n',
    command:
      'aws sns set-topic-attributes --region {region} --topic-arn {arn} \\\n  --attribute-name Policy --attribute-value file://fixed-policy.json',
    notes: ['The example is the topic policy (`aws sns get-topic-attributes`, attribute `Policy`).'],
  },
  check(t, ctx) {
    reportPublicPolicy(ctx, t.arn, t.region, t.policy, {
      resourceKind: 'AWS::SNS::Topic',
      noun: 'topic',
      name: t.arn.split(':').pop() ?? t.arn,
    });
  },
};
