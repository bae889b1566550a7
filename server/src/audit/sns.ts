/** SNS (AJ533): each topic's Policy attribute through the shared policy evaluator. */
import { GetTopicAttributesCommand, ListTopicsCommand } from '@aws-sdk/client-sns';
import { policyFact, reportFailure, type CollectorContext } from './collect';
import type { LiveFinding } from './findings';
import { runChecks } from './rules/rule';
import { SNS_TOPIC_PUBLIC } from './rules/AJ533-sns-topic-public';
import { paginate } from './paginate';

export function topicFindings(topicArn: string, region: string, policy: string | undefined): LiveFinding[] {
  return runChecks([SNS_TOPIC_PUBLIC], { arn: topicArn, region, policy }).findings;
}

export async function auditSnsRegion(ctx: CollectorContext, region: string): Promise<number> {
  const client = ctx.clients.sns(region);
  const arns: string[] = [];
  try {
    await paginate(
      (NextToken) =>
        ctx.limit(() => client.send(new ListTopicsCommand({ NextToken }), { abortSignal: ctx.abortSignal })),
      (out) => out.NextToken,
      (out) => {
        for (const t of out.Topics ?? []) if (t.TopicArn) arns.push(t.TopicArn);
      },
      { what: 'ListTopics' },
    );
  } catch (err) {
    reportFailure(ctx, 'sns', region, 'could not list SNS topics (ListTopics)', err);
    return 0;
  }
  let failed = 0;
  let firstErr: unknown;
  await Promise.all(
    arns.map((TopicArn) =>
      ctx.limit(async () => {
        try {
          const out = await client.send(new GetTopicAttributesCommand({ TopicArn }), { abortSignal: ctx.abortSignal });
          const findings = topicFindings(TopicArn, region, out.Attributes?.Policy);
          findings.forEach(ctx.emit);
          const label = TopicArn.split(':').pop() ?? TopicArn;
          ctx.resource?.({
            service: 'sns',
            region,
            id: TopicArn,
            arn: TopicArn,
            label,
            ...policyFact(out.Attributes?.Policy ?? null, findings),
          });
        } catch (err) {
          if (/NotFound/.test((err as Error)?.name ?? '')) return; // deleted meanwhile
          const label = TopicArn.split(':').pop() ?? TopicArn;
          ctx.resource?.({ service: 'sns', region, id: TopicArn, arn: TopicArn, label, ...policyFact(undefined, []) });
          failed++;
          firstErr ??= err;
        }
      }),
    ),
  );
  if (failed)
    reportFailure(
      ctx,
      'sns',
      region,
      `could not read the policy of ${failed} of ${arns.length} topic(s) (GetTopicAttributes)`,
      firstErr,
    );
  return arns.length;
}
