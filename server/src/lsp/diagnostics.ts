/** Engine findings and cfn-lint matches as LSP diagnostics. */
import { DiagnosticSeverity, type Diagnostic, type Position, type Range } from 'vscode-languageserver';
import { ruleDocsUrl, type Finding, type Severity } from '../engine';
import type { CfnDiag } from '../cfnlint';

export const SOURCE = 'ajar';

/** What a diagnostic carries for code actions: the document version it was computed for and the finding's index. */
export interface AjarDiagnosticData {
  /** Document version (null for files linted from disk). */
  v: number | null;
  /** Index into the LintResult's findings. */
  i: number;
  /** The finding's span (offsets into the analysed text), to match when the version moved on. */
  s: [number, number];
}

export function toLspSeverity(s: Severity): DiagnosticSeverity {
  return s === 'error'
    ? DiagnosticSeverity.Error
    : s === 'warning'
      ? DiagnosticSeverity.Warning
      : DiagnosticSeverity.Information;
}

/** Engine positions refer to the BOM-less text; the editor's text may still hold the BOM. */
export function shiftPosition(p: Position, bomLength: number): Position {
  return bomLength && p.line === 0 ? { line: 0, character: p.character + bomLength } : p;
}
export function shiftRange(r: Range, bomLength: number): Range {
  return bomLength ? { start: shiftPosition(r.start, bomLength), end: shiftPosition(r.end, bomLength) } : r;
}

export function findingToDiagnostic(
  f: Finding,
  index: number,
  result: { bomLength: number },
  version: number | null,
): Diagnostic {
  const data: AjarDiagnosticData = { v: version, i: index, s: [f.span.start, f.span.end] };
  return {
    range: shiftRange(f.range, result.bomLength),
    severity: toLspSeverity(f.severity),
    code: f.ruleId,
    codeDescription: { href: ruleDocsUrl(f.ruleId) },
    source: SOURCE,
    message: f.message,
    data,
  };
}

export function findingsToDiagnostics(
  result: { findings: Finding[]; bomLength: number },
  version: number | null,
): Diagnostic[] {
  return result.findings.map((f, i) => findingToDiagnostic(f, i, result, version));
}

export function cfnToDiagnostic(d: CfnDiag): Diagnostic {
  const diag: Diagnostic = {
    range: d.range,
    severity: toLspSeverity(d.severity),
    code: d.code,
    source: d.source,
    message: d.message,
  };
  if (d.href) diag.codeDescription = { href: d.href };
  return diag;
}

export interface Counts {
  errors: number;
  warnings: number;
  information: number;
}

export function countFindings(findings: readonly { severity: Severity }[]): Counts {
  const c: Counts = { errors: 0, warnings: 0, information: 0 };
  for (const f of findings) {
    if (f.severity === 'error') c.errors++;
    else if (f.severity === 'warning') c.warnings++;
    else c.information++;
  }
  return c;
}
