/**
 * Strict JSON → Ajar tree, hand-written and iterative (no recursion, any depth). Produces exactly
 * the tree parse/json.ts's jsonc-parser converter builds (spans, `style: 'json'`, contentStart,
 * `flow: true`); on any deviation from strict JSON (or white space other than space, tab, CR, LF)
 * it returns null so that parseJson falls back to jsonc-parser, which reports the errors.
 */
import type { DuplicateKey, MapNode, Node, ParsedDocument, ScalarNode, SeqNode } from './ast';
import { keepLastPairs, withDuplicates } from './ast';

const BAIL = new Error('fastjson: not strict JSON');

export function fastParseJson(text: string): ParsedDocument | null {
  try {
    return new FastJson(text).parse();
  } catch {
    return null;
  }
}

class FastJson {
  private i = 0;
  private n: number;
  constructor(private t: string) {
    this.n = t.length;
  }

  private ws(): void {
    const t = this.t;
    let i = this.i;
    while (i < this.n) {
      const c = t.charCodeAt(i);
      if (c === 32 || c === 10 || c === 13 || c === 9) i++;
      else break;
    }
    this.i = i;
  }

  /** Is position p a valid end of a literal (white space, delimiter or end of text)? */
  private delim(p: number): boolean {
    if (p >= this.n) return true;
    const c = this.t.charCodeAt(p);
    return c === 32 || c === 10 || c === 13 || c === 9 || c === 44 || c === 93 || c === 125 || c === 58;
  }

  private string(): ScalarNode {
    const t = this.t;
    const start = this.i;
    let p = start + 1;
    let simple = true;
    for (;;) {
      if (p >= this.n) throw BAIL;
      const c = t.charCodeAt(p);
      if (c === 34) break;
      if (c < 32) throw BAIL;
      if (c === 92) {
        simple = false;
        p += 2;
        continue;
      }
      p++;
    }
    const end = p + 1;
    const value = simple ? t.slice(start + 1, p) : this.unescape(start + 1, p);
    this.i = end;
    return { kind: 'scalar', value, span: { start, end }, style: 'json', contentStart: start + 1 };
  }

  private unescape(from: number, to: number): string {
    const t = this.t;
    let out = '';
    let run = from;
    for (let p = from; p < to; p++) {
      if (t.charCodeAt(p) !== 92) continue;
      out += t.slice(run, p);
      const e = t[p + 1];
      switch (e) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          const h = t.slice(p + 2, p + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(h) || p + 6 > to) throw BAIL;
          out += String.fromCharCode(parseInt(h, 16));
          p += 4;
          break;
        }
        default:
          throw BAIL;
      }
      p++;
      run = p + 1;
    }
    return out + t.slice(run, to);
  }

  private number(): ScalarNode {
    const t = this.t;
    const start = this.i;
    let p = start;
    if (t.charCodeAt(p) === 45) p++;
    let c = t.charCodeAt(p);
    if (c === 48) p++;
    else if (c >= 49 && c <= 57) {
      p++;
      while ((c = t.charCodeAt(p)) >= 48 && c <= 57) p++;
    } else throw BAIL;
    if (t.charCodeAt(p) === 46) {
      p++;
      c = t.charCodeAt(p);
      if (!(c >= 48 && c <= 57)) throw BAIL;
      while ((c = t.charCodeAt(p)) >= 48 && c <= 57) p++;
    }
    c = t.charCodeAt(p);
    if (c === 101 || c === 69) {
      p++;
      c = t.charCodeAt(p);
      if (c === 43 || c === 45) p++;
      c = t.charCodeAt(p);
      if (!(c >= 48 && c <= 57)) throw BAIL;
      while ((c = t.charCodeAt(p)) >= 48 && c <= 57) p++;
    }
    if (!this.delim(p)) throw BAIL;
    this.i = p;
    return {
      kind: 'scalar',
      value: Number(t.slice(start, p)),
      span: { start, end: p },
      style: 'json',
      contentStart: start,
    };
  }

  private literal(word: string, value: boolean | null): ScalarNode {
    const start = this.i;
    if (!this.t.startsWith(word, start) || !this.delim(start + word.length)) throw BAIL;
    this.i = start + word.length;
    return { kind: 'scalar', value, span: { start, end: this.i }, style: 'json', contentStart: start };
  }

  /** A property name and its ':' (white space skipped after). */
  private key(): ScalarNode {
    if (this.t.charCodeAt(this.i) !== 34) throw BAIL;
    const k = this.string();
    this.ws();
    if (this.t.charCodeAt(this.i) !== 58) throw BAIL;
    this.i++;
    this.ws();
    return k;
  }

  parse(): ParsedDocument {
    const t = this.t;
    const stack: (MapNode | SeqNode)[] = [];
    const keys: (ScalarNode | null)[] = [];
    const duplicates: DuplicateKey[] = [];
    let root: Node | null = null;
    this.ws();
    outer: for (;;) {
      if (this.i >= this.n) throw BAIL;
      let c = t.charCodeAt(this.i);
      let value: Node;
      if (c === 123 || c === 91) {
        const start = this.i;
        const isMap = c === 123;
        const node: MapNode | SeqNode = isMap
          ? { kind: 'map', pairs: [], span: { start, end: start }, flow: true }
          : { kind: 'seq', items: [], span: { start, end: start }, flow: true };
        this.i++;
        this.ws();
        if (t.charCodeAt(this.i) === (isMap ? 125 : 93)) {
          this.i++;
          node.span.end = this.i;
          value = node;
        } else {
          stack.push(node);
          keys.push(isMap ? this.key() : null);
          continue;
        }
      } else if (c === 34) value = this.string();
      else if (c === 45 || (c >= 48 && c <= 57)) value = this.number();
      else if (c === 116) value = this.literal('true', true);
      else if (c === 102) value = this.literal('false', false);
      else if (c === 110) value = this.literal('null', null);
      else throw BAIL;
      for (;;) {
        if (stack.length === 0) {
          root = value;
          this.ws();
          if (this.i !== this.n) throw BAIL;
          break outer;
        }
        const parent = stack[stack.length - 1];
        if (parent.kind === 'map') {
          const key = keys[keys.length - 1]!;
          parent.pairs.push({ key, value, span: { start: key.span.start, end: value.span.end } });
        } else parent.items.push(value);
        this.ws();
        c = t.charCodeAt(this.i);
        if (c === 44) {
          this.i++;
          this.ws();
          if (parent.kind === 'map') keys[keys.length - 1] = this.key();
          continue outer;
        }
        if (c !== (parent.kind === 'map' ? 125 : 93)) throw BAIL;
        this.i++;
        parent.span.end = this.i;
        if (parent.kind === 'map') parent.pairs = keepLastPairs(parent.pairs, duplicates);
        stack.pop();
        keys.pop();
        value = parent;
      }
    }
    return withDuplicates({ text: t, format: 'json', root, errors: [] }, duplicates);
  }
}
