import { type Node, get, getPair, getPairCI, isMap, isScalar, isSeq } from '../parse/ast';
import type { Resource, Template } from '../model/template';
import { type ValueContext, possibleString, possibleValues } from '../model/values';
import { statementsOf } from '../policy/evaluate';
import { type FixContext, type Rule, TEMPLATE_KINDS } from './rule';
import { policyDocument, referencedResource, strings } from './helpers';
import type { Finding, Fix, TextEdit } from '../types';
import { appendItem, fillEmpty, insertPair } from '../fixes/edit';
import type { Val } from '../fixes/render';
import { fix, resourceOf } from '../fixes/common';

export const CONSOLE_USER_WITHOUT_MFA: Rule = {
  id: 'AJ304',
  slug: 'console-user-without-mfa',
  severity: 'warning',
  title: 'Console user without MFA enforcement',
  appliesTo: TEMPLATE_KINDS,
  fixTitles: ['Attach a policy that denies everything without MFA'],
  docs: {
    what: "`AWS::IAM::User` with a `LoginProfile` (console password) and no MFA enforcement visible in the template: no policy attached to it (its inline `Policies`, a template `AWS::IAM::ManagedPolicy` in its `ManagedPolicyArns`, an `AWS::IAM::Policy`/`ManagedPolicy` naming it in `Users`, or any of these through a template group it belongs to) with a `Deny` that applies when `aws:MultiFactorAuthPresent` is false or absent (`Bool`/`BoolIfExists` false, or `Null` true). Range: the user's logical id.",
    why: "Datadog's State of AWS Security found 11% of IAM users with console access and no MFA. A phished or reused password is then all it takes to sign in.",
    insecure:
      'Resources:\n  Alice:\n    Type: AWS::IAM::User\n    Properties:\n      LoginProfile:\n        Password: !Ref AlicePassword\n        PasswordResetRequired: true\n',
    fixed:
      'Resources:\n  Alice:\n    Type: AWS::IAM::User\n    Properties:\n      LoginProfile:\n        Password: !Ref AlicePassword\n        PasswordResetRequired: true\n      Policies:\n        - PolicyName: RequireMFA\n          PolicyDocument:\n            Version: "2012-10-17"\n            Statement:\n              - Sid: DenyAllExceptMfaSetupWithoutMFA\n                Effect: Deny\n                NotAction: [iam:CreateVirtualMFADevice, iam:EnableMFADevice, iam:GetUser, iam:ListMFADevices, iam:ListVirtualMFADevices, iam:ResyncMFADevice, sts:GetSessionToken, iam:ChangePassword]\n                Resource: "*"\n                Condition:\n                  BoolIfExists:\n                    aws:MultiFactorAuthPresent: "false"\n',
    fix: 'Attach the standard "deny everything except managing your own MFA unless signed in with MFA" policy to the user or its group; better, move people to IAM Identity Center with MFA required.',
    cdk: {
      fix: "Give the `iam.User` with a `password` a Deny unless signed in with MFA: `user.addToPolicy(new iam.PolicyStatement({ effect: iam.Effect.DENY, notActions: [...], resources: ['*'], conditions: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } }))`, or through its group; better, people in IAM Identity Center.",
      typescript:
        "user.addToPolicy(\n  new iam.PolicyStatement({\n    effect: iam.Effect.DENY,\n    notActions: ['iam:CreateVirtualMFADevice', 'iam:EnableMFADevice', 'iam:GetUser', 'iam:ListMFADevices', 'sts:GetSessionToken'],\n    resources: ['*'],\n    conditions: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },\n  }),\n);\n",
      python:
        'user.add_to_policy(\n    iam.PolicyStatement(\n        effect=iam.Effect.DENY,\n        not_actions=["iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:GetUser", "iam:ListMFADevices", "sts:GetSessionToken"],\n        resources=["*"],\n        conditions={"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},\n    )\n)\n',
    },
  },
  fixes: (finding, ctx) => fixesAJ304(finding, ctx),
  check(ctx) {
    const t = ctx.template;
    if (!t) return;
    for (const user of t.byType('AWS::IAM::User')) {
      if (!getPair(user.properties, 'LoginProfile')) continue;
      if (policiesOf(user, t, ctx.values).some((p) => deniesWithoutMfa(p, ctx.values))) continue;
      ctx.report({
        node: user.key,
        message: `User ${user.id} can sign in to the console with a password and no MFA is enforced: no attached policy denies access without aws:MultiFactorAuthPresent`,
        resource: user.id,
      });
    }
  },
};

/** Does `node` name `r`: `!Ref r`, or a literal equal to its name property? */
function names(node: Node, r: Resource, nameProp: string, ctx: ValueContext, t: Template): boolean {
  const ref = referencedResource(node, t);
  if (ref) return ref === r;
  const own = strings(get(r.properties, nameProp), ctx);
  return own.length > 0 && strings(node, ctx).some((s) => own.includes(s));
}

function listOf(node: Node | undefined): Node[] {
  if (!node) return [];
  return isSeq(node) ? node.items : [node];
}

