/**
 * Shared helpers for the rule tests: lint a text, pick findings, and compute the expected LSP range
 * of a piece of text independently of the engine's LineIndex (so a wrong range cannot agree with
 * itself).
 */
import assert from 'node:assert/strict';
import { lintText, type Finding, type LintResult } from '../../../server/src/engine';
import type { AjarConfig } from '../../../server/src/engine';

export function lint(text: string, fileName = 'template.yaml', config?: AjarConfig): LintResult {
  return lintText(text, { fileName, config });
}

export function findings(text: string, ruleId: string, fileName = 'template.yaml', config?: AjarConfig): Finding[] {
  return lint(text, fileName, config).findings.filter((f) => f.ruleId === ruleId);
}

export interface Loc {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

/** Position of an offset, counting LF, CRLF and lone CR as line ends (UTF-16 characters). */
export function posOf(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    const c = text[i];
    if (c === '\n') {
      line++;
      lineStart = i + 1;
    } else if (c === '\r') {
      if (text[i + 1] === '\n') i++;
      line++;
      lineStart = i + 1;
    }
  }
  return { line, character: offset - lineStart };
}

/** The range of the `nth` (0-based) occurrence of `needle` in `text`. */
export function loc(text: string, needle: string, nth = 0): Loc {
  let i = -1;
  for (let k = 0; k <= nth; k++) {
    i = text.indexOf(needle, i + 1);
    if (i < 0) throw new Error(`occurrence ${nth} of ${JSON.stringify(needle)} not in text`);
  }
  return { start: posOf(text, i), end: posOf(text, i + needle.length) };
}

/** The range of `needle` found after the first occurrence of `anchor` (for repeated texts). */
export function locAfter(text: string, anchor: string, needle: string): Loc {
  const a = text.indexOf(anchor);
  if (a < 0) throw new Error(`anchor ${JSON.stringify(anchor)} not in text`);
  const i = text.indexOf(needle, a + anchor.length);
  if (i < 0) throw new Error(`${JSON.stringify(needle)} not after ${JSON.stringify(anchor)}`);
  return { start: posOf(text, i), end: posOf(text, i + needle.length) };
}

/** Exactly one finding of `ruleId`; returns it. */
export function one(text: string, ruleId: string, fileName = 'template.yaml', config?: AjarConfig): Finding {
  const fs = findings(text, ruleId, fileName, config);
  assert.equal(
    fs.length,
    1,
    `expected one ${ruleId} finding, got ${fs.length}: ${JSON.stringify(fs.map((f) => [f.message, f.range]))}`,
  );
  return fs[0];
}

export function none(text: string, ruleId: string, fileName = 'template.yaml', config?: AjarConfig): void {
  const fs = findings(text, ruleId, fileName, config);
  assert.equal(fs.length, 0, `expected no ${ruleId} finding, got: ${JSON.stringify(fs.map((f) => f.message))}`);
}

/** Assert a finding's id, severity, resource and exact range. */
export function expectFinding(
  f: Finding,
  want: { ruleId: string; severity: string; resource: string | null; range: Loc; message?: (RegExp | string)[] },
): void {
  assert.equal(f.ruleId, want.ruleId);
  assert.equal(f.severity, want.severity, `severity of ${f.message}`);
  assert.equal(f.resource, want.resource, 'resource');
  assert.deepEqual(f.range, want.range, `range of ${f.message}`);
  for (const m of want.message ?? []) {
    if (typeof m === 'string')
      assert.ok(f.message.includes(m), `message ${JSON.stringify(f.message)} should include ${JSON.stringify(m)}`);
    else assert.match(f.message, m);
  }
  // Never a zero-width range.
  assert.ok(f.span.end > f.span.start, 'non-empty span');
}

/** Dedent a template literal (strip the common leading indentation and the first newline). */
export function y(strings: TemplateStringsArray, ...vals: unknown[]): string {
  let s = strings.reduce((acc, str, i) => acc + str + (i < vals.length ? String(vals[i]) : ''), '');
  s = s.replace(/^\n/, '');
  const lines = s.split('\n');
  const ind = Math.min(...lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length));
  return lines.map((l) => l.slice(ind)).join('\n');
}

/** A one-resource YAML template around a policy resource. */
export const json = (v: unknown) => JSON.stringify(v, null, 2);
