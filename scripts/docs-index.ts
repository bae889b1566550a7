/** The rule table (docs/rules/README.md and the README's rule table). */
import { RULES } from '../server/src/engine';

export function ruleTable(linkPrefix = ''): string {
  const rows = RULES.map((r) => `| [${r.id}](${linkPrefix}${r.id}.md) | \`${r.slug}\` | ${r.severity} | ${r.title} |`);
  return ['| id | slug | default severity | what |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

export function renderIndex(): string {
  return `# Ajar rules\n\nGenerated from the rule metadata in \`server/src/engine/rules/\` (\`npm run docs\`). Ids and slugs are stable.\n\n${ruleTable()}\n\nLive-account findings (AJ501-AJ534) are documented in [../audit.md](../audit.md).\n`;
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
