/**
 * AJ103: a Lambda permission for `*` gets `SourceAccount: !Ref AWS::AccountId` (or
 * `PrincipalOrgID`); a function URL with `AuthType: NONE` gets `AWS_IAM`.
 */
import { get, getPair } from '../parse/ast';
import type { FixContext } from '../rules/rule';
import type { Finding, Fix } from '../types';
import { insertPair, ref, setScalar } from './edit';
import { fix, resourceOf } from './common';
import { orgParameter } from './AJ101';

export function fixesAJ103(finding: Finding, ctx: FixContext): Fix[] {
  const r = resourceOf(finding, ctx);
  if (!r || !r.properties) return [];
  const doc = ctx.doc;
  if (r.type === 'AWS::Lambda::Permission') {
    const out = fix('Restrict to this account (SourceAccount)', 'restrict-to-account', [insertPair(doc, r.properties, 'SourceAccount', ref('AWS::AccountId'))], true);
    const org = orgParameter(ctx);
    if (org) out.push(...fix('Restrict to your organization (PrincipalOrgID)', 'restrict-to-organization', [org.edits, insertPair(doc, r.properties, 'PrincipalOrgID', ref(org.name))]));
    return out;
  }
  const auth =
    r.type === 'AWS::Lambda::Url' ? getPair(r.properties, 'AuthType') : r.type === 'AWS::Serverless::Function' ? getPair(get(r.properties, 'FunctionUrlConfig'), 'AuthType') : undefined;
  if (!auth) return [];
  return fix('Require IAM authentication (AuthType: AWS_IAM)', 'function-url-iam-auth', [setScalar(doc, auth.value, 'AWS_IAM')], true);
}
