/**
 * Writes docs/rules/<ID>.md (template and live rules) and docs/rules/README.md from the rule metadata.
 * `node --import tsx scripts/gen-docs.ts` (npm run docs). test/unit/docs.test.ts checks they are current.
 */
import { writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderRuleDoc } from '../server/src/engine';
import { ALL_RULES } from '../server/src/catalog';
import { renderIndex, ruleTable, rulesSetting } from './docs-index';

const dir = join(__dirname, '..', 'docs', 'rules');
mkdirSync(dir, { recursive: true });
for (const r of ALL_RULES) writeFileSync(join(dir, `${r.id}.md`), renderRuleDoc(r));
writeFileSync(join(dir, 'README.md'), renderIndex());
const readmePath = join(__dirname, '..', 'README.md');
const readme = readFileSync(readmePath, 'utf8');
writeFileSync(
  readmePath,
  readme.replace(
    /(<!-- rules:start[^\n]*-->\n)[\s\S]*?(<!-- rules:end -->)/,
    (_m, a: string, b: string) => `${a}${ruleTable('docs/rules/')}\n${b}`,
  ),
);
// package.json: the ajar.rules setting lists every rule.
const pkgPath = join(__dirname, '..', 'package.json');
const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
const cfg = Array.isArray(pkg.contributes.configuration)
  ? pkg.contributes.configuration[0]
  : pkg.contributes.configuration;
cfg.properties['ajar.rules'] = rulesSetting();
writeFileSync(pkgPath, JSON.stringify(pkg, null, 2) + '\n');
console.log(`wrote ${ALL_RULES.length} rule pages to docs/rules/`);
