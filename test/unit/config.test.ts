/** `.ajar.yaml`: parsing, problems, and how it changes findings (rules, ignores, ignorePaths). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findConfigFile, lintText, loadConfigFor, MAX_CONFIG_BYTES, parseConfig } from '../../server/src/engine';

const TEMPLATE = `Resources:
  Web:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-1
  Key:
    Type: AWS::IAM::AccessKey
    Properties:
      UserName: bob
`;

test('rules by id and slug: off and re-grade', () => {
  const { config, problems } = parseConfig(
    'rules:\n  AJ301: {severity: off, reason: keys come from the vault stack}\n  imdsv2-not-enforced: error\n',
  );
  assert.deepEqual(problems, []);
  const r = lintText(TEMPLATE, { fileName: '/p/t.yaml', config });
  assert.deepEqual(
    r.findings.map((f) => `${f.ruleId} ${f.severity}`),
    ['AJ201 error'],
  );
});

test('ignores by rule, path and resource; a reason-less ignore is a problem but still applies', () => {
  const { config, problems } = parseConfig(
    'ignores:\n  - rule: AJ201\n    path: "stacks/*.yaml"\n    resource: Web\n    reason: build box, no network\n  - rule: long-lived-access-key\n',
    '/p/.ajar.yaml',
  );
  config.root = '/p';
  assert.equal(problems.length, 1);
  assert.match(problems[0].message, /long-lived-access-key has no reason/);
  const hit = lintText(TEMPLATE, { fileName: '/p/stacks/t.yaml', config });
  assert.deepEqual(hit.findings, []);
  assert.equal(hit.suppressed.length, 2);
  const elsewhere = lintText(TEMPLATE, { fileName: '/p/other/t.yaml', config });
  assert.deepEqual(
    elsewhere.findings.map((f) => f.ruleId),
    ['AJ201'],
  );
});

test('ignorePaths skips files entirely', () => {
  const { config } = parseConfig('ignorePaths: ["fixtures/**"]\n', '/p/.ajar.yaml');
  config.root = '/p';
  assert.equal(lintText(TEMPLATE, { fileName: '/p/fixtures/a/t.yaml', config }).findings.length, 0);
  assert.equal(lintText(TEMPLATE, { fileName: '/p/src/t.yaml', config }).findings.length, 2);
});

test('bad values are reported, not thrown', () => {
  const { problems, config } = parseConfig('rules:\n  AJ101: loud\naudit:\n  unusedDays: soon\n  rotationDays: 45\n');
  assert.equal(problems.length, 2);
  assert.equal(config.audit.rotationDays, 45);
  assert.equal(config.audit.unusedDays, 90);
});

test('wrong types, unknown keys and unknown rule ids are reported where they are written', () => {
  const text = [
    'rule:', // 1: unknown top-level key (did you mean rules?)
    '  AJ101: off',
    'rules:',
    '  AJ999: off', // 4: unknown id
    '  public-bucket: warning', // 5: unknown slug
    '  AJ512: off', // 6: live rule
    '  AJ301: [off]', // 7: wrong type
    'ignorePaths: "fixtures/**"', // 8: not a list
    'ignores:',
    '  - rule: AJ101',
    '    resourse: Site', // 11: unknown key in an ignore (did you mean resource?)
    '    reason: public website',
    '  - rule: AJ777', // 13: unknown rule
    '    reason: x',
    '  - just-a-string', // 15: not a mapping
    'audit:',
    '  credentialsUnusedDays: 30', // 17: the audit API's old name
    '  rotationDays: -4', // 18: not positive
    '',
  ].join('\n');
  const { config, problems } = parseConfig(text, '/p/.ajar.yaml');
  const got = problems.map((p) => `${(p.range?.start.line ?? -1) + 1} ${p.severity} ${p.message}`);
  const expect = [
    /^1 warning rule: unknown key, ignored \(did you mean rules\?\)/,
    /^4 warning rules\.AJ999: unknown rule id or slug, ignored/,
    /^5 warning rules\.public-bucket: unknown rule id or slug, ignored/,
    /^6 warning rules\.AJ512: live-account rules/,
    /^7 warning rules\.AJ301: expected off, error, warning or information, not a list/,
    /^8 warning ignorePaths must be a list of globs, not "fixtures\/\*\*"/,
    /^11 warning ignores\[\]\.resourse: unknown key, ignored \(did you mean resource\?\)/,
    /^13 warning ignores\[\]\.rule: unknown rule id or slug "AJ777", ignored/,
    /^15 warning each ignores entry must be a mapping/,
    /^17 warning audit\.credentialsUnusedDays: unknown key, ignored \(did you mean unusedDays\?\)/,
    /^18 warning audit\.rotationDays must be a positive number of days, not number -4/,
  ];
  assert.equal(got.length, expect.length, got.join('\n'));
  for (const [i, re] of expect.entries()) assert.match(got[i], re);
  assert.deepEqual(config.rules, {});
  assert.deepEqual(config.ignorePaths, []);
  assert.deepEqual(
    config.ignores.map((i) => i.rule),
    ['AJ101'],
  );
  assert.equal(config.audit.rotationDays, 90);
});

test('a YAML error or a non-mapping file is an error problem, never a throw', () => {
  assert.equal(parseConfig('rules: [\n').problems[0].severity, 'error');
  assert.match(parseConfig('- a\n- b\n').problems[0].message, /must be a mapping/);
  assert.deepEqual(parseConfig('').problems, []);
  assert.deepEqual(parseConfig('# nothing yet\n').problems, []);
});

test('size bound: a config over 256 KB is ignored with one error, and is not read', () => {
  const big = `rules:\n  AJ301: warning\n# ${'x'.repeat(MAX_CONFIG_BYTES)}\n`;
  const parsed = parseConfig(big);
  assert.equal(parsed.problems.length, 1);
  assert.match(parsed.problems[0].message, /over the 256 KB a project config may be: it is ignored/);
  assert.deepEqual(parsed.config.rules, {});
  const dir = mkdtempSync(join(tmpdir(), 'ajar-cfg-'));
  try {
    writeFileSync(join(dir, '.ajar.yaml'), big);
    const loaded = loadConfigFor(join(dir, 't.yaml'), dir);
    assert.equal(loaded.file, join(dir, '.ajar.yaml'));
    assert.equal(loaded.problems.length, 1);
    assert.equal(loaded.problems[0].severity, 'error');
    assert.deepEqual(loaded.config.rules, {});
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sweeping suppressions need a reason like any other (AJ001); TODO: placeholders do not count', () => {
  const sweeping = [
    'rules:',
    '  AJ101: off',
    '  AJ102: {severity: off, reason: "TODO: explain why this is acceptable"}',
    'ignorePaths: ["**"]',
    'ignores:',
    '  - rule: "*"',
    '',
  ].join('\n');
  const { config, problems } = parseConfig(sweeping);
  assert.deepEqual(
    problems.map((p) => `${p.ruleId} ${p.severity} ${p.range!.start.line + 1}`),
    ['AJ001 warning 2', 'AJ001 warning 3', 'AJ001 warning 4', 'AJ001 warning 6'],
  );
  assert.match(problems[0].message, /AJ101 \(public-resource-policy\) is turned off for every file without a reason/);
  assert.match(problems[1].message, /with a placeholder reason/);
  assert.match(problems[2].message, /ignorePaths "\*\*" skips every file without a reason/);
  assert.match(problems[3].message, /ignore of every rule everywhere has no reason/);
  // They still apply (as a reason-less Metadata suppression does): the finding is the AJ001.
  assert.equal(config.rules.AJ101, 'off');
  assert.deepEqual(config.ignorePaths, ['**']);
  assert.equal(config.ignores[0].rule, '*');
  const reasoned = parseConfig(
    [
      'rules:',
      '  AJ101: {severity: off, reason: policies are reviewed in the access-analyzer stack}',
      'ignorePaths:',
      '  - path: "**"',
      '    reason: this repository holds test fixtures only',
      'ignores:',
      '  - rule: "*"',
      '    resource: Legacy',
      '    reason: retired next quarter',
      '',
    ].join('\n'),
  );
  assert.deepEqual(reasoned.problems, []);
  assert.equal(reasoned.config.rules.AJ101, 'off');
  assert.deepEqual(reasoned.config.ignorePaths, ['**']);
});

test('the .ajar.yaml lookup stops at the repository root (.git) and at the workspace folder', () => {
  const top = mkdtempSync(join(tmpdir(), 'ajar-walk-'));
  try {
    // top/.ajar.yaml is outside the repository top/repo: it must not apply to files in it.
    writeFileSync(join(top, '.ajar.yaml'), 'rules:\n  AJ301: error\n');
    mkdirSync(join(top, 'repo', '.git'), { recursive: true });
    mkdirSync(join(top, 'repo', 'stacks'), { recursive: true });
    const file = join(top, 'repo', 'stacks', 't.yaml');
    assert.equal(findConfigFile(file), null);
    assert.equal(loadConfigFor(file).file, null);
    // A config at the repository root applies.
    writeFileSync(join(top, 'repo', '.ajar.yaml'), 'rules:\n  AJ301: error\n');
    assert.equal(findConfigFile(file), join(top, 'repo', '.ajar.yaml'));
    // Without .git, the workspace folder bounds the walk.
    rmSync(join(top, 'repo', '.ajar.yaml'));
    rmSync(join(top, 'repo', '.git'), { recursive: true });
    assert.equal(findConfigFile(file, join(top, 'repo')), null);
    assert.equal(findConfigFile(file), join(top, '.ajar.yaml'));
  } finally {
    rmSync(top, { recursive: true, force: true });
  }
});

test('a repeated key is a problem at the repeat, naming the first; the last value is read', () => {
  const text =
    'rules:\n  AJ201: error\n  AJ201: off\nignores:\n  - rule: AJ301\n    reason: vault keys\n    reason: other\nrules:\n  AJ111: error\n';
  const { config, problems } = parseConfig(text, '/p/.ajar.yaml');
  const dup = problems.filter((p) => /repeated key/.test(p.message));
  assert.deepEqual(
    dup.map((p) => [p.range?.start.line, p.range?.start.character, p.range?.end.character, p.severity, p.message]),
    [
      [2, 2, 7, 'warning', 'AJ201: repeated key (first on line 2): only this last value is read, the first is ignored'],
      [
        6,
        4,
        10,
        'warning',
        'reason: repeated key (first on line 6): only this last value is read, the first is ignored',
      ],
      [7, 0, 5, 'warning', 'rules: repeated key (first on line 1): only this last value is read, the first is ignored'],
    ],
  );
  // The last `rules:` is the one read (AJ201 is not configured), the last reason too.
  assert.deepEqual(config.rules, { AJ111: 'error' });
  assert.equal(config.ignores[0]?.reason, 'other');
  assert.deepEqual(
    parseConfig('rules:\n  AJ201: error\n  AJ111: off\n').problems.filter((p) => /repeated/.test(p.message)),
    [],
  );
});
