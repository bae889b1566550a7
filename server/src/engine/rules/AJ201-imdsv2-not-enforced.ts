import { type Node, type Pair, get, getPair, isMap } from '../parse/ast';
import { intrinsicOf } from '../model/intrinsics';
import type { Resource } from '../model/template';
import { possibleString, possibleValues } from '../model/values';
import { type FixContext, type Rule, type RuleContext, TEMPLATE_KINDS } from './rule';
import { distinct } from './helpers';
import type { Finding, Fix, TextEdit } from '../types';
import { ensurePath, fillEmpty, insertPair } from '../fixes/edit';
import { plainMap } from '../fixes/paths';
import type { Val } from '../fixes/render';
import { fix, resourceOf } from '../fixes/common';

/** Where each resource type keeps its metadata options, relative to Properties. */
const OPTIONS_PATH: Record<string, { parent: string[]; key: string; what: string }> = {
  'AWS::EC2::LaunchTemplate': { parent: ['LaunchTemplateData'], key: 'MetadataOptions', what: 'launch template' },
  'AWS::AutoScaling::LaunchConfiguration': { parent: [], key: 'MetadataOptions', what: 'launch configuration' },
  'AWS::EC2::Instance': { parent: [], key: 'MetadataOptions', what: 'instance' },
  'AWS::ImageBuilder::InfrastructureConfiguration': {
    parent: [],
    key: 'InstanceMetadataOptions',
    what: 'Image Builder build instances of',
  },
};

export const IMDSV2_NOT_ENFORCED: Rule = {
  id: 'AJ201',
  slug: 'imdsv2-not-enforced',
  severity: 'warning',
  title: 'EC2 instance metadata does not require IMDSv2',
  appliesTo: TEMPLATE_KINDS,
  fixTitles: ['Require IMDSv2 (HttpTokens: required)'],
  docs: {
    what: "`AWS::EC2::LaunchTemplate` (`LaunchTemplateData.MetadataOptions`), `AWS::AutoScaling::LaunchConfiguration` and `AWS::EC2::Instance` (`MetadataOptions`), `AWS::ImageBuilder::InfrastructureConfiguration` (`InstanceMetadataOptions`) whose `HttpTokens` is not `required`. An error where `HttpTokens: optional` is written, a warning where it is missing. `HttpEndpoint: disabled` passes. An instance that uses a launch template of the same template (`LaunchTemplateId: !Ref X`, `!GetAtt X.LaunchTemplateId`, or `LaunchTemplateName` equal to X's name) is judged by that launch template, which is reported once; a launch template from outside the template is unknown: no finding. Range: the `HttpTokens` value; where it is missing, the `MetadataOptions` key if present, else the resource's logical id.",
    why: "Datadog's State of AWS Security found 93% of EC2 instances not enforcing IMDSv2. With IMDSv1, a server-side request forgery in any app on the instance hands the instance role's credentials to the attacker (the Capital One breach).",
    insecure:
      'Resources:\n  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-0abcdef1234567890\n      InstanceType: t3.micro\n',
    fixed:
      'Resources:\n  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-0abcdef1234567890\n      InstanceType: t3.micro\n      MetadataOptions:\n        HttpTokens: required\n',
    fix: 'Set `HttpTokens: required` (and keep `HttpPutResponseHopLimit` at 1, or 2 for containers).',
    cdk: {
      fix: '`requireImdsv2: true` on `ec2.Instance`, `ec2.LaunchTemplate` and `autoscaling.AutoScalingGroup` (or `httpTokens: ec2.LaunchTemplateHttpTokens.REQUIRED` on a launch template); for a whole app, `Aspects.of(app).add(new ec2.InstanceRequireImdsv2Aspect())` and `new ec2.LaunchTemplateRequireImdsv2Aspect()`.',
      typescript:
        "new ec2.LaunchTemplate(this, 'Workers', {\n  instanceType: new ec2.InstanceType('t3.micro'),\n  requireImdsv2: true,\n});\n",
      python:
        'ec2.LaunchTemplate(\n    self,\n    "Workers",\n    instance_type=ec2.InstanceType("t3.micro"),\n    require_imdsv2=True,\n)\n',
    },
  },
  fixes: (finding, ctx) => fixesAJ201(finding, ctx),
  check(ctx) {
    const t = ctx.template;
    if (!t) return;
    for (const [type, where] of Object.entries(OPTIONS_PATH)) {
      for (const r of t.byType(type)) {
        if (type === 'AWS::EC2::Instance' && !getPair(r.properties, 'MetadataOptions') && usesLaunchTemplate(r))
          continue;
        checkOptions(ctx, r, where);
      }
    }
  },
};

