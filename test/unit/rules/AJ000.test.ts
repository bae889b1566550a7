/** AJ000 unreadable-document: metadata, messages and positions, partial reading. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ruleByIdOrSlug } from '../../../server/src/engine';
import { lint, loc, posOf } from './util';

test('AJ000 metadata: error, slug, by id and slug', () => {
  const r = ruleByIdOrSlug('AJ000')!;
  assert.equal(r.slug, 'unreadable-document');
  assert.equal(r.severity, 'error');
  assert.equal(ruleByIdOrSlug('unreadable-document')?.id, 'AJ000');
});

test('YAML: parser message at the parser position; what can be read is still linted', () => {
  const t =
    'Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicReadWrite\n  C:\n    Type: x\n   bad: 1\n';
  const r = lint(t);
  const f = r.findings.find((x) => x.ruleId === 'AJ000')!;
  assert.match(f.message, /^cannot read this YAML document: All mapping items must start at the same column/);
  assert.equal(f.resource, null);
  assert.equal(f.range.start.line, 7);
  const acl = r.findings.find((x) => x.ruleId === 'AJ111')!;
  assert.deepEqual(acl.range, loc(t, 'PublicReadWrite'));
});

test('JSON: parser message at the parser position; partial tree linted', () => {
  const t =
    '{"Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {"AccessControl": "PublicReadWrite"}}, "C": }}';
  const r = lint(t, 'template.json');
  const f = r.findings.find((x) => x.ruleId === 'AJ000')!;
  assert.match(f.message, /^cannot read this JSON document: JSON: value expected/);
  assert.deepEqual(f.range.start, posOf(t, t.indexOf('}}', t.indexOf('"C"'))));
  assert.ok(r.findings.some((x) => x.ruleId === 'AJ111'));
});

test('kind is guessed from the name for unreadable templates and policies', () => {
  assert.equal(lint('{', 'template.json').kind, 'cloudformation');
  assert.equal(lint('{', 'bucket.policy.json').kind, 'policy');
  assert.equal(lint('{', 'cdk.out/App.template.json').kind, 'cdk');
});

test('AJ000 can be re-graded or turned off like any rule', async () => {
  const { parseConfig } = await import('../../../server/src/engine');
  const off = parseConfig('rules:\n  unreadable-document: off\n').config;
  assert.deepEqual(lint('{', 'template.json', off).findings, []);
  const warn = parseConfig('rules:\n  AJ000: warning\n').config;
  assert.equal(lint('{', 'template.json', warn).findings[0].severity, 'warning');
});
