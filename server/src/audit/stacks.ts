/**
 * CloudFormation: which stack and logical id deployed each live resource. Per audited region,
 * ListStacks (every stack not deleted), then ListStackResources for each (physical id → logical id
 * and type), bounded by the collector's limiter. The index this builds is what the audit attaches
 * to findings and inventory items as `stack: {name, id, region, logicalId}`. GetTemplate is sent
 * only for the stacks that hold a resource with a finding (`fetchTemplates`): the deployed
 * template is what tells "fixed in the workspace, not deployed yet" from "changed by hand".
 *
 * moto (and AWS for some types) do not tag every resource with `aws:cloudformation:*`: the stack's
 * resource list is the mapping relied on; tags (EC2 instances) are a fallback (`stackFromTags`).
 */
import { GetTemplateCommand, ListStackResourcesCommand, ListStacksCommand } from '@aws-sdk/client-cloudformation';
import { reportFailure, type CollectorContext } from './collect';
import type { StackRef } from './findings';
import { paginate } from './paginate';

/** One resource of a deployed stack. */
export interface StackResource {
  logicalId: string;
  type: string;
  physicalId?: string;
}

/** A deployed stack, as the audit read it. */
export interface DeployedStack {
  name: string;
  id: string;
  region: string;
  status: string;
  resources: StackResource[];
  /** The deployed template (GetTemplate, stage Original), for stacks holding a resource with a finding. */
  template?: string;
  /** Why the template is not here although it was asked for. */
  templateError?: string;
}

/** Stacks read per region at most (each is one ListStackResources call or more). */
export const MAX_STACKS_PER_REGION = 2000;
/** Resources kept per stack at most (CloudFormation's own limit is 500). */
export const MAX_RESOURCES_PER_STACK = 5000;
/** Largest deployed template kept (CloudFormation's own limit is 1 MB). */
export const MAX_TEMPLATE_CHARS = 1024 * 1024;

/**
 * The key a live resource is known by, for a resource ARN (what findings and inventory items
 * carry): IAM users by name (their ARN has a path the stack's physical id lacks), anything else by
 * its ARN.
 */
export function resourceKey(arn: string): string {
  const user = /^arn:[\w-]+:iam::\d{12}:user\/(?:.*\/)?([^/]+)$/.exec(arn);
  if (user) return `iam-user:${user[1]}`;
  return arn;
}

/**
 * The key of a stack resource (its type and physical id), in the same space as `resourceKey`;
 * undefined for types the audit does not inspect or physical ids it cannot place.
 */
