import { getPair } from '../parse/ast';
import { possibleString, possibleValues } from '../model/values';
import { type FixContext, type Rule, TEMPLATE_KINDS } from './rule';
import { publicAccessBlock } from '../model/s3';
import { distinct } from './helpers';
import type { Finding, Fix, TextEdit } from '../types';
import { removePair } from '../fixes/edit';
import { fix, resourceOf } from '../fixes/common';

const PUBLIC_ACLS: Record<string, { who: string; what: string; severity: 'error' | 'warning' }> = {
  PublicRead: { who: 'Anyone on the internet', what: 'list and read every object', severity: 'warning' },
  PublicReadWrite: {
    who: 'Anyone on the internet',
    what: 'list, read, overwrite and delete objects',
    severity: 'error',
  },
  AuthenticatedRead: { who: 'Any user of any AWS account', what: 'list and read every object', severity: 'warning' },
};

export const S3_PUBLIC_ACL: Rule = {
  id: 'AJ111',
  slug: 's3-public-acl',
  severity: 'warning',
  title: 'S3 bucket has a public canned ACL',
  appliesTo: TEMPLATE_KINDS,
  fixTitles: ['Remove the public ACL'],
  docs: {
    what: "`AWS::S3::Bucket` with `AccessControl` `PublicReadWrite` (error), `PublicRead` or `AuthenticatedRead` (warning: any AWS account's user counts as the public). Range: the `AccessControl` value. With `IgnorePublicAcls: true` written on the same bucket the ACL has no effect: information only. Without a written `PublicAccessBlockConfiguration` the finding keeps its severity and the message says that S3's defaults (ACLs disabled, public ACLs blocked) will make the deployment fail or the ACL inert.",
    why: "Datadog's State of AWS Security found a public S3 bucket in 36% of organizations. A public-read ACL publishes every object; public-read-write also lets anyone overwrite or delete them, and host malware on your domain.",
    insecure: 'Resources:\n  Assets:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicRead\n',
    fixed:
      'Resources:\n  Assets:\n    Type: AWS::S3::Bucket\n    Properties:\n      OwnershipControls:\n        Rules:\n          - ObjectOwnership: BucketOwnerEnforced\n',
    fix: 'Remove `AccessControl` (ACLs are disabled by default); serve public content through CloudFront with origin access control instead.',
    cdk: {
      fix: 'Remove `accessControl: s3.BucketAccessControl.PUBLIC_READ` (or `PUBLIC_READ_WRITE`, `AUTHENTICATED_READ`) from `s3.Bucket`; keep `objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED` (ACLs off) and serve public content through CloudFront.',
      typescript:
        "new s3.Bucket(this, 'Assets', {\n  objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,\n  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,\n});\n",
      python:
        's3.Bucket(\n    self,\n    "Assets",\n    object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,\n    block_public_access=s3.BlockPublicAccess.BLOCK_ALL,\n)\n',
    },
  },
  fixes: (finding, ctx) => fixesAJ111(finding, ctx),
  check(ctx) {
    const t = ctx.template;
    if (!t) return;
    for (const r of t.byType('AWS::S3::Bucket')) {
      const acl = getPair(r.properties, 'AccessControl');
      if (!acl) continue;
      const { config, flags } = publicAccessBlock(r, ctx.values);
      for (const v of distinct(possibleValues(acl.value, ctx.values))) {
        const s = possibleString(v);
        const info = s !== null ? PUBLIC_ACLS[s.trim()] : undefined;
        if (!info) continue;
        let message = `${info.who} can ${info.what} in bucket ${r.id} (AccessControl ${s!.trim()})`;
        if (v.via) message += ` when ${v.via}`;
        let severity: 'error' | 'warning' | 'information' = info.severity;
        if (config && flags.IgnorePublicAcls) {
          severity = 'information';
          message += `; IgnorePublicAcls: true on the bucket makes S3 ignore this ACL`;
        } else if (!config) {
          message += `. S3's defaults for new buckets (ACLs disabled, public ACLs blocked) will make this deployment fail or the ACL inert`;
        } else if (flags.BlockPublicAcls) {
          message += `; BlockPublicAcls: true on the bucket will make this deployment fail`;
        }
        ctx.report({ node: v.at, message, severity, resource: r.id, data: v.via ? { via: v.via } : undefined });
      }
    }
  },
};

// ---- Quick fixes ----

/** AJ111: remove the public canned ACL (`AccessControl`) from the bucket. */

export function fixesAJ111(finding: Finding, ctx: FixContext): Fix[] {
  const r = resourceOf(finding, ctx);
  const props = r?.properties;
  const acl = getPair(props, 'AccessControl');
  if (!r || !props || !acl) return [];
  let edits: TextEdit[] | null;
  if (props.pairs.length > 1) edits = removePair(ctx.doc, props, acl);
  else if (r.propertiesPair && r.node.pairs.length > 1) edits = removePair(ctx.doc, r.node, r.propertiesPair);
  else edits = null;
  return fix('Remove the public ACL (AccessControl)', 'remove-public-acl', [edits], true);
}
