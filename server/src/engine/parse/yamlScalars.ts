/**
 * Ports of the `yaml` package's scalar code, for the fast reader (fastyaml.ts): it must give every
 * scalar the value the reference (yaml.ts, through `yaml`) gives it, so these functions follow
 * `yaml` 2.9.1 line by line:
 *   - unfoldLines, doubleQuotedValue: dist/compose/resolve-flow-scalar.js
 *   - resolvePlain: dist/schema/core/{bool,int,float}.js and the core schema's null
 *   - blockScalarValue: dist/compose/resolve-block-scalar.js
 *   - continueScalar: dist/parse/lexer.js (Lexer.continueScalar)
 * Where `yaml` reports an error they throw UNSUPPORTED, and the fast reader leaves the text to the
 * reference. When the installed `yaml` is not YAML_VERSION, test/unit/parse/yamlScalars.test.ts
 * fails: compare these files of the two versions, update the ports, then the version.
 */
import type { Scalar } from './ast';

/** The `yaml` version these ports follow (must equal node_modules/yaml/package.json). */
export const YAML_VERSION = '2.9.1';

/** Thrown where `yaml` reports an error: the caller falls back to the reference reader. */
export const UNSUPPORTED = new Error('yamlScalars: left to the yaml package');

/** Folded lines of a plain or single-quoted scalar (`resolve-flow-scalar.js`). */
export function unfoldLines(source: string): string {
  const line = /(.*?)\r?\n/sy;
  let match = line.exec(source);
  if (!match) return source;
  const trimEnd = /(?<![ \t])[ \t]+$/;
  const trimBoth = /^[ \t]+|(?<![ \t])[ \t]+$/g;
  let res = match[1].replace(trimEnd, '');
  let sep = ' ';
  let pos = line.lastIndex;
  while ((match = line.exec(source))) {
    const lm = match[1].replace(trimBoth, '');
    if (lm === '') {
      if (sep === '\n') res += sep;
      else sep = '\n';
    } else {
      res += sep + lm;
      sep = ' ';
    }
    pos = line.lastIndex;
  }
  const last = /[ \t]*(.*)/sy;
  last.lastIndex = pos;
  match = last.exec(source);
  return res + sep + (match?.[1] ?? '');
}

const ESC: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  '\t': '\t',
};

/** The value of a double-quoted scalar, quotes included in `source` (`resolve-flow-scalar.js`). */
export function doubleQuotedValue(source: string): string {
  let res = '';
  for (let i = 1; i < source.length - 1; ++i) {
    const ch = source[i];
    if (ch === '\r' && source[i + 1] === '\n') continue;
    if (ch === '\n') {
      let fold = '';
      let c2 = source[i + 1];
      while (c2 === ' ' || c2 === '\t' || c2 === '\n' || c2 === '\r') {
        if (c2 === '\r' && source[i + 2] !== '\n') break;
        if (c2 === '\n') fold += '\n';
        i += 1;
        c2 = source[i + 1];
      }
      res += fold || ' ';
    } else if (ch === '\\') {
      let next = source[++i];
      const cc = ESC[next];
      if (cc) res += cc;
      else if (next === '\n') {
        next = source[i + 1];
        while (next === ' ' || next === '\t') next = source[++i + 1];
      } else if (next === '\r' && source[i + 1] === '\n') {
        next = source[++i + 1];
        while (next === ' ' || next === '\t') next = source[++i + 1];
      } else if (next === 'x' || next === 'u' || next === 'U') {
        const length = next === 'x' ? 2 : next === 'u' ? 4 : 8;
        const cc2 = source.substr(i + 1, length);
        if (cc2.length !== length || !/^[0-9a-fA-F]+$/.test(cc2)) throw UNSUPPORTED;
        const code = parseInt(cc2, 16);
        if (code > 0x10ffff) throw UNSUPPORTED;
        res += String.fromCodePoint(code);
        i += length;
      } else throw UNSUPPORTED;
    } else if (ch === ' ' || ch === '\t') {
      const wsStart = i;
      let next = source[i + 1];
      while (next === ' ' || next === '\t') next = source[++i + 1];
      if (next !== '\n' && !(next === '\r' && source[i + 2] === '\n'))
        res += i > wsStart ? source.slice(wsStart, i + 1) : ch;
    } else res += ch;
  }
  return res;
}

const RE_BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const RE_OCT = /^0o[0-7]+$/;
const RE_INT = /^[-+]?[0-9]+$/;
const RE_HEX = /^0x[0-9a-fA-F]+$/;
const RE_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const RE_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const RE_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

