/**
 * Values as fixes write them (`Val`: scalars, lists, maps and intrinsic calls, `Fn`) and their
 * rendering in the document's style: YAML plain or quoted scalars, flow and block collections,
 * short-form intrinsic tags (`!Ref X`), JSON pretty-printed at an indentation or on one line.
 */
import type { Node, ParsedDocument } from '../parse/ast';
import { intrinsicTag } from '../model/intrinsics';
import { indentAt, styleOf, type Style } from './style';

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
/** A sequence item's text after `- ` (block YAML, continuation lines at `ind`). */
export function yamlItem(v: Val, ind: string, st: Style): string {
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
