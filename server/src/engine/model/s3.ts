/** S3 lookups on the template model: which bucket a bucket policy is for, and its public access block. */
import { type Node, get, isScalar } from '../parse/ast';
import { booleans, prop, referencedResource, strings } from './read';
import type { Resource, Template } from './template';
import type { ValueContext } from './values';

/** The template bucket a bucket policy is attached to: `!Ref X`, or a literal equal to X's BucketName. */
export function bucketOf(policy: Resource, t: Template, ctx: ValueContext): Resource | undefined {
  const b = prop(policy, 'Bucket');
  if (!b) return undefined;
  const ref = referencedResource(b, t);
  if (ref) return ref.type === 'AWS::S3::Bucket' ? ref : undefined;
  const names = strings(b, ctx);
  if (names.length !== 1) return undefined;
  return t.byType('AWS::S3::Bucket').find((r) => {
    const n = prop(r, 'BucketName');
    return !!n && isScalar(n) && !n.tag && String(n.value) === names[0];
  });
}

/** Effective public access block flags of a template bucket (rules.md AJ101: S3 defaults). */
export function publicAccessBlock(
  bucket: Resource,
  ctx: ValueContext,
): { config?: Node; flags: Record<string, boolean> } {
  const cfg = prop(bucket, 'PublicAccessBlockConfiguration');
  const names = ['BlockPublicAcls', 'BlockPublicPolicy', 'IgnorePublicAcls', 'RestrictPublicBuckets'];
  const flags: Record<string, boolean> = {};
  for (const n of names) {
    if (!cfg) flags[n] = true;
    else {
      const v = booleans(get(cfg, n), ctx);
      // Written true in every possible value: true. Omitted or possibly false: false (S3 API).
      flags[n] = v.length > 0 && v.every((b) => b === true);
    }
  }
  return { config: cfg, flags };
}
