/**
 * The engine's fixes as LSP edits (ranges on the analysed text), with the placeholder a fix leaves
 * for the user: its offsets inside the edit's newText (for a snippet) and its range in the document
 * once the fix is applied (for a client that selects it after applying). Used on the main thread
 * and on the worker thread alike; no connection, no client types beyond the protocol's ranges.
 */
import type { Range } from 'vscode-languageserver';
import { LineIndex, fixesFor, type Finding, type Fix, type LintResult } from '../engine';

export interface LspEdit {
  range: Range;
  newText: string;
  /** The placeholder's offsets in newText [start, end). */
  placeholder?: { start: number; end: number };
}

/** A fix with its edits already as LSP ranges on the analysed text. */
export interface LspFix {
  title: string;
  /** The engine's fix kind ("suppress", "restrict-to-account", ...). */
  kind?: string;
  preferred?: boolean;
  edits: LspEdit[];
  /** Where the placeholder is once the fix is applied (analysed-text coordinates, like `edits`). */
  select?: Range;
}

/** The range the placeholder of `fix` has in the text after the fix is applied. */
export function placeholderAfter(text: string, fix: Fix): Range | undefined {
  const sorted = [...fix.edits].sort((a, b) => a.span.start - b.span.start);
  let shift = 0;
  let out = text;
  let at: { start: number; end: number } | undefined;
  for (const e of sorted) {
    if (e.placeholder && !at) {
      const start = e.span.start + shift + e.placeholder.start;
      at = { start, end: start + (e.placeholder.end - e.placeholder.start) };
    }
    shift += e.newText.length - (e.span.end - e.span.start);
  }
  if (!at) return undefined;
  for (const e of [...sorted].reverse()) out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
  return new LineIndex(out).range(at);
}

export function toLspFix(result: LintResult, fix: Fix): LspFix {
  const out: LspFix = {
    title: fix.title,
    kind: fix.kind,
    preferred: fix.preferred,
    edits: fix.edits.map((e) => {
      const edit: LspEdit = { range: result.lines.range(e.span), newText: e.newText };
      if (e.placeholder) edit.placeholder = { ...e.placeholder };
      return edit;
    }),
  };
  if (fix.placeholder) out.select = placeholderAfter(result.text, fix);
  return out;
}

/** The fixes of a finding of a LintResult held on this thread (or the worker's). */
export function lspFixes(result: LintResult, finding: Finding): LspFix[] {
  return fixesFor(result, finding).map((fix) => toLspFix(result, fix));
}
