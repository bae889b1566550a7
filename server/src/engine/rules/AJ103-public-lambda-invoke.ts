import { get, getPair, isScalar, type Node, type Pair } from '../parse/ast';
import type { Template } from '../model/template';
import { intrinsicOf } from '../model/intrinsics';
import {
  display,
  FIXED_CLOSE,
  FIXED_OPEN,
  possibleBoolean,
  possibleString,
  possibleValues,
  type Possible,
  type ValueContext,
} from '../model/values';
import { type FixContext, type Rule, TEMPLATE_KINDS } from './rule';
import { distinct, named, referencedResource, strings } from './helpers';
import type { Finding, Fix } from '../types';
import { insertPair, setScalar } from '../fixes/edit';
import { ref } from '../fixes/render';
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
    what: '`AWS::Lambda::Permission` with `Principal: "*"` and none of `SourceArn`, `SourceAccount`, `PrincipalOrgID` (error; range: the `Principal` value). A function URL with `AuthType: NONE` (`AWS::Lambda::Url`, or SAM `FunctionUrlConfig`) is a warning (range: the `AuthType` value). A public function URL is one exposure, reported once: a permission for `"*"` that only opens the URL (`lambda:InvokeFunctionUrl` with `FunctionUrlAuthType: NONE`, or `lambda:InvokeFunction` with `InvokedViaFunctionUrl: true`, as CDK\'s `addFunctionUrl` writes) is not reported beside a URL with `AuthType: NONE` for the same function; without one it is a warning on its `Principal`; with `InvokedViaFunctionUrl` and an `AWS_IAM` URL it is not public on its own. A service principal without a source condition is a confused-deputy risk, not public: no finding.',
    why: 'Anyone with an AWS account (for a permission) or anyone on the internet (for a function URL without auth) can invoke the function: cost, data exposure, and every side effect the function has.',
    insecure:
      'Resources:\n  InvokePermission:\n    Type: AWS::Lambda::Permission\n    Properties:\n      FunctionName: !Ref Handler\n      Action: lambda:InvokeFunction\n      Principal: "*"\n',
    fixed:
      'Resources:\n  InvokePermission:\n    Type: AWS::Lambda::Permission\n    Properties:\n      FunctionName: !Ref Handler\n      Action: lambda:InvokeFunction\n      Principal: "*"\n      SourceAccount: !Ref AWS::AccountId\n',
    fix: 'Grant to the service principal that calls the function, with `SourceArn`/`SourceAccount`; for function URLs use `AuthType: AWS_IAM` (or put CloudFront with OAC in front).',
    cdk: {
      fix: '`fn.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM })` and grant the callers with `fn.grantInvokeUrl(role)`; for `fn.addPermission`, give the service principal with `sourceArn` and `sourceAccount`, never `new iam.AnyPrincipal()`.',
      typescript:
        "handler.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM });\nhandler.addPermission('FromUploads', {\n  principal: new iam.ServicePrincipal('s3.amazonaws.com'),\n  sourceArn: uploads.bucketArn,\n  sourceAccount: this.account,\n});\n",
      python:
        'handler.add_function_url(auth_type=_lambda.FunctionUrlAuthType.AWS_IAM)\nhandler.add_permission(\n    "FromUploads",\n    principal=iam.ServicePrincipal("s3.amazonaws.com"),\n    source_arn=uploads.bucket_arn,\n    source_account=self.account,\n)\n',
    },
  },
  fixes: (finding, ctx) => fixesAJ103(finding, ctx),
  check(ctx) {
    const t = ctx.template;
    if (!t) return;
    const urls = functionUrls(t, ctx.values);
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
      const fnNode = get(r.properties, 'FunctionName');
      const fn = functionLabel(fnNode, t, ctx.values);
      const action = named(strings(get(r.properties, 'Action'), ctx.values)) ?? 'lambda:InvokeFunction';
      const opens = urlOnly(r.properties, ctx.values);
      if (opens) {
        // One exposure, one finding: the URL's, where the template has a public URL for this function.
        const key = functionKey(fnNode, t, ctx.values);
        const same = key === null ? [] : urls.filter((u) => u.key === key);
        if (same.some((u) => u.none.length > 0)) continue;
        // Through an AWS_IAM URL the caller still needs IAM permission to call the URL.
        if (opens === 'InvokedViaFunctionUrl' && same.length > 0) continue;
      }
      for (const v of distinct(possibleValues(principal.value, ctx.values))) {
        const s = possibleString(v);
        if (s === null || s.trim() !== '*') continue;
        const via = [v.via, lacking].filter(Boolean).join(', ') || undefined;
        ctx.report(
          opens
            ? {
                node: v.at,
                severity: 'warning',
                message: `Anyone on the internet can invoke ${fn} through its function URL${via ? ` when ${via}` : ''}: this permission grants ${display(action)} to "*" (${opens === 'InvokedViaFunctionUrl' ? 'InvokedViaFunctionUrl: true' : 'FunctionUrlAuthType: NONE'})`,
                resource: r.id,
                data: via ? { via } : undefined,
              }
            : {
                node: v.at,
                message: `Anyone in any AWS account can ${display(action)} on ${fn}${via ? ` when ${via}` : ''}: no SourceArn, SourceAccount or PrincipalOrgID limits the caller`,
                resource: r.id,
                data: via ? { via } : undefined,
              },
        );
      }
    }
    for (const u of urls) {
      for (const v of u.none) {
        ctx.report({
          node: v.at,
          severity: 'warning',
          message: `Anyone on the internet can invoke ${u.target} through its function URL (AuthType NONE)${v.via ? ` when ${v.via}` : ''}`,
          resource: u.id,
          data: v.via ? { via: v.via } : undefined,
        });
      }
    }
  },
};

