/**
 * The peer corpus (test/fixtures/peers; provenance and licenses in its NOTICE.md): Ajar's findings
 * must match expected.json exactly, per rules.md. `unsettled` rules are ignored in their file,
 * `clean` entries always hold.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { lintText } from '../../server/src/engine';

const ROOT = resolve(__dirname, '../fixtures/peers');

interface Expected {
  file: string;
  kind: string;
  findings: {
    rule: string;
    resource: string | null;
    line: number;
    severity: string;
    bucket?: string;
    deploy_rejected?: boolean;
    via?: string;
  }[];
  clean: { rule: string; resource: string }[];
  unsettled?: string[];
}

const expected: Expected[] = existsSync(join(ROOT, 'expected.json'))
  ? JSON.parse(readFileSync(join(ROOT, 'expected.json'), 'utf8'))
  : [];

test('the peer corpus is present', () => {
  assert.ok(expected.length > 100, `expected.json not found under ${ROOT}`);
});

for (const e of expected) {
  test(`corpus: ${e.file}`, () => {
    const file = join(ROOT, e.file);
    const text = readFileSync(file, 'utf8');
    const result = lintText(text, { fileName: file });
    assert.equal(result.kind, e.kind, 'document kind');
    const unsettled = new Set(e.unsettled ?? []);
    const actual = result.findings
      .filter((f) => !unsettled.has(f.ruleId))
      .map((f) => `${f.ruleId} ${f.resource} line ${f.range.start.line + 1} ${f.severity}`)
      .sort();
    const want = e.findings
      .filter((f) => !unsettled.has(f.rule))
      .map((f) => `${f.rule} ${f.resource} line ${f.line} ${f.severity}`)
      .sort();
    assert.deepEqual(actual, want);
    for (const c of e.clean) {
      assert.ok(
        !result.findings.some((f) => f.ruleId === c.rule && f.resource === c.resource),
        `${c.rule} must not fire on ${c.resource}`,
      );
    }
    // Extra facts the messages must carry.
    for (const f of e.findings) {
      const hit = result.findings.find(
        (x) => x.ruleId === f.rule && x.resource === f.resource && x.range.start.line + 1 === f.line,
      );
      if (!hit) continue;
      if (f.bucket) assert.equal(hit.data?.bucket, f.bucket, 'bucket of the policy');
      if (f.deploy_rejected) assert.match(hit.message, /reject/, 'message says deployment will be rejected');
      if (f.via) {
        const cond = /condition (\S+)/.exec(f.via)?.[1]?.replace(/,$/, '');
        const param = /parameter (\S+)/.exec(f.via)?.[1];
        assert.ok(cond || param, `via names a condition or parameter: ${f.via}`);
        assert.ok(hit.message.includes((cond ?? param)!), `message names ${cond ?? param}: ${hit.message}`);
      }
    }
  });
}
