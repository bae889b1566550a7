/** AJ111: remove the public canned ACL (`AccessControl`) from the bucket. */
import { getPair } from '../parse/ast';
import type { FixContext } from '../rules/rule';
import type { Finding, Fix, TextEdit } from '../types';
import { removePair } from './edit';
import { fix, resourceOf } from './common';

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