interface FunctionUrl {
  /** The resource reported: the `AWS::Lambda::Url`, or the SAM function with a `FunctionUrlConfig`. */
  id: string;
  /** The function, in words. */
  target: string;
  /** Which function (`functionKey`), null when unknown. */
  key: string | null;
  /** The possible `AuthType` values that are `NONE`. */
  none: Possible[];
}

/** The template's function URLs: `AWS::Lambda::Url`, and SAM `FunctionUrlConfig` (own or from Globals). */
function functionUrls(t: Template, values: ValueContext): FunctionUrl[] {
  const urls: FunctionUrl[] = [];
  const noneOf = (authType: Pair | undefined) =>
    authType
      ? distinct(possibleValues(authType.value, values)).filter(
          (v) => possibleString(v)?.trim().toUpperCase() === 'NONE',
        )
      : [];
  for (const r of t.byType('AWS::Lambda::Url')) {
    const target = get(r.properties, 'TargetFunctionArn');
    urls.push({
      id: r.id,
      target: functionLabel(target, t, values),
      key: functionKey(target, t, values),
      none: noneOf(getPair(r.properties, 'AuthType')),
    });
  }
  // SAM: the function's own FunctionUrlConfig, or the one in Globals.Function (which SAM merges
  // into every function); a finding per function, at the AuthType that applies to it.
  const globalCfg = t.kind === 'sam' ? get(get(get(t.root, 'Globals'), 'Function'), 'FunctionUrlConfig') : undefined;
  for (const r of t.byType('AWS::Serverless::Function')) {
    const own = get(r.properties, 'FunctionUrlConfig');
    if (!own && !globalCfg) continue;
    const authType = getPair(own, 'AuthType') ?? getPair(globalCfg, 'AuthType');
    urls.push({ id: r.id, target: `function ${r.id}`, key: `resource ${r.id}`, none: noneOf(authType) });
  }
  return urls;
}

