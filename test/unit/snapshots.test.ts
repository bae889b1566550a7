/**
 * Rendered snapshots of findings, per rule (as Ruff and cfn-lint keep them): every input under
 * test/snapshots/<RULEID>/ is linted with the engine, every finding of every rule is rendered as
 *
 *   RULE  line:col-line:col  severity  resource  message
 *     at: <the source text in that range, JSON-quoted, cut at 80 characters>
 *     fix: <title> [<kind>]
 *
 * (1-based lines and columns, UTF-16 columns as LSP counts them; findings a suppression removed
 * follow as `suppressed (by: reason): ...`), and the rendering of all of a rule's inputs is
 * compared with test/snapshots/<RULEID>/<RULEID>.snap. A missing or different
 * .snap fails; UPDATE_SNAPSHOTS=1 writes them (then review the diff: a snapshot is only as good
 * as the reading it got). Every rule in the registry must have a folder, and must be reported by
 * at least one of its own inputs, so a rule cannot be covered by near-misses alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixesFor, lintText, RULES, type Finding } from '../../server/src/engine';

const ROOT = join(__dirname, '..', 'snapshots');
const UPDATE = !!process.env.UPDATE_SNAPSHOTS;
const INPUT = /\.(ya?ml|json|template)$/;

function inputsOf(ruleId: string): string[] {
  const dir = join(ROOT, ruleId);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => INPUT.test(n) && statSync(join(dir, n)).isFile())
    .sort();
}

const pos = (p: { line: number; character: number }) => `${p.line + 1}:${p.character + 1}`;

/** The text a range covers, so that a reviewer sees what a finding points at without counting. */
function excerpt(text: string, f: Finding): string {
  const s = text.slice(f.span.start, f.span.end);
  return JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}…` : s);
}

function renderFinding(text: string, f: Finding, fixTitles: string[]): string {
  const head = `${f.ruleId}  ${pos(f.range.start)}-${pos(f.range.end)}  ${f.severity}  ${f.resource ?? '-'}  ${f.message}`;
  return [head, `  at: ${excerpt(text, f)}`, ...fixTitles.map((t) => `  fix: ${t}`)].join('\n');
}

/** The rendering of one input: a header, then its findings in document order. */
function renderInput(ruleId: string, name: string): { text: string; rules: Set<string> } {
  // A repository-relative name: classification reads it (cdk.out/, *.template), output stays stable.
  const fileName = `test/snapshots/${ruleId}/${name}`;
  const input = readFileSync(join(ROOT, ruleId, name), 'utf8');
  const result = lintText(input, { fileName });
  const findings = [...result.findings].sort(
    (a, b) => a.span.start - b.span.start || a.span.end - b.span.end || a.ruleId.localeCompare(b.ruleId),
  );
  const lines = [`== ${name}  (${result.kind}, ${findings.length} finding${findings.length === 1 ? '' : 's'})`];
  for (const f of findings) {
    const fixes = fixesFor(result, f, fileName).map((x) => `${x.title} [${x.kind}]`);
    lines.push(renderFinding(result.text, f, fixes));
  }
  for (const s of result.suppressed) {
    lines.push(`suppressed (${s.by}${s.reason ? `: ${s.reason}` : ''}): ${renderFinding(result.text, s.finding, [])}`);
  }
  return { text: lines.join('\n'), rules: new Set(findings.map((f) => f.ruleId)) };
}

test('snapshots: every folder under test/snapshots is a rule in the registry', () => {
  const ids = new Set(RULES.map((r) => r.id));
  const stray = readdirSync(ROOT).filter((n) => statSync(join(ROOT, n)).isDirectory() && !ids.has(n));
  assert.deepEqual(stray, [], 'folders that name no rule');
});

for (const rule of RULES) {
  test(`snapshots: ${rule.id} ${rule.slug}`, () => {
    const names = inputsOf(rule.id);
    assert.ok(names.length >= 3, `test/snapshots/${rule.id}/ holds at least 3 inputs (has ${names.length})`);
    assert.ok(
      names.some((n) => n.endsWith('.json')) && names.some((n) => /\.(ya?ml|template)$/.test(n)),
      `test/snapshots/${rule.id}/ holds both YAML and JSON inputs`,
    );
    const rendered = names.map((n) => renderInput(rule.id, n));
    assert.ok(
      rendered.some((r) => r.rules.has(rule.id)),
      `${rule.id} is reported by at least one input in test/snapshots/${rule.id}/`,
    );
    const actual = `${rendered.map((r) => r.text).join('\n\n')}\n`;
    const snapFile = join(ROOT, rule.id, `${rule.id}.snap`);
    if (UPDATE) writeFileSync(snapFile, actual);
    assert.ok(existsSync(snapFile), `${snapFile} exists (create it with UPDATE_SNAPSHOTS=1, then review it)`);
    assert.equal(
      actual,
      readFileSync(snapFile, 'utf8'),
      `${rule.id}.snap is up to date (UPDATE_SNAPSHOTS=1 rewrites it)`,
    );
  });
}
