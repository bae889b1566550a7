import type { Node } from '../parse/ast';
import { get, getPair, isScalar } from '../parse/ast';
import { intrinsicOf } from '../model/intrinsics';
import type { Template } from '../model/template';
import type { FixContext, Rule } from './rule';
import type { Finding, Fix } from '../types';
import { freshName, insertPair, removePair, replaceNode } from '../fixes/edit';
import { plainMap } from '../fixes/paths';
import { ref, sub } from '../fixes/render';
import { fix } from '../fixes/common';
import { TEMPLATE_KINDS } from './rule';

/** `!GetAtt Key.SecretAccessKey` (or `${Key.SecretAccessKey}` in a Sub) where Key is an AWS::IAM::AccessKey. */
function secretReads(node: Node, t: Template, out: { node: Node; key: string }[], depth = 0): void {
  if (depth > 64) return;
  const fn = intrinsicOf(node);
  if (fn?.name === 'Fn::GetAtt') {
    let res: string | undefined;
    let attr: string | undefined;
    if (isScalar(fn.arg)) [res, attr] = String(fn.arg.value).split('.');
    else if (fn.arg.kind === 'seq' && fn.arg.items.length === 2) {
      res = isScalar(fn.arg.items[0]) ? String(fn.arg.items[0].value) : undefined;
      attr = isScalar(fn.arg.items[1]) ? String(fn.arg.items[1].value) : undefined;
    }
    if (res && attr === 'SecretAccessKey' && t.resources.get(res)?.type === 'AWS::IAM::AccessKey')
      out.push({ node, key: res });
    return;
  }
  if (fn?.name === 'Fn::Sub') {
    const body = fn.arg.kind === 'seq' ? fn.arg.items[0] : fn.arg;
    if (isScalar(body) && typeof body.value === 'string') {
      for (const m of body.value.matchAll(/\$\{([A-Za-z0-9]+)\.SecretAccessKey\}/g)) {
        if (t.resources.get(m[1])?.type === 'AWS::IAM::AccessKey') out.push({ node, key: m[1] });
      }
    }
    if (fn.arg.kind === 'seq' && fn.arg.items[1]) secretReads(fn.arg.items[1], t, out, depth + 1);
    return;
  }
  if (node.kind === 'map') for (const p of node.pairs) secretReads(p.value, t, out, depth + 1);
  else if (node.kind === 'seq') for (const i of node.items) secretReads(i, t, out, depth + 1);
  else if (fn) secretReads(fn.arg, t, out, depth + 1);
}

