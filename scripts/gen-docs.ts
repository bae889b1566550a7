/**
 * Writes docs/rules/<ID>.md and docs/rules/README.md from the rule metadata.
 * `node --import tsx scripts/gen-docs.ts` (npm run docs). test/unit/docs.test.ts checks they are current.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { RULES, renderRuleDoc } from '../server/src/engine';
import { renderIndex } from './docs-index';

const dir = join(__dirname, '..', 'docs', 'rules');
mkdirSync(dir, { recursive: true });
for (const r of RULES) writeFileSync(join(dir, `${r.id}.md`), renderRuleDoc(r));
writeFileSync(join(dir, 'README.md'), renderIndex());
console.log(`wrote ${RULES.length} rule pages to docs/rules/`);
