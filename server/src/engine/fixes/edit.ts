/**
 * Format-preserving edits over the Ajar tree and the analysed text. Every primitive returns the
 * smallest text edits that do the job: the rest of the document stays byte for byte (comments,
 * blank lines, quoting, CRLF, flow or block style, JSON indentation). `null` means "cannot do this
 * safely here" (an intrinsic where a map was expected, a malformed node...): callers offer no fix.
 */
import type { MapNode, Node, Pair, ParsedDocument, SeqNode } from '../parse/ast';
import { getPair, isMap, isScalar } from '../parse/ast';
import { intrinsicOf, intrinsicTag } from '../model/intrinsics';
import type { Template } from '../model/template';
import type { Span, TextEdit } from '../types';

// ---------------------------------------------------------------------------------------------
// Values to write

/** An intrinsic function call: written `!Ref X` in YAML, `{"Ref": "X"}` in JSON. */
export class Fn {
  constructor(
    public name: string,
    public arg: Val,
  ) {}
}
export type Val = string | number | boolean | null | Fn | Val[] | { [key: string]: Val };

export const ref = (name: string): Fn => new Fn('Ref', name);
export const sub = (body: string): Fn => new Fn('Fn::Sub', body);

// ---------------------------------------------------------------------------------------------
// Document style

export interface Style {
  format: 'yaml' | 'json';
  /** Line ending of the document (the first one found; LF when there is none). */
  eol: string;
  /** One level of indentation (YAML: spaces; JSON: spaces or a tab). */
  unit: string;
  /** YAML: are block sequences indented under their key (`key:\n  - a`) or not (`key:\n- a`)? */
  seqIndent: boolean;
  /** YAML quote character for strings that need quoting. */
  quote: '"' | "'";
}

const styleCache = new WeakMap<ParsedDocument, Style>();

