/** AJ112: set the Block Public Access flag that is off to `true`, in the bucket. */
import { get, getPair } from '../parse/ast';
import type { FixContext } from '../rules/rule';
import type { Finding, Fix } from '../types';
import { setScalar } from './edit';
import { fix, resourceOf } from './common';

const FLAGS = ['BlockPublicAcls', 'BlockPublicPolicy', 'IgnorePublicAcls', 'RestrictPublicBuckets'];

export function fixesAJ112(finding: Finding, ctx: FixContext): Fix[] {
  const r = resourceOf(finding, ctx);
  const flag = typeof finding.data?.flag === 'string' ? finding.data.flag : undefined;
  const cfg = get(r?.properties, 'PublicAccessBlockConfiguration');
  if (!r || !flag || !FLAGS.includes(flag) || !cfg) return [];
  const p = getPair(cfg, flag);
  if (!p) return [];
  return fix(`Set ${flag} to true`, 'enable-public-access-block', [setScalar(ctx.doc, p.value, true)], true);
}
