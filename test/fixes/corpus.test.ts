/**
 * Property over the peer corpus (test/fixtures/peers, read-only): for every finding that has
 * fixes, applying each fix yields a document that still parses (no new AJ000), no longer has that
 * finding at that resource (one fewer of rule@resource; none left after a suppression), and has
 * no finding that was not there before, except the reminder of the placeholder the fix left: a
 * suppression's `TODO:` reason is AJ001 at that resource, an inserted placeholder value AJ002.
 * Findings without a fix are listed in the test output.
 *
 * Excluded (no fix is offered, so nothing to check):
 *  - policies written as escaped JSON strings (a JSON template's string, a YAML quoted string):
 *    edits inside escapes are not offered, only the suppression (a YAML `|` block is fixed).
 *  - `!Base64 |` UserData holding an access key (AJ303): a tagged block cannot also be a `!Sub`.
 *  - AJ301 (long-lived access key): the real fix is operational (use roles); the quick fix
 *    deactivates the key (`Status: Inactive`), beside the suppression.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { lintText, fixesFor } from '../../server/src/engine';
import { applyEdits, grown, tally } from './helpers';

const ROOT = resolve(__dirname, '../fixtures/peers');

function walk(dir: string, out: string[]): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(json|ya?ml|template)$/i.test(name) && name !== 'expected.json') out.push(p);
  }
  return out;
}

const files = existsSync(ROOT) ? walk(ROOT, []) : [];

test('the peer corpus is present', () => {
  assert.ok(files.length > 100, `corpus not found under ${ROOT}`);
});

let fixed = 0;
const withoutFix = new Map<string, number>();

for (const file of files) {
  const rel = file.slice(ROOT.length + 1);
  test(`corpus fixes: ${rel}`, () => {
    const original = readFileSync(file, 'utf8');
    // Each file as it is, and with its line endings swapped (LF <-> CRLF): fixes keep them.
    const swapped = original.includes('\r\n') ? original.replace(/\r\n/g, '\n') : original.replace(/\n/g, '\r\n');
    const problems: string[] = [];
    for (const text of [original, swapped]) check(text, problems);
    assert.deepEqual(problems, []);
  });

  function check(text: string, problems: string[]): void {
    const crlf = text.includes('\r\n');
    const before = lintText(text, { fileName: file });
    const b = tally(before.findings);
    const hadUnreadable = before.findings.some((f) => f.ruleId === 'AJ000');
    for (const f of before.findings) {
      const fixes = fixesFor(before, f);
      if (!fixes.some((x) => x.kind !== 'suppress')) withoutFix.set(f.ruleId, (withoutFix.get(f.ruleId) ?? 0) + 1);
      for (const fx of fixes) {
        fixed++;
        const label = `${f.ruleId}@${f.resource} line ${f.range.start.line + 1} "${fx.title}"`;
        const out = applyEdits(before.text, fx.edits);
        if (crlf && fx.edits.some((e) => /(^|[^\r])\n/.test(e.newText)))
          problems.push(`${label}: LF line break in a CRLF document`);
        const after = lintText(out, { fileName: file });
        if (!hadUnreadable && after.findings.some((x) => x.ruleId === 'AJ000'))
          problems.push(`${label}: no longer parses`);
        const a = tally(after.findings);
        const key = `${f.ruleId}@${f.resource}`;
        if ((a.get(key) ?? 0) >= (b.get(key) ?? 0)) problems.push(`${label}: finding still there`);
        if (fx.kind === 'suppress' && a.get(key)) problems.push(`${label}: suppression left ${a.get(key)}`);
        // The placeholder a fix leaves is reported until a person fills it in, and only then.
        const reminder = fx.kind === 'suppress' ? `AJ001@${f.resource}` : fx.placeholder ? `AJ002@${f.resource}` : '';
        if (fx.placeholder && reminder && !a.get(reminder)) problems.push(`${label}: placeholder not reported`);
        if (!fx.placeholder && fx.kind === 'suppress') problems.push(`${label}: suppression without a placeholder`);
        const added = grown(b, a).filter((k) => k !== reminder);
        if (added.length) problems.push(`${label}: new findings ${added.join(', ')}`);
      }
    }
  }
}

test('corpus fixes: summary', () => {
  assert.ok(fixed > 300, `fixes applied: ${fixed}`);
  console.log(
    `fixes applied: ${fixed}; findings without a fix (suppression only): ${JSON.stringify(Object.fromEntries(withoutFix))}`,
  );
});
