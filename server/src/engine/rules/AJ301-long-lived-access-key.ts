import { getPair, isScalar } from '../parse/ast';
import { possibleValues, possibleString } from '../model/values';
import type { FixContext, Rule } from './rule';
import type { Finding, Fix } from '../types';
import { insertPair, setScalar } from '../fixes/edit';
import { fix, resourceOf } from '../fixes/common';
import { TEMPLATE_KINDS } from './rule';
import { named, referencedResource, strings } from './helpers';

export const LONG_LIVED_ACCESS_KEY: Rule = {
  id: 'AJ301',
  slug: 'long-lived-access-key',
  severity: 'warning',
  title: 'Template creates a long-lived access key',
  appliesTo: TEMPLATE_KINDS,
  fixTitles: ['Deactivate the key (Status: Inactive)'],
  docs: {
    what: "`AWS::IAM::AccessKey` whose `Status` is not `Inactive` (a missing `Status` means `Active`). Range: the resource's logical id.",
    why: "A static access key never expires. Datadog's State of AWS Security found 76% of IAM users with keys had one older than 90 days, and 25% held a key older than a year and unused for 30 days; leaked static keys are the most common way into AWS accounts.",
    insecure: 'Resources:\n  CiKey:\n    Type: AWS::IAM::AccessKey\n    Properties:\n      UserName: !Ref CiUser\n',
    fixed:
      'Resources:\n  GitHubDeployRole:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Statement:\n          - Effect: Allow\n            Principal: {Federated: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com"}\n            Action: sts:AssumeRoleWithWebIdentity\n            Condition:\n              StringEquals:\n                token.actions.githubusercontent.com:sub: repo:example/app:ref:refs/heads/main\n',
    notes: [
      'The quick fix deactivates the key (`Status: Inactive`): the step before deleting it, once its users have moved to a role. It is never applied by fix-all, since it stops whatever still signs with the key.',
    ],
    fix: "Use roles: IAM roles for workloads on AWS, IAM Identity Center for people, OIDC federation for CI (GitHub Actions, GitLab). If a key is unavoidable, rotate it and keep it out of the template's outputs (AJ302).",
    cdk: {
      fix: "Replace `new iam.AccessKey(...)` with a role the workload assumes: `new iam.Role` with `assumedBy: new iam.WebIdentityPrincipal(provider.openIdConnectProviderArn, ...)` for CI (`iam.OpenIdConnectProvider`), or the service's principal for workloads on AWS.",
      typescript:
        "const github = new iam.OpenIdConnectProvider(this, 'GitHub', {\n  url: 'https://token.actions.githubusercontent.com',\n  clientIds: ['sts.amazonaws.com'],\n});\nnew iam.Role(this, 'Deployer', {\n  assumedBy: new iam.WebIdentityPrincipal(github.openIdConnectProviderArn, {\n    StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:my-org/my-repo:*' },\n  }),\n});\n",
      python:
        'github = iam.OpenIdConnectProvider(\n    self,\n    "GitHub",\n    url="https://token.actions.githubusercontent.com",\n    client_ids=["sts.amazonaws.com"],\n)\niam.Role(\n    self,\n    "Deployer",\n    assumed_by=iam.WebIdentityPrincipal(\n        github.open_id_connect_provider_arn,\n        {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:my-org/my-repo:*"}},\n    ),\n)\n',
    },
  },
  fixes: (finding, ctx) => fixesAJ301(finding, ctx),
  check(ctx) {
    const t = ctx.template;
    if (!t) return;
    for (const r of t.byType('AWS::IAM::AccessKey')) {
      const status = getPair(r.properties, 'Status');
      const values = status ? possibleValues(status.value, ctx.values) : [];
      const active =
        !status || values.some((v) => (possibleString(v) ?? '').trim() !== 'Inactive' && v.kind !== 'unknown');
      if (!active) continue;
      const userNode = getPair(r.properties, 'UserName')?.value;
      const user = referencedResource(userNode, t)?.id ?? named(strings(userNode, ctx.values));
      const via = values.find((v) => (possibleString(v) ?? '') !== 'Inactive')?.via;
      ctx.report({
        node: r.key,
        message: `Access key ${r.id}${user ? ` for user ${user}` : ''} is a static credential that never expires${via ? ` (when ${via})` : ''}; prefer roles, IAM Identity Center, or OIDC federation for CI`,
        resource: r.id,
      });
    }
  },
};

/** Deactivate the key: `Status: Inactive` (written, or replacing the active value). */
function fixesAJ301(finding: Finding, ctx: FixContext): Fix[] {
  const r = resourceOf(finding, ctx);
  if (!r?.properties || r.type !== 'AWS::IAM::AccessKey') return [];
  const status = getPair(r.properties, 'Status');
  const edits = !status
    ? insertPair(ctx.doc, r.properties, 'Status', 'Inactive')
    : isScalar(status.value) && !status.value.tag
      ? setScalar(ctx.doc, status.value, 'Inactive')
      : null;
  return fix('Deactivate the key (Status: Inactive)', 'deactivate-access-key', [edits]);
}
