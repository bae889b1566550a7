/**
 * Quick fixes: the engine computes each finding's fixes (edits on offsets of the analysed text);
 * this turns them into CodeActions with minimal TextEdits on the editor's document.
 */
import {
  CodeActionKind,
  type CodeAction,
  type CodeActionParams,
  type Command,
  type Diagnostic,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import { fixAllText, ruleByIdOrSlug, type Finding, type LintOptions, type LintResult } from '../engine';
import { SOURCE, shiftRange, type AjarDiagnosticData } from './diagnostics';
import { lspFixes, type LspEdit, type LspFix } from './fixEdits';
import {
  type EditorCapabilities,
  NO_EDITOR_CAPABILITIES,
  OPEN_RULE_DOCS_COMMAND,
  SELECT_PLACEHOLDER_COMMAND,
  SHOW_RULE_DOCS_COMMAND,
} from './protocol';

/** The kind of "fix all safe problems" (`editor.codeActionsOnSave: {"source.fixAll.ajar": "explicit"}`). */
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.ajar`;

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

export type { LspEdit, LspFix } from './fixEdits';

/** The fixes of a finding of a LintResult held on this thread. */
export function localFixes(result: LintResult, finding: Finding): LspFix[] {
  return lspFixes(result, finding);
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

/** A snippet text edit (LSP 3.18 `SnippetTextEdit`), for clients that announce `snippetEditSupport`. */
interface SnippetTextEdit {
  range: TextEdit['range'];
  snippet: { kind: 'snippet'; value: string };
}

/** Text as a snippet's literal part: `$`, `}` and `\\` escaped. */
export function snippetLiteral(text: string): string {
  return text.replace(/[$}\\]/g, (c) => `\\${c}`);
}

function snippetEdit(e: LspEdit, bomLength: number): SnippetTextEdit | TextEdit {
  const range = shiftRange(e.range, bomLength);
  if (!e.placeholder) return { range, newText: e.newText };
  const { start, end } = e.placeholder;
  const value =
    snippetLiteral(e.newText.slice(0, start)) +
    '${1:' +
    snippetLiteral(e.newText.slice(start, end)) +
    '}' +
    snippetLiteral(e.newText.slice(end));
  return { range, snippet: { kind: 'snippet', value } };
}

export interface ActionOptions {
  /** What the client can do with a placeholder and rule docs (read at initialize). */
  editor?: EditorCapabilities;
  /** The document's version (snippet edits are versioned document edits). */
  version?: number | null;
}

/** The edit of a fix, and how the client gets to its placeholder: a snippet, a command after the edit, or nothing. */
function fixEdit(
  uri: string,
  bomLength: number,
  fix: LspFix,
  opts: ActionOptions,
): { edit: WorkspaceEdit; command?: Command } {
  const editor = opts.editor ?? NO_EDITOR_CAPABILITIES;
  const plain = (): WorkspaceEdit => ({
    changes: { [uri]: fix.edits.map((e) => ({ range: shiftRange(e.range, bomLength), newText: e.newText })) },
  });
  const hasPlaceholder = fix.edits.some((e) => e.placeholder);
  if (hasPlaceholder && editor.snippetEdits) {
    return {
      edit: {
        documentChanges: [
          {
            textDocument: { uri, version: opts.version ?? null },
            // LSP 3.18: a TextDocumentEdit's edits may be SnippetTextEdits.
            edits: fix.edits.map((e) => snippetEdit(e, bomLength)) as TextEdit[],
          },
        ],
      },
    };
  }
  if (hasPlaceholder && fix.select && editor.selectPlaceholder) {
    return {
      edit: plain(),
      command: {
        title: 'Select the placeholder',
        command: SELECT_PLACEHOLDER_COMMAND,
        arguments: [{ uri, range: shiftRange(fix.select, bomLength) }],
      },
    };
  }
  return { edit: plain() };
}

/**
 * "Show documentation for AJxxx": the client's rule-docs command (VS Code's Markdown preview), else
 * the server's `ajar.openRuleDocs` for a client that can show a document; others follow the
 * diagnostic's link.
 */
function docsAction(ruleId: string, diagnostics: Diagnostic[], editor: EditorCapabilities): CodeAction | null {
  if (!ruleByIdOrSlug(ruleId)) return null;
  const command = editor.showRuleDocs ? SHOW_RULE_DOCS_COMMAND : editor.showDocument ? OPEN_RULE_DOCS_COMMAND : null;
  if (!command) return null;
  const title = `Show documentation for ${ruleId}`;
  return { title, kind: CodeActionKind.QuickFix, diagnostics, command: { title, command, arguments: [ruleId] } };
}

/**
 * Quick fixes: one CodeAction per fix, with the diagnostic it fixes and minimal edits (a placeholder
 * as a snippet or selected afterwards, where the client can), then one "Show documentation" per rule.
 */
export function toCodeActions(
  uri: string,
  bomLength: number,
  pairs: FindingPair[],
  fixesOf: (p: FindingPair) => LspFix[],
  opts: ActionOptions = {},
): CodeAction[] {
  const editor = opts.editor ?? NO_EDITOR_CAPABILITIES;
  const actions: CodeAction[] = [];
  const docs = new Map<string, Diagnostic[]>();
  for (const pair of pairs) {
    for (const fix of fixesOf(pair)) {
      const { edit, command } = fixEdit(uri, bomLength, fix, opts);
      const action: CodeAction = {
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [pair.diagnostic],
        edit,
      };
      if (command) action.command = command;
      if (fix.preferred) action.isPreferred = true;
      actions.push(action);
    }
    const list = docs.get(pair.finding.ruleId) ?? [];
    list.push(pair.diagnostic);
    docs.set(pair.finding.ruleId, list);
  }
  for (const [ruleId, diagnostics] of docs) {
    const a = docsAction(ruleId, diagnostics, editor);
    if (a) actions.push(a);
  }
  return actions;
}

export function codeActionsFor(
  params: CodeActionParams,
  result: LintResult,
  version: number | null,
  diagnosticFor: (f: Finding) => Diagnostic,
  opts: ActionOptions = {},
): CodeAction[] {
  const pairs = findingsForCodeAction(params, result, version, diagnosticFor);
  return toCodeActions(params.textDocument.uri, result.bomLength, pairs, (p) => localFixes(result, p.finding), {
    version,
    ...opts,
  });
}

/** Does the request ask for the fix-all source action (`source.fixAll.ajar`, or a kind above it)? */
export function wantsFixAll(params: CodeActionParams): boolean {
  const only = params.context.only;
  // Without `only` (the light bulb), fix-all is not offered: it is a source action.
  if (!only) return false;
  return only.some((k) => k === FIX_ALL_KIND || FIX_ALL_KIND.startsWith(k + '.'));
}

/**
 * The fix-all source action: every safe fix (preferred, no placeholder, no suppression) as one
 * minimal edit of the document (the changed middle), or null when nothing is to be fixed.
 */
export function fixAllAction(
  uri: string,
  text: string,
  opts: LintOptions,
  positionAt: (offset: number) => { line: number; character: number },
): CodeAction | null {
  const r = fixAllText(text, opts);
  if (r.applied.length === 0 || r.text === text) return null;
  let start = 0;
  while (start < text.length && start < r.text.length && text[start] === r.text[start]) start++;
  let endOld = text.length;
  let endNew = r.text.length;
  while (endOld > start && endNew > start && text[endOld - 1] === r.text[endNew - 1]) {
    endOld--;
    endNew--;
  }
  // Never split a CRLF or a surrogate pair.
  while (start > 0 && (text[start - 1] === '\r' || /[\ud800-\udbff]/.test(text[start - 1]))) start--;
  while (endOld < text.length && (text[endOld] === '\n' || /[\udc00-\udfff]/.test(text[endOld]))) {
    endOld++;
    endNew++;
  }
  const n = r.applied.length;
  const title = `Fix all safe Ajar problems (${n} fix${n === 1 ? '' : 'es'})`;
  return {
    title,
    kind: FIX_ALL_KIND,
    edit: {
      changes: {
        [uri]: [{ range: { start: positionAt(start), end: positionAt(endOld) }, newText: r.text.slice(start, endNew) }],
      },
    },
  };
}
