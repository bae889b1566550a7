/**
 * Just enough of a lexer for TypeScript/JavaScript and Python to find where constructs are
 * created: identifiers, punctuation and string literals, with comments, regular expressions and
 * template or f-string substitutions skipped, so that an id in a comment or inside another string
 * is never taken for a construct id. Never evaluates anything.
 */

export type Language = 'ts' | 'py';

export interface Token {
  kind: 'ident' | 'string' | 'punct' | 'number';
  /** The identifier or punctuation text; for strings the literal's value (null when not a plain literal). */
  value: string | null;
  start: number;
  end: number;
  /** First token on its line (Python blocks, and the line a frame names). */
  lineStart: boolean;
  /** Column of the first token of this token's line (Python indentation). */
  indent: number;
  /** A piece of a template literal with substitutions: its text, and whether it opens or closes the literal. */
  template?: { text: string; head: boolean; tail: boolean };
}

const IDENT_START = /[A-Za-z_$\u00c0-\uffff]/;
const IDENT_PART = /[A-Za-z0-9_$\u00c0-\uffff]/;
/** After these a `/` starts a regular expression, not a division. */
const REGEX_AFTER_WORDS = new Set([
  'return',
  'typeof',
  'instanceof',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'case',
  'do',
  'else',
  'yield',
  'await',
]);

export function languageOf(file: string): Language | null {
  if (/\.py$/i.test(file)) return 'py';
  if (/\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/i.test(file) && !/\.d\.[mc]?ts$/i.test(file)) return 'ts';
  return null;
}

export function tokenize(text: string, lang: Language): Token[] {
  return lang === 'py' ? tokenizePython(text) : tokenizeTs(text);
}

interface LineState {
  lineStart: boolean;
  indent: number;
}

function makePusher(text: string, out: Token[]) {
  const st: LineState = { lineStart: true, indent: 0 };
  let lineBegin = 0;
  return {
    newline(at: number) {
      st.lineStart = true;
      lineBegin = at;
    },
    push(kind: Token['kind'], value: string | null, start: number, end: number) {
      if (st.lineStart) st.indent = start - lineBegin;
      out.push({ kind, value, start, end, lineStart: st.lineStart, indent: st.indent });
      st.lineStart = false;
      // a multi-line token (a string) ends on a later line: that line has begun
      const nl = Math.max(text.lastIndexOf('\n', end - 1), -1);
      if (nl >= start) lineBegin = nl + 1;
    },
  };
}

/** A quoted string's value, or null when it holds escapes this lexer does not decode simply. */
function decodeQuoted(body: string): string | null {
  if (!body.includes('\\')) return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = body[++i];
    if (n === undefined) return null;
    if (n === 'n') out += '\n';
    else if (n === 't') out += '\t';
    else if (n === '\\' || n === "'" || n === '"' || n === '`') out += n;
    else if (n === '\n') continue;
    else return null;
  }
  return out;
}