/** Policy documents attached to a user directly or through template groups. */
function policiesOf(user: Resource, t: Template, ctx: ValueContext): Node[] {
  const docs: Node[] = [];
  const principals: { r: Resource; listKey: 'Users' | 'Groups'; nameProp: string }[] = [
    { r: user, listKey: 'Users', nameProp: 'UserName' },
  ];
  for (const g of listOf(get(user.properties, 'Groups'))) {
    const group = referencedResource(g, t) ?? t.byType('AWS::IAM::Group').find((x) => names(g, x, 'GroupName', ctx, t));
    if (group?.type === 'AWS::IAM::Group') principals.push({ r: group, listKey: 'Groups', nameProp: 'GroupName' });
  }
  for (const add of t.byType('AWS::IAM::UserToGroupAddition')) {
    if (!listOf(get(add.properties, 'Users')).some((u) => names(u, user, 'UserName', ctx, t))) continue;
    const gn = get(add.properties, 'GroupName');
    const group = gn && t.byType('AWS::IAM::Group').find((x) => names(gn, x, 'GroupName', ctx, t));
    if (group) principals.push({ r: group, listKey: 'Groups', nameProp: 'GroupName' });
  }
  for (const { r, listKey, nameProp } of principals) {
    for (const p of listOf(get(r.properties, 'Policies'))) {
      const d = policyDocument(get(p, 'PolicyDocument'), t.doc.text);
      if (d) docs.push(d);
    }
    for (const arn of listOf(get(r.properties, 'ManagedPolicyArns'))) {
      const mp = referencedResource(arn, t);
      if (mp?.type === 'AWS::IAM::ManagedPolicy') {
        const d = policyDocument(get(mp.properties, 'PolicyDocument'), t.doc.text);
        if (d) docs.push(d);
      }
    }
    for (const type of ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy']) {
      for (const pol of t.byType(type)) {
        if (!listOf(get(pol.properties, listKey)).some((n) => names(n, r, nameProp, ctx, t))) continue;
        const d = policyDocument(get(pol.properties, 'PolicyDocument'), t.doc.text);
        if (d) docs.push(d);
      }
    }
  }
  return docs;
}

/** A Deny that applies when aws:MultiFactorAuthPresent is false or absent. */
function deniesWithoutMfa(doc: Node, ctx: ValueContext): boolean {
  for (const st of statementsOf(doc, ctx)) {
    if (!st.effect.includes('Deny')) continue;
    const cond = getPairCI(st.node, 'Condition')?.value;
    if (!isMap(cond)) continue;
    for (const op of cond.pairs) {
      const opName = String(op.key.value).toLowerCase();
      const mfa = isMap(op.value)
        ? op.value.pairs.find((p) => String(p.key.value).toLowerCase() === 'aws:multifactorauthpresent')
        : undefined;
      if (!mfa) continue;
      const vals = possibleValues(mfa.value, ctx).flatMap((v) =>
        v.kind === 'node' && isSeq(v.node)
          ? v.node.items.map((i) => (isScalar(i) ? String(i.value).toLowerCase() : ''))
          : [String(possibleString(v)).toLowerCase()],
      );
      if ((opName === 'bool' || opName === 'boolifexists') && vals.includes('false')) return true;
      if (opName === 'null' && vals.includes('true')) return true;
    }
  }
  return false;
}

// ---- Quick fixes ----

/**
 * AJ304: attach to the user an inline policy `RequireMFA` that denies everything except managing
 * one's own MFA device (and changing one's password) unless signed in with MFA. Based on AWS's
 * documented example policies ("Allows MFA-authenticated IAM users to manage their own MFA device"
 * and "...to manage their own credentials"). `${aws:username}` is an IAM policy variable written in
 * a plain string (not a Sub), so CloudFormation passes it through as is.
 */

const SELF = 'arn:aws:iam::*:user/${aws:username}';

export function requireMfaPolicy(name: string): Val {
  return {
    PolicyName: name,
    PolicyDocument: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AllowListActions',
          Effect: 'Allow',
          Action: ['iam:ListUsers', 'iam:ListVirtualMFADevices'],
          Resource: '*',
        },
        {
          Sid: 'AllowUserToCreateVirtualMFADevice',
          Effect: 'Allow',
          Action: ['iam:CreateVirtualMFADevice'],
          Resource: 'arn:aws:iam::*:mfa/*',
        },
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
        {
          Sid: 'AllowManageOwnPasswords',
          Effect: 'Allow',
          Action: ['iam:ChangePassword', 'iam:GetUser'],
          Resource: SELF,
        },
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
  if (r?.type !== 'AWS::IAM::User' || !r.properties) return [];
  const doc = ctx.doc;
  const pol = getPair(r.properties, 'Policies');
  const names = new Set<string>();
  if (pol && isSeq(pol.value))
    for (const p of pol.value.items)
      names.add(String(isScalar(get(p, 'PolicyName')) ? (get(p, 'PolicyName') as { value: unknown }).value : ''));
  let name = 'RequireMFA';
  for (let i = 2; names.has(name); i++) name = `RequireMFA${i}`;
  const policy = requireMfaPolicy(name);
  let edits: TextEdit[] | null = null;
  if (!pol) edits = insertPair(doc, r.properties, 'Policies', [policy]);
  else if (isSeq(pol.value) && !pol.value.tag) edits = appendItem(doc, pol.value, policy);
  else if (isScalar(pol.value) && pol.value.value === null && !pol.value.tag) edits = fillEmpty(doc, pol, [policy]);
  return fix(
    `Attach inline policy ${name} (deny everything without MFA except managing your own MFA)`,
    'require-mfa-policy',
    [edits],
    true,
  );
}
