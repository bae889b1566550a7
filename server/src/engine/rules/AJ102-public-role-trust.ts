import { get } from '../parse/ast';
import { findPublicGrants } from '../policy/evaluate';
import { actionMatches } from '../policy/evaluate';
import type { Rule } from './rule';
import { TEMPLATE_KINDS } from './rule';
import { policyDocument } from './helpers';
import { statementFixes } from '../fixes/statement';

export const PUBLIC_ROLE_TRUST: Rule = {
  id: 'AJ102',
  slug: 'public-role-trust',
  severity: 'error',
  title: 'Role can be assumed by anyone',
  appliesTo: TEMPLATE_KINDS,
  fixTitles: ['Restrict to this account', 'Restrict to your organization', 'Replace * with this account'],
  docs: {
    what: 'An `AWS::IAM::Role` whose `AssumeRolePolicyDocument` allows `sts:AssumeRole*` (or `sts:*`, `*`) to anyone (as in AJ101: `"*"`, `{"AWS": "*"}`, a wildcard-account ARN, `NotPrincipal`) with no restricting condition (AJ101\'s list, plus `sts:ExternalId` with a fixed value). Range: the principal value.',
    why: 'Anyone in any AWS account can assume the role and act with its permissions. Attackers scan for such roles by name; every permission of the role becomes public.',
    insecure:
      'Resources:\n  DeployRole:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Statement:\n          - Effect: Allow\n            Principal: {AWS: "*"}\n            Action: sts:AssumeRole\n',
    fixed:
      'Resources:\n  DeployRole:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Statement:\n          - Effect: Allow\n            Principal: {AWS: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}\n            Action: sts:AssumeRole\n',
    fix: 'Name the trusted account or role in `Principal`, or pin callers with `aws:PrincipalAccount`/`aws:PrincipalOrgID`; for third parties, require a fixed `sts:ExternalId`.',
    cdk: {
      fix: "Give `iam.Role` an `assumedBy` that names who may assume it (`new iam.AccountPrincipal('111122223333')`, `new iam.ArnPrincipal(roleArn)`, `new iam.ServicePrincipal('lambda.amazonaws.com')`) instead of `new iam.AnyPrincipal()`; for a third party, `externalIds: ['...']`.",
      typescript:
        "new iam.Role(this, 'Deploy', {\n  assumedBy: new iam.AccountPrincipal('111122223333'),\n  externalIds: ['a-fixed-external-id'],\n});\n",
      python:
        'iam.Role(\n    self,\n    "Deploy",\n    assumed_by=iam.AccountPrincipal("111122223333"),\n    external_ids=["a-fixed-external-id"],\n)\n',
    },
  },
  fixes: (finding, ctx) => statementFixes(finding, ctx),
  check(ctx) {
    const t = ctx.template;
    if (!t) return;
    for (const r of t.byType('AWS::IAM::Role')) {
      const doc = policyDocument(get(r.properties, 'AssumeRolePolicyDocument'), ctx.doc.text);
      if (!doc) continue;
      const grants = findPublicGrants(doc, ctx.values, {
        extraRestrictingKeys: ['sts:ExternalId'],
        actionFilter: (a) =>
          actionMatches(a, 'sts:AssumeRole') ||
          actionMatches(a, 'sts:AssumeRoleWithWebIdentity') ||
          actionMatches(a, 'sts:AssumeRoleWithSAML'),
      });
      for (const g of grants) {
        const who = g.who === 'anyone' ? 'anyone in any AWS account' : g.who;
        ctx.report({
          node: g.at,
          message: `${who.charAt(0).toUpperCase() + who.slice(1)} can assume role ${r.id}${g.via ? ` when ${g.via}` : ''} and act with its permissions`,
          resource: r.id,
          data: g.via ? { via: g.via } : undefined,
        });
      }
    }
  },
};
