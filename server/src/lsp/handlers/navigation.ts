/**
 * Navigation: textDocument/documentSymbol (the outline: sections, then entries by logical id with
 * their type as detail), textDocument/definition and textDocument/references for `Ref`,
 * `Fn::GetAtt`, `${X}` in `Fn::Sub`, condition names, `DependsOn` and `Fn::FindInMap` (the engine's
 * `navigation/`). The analysis already made for the document's version is reused; a large document
 * (analysed on the worker thread) is parsed here once per version.
 */
import { type DocumentSymbol, type Location, type Position, type Range, SymbolKind } from 'vscode-languageserver';
import {
  navigate,
  navigationOf,
  type NavigationResult,
  type OutlineKind,
  type OutlineSymbol,
  type Span,
} from '../../engine';
import { fileNameOf } from '../analyzer';
import { shiftRange } from '../diagnostics';
import type { HandlerGroup } from './handler';

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

export const navigationHandlers: HandlerGroup = {
  name: 'navigation',
  capabilities: { documentSymbolProvider: { label: 'Ajar' }, definitionProvider: true, referencesProvider: true },
  register({ connection, documents, state }) {
    const cache = new Map<string, { version: number; nav: NavigationResult }>();
    documents.onDidClose((e) => cache.delete(e.document.uri));

    const navigationFor = (uri: string): NavigationResult | null => {
      const doc = documents.get(uri);
      if (!doc) return null;
      const hit = cache.get(uri);
      if (hit && hit.version === doc.version) return hit.nav;
      const s = state.open.current(uri);
      const nav =
        s?.result?.template && s.version === doc.version
          ? navigationOf(s.result)
          : navigate(doc.getText(), fileNameOf(uri));
      cache.set(uri, { version: doc.version, nav });
      return nav;
    };
    const range = (n: NavigationResult, s: Span): Range => shiftRange(n.lines.range(s), n.bomLength);
    const offset = (n: NavigationResult, p: Position): number =>
      n.lines.offset(n.bomLength && p.line === 0 ? { line: 0, character: Math.max(0, p.character - n.bomLength) } : p);
    const symbol = (n: NavigationResult, s: OutlineSymbol): DocumentSymbol => {
      const d: DocumentSymbol = {
        // Editors refuse an empty name (a key written as `""`).
        name: s.name || '""',
        kind: KIND[s.kind],
        range: range(n, s.span),
        selectionRange: range(n, s.selection),
      };
      if (s.detail) d.detail = s.detail;
      if (s.children) d.children = s.children.map((c) => symbol(n, c));
      return d;
    };

    connection.onDocumentSymbol((params) => {
      const n = navigationFor(params.textDocument.uri);
      return n?.navigation ? n.navigation.outline().map((s) => symbol(n, s)) : null;
    });
    connection.onDefinition((params): Location[] | null => {
      const uri = params.textDocument.uri;
      const n = navigationFor(uri);
      if (!n?.navigation) return null;
      return n.navigation.definitionAt(offset(n, params.position)).map((d) => ({ uri, range: range(n, d.span) }));
    });
    connection.onReferences((params): Location[] | null => {
      const uri = params.textDocument.uri;
      const n = navigationFor(uri);
      if (!n?.navigation) return null;
      return n.navigation
        .referencesAt(offset(n, params.position), params.context.includeDeclaration)
        .map((s) => ({ uri, range: range(n, s) }));
    });
  },
};
