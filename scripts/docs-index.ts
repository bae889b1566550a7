/** The rule tables (docs/rules/README.md and the README's rule table), template and live rules. */
import { type AnyRuleMeta, RULES } from '../server/src/engine';
import { ALL_RULES } from '../server/src/catalog';

export function ruleTable(linkPrefix = '', rules: readonly AnyRuleMeta[] = ALL_RULES): string {
  const rows = rules.map((r) => `| [${r.id}](${linkPrefix}${r.id}.md) | \`${r.slug}\` | ${r.severity} | ${r.title} |`);
  return ['| id | slug | default severity | what |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

export function renderIndex(): string {
  const template = ALL_RULES.filter((r) => r.scope !== 'live');
  const live = ALL_RULES.filter((r) => r.scope === 'live');
  return [
    '# Ajar rules',
    '',
    'Generated from the rule metadata (`npm run docs`): template rules in `server/src/engine/rules/`, live-account rules in `server/src/audit/rules/`. Ids and slugs are stable.',
    '',
    '## Templates and policies',
    '',
    ruleTable('', template),
    '',
    '## Live accounts (`ajar audit` and the Accounts view)',
    '',
    ruleTable('', live),
    '',
    'How the audit reads your accounts, read-only: [../audit.md](../audit.md).',
    '',
  ].join('\n');
}

/** The `ajar.rules` setting of package.json, made from the rule metadata (npm run docs writes it). */
export function rulesSetting(): Record<string, unknown> {
  const ids = RULES.map((r) => `\`${r.id}\``).join(' ');
  return {
    type: 'object',
    default: {},
    markdownDescription: `Severity per rule id (or slug), overriding the rule's own: \`"off"\`, \`"error"\`, \`"warning"\` or \`"information"\`. Settings win over \`.ajar.yaml\`. Rule ids: ${ids}. Example: \`{ "AJ301": "off" }\`.`,
    properties: Object.fromEntries(
      RULES.map((r) => [
        r.id,
        {
          type: 'string',
          enum: ['off', 'error', 'warning', 'information'],
          markdownDescription: `${r.title} (\`${r.slug}\`, default ${r.severity}).`,
        },
      ]),
    ),
    additionalProperties: { type: 'string', enum: ['off', 'error', 'warning', 'information'] },
  };
}
