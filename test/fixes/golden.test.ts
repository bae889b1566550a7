/**
 * Golden tests of the quick fixes: each case applies one fix to golden/<case>.input.<ext> and
 * compares the result byte for byte with golden/<case>.expected.<ext>; the result must parse,
 * re-lint without the targeted finding, and have no finding that was not there before.
 * A fix that leaves a placeholder marks it (the editor selects it) and the placeholder is reported
 * until a person fills it in (rules.md): a suppression's reason "TODO: explain why this is
 * acceptable" is AJ001 at that resource, an organization id `o-xxxxxxxxxx` is AJ002 on the
 * placeholder's own text. A missing expected file fails the case; UPDATE_GOLDEN=1 writes or
 * regenerates expected files (then review!).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { lintText, fixesFor } from '../../server/src/engine';
import { applyEdits, grown, tally } from './helpers';

const DIR = join(__dirname, 'golden');

interface Case {
  name: string;
  ext: 'yaml' | 'json';
  rule: string;
  kind: string;
  resource?: string | null;
  /** Findings (rule@resource) the fix is allowed to leave or add. */
  allow?: string[];
}

const CASES: Case[] = [
  { name: 'aj201-instance-block', ext: 'yaml', rule: 'AJ201', kind: 'require-imdsv2' },
  { name: 'aj201-launchtemplate-flow', ext: 'yaml', rule: 'AJ201', kind: 'require-imdsv2' },
  { name: 'aj201-launchconfig-crlf', ext: 'yaml', rule: 'AJ201', kind: 'require-imdsv2' },
  { name: 'aj201-launchtemplate', ext: 'json', rule: 'AJ201', kind: 'require-imdsv2' },
  { name: 'aj201-instance-options', ext: 'json', rule: 'AJ201', kind: 'require-imdsv2' },
  { name: 'aj101-account-block', ext: 'yaml', rule: 'AJ101', kind: 'restrict-to-account' },
  { name: 'aj101-account-merge', ext: 'yaml', rule: 'AJ101', kind: 'restrict-to-account' },
  { name: 'aj101-org-flow', ext: 'yaml', rule: 'AJ101', kind: 'restrict-to-organization' },
  { name: 'aj101-root', ext: 'json', rule: 'AJ101', kind: 'replace-with-account-root' },
  { name: 'aj101-policy', ext: 'json', rule: 'AJ101', kind: 'restrict-to-account', resource: null },
  { name: 'aj101-policy-root', ext: 'json', rule: 'AJ101', kind: 'replace-with-account-root', resource: null },
  { name: 'aj101-org-params', ext: 'json', rule: 'AJ101', kind: 'restrict-to-organization' },
  { name: 'aj101-root-crlf', ext: 'yaml', rule: 'AJ101', kind: 'replace-with-account-root' },
  { name: 'aj101-parameter', ext: 'yaml', rule: 'AJ101', kind: 'restrict-to-account' },
  { name: 'aj201-noprops', ext: 'yaml', rule: 'AJ201', kind: 'require-imdsv2' },
  { name: 'aj201-tabs', ext: 'json', rule: 'AJ201', kind: 'require-imdsv2' },
  { name: 'aj111-only-prop', ext: 'yaml', rule: 'AJ111', kind: 'remove-public-acl' },
  { name: 'aj102-json-block', ext: 'yaml', rule: 'AJ102', kind: 'restrict-to-account' },
  { name: 'aj102-json-block-root', ext: 'yaml', rule: 'AJ102', kind: 'replace-with-account-root' },
  { name: 'aj102-role', ext: 'yaml', rule: 'AJ102', kind: 'restrict-to-account' },
  { name: 'aj103-permission', ext: 'yaml', rule: 'AJ103', kind: 'restrict-to-account' },
  { name: 'aj103-url', ext: 'json', rule: 'AJ103', kind: 'function-url-iam-auth' },
  { name: 'aj103-sam-url', ext: 'yaml', rule: 'AJ103', kind: 'function-url-iam-auth' },
  { name: 'aj111-block', ext: 'yaml', rule: 'AJ111', kind: 'remove-public-acl' },
  { name: 'aj111', ext: 'json', rule: 'AJ111', kind: 'remove-public-acl' },
  { name: 'aj112-flow', ext: 'yaml', rule: 'AJ112', kind: 'enable-public-access-block' },
  { name: 'aj112', ext: 'json', rule: 'AJ112', kind: 'enable-public-access-block' },
  { name: 'aj303-userdata', ext: 'yaml', rule: 'AJ303', kind: 'move-to-noecho-parameter' },
  { name: 'aj303-sub', ext: 'json', rule: 'AJ303', kind: 'move-to-noecho-parameter' },
  { name: 'aj303-whole-crlf', ext: 'yaml', rule: 'AJ303', kind: 'move-to-noecho-parameter' },
  { name: 'aj304-block', ext: 'yaml', rule: 'AJ304', kind: 'require-mfa-policy' },
  { name: 'aj304', ext: 'json', rule: 'AJ304', kind: 'require-mfa-policy' },
  { name: 'aj305-literal-crlf', ext: 'yaml', rule: 'AJ305', kind: 'move-to-noecho-parameter' },
  { name: 'aj305-param', ext: 'json', rule: 'AJ305', kind: 'noecho-parameter' },
  { name: 'suppress-block', ext: 'yaml', rule: 'AJ111', kind: 'suppress' },
  { name: 'suppress-existing-flow', ext: 'yaml', rule: 'AJ111', kind: 'suppress' },
  { name: 'suppress', ext: 'json', rule: 'AJ201', kind: 'suppress' },
  { name: 'suppress-metadata-crlf', ext: 'yaml', rule: 'AJ201', kind: 'suppress' },
  { name: 'aj101-policy-org', ext: 'json', rule: 'AJ101', kind: 'restrict-to-organization', resource: null },
  { name: 'aj301-deactivate', ext: 'yaml', rule: 'AJ301', kind: 'deactivate-access-key' },
  { name: 'aj302-secret', ext: 'yaml', rule: 'AJ302', kind: 'secret-to-secrets-manager' },
  { name: 'aj302-remove-output', ext: 'json', rule: 'AJ302', kind: 'remove-output' },
  { name: 'aj002-org-parameter', ext: 'yaml', rule: 'AJ002', kind: 'use-organization-parameter' },
];

