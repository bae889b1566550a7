/**
 * S3 (AJ531, AJ534): bucket policies through the shared policy evaluator, ACL grants to AllUsers /
 * AuthenticatedUsers, bucket and account public access blocks (S3 Control).
 *
 * A public policy is neutralised by RestrictPublicBuckets and a public ACL by IgnorePublicAcls, on
 * the bucket or on the account (BlockPublicPolicy / BlockPublicAcls only stop new grants).
 */
import {
  GetBucketAclCommand,
  GetBucketLocationCommand,
  GetBucketPolicyCommand,
  GetPublicAccessBlockCommand,
  ListBucketsCommand,
  type Grant,
  type PublicAccessBlockConfiguration,
} from '@aws-sdk/client-s3';
import { GetPublicAccessBlockCommand as GetAccountPublicAccessBlockCommand } from '@aws-sdk/client-s3-control';
import { errorCode, describeError } from './clients';
import { plural, reportFailure, type CollectorContext } from './collect';
import type { AuditError, InventoryItem, LiveFinding } from './findings';
import { runChecks } from './rules/rule';
import { PAB_FLAGS as FLAGS, type PabFlags, type PabState, pabFlag as flag } from './rules/helpers';
import { type BucketFacts, S3_BUCKET_PUBLIC } from './rules/AJ531-s3-bucket-public';
import { S3_ACCOUNT_PUBLIC_ACCESS_BLOCK_OFF } from './rules/AJ534-s3-account-public-access-block-off';
import { paginate } from './paginate';

export type { BucketFacts, PabFlags, PabState };

function flagsOf(cfg: PublicAccessBlockConfiguration | undefined): PabFlags {
  return {
    BlockPublicAcls: cfg?.BlockPublicAcls === true,
    IgnorePublicAcls: cfg?.IgnorePublicAcls === true,
    BlockPublicPolicy: cfg?.BlockPublicPolicy === true,
    RestrictPublicBuckets: cfg?.RestrictPublicBuckets === true,
  };
}
/** AJ531 for one bucket (pure: facts in, findings out). */
export function bucketFindings(b: BucketFacts): LiveFinding[] {
  return runChecks([S3_BUCKET_PUBLIC], b).findings;
}

/** AJ534 from the account-level public access block. */
export function accountPabFindings(accountId: string, pab: PabState): LiveFinding[] {
  return runChecks([S3_ACCOUNT_PUBLIC_ACCESS_BLOCK_OFF], { accountId, pab }).findings;
}

function pabText(p: PabState): string {
  if (p.kind === 'none') return 'no configuration';
  if (p.kind === 'unknown') return `unreadable (${p.reason})`;
  const on = FLAGS.filter((f) => p.flags[f]);
  return on.length === FLAGS.length
    ? 'all four flags on'
    : on.length
      ? `${on.join(', ')} on; ${FLAGS.filter((f) => !p.flags[f]).join(', ')} off`
      : 'all four flags off';
}
function pabFact(p: PabState): string {
  if (p.kind === 'none') return 'no BPA';
  if (p.kind === 'unknown') return 'BPA unreadable';
  const on = FLAGS.filter((f) => p.flags[f]).length;
  return on === FLAGS.length ? 'BPA on' : on ? 'BPA partial' : 'BPA off';
}

/**
 * The inventory entry of one bucket: policy and ACL as read (or why they were not read: a public
 * access block that neutralises them), and the bucket's public access block.
 */
export function bucketResource(
  b: BucketFacts,
  findings: LiveFinding[],
  read: { policy: boolean; acl: boolean },
  region: string | null,
): InventoryItem {
  const arn = `arn:aws:s3:::${b.name}`;
  const parts: string[] = [];
  const evidence: string[] = [];
  const accountNeutralises =
    !read.policy &&
    !read.acl &&
    flag(b.accountPab, 'RestrictPublicBuckets') === true &&
    flag(b.accountPab, 'IgnorePublicAcls') === true;
  if (read.policy) {
    const viaPolicy = findings.some((f) => f.data?.via === 'policy');
    if (b.policy === undefined) parts.push('policy unreadable');
    else if (b.policy === null) parts.push('no policy');
    else parts.push(viaPolicy ? 'policy public' : 'policy private');
    evidence.push(
      `bucket policy: ${b.policy === undefined ? 'could not be read' : b.policy === null ? 'none' : viaPolicy ? 'public' : 'present, not public'}`,
    );
  } else evidence.push('bucket policy: not read (RestrictPublicBuckets neutralises it)');
  if (read.acl) {
    const viaAcl = findings.some((f) => f.data?.via === 'acl');
    if (b.grants === undefined) parts.push('ACL unreadable');
    else parts.push(viaAcl ? 'ACL public' : 'ACL private');
    evidence.push(
      `bucket ACL: ${b.grants === undefined ? 'could not be read' : `${plural(b.grants.length, 'grant')}${viaAcl ? ', public' : ''}`}`,
    );
  } else evidence.push('bucket ACL: not read (IgnorePublicAcls neutralises it)');
  parts.push(accountNeutralises ? 'account BPA on' : pabFact(b.bucketPab));
  evidence.push(
    `bucket public access block: ${accountNeutralises ? "not read (the account's neutralises every bucket)" : pabText(b.bucketPab)}`,
    `account public access block: ${pabText(b.accountPab)}`,
  );
  for (const f of findings) evidence.push(f.message);
  const unread = !findings.length && ((read.policy && b.policy === undefined) || (read.acl && b.grants === undefined));
  return {
    service: 's3',
    region,
    id: arn,
    arn,
    label: b.name,
    description: parts.join(', '),
    evidence,
    ...(unread ? { facts: { unread: true } } : {}),
  };
}

