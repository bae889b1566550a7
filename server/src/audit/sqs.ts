/** SQS (AJ532): each queue's Policy attribute through the shared policy evaluator. */
import { GetQueueAttributesCommand, ListQueuesCommand } from '@aws-sdk/client-sqs';
import { policyFact, reportFailure, type CollectorContext } from './collect';
import type { LiveFinding } from './findings';
import { runChecks } from './rules/rule';
import { SQS_QUEUE_PUBLIC } from './rules/AJ532-sqs-queue-public';
import { paginate } from './paginate';

export function queueFindings(queueArn: string, region: string, policy: string | undefined): LiveFinding[] {
  return runChecks([SQS_QUEUE_PUBLIC], { arn: queueArn, region, policy }).findings;
}

export async function auditSqsRegion(ctx: CollectorContext, region: string): Promise<number> {
  const client = ctx.clients.sqs(region);
  const urls: string[] = [];
  try {
    await paginate(
      (NextToken) =>
        ctx.limit(() =>
          client.send(new ListQueuesCommand({ NextToken, MaxResults: 1000 }), { abortSignal: ctx.abortSignal }),
        ),
      (out) => out.NextToken,
      (out) => urls.push(...(out.QueueUrls ?? [])),
      { what: 'ListQueues' },
    );
  } catch (err) {
    reportFailure(ctx, 'sqs', region, 'could not list SQS queues (ListQueues)', err);
    return 0;
  }
  let failed = 0;
  let firstErr: unknown;
  await Promise.all(
    urls.map((QueueUrl) =>
      ctx.limit(async () => {
        try {
          const out = await client.send(
            new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['Policy', 'QueueArn'] }),
            {
              abortSignal: ctx.abortSignal,
            },
          );
          const name = QueueUrl.split('/').pop() ?? QueueUrl;
          const arn = out.Attributes?.QueueArn ?? `arn:aws:sqs:${region}:${ctx.accountId}:${name}`;
          const findings = queueFindings(arn, region, out.Attributes?.Policy);
          findings.forEach(ctx.emit);
          ctx.resource?.({
            service: 'sqs',
            region,
            id: arn,
            arn,
            label: name,
            ...policyFact(out.Attributes?.Policy ?? null, findings),
          });
        } catch (err) {
          if (/NonExistentQueue|QueueDoesNotExist/.test((err as Error)?.name ?? '')) return; // deleted meanwhile
          const name = QueueUrl.split('/').pop() ?? QueueUrl;
          const arn = `arn:aws:sqs:${region}:${ctx.accountId}:${name}`;
          ctx.resource?.({ service: 'sqs', region, id: arn, arn, label: name, ...policyFact(undefined, []) });
          failed++;
          firstErr ??= err;
        }
      }),
    ),
  );
  if (failed)
    reportFailure(
      ctx,
      'sqs',
      region,
      `could not read the policy of ${failed} of ${urls.length} queue(s) (GetQueueAttributes)`,
      firstErr,
    );
  return urls.length;
}
