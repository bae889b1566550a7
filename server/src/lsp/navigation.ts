/**
 * The engine's navigation as LSP answers: the outline as DocumentSymbols, definitions and
 * references as ranges. Pure, so that the main thread (small documents) and the analysis worker
 * (large documents, which holds their syntax tree) answer alike.
 */
import { type DocumentSymbol, type Position, type Range, SymbolKind } from 'vscode-languageserver';
import type { NavigationResult, OutlineKind, OutlineSymbol, Span } from '../engine';
import { shiftRange } from './diagnostics';

const KIND: Record<OutlineKind, SymbolKind> = {
  section: SymbolKind.Namespace,
  parameter: SymbolKind.Variable,
  condition: SymbolKind.Boolean,
  mapping: SymbolKind.Object,
  resource: SymbolKind.Class,
  output: SymbolKind.Property,
  rule: SymbolKind.Event,
  loop: SymbolKind.Array,
  entry: SymbolKind.Field,
};

/** What a client asks of a document's navigation. */
export type NavigationQuery =
  | { what: 'outline' }
  | { what: 'definition'; position: Position }
  | { what: 'references'; position: Position; includeDeclaration: boolean };

/** null: not a template; otherwise DocumentSymbols (outline) or ranges in the document. */
export type NavigationAnswer = DocumentSymbol[] | Range[] | null;

export function answerNavigation(n: NavigationResult, q: NavigationQuery): NavigationAnswer {
  const nav = n.navigation;
  if (!nav) return null;
  const range = (s: Span): Range => shiftRange(n.lines.range(s), n.bomLength);
  const offset = (p: Position): number =>
    n.lines.offset(n.bomLength && p.line === 0 ? { line: 0, character: Math.max(0, p.character - n.bomLength) } : p);
  if (q.what === 'outline') {
    const symbol = (s: OutlineSymbol): DocumentSymbol => {
      const d: DocumentSymbol = {
        // Editors refuse an empty name (a key written as `""`).
        name: s.name || '""',
        kind: KIND[s.kind],
        range: range(s.span),
        selectionRange: range(s.selection),
      };
      if (s.detail) d.detail = s.detail;
      if (s.children) d.children = s.children.map(symbol);
      return d;
    };
    return nav.outline().map(symbol);
  }
  if (q.what === 'definition') return nav.definitionAt(offset(q.position)).map((d) => range(d.span));
  return nav.referencesAt(offset(q.position), q.includeDeclaration).map(range);
}
