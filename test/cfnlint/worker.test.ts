/**
 * Real templates through the real worker (cfn-lint 1.51 on these machines): codes, exact ranges,
 * .cfnlintrc, template Metadata, the ignoreChecks setting, append_rules refused.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  CfnLintWorker,
  type CfnDiag,
  type CfnLintLintOptions,
  type CfnLintResult,
} from '../../server/src/cfnlint/index';
import { cfnLintInterpreter, codes, tempDir, textAt, WORKER_PATH, writeFiles } from './helpers';

const YAML_CRLF = [
  'AWSTemplateFormatVersion: "2010-09-09"',
  'Resources:',
  '  Bucket:',
  '    Type: AWS::S3::Bucket',
  '    Properties:',
  '      VersioningConfiguration: {Status: "Nope"}',
  '  Queue:',
  '    Type: AWS::SQS::Queue',
  '    Properties:',
  '      DelaySeconds: "abc"',
  '      Bogus: 1',
  '',
].join('\r\n');

// Tab-indented JSON: not YAML, so cfn-lint's own JSON decoder (and its own column counting) is used.
const JSON_TABS_CRLF = [
  '{',
  '\t"AWSTemplateFormatVersion": "2010-09-09",',
  '\t"Resources": {',
  '\t\t"Q": {',
  '\t\t\t"Type": "AWS::SQS::Queue",',
  '\t\t\t"Properties": {"😀x": 1, "DelaySeconds": "abc",',
  '\t\t\t\t"Bogus": 1',
  '\t\t\t}',
  '\t\t}',
  '\t}',
  '}',
  '',
].join('\r\n');

const QUEUE = (extra = '') =>
  [
    'AWSTemplateFormatVersion: "2010-09-09"',
    extra,
    'Resources:',
    '  Queue:',
    '    Type: AWS::SQS::Queue',
    '    Properties:',
    '      DelaySeconds: "abc"',
    '      Bogus: 1',
    '',
  ].join('\n');

function find(diags: CfnDiag[], code: string): CfnDiag {
  const d = diags.find((x) => x.code === code);
  assert.ok(d, `expected ${code} in ${diags.map((x) => x.code).join(', ')}`);
  return d;
}

describe('cfn-lint worker on real templates', async () => {
  const found = await cfnLintInterpreter();
  const skip = found.skip;
  let worker: CfnLintWorker;
  let n = 0;
  const lint = async (
    text: string,
    options: CfnLintLintOptions = {},
  ): Promise<Extract<CfnLintResult, { status: 'ok' }>> => {
    const r = await worker.lint(`file:///test/${++n}`, 1, text, options);
    assert.equal(r.status, 'ok', JSON.stringify(r));
    return r as Extract<CfnLintResult, { status: 'ok' }>;
  };

  before(async () => {
    if (found.skip) return;
    worker = new CfnLintWorker({ interpreter: found.interpreter, workerPath: WORKER_PATH });
    const info = await worker.start();
    assert.ok(info, 'worker ready');
    assert.match(info.version, /^\d+\.\d+/);
  });
  after(async () => {
    await worker?.dispose();
  });

  test('YAML with CRLF: codes, severities, links and exact ranges', { skip }, async () => {
    const r = await lint(YAML_CRLF, { filename: '/nowhere/t.yaml', useConfigFiles: false });
    const d = r.diagnostics;
    assert.deepEqual(codes(d), ['E3002', 'E3012', 'E3030']);
    assert.equal(textAt(YAML_CRLF, find(d, 'E3012')), 'DelaySeconds');
    assert.deepEqual(find(d, 'E3012').range, { start: { line: 9, character: 6 }, end: { line: 9, character: 18 } });
    assert.equal(textAt(YAML_CRLF, find(d, 'E3002')), 'Bogus');
    assert.equal(textAt(YAML_CRLF, find(d, 'E3030')), 'Status');
    for (const x of d) {
      assert.equal(x.source, 'cfn-lint');
      assert.equal(x.severity, 'error');
      assert.match(x.href, /^https:\/\//);
    }
    assert.deepEqual(find(d, 'E3012').path, ['Resources', 'Queue', 'Properties', 'DelaySeconds']);
  });

  test('tab-indented JSON with CRLF and an astral character: UTF-16 ranges', { skip }, async () => {
    const r = await lint(JSON_TABS_CRLF, { filename: '/nowhere/t.json', useConfigFiles: false });
    const d = r.diagnostics;
    const texts = d.map((x) => `${x.code} ${textAt(JSON_TABS_CRLF, x)}`).sort();
    assert.deepEqual(texts, ['E3002 "Bogus"', 'E3002 "😀x"', 'E3012 "DelaySeconds"']);
    assert.deepEqual(find(d, 'E3012').range, { start: { line: 5, character: 28 }, end: { line: 5, character: 42 } });
  });

  test("a broken template gives cfn-lint's E0000, inside the document", { skip }, async () => {
    const text = 'Resources:\n  Queue:\n    Type: [AWS::SQS::Queue\n';
    const r = await lint(text, { useConfigFiles: false });
    assert.deepEqual(codes(r.diagnostics), ['E0000']);
    const e = r.diagnostics[0];
    assert.ok(e.range.start.line <= 3 && e.range.start.line >= 0);
    assert.equal(e.severity, 'error');
    // The worker is still fine afterwards.
    const ok = await lint(QUEUE(), { useConfigFiles: false });
    assert.deepEqual(codes(ok.diagnostics), ['E3002', 'E3012']);
  });

  test('informational rules with includeChecks, mapped to information', { skip }, async () => {
    const text =
      'Resources:\n  T:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      KeySchema: [{AttributeName: id, KeyType: HASH}]\n' +
      '      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]\n      BillingMode: PAY_PER_REQUEST\n';
    const without = await lint(text, { useConfigFiles: false });
    assert.deepEqual(codes(without.diagnostics), []);
    const withI = await lint(text, { useConfigFiles: false, includeChecks: ['I'] });
    const i = find(withI.diagnostics, 'I3011');
    assert.equal(i.severity, 'information');
    assert.equal(textAt(text, i), 'T');
  });

  test('the nearest .cfnlintrc above the template applies, up to the workspace root', { skip }, async () => {
    const root = tempDir();
    writeFiles(root, {
      '.cfnlintrc': 'ignore_checks:\n  - E3012\n',
      'stacks/app/queue.yaml': QUEUE(),
    });
    const file = path.join(root, 'stacks/app/queue.yaml');
    const r = await lint(QUEUE(), { filename: file, root });
    assert.deepEqual(codes(r.diagnostics), ['E3002']);
    assert.equal(r.configFile, path.join(root, '.cfnlintrc'));
    // A nearer one wins (as cfn-lint run from that folder would read it).
    writeFiles(root, { 'stacks/.cfnlintrc.yaml': 'ignore_checks: [E3002]\n' });
    const nearer = await lint(QUEUE(), { filename: file, root });
    assert.deepEqual(codes(nearer.diagnostics), ['E3012']);
    // The search stops at the workspace root: a .cfnlintrc above it is not read.
    const inner = path.join(root, 'stacks', 'app');
    const stopped = await lint(QUEUE(), { filename: file, root: inner });
    assert.deepEqual(codes(stopped.diagnostics), ['E3002', 'E3012']);
    assert.equal(stopped.configFile, null);
    // useConfigFiles: false ignores it all.
    const off = await lint(QUEUE(), { filename: file, root, useConfigFiles: false });
    assert.deepEqual(codes(off.diagnostics), ['E3002', 'E3012']);
  });

  test('ignore_templates in .cfnlintrc: the template is not linted, as on the command line', { skip }, async () => {
    const root = tempDir();
    writeFiles(root, {
      '.cfnlintrc': 'ignore_templates:\n  - vendor/**/*.yaml\n',
      'vendor/x/q.yaml': QUEUE(),
      'own/q.yaml': QUEUE(),
    });
    const ignored = await lint(QUEUE(), { filename: path.join(root, 'vendor/x/q.yaml'), root });
    assert.deepEqual(ignored.diagnostics, []);
    assert.ok(ignored.notices.some((s) => /ignore_templates/.test(s)));
    const linted = await lint(QUEUE(), { filename: path.join(root, 'own/q.yaml'), root });
    assert.deepEqual(codes(linted.diagnostics), ['E3002', 'E3012']);
  });

  test('an explicit configFile, and an invalid .cfnlintrc reported as a diagnostic, not a crash', {
    skip,
  }, async () => {
    const root = tempDir();
    writeFiles(root, { 'my-rc.yaml': 'ignore_checks: [E3002, E3012]\n', 'bad/.cfnlintrc': 'no_such_key: 1\n' });
    const r = await lint(QUEUE(), { filename: path.join(root, 'x.yaml'), configFile: path.join(root, 'my-rc.yaml') });
    assert.deepEqual(codes(r.diagnostics), []);
    const bad = await lint(QUEUE(), { filename: path.join(root, 'bad/x.yaml'), root });
    assert.deepEqual(codes(bad.diagnostics), ['E0003']);
    assert.match(bad.diagnostics[0].message, /no_such_key/);
  });

  test('template Metadata cfn-lint config and resource-level ignore_checks are honoured', { skip }, async () => {
    const top = 'Metadata:\n  cfn-lint:\n    config:\n      ignore_checks: [E3002]';
    const r = await lint(QUEUE(top), { useConfigFiles: false });
    assert.deepEqual(codes(r.diagnostics), ['E3012']);
    const resourceLevel = [
      'Resources:',
      '  Queue:',
      '    Type: AWS::SQS::Queue',
      '    Metadata:',
      '      cfn-lint:',
      '        config:',
      '          ignore_checks: [E3012]',
      '    Properties:',
      '      DelaySeconds: "abc"',
      '  Other:',
      '    Type: AWS::SQS::Queue',
      '    Properties:',
      '      DelaySeconds: "abc"',
      '',
    ].join('\n');
    const rl = await lint(resourceLevel, { useConfigFiles: false });
    assert.deepEqual(
      rl.diagnostics.map((d) => `${d.code}@${d.range.start.line}`),
      ['E3012@12'],
    );
  });

  test('ajar.cfnLint.ignoreChecks adds to .cfnlintrc and Metadata instead of replacing them', { skip }, async () => {
    const root = tempDir();
    writeFiles(root, { '.cfnlintrc': 'ignore_checks: [E3012]\n' });
    const file = path.join(root, 't.yaml');
    const r = await lint(QUEUE(), { filename: file, root, ignoreChecks: ['E3002'] });
    assert.deepEqual(codes(r.diagnostics), []);
    const prefix = await lint(QUEUE(), { useConfigFiles: false, ignoreChecks: ['E30'] });
    assert.deepEqual(codes(prefix.diagnostics), []);
  });

  test('append_rules from a workspace .cfnlintrc or template Metadata is refused: no workspace code runs', {
    skip,
  }, async () => {
    // cfn-lint's --append-rules imports every .py in the folder; this one would leave a marker.
    const root = tempDir();
    const marker = path.join(root, 'PWNED');
    writeFiles(root, {
      '.cfnlintrc': 'append_rules:\n  - ./rules\n',
      'rules/evil.py': `open(${JSON.stringify(marker)}, "w").write("ran")\n`,
      'rules/__init__.py': '',
    });
    const file = path.join(root, 't.yaml');
    const r = await lint(QUEUE(), { filename: file, root });
    assert.equal(existsSync(marker), false, 'workspace rule code must not run');
    assert.deepEqual(codes(r.diagnostics), ['E3002', 'E3012'], "cfn-lint's own rules still run");
    assert.ok(
      r.notices.some((s) => /append_rules/.test(s)),
      r.notices.join('; '),
    );

    const meta = 'Metadata:\n  cfn-lint:\n    config:\n      append_rules: [./rules]';
    const m = await lint(QUEUE(meta), { filename: file, root, useConfigFiles: false });
    assert.equal(existsSync(marker), false);
    assert.ok(m.notices.some((s) => /append_rules/.test(s)));
  });

  test('regions: the setting is a default, template Metadata wins; a bad region is a diagnostic', {
    skip,
  }, async () => {
    const bad = await lint(QUEUE(), { useConfigFiles: false, regions: ['xx-nowhere-1'] });
    assert.deepEqual(codes(bad.diagnostics), ['E0003']);
    const meta = 'Metadata:\n  cfn-lint:\n    config:\n      regions: [us-west-2]';
    const good = await lint(QUEUE(meta), { useConfigFiles: false, regions: ['xx-nowhere-1'] });
    assert.deepEqual(codes(good.diagnostics), ['E3002', 'E3012']);
  });

  test("warm: a small template costs only cfn-lint's own analysis", { skip }, async () => {
    const r = await lint(QUEUE(), { useConfigFiles: false });
    // CPU, not wall time: these machines are often busy. The command line needs seconds of CPU
    // for the same template (interpreter start, import, rule loading).
    assert.ok(r.workerCpuMs > 0 && r.workerCpuMs < 1000, `workerCpuMs ${r.workerCpuMs}`);
  });
});