export const ACCESS_KEY_SECRET_IN_OUTPUTS: Rule = {
  id: 'AJ302',
  slug: 'access-key-secret-in-outputs',
  severity: 'error',
  title: 'Access key secret exposed in stack outputs or metadata',
  appliesTo: TEMPLATE_KINDS,
  fixTitles: ['Keep the secret in Secrets Manager and output its ARN', 'Remove the output'],
  docs: {
    what: 'An `Outputs` value or export, or template or resource `Metadata`, that reads `!GetAtt Key.SecretAccessKey` (or `${Key.SecretAccessKey}` in a `!Sub`) of an `AWS::IAM::AccessKey`. Range: the `GetAtt`/`Sub`.',
    why: 'Stack outputs and metadata are readable by anyone with `cloudformation:DescribeStacks` (a permission that read-only and auditor roles have), and they are shown in the console: the secret key is as good as published.',
    insecure: 'Outputs:\n  CiSecret:\n    Value: !GetAtt CiKey.SecretAccessKey\n',
    fixed:
      'Resources:\n  CiKeySecret:\n    Type: AWS::SecretsManager::Secret\n    Properties:\n      SecretString: !Sub \'{"AccessKeyId":"${CiKey}","SecretAccessKey":"${CiKey.SecretAccessKey}"}\'\n',
    notes: [
      "Quick fixes, for an output whose `Value` is the `!GetAtt`: move the secret into a new `AWS::SecretsManager::Secret` (its `SecretString` holds the key id and secret; the output then gives the secret's ARN, which is what `!Ref` of a secret returns), or remove the output. Consumers of the output must read the secret instead; neither fix is applied by fix-all.",
      "Outputs cannot carry `Metadata`, so a finding on an output has no \"Suppress\" quick fix; suppress it in `.ajar.yaml` (`ignores` with `rule: AJ302`, the file's `path` and the output's id as `resource`). A finding in a resource's `Metadata` can be suppressed there.",
    ],
    fix: "Store the secret in AWS Secrets Manager (`AWS::SecretsManager::Secret` with `SecretString`) and output only the secret's ARN; better, replace the key with a role (AJ301).",
    cdk: {
      fix: "Never `new CfnOutput(this, ..., { value: key.secretAccessKey.unsafeUnwrap() })`: keep the secret in Secrets Manager (`new secretsmanager.Secret(this, 'KeySecret', { secretStringValue: key.secretAccessKey })`) and output only the secret's ARN; better, a role instead of the key (AJ301).",
      typescript:
        "const secret = new secretsmanager.Secret(this, 'DeployerKeySecret', {\n  secretStringValue: key.secretAccessKey,\n});\nnew CfnOutput(this, 'DeployerKeySecretArn', { value: secret.secretArn });\n",
      python:
        'secret = secretsmanager.Secret(self, "DeployerKeySecret", secret_string_value=key.secret_access_key)\nCfnOutput(self, "DeployerKeySecretArn", value=secret.secret_arn)\n',
    },
  },
  fixes: (finding, ctx) => fixesAJ302(finding, ctx),
  check(ctx) {
    const t = ctx.template;
    if (!t) return;
    const found: { node: Node; key: string; output?: string }[] = [];
    for (const o of t.outputs.values()) {
      const reads: { node: Node; key: string }[] = [];
      secretReads(o.node, t, reads);
      // The output itself, not the owner of the span: the copies a Fn::ForEach makes share it.
      for (const f of reads) found.push({ ...f, output: o.id });
    }
    const meta = get(t.root, 'Metadata');
    if (meta) secretReads(meta, t, found);
    for (const r of t.resources.values()) if (r.metadata) secretReads(r.metadata, t, found);
    for (const f of found) {
      const owner = f.output ?? t.ownerAt(f.node.span.start);
      const where = owner && t.outputs.has(owner) ? `output ${owner}` : 'stack metadata';
      ctx.report({
        node: f.node,
        message: `The secret of access key ${f.key} is published in ${where}: anyone with cloudformation:DescribeStacks can read it`,
        resource: owner,
        data: { key: f.key, ...(f.output ? { output: f.output } : {}) },
      });
    }
  },
};

/** For an output whose Value is the `!GetAtt Key.SecretAccessKey`: a Secrets Manager secret instead, or no output. */
function fixesAJ302(finding: Finding, ctx: FixContext): Fix[] {
  const t = ctx.template;
  const outputId = finding.data?.output;
  const key = finding.data?.key;
  if (!t || typeof outputId !== 'string' || typeof key !== 'string') return [];
  const output = t.outputs.get(outputId);
  // Loop copies share their body: editing one edits them all, so no fix there.
  if (!output || output.loop || !plainMap(output.node)) return [];
  const value = getPair(output.node, 'Value')?.value;
  const out: Fix[] = [];
  if (value && value.span.start === finding.span.start && value.span.end === finding.span.end) {
    const resources = get(t.root, 'Resources');
    if (plainMap(resources)) {
      const name = freshName(t, `${key}Secret`);
      const secretString = `{"AccessKeyId":"\${${key}}","SecretAccessKey":"\${${key}.SecretAccessKey}"}`;
      out.push(
        ...fix(`Keep the secret in Secrets Manager (${name}) and output its ARN`, 'secret-to-secrets-manager', [
          insertPair(ctx.doc, resources, name, {
            Type: 'AWS::SecretsManager::Secret',
            Properties: {
              Description: `Access key ${key} and its secret`,
              SecretString: sub(secretString),
            },
          }),
          replaceNode(ctx.doc, value, ref(name)),
        ]),
      );
    }
  }
  const outputs = getPair(t.root, 'Outputs');
  const pair = outputs && plainMap(outputs.value) ? getPair(outputs.value, outputId) : undefined;
  if (outputs && pair && plainMap(outputs.value)) {
    // The only output: the whole `Outputs` section goes (an empty section is not valid).
    const edits =
      outputs.value.pairs.length > 1 ? removePair(ctx.doc, outputs.value, pair) : removePair(ctx.doc, t.root, outputs);
    out.push(...fix(`Remove the output ${outputId}`, 'remove-output', [edits]));
  }
  return out;
}