function checkOptions(ctx: RuleContext, r: Resource, where: { parent: string[]; key: string; what: string }) {
  let parent: Node | undefined = r.properties;
  for (const k of where.parent) parent = get(parent, k);
  const optsPair: Pair | undefined = getPair(parent, where.key);
  const subject = `${where.what} ${r.id}`;
  if (!optsPair) {
    ctx.report({
      node: r.key,
      message: `${cap(subject)} does not require IMDSv2: no ${where.key}, so HttpTokens defaults to optional and any SSRF on the instance can read its role credentials`,
      resource: r.id,
      data: { missing: where.key },
    });
    return;
  }
  // The options map as written, or each branch of an `!If` (a removed branch: no options at all).
  for (const v of possibleValues(optsPair.value, ctx.values)) {
    if (v.kind === 'novalue') {
      ctx.report({
        node: optsPair.key,
        message: `${cap(subject)} does not require IMDSv2 when ${v.via ?? `${where.key} is AWS::NoValue`}: HttpTokens defaults to optional`,
        resource: r.id,
        data: { missing: where.key, ...(v.via ? { via: v.via } : {}) },
      });
    } else if (v.kind === 'node' && isMap(v.node)) checkMap(ctx, r, where, subject, optsPair, v.node, v.via);
    // A list or scalar is malformed (CloudFormation rejects it); an unknown value is not ours to guess.
  }
}

function checkMap(
  ctx: RuleContext,
  r: Resource,
  where: { key: string },
  subject: string,
  optsPair: Pair,
  opts: Node,
  branch: string | undefined,
) {
  const inBranch = (via: string | undefined) => [branch, via].filter(Boolean).join(', ') || undefined;
  const endpoint = getPair(opts, 'HttpEndpoint');
  if (endpoint) {
    const vs = possibleValues(endpoint.value, ctx.values).map(possibleString);
    if (vs.length && vs.every((v) => v !== null && v.trim().toLowerCase() === 'disabled')) return;
  }
  const tokens = getPair(opts, 'HttpTokens');
  if (!tokens) {
    ctx.report({
      node: optsPair.key,
      message: `${cap(subject)} does not require IMDSv2${branch ? ` when ${branch}` : ''}: ${where.key} has no HttpTokens, so it defaults to optional`,
      resource: r.id,
      data: { missing: 'HttpTokens', ...(branch ? { via: branch } : {}) },
    });
    return;
  }
  for (const v of distinct(possibleValues(tokens.value, ctx.values))) {
    if (v.kind === 'unknown' || v.kind === 'novalue') {
      if (v.kind === 'novalue')
        ctx.report({
          node: v.at,
          message: `${cap(subject)} does not require IMDSv2 when ${inBranch(v.via) ?? 'HttpTokens is removed'}`,
          resource: r.id,
        });
      continue;
    }
    const s = possibleString(v);
    if (s !== null && s.trim().toLowerCase() === 'required') continue;
    ctx.report({
      node: v.at,
      severity: 'error',
      message: `${cap(subject)} allows IMDSv1 (HttpTokens ${JSON.stringify(s)})${inBranch(v.via) ? ` when ${inBranch(v.via)}` : ''}: any SSRF on the instance can read its role credentials`,
      resource: r.id,
      data: inBranch(v.via) ? { via: inBranch(v.via) } : undefined,
    });
  }
}

/**
 * Does the instance take its settings from a launch template? One of this template (by
 * `LaunchTemplateId: !Ref X`, `!GetAtt X.LaunchTemplateId` or `LaunchTemplateName`) is reported on
 * the launch template itself; one from outside is unknown. Either way: no finding on the instance.
 */
function usesLaunchTemplate(r: Resource): boolean {
  const lt = get(r.properties, 'LaunchTemplate');
  if (!lt) return false;
  if (!isMap(lt) || intrinsicOf(lt)) return true;
  return !!(getPair(lt, 'LaunchTemplateId') || getPair(lt, 'LaunchTemplateName'));
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

// ---- Quick fixes ----

/**
 * AJ201: `HttpTokens: required`, creating `MetadataOptions` (instances, launch configurations),
 * `LaunchTemplateData.MetadataOptions` (launch templates) or `InstanceMetadataOptions` (Image
 * Builder) where missing.
 */

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