export function physicalKey(
  type: string,
  physicalId: string | undefined,
  region: string,
  accountId: string,
): string | undefined {
  if (!physicalId) return undefined;
  switch (type) {
    case 'AWS::S3::Bucket':
      return `arn:aws:s3:::${physicalId}`;
    case 'AWS::SQS::Queue': {
      if (physicalId.startsWith('arn:')) return physicalId;
      // https://sqs.<region>.amazonaws.com/<account>/<name> (moto: http://host:port/<account>/<name>)
      const m = /\/(\d{12})\/([^/?#]+)\/?$/.exec(physicalId);
      return m ? `arn:aws:sqs:${region}:${m[1]}:${m[2]}` : undefined;
    }
    case 'AWS::SNS::Topic':
      return physicalId.startsWith('arn:') ? physicalId : undefined;
    case 'AWS::EC2::Instance':
      return /^i-[0-9a-f]+$/.test(physicalId) ? `arn:aws:ec2:${region}:${accountId}:instance/${physicalId}` : undefined;
    case 'AWS::IAM::User':
      return `iam-user:${physicalId}`;
    default:
      return physicalId.startsWith('arn:') ? physicalId : undefined;
  }
}

/** Resource key → the stack that deployed it, over every audited region. */
export class StackIndex {
  private readonly byKey = new Map<string, StackRef>();
  readonly stacks: DeployedStack[] = [];

  constructor(readonly accountId: string) {}

  add(stack: DeployedStack): void {
    this.stacks.push(stack);
    for (const r of stack.resources) {
      const key = physicalKey(r.type, r.physicalId, stack.region, this.accountId);
      if (key && !this.byKey.has(key))
        this.byKey.set(key, { name: stack.name, id: stack.id, region: stack.region, logicalId: r.logicalId });
    }
  }

  /** The stack that deployed the resource with this ARN, if any. */
  lookup(arn: string): StackRef | undefined {
    return this.byKey.get(resourceKey(arn));
  }

  get size(): number {
    return this.byKey.size;
  }
}

/** The stack named by CloudFormation's tags on a resource (EC2 instances), when all are there. */
export function stackFromTags(
  tags: readonly { Key?: string; Value?: string }[] | undefined,
  region: string,
): StackRef | undefined {
  const tag = (k: string) => tags?.find((t) => t.Key === k)?.Value;
  const name = tag('aws:cloudformation:stack-name');
  const logicalId = tag('aws:cloudformation:logical-id');
  if (!name || !logicalId) return undefined;
  const id = tag('aws:cloudformation:stack-id') ?? '';
  // The stack id is an ARN whose region is the stack's own.
  const stackRegion = /^arn:[\w-]+:cloudformation:([a-z0-9-]+):/.exec(id)?.[1] ?? region;
  return { name, id, region: stackRegion, logicalId };
}

/** Every stack of one region that is not deleted, with its resources; streams each as it is read. */
export async function auditStacksRegion(
  ctx: CollectorContext,
  region: string,
  onStack: (stack: DeployedStack) => void,
): Promise<number> {
  const client = ctx.clients.cloudformation(region);
  const summaries: { name: string; id: string; status: string }[] = [];
  try {
    await paginate(
      (NextToken) =>
        ctx.limit(() => client.send(new ListStacksCommand({ NextToken }), { abortSignal: ctx.abortSignal })),
      (out) => (summaries.length < MAX_STACKS_PER_REGION ? out.NextToken : undefined),
      (out) => {
        for (const s of out.StackSummaries ?? []) {
          if (!s.StackName || !s.StackId || s.StackStatus === 'DELETE_COMPLETE') continue;
          if (summaries.length < MAX_STACKS_PER_REGION)
            summaries.push({ name: s.StackName, id: s.StackId, status: s.StackStatus ?? 'UNKNOWN' });
        }
      },
      { what: 'ListStacks' },
    );
  } catch (err) {
    reportFailure(ctx, 'cloudformation', region, 'could not list CloudFormation stacks (ListStacks)', err);
    return 0;
  }
  let failed = 0;
  let firstErr: unknown;
  await Promise.all(
    summaries.map(async (s) => {
      const resources: StackResource[] = [];
      try {
        await paginate(
          (NextToken) =>
            ctx.limit(() =>
              // By id: a name may have been reused by a newer stack meanwhile.
              client.send(new ListStackResourcesCommand({ StackName: s.id, NextToken }), {
                abortSignal: ctx.abortSignal,
              }),
            ),
          (out) => out.NextToken,
          (out) => {
            for (const r of out.StackResourceSummaries ?? []) {
              if (!r.LogicalResourceId || !r.ResourceType || resources.length >= MAX_RESOURCES_PER_STACK) continue;
              if (r.ResourceStatus === 'DELETE_COMPLETE') continue;
              resources.push({
                logicalId: r.LogicalResourceId,
                type: r.ResourceType,
                ...(r.PhysicalResourceId ? { physicalId: r.PhysicalResourceId } : {}),
              });
            }
          },
          { what: 'ListStackResources' },
        );
      } catch (err) {
        if (/ValidationError/.test((err as Error)?.name ?? '') && /does not exist/.test((err as Error)?.message ?? ''))
          return; // deleted meanwhile
        failed++;
        firstErr ??= err;
        return;
      }
      onStack({ name: s.name, id: s.id, region, status: s.status, resources });
    }),
  );
  if (failed)
    reportFailure(
      ctx,
      'cloudformation',
      region,
      `could not list the resources of ${failed} of ${summaries.length} stack(s) (ListStackResources)`,
      firstErr,
    );
  return summaries.length;
}

/** The deployed template of each stack (GetTemplate, the original stage as written), bounded. */
export async function fetchTemplates(ctx: CollectorContext, stacks: readonly DeployedStack[]): Promise<void> {
  let failed = 0;
  let firstErr: unknown;
  let firstRegion: string | null = null;
  await Promise.all(
    stacks.map((s) =>
      ctx.limit(async () => {
        try {
          const out = await ctx.clients
            .cloudformation(s.region)
            .send(new GetTemplateCommand({ StackName: s.id, TemplateStage: 'Original' }), {
              abortSignal: ctx.abortSignal,
            });
          const body = out.TemplateBody;
          const text = typeof body === 'string' ? body : body === undefined ? undefined : JSON.stringify(body);
          if (text === undefined) s.templateError = 'GetTemplate returned no template';
          else if (text.length > MAX_TEMPLATE_CHARS)
            s.templateError = `the deployed template is over ${MAX_TEMPLATE_CHARS} characters`;
          else s.template = text;
        } catch (err) {
          failed++;
          firstErr ??= err;
          firstRegion ??= s.region;
          s.templateError = 'the deployed template could not be read (GetTemplate)';
        }
      }),
    ),
  );
  if (failed)
    reportFailure(
      ctx,
      'cloudformation',
      firstRegion,
      `could not read the deployed template of ${failed} of ${stacks.length} stack(s) (GetTemplate)`,
      firstErr,
    );
}
