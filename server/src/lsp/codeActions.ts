/**
 * Quick fixes: the engine computes each finding's fixes (edits on offsets of the analysed text);
 * this turns them into CodeActions with minimal TextEdits on the editor's document.
 */
import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic, type TextEdit } from 'vscode-languageserver';
import { fixesFor, type Finding, type LintResult } from '../engine';
import { SOURCE, shiftRange, type AjarDiagnosticData } from './diagnostics';

function isData(d: unknown): d is AjarDiagnosticData {
  return typeof d === 'object' && d !== null && typeof (d as AjarDiagnosticData).i === 'number' && Array.isArray((d as AjarDiagnosticData).s);
}

function before(a: { line: number; character: number }, b: { line: number; character: number }): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}
function overlaps(a: Diagnostic['range'], b: Diagnostic['range']): boolean {
  return !before(a.end, b.start) && !before(b.end, a.start);
}

/** The finding a diagnostic was made from, in `result` (the document's current analysis). */
export function findingForDiagnostic(result: LintResult, version: number | null, d: Diagnostic): Finding | undefined {
  // Some clients drop `source` on the way back; cfn-lint's diagnostics carry theirs.
  if (d.source !== undefined && d.source !== SOURCE) return undefined;
  const data = d.data;
  if (isData(data)) {
    if (data.v === version) {
      const f = result.findings[data.i];
      if (f && f.ruleId === d.code && f.span.start === data.s[0] && f.span.end === data.s[1]) return f;
    }
    const bySpan = result.findings.find((f) => f.ruleId === d.code && f.span.start === data.s[0] && f.span.end === data.s[1]);
    if (bySpan) return bySpan;
  }
  // A client that dropped `data`: the same rule at the same range.
  return result.findings.find(
    (f) =>
      f.ruleId === d.code &&
      shiftRange(f.range, result.bomLength).start.line === d.range.start.line &&
      shiftRange(f.range, result.bomLength).start.character === d.range.start.character,
  );
}

export function codeActionsFor(
  params: CodeActionParams,
  result: LintResult,
  version: number | null,
  diagnosticFor: (f: Finding) => Diagnostic,
): CodeAction[] {
  const only = params.context.only;
  if (only && !only.some((k) => k === CodeActionKind.QuickFix || CodeActionKind.QuickFix.startsWith(k + '.') || k === '')) return [];
  const pairs: { finding: Finding; diagnostic: Diagnostic }[] = [];
  const seen = new Set<Finding>();
  for (const d of params.context.diagnostics) {
    const f = findingForDiagnostic(result, version, d);
    if (f && !seen.has(f)) {
      seen.add(f);
      pairs.push({ finding: f, diagnostic: d });
    }
  }
  // No diagnostics in the context (some clients send none): the findings under the cursor.
  if (params.context.diagnostics.length === 0) {
    for (const f of result.findings) {
      if (!seen.has(f) && overlaps(shiftRange(f.range, result.bomLength), params.range)) {
        seen.add(f);
        pairs.push({ finding: f, diagnostic: diagnosticFor(f) });
      }
    }
  }
  const actions: CodeAction[] = [];
  for (const { finding, diagnostic } of pairs) {
    for (const fix of fixesFor(result, finding)) {
      const edits: TextEdit[] = fix.edits.map((e) => ({
        range: shiftRange(result.lines.range(e.span), result.bomLength),
        newText: e.newText,
      }));
      const action: CodeAction = {
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        edit: { changes: { [params.textDocument.uri]: edits } },
      };
      if (fix.preferred) action.isPreferred = true;
      actions.push(action);
    }
  }
  return actions;
}
