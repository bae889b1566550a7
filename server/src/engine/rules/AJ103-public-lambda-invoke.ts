import { get, getPair } from '../parse/ast';
import { display, possibleString, possibleValues } from '../model/values';
import { type FixContext, type Rule, TEMPLATE_KINDS } from './rule';
import { distinct, referencedResource, strings } from './helpers';
import type { Finding, Fix } from '../types';
import { insertPair, ref, setScalar } from '../fixes/edit';
import { fix, resourceOf } from '../fixes/common';
import { orgParameter } from '../fixes/statement';

export const PUBLIC_LAMBDA_INVOKE: Rule = {
  id: 'AJ103',
  slug: 'public-lambda-invoke',
  severity: 'error',
  title: 'Lambda function can be invoked by anyone',
  appliesTo: TEMPLATE_KINDS,
  fixTitles: ['Add SourceAccount', 'Set AuthType to AWS_IAM'],
  docs: {
    what: '`AWS::Lambda::Permission` with `Principal: "*"` and none of `SourceArn`, `SourceAccount`, `PrincipalOrgID` (error; range: the `Principal` value). A function URL with `AuthType: NONE` (`AWS::Lambda::Url`, or SAM `FunctionUrlConfig`) is a warning (range: the `AuthType` value). A service principal without a source condition is a confused-deputy risk, not public: no finding.',
    why: 'Anyone with an AWS account (for a permission) or anyone on the internet (for a function URL without auth) can invoke the function: cost, data exposure, and every side effect the function has.',
    insecure:
      'Resources:\n  InvokePermission:\n    Type: AWS::Lambda::Permission\n    Properties:\n      FunctionName: !Ref Handler\n      Action: lambda:InvokeFunction\n      Principal: "*"\n',
    fixed:
      'Resources:\n  InvokePermission:\n    Type: AWS::Lambda::Permission\n    Properties:\n      FunctionName: !Ref Handler\n      Action: lambda:InvokeFunction\n      Principal: "*"\n      SourceAccount: !Ref AWS::AccountId\n',
    fix: 'Grant to the service principal that calls the function, with `SourceArn`/`SourceAccount`; for function URLs use `AuthType: AWS_IAM` (or put CloudFront with OAC in front).',
  },
  fixes: (finding, ctx) => fixesAJ103(finding, ctx),
  check(ctx) {
    const t = ctx.template;
    if (!t) return;
    for (const r of t.byType('AWS::Lambda::Permission')) {
      const principal = getPair(r.properties, 'Principal');
      if (!principal) continue;
      // A source property counts only where it is written in every case: `!If [C, x, !Ref AWS::NoValue]`
      // removes it when C is false.
      let lacking: string | undefined;
      let limited = false;
      for (const k of ['SourceArn', 'SourceAccount', 'PrincipalOrgID']) {
        const p = getPair(r.properties, k);
        if (!p) continue;
        const removed = possibleValues(p.value, ctx.values).find((v) => v.kind === 'novalue');
        if (!removed) limited = true;
        else lacking ??= removed.via ?? `${k} is AWS::NoValue`;
      }
      if (limited) continue;
      const fn =
        referencedResource(get(r.properties, 'FunctionName'), t)?.id ??
        strings(get(r.properties, 'FunctionName'), ctx.values)[0] ??
        'the function';
      const action = strings(get(r.properties, 'Action'), ctx.values)[0] ?? 'lambda:InvokeFunction';
      for (const v of distinct(possibleValues(principal.value, ctx.values))) {
        const s = possibleString(v);
        if (s === null || s.trim() !== '*') continue;
        const via = [v.via, lacking].filter(Boolean).join(', ') || undefined;
        ctx.report({
          node: v.at,
          message: `Anyone in any AWS account can ${display(action)} on function ${fn}${via ? ` when ${via}` : ''}: no SourceArn, SourceAccount or PrincipalOrgID limits the caller`,
          resource: r.id,
          data: via ? { via } : undefined,
        });
      }
    }
    const urls: { id: string; authType?: ReturnType<typeof getPair>; target: string }[] = [];
    for (const r of t.byType('AWS::Lambda::Url')) {
      urls.push({
        id: r.id,
        authType: getPair(r.properties, 'AuthType'),
        target: referencedResource(get(r.properties, 'TargetFunctionArn'), t)?.id ?? 'the function',
      });
    }
    // SAM: the function's own FunctionUrlConfig, or the one in Globals.Function (which SAM merges
    // into every function); a finding per function, at the AuthType that applies to it.
    const globalCfg = t.kind === 'sam' ? get(get(get(t.root, 'Globals'), 'Function'), 'FunctionUrlConfig') : undefined;
    for (const r of t.byType('AWS::Serverless::Function')) {
      const own = get(r.properties, 'FunctionUrlConfig');
      const authType = getPair(own, 'AuthType') ?? getPair(globalCfg, 'AuthType');
      if (own || globalCfg) urls.push({ id: r.id, authType, target: r.id });
    }
    for (const u of urls) {
      if (!u.authType) continue;
      for (const v of distinct(possibleValues(u.authType.value, ctx.values))) {
        const s = possibleString(v);
        if (s === null || s.trim().toUpperCase() !== 'NONE') continue;
        ctx.report({
          node: v.at,
          severity: 'warning',
          message: `Anyone on the internet can invoke function ${u.target} through its function URL (AuthType NONE)${v.via ? ` when ${v.via}` : ''}`,
          resource: u.id,
          data: v.via ? { via: v.via } : undefined,
        });
      }
    }
  },
};

// ---- Quick fixes ----

/**
 * AJ103: a Lambda permission for `*` gets `SourceAccount: !Ref AWS::AccountId` (or
 * `PrincipalOrgID`); a function URL with `AuthType: NONE` gets `AWS_IAM`.
 */

export function fixesAJ103(finding: Finding, ctx: FixContext): Fix[] {
  const r = resourceOf(finding, ctx);
  if (!r?.properties) return [];
  const doc = ctx.doc;
  if (r.type === 'AWS::Lambda::Permission') {
    const out = fix(
      'Restrict to this account (SourceAccount)',
      'restrict-to-account',
      [insertPair(doc, r.properties, 'SourceAccount', ref('AWS::AccountId'))],
      true,
    );
    const org = orgParameter(ctx);
    if (org)
      out.push(
        ...fix('Restrict to your organization (PrincipalOrgID)', 'restrict-to-organization', [
          org.edits,
          insertPair(doc, r.properties, 'PrincipalOrgID', ref(org.name)),
        ]),
      );
    return out;
  }
  const auth =
    r.type === 'AWS::Lambda::Url'
      ? getPair(r.properties, 'AuthType')
      : r.type === 'AWS::Serverless::Function'
        ? getPair(get(r.properties, 'FunctionUrlConfig'), 'AuthType')
        : undefined;
  if (!auth) return [];
  return fix(
    'Require IAM authentication (AuthType: AWS_IAM)',
    'function-url-iam-auth',
    [setScalar(doc, auth.value, 'AWS_IAM')],
    true,
  );
}
