/** docs/rules/ is generated from the rule metadata: it must be current, and every rule must be documented. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES, renderRuleDoc } from '../../server/src/engine';
import { ALL_RULES, ruleDocsPage } from '../../server/src/catalog';
import { LIVE_RULES } from '../../server/src/audit/rules/registry';
import { runChecks, type LiveRule } from '../../server/src/audit/rules/rule';
import { parseCredentialReport } from '../../server/src/audit/credentialReport';
import { DEFAULT_THRESHOLDS, userFromReportRow } from '../../server/src/audit/iamChecks';
import { renderIndex, ruleTable } from '../../scripts/docs-index';
import { configurationContribution, configurationDefaults, settingsTable } from '../../scripts/settings-docs';
import { SETTINGS } from '../../server/src/lsp/settingsTable';

const dir = join(__dirname, '..', '..', 'docs', 'rules');

test('every rule, template and live, has a current docs/rules page (run `npm run docs` after changing rule metadata)', () => {
  assert.equal(ALL_RULES.length, RULES.length + LIVE_RULES.length);
  for (const r of ALL_RULES) {
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

test('rule metadata is complete and ids/slugs are unique across template and live rules', () => {
  const ids = new Set<string>();
  const slugs = new Set<string>();
  for (const r of ALL_RULES) {
    assert.match(r.id, /^AJ\d{3}$/);
    assert.match(r.slug, /^[a-z0-9]+(-[a-z0-9]+)*$/);
    assert.ok(!ids.has(r.id) && !slugs.has(r.slug), `duplicate ${r.id}/${r.slug}`);
    ids.add(r.id);
    slugs.add(r.slug);
    for (const k of ['what', 'why', 'insecure', 'fixed', 'fix'] as const)
      assert.ok(r.docs[k].length > 10, `${r.id} docs.${k}`);
    if (r.scope === 'live') {
      assert.match(r.id, /^AJ5\d\d$/);
      assert.ok(['root', 'iam', 'ec2', 's3', 'sqs', 'sns'].includes(r.category), `${r.id} category`);
      assert.match(r.docs.cli, /^aws |\naws /, `${r.id}: docs.cli has an aws command`);
    } else assert.doesNotMatch(r.id, /^AJ5/, `${r.id}: AJ5xx ids are live rules`);
  }
});

test('ajar/ruleDocs serves the generated page, for template and live rules, by id or slug', () => {
  assert.equal(ruleDocsPage('AJ101'), readFileSync(join(dir, 'AJ101.md'), 'utf8'));
  assert.equal(ruleDocsPage('aj501'), readFileSync(join(dir, 'AJ501.md'), 'utf8'));
  assert.equal(ruleDocsPage('sns-topic-public'), readFileSync(join(dir, 'AJ533.md'), 'utf8'));
  assert.equal(ruleDocsPage('AJ999'), null);
});

/** Each live rule's docs examples as the facts its check judges (the examples are what the audit reads). */
const ASOF = new Date('2025-07-01T00:00:00Z');
const ACCOUNT = '111122223333';
const rootFacts = (summary: unknown, root?: Record<string, string>) => ({
  accountId: ACCOUNT,
  summary: summary as { AccountAccessKeysPresent?: number; AccountMFAEnabled?: number } | undefined,
  root,
  reportRead: !!root,
  asOf: ASOF,
  thresholds: DEFAULT_THRESHOLDS,
});
const reportRow = (csv: string) => parseCredentialReport(csv)[0];
const userFacts = (csv: string) => ({
  user: userFromReportRow(reportRow(csv)),
  asOf: ASOF,
  thresholds: DEFAULT_THRESHOLDS,
});
const none = { kind: 'none' as const };
const LIVE_EXAMPLE_FACTS: Record<string, (example: string) => unknown> = {
  AJ501: (x) => rootFacts(JSON.parse(x).SummaryMap),
  AJ502: (x) => rootFacts(JSON.parse(x).SummaryMap),
  AJ503: (x) => rootFacts(undefined, reportRow(x)),
  AJ511: userFacts,
  AJ512: userFacts,
  AJ513: userFacts,
  AJ514: userFacts,
  AJ521: (x) => ({ accountId: ACCOUNT, region: 'us-east-1', instance: JSON.parse(x) }),
  AJ522: (x) => ({ accountId: ACCOUNT, region: 'us-east-1', accountLevel: JSON.parse(x).AccountLevel }),
  AJ531: (x) => ({
    name: 'example-assets',
    region: 'us-east-1',
    policy: x,
    grants: [],
    bucketPab: none,
    accountPab: none,
  }),
  AJ532: (x) => ({ arn: `arn:aws:sqs:us-east-1:${ACCOUNT}:orders`, region: 'us-east-1', policy: x }),
  AJ533: (x) => ({ arn: `arn:aws:sns:us-east-1:${ACCOUNT}:alerts`, region: 'us-east-1', policy: x }),
  AJ534: (x) => ({ accountId: ACCOUNT, pab: { kind: 'set', flags: JSON.parse(x).PublicAccessBlockConfiguration } }),
};

