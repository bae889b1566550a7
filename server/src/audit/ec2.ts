/**
 * EC2 (AJ521): DescribeInstances in every region, MetadataOptions.HttpTokens must be "required"
 * unless the metadata endpoint is disabled. AJ522: GetInstanceMetadataDefaults in every region,
 * the account-level default must require IMDSv2.
 */
import {
  DescribeInstancesCommand,
  DescribeRegionsCommand,
  GetInstanceMetadataDefaultsCommand,
  type Instance,
} from '@aws-sdk/client-ec2';
import { reportFailure, type CollectorContext } from './collect';
import type { InventoryItem, LiveFinding } from './findings';
import { runChecks } from './rules/rule';
import { INSTANCE_IMDSV2_NOT_ENFORCED, SKIPPED_STATES } from './rules/AJ521-instance-imdsv2-not-enforced';
import { REGION_IMDS_DEFAULT_ALLOWS_V1 } from './rules/AJ522-region-imds-default-allows-v1';
import { stackFromTags } from './stacks';
import { paginate } from './paginate';

/** Enabled regions (DescribeRegions without AllRegions lists only the enabled ones). */
export async function enabledRegions(ctx: CollectorContext, homeRegion: string): Promise<string[]> {
  const out = await ctx.clients.ec2(homeRegion).send(new DescribeRegionsCommand({}), { abortSignal: ctx.abortSignal });
  return (out.Regions ?? [])
    .filter((r) => !r.OptInStatus || r.OptInStatus === 'opt-in-not-required' || r.OptInStatus === 'opted-in')
    .map((r) => r.RegionName)
    .filter((r): r is string => !!r)
    .sort();
}

/** AJ521 for one instance. */
export function instanceFinding(accountId: string, region: string, inst: Instance): LiveFinding | undefined {
  const f = runChecks([INSTANCE_IMDSV2_NOT_ENFORCED], { accountId, region, instance: inst }).findings[0];
  const stack = f && stackFromTags(inst.Tags, region);
  if (stack) f.stack = stack;
  return f;
}

/** The inventory entry of one instance (undefined for terminated and shutting-down ones). */
export function instanceResource(accountId: string, region: string, inst: Instance): InventoryItem | undefined {
  if (!inst.InstanceId || SKIPPED_STATES.has(inst.State?.Name ?? '')) return undefined;
  const mo = inst.MetadataOptions;
  const name = inst.Tags?.find((t) => t.Key === 'Name')?.Value;
  const arn = `arn:aws:ec2:${region}:${accountId}:instance/${inst.InstanceId}`;
  let imds: string;
  if (!mo) imds = 'IMDS settings unknown';
  else if (mo.HttpEndpoint === 'disabled') imds = 'metadata endpoint disabled';
  else if (mo.HttpTokens === 'required') imds = 'IMDSv2 required';
  else imds = 'IMDSv1 allowed';
  const parts = [inst.InstanceType, imds];
  const state = inst.State?.Name;
  if (state && state !== 'running') parts.push(state);
  const evidence = [
    `state: ${state ?? 'unknown'}`,
    `MetadataOptions.HttpTokens: ${mo?.HttpTokens ?? 'not set'}`,
    `MetadataOptions.HttpEndpoint: ${mo?.HttpEndpoint ?? 'not set'}`,
  ];
  if (inst.LaunchTime) evidence.push(`launched ${inst.LaunchTime.toISOString().slice(0, 10)}`);
  return {
    service: 'ec2',
    region,
    id: arn,
    arn,
    label: name ? `${inst.InstanceId} (${name})` : inst.InstanceId,
    description: parts.filter(Boolean).join(', '),
    evidence,
    facts: { state: state ?? 'unknown', ...(mo ? {} : { unread: true }) },
    ...(stackFromTags(inst.Tags, region) ? { stack: stackFromTags(inst.Tags, region) } : {}),
  };
}

/**
 * AJ522: the account's instance metadata defaults in one region. A region where they cannot be
 * read (access denied; moto, which does not implement the call, answers HTTP 500) gets an error,
 * never a finding.
 */
export async function auditImdsDefaults(ctx: CollectorContext, region: string): Promise<void> {
  try {
    const out = await ctx.limit(() =>
      ctx.clients.ec2(region).send(new GetInstanceMetadataDefaultsCommand({}), { abortSignal: ctx.abortSignal }),
    );
    const { findings, errors } = runChecks([REGION_IMDS_DEFAULT_ALLOWS_V1], {
      accountId: ctx.accountId,
      region,
      accountLevel: out.AccountLevel,
    });
    for (const f of findings) ctx.emit(f);
    for (const e of errors) ctx.error(e);
  } catch (err) {
    reportFailure(
      ctx,
      'ec2',
      region,
      "could not read the account's instance metadata defaults (GetInstanceMetadataDefaults)",
      err,
    );
  }
}

/** One region of EC2: its instances (AJ521) and its instance metadata defaults (AJ522). */
export async function auditEc2Region(ctx: CollectorContext, region: string): Promise<number> {
  const [count] = await Promise.all([auditEc2Instances(ctx, region), auditImdsDefaults(ctx, region)]);
  return count;
}

/** All instances of one region, page by page; findings stream as each page arrives. */
export async function auditEc2Instances(ctx: CollectorContext, region: string): Promise<number> {
  let count = 0;
  try {
    await paginate(
      (NextToken) =>
        ctx.limit(() =>
          ctx.clients
            .ec2(region)
            .send(new DescribeInstancesCommand({ NextToken, MaxResults: 1000 }), { abortSignal: ctx.abortSignal }),
        ),
      (out) => out.NextToken,
      (out) => {
        for (const res of out.Reservations ?? []) {
          for (const inst of res.Instances ?? []) {
            count++;
            const f = instanceFinding(ctx.accountId, region, inst);
            if (f) ctx.emit(f);
            const r = ctx.resource && instanceResource(ctx.accountId, region, inst);
            if (r) ctx.resource!(r);
          }
        }
      },
      { what: 'DescribeInstances' },
    );
  } catch (err) {
    reportFailure(ctx, 'ec2', region, 'could not list EC2 instances (DescribeInstances)', err);
  }
  return count;
}
