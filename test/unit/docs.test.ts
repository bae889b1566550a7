/** docs/rules/ is generated from the rule metadata: it must be current, and every rule must be documented. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES, renderRuleDoc } from '../../server/src/engine';
import { renderIndex, ruleTable, rulesSetting } from '../../scripts/docs-index';

const dir = join(__dirname, '..', '..', 'docs', 'rules');

test('every rule has a current docs/rules page (run `npm run docs` after changing rule metadata)', () => {
  for (const r of RULES) {
    const page = readFileSync(join(dir, `${r.id}.md`), 'utf8');
    assert.equal(page, renderRuleDoc(r), `docs/rules/${r.id}.md is stale`);
  }
  assert.equal(readFileSync(join(dir, 'README.md'), 'utf8'), renderIndex());
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  assert.ok(
    readme.includes(ruleTable('docs/rules/')),
    'the README rule table is stale: paste ruleTable("docs/rules/") from scripts/docs-index.ts',
  );
});

test('rule metadata is complete and ids/slugs are unique', () => {
  const ids = new Set<string>();
  const slugs = new Set<string>();
  for (const r of RULES) {
    assert.match(r.id, /^AJ\d{3}$/);
    assert.match(r.slug, /^[a-z0-9]+(-[a-z0-9]+)*$/);
    assert.ok(!ids.has(r.id) && !slugs.has(r.slug), `duplicate ${r.id}/${r.slug}`);
    ids.add(r.id);
    slugs.add(r.slug);
    for (const k of ['what', 'why', 'insecure', 'fixed', 'fix'] as const)
      assert.ok(r.docs[k].length > 10, `${r.id} docs.${k}`);
  }
});

test('the insecure example of each template rule triggers it, and the fixed example does not', async () => {
  const { lintText } = await import('../../server/src/engine');
  for (const r of RULES) {
    if (r.id === 'AJ000' || r.id === 'AJ001' || r.id === 'AJ302') continue;
    const bad = lintText(r.docs.insecure, { fileName: 'example.yaml' });
    const good = lintText(r.docs.fixed, { fileName: 'example.yaml' });
    if (bad.kind === 'other') continue;
    assert.ok(
      bad.findings.some((f) => f.ruleId === r.id),
      `${r.id}: insecure example not reported`,
    );
    assert.ok(!good.findings.some((f) => f.ruleId === r.id), `${r.id}: fixed example still reported`);
  }
});

test('the ajar.rules setting in package.json lists every rule (npm run docs writes it)', () => {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));
  const cfg = Array.isArray(pkg.contributes.configuration)
    ? pkg.contributes.configuration[0]
    : pkg.contributes.configuration;
  assert.deepEqual(cfg.properties['ajar.rules'], rulesSetting());
});
