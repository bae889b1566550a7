/** The rule table (docs/rules/README.md and the README's rule table). */
import { RULES } from '../server/src/engine';

export function ruleTable(linkPrefix = ''): string {
  const rows = RULES.map((r) => `| [${r.id}](${linkPrefix}${r.id}.md) | \`${r.slug}\` | ${r.severity} | ${r.title} |`);
  return ['| id | slug | default severity | what |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

export function renderIndex(): string {
  return `# Ajar rules\n\nGenerated from the rule metadata in \`server/src/engine/rules/\` (\`npm run docs\`). Ids and slugs are stable.\n\n${ruleTable()}\n\nLive-account findings (AJ501-AJ534) are documented in [../audit.md](../audit.md).\n`;
}
