import { type Node, get, getPair, isSeq } from '../parse/ast';
import type { Resource, Template } from '../model/template';
import { type ValueContext, display, possibleString, possibleValues } from '../model/values';
import { bucketOf, publicAccessBlock } from '../model/s3';
import { type PublicGrant, describeActions, findPublicGrants } from '../policy/evaluate';
import type { FixContext, Rule, RuleContext } from './rule';
import { named, policyDocument, prop, referencedResource, strings } from './helpers';
import type { Finding, Fix } from '../types';
import { insertPair, replaceNode } from '../fixes/edit';
import { ref } from '../fixes/render';
import { fix, resourceOf, within } from '../fixes/common';
import { orgParameter, statementFixes } from '../fixes/statement';

/** Where resource policies live: resource type → property path, and what the resource is called. */
export const POLICY_PROPERTIES: Record<string, { path: string[]; noun: string; target?: string }> = {
  'AWS::S3::BucketPolicy': { path: ['PolicyDocument'], noun: 'bucket', target: 'Bucket' },
  'AWS::S3::AccessPoint': { path: ['Policy'], noun: 'access point' },
  'AWS::S3::MultiRegionAccessPointPolicy': { path: ['Policy'], noun: 'multi-region access point', target: 'MrapName' },
  'AWS::S3ObjectLambda::AccessPointPolicy': {
    path: ['PolicyDocument'],
    noun: 'object lambda access point',
    target: 'ObjectLambdaAccessPoint',
  },
  'AWS::S3Express::BucketPolicy': { path: ['PolicyDocument'], noun: 'directory bucket', target: 'Bucket' },
  'AWS::SQS::QueuePolicy': { path: ['PolicyDocument'], noun: 'queue', target: 'Queues' },
  'AWS::SQS::QueueInlinePolicy': { path: ['PolicyDocument'], noun: 'queue', target: 'Queue' },
  'AWS::SNS::TopicPolicy': { path: ['PolicyDocument'], noun: 'topic', target: 'Topics' },
  'AWS::SNS::TopicInlinePolicy': { path: ['PolicyDocument'], noun: 'topic', target: 'TopicArn' },
  'AWS::KMS::Key': { path: ['KeyPolicy'], noun: 'KMS key' },
  'AWS::KMS::ReplicaKey': { path: ['KeyPolicy'], noun: 'KMS replica key' },
  'AWS::ECR::Repository': { path: ['RepositoryPolicyText'], noun: 'ECR repository' },
  'AWS::ECR::RegistryPolicy': { path: ['PolicyText'], noun: 'ECR registry' },
  'AWS::SecretsManager::ResourcePolicy': { path: ['ResourcePolicy'], noun: 'secret', target: 'SecretId' },
  'AWS::Logs::ResourcePolicy': { path: ['PolicyDocument'], noun: 'CloudWatch Logs resource policy' },
  'AWS::Events::EventBusPolicy': { path: ['Statement'], noun: 'event bus', target: 'EventBusName' },
  'AWS::Events::EventBus': { path: ['Policy'], noun: 'event bus' },
  'AWS::OpenSearchService::Domain': { path: ['AccessPolicies'], noun: 'OpenSearch domain' },
  'AWS::Elasticsearch::Domain': { path: ['AccessPolicies'], noun: 'Elasticsearch domain' },
  'AWS::EFS::FileSystem': { path: ['FileSystemPolicy'], noun: 'EFS file system' },
  'AWS::Glacier::Vault': { path: ['AccessPolicy'], noun: 'Glacier vault' },
  'AWS::ApiGateway::RestApi': { path: ['Policy'], noun: 'REST API' },
  'AWS::Backup::BackupVault': { path: ['AccessPolicy'], noun: 'backup vault' },
  'AWS::CodeArtifact::Domain': { path: ['PermissionsPolicyDocument'], noun: 'CodeArtifact domain' },
  'AWS::CodeArtifact::Repository': { path: ['PermissionsPolicyDocument'], noun: 'CodeArtifact repository' },
  'AWS::DynamoDB::Table': { path: ['ResourcePolicy', 'PolicyDocument'], noun: 'DynamoDB table' },
  'AWS::Kinesis::ResourcePolicy': { path: ['ResourcePolicy'], noun: 'Kinesis stream', target: 'ResourceArn' },
  'AWS::EventSchemas::RegistryPolicy': { path: ['Policy'], noun: 'schema registry' },
  'AWS::MediaStore::Container': { path: ['Policy'], noun: 'MediaStore container' },
  'AWS::VpcLattice::AuthPolicy': { path: ['Policy'], noun: 'VPC Lattice service' },
  'AWS::Serverless::Api': { path: ['Auth', 'ResourcePolicy', 'CustomStatements'], noun: 'API' },
};

