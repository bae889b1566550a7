/**
 * What the language server must publish for a text, and what no published range may do: the
 * oracle shared by the corpus protocol test and the edit fuzzer (test/fuzz/, bench/fuzz.ts).
 *
 * Expected diagnostics come from the engine in this process (`lintText` on the same text, the same
 * name and the default settings), turned into LSP terms independently of server/src/lsp.
 */
import type { Diagnostic, Position, Range } from 'vscode-languageserver-protocol';
import { lintText, type Finding } from '../../server/src/engine';

/** A diagnostic reduced to what the editor shows. */
export interface Shown {
  code: string;
  severity: number;
  message: string;
  range: Range;
}

const SEVERITY: Record<Finding['severity'], number> = { error: 1, warning: 2, information: 3 };

export function shownFromFinding(f: Finding, bomLength: number): Shown {
  const shift = (p: Position): Position =>
    bomLength && p.line === 0 ? { line: 0, character: p.character + bomLength } : { ...p };
  return {
    code: f.ruleId,
    severity: SEVERITY[f.severity],
    message: f.message,
    range: { start: shift(f.range.start), end: shift(f.range.end) },
  };
}

export function shownFromDiagnostic(d: Diagnostic): Shown {
  return { code: String(d.code), severity: d.severity ?? 0, message: d.message, range: d.range };
}

/** What lintText reports for the editor's text (which may start with a BOM). */
export function expectedFor(text: string, fileName: string): Shown[] {
  const r = lintText(text, { fileName });
  return r.findings.map((f) => shownFromFinding(f, r.bomLength));
}

export function fmtRange(r: Range): string {
  return `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
}

export function fmtShown(s: Shown): string {
  return `${s.code}@${fmtRange(s.range)} s${s.severity} ${JSON.stringify(s.message)}`;
}

/** The first difference between two lists of diagnostics, or null when they are the same. */
export function firstDifference(got: Shown[], want: Shown[]): string | null {
  const n = Math.max(got.length, want.length);
  for (let i = 0; i < n; i++) {
    const a = got[i] ? fmtShown(got[i]) : '(none)';
    const b = want[i] ? fmtShown(want[i]) : '(none)';
    if (a !== b) return `#${i} of ${got.length} published / ${want.length} expected: server ${a}, lintText ${b}`;
  }
  return null;
}

/** Line starts and content lengths the way LSP counts them (LF, CRLF and a lone CR end a line). */
export class Lines {
  readonly starts: number[] = [0];
  /** Length of each line without its line end. */
  readonly lengths: number[] = [];
  constructor(readonly text: string) {
    let lineStart = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      this.lengths.push(i - lineStart);
      if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
      lineStart = i + 1;
      this.starts.push(lineStart);
    }
    this.lengths.push(text.length - lineStart);
  }
}

/**
 * What is wrong with a published range: past the end of its line (which includes a position
 * between CR and LF), past the last line, inside a surrogate pair, or ending before it starts.
 */
export function rangeProblems(lines: Lines, r: Range): string[] {
  const out: string[] = [];
  const check = (p: Position, which: string) => {
    if (p.line < 0 || p.line >= lines.lengths.length) {
      out.push(`${which} on line ${p.line}, past the last line (${lines.lengths.length - 1})`);
      return;
    }
    const len = lines.lengths[p.line];
    if (p.character < 0 || p.character > len) {
      const eol = lines.text.slice(lines.starts[p.line] + len, lines.starts[p.line] + len + 2);
      const inCrlf = eol === '\r\n' && p.character === len + 1;
      out.push(
        `${which} ${p.line}:${p.character} ${inCrlf ? 'inside a CRLF' : 'past the end of its line'} (length ${len})`,
      );
      return;
    }
    const o = lines.starts[p.line] + p.character;
    const before = lines.text.charCodeAt(o - 1);
    const after = lines.text.charCodeAt(o);
    if (p.character > 0 && before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff)
      out.push(`${which} ${p.line}:${p.character} inside a surrogate pair`);
  };
  check(r.start, 'start');
  check(r.end, 'end');
  if (r.end.line < r.start.line || (r.end.line === r.start.line && r.end.character < r.start.character))
    out.push(`ends (${fmtRange(r)}) before it starts`);
  return out;
}
