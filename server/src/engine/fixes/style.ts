/**
 * A document's style as fixes must keep it: line ending, indentation unit, block sequence
 * indentation and quote character (detected once per parsed document), and text positions by
 * offset (line start and end, column, the indentation of a line).
 */
import type { ParsedDocument } from '../parse/ast';

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
/** Does the text between `a` and `b` hold a line break? */
export function spansLines(text: string, a: number, b: number): boolean {
  return /[\r\n]/.test(text.slice(a, b));
}
