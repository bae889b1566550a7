/** Fix all: every safe fix (preferred, no placeholder, no suppression) in one go, idempotent. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixAllText, fixesFor, lintText, safeFix } from '../../server/src/engine';

const EXAMPLE = join(__dirname, '../../examples/template.yaml');

function tally(text: string, fileName: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const f of lintText(text, { fileName }).findings) m.set(f.ruleId, (m.get(f.ruleId) ?? 0) + 1);
  return m;
}

test('the example template: every finding with a safe fix is fixed, nothing is suppressed or left half-done', () => {
  const input = readFileSync(EXAMPLE, 'utf8');
  const before = lintText(input, { fileName: EXAMPLE });
  const safe = before.findings.filter((f) => safeFix(before, f, EXAMPLE));
  assert.ok(safe.length >= 5, `safe fixes in the example: ${safe.length}`);
  const r = fixAllText(input, { fileName: EXAMPLE });
  assert.ok(r.applied.length >= safe.length, `applied ${r.applied.length}`);
  const after = lintText(r.text, { fileName: EXAMPLE });
  assert.equal(after.doc?.errors.length, 0, 'parses');
  assert.deepEqual(
    after.findings.filter((f) => safeFix(after, f, EXAMPLE)).map((f) => f.ruleId),
    [],
    'no safe fix left',
  );
  assert.ok(!/ignore:|TODO:|o-xxxxxxxxxx/.test(input), 'the example has no suppression to start with');
  assert.ok(!/ignore:|TODO:|o-xxxxxxxxxx/.test(r.text), 'no suppression, no placeholder');
  assert.equal(after.findings.filter((f) => f.ruleId === 'AJ001' || f.ruleId === 'AJ002').length, 0);
  // Nothing new: each rule has at most the findings it had.
  const b = tally(input, EXAMPLE);
  for (const [rule, n] of tally(r.text, EXAMPLE)) assert.ok(n <= (b.get(rule) ?? 0), `${rule}: ${n} > ${b.get(rule)}`);
  // What is left has only fixes a person must choose (or none).
  for (const f of after.findings)
    for (const fx of fixesFor(after, f)) assert.ok(!fx.preferred || fx.placeholder || fx.kind === 'suppress');
  // Idempotent.
  const again = fixAllText(r.text, { fileName: EXAMPLE });
  assert.equal(again.applied.length, 0);
  assert.equal(again.text, r.text);
});

test('two fixes that insert at one place are applied in two rounds; CRLF and the BOM are kept', () => {
  const lf =
    'Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicRead\n      PublicAccessBlockConfiguration:\n        BlockPublicAcls: false\n        BlockPublicPolicy: false\n  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-1\n';
  const input = '\ufeff' + lf.replace(/\n/g, '\r\n');
  const r = fixAllText(input, { fileName: 'template.yaml' });
  assert.ok(r.text.startsWith('\ufeff'), 'BOM kept');
  assert.ok(!/[^\r]\n/.test(r.text), 'CRLF kept');
  assert.deepEqual(r.applied.map((a) => a.ruleId).sort(), ['AJ111', 'AJ112', 'AJ112', 'AJ201']);
  assert.deepEqual(
    lintText(r.text, { fileName: 'template.yaml' }).findings.map((f) => f.ruleId),
    [],
  );
});

test('a document without safe fixes is returned as it is; an unreadable one too', () => {
  const key = 'Resources:\n  K:\n    Type: AWS::IAM::AccessKey\n    Properties: {UserName: ci}\n';
  assert.deepEqual(fixAllText(key, { fileName: 'template.yaml' }), { text: key, applied: [] });
  const broken = 'Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties: {AccessControl: PublicRead\n';
  assert.equal(fixAllText(broken, { fileName: 'template.yaml' }).text, broken);
});
