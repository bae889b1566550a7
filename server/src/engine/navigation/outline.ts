/**
 * The document outline of a template: its top-level sections, and in each the entries by logical
 * id (resources with their type, parameters with theirs). Spans only: the language server turns
 * them into LSP ranges.
 */
import type { MapNode, Pair } from '../parse/ast';
import { get, isMap, scalarString } from '../parse/ast';
import { forEachLoop } from '../model/intrinsics';
import type { Span } from '../types';
import { keySpan } from './spans';

export type OutlineKind =
  | 'section'
  | 'parameter'
  | 'condition'
  | 'mapping'
  | 'resource'
  | 'output'
  | 'rule'
  | 'loop'
  | 'entry';

export interface OutlineSymbol {
  name: string;
  /** A resource's or parameter's `Type`, `Fn::ForEach` for a loop. */
  detail?: string;
  kind: OutlineKind;
  /** The whole `key: value` text. */
  span: Span;
  /** The key's name (without quotes): what an editor selects and reveals. */
  selection: Span;
  children?: OutlineSymbol[];
}

/** Sections whose entries are listed, and the kind of their entries. */
const ENTRY_KIND: Record<string, OutlineKind> = {
  Parameters: 'parameter',
  Conditions: 'condition',
  Mappings: 'mapping',
  Resources: 'resource',
  Outputs: 'output',
  Rules: 'rule',
  Globals: 'entry',
};

/** Loops nest; deeper than this is not a template anyone wrote. */
const MAX_LOOP_DEPTH = 8;

/** One symbol per top-level key, in document order; the sections above list their entries. */
export function outline(root: MapNode, text: string): OutlineSymbol[] {
  const out: OutlineSymbol[] = [];
  for (const p of root.pairs) {
    const name = String(p.key.value);
    const sym = symbol(p, name, 'section', text);
    const kind = ENTRY_KIND[name];
    if (kind && isMap(p.value)) sym.children = entries(p.value.pairs, kind, text, 0);
    out.push(sym);
  }
  return out;
}

function entries(pairs: Pair[], kind: OutlineKind, text: string, depth: number): OutlineSymbol[] {
  const out: OutlineSymbol[] = [];
  for (const p of pairs) {
    const name = String(p.key.value);
    const loop = (kind === 'resource' || kind === 'output' || kind === 'condition') && forEachLoop(p);
    if (loop) {
      const sym = symbol(p, name, 'loop', text, 'Fn::ForEach');
      if (depth < MAX_LOOP_DEPTH) sym.children = entries(loop.fragment.pairs, kind, text, depth + 1);
      out.push(sym);
      continue;
    }
    const type = kind === 'resource' || kind === 'parameter' ? scalarString(get(p.value, 'Type')) : undefined;
    out.push(symbol(p, name, kind, text, type));
  }
  return out;
}

function symbol(p: Pair, name: string, kind: OutlineKind, text: string, detail?: string): OutlineSymbol {
  const selection = keySpan(p.key, text);
  // A key without a value (`Resources:` while typing) still spans at least its key.
  const span = { start: Math.min(p.span.start, selection.start), end: Math.max(p.span.end, selection.end) };
  const s: OutlineSymbol = { name, kind, span, selection };
  if (detail) s.detail = detail;
  return s;
}