/**
 * Does a permission only open the function URL? `lambda:InvokeFunctionUrl` with
 * `FunctionUrlAuthType: NONE`, or `lambda:InvokeFunction` with `InvokedViaFunctionUrl: true`
 * (rules.md AJ103; CDK's `addFunctionUrl` writes both). Null otherwise.
 */
function urlOnly(
  props: Node | undefined,
  values: ValueContext,
): 'FunctionUrlAuthType' | 'InvokedViaFunctionUrl' | null {
  const actions = strings(get(props, 'Action'), values).map((a) => a.trim().toLowerCase());
  const all = (node: Node | undefined, test: (v: Possible) => boolean) => {
    if (!node) return false;
    const vs = possibleValues(node, values);
    return vs.length > 0 && vs.every(test);
  };
  if (actions.length === 0) return null;
  if (
    actions.every((a) => a === 'lambda:invokefunctionurl') &&
    all(get(props, 'FunctionUrlAuthType'), (v) => possibleString(v)?.trim().toUpperCase() === 'NONE')
  )
    return 'FunctionUrlAuthType';
  if (
    actions.every((a) => a === 'lambda:invokefunction') &&
    all(get(props, 'InvokedViaFunctionUrl'), (v) => possibleBoolean(v) === true)
  )
    return 'InvokedViaFunctionUrl';
  return null;
}

/**
 * The function a `FunctionName`/`TargetFunctionArn` names, for messages: `function` and the
 * resource's logical id, or the name in a literal (`orders`, `orders:prod`, a full or partial ARN:
 * the name from the ARN), or `${Name}` for a `!Ref` whose value is not known here (a parameter
 * without a default, a loop variable); `the function` when nothing names it (an `!ImportValue`).
 */
function functionLabel(node: Node | undefined, t: Template, values: ValueContext): string {
  const r = referencedResource(node, t);
  if (r) return `function ${r.id}`;
  if (!node) return 'the function';
  for (const v of possibleValues(node, values)) {
    const s = possibleString(v)?.trim();
    if (s) return `function ${display(functionNameOf(s))}`;
  }
  const fn = intrinsicOf(node);
  if (fn?.name === 'Ref' && isScalar(fn.arg) && typeof fn.arg.value === 'string') return `function \${${fn.arg.value}}`;
  return 'the function';
}

/**
 * The function name of a Lambda function reference: `arn:aws:lambda:us-east-1:123456789012:function:orders:prod`,
 * `123456789012:function:orders` or `orders:prod` all name `orders`. Fields are split on colons
 * outside the parts CloudFormation fills in (`${AWS::Partition}` holds colons of its own).
 */
function functionNameOf(s: string): string {
  const fields: string[] = [''];
  let inFixed = false;
  for (const c of s) {
    if (c === FIXED_OPEN) inFixed = true;
    else if (c === FIXED_CLOSE) inFixed = false;
    if (c === ':' && !inFixed) fields.push('');
    else fields[fields.length - 1] += c;
  }
  const i = fields.indexOf('function');
  if (i >= 0 && i + 1 < fields.length) return fields[i + 1];
  return fields[0];
}

/**
 * Which function a `FunctionName`/`TargetFunctionArn` names, comparable between a permission and a
 * URL: the function resource (through an alias or version of it), or the name a literal gives.
 */
function functionKey(node: Node | undefined, t: Template, values: ValueContext, depth = 0): string | null {
  if (!node) return null;
  const r = referencedResource(node, t);
  if (r) {
    if ((r.type === 'AWS::Lambda::Alias' || r.type === 'AWS::Lambda::Version') && depth < 4)
      return functionKey(get(r.properties, 'FunctionName'), t, values, depth + 1);
    return `resource ${r.id}`;
  }
  const s: string[] = [];
  for (const v of possibleValues(node, values)) {
    const str = possibleString(v);
    if (str !== null) s.push(str);
  }
  return s.length === 1 ? `name ${functionNameOf(s[0].trim())}` : null;
}

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
