/**
 * Writes docs/rules/<ID>.md (template and live rules) and docs/rules/README.md from the rule metadata,
 * and package.json's contributes.configuration from the settings table and contributes.configurationDefaults
 * from the intrinsics table (scripts/settings-docs.ts).
 * `node --import tsx scripts/gen-docs.ts` (npm run docs). test/unit/docs.test.ts checks they are current.
 */
import { writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderRuleDoc } from '../server/src/engine';
import { ALL_RULES } from '../server/src/catalog';
import { renderIndex, ruleTable } from './docs-index';
import { configurationContribution, configurationDefaults, settingsTable } from './settings-docs';

const dir = join(__dirname, '..', 'docs', 'rules');
mkdirSync(dir, { recursive: true });
for (const r of ALL_RULES) writeFileSync(join(dir, `${r.id}.md`), renderRuleDoc(r));
writeFileSync(join(dir, 'README.md'), renderIndex());
const readmePath = join(__dirname, '..', 'README.md');
const readme = readFileSync(readmePath, 'utf8');
writeFileSync(
  readmePath,
  readme
    .replace(
      /(<!-- rules:start[^\n]*-->\n)[\s\S]*?(<!-- rules:end -->)/,
      (_m, a: string, b: string) => `${a}${ruleTable('docs/rules/')}\n${b}`,
    )
    .replace(
      /(<!-- settings:start[^\n]*-->\n)[\s\S]*?(<!-- settings:end -->)/,
      (_m, a: string, b: string) => `${a}${settingsTable()}\n${b}`,
    ),
);
// package.json: contributes.configuration from the settings table (ajar.rules lists every rule).
const pkgPath = join(__dirname, '..', 'package.json');
const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
if (Array.isArray(pkg.contributes.configuration)) pkg.contributes.configuration[0] = configurationContribution();
else pkg.contributes.configuration = configurationContribution();
// ... and contributes.configurationDefaults (yaml.customTags) from the intrinsics table.
pkg.contributes.configurationDefaults = configurationDefaults();
writeFileSync(pkgPath, JSON.stringify(pkg, null, 2) + '\n');
console.log(`wrote ${ALL_RULES.length} rule pages to docs/rules/`);