/** The inventory entry of the account-level public access block. */
export function accountPabResource(accountId: string, pab: PabState): InventoryItem {
  return {
    service: 's3',
    region: null,
    id: accountId,
    label: 'Account Block Public Access',
    description:
      pab.kind === 'set'
        ? pabFact(pab).replace('BPA', 'account BPA')
        : pab.kind === 'none'
          ? 'no account BPA'
          : 'account BPA unreadable',
    evidence: [`account public access block: ${pabText(pab)}`],
  };
}

function regionOfLocation(loc: string | undefined | null): string {
  if (!loc) return 'us-east-1';
  if (loc === 'EU') return 'eu-west-1';
  return loc;
}

export async function readAccountPab(ctx: CollectorContext): Promise<PabState> {
  try {
    const out = await ctx.clients
      .s3control()
      .send(new GetAccountPublicAccessBlockCommand({ AccountId: ctx.accountId }), { abortSignal: ctx.abortSignal });
    return { kind: 'set', flags: flagsOf(out.PublicAccessBlockConfiguration) };
  } catch (err) {
    if (errorCode(err) === 'NoSuchPublicAccessBlockConfiguration') return { kind: 'none' };
    reportFailure(
      ctx,
      's3control',
      null,
      'could not read the account-level public access block (s3control:GetPublicAccessBlock)',
      err,
    );
    return { kind: 'unknown', reason: describeError(err).message };
  }
}

interface FailureTally {
  count: number;
  buckets: string[];
  first: unknown;
  region: string | null;
}