/** Core-schema resolution of a plain scalar (`schema/core/*.js`: null, bool, int, float). */
export function resolvePlain(s: string): Scalar {
  const c = s.charCodeAt(0);
  // Fast path: a letter other than n/N/t/T/f/F cannot start a null, bool or number.
  if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) {
    if (c !== 110 && c !== 78 && c !== 116 && c !== 84 && c !== 102 && c !== 70) return s;
  }
  if (s === '' || s === '~' || s === 'null' || s === 'Null' || s === 'NULL') return null;
  if (RE_BOOL.test(s)) return s[0] === 't' || s[0] === 'T';
  if (RE_OCT.test(s)) return parseInt(s.substring(2), 8);
  if (RE_INT.test(s)) return parseInt(s, 10);
  if (RE_HEX.test(s)) return parseInt(s.substring(2), 16);
  if (RE_NAN.test(s))
    return s.slice(-3).toLowerCase() === 'nan'
      ? NaN
      : s[0] === '-'
        ? Number.NEGATIVE_INFINITY
        : Number.POSITIVE_INFINITY;
  if (RE_EXP.test(s)) return parseFloat(s);
  if (RE_FLOAT.test(s)) return parseFloat(s);
  return s;
}

/**
 * The lexer's `continueScalar` (`parse/lexer.js`): where a block scalar's next line goes on, or -1
 * when it is less indented than `indentNext` and ends the scalar.
 */
export function continueScalar(t: string, offset: number, indentNext: number): number {
  let indent = 0;
  let ch = t.charCodeAt(offset);
  while (ch === 32) ch = t.charCodeAt(++indent + offset);
  if (ch === 13) {
    const next = t.charCodeAt(indent + offset + 1);
    if (next === 10) return offset + indent + 1;
  }
  return ch === 10 || indent >= indentNext ? offset + indent : -1;
}

/**
 * The value of a block scalar (`compose/resolve-block-scalar.js`) from its body `source`: `mode` `|`
 * or `>`, `chomp` '', '-' or '+', the explicit indentation indicator (0: none) and the parent's
 * indentation. Throws UNSUPPORTED where `yaml` reports an error.
 */
export function blockScalarValue(
  mode: string,
  chomp: string,
  headerIndent: number,
  scalarIndent: number,
  source: string,
): string {
  const lines: [string, string][] = [];
  if (source) {
    const split = source.split(/\n( *)/);
    const first = split[0];
    const m = /^( *)/.exec(first);
    lines.push(m?.[1] ? [m[1], first.slice(m[1].length)] : ['', first]);
    for (let i = 1; i < split.length; i += 2) lines.push([split[i], split[i + 1]]);
  }
  let chompStart = lines.length;
  for (let i = lines.length - 1; i >= 0; --i) {
    const content = lines[i][1];
    if (content === '' || content === '\r') chompStart = i;
    else break;
  }
  if (chompStart === 0) return chomp === '+' && lines.length > 0 ? '\n'.repeat(Math.max(1, lines.length - 1)) : '';
  let trimIndent = scalarIndent + headerIndent;
  let contentStart = 0;
  for (let i = 0; i < chompStart; ++i) {
    const [indent, content] = lines[i];
    if (content === '' || content === '\r') {
      if (headerIndent === 0 && indent.length > trimIndent) trimIndent = indent.length;
    } else {
      if (indent.length < trimIndent) throw UNSUPPORTED;
      if (headerIndent === 0) trimIndent = indent.length;
      contentStart = i;
      if (trimIndent === 0) throw UNSUPPORTED;
      break;
    }
  }
  for (let i = lines.length - 1; i >= chompStart; --i) if (lines[i][0].length > trimIndent) chompStart = i + 1;
  let value = '';
  let sep = '';
  let prevMoreIndented = false;
  for (let i = 0; i < contentStart; ++i) value += lines[i][0].slice(trimIndent) + '\n';
  const literal = mode === '|';
  for (let i = contentStart; i < chompStart; ++i) {
    const indent = lines[i][0];
    let content = lines[i][1];
    if (content[content.length - 1] === '\r') content = content.slice(0, -1);
    if (content && indent.length < trimIndent) throw UNSUPPORTED;
    if (literal) {
      value += sep + indent.slice(trimIndent) + content;
      sep = '\n';
    } else if (indent.length > trimIndent || content[0] === '\t') {
      if (sep === ' ') sep = '\n';
      else if (!prevMoreIndented && sep === '\n') sep = '\n\n';
      value += sep + indent.slice(trimIndent) + content;
      sep = '\n';
      prevMoreIndented = true;
    } else if (content === '') {
      if (sep === '\n') value += '\n';
      else sep = '\n';
    } else {
      value += sep + content;
      sep = ' ';
      prevMoreIndented = false;
    }
  }
  if (chomp === '+') {
    for (let i = chompStart; i < lines.length; ++i) value += '\n' + lines[i][0].slice(trimIndent);
    if (value[value.length - 1] !== '\n') value += '\n';
  } else if (chomp !== '-') value += '\n';
  return value;
}
