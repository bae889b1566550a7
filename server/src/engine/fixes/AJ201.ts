/**
 * AJ201: `HttpTokens: required`, creating `MetadataOptions` (instances, launch configurations),
 * `LaunchTemplateData.MetadataOptions` (launch templates) or `InstanceMetadataOptions` (Image
 * Builder) where missing.
 */
import { getPair } from '../parse/ast';
import type { FixContext } from '../rules/rule';
import type { Finding, Fix, TextEdit } from '../types';
import { ensurePath, fillEmpty, insertPair, plainMap, type Val } from './edit';
import { fix, resourceOf } from './common';

const PATHS: Record<string, string[]> = {
  'AWS::EC2::LaunchTemplate': ['LaunchTemplateData', 'MetadataOptions'],
  'AWS::AutoScaling::LaunchConfiguration': ['MetadataOptions'],
  'AWS::EC2::Instance': ['MetadataOptions'],
  'AWS::ImageBuilder::InfrastructureConfiguration': ['InstanceMetadataOptions'],
};

export function fixesAJ201(finding: Finding, ctx: FixContext): Fix[] {
  const r = resourceOf(finding, ctx);
  const path = r && PATHS[r.type];
  if (!r || !path) return [];
  let edits: TextEdit[] | null;
  const leaf = { HttpTokens: 'required' };
  if (r.properties) edits = ensurePath(ctx.doc, r.properties, path, 'HttpTokens', 'required');
  else if (r.propertiesPair) {
    edits = plainMap(r.propertiesPair.value) ? null : fillEmpty(ctx.doc, r.propertiesPair, nest(path, leaf));
  } else edits = insertPair(ctx.doc, r.node, 'Properties', nest(path, leaf), { after: getPair(r.node, 'Type') });
  return fix('Require IMDSv2 (HttpTokens: required)', 'require-imdsv2', [edits], true);
}

function nest(path: string[], leaf: { [key: string]: Val }): Val {
  let out: Val = leaf;
  for (let i = path.length - 1; i >= 0; i--) out = { [path[i]]: out };
  return out;
}
