import { get, getPair, isMap } from '../parse/ast';
import { possibleBoolean, possibleValues } from '../model/values';
import { type FixContext, type Rule, TEMPLATE_KINDS } from './rule';
import { distinct } from './helpers';
import type { Finding, Fix } from '../types';
import { setScalar } from '../fixes/edit';
import { fix, resourceOf } from '../fixes/common';

const FLAGS: Record<string, string> = {
  BlockPublicAcls: 'new public ACLs on the bucket and its objects are accepted',
  BlockPublicPolicy: 'a bucket policy that grants public access can be attached',
  IgnorePublicAcls: 'existing public ACLs on the bucket and its objects take effect',
  RestrictPublicBuckets: 'a public bucket policy lets anyone in, not only AWS services and your account',
};

export const S3_PUBLIC_ACCESS_BLOCK_DISABLED: Rule = {
  id: 'AJ112',
  slug: 's3-public-access-block-disabled',
  severity: 'warning',
  title: 'S3 Block Public Access setting turned off',
  appliesTo: TEMPLATE_KINDS,
  fixTitles: ['Set the flag to true'],
  docs: {
    what: "Any of `BlockPublicAcls`, `BlockPublicPolicy`, `IgnorePublicAcls`, `RestrictPublicBuckets` written `false` in a bucket's `PublicAccessBlockConfiguration`: one finding per flag, on its value. A bucket without the configuration gets all four as `true` (the AWS default for new buckets since April 2023): no finding. An omitted flag in a written configuration is false in the S3 API but is not reported here (AJ101/AJ111 account for it).",
    why: 'Block Public Access is the safety net that stops a mistaken ACL or bucket policy from publishing data (36% of organizations had a public bucket, per Datadog). Turning a flag off removes the net for that kind of mistake.',
    insecure:
      'Resources:\n  Assets:\n    Type: AWS::S3::Bucket\n    Properties:\n      PublicAccessBlockConfiguration:\n        BlockPublicAcls: false\n        BlockPublicPolicy: true\n        IgnorePublicAcls: true\n        RestrictPublicBuckets: true\n',
    fixed:
      'Resources:\n  Assets:\n    Type: AWS::S3::Bucket\n    Properties:\n      PublicAccessBlockConfiguration:\n        BlockPublicAcls: true\n        BlockPublicPolicy: true\n        IgnorePublicAcls: true\n        RestrictPublicBuckets: true\n',
    fix: 'Set the flag to `true`, or remove the configuration to get all four defaults.',
    cdk: {
      fix: '`blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL` (the default: leave it out) and no `publicReadAccess` on `s3.Bucket`; a `new s3.BlockPublicAccess({...})` with any flag `false` turns that protection off.',
      typescript: "new s3.Bucket(this, 'Content', {\n  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,\n});\n",
      python: 's3.Bucket(self, "Content", block_public_access=s3.BlockPublicAccess.BLOCK_ALL)\n',
    },
  },
  fixes: (finding, ctx) => fixesAJ112(finding, ctx),
  check(ctx) {
    const t = ctx.template;
    if (!t) return;
    for (const r of t.byType('AWS::S3::Bucket')) {
      const written = getPair(r.properties, 'PublicAccessBlockConfiguration')?.value;
      if (!written) continue;
      // The configuration as written, or each branch of an `!If` around it.
      for (const c of possibleValues(written, ctx.values)) {
        if (c.kind !== 'node' || !isMap(c.node)) continue;
        for (const flag of Object.keys(FLAGS)) {
          const p = getPair(c.node, flag);
          if (!p) continue;
          for (const v of distinct(possibleValues(p.value, ctx.values))) {
            if (possibleBoolean(v) !== false) continue;
            const via = [c.via, v.via].filter(Boolean).join(', ') || undefined;
            ctx.report({
              node: v.at,
              message: `${flag} is false on bucket ${r.id}: ${FLAGS[flag]}${via ? ` (when ${via})` : ''}`,
              resource: r.id,
              data: { flag, ...(via ? { via } : {}) },
            });
          }
        }
      }
    }
  },
};

// ---- Quick fixes ----

/** AJ112: set the Block Public Access flag that is off to `true`, in the bucket. */

export function fixesAJ112(finding: Finding, ctx: FixContext): Fix[] {
  const r = resourceOf(finding, ctx);
  const flag = typeof finding.data?.flag === 'string' ? finding.data.flag : undefined;
  const cfg = get(r?.properties, 'PublicAccessBlockConfiguration');
  if (!r || !flag || !(flag in FLAGS) || !cfg) return [];
  const p = getPair(cfg, flag);
  if (!p) return [];
  return fix(`Set ${flag} to true`, 'enable-public-access-block', [setScalar(ctx.doc, p.value, true)], true);
}
