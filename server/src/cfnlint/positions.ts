/**
 * cfn-lint positions -> LSP positions.
 *
 * cfn-lint reports 1-based lines and columns, end-exclusive, with columns counted in Unicode code
 * points (Python string indices, for both its YAML and its JSON decoder). LSP positions are
 * 0-based with columns in UTF-16 code units. Lines end at \r\n, \n or \r (a CRLF is one line
 * break for both). Tabs are one column for both. A leading BOM is not part of the text.
 */
import type { CfnDiag, CfnLintMatch, Range, Severity } from './types';

const DEFAULT_DOCS = 'https://github.com/aws-cloudformation/cfn-lint/blob/main/docs/rules.md';

/** Line table of a text: where each line's content starts and ends (line break excluded). */
export class LineTable {
  readonly starts: number[] = [0];
  readonly ends: number[] = [];
  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 /* \n */ || c === 13 /* \r */) {
        this.ends.push(i);
        if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      }
    }
    this.ends.push(text.length);
  }
  get lineCount(): number {
    return this.starts.length;
  }
  /** UTF-16 length of a line's content. */
  lineLength(line: number): number {
    return this.ends[line] - this.starts[line];
  }
  /**
   * The UTF-16 character of a 0-based code-point column on a 0-based line, clamped to the line's
   * content (a column past the end of the line is the end of the line).
   */
  characterOf(line: number, codePointColumn: number): number {
    const start = this.starts[line];
    const end = this.ends[line];
    let i = start;
    for (let n = 0; n < codePointColumn && i < end; n++) {
      const c = this.text.charCodeAt(i);
      i += c >= 0xd800 && c <= 0xdbff && i + 1 < end && isLowSurrogate(this.text.charCodeAt(i + 1)) ? 2 : 1;
    }
    return i - start;
  }
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** Converts a cfn-lint 1-based, end-exclusive, code-point range to an LSP range, clamped to the text. */
export function cfnRangeToLsp(
  table: LineTable,
  start: { line: number; column: number },
  end: { line: number; column: number },
): Range {
  const s = clampPosition(table, start.line, start.column);
  let e = clampPosition(table, end.line, end.column);
  if (e.line < s.line || (e.line === s.line && e.character < s.character)) e = { ...s };
  return { start: s, end: e };
}

function clampPosition(table: LineTable, line1: number, column1: number): { line: number; character: number } {
  let line = Math.max(0, (Number.isFinite(line1) ? Math.trunc(line1) : 1) - 1);
  let column = Math.max(0, (Number.isFinite(column1) ? Math.trunc(column1) : 1) - 1);
  if (line >= table.lineCount) {
    // Past the end (a parse error at EOF): the end of the last line.
    line = table.lineCount - 1;
    column = Number.MAX_SAFE_INTEGER;
  }
  return { line, character: table.characterOf(line, column) };
}

export function mapSeverity(level: string): Severity {
  switch (level) {
    case 'error':
      return 'error';
    case 'warning':
      return 'warning';
    default:
      return 'information';
  }
}

/** Severity from the rule id's letter, for matches that carry no level. */
export function severityOfRuleId(ruleId: string): Severity {
  const c = ruleId.charAt(0).toUpperCase();
  return c === 'E' ? 'error' : c === 'W' ? 'warning' : 'information';
}

/** Converts the worker's matches for `text` (the text that was linted) to diagnostics. */
export function matchesToDiagnostics(text: string, matches: CfnLintMatch[]): CfnDiag[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const table = new LineTable(body);
  return matches.map((m) => {
    const d: CfnDiag = {
      code: m.rule,
      message: m.message,
      severity: m.level ? mapSeverity(m.level) : severityOfRuleId(m.rule),
      range: cfnRangeToLsp(table, m.start, m.end),
      source: 'cfn-lint',
      href: m.docs || DEFAULT_DOCS,
    };
    if (m.description) d.description = m.description;
    if (Array.isArray(m.path)) d.path = m.path;
    return d;
  });
}
