/**
 * Format-preserving edits over the Ajar tree and the analysed text. Every primitive returns the
 * smallest text edits that do the job: the rest of the document stays byte for byte (comments,
 * blank lines, quoting, CRLF, flow or block style, JSON indentation). `null` means "cannot do this
 * safely here" (an intrinsic where a map was expected, a malformed node...): callers offer no fix.
 * The document's style is `style.ts`'s, nodes are found with `paths.ts`, values are written by
 * `render.ts`.
 */
import type { MapNode, Node, Pair, ParsedDocument, SeqNode } from '../parse/ast';
import { getPair, isScalar } from '../parse/ast';
import type { Template } from '../model/template';
import type { TextEdit } from '../types';
import { plainMap } from './paths';
import {
  jsonCompact,
  jsonPretty,
  renderInline,
  yamlAfterKey,
  yamlFlow,
  yamlItem,
  yamlScalar,
  type Val,
} from './render';
import { column, indentAt, lineEnd, lineStart, nextLineStart, spansLines, styleOf } from './style';

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
    if (json && spansLines(text, map.span.start, map.span.end)) {
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
  const multi = spansLines(text, map.span.start, p0.span.start);
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
    if (json && spansLines(text, seq.span.start, seq.span.end)) {
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
  const multi = spansLines(text, seq.span.start, items[0].span.start);
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