for (const c of CASES) {
  test(`golden: ${c.name} (${c.rule} ${c.kind})`, () => {
    const fileName = join(DIR, `${c.name}.input.${c.ext}`);
    const input = readFileSync(fileName, 'utf8');
    const before = lintText(input, { fileName });
    const finding = before.findings.find(
      (f) => f.ruleId === c.rule && (c.resource === undefined || f.resource === c.resource),
    );
    assert.ok(finding, `${c.rule} reported on the input`);
    const fixes = fixesFor(before, finding);
    const fx = fixes.find((f) => f.kind === c.kind);
    assert.ok(fx, `a ${c.kind} fix among ${fixes.map((f) => f.kind).join(', ')}`);
    const output = applyEdits(before.text, fx.edits);

    const expectedFile = join(DIR, `${c.name}.expected.${c.ext}`);
    if (process.env.UPDATE_GOLDEN) writeFileSync(expectedFile, output);
    // A missing expected file is a failure, not a fresh golden: only UPDATE_GOLDEN=1 writes one.
    assert.ok(existsSync(expectedFile), `${expectedFile} exists (create it with UPDATE_GOLDEN=1, then review it)`);
    assert.equal(output, readFileSync(expectedFile, 'utf8'), 'output matches the golden file byte for byte');

    const after = lintText(output, { fileName });
    assert.equal(after.doc?.errors.length ?? 0, 0, 'the fixed document parses');
    assert.ok(!after.findings.some((f) => f.ruleId === 'AJ000'), 'no AJ000 after the fix');
    // The placeholder is where the fix says, and it is reported (AJ001 for a reason, AJ002 for a value).
    const marked = fx.edits.filter((e) => e.placeholder);
    assert.equal(marked.length, fx.placeholder ? 1 : 0, 'one placeholder when the fix says it has one');
    const reminders = after.findings.filter((f) => f.ruleId === 'AJ001' || f.ruleId === 'AJ002');
    if (c.kind === 'suppress') {
      assert.ok(fx.placeholder, 'a suppression leaves its reason as a placeholder');
      assert.deepEqual(
        reminders.map((f) => `${f.ruleId}@${f.resource}`),
        [`AJ001@${finding.resource}`],
        'AJ001: the TODO reason is no reason',
      );
      assert.match(reminders[0].message, /placeholder reason "TODO: explain why this is acceptable"/);
    } else if (fx.placeholder) {
      // Where the placeholder lands in the output: edits before it shift it by their length change.
      const e = marked[0];
      const shift = fx.edits
        .filter((x) => x.span.start < e.span.start)
        .reduce((n, x) => n + x.newText.length - (x.span.end - x.span.start), 0);
      const at = e.span.start + shift + e.placeholder!.start;
      const text = output.slice(at, at + e.placeholder!.end - e.placeholder!.start);
      assert.equal(text, 'o-xxxxxxxxxx', 'the placeholder span covers the placeholder');
      const aj002 = reminders.filter((f) => f.ruleId === 'AJ002');
      assert.equal(aj002.length, 1, 'AJ002 on the placeholder');
      assert.ok(aj002[0].span.start <= at && at + text.length <= aj002[0].span.end, 'AJ002 covers the placeholder');
    } else assert.deepEqual(reminders, [], 'no AJ001/AJ002 after a fix without a placeholder');
    const key = `${finding.ruleId}@${finding.resource}`;
    const b = tally(before.findings);
    const a = tally(after.findings);
    assert.ok((a.get(key) ?? 0) < (b.get(key) ?? 0), `${key} is gone after the fix`);
    const reminder =
      c.kind === 'suppress' ? `AJ001@${finding.resource}` : fx.placeholder ? `AJ002@${finding.resource}` : '';
    const added = grown(b, a).filter((k) => k !== reminder && !(c.allow ?? []).includes(k));
    assert.deepEqual(added, [], 'no new findings');
    // Line endings are kept: no LF-only line appears in a CRLF document.
    if (input.includes('\r\n')) assert.ok(!/[^\r]\n/.test(output), 'CRLF kept');
  });
}

// The same cases with the other line ending: the output is the expected file with that ending.
for (const c of CASES) {
  test(`golden (line endings swapped): ${c.name}`, () => {
    const fileName = join(DIR, `${c.name}.input.${c.ext}`);
    const original = readFileSync(fileName, 'utf8');
    const crlf = original.includes('\r\n');
    const swap = (t: string) => (crlf ? t.replace(/\r\n/g, '\n') : t.replace(/\n/g, '\r\n'));
    const input = swap(original);
    const before = lintText(input, { fileName });
    const finding = before.findings.find(
      (f) => f.ruleId === c.rule && (c.resource === undefined || f.resource === c.resource),
    );
    assert.ok(finding);
    const fx = fixesFor(before, finding).find((f) => f.kind === c.kind);
    assert.ok(fx);
    const expected = readFileSync(join(DIR, `${c.name}.expected.${c.ext}`), 'utf8');
    // JSON strings hold `\n` escapes, not line breaks: swapping real line breaks only is exact.
    assert.equal(applyEdits(before.text, fx.edits), swap(expected));
  });
}