export function styleOf(doc: ParsedDocument): Style {
  const cached = styleCache.get(doc);
  if (cached) return cached;
  const text = doc.text;
  const m = /\r\n|\n|\r/.exec(text);
  const eol = m ? m[0] : '\n';
  const lines = text.split(/\r\n|\n|\r/);
  let unit = doc.format === 'json' ? '  ' : '  ';
  if (doc.format === 'json') {
    let best: string | undefined;
    for (const l of lines) {
      const ws = /^[ \t]+(?=\S)/.exec(l)?.[0];
      if (ws && (best === undefined || ws.length < best.length)) best = ws;
    }
    if (best) unit = best[0] === '\t' ? '\t' : best;
  } else {
    let min = Infinity;
    for (const l of lines) {
      const mm = /^( +)[^\s#-]/.exec(l);
      if (mm && mm[1].length < min) min = mm[1].length;
    }
    if (min !== Infinity && min <= 8) unit = ' '.repeat(min);
  }
  let seqIndent = true;
  if (doc.format === 'yaml') {
    for (let i = 0; i + 1 < lines.length; i++) {
      const k = /^( *)[^\s#-][^#]*:\s*(#.*)?$/.exec(lines[i]);
      if (!k) continue;
      let j = i + 1;
      while (j < lines.length && /^\s*(#.*)?$/.test(lines[j])) j++;
      const d = /^( *)- /.exec(lines[j] ?? '');
      if (!d) continue;
      seqIndent = d[1].length > k[1].length;
      break;
    }
  }
  // Quoted scalars start after `:`, `[`, `{`, `,` or a `- ` item.
  const doubles = (text.match(/(?:[:[{,]|^[ \t]*-)[ \t]*"/gm) ?? []).length;
  const singles = (text.match(/(?:[:[{,]|^[ \t]*-)[ \t]*'/gm) ?? []).length;
  const st: Style = { format: doc.format, eol, unit, seqIndent, quote: singles > doubles ? "'" : '"' };
  styleCache.set(doc, st);
  return st;
}

// ---------------------------------------------------------------------------------------------
// Text positions

export function lineStart(text: string, off: number): number {
  let i = off;
  while (i > 0 && text[i - 1] !== '\n' && text[i - 1] !== '\r') i--;
  return i;
}
export function lineEnd(text: string, off: number): number {
  let i = off;
  while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
  return i;
}
/** Offset just after the line break that ends the line holding `off` (or the text's end). */
export function nextLineStart(text: string, off: number): number {
  let i = lineEnd(text, off);
  if (text[i] === '\r' && text[i + 1] === '\n') i += 2;
  else if (i < text.length) i++;
  return i;
}
export function column(text: string, off: number): number {
  return off - lineStart(text, off);
}
/** The leading whitespace of the line holding `off`. */
export function indentAt(text: string, off: number): string {
  const s = lineStart(text, off);
  return /^[ \t]*/.exec(text.slice(s, off))![0];
}
function spans(text: string, a: number, b: number): boolean {
  return /[\r\n]/.test(text.slice(a, b));
}

// ---------------------------------------------------------------------------------------------
// Finding nodes by offset

export interface Step {
  node: Node;
  /** The pair (of the parent map) whose value is `node`. */
  pair?: Pair;
  /** The index of `node` in the parent sequence. */
  index?: number;
}

/**
 * Ancestors of a span, from the root down to the deepest node that contains it. A span on a key
 * ends the path at the map holding the key, with `key` set to that pair.
 */
export function pathTo(root: Node | null, span: Span): { steps: Step[]; key?: Pair } {
  const steps: Step[] = [];
  if (!root || !contains(root.span, span)) return { steps };
  let cur: Step = { node: root };
  steps.push(cur);
  for (;;) {
    const n = cur.node;
    let next: Step | undefined;
    if (n.kind === 'map') {
      for (const p of n.pairs) {
        if (contains(p.key.span, span) && p.key.span.end > p.key.span.start) return { steps, key: p };
        if (contains(p.value.span, span)) {
          next = { node: p.value, pair: p };
          break;
        }
      }
    } else if (n.kind === 'seq') {
      n.items.forEach((it, i) => {
        if (!next && contains(it.span, span)) next = { node: it, index: i };
      });
    }
    if (!next || next.node === n) return { steps };
    steps.push(next);
    cur = next;
  }
}
function contains(outer: Span, inner: Span): boolean {
  return outer.start <= inner.start && inner.end <= outer.end;
}

/** The deepest node containing the offset. */
export function nodeAt(root: Node | null, offset: number): Node | undefined {
  const { steps } = pathTo(root, { start: offset, end: offset });
  return steps.length ? steps[steps.length - 1].node : undefined;
}

/** Is any of the steps a flow collection (YAML `{}`/`[]`, or JSON)? */
export function inFlow(steps: Step[]): boolean {
  return steps.some((s) => s.node.kind !== 'scalar' && s.node.flow);
}

/** A map that is plain data (not an intrinsic such as `{Ref: X}` or `!If`). */
export function plainMap(n: Node | undefined): n is MapNode {
  return isMap(n) && !n.tag && !intrinsicOf(n);
}

// ---------------------------------------------------------------------------------------------
// Rendering

const RESERVED = /^(true|false|yes|no|on|off|y|n|null|~)$/i;
const NUMBERISH = /^[-+]?(\.?[0-9]|0x|0o|\.inf|\.nan)/i;
const PLAIN = /^[A-Za-z0-9_/$][A-Za-z0-9_./:@+$-]*$/;

function plainSafe(s: string): boolean {
  if (!s || !PLAIN.test(s) || RESERVED.test(s) || NUMBERISH.test(s) || s.endsWith(':') || /:[:]?$/.test(s))
    return false;
  if (/^\d{4}-\d\d-\d\d/.test(s)) return false;
  return true;
}

export function yamlScalar(v: string | number | boolean | null, st: Style): string {
  if (v === null) return 'null';
  if (typeof v !== 'string') return String(v);
  if (plainSafe(v)) return v;
  if (st.quote === "'" && !/[\u0000-\u001f]/.test(v)) return `'${v.replace(/'/g, "''")}'`;
  return JSON.stringify(v);
}

/** A value in YAML flow style (on one line). */
export function yamlFlow(v: Val, st: Style): string {
  if (v instanceof Fn) {
    const tag = intrinsicTag(v.name);
    if (tag) {
      if (v.name === 'Fn::GetAtt' && Array.isArray(v.arg) && v.arg.length === 2) return `${tag} ${v.arg.join('.')}`;
      return `${tag} ${yamlFlow(v.arg, st)}`;
    }
    return `{${yamlScalar(v.name, st)}: ${yamlFlow(v.arg, st)}}`;
  }
  if (Array.isArray(v)) return `[${v.map((x) => yamlFlow(x, st)).join(', ')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.entries(v)
      .map(([k, x]) => `${yamlScalar(k, st)}: ${yamlFlow(x, st)}`)
      .join(', ')}}`;
  }
  return yamlScalar(v, st);
}

function isCollection(v: Val): v is Val[] | { [key: string]: Val } {
  return (
    v !== null &&
    typeof v === 'object' &&
    !(v instanceof Fn) &&
    (Array.isArray(v) ? v.length > 0 : Object.keys(v).length > 0)
  );
}

/** What follows `key:` in block YAML, for a key at indentation `ind`. */
export function yamlAfterKey(v: Val, ind: string, st: Style): string {
  if (!isCollection(v)) return ' ' + yamlFlow(v, st);
  if (Array.isArray(v)) return st.eol + yamlSeqLines(v, st.seqIndent ? ind + st.unit : ind, st);
  return st.eol + yamlMapLines(v, ind + st.unit, st);
}
/** Block map lines at indentation `ind` (no final line break). */
export function yamlMapLines(m: { [key: string]: Val }, ind: string, st: Style): string {
  return Object.entries(m)
    .map(([k, v]) => `${ind}${yamlScalar(k, st)}:${yamlAfterKey(v, ind, st)}`)
    .join(st.eol);
}
/** Block sequence lines with the dashes at indentation `ind`. */
export function yamlSeqLines(a: Val[], ind: string, st: Style): string {
  return a.map((it) => ind + '- ' + yamlItem(it, ind + '  ', st)).join(st.eol);
}
function yamlItem(v: Val, ind: string, st: Style): string {
  if (!isCollection(v)) return yamlFlow(v, st);
  if (Array.isArray(v)) return yamlSeqLines(v, ind, st).slice(ind.length);
  return yamlMapLines(v, ind, st).slice(ind.length);
}

/** JSON, pretty-printed as if the value started on a line indented with `ind`. */
export function jsonPretty(v: Val, ind: string, st: Style): string {
  // `{"Ref": "X"}`, `{"Fn::Sub": "..."}` stay on one line, as people write them.
  if (v instanceof Fn)
    return v.arg === null || typeof v.arg !== 'object' ? jsonCompact(v) : jsonPretty({ [v.name]: v.arg }, ind, st);
  const inner = ind + st.unit;
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[${st.eol}${v.map((x) => inner + jsonPretty(x, inner, st)).join(',' + st.eol)}${st.eol}${ind}]`;
  }
  if (v !== null && typeof v === 'object') {
    const es = Object.entries(v);
    if (es.length === 0) return '{}';
    return `{${st.eol}${es.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${jsonPretty(x, inner, st)}`).join(',' + st.eol)}${st.eol}${ind}}`;
  }
  return JSON.stringify(v);
}
/** JSON on one line: `{"a": 1, "b": [1, 2]}`. */
export function jsonCompact(v: Val): string {
  if (v instanceof Fn) return jsonCompact({ [v.name]: v.arg });
  if (Array.isArray(v)) return `[${v.map(jsonCompact).join(', ')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.entries(v)
      .map(([k, x]) => `${JSON.stringify(k)}: ${jsonCompact(x)}`)
      .join(', ')}}`;
  }
  return JSON.stringify(v);
}

/** A value written where `node` is, on the node's line (flow in YAML). */
export function renderInline(doc: ParsedDocument, node: Node, v: Val): string {
  const st = styleOf(doc);
  if (doc.format === 'json') return jsonPretty(v, indentAt(doc.text, node.span.start), st);
  return yamlFlow(v, st);
}

// ---------------------------------------------------------------------------------------------
// Edits

/** Replace a node by a value (scalars, intrinsics, small flow collections). */
export function replaceNode(doc: ParsedDocument, node: Node, v: Val): TextEdit[] {
  return [{ span: { start: node.span.start, end: node.span.end }, newText: renderInline(doc, node, v) }];
}

/**
 * Set a scalar, keeping its quote style where the new value allows it (`"false"` → `"true"`,
 * `false` → `true`). A tagged node or collection is replaced by the plain value.
 */
export function setScalar(doc: ParsedDocument, node: Node, value: string | boolean | number): TextEdit[] {
  const st = styleOf(doc);
  if (isScalar(node) && !node.tag) {
    const s = String(value);
    if (node.style === 'double' || (node.style === 'json' && typeof node.value === 'string')) {
      return [{ span: node.span, newText: JSON.stringify(s) }];
    }
    if (node.style === 'single') return [{ span: node.span, newText: `'${s.replace(/'/g, "''")}'` }];
  }
  if (doc.format === 'json') return [{ span: node.span, newText: JSON.stringify(value) }];
  return [{ span: node.span, newText: typeof value === 'string' ? yamlScalar(value, st) : String(value) }];
}

export interface Where {
  /** Insert after this pair (default: after the last one). */
  after?: Pair;
  /** Insert before the first pair. */
  first?: boolean;
}

/** Add `key: value` to a map, in the map's own style. */
export function insertPair(
  doc: ParsedDocument,
  map: MapNode,
  key: string,
  v: Val,
  where: Where = {},
): TextEdit[] | null {
  const text = doc.text;
  const st = styleOf(doc);
  const pairs = map.pairs;
  if (!map.flow) {
    if (pairs.length === 0) return null;
    const ind = ' '.repeat(column(text, pairs[0].key.span.start));
    const line = `${yamlScalar(key, st)}:${yamlAfterKey(v, ind, st)}`;
    if (where.first) {
      const at = pairs[0].key.span.start;
      return [{ span: { start: at, end: at }, newText: line + st.eol + ind }];
    }
    const after = where.after ?? pairs[pairs.length - 1];
    const at = lineEnd(text, after.span.end);
    return [{ span: { start: at, end: at }, newText: st.eol + ind + line }];
  }
  // Flow YAML or JSON.
  const json = doc.format === 'json';
  const keyText = json ? JSON.stringify(key) : yamlScalar(key, st);
  if (pairs.length === 0) {
    const inner = text.slice(map.span.start + 1, map.span.end - 1);
    const at = map.span.start + 1;
    if (json && spans(text, map.span.start, map.span.end)) {
      const ind = indentAt(text, map.span.start);
      return [
        {
          span: { start: at, end: map.span.end - 1 },
          newText: `${st.eol}${ind}${st.unit}${keyText}: ${jsonPretty(v, ind + st.unit, st)}${st.eol}${ind}`,
        },
      ];
    }
    if (/\S/.test(inner)) return null;
    return [{ span: { start: at, end: at }, newText: `${keyText}: ${json ? jsonCompact(v) : yamlFlow(v, st)}` }];
  }
  const p0 = pairs[0];
  const sep = json ? text.slice(p0.key.span.end, p0.value.span.start) || ': ' : ': ';
  const multi = spans(text, map.span.start, p0.span.start);
  const ind = multi ? indentAt(text, p0.span.start) : '';
  const valueText = json ? (multi ? jsonPretty(v, ind, st) : jsonCompact(v)) : yamlFlow(v, st);
  const pairText = keyText + (json ? sep : ': ') + valueText;
  if (where.first) {
    return [
      { span: { start: p0.span.start, end: p0.span.start }, newText: pairText + ',' + (multi ? st.eol + ind : ' ') },
    ];
  }
  const after = where.after ?? pairs[pairs.length - 1];
  const aind = multi ? indentAt(text, after.span.start) : '';
  const vt = json && multi ? jsonPretty(v, aind, st) : valueText;
  return [
    {
      span: { start: after.span.end, end: after.span.end },
      newText: ',' + (multi ? st.eol + aind : ' ') + keyText + (json ? sep : ': ') + vt,
    },
  ];
}

/** Append an item to a sequence, in the sequence's own style. */
export function appendItem(doc: ParsedDocument, seq: SeqNode, v: Val): TextEdit[] | null {
  const text = doc.text;
  const st = styleOf(doc);
  const items = seq.items;
  if (!seq.flow) {
    if (items.length === 0) return null;
    const ind = ' '.repeat(column(text, seq.span.start));
    const at = lineEnd(text, items[items.length - 1].span.end);
    return [{ span: { start: at, end: at }, newText: st.eol + ind + '- ' + yamlItem(v, ind + '  ', st) }];
  }
  const json = doc.format === 'json';
  if (items.length === 0) {
    if (/\S/.test(text.slice(seq.span.start + 1, seq.span.end - 1))) return null;
    const at = seq.span.start + 1;
    if (json && spans(text, seq.span.start, seq.span.end)) {
      const ind = indentAt(text, seq.span.start);
      return [
        {
          span: { start: at, end: seq.span.end - 1 },
          newText: `${st.eol}${ind}${st.unit}${jsonPretty(v, ind + st.unit, st)}${st.eol}${ind}`,
        },
      ];
    }
    return [{ span: { start: at, end: at }, newText: json ? jsonCompact(v) : yamlFlow(v, st) }];
  }
  const last = items[items.length - 1];
  const multi = spans(text, seq.span.start, items[0].span.start);
  const ind = multi ? indentAt(text, last.span.start) : '';
  const vt = json ? (multi ? jsonPretty(v, ind, st) : jsonCompact(v)) : yamlFlow(v, st);
  return [{ span: { start: last.span.end, end: last.span.end }, newText: ',' + (multi ? st.eol + ind : ' ') + vt }];
}

/**
 * Remove a pair. Block YAML: its whole lines (with the comment on its last line); when the key
 * follows `- ` on its line, up to the next pair's key. Flow and JSON: the pair and one comma.
 * The last pair of a map cannot be removed this way (null).
 */
export function removePair(doc: ParsedDocument, map: MapNode, pair: Pair): TextEdit[] | null {
  const text = doc.text;
  const i = map.pairs.indexOf(pair);
  if (i < 0 || map.pairs.length < 2) return null;
  if (!map.flow) {
    const ls = lineStart(text, pair.key.span.start);
    const onlyIndentBefore = /^\s*$/.test(text.slice(ls, pair.key.span.start));
    if (onlyIndentBefore) return [{ span: { start: ls, end: nextLineStart(text, pair.span.end) }, newText: '' }];
    const next = map.pairs[i + 1];
    return [{ span: { start: pair.key.span.start, end: next.key.span.start }, newText: '' }];
  }
  if (i < map.pairs.length - 1)
    return [{ span: { start: pair.span.start, end: map.pairs[i + 1].span.start }, newText: '' }];
  return [{ span: { start: map.pairs[i - 1].span.end, end: pair.span.end }, newText: '' }];
}

/** Give `key:` (with no value, or `null`) a value. */
export function fillEmpty(doc: ParsedDocument, pair: Pair, v: Val): TextEdit[] | null {
  const text = doc.text;
  const st = styleOf(doc);
  const val = pair.value;
  if (!isScalar(val) || val.value !== null || val.tag) return null;
  if (doc.format === 'json') return [{ span: val.span, newText: jsonPretty(v, indentAt(text, pair.span.start), st) }];
  const ind = ' '.repeat(column(text, pair.key.span.start));
  const empty = val.span.end === val.span.start;
  // A `Key: null` inside a flow collection: write the value in flow style.
  if (!empty && /^[^\n]*[{[,]\s*$/.test(text.slice(lineStart(text, pair.key.span.start), pair.key.span.start))) {
    return [{ span: val.span, newText: yamlFlow(v, st) }];
  }
  const after = yamlAfterKey(v, ind, st);
  const edits: TextEdit[] = [];
  if (!empty) {
    edits.push({ span: { start: pair.key.span.end, end: val.span.end }, newText: ':' });
    // keep the text from the value's end to the line end (a comment) as it is
  }
  const at = lineEnd(text, Math.max(val.span.end, pair.key.span.end));
  edits.push({ span: { start: at, end: at }, newText: after });
  return edits;
}

/**
 * Make sure `map.path[0].path[1]...` exists as maps and holds `key: value` (set when the key is
 * there). Creates what is missing with one insertion.
 */
export function ensurePath(doc: ParsedDocument, map: MapNode, path: string[], key: string, v: Val): TextEdit[] | null {
  let cur: MapNode = map;
  for (let i = 0; i < path.length; i++) {
    const p = getPair(cur, path[i]);
    const rest = nest(path.slice(i + 1), key, v);
    if (!p) return insertPair(doc, cur, path[i], rest);
    if (plainMap(p.value)) {
      cur = p.value;
      continue;
    }
    if (isScalar(p.value) && p.value.value === null && !p.value.tag) return fillEmpty(doc, p, rest);
    return null;
  }
  const leaf = getPair(cur, key);
  if (!leaf) return insertPair(doc, cur, key, v);
  if (
    isScalar(leaf.value) &&
    leaf.value.value === null &&
    !leaf.value.tag &&
    leaf.value.span.end === leaf.value.span.start
  )
    return fillEmpty(doc, leaf, v);
  if (typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number') return setScalar(doc, leaf.value, v);
  return replaceNode(doc, leaf.value, v);
}
function nest(path: string[], key: string, v: Val): Val {
  let out: Val = { [key]: v };
  for (let i = path.length - 1; i >= 0; i--) out = { [path[i]]: out };
  return out;
}

// ---------------------------------------------------------------------------------------------
// Parameters

/** A logical id not used yet by a parameter, resource, condition, mapping or output. */
export function freshName(t: Template, base: string): string {
  const used = (n: string) =>
    t.parameters.has(n) || t.resources.has(n) || t.conditions.has(n) || t.mappings.has(n) || t.outputs.has(n);
  const clean = base.replace(/[^A-Za-z0-9]/g, '') || 'Param';
  if (!used(clean)) return clean;
  for (let i = 2; ; i++) if (!used(clean + i)) return clean + i;
}

/**
 * Add a parameter: at the end of `Parameters`, or a new `Parameters` section after
 * `AWSTemplateFormatVersion`/`Description` (at the top when neither is there).
 */
export function addParameter(
  doc: ParsedDocument,
  t: Template,
  name: string,
  def: { [key: string]: Val },
): TextEdit[] | null {
  const root = t.root;
  const section = getPair(root, 'Parameters');
  if (section) {
    if (plainMap(section.value)) return insertPair(doc, section.value, name, def);
    if (isScalar(section.value) && section.value.value === null) return fillEmpty(doc, section, { [name]: def });
    return null;
  }
  let after: Pair | undefined;
  for (const k of ['AWSTemplateFormatVersion', 'Description']) {
    const p = getPair(root, k);
    if (p && (!after || p.span.start > after.span.start)) after = p;
  }
  return insertPair(doc, root, 'Parameters', { [name]: def }, after ? { after } : { first: true });
}

/** Apply edits (non-overlapping) to a text. */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.span.start - a.span.start || b.span.end - a.span.end);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
  return out;
}