/** Lists buckets and checks each; the account PAB read runs alongside. */
export async function auditS3(
  ctx: CollectorContext,
  homeRegion: string,
  onBucketCount?: (n: number) => void,
): Promise<number> {
  const accountPabP = readAccountPab(ctx);
  accountPabP.then((pab) => {
    accountPabFindings(ctx.accountId, pab).forEach(ctx.emit);
    ctx.resource?.(accountPabResource(ctx.accountId, pab));
  });

  const buckets: { name: string; region?: string }[] = [];
  try {
    await paginate(
      (ContinuationToken) =>
        ctx.limit(() =>
          ctx.clients
            .s3(homeRegion)
            .send(new ListBucketsCommand({ ContinuationToken, MaxBuckets: 10000 }), { abortSignal: ctx.abortSignal }),
        ),
      (out) => out.ContinuationToken,
      (out) => {
        for (const b of out.Buckets ?? [])
          if (b.Name) buckets.push({ name: b.Name, region: b.BucketRegion || undefined });
      },
      { what: 'ListBuckets' },
    );
  } catch (err) {
    reportFailure(ctx, 's3', null, 'could not list S3 buckets (ListBuckets)', err);
    await accountPabP;
    return 0;
  }
  onBucketCount?.(buckets.length);

  const tallies = new Map<string, FailureTally>();
  const tally = (what: string, region: string | null, bucket: string, err: unknown) => {
    const key = `${what}\u0000${region ?? ''}`;
    let t = tallies.get(key);
    if (!t) tallies.set(key, (t = { count: 0, buckets: [], first: err, region }));
    t.count++;
    if (t.buckets.length < 3) t.buckets.push(bucket);
  };

  const accountPab = await accountPabP;
  const accountRestricts = flag(accountPab, 'RestrictPublicBuckets') === true;
  const accountIgnoresAcls = flag(accountPab, 'IgnorePublicAcls') === true;
  if (accountRestricts && accountIgnoresAcls) {
    // The account's public access block neutralises every bucket policy and ACL: nothing per bucket to read.
    for (const b of buckets) {
      const facts: BucketFacts = {
        name: b.name,
        region: b.region ?? homeRegion,
        policy: undefined,
        grants: undefined,
        bucketPab: { kind: 'unknown', reason: 'not read' },
        accountPab,
      };
      ctx.resource?.(bucketResource(facts, [], { policy: false, acl: false }, b.region ?? null));
    }
    return buckets.length;
  }
  await Promise.all(
    buckets.map(async (b) => {
      // ListBuckets names each bucket's region on AWS (BucketRegion). Where it does not (emulators,
      // S3-compatible stores) the bucket is read through the home-region client (AWS redirects are
      // followed) and GetBucketLocation is asked only for buckets that have a finding.
      const knownRegion = b.region;
      const client = ctx.clients.s3(knownRegion ?? homeRegion);
      const opts = { abortSignal: ctx.abortSignal };
      // The bucket's public access block first: where it neutralises policies and ACLs (the default
      // for buckets created since April 2023), they need not be read at all.
      let bucketPab: PabState;
      try {
        const out = await ctx.limit(() => client.send(new GetPublicAccessBlockCommand({ Bucket: b.name }), opts));
        bucketPab = { kind: 'set', flags: flagsOf(out.PublicAccessBlockConfiguration) };
      } catch (err) {
        if (errorCode(err) === 'NoSuchBucket') return;
        if (errorCode(err) === 'NoSuchPublicAccessBlockConfiguration') bucketPab = { kind: 'none' };
        else {
          tally('could not read the public access block (GetPublicAccessBlock) of', knownRegion ?? null, b.name, err);
          bucketPab = { kind: 'unknown', reason: describeError(err).message };
        }
      }
      const needPolicy = !accountRestricts && flag(bucketPab, 'RestrictPublicBuckets') !== true;
      const needAcl = !accountIgnoresAcls && flag(bucketPab, 'IgnorePublicAcls') !== true;
      const [policyR, aclR] = await Promise.allSettled([
        needPolicy
          ? ctx.limit(() => client.send(new GetBucketPolicyCommand({ Bucket: b.name }), opts))
          : Promise.resolve(undefined),
        needAcl
          ? ctx.limit(() => client.send(new GetBucketAclCommand({ Bucket: b.name }), opts))
          : Promise.resolve(undefined),
      ]);
      if ([policyR, aclR].some((r) => r.status === 'rejected' && errorCode(r.reason) === 'NoSuchBucket')) return;
      let policy: string | null | undefined = null;
      if (policyR.status === 'fulfilled') policy = policyR.value?.Policy ?? null;
      else if (errorCode(policyR.reason) === 'NoSuchBucketPolicy') policy = null;
      else {
        policy = undefined;
        tally('could not read the bucket policy (GetBucketPolicy) of', knownRegion ?? null, b.name, policyR.reason);
      }
      let grants: Grant[] | undefined = [];
      if (aclR.status === 'fulfilled') grants = aclR.value?.Grants ?? [];
      else {
        grants = undefined;
        tally('could not read the bucket ACL (GetBucketAcl) of', knownRegion ?? null, b.name, aclR.reason);
      }
      const facts: BucketFacts = {
        name: b.name,
        region: knownRegion ?? homeRegion,
        policy,
        grants,
        bucketPab,
        accountPab,
      };
      let findings = bucketFindings(facts);
      let region: string | null = knownRegion ?? null;
      if (findings.length && !knownRegion) {
        try {
          const loc = await ctx.limit(() =>
            ctx.clients
              .s3(homeRegion)
              .send(new GetBucketLocationCommand({ Bucket: b.name }), { abortSignal: ctx.abortSignal }),
          );
          region = regionOfLocation(loc.LocationConstraint);
          findings = bucketFindings({ ...facts, region });
        } catch (err) {
          tally('could not find the region of', null, b.name, err);
        }
      }
      findings.forEach(ctx.emit);
      ctx.resource?.(bucketResource(facts, findings, { policy: needPolicy, acl: needAcl }, region));
    }),
  );
  for (const [key, t] of tallies) {
    const what = key.split('\u0000')[0];
    const more = t.count > t.buckets.length ? `, and ${t.count - t.buckets.length} more` : '';
    const d = describeError(t.first);
    const e: AuditError = {
      service: 's3',
      region: t.region,
      message: `${what} ${t.count} bucket(s) (${t.buckets.join(', ')}${more}): ${d.message}`,
      ...(d.code ? { code: d.code } : {}),
    };
    ctx.error(e);
  }
  return buckets.length;
}