test('the insecure example of each live rule triggers its check, and the fixed example does not', () => {
  for (const r of LIVE_RULES) {
    const facts = LIVE_EXAMPLE_FACTS[r.id];
    assert.ok(facts, `${r.id}: add its examples to LIVE_EXAMPLE_FACTS`);
    const rule = r as LiveRule<unknown>;
    const bad = runChecks([rule], facts(r.docs.insecure)).findings;
    const good = runChecks([rule], facts(r.docs.fixed)).findings;
    assert.ok(bad.length > 0, `${r.id}: insecure example not reported`);
    assert.deepEqual(good, [], `${r.id}: fixed example still reported`);
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

test('package.json declares the intrinsic tags as yaml.customTags, from the intrinsics table (run `npm run docs`)', () => {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));
  assert.deepEqual(
    pkg.contributes.configurationDefaults,
    configurationDefaults(),
    'package.json contributes.configurationDefaults is stale: npm run docs',
  );
  const tags = pkg.contributes.configurationDefaults['yaml.customTags'] as string[];
  for (const t of ['!Ref scalar', '!Sub scalar', '!Sub sequence', '!GetAtt scalar', '!GetAtt sequence', '!If sequence'])
    assert.ok(tags.includes(t), t);
  // The Red Hat extension's format: "!Tag" and one of its node kinds.
  for (const t of tags) assert.match(t, /^![A-Za-z0-9]+ (scalar|sequence|mapping)$/);
});

test('package.json contributes.configuration is generated from the settings table (run `npm run docs`)', () => {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));
  const cfg = Array.isArray(pkg.contributes.configuration)
    ? pkg.contributes.configuration[0]
    : pkg.contributes.configuration;
  assert.deepEqual(cfg, configurationContribution(), 'package.json contributes.configuration is stale: npm run docs');
  // The same order in the file as in the table, and every rule under ajar.rules.
  const props = cfg.properties as Record<string, { order: number; properties?: Record<string, unknown> }>;
  const orders = Object.values(props).map((p) => p.order);
  assert.deepEqual(
    orders,
    [...orders].sort((a, b) => a - b),
  );
  assert.deepEqual(
    Object.keys(props['ajar.rules'].properties ?? {}),
    RULES.map((r) => r.id),
  );
});

test('the README settings table is generated from the settings table (run `npm run docs`)', () => {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  assert.ok(readme.includes(`-->\n${settingsTable()}\n<!-- settings:end -->`), 'the README settings table is stale');
});

test('every setting description is whole sentences', () => {
  for (const [name, row] of Object.entries(SETTINGS)) {
    assert.match(row.description, /^[A-Z`"(]/, `ajar.${name}: starts with a capital`);
    assert.match(row.description, /[.)]$/, `ajar.${name}: ends with a full stop`);
    assert.ok(!row.description.includes('...'), `ajar.${name}: no sentence cut in two`);
  }
});
