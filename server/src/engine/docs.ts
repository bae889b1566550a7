/** A rule's documentation page, made from its metadata (docs/rules/<ID>.md is generated from this). */
import type { Rule } from './rules/rule';

export function renderRuleDoc(rule: Rule): string {
  const d = rule.docs;
  const lines = [
    `# ${rule.id} \`${rule.slug}\`: ${rule.title}`,
    '',
    `Default severity: **${rule.severity}**. Applies to: ${rule.appliesTo.join(', ')}.`,
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
    '```yaml',
    d.insecure.trimEnd(),
    '```',
    '',
    '## Fixed',
    '',
    '```yaml',
    d.fixed.trimEnd(),
    '```',
    '',
    '## How to fix',
    '',
    d.fix,
    '',
  ];
  if (rule.fixTitles?.length) {
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
  );
  return lines.join('\n');
}
