/**
 * One tree for YAML and JSON documents. Every node carries the offsets of its source text,
 * so rules never do line/column arithmetic; positions are computed once, by the parser.
 */
import type { Span } from '../types';
import { INTRINSIC_TAGS, tagToIntrinsic } from '../model/intrinsics';

export type Scalar = string | number | boolean | null;

interface NodeBase {
  span: Span;
  /** A CloudFormation short-form tag as written (`!Ref`, `!GetAtt`...); absent otherwise. */
  tag?: string;
}

export interface MapNode extends NodeBase {
  kind: 'map';
  pairs: Pair[];
  /** Flow style (`{...}`) in YAML, always true in JSON. */
  flow?: boolean;
}

export interface Pair {
  key: ScalarNode;
  value: Node;
  /** The whole `key: value` text, from the key's first character to the value's end. */
  span: Span;
}

export interface SeqNode extends NodeBase {
  kind: 'seq';
  items: Node[];
  flow?: boolean;
}

export interface ScalarNode extends NodeBase {
  kind: 'scalar';
  value: Scalar;
  /** How the scalar was written: plain, quoted, block (`|`, `>`), json. */
  style?: 'plain' | 'single' | 'double' | 'block-literal' | 'block-folded' | 'json';
  /** Offset of the first character of the scalar's content (after a quote or block header). */
  contentStart?: number;
  /**
   * For a YAML alias of a scalar (`Principal: *anyone`): the anchored node. The alias's own span is
   * where it is used, so that findings on the value point there; text inside the value (a key in a
   * string) is found at the anchored node.
   */
  aliasOf?: ScalarNode;
}

export type Node = MapNode | SeqNode | ScalarNode;

export interface ParseDiagnostic {
  message: string;
  span: Span;
}

/**
 * The span of a parse error, never empty and never past the text: an error at the end of the text
 * ("'}' expected") points at the last character written, not at a zero-width end position.
 */
export function diagnosticSpan(text: string, start: number, end: number): Span {
  let s = Math.max(0, Math.min(start, text.length));
  if (s >= text.length) {
    while (s > 0 && /\s/.test(text[s - 1])) s--;
    s = Math.max(0, s - 1);
  }
  return { start: s, end: Math.min(text.length, Math.max(end, s + 1)) };
}

export interface ParsedDocument {
  /** The text the offsets refer to (a leading BOM removed). */
  text: string;
  format: 'yaml' | 'json';
  /** The root node, or null when nothing could be read. */
  root: Node | null;
  /** Parse errors; a non-empty list with a root means a partly read document. */
  errors: ParseDiagnostic[];
  /** YAML streams with more than one document. */
  multiDocument?: boolean;
  /**
   * Keys repeated in one mapping (rules.md AJ000), in source order; present only when there are
   * some. The tree keeps the last pair of each key, as PyYAML, cfn-lint and JSON.parse do.
   */
  duplicateKeys?: DuplicateKey[];
}

/** A mapping key written again in the same mapping. */
export interface DuplicateKey {
  key: string;
  /** The repeated key (the second, third... occurrence). */
  span: Span;
  /** The first key with the same text in that mapping. */
  first: Span;
}

/**
 * Keeps the last pair of each key in a mapping (PyYAML, cfn-lint and JSON.parse read the last
 * value) and records every repeat in `out`. Keys compare by their text. `comparable` leaves out
 * keys whose text is a placeholder (a complex YAML key). Every parser calls this when it closes a
 * mapping, so the fast readers and the references keep the same pairs.
 */