function tokenizeTs(text: string): Token[] {
  const out: Token[] = [];
  const p = makePusher(text, out);
  /** Open braces: true where a `}` resumes a template literal. */
  const braces: boolean[] = [];
  let i = 0;
  const n = text.length;
  const regexAllowed = () => {
    const t = out[out.length - 1];
    if (!t) return true;
    if (t.kind === 'ident') return REGEX_AFTER_WORDS.has(t.value ?? '');
    if (t.kind === 'punct') return !(t.value === ')' || t.value === ']' || t.value === '}');
    return false;
  };
  /** Scans a template literal's text from i (just after the backtick or the `}` of a substitution). */
  const scanTemplate = (start: number, sawSub: boolean) => {
    let j = i;
    while (j < n) {
      const c = text[j];
      if (c === '\\') j += 2;
      else if (c === '`') {
        j++;
        const body = text.slice(start + 1, j - 1);
        p.push('string', sawSub ? null : decodeQuoted(body), start, j);
        if (sawSub) out[out.length - 1].template = { text: decodeQuoted(body) ?? body, head: false, tail: true };
        i = j;
        return;
      } else if (c === '$' && text[j + 1] === '{') {
        // a template that holds `${...}` is no literal id (its pieces make a pattern of ids)
        p.push('string', null, start, j + 2);
        out[out.length - 1].template = {
          text: decodeQuoted(text.slice(start + 1, j)) ?? text.slice(start + 1, j),
          head: !sawSub,
          tail: false,
        };
        braces.push(true);
        i = j + 2;
        return;
      } else j++;
    }
    p.push('string', null, start, n);
    i = n;
  };
  while (i < n) {
    const c = text[i];
    if (c === '\n') {
      p.newline(i + 1);
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v' || c === '\ufeff') i++;
    else if (c === '/' && text[i + 1] === '/') {
      const e = text.indexOf('\n', i);
      i = e < 0 ? n : e;
    } else if (c === '/' && text[i + 1] === '*') {
      const start = i;
      const e = text.indexOf('*/', i + 2);
      i = e < 0 ? n : e + 2;
      const nl = text.lastIndexOf('\n', i - 1);
      if (nl >= start) p.newline(nl + 1);
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < n && text[j] !== c && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      const end = Math.min(j + 1, n);
      p.push('string', text[j] === c ? decodeQuoted(text.slice(i + 1, j)) : null, i, end);
      i = end;
    } else if (c === '`') {
      const start = i;
      i++;
      scanTemplate(start, false);
    } else if (c === '/' && regexAllowed()) {
      let j = i + 1;
      let inClass = false;
      while (j < n && text[j] !== '\n') {
        const d = text[j];
        if (d === '\\') j += 2;
        else {
          if (d === '[') inClass = true;
          else if (d === ']') inClass = false;
          else if (d === '/' && !inClass) break;
          j++;
        }
      }
      j++;
      while (j < n && /[a-z]/i.test(text[j])) j++;
      p.push('punct', '/regex/', i, j);
      i = j;
    } else if (IDENT_START.test(c)) {
      let j = i + 1;
      while (j < n && IDENT_PART.test(text[j])) j++;
      p.push('ident', text.slice(i, j), i, j);
      i = j;
    } else if (c >= '0' && c <= '9') {
      let j = i + 1;
      while (j < n && /[0-9a-zA-Z_.]/.test(text[j])) j++;
      p.push('number', text.slice(i, j), i, j);
      i = j;
    } else if (c === '{') {
      braces.push(false);
      p.push('punct', c, i, i + 1);
      i++;
    } else if (c === '}') {
      const resumesTemplate = braces.pop() === true;
      if (resumesTemplate) {
        const start = i;
        i++;
        scanTemplate(start, true);
      } else {
        p.push('punct', c, i, i + 1);
        i++;
      }
    } else {
      p.push('punct', c, i, i + 1);
      i++;
    }
  }
  return out;
}

function tokenizePython(text: string): Token[] {
  const out: Token[] = [];
  const p = makePusher(text, out);
  let depth = 0; // inside brackets a newline does not end the logical line
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === '\n') {
      if (depth === 0) p.newline(i + 1);
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\ufeff') i++;
    else if (c === '\\' && text[i + 1] === '\n') i += 2;
    else if (c === '#') {
      const e = text.indexOf('\n', i);
      i = e < 0 ? n : e;
    } else if (c === '"' || c === "'" || (/[rRbBuUfF]/.test(c) && stringPrefixAt(text, i))) {
      const prefixEnd = c === '"' || c === "'" ? i : stringPrefixAt(text, i)!;
      const prefix = text.slice(i, prefixEnd).toLowerCase();
      const q = text[prefixEnd];
      const triple = text.startsWith(q.repeat(3), prefixEnd);
      const open = prefixEnd + (triple ? 3 : 1);
      let j = open;
      const raw = prefix.includes('r');
      while (j < n) {
        if (text[j] === '\\' && !raw) j += 2;
        else if (text[j] === '\\') j += 2;
        else if (triple ? text.startsWith(q.repeat(3), j) : text[j] === q) break;
        else if (!triple && text[j] === '\n') break;
        else j++;
      }
      const closed = j < n && text[j] === q;
      const end = closed ? j + (triple ? 3 : 1) : Math.min(j, n);
      const body = text.slice(open, j);
      let value: string | null = null;
      if (closed && !prefix.includes('b') && !(prefix.includes('f') && body.includes('{')))
        value = raw ? body : decodeQuoted(body);
      p.push('string', value, i, end);
      i = end;
    } else if (IDENT_START.test(c)) {
      let j = i + 1;
      while (j < n && IDENT_PART.test(text[j])) j++;
      p.push('ident', text.slice(i, j), i, j);
      i = j;
    } else if (c >= '0' && c <= '9') {
      let j = i + 1;
      while (j < n && /[0-9a-zA-Z_.]/.test(text[j])) j++;
      p.push('number', text.slice(i, j), i, j);
      i = j;
    } else {
      if (c === '(' || c === '[' || c === '{') depth++;
      else if ((c === ')' || c === ']' || c === '}') && depth > 0) depth--;
      p.push('punct', c, i, i + 1);
      i++;
    }
  }
  return out;
}

/** Where a Python string's prefix (r, b, f, u and pairs) ends, when a quote follows it. */
function stringPrefixAt(text: string, i: number): number | null {
  const m = /^[rRbBuUfF]{1,2}(?=['"])/.exec(text.slice(i, i + 3));
  if (!m) return null;
  if (i > 0 && IDENT_PART.test(text[i - 1])) return null;
  return i + m[0].length;
}
