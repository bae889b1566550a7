/**
 * package.json's `contributes.configuration`, made from the settings table
 * (server/src/lsp/settingsTable.ts) and, for `ajar.rules`, the rule metadata.
 * `npm run docs` writes it; test/unit/docs.test.ts fails when package.json is stale.
 */
import { RULES } from '../server/src/engine';
import { INTRINSICS } from '../server/src/engine/model/intrinsics';
import { SETTINGS, SETTINGS_SECTION, type SettingName, type SettingRow } from '../server/src/lsp/settingsTable';
import { rulesSetting } from './docs-index';

export function configurationContribution(): { title: string; properties: Record<string, unknown> } {
  const names = (Object.keys(SETTINGS) as SettingName[]).sort((a, b) => SETTINGS[a].order - SETTINGS[b].order);
  const properties: Record<string, unknown> = {};
  for (const name of names) properties[`${SETTINGS_SECTION}.${name}`] = property(name, SETTINGS[name]);
  return { title: 'Ajar', properties };
}

function property(name: SettingName, row: SettingRow): Record<string, unknown> {
  const p: Record<string, unknown> = { type: row.type === 'number' && row.integer ? 'integer' : row.type };
  if (row.type === 'array') p.items = 'items' in row ? structuredClone(row.items) : { type: 'string' };
  p.default = Array.isArray(row.default) ? [...row.default] : row.default;
  if (row.type === 'number' && row.minimum !== undefined) p.minimum = row.minimum;
  if (row.type === 'string' && row.enum) {
    p.enum = [...row.enum];
    if (row.enumDescriptions) p.enumDescriptions = [...row.enumDescriptions];
  }
  p.scope = row.scope;
  p.order = row.order;
  p.markdownDescription = row.description;
  if (name === 'rules') {
    // One property per rule (id, title, slug, default level), from the rule metadata.
    const schema = rulesSetting();
    p.markdownDescription = `${row.description} Rule ids: ${RULES.map((r) => `\`${r.id}\``).join(' ')}.`;
    p.properties = schema.properties;
    p.additionalProperties = schema.additionalProperties;
  }
  return p;
}

/**
 * package.json's `contributes.configurationDefaults`: the CloudFormation short-form tags as
 * `yaml.customTags` (`"!Sub scalar"`, `"!Sub sequence"`), from the intrinsics table, so that the
 * Red Hat YAML extension beside Ajar accepts `!Ref` instead of marking it an unknown tag. A user's
 * own `yaml.customTags` replaces this default.
 */
export function configurationDefaults(): Record<string, unknown> {
  const tags = INTRINSICS.flatMap((i) => (i.tag ? (i.yaml ?? ['scalar']).map((kind) => `${i.tag} ${kind}`) : []));
  return { 'yaml.customTags': tags };
}

/** The README's settings table (between `<!-- settings:start -->` and `<!-- settings:end -->`). */
export function settingsTable(): string {
  const names = (Object.keys(SETTINGS) as SettingName[]).sort((a, b) => SETTINGS[a].order - SETTINGS[b].order);
  const show = (v: unknown) =>
    Array.isArray(v) ? (v.length ? v.map((x) => `\`${x}\``).join(', ') : '`[]`') : `\`${JSON.stringify(v)}\``;
  const rows = names.map((n) => {
    const r = SETTINGS[n];
    const what = r.description.replace(/#(ajar\.[\w.]+)#/g, '$1').replace(/\|/g, '\\|');
    return `| \`${SETTINGS_SECTION}.${n}\` | ${show(r.default)} | ${r.scope} | ${what} |`;
  });
  return ['| setting | default | scope | what |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
