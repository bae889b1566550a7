/**
 * AJ304: attach to the user an inline policy `RequireMFA` that denies everything except managing
 * one's own MFA device (and changing one's password) unless signed in with MFA. Based on AWS's
 * documented example policies ("Allows MFA-authenticated IAM users to manage their own MFA device"
 * and "...to manage their own credentials"). `${aws:username}` is an IAM policy variable written in
 * a plain string (not a Sub), so CloudFormation passes it through as is.
 */
import { get, getPair, isScalar, isSeq } from '../parse/ast';
import type { FixContext } from '../rules/rule';
import type { Finding, Fix, TextEdit } from '../types';
import { appendItem, fillEmpty, insertPair, type Val } from './edit';
import { fix, resourceOf } from './common';

const SELF = 'arn:aws:iam::*:user/${aws:username}';

export function requireMfaPolicy(name: string): Val {
  return {
    PolicyName: name,
    PolicyDocument: {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'AllowListActions', Effect: 'Allow', Action: ['iam:ListUsers', 'iam:ListVirtualMFADevices'], Resource: '*' },
        { Sid: 'AllowUserToCreateVirtualMFADevice', Effect: 'Allow', Action: ['iam:CreateVirtualMFADevice'], Resource: 'arn:aws:iam::*:mfa/*' },
        {
          Sid: 'AllowUserToManageTheirOwnMFA',
          Effect: 'Allow',
          Action: ['iam:EnableMFADevice', 'iam:GetMFADevice', 'iam:ListMFADevices', 'iam:ResyncMFADevice'],
          Resource: SELF,
        },
        {
          Sid: 'AllowUserToDeactivateTheirOwnMFAOnlyWhenUsingMFA',
          Effect: 'Allow',
          Action: ['iam:DeactivateMFADevice'],
          Resource: SELF,
          Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
        },
        { Sid: 'AllowManageOwnPasswords', Effect: 'Allow', Action: ['iam:ChangePassword', 'iam:GetUser'], Resource: SELF },
        {
          Sid: 'BlockMostAccessUnlessSignedInWithMFA',
          Effect: 'Deny',
          NotAction: [
            'iam:CreateVirtualMFADevice',
            'iam:EnableMFADevice',
            'iam:GetMFADevice',
            'iam:GetUser',
            'iam:ListMFADevices',
            'iam:ListUsers',
            'iam:ListVirtualMFADevices',
            'iam:ResyncMFADevice',
            'iam:ChangePassword',
            'sts:GetSessionToken',
          ],
          Resource: '*',
          Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
        },
      ],
    },
  };
}

export function fixesAJ304(finding: Finding, ctx: FixContext): Fix[] {
  const r = resourceOf(finding, ctx);
  if (!r || r.type !== 'AWS::IAM::User' || !r.properties) return [];
  const doc = ctx.doc;
  const pol = getPair(r.properties, 'Policies');
  const names = new Set<string>();
  if (pol && isSeq(pol.value)) for (const p of pol.value.items) names.add(String(isScalar(get(p, 'PolicyName')) ? (get(p, 'PolicyName') as { value: unknown }).value : ''));
  let name = 'RequireMFA';
  for (let i = 2; names.has(name); i++) name = `RequireMFA${i}`;
  const policy = requireMfaPolicy(name);
  let edits: TextEdit[] | null = null;
  if (!pol) edits = insertPair(doc, r.properties, 'Policies', [policy]);
  else if (isSeq(pol.value) && !pol.value.tag) edits = appendItem(doc, pol.value, policy);
  else if (isScalar(pol.value) && pol.value.value === null && !pol.value.tag) edits = fillEmpty(doc, pol, [policy]);
  return fix(`Attach inline policy ${name} (deny everything without MFA except managing your own MFA)`, 'require-mfa-policy', [edits], true);
}