export function keepLastPairs(pairs: Pair[], out: DuplicateKey[] | null, comparable?: (p: Pair) => boolean): Pair[] {
  const n = pairs.length;
  if (n < 2) return pairs;
  // Index of the first pair with each key, and of the last; small maps by a linear scan.
  let dup = false;
  if (n <= 12) {
    outer: for (let i = 1; i < n; i++) {
      const k = pairs[i].key.value;
      for (let j = 0; j < i; j++)
        if (pairs[j].key.value === k) {
          dup = true;
          break outer;
        }
    }
  } else {
    const seen = new Set<unknown>();
    for (const p of pairs) {
      if (seen.has(p.key.value)) {
        dup = true;
        break;
      }
      seen.add(p.key.value);
    }
  }
  if (!dup) return pairs;
  const first = new Map<unknown, Pair>();
  const last = new Map<unknown, Pair>();
  for (const p of pairs) {
    if (comparable && !comparable(p)) continue;
    const k = p.key.value;
    const f = first.get(k);
    if (f === undefined) first.set(k, p);
    else if (out) out.push({ key: String(k), span: p.key.span, first: f.key.span });
    last.set(k, p);
  }
  return pairs.filter((p) => (comparable && !comparable(p)) || last.get(p.key.value) === p);
}

/** The duplicate keys of a parse in source order, or nothing when there are none. */
export function withDuplicates(doc: ParsedDocument, found: DuplicateKey[]): ParsedDocument {
  if (found.length && doc.root) doc.duplicateKeys = found.sort((a, b) => a.span.start - b.span.start);
  return doc;
}

export function isMap(n: Node | null | undefined): n is MapNode {
  return !!n && n.kind === 'map';
}
export function isSeq(n: Node | null | undefined): n is SeqNode {
  return !!n && n.kind === 'seq';
}
export function isScalar(n: Node | null | undefined): n is ScalarNode {
  return !!n && n.kind === 'scalar';
}

/** The pair whose key equals `key` (exactly), or undefined. */
export function getPair(map: Node | null | undefined, key: string): Pair | undefined {
  if (!isMap(map)) return undefined;
  for (const p of map.pairs) if (p.key.value === key) return p;
  return undefined;
}

/** Case-insensitive lookup, as IAM reads element names such as `Effect` loosely in some services. */
export function getPairCI(map: Node | null | undefined, key: string): Pair | undefined {
  if (!isMap(map)) return undefined;
  const k = key.toLowerCase();
  for (const p of map.pairs) if (typeof p.key.value === 'string' && p.key.value.toLowerCase() === k) return p;
  return undefined;
}

export function get(map: Node | null | undefined, key: string): Node | undefined {
  return getPair(map, key)?.value;
}

/** Walk a path of keys/indices. */
export function at(node: Node | null | undefined, ...path: (string | number)[]): Node | undefined {
  let cur: Node | undefined = node ?? undefined;
  for (const p of path) {
    if (!cur) return undefined;
    if (typeof p === 'number') cur = isSeq(cur) ? cur.items[p] : undefined;
    else cur = get(cur, p);
  }
  return cur;
}

export function scalarString(n: Node | null | undefined): string | undefined {
  return isScalar(n) && n.value !== null && !n.tag ? String(n.value) : undefined;
}

/** Plain JavaScript value of a node (tags are kept as `{ "Fn::X": ... }` long forms). */
export function toPlain(n: Node): unknown {
  let v: unknown;
  if (n.kind === 'scalar') v = n.value;
  else if (n.kind === 'seq') v = n.items.map(toPlain);
  else {
    const o: Record<string, unknown> = {};
    for (const p of n.pairs) o[String(p.key.value)] = toPlain(p.value);
    v = o;
  }
  if (n.tag) {
    const name = tagToIntrinsic(n.tag);
    if (name) return { [name]: v };
  }
  return v;
}

/** A plain JSON value to a tree without source positions (spans are 0..0), for live policies. */
export function fromPlain(v: unknown): Node {
  const span = { start: 0, end: 0 };
  if (Array.isArray(v)) return { kind: 'seq', items: v.map(fromPlain), span };
  if (v && typeof v === 'object') {
    return {
      kind: 'map',
      span,
      pairs: Object.entries(v as Record<string, unknown>).map(([k, val]) => ({
        key: { kind: 'scalar', value: k, span } as ScalarNode,
        value: fromPlain(val),
        span,
      })),
    };
  }
  return { kind: 'scalar', value: (v ?? null) as Scalar, span };
}

// The tags of intrinsic functions come from the one table of their names (data only, no imports).
export const CFN_TAGS = INTRINSIC_TAGS;
export { tagToIntrinsic };
