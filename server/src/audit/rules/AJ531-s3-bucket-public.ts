import type { Grant } from '@aws-sdk/client-s3';
import { type PabState, pabFlag, reportPublicPolicy } from './helpers';
import type { LiveRule } from './rule';

export interface BucketFacts {
  name: string;
  region: string;
  /** Policy JSON text; null = no policy; undefined = could not read. */
  policy: string | null | undefined;
  /** ACL grants; undefined = could not read. */
  grants: Grant[] | undefined;
  bucketPab: PabState;
  accountPab: PabState;
}

const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
const AUTH_USERS = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';
const UNKNOWN_PAB = ' (the public access block could not be read; it may neutralise this)';

export const S3_BUCKET_PUBLIC: LiveRule<BucketFacts> = {
  scope: 'live',
  id: 'AJ531',
  slug: 's3-bucket-public',
  severity: 'error',
  title: 'S3 bucket is public',
  category: 's3',
  docs: {
    what: "A bucket whose policy is public under AJ101's rules (the same policy evaluator: anyone as principal, no restricting condition, no Deny taking it back), or whose ACL grants to `AllUsers` (anyone) or `AuthenticatedUsers` (any AWS account), unless the bucket's or the account's public access block neutralises it: `RestrictPublicBuckets` for a policy, `IgnorePublicAcls` for an ACL. One finding per public statement and per public grantee, on the bucket ARN.",
    why: "Datadog's State of AWS Security found a public S3 bucket in 36% of organizations (2% of buckets). A public bucket serves its objects to anyone who guesses the name; a public write grant also lets anyone overwrite objects or host their files on your bill.",
    exampleLanguage: 'json',
    insecure:
      '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Sid": "PublicRead",\n      "Effect": "Allow",\n      "Principal": "*",\n      "Action": "s3:GetObject",\n      "Resource": "arn:aws:s3:::example-assets/*"\n    }\n  ]\n}\n',
    fixed:
      '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Sid": "CloudFrontRead",\n      "Effect": "Allow",\n      "Principal": { "Service": "cloudfront.amazonaws.com" },\n      "Action": "s3:GetObject",\n      "Resource": "arn:aws:s3:::example-assets/*",\n      "Condition": {\n        "StringEquals": {\n          "AWS:SourceArn": "arn:aws:cloudfront::111122223333:distribution/EDFDVBD6EXAMPLE"\n        }\n      }\n    }\n  ]\n}\n',
    fix: 'Remove the public statement or grant. Content meant for the public is better served through CloudFront with origin access control, which lets the bucket stay private (as in the fixed policy). Then turn on all four Block Public Access flags on the bucket, set object ownership to `BucketOwnerEnforced` (ACLs off), and consider the account-level block (AJ534).',
    cli: "# Replace the policy with the fixed one (or delete it)\naws s3api put-bucket-policy --bucket example-assets --policy file://fixed-policy.json\naws s3api delete-bucket-policy --bucket example-assets\n\n# Drop public ACL grants and turn ACLs off\naws s3api put-bucket-acl --bucket example-assets --acl private\naws s3api put-bucket-ownership-controls --bucket example-assets \\\n  --ownership-controls 'Rules=[{ObjectOwnership=BucketOwnerEnforced}]'\n\n# Block public access on the bucket\naws s3api put-public-access-block --bucket example-assets --public-access-block-configuration \\\n  BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true\n",
    command:
      'aws s3api put-public-access-block --bucket {name} --public-access-block-configuration \\\n  BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true',
    notes: [
      'The example is the bucket policy (`aws s3api get-bucket-policy`), with no public access block on the bucket or the account.',
      '`BlockPublicPolicy` and `BlockPublicAcls` only stop new grants; an existing public policy or ACL stays in effect until `RestrictPublicBuckets` or `IgnorePublicAcls` neutralises it. Where a public access block could not be read, the finding is kept and says so.',
    ],
  },
  check(b, ctx) {
    const arn = `arn:aws:s3:::${b.name}`;
    const blockedBy = (name: 'RestrictPublicBuckets' | 'IgnorePublicAcls'): 'bucket' | 'account' | 'unknown' | null => {
      const bf = pabFlag(b.bucketPab, name);
      const af = pabFlag(b.accountPab, name);
      if (bf === true) return 'bucket';
      if (af === true) return 'account';
      if (bf === undefined || af === undefined) return 'unknown';
      return null;
    };
    if (b.policy) {
      const blocked = blockedBy('RestrictPublicBuckets');
      if (blocked !== 'bucket' && blocked !== 'account') {
        reportPublicPolicy(ctx, arn, b.region, b.policy, {
          resourceKind: 'AWS::S3::Bucket',
          noun: 'bucket',
          name: b.name,
          note: blocked === 'unknown' ? UNKNOWN_PAB : '',
          data: { via: 'policy' },
        });
      }
    }
    const publicGrants = new Map<string, string[]>();
    for (const g of b.grants ?? []) {
      const uri = g.Grantee?.URI;
      if (g.Grantee?.Type !== 'Group' || (uri !== ALL_USERS && uri !== AUTH_USERS)) continue;
      const who = uri === ALL_USERS ? 'AllUsers' : 'AuthenticatedUsers';
      const list = publicGrants.get(who) ?? [];
      if (g.Permission && !list.includes(g.Permission)) list.push(g.Permission);
      publicGrants.set(who, list);
    }
    if (!publicGrants.size) return;
    const blocked = blockedBy('IgnorePublicAcls');
    if (blocked === 'bucket' || blocked === 'account') return;
    const note = blocked === 'unknown' ? UNKNOWN_PAB : '';
    for (const [who, perms] of [...publicGrants].sort()) {
      const whoText = who === 'AllUsers' ? 'AllUsers (anyone)' : 'AuthenticatedUsers (any AWS account)';
      ctx.report({
        resource: arn,
        region: b.region,
        message: `bucket ACL grants ${perms.sort().join(', ')} to ${whoText} on bucket ${b.name}${note}`,
        data: { via: 'acl', grantee: who, permissions: perms },
      });
    }
  },
};