interface BucketState {
  bucket: Resource;
  blockPublicPolicy: boolean;
  restrictPublicBuckets: boolean;
  /** No PublicAccessBlockConfiguration written: S3's defaults for new buckets apply. */
  defaults: boolean;
}

function bucketState(policy: Resource, t: Template, ctx: ValueContext): BucketState | undefined {
  const bucket = bucketOf(policy, t, ctx);
  if (!bucket) return undefined;
  const { config, flags } = publicAccessBlock(bucket, ctx);
  return {
    bucket,
    blockPublicPolicy: flags.BlockPublicPolicy,
    restrictPublicBuckets: flags.RestrictPublicBuckets,
    defaults: !config,
  };
}

function targetName(r: Resource, target: string | undefined, ctx: ValueContext, t: Template): string {
  if (!target) return r.id;
  const node = prop(r, target);
  if (!node) return r.id;
  const items = isSeq(node) ? node.items : [node];
  const names = items.map((n) => referencedResource(n, t)?.id ?? named(strings(n, ctx)) ?? '(unknown)');
  return names.join(', ');
}

function reportGrants(
  ctx: RuleContext,
  grants: PublicGrant[],
  subject: string,
  resource: Resource | null,
  bucket?: BucketState,
) {
  for (const g of grants) {
    let message = `${cap(g.who)} can ${describeActions(g)} on ${subject}`;
    if (g.via) message += ` when ${g.via}`;
    let severity: 'error' | 'warning' = 'error';
    const data: Record<string, unknown> = {};
    if (g.via) data.via = g.via;
    if (bucket) {
      data.bucket = bucket.bucket.id;
      data.deployRejected = bucket.blockPublicPolicy;
      if (bucket.blockPublicPolicy) {
        message += bucket.defaults
          ? `. Bucket ${bucket.bucket.id} has no PublicAccessBlockConfiguration, so S3's default BlockPublicPolicy will reject this policy at deployment`
          : `. Bucket ${bucket.bucket.id} sets BlockPublicPolicy: true, so S3 will reject this policy at deployment`;
      }
      if (bucket.restrictPublicBuckets && !bucket.defaults) {
        severity = 'warning';
        message += `; RestrictPublicBuckets: true on ${bucket.bucket.id} confines access to principals in the bucket owner's account`;
      }
    }
    ctx.report({ node: g.at, message, severity, resource: resource?.id ?? null, data });
  }
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export const PUBLIC_RESOURCE_POLICY: Rule = {
  id: 'AJ101',
  slug: 'public-resource-policy',
  severity: 'error',
  title: 'Resource policy grants access to anyone',
  appliesTo: ['cloudformation', 'sam', 'cdk', 'policy'],
  fixTitles: ['Restrict to this account', 'Restrict to your organization', 'Replace * with this account'],
  docs: {
    what: 'An `Allow` statement in a resource policy (S3 bucket and access point policies, SQS, SNS, KMS, ECR, Secrets Manager, CloudWatch Logs, EventBridge, OpenSearch, EFS, Glacier, API Gateway, Backup, CodeArtifact, DynamoDB, Lambda layer permissions, and standalone policy JSON) whose principal is anyone (`"*"`, `{"AWS": "*"}`, an ARN with a wildcard account, or `NotPrincipal`), with no condition that pins the caller (`aws:SourceArn`, `aws:SourceAccount`, `aws:PrincipalOrgID`, `aws:SourceVpce`, ... with fixed values) and no `Deny` for everyone that confines it the same way. Range: the `*` principal (the list item when `*` is in an `AWS` list), the wildcard-account ARN, or the `NotPrincipal` key.',
    why: "Datadog's State of AWS Security found a public S3 bucket in 36% of organizations, a public SQS queue in 18% and a public SNS topic in 15%. A public resource policy is readable or writable by every AWS account and often by unauthenticated callers: data leaks, queue poisoning, and bills paid by you.",
    insecure:
      'Resources:\n  Orders:\n    Type: AWS::SQS::Queue\n  OrdersPolicy:\n    Type: AWS::SQS::QueuePolicy\n    Properties:\n      Queues: [!Ref Orders]\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Principal: "*"\n            Action: sqs:SendMessage\n            Resource: !GetAtt Orders.Arn\n',
    fixed:
      'Resources:\n  Orders:\n    Type: AWS::SQS::Queue\n  OrdersPolicy:\n    Type: AWS::SQS::QueuePolicy\n    Properties:\n      Queues: [!Ref Orders]\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Principal: "*"\n            Action: sqs:SendMessage\n            Resource: !GetAtt Orders.Arn\n            Condition:\n              StringEquals:\n                aws:PrincipalAccount: !Ref AWS::AccountId\n',
    fix: 'Name the principals that need access, or add a condition that pins the caller to your account (`aws:PrincipalAccount`, or `aws:SourceAccount`/`aws:SourceArn` for AWS services acting for you) or your organization (`aws:PrincipalOrgID`).',
    cdk: {
      fix: 'On `s3.Bucket`, drop `publicReadAccess: true` and keep `blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL` (the default); serve a website through CloudFront with `origins.S3BucketOrigin.withOriginAccessControl(bucket)`. For a `PolicyStatement` on a bucket, queue, topic or key, name the principals (`new iam.AccountPrincipal(this.account)`, a role) instead of `new iam.AnyPrincipal()`, or add a condition that pins the caller (`aws:PrincipalOrgID`, `aws:SourceArn`).',
      typescript:
        "bucket.addToResourcePolicy(\n  new iam.PolicyStatement({\n    actions: ['s3:GetObject'],\n    principals: [new iam.AnyPrincipal()],\n    resources: [bucket.arnForObjects('*')],\n    conditions: { StringEquals: { 'aws:PrincipalOrgID': 'o-xxxxxxxxxx' } },\n  }),\n);\n",
      python:
        'bucket.add_to_resource_policy(\n    iam.PolicyStatement(\n        actions=["s3:GetObject"],\n        principals=[iam.AnyPrincipal()],\n        resources=[bucket.arn_for_objects("*")],\n        conditions={"StringEquals": {"aws:PrincipalOrgID": "o-xxxxxxxxxx"}},\n    )\n)\n',
    },
    notes: [
      "S3 defaults change messages, not severities: where the bucket's effective `BlockPublicPolicy` is true (written, or no `PublicAccessBlockConfiguration` at all), the message says the deployment will be rejected. Only `RestrictPublicBuckets: true` written on the bucket lowers the finding to a warning.",
      'A value that is unknown at lint time (`!Ref` of a resource, `!ImportValue`) is never treated as `*`. Parameters: the default and each of `AllowedValues` are possible values; the message names the one that makes the policy public.',
      '`AWS::Lambda::LayerVersionPermission` with `Principal: "*"` and no `OrganizationId` is public (`OrganizationId` restricts like `aws:PrincipalOrgID`).',
      'Service principals (`{"Service": "sns.amazonaws.com"}`) are not anyone; see AJ103 for Lambda.',
      "Organization paths (`aws:PrincipalOrgPaths`, `aws:SourceOrgPaths`, `aws:VpceOrgPaths`) are written with a trailing wildcard in AWS's own examples (`o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*`). Like an ARN pattern that wildcards only its resource part after a fixed account, a path whose first segment is a fixed organization id restricts; `*` or `o-*/...` does not.",
      'An S3 ARN has no account field, so `arn:aws:s3:::prefix-*` in `aws:SourceArn` does not restrict: anyone can create a bucket whose name matches.',
    ],
  },
  fixes: (finding, ctx) => fixesAJ101(finding, ctx),
  check(ctx) {
    const t = ctx.template;
    if (ctx.kind === 'policy') {
      if (ctx.policy) {
        for (const g of findPublicGrants(ctx.policy, ctx.values)) {
          const subject = g.resources.length ? g.resources.join(', ') : 'the resource this policy is attached to';
          reportGrants(ctx, [g], subject, null);
        }
      }
      return;
    }
    if (!t) return;
    for (const r of t.resources.values()) {
      if (r.type === 'AWS::Lambda::LayerVersionPermission') {
        checkLayerPermission(ctx, r);
        continue;
      }
      if (r.type === 'AWS::Events::EventBusPolicy' && !prop(r, 'Statement') && prop(r, 'Principal')) {
        checkLegacyEventBusPolicy(ctx, r);
        continue;
      }
      const where = POLICY_PROPERTIES[r.type];
      if (!where || !r.properties) continue;
      let node: Node | undefined = r.properties;
      for (const k of where.path) node = get(node, k);
      if (!node) continue;
      let doc: Node | undefined;
      if (r.type === 'AWS::Events::EventBusPolicy' || r.type === 'AWS::Serverless::Api') {
        // A single statement (or a list of them) rather than a document.
        doc = {
          kind: 'map',
          span: node.span,
          pairs: [{ key: { kind: 'scalar', value: 'Statement', span: node.span }, value: node, span: node.span }],
        };
      } else doc = policyDocument(node, ctx.doc.text);
      if (!doc) continue;
      const grants = findPublicGrants(doc, ctx.values);
      if (grants.length === 0) continue;
      const bucket = r.type === 'AWS::S3::BucketPolicy' ? bucketState(r, t, ctx.values) : undefined;
      reportGrants(ctx, grants, `${where.noun} ${targetName(r, where.target, ctx.values, t)}`, r, bucket);
    }
  },
};

function checkLayerPermission(ctx: RuleContext, r: Resource) {
  const principal = getPair(r.properties, 'Principal');
  if (!principal || getPair(r.properties, 'OrganizationId')) return;
  for (const v of possibleValues(principal.value, ctx.values)) {
    const s = possibleString(v);
    if (s === null || s.trim() !== '*') continue;
    const action = named(strings(get(r.properties, 'Action'), ctx.values)) ?? 'lambda:GetLayerVersion';
    ctx.report({
      node: v.at,
      message: `Anyone can ${display(action)} on layer version ${referencedResource(get(r.properties, 'LayerVersionArn'), ctx.template)?.id ?? r.id}${v.via ? ` when ${v.via}` : ''}: every AWS account can use this layer`,
      resource: r.id,
      data: v.via ? { via: v.via } : undefined,
    });
  }
}

/** The older EventBusPolicy form: `Principal`, `Action`, `Condition` as properties. */
function checkLegacyEventBusPolicy(ctx: RuleContext, r: Resource) {
  const principal = getPair(r.properties, 'Principal');
  if (!principal || getPair(r.properties, 'Condition')) return;
  for (const v of possibleValues(principal.value, ctx.values)) {
    const s = possibleString(v);
    if (s === null || s.trim() !== '*') continue;
    ctx.report({
      node: v.at,
      message: `Anyone can events:PutEvents on event bus ${named(strings(get(r.properties, 'EventBusName'), ctx.values)) ?? 'default'}`,
      resource: r.id,
    });
  }
}

// ---- Quick fixes ----

/**
 * AJ101: a public statement gets the shared statement fixes (fixes/statement.ts: this account, the
 * organization, the account root instead of `*`). Also the two AJ101 shapes outside statements:
 * Lambda layer permissions (`OrganizationId`) and the legacy EventBusPolicy properties.
 */

export function fixesAJ101(finding: Finding, ctx: FixContext): Fix[] {
  const r = resourceOf(finding, ctx);
  if (r?.type === 'AWS::Lambda::LayerVersionPermission') return layerFixes(finding, ctx);
  if (
    r?.type === 'AWS::Events::EventBusPolicy' &&
    r.properties &&
    getPair(r.properties, 'Principal') &&
    !getPair(r.properties, 'Statement')
  ) {
    const p = getPair(r.properties, 'Principal')!;
    if (!within(finding, p)) return [];
    return fix(
      'Restrict to this account (Principal: AWS::AccountId)',
      'restrict-to-account',
      [replaceNode(ctx.doc, p.value, ref('AWS::AccountId'))],
      true,
    );
  }
  return statementFixes(finding, ctx);
}

function layerFixes(finding: Finding, ctx: FixContext): Fix[] {
  const r = resourceOf(finding, ctx);
  const props = r?.properties;
  const p = getPair(props, 'Principal');
  if (!r || !props || !p || !within(finding, p)) return [];
  const out: Fix[] = [];
  out.push(
    ...fix(
      'Grant to this account only (Principal: AWS::AccountId)',
      'restrict-to-account',
      [replaceNode(ctx.doc, p.value, ref('AWS::AccountId'))],
      true,
    ),
  );
  const org = orgParameter(ctx);
  if (org)
    out.push(
      ...fix('Restrict to your organization (OrganizationId)', 'restrict-to-organization', [
        org.edits,
        insertPair(ctx.doc, props, 'OrganizationId', ref(org.name)),
      ]),
    );
  return out;
}
