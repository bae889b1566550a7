/**
 * Quick fixes: the engine computes each finding's fixes (edits on offsets of the analysed text);
 * this turns them into CodeActions with minimal TextEdits on the editor's document.
 */
import {
  CodeActionKind,
  type CodeAction,
  type CodeActionParams,
  type Diagnostic,
  type TextEdit,
} from 'vscode-languageserver';
import { fixesFor, type Finding, type LintResult } from '../engine';
import { SOURCE, shiftRange, type AjarDiagnosticData } from './diagnostics';

function isData(d: unknown): d is AjarDiagnosticData {
  return (
    typeof d === 'object' &&
    d !== null &&
    typeof (d as AjarDiagnosticData).i === 'number' &&
    Array.isArray((d as AjarDiagnosticData).s)
  );
}

function before(a: { line: number; character: number }, b: { line: number; character: number }): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}
function overlaps(a: Diagnostic['range'], b: Diagnostic['range']): boolean {
  return !before(a.end, b.start) && !before(b.end, a.start);
}

/** What code actions and hover need of an analysis (a LintResult, or one from the worker thread). */
export interface FindingSet {
  findings: Finding[];
  bomLength: number;
}

/** A fix with its edits already as LSP ranges on the analysed text. */
export interface LspFix {
  title: string;
  preferred?: boolean;
  edits: TextEdit[];
}

/** The fixes of a finding of a LintResult held on this thread. */
export function localFixes(result: LintResult, finding: Finding): LspFix[] {
  return fixesFor(result, finding).map((fix) => ({
    title: fix.title,
    preferred: fix.preferred,
    edits: fix.edits.map((e) => ({ range: result.lines.range(e.span), newText: e.newText })),
  }));
}

/** The finding a diagnostic was made from, in `result` (the document's current analysis). */
export function findingForDiagnostic(result: FindingSet, version: number | null, d: Diagnostic): Finding | undefined {
  // Some clients drop `source` on the way back; cfn-lint's diagnostics carry theirs.
  if (d.source !== undefined && d.source !== SOURCE) return undefined;
  const data = d.data;
  if (isData(data)) {
    if (data.v === version) {
      const f = result.findings[data.i];
      if (f && f.ruleId === d.code && f.span.start === data.s[0] && f.span.end === data.s[1]) return f;
    }
    const bySpan = result.findings.find(
      (f) => f.ruleId === d.code && f.span.start === data.s[0] && f.span.end === data.s[1],
    );
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

export interface FindingPair {
  finding: Finding;
  index: number;
  diagnostic: Diagnostic;
}

/** The findings a code-action request is about (from its diagnostics, else under its range). */
export function findingsForCodeAction(
  params: CodeActionParams,
  result: FindingSet,
  version: number | null,
  diagnosticFor: (f: Finding) => Diagnostic,
): FindingPair[] {
  const only = params.context.only;
  if (
    only &&
    !only.some((k) => k === CodeActionKind.QuickFix || CodeActionKind.QuickFix.startsWith(k + '.') || k === '')
  )
    return [];
  const pairs: FindingPair[] = [];
  const seen = new Set<Finding>();
  for (const d of params.context.diagnostics) {
    const f = findingForDiagnostic(result, version, d);
    if (f && !seen.has(f)) {
      seen.add(f);
      pairs.push({ finding: f, index: result.findings.indexOf(f), diagnostic: d });
    }
  }
  // No diagnostics in the context (some clients send none): the findings under the cursor.
  if (params.context.diagnostics.length === 0) {
    for (const f of result.findings) {
      if (!seen.has(f) && overlaps(shiftRange(f.range, result.bomLength), params.range)) {
        seen.add(f);
        pairs.push({ finding: f, index: result.findings.indexOf(f), diagnostic: diagnosticFor(f) });
      }
    }
  }
  return pairs;
}

/** Quick fixes: one CodeAction per fix, with the diagnostic it fixes and minimal edits. */
export function toCodeActions(
  uri: string,
  bomLength: number,
  pairs: FindingPair[],
  fixesOf: (p: FindingPair) => LspFix[],
): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const pair of pairs) {
    for (const fix of fixesOf(pair)) {
      const action: CodeAction = {
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [pair.diagnostic],
        edit: {
          changes: { [uri]: fix.edits.map((e) => ({ range: shiftRange(e.range, bomLength), newText: e.newText })) },
        },
      };
      if (fix.preferred) action.isPreferred = true;
      actions.push(action);
    }
  }
  return actions;
}

export function codeActionsFor(
  params: CodeActionParams,
  result: LintResult,
  version: number | null,
  diagnosticFor: (f: Finding) => Diagnostic,
): CodeAction[] {
  const pairs = findingsForCodeAction(params, result, version, diagnosticFor);
  return toCodeActions(params.textDocument.uri, result.bomLength, pairs, (p) => localFixes(result, p.finding));
}
