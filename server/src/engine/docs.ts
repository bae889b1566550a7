/**
 * A rule's documentation page, made from its metadata (docs/rules/<ID>.md is generated from this).
 * Template and live rules share the page shape: what, why, insecure and fixed examples, how to fix.
 */
import type { AnyRuleMeta } from './rules/rule';

export function renderRuleDoc(rule: AnyRuleMeta): string {
  const d = rule.docs;
  const lang = d.exampleLanguage ?? 'yaml';
  const live = rule.scope === 'live';
  const lines = [
    `# ${rule.id} \`${rule.slug}\`: ${rule.title}`,
    '',
    live
      ? `Default severity: **${rule.severity}**. Live account audit (\`ajar audit\` and the Accounts view), category: ${rule.category}.${rule.cis ? ` Matches ${rule.cis.benchmark} ${rule.cis.id}: ${rule.cis.title}.` : ''}`
      : `Default severity: **${rule.severity}**. Applies to: ${rule.appliesTo.join(', ')}.`,
    '',
    '## What it reports',
    '',
    d.what,
    '',
    '## Why it matters',
    '',
    d.why,
    '',
    '## Insecure',
    '',
    '```' + lang,
    d.insecure.trimEnd(),
    '```',
    '',
    '## Fixed',
    '',
    '```' + lang,
    d.fixed.trimEnd(),
    '```',
    '',
    '## How to fix',
    '',
    d.fix,
    '',
  ];
  if (d.cli) {
    lines.push(
      'With the AWS CLI (Ajar never runs it: review it, then run it with credentials allowed to make the change):',
      '',
      '```sh',
      d.cli.trimEnd(),
      '```',
      '',
    );
  }
  if (rule.scope === 'live') {
    lines.push(
      "For one finding, the Accounts view's tooltip shows this with the resource filled in (`<NAME>`, `<ARN>`, `<REGION>`, `<ACCOUNT>`; the other `<...>` are yours to fill):",
      '',
      '```sh',
      rule.docs.command.replace(/\{(name|arn|region|account)\}/g, (_, k: string) => `<${k.toUpperCase()}>`).trimEnd(),
      '```',
      '',
    );
  }
  if (!live && d.cdk) {
    lines.push(
      '## In CDK',
      '',
      `Ajar reports a finding in a CDK app's synthesized template at the construct in the app's own source, where the fix goes (templates under \`cdk.out\` get no quick fixes: the next synth rewrites them). ${d.cdk.fix}`,
      '',
      '```ts',
      d.cdk.typescript.trimEnd(),
      '```',
      '',
      '```python',
      d.cdk.python.trimEnd(),
      '```',
      '',
    );
  }
  if (!live && rule.fixTitles?.length) {
    lines.push(
      'Quick fixes in the editor: ' + rule.fixTitles.map((t) => `"${t}"`).join(', ') + ', and "Suppress with reason".',
      '',
    );
  }
  if (d.notes?.length) {
    lines.push('## Decisions', '');
    for (const n of d.notes) lines.push(`- ${n}`);
    lines.push('');
  }
  if (live) {
    lines.push(
      '## Where it is reported',
      '',
      'In the Accounts view and by `ajar audit`, from read-only API calls (the minimal policy is `docs/audit-policy.json`; see `docs/audit.md`).',
      '',
    );
    return lines.join('\n');
  }
  lines.push(
    '## Suppressing',
    '',
    'On the resource, with a reason reviewers can judge:',
    '',
    '```yaml',
    'Metadata:',
    '  ajar:',
    '    ignore:',
    `      - rule: ${rule.id}`,
    '        reason: <why this is acceptable>',
    '```',
    '',
    `Or in \`.ajar.yaml\`: \`rules: {${rule.id}: off}\`, or an \`ignores\` entry with \`rule\`, \`path\`, \`resource\` and \`reason\`.`,
    '',
    ...cdkSuppression(rule.id),
  );
  return lines.join('\n');
}

/** Suppressing from a CDK app: the same metadata, written on the L1 resource by `addMetadata`. */
export function cdkSuppression(ruleId: string): string[] {
  return [
    "From a CDK app, on the construct's CloudFormation resource (`node.defaultChild`; for the policy CDK makes for a bucket, `bucket.policy!.node.defaultChild`):",
    '',
    '```ts',
    'const cfnResource = bucket.node.defaultChild as CfnResource;',
    `cfnResource.addMetadata('ajar', { ignore: [{ rule: '${ruleId}', reason: '<why this is acceptable>' }] });`,
    '```',
    '',
    '```python',
    'cfn_resource = bucket.node.default_child',
    `cfn_resource.add_metadata("ajar", {"ignore": [{"rule": "${ruleId}", "reason": "<why this is acceptable>"}]})`,
    '```',
    '',
  ];
}
