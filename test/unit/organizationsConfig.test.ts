/**
 * `audit.organizations` in `.ajar.yaml` (every mistake reported at its position, broken entries
 * skipped) and in the `ajar.audit.organizations` setting (entries that do not fit the schema
 * dropped); the settings win over the file. And the tree item of AJ522 (one per region).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyConfig, mergeConfig, parseConfig } from '../../server/src/engine';
import { normalizeSettings } from '../../server/src/lsp/settings';
import { toCategories } from '../../server/src/lsp/auditHandlers';
import { liveFinding } from '../../server/src/audit/findings';

test('.ajar.yaml audit.organizations: entries, ids quoted or not, mistakes at their position', () => {
  const text = [
    'audit:',
    '  unusedDays: 60',
    '  organizations:',
    '    - profile: mgmt',
    '      roleName: AjarAudit',
    '      externalId: x-123',
    '      include: [ou-ab12-prod0001, 111122223333]',
    '      exclude: ["444455556666", ou-nope]',
    '    - profile: other',
    '      rolename: Typo',
    '    - just a string',
    '    - profile: delegated',
    '      roleName: audit/AjarAudit',
    '      include: r-ab12',
    '',
  ].join('\n');
  const { config, problems } = parseConfig(text, '.ajar.yaml');
  assert.equal(config.audit.unusedDays, 60);
  assert.deepEqual(config.organizations, [
    {
      profile: 'mgmt',
      roleName: 'AjarAudit',
      externalId: 'x-123',
      include: ['ou-ab12-prod0001', '111122223333'],
      exclude: ['444455556666'],
    },
    { profile: 'delegated', roleName: 'audit/AjarAudit', include: ['r-ab12'] },
  ]);
  const at = (p: (typeof problems)[number]) => text.slice(p.span!.start, p.span!.end);
  assert.deepEqual(
    problems.map((p) => [p.message, at(p).split('\n')[0]]),
    [
      [
        'audit.organizations[0].exclude: "ou-nope" is not an OU id (ou-...), a root id (r-...) or a 12-digit account id; ignored',
        'ou-nope',
      ],
      ['audit.organizations[1] has no roleName: the entry is ignored', 'profile: other'],
      [
        'audit.organizations[1].rolename: unknown key, ignored (did you mean roleName?); expected profile, roleName, externalId, include or exclude',
        'rolename',
      ],
      ['audit.organizations[2] must be a mapping with profile and roleName, not "just a string"', 'just a string'],
    ],
  );
  assert.match(
    parseConfig('audit:\n  organizations: mgmt\n').problems[0].message,
    /audit.organizations must be a list of \{profile, roleName/,
  );
  assert.equal(parseConfig('audit:\n  unusedDays: 30\n').config.organizations, undefined);
});

test('the ajar.audit.organizations setting: entries that fit the schema; settings win over the file', () => {
  const s = normalizeSettings({
    audit: {
      organizations: [
        { profile: 'mgmt', roleName: ' AjarAudit ', include: ['ou-ab12-prod0001', 7, ''], extra: true },
        { profile: 'no-role' },
        'mgmt',
        { profile: '', roleName: 'R' },
        { profile: 'p2', roleName: 'R', externalId: 42 },
      ],
    },
  });
  assert.deepEqual(s.audit.organizations, [
    { profile: 'mgmt', roleName: 'AjarAudit', include: ['ou-ab12-prod0001'] },
    { profile: 'p2', roleName: 'R' },
  ]);
  assert.deepEqual(normalizeSettings({ 'audit.organizations': 'nope' }).audit.organizations, []);
  assert.deepEqual(normalizeSettings(undefined).audit.organizations, []);

  const file = parseConfig('audit:\n  organizations:\n    - {profile: a, roleName: R}\n').config;
  assert.deepEqual(mergeConfig(file, {}).organizations, [{ profile: 'a', roleName: 'R' }]);
  assert.deepEqual(mergeConfig(file, { organizations: [{ profile: 'b', roleName: 'S' }] }).organizations, [
    { profile: 'b', roleName: 'S' },
  ]);
  assert.equal(mergeConfig(emptyConfig(), {}).organizations, undefined);
});

test('AJ522 in the Accounts view: an "Instance metadata defaults" item per region, under EC2', () => {
  const A = '111122223333';
  const f = (region: string) =>
    liveFinding('AJ522', A, region, `new EC2 instances in ${region} accept IMDSv1 ...`, { httpTokens: null });
  const cats = toCategories({
    accountId: A,
    profiles: ['p'],
    regions: ['eu-west-1', 'us-east-1'],
    findings: [f('eu-west-1'), f('us-east-1')],
    errors: [],
    resources: [],
    durationMs: 0,
  });
  const ec2 = cats.find((c) => c.id === 'ec2')!;
  assert.deepEqual(
    ec2.items.map((i) => [i.label, i.region, i.findings.map((x) => x.ruleId).join(','), i.consoleUrl]),
    [
      [
        'Instance metadata defaults',
        'eu-west-1',
        'AJ522',
        'https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#Settings:',
      ],
      [
        'Instance metadata defaults',
        'us-east-1',
        'AJ522',
        'https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#Settings:',
      ],
    ],
  );
  assert.deepEqual(cats.find((c) => c.id === 's3')!.items, []);
});
