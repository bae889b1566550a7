/**
 * A hand-written single-pass YAML reader for the subset CloudFormation templates use. It produces
 * exactly the tree parse/yaml.ts's converter builds from the `yaml` package (same spans, values,
 * styles, tags, shared alias nodes) and returns null for anything it does not handle or any syntax
 * error, so that parseYaml falls back to the `yaml` package (which reports the errors).
 * Spans follow the `yaml` package's ranges: a block collection ends where its last value's
 * range[2] ends (trailing comments included by the same rules as yaml's CST parser).
 * Recursion is bounded by limits.maxDepth (deeper input bails out).
 */
import type { DuplicateKey, MapNode, Node, Pair, ParsedDocument, Scalar, ScalarNode, SeqNode } from './ast';
import { CFN_TAGS, keepLastPairs, withDuplicates } from './ast';
import { DEFAULT_LIMITS, expandedSize, type ParseLimits } from './limits';
import { blockScalarValue, continueScalar, doubleQuotedValue, resolvePlain, unfoldLines } from './yamlScalars';

const TAGSET = new Set(CFN_TAGS);
const BAIL = new Error('fastyaml: unsupported');

function isJsWs(c: number): boolean {
  return (
    c === 32 ||
    (c >= 9 && c <= 13) ||
    c === 160 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

interface Props {
  tag?: string;
  anchor?: string;
  /** end of the last property token */
  end: number;
}

interface Anchor {
  node: Node;
  open: boolean;
}

class FastYaml {
  private t: string;
  private n: number;
  private pos = 0;
  private maxDepth: number;
  // state after a value: next content line
  private nextPos = -1;
  private nextIndent = -1;
  private marker = -1; // position of a document marker line (---/...) that stopped the scan
  private ext = 0; // raw range[2] end of the last value
  private tMax = -1; // pending trailing comment item: max comment indent (-1: none)
  private tEnd = 0;
  // comments of the last scan
  private cI: number[] = [];
  private cE: number[] = [];
  private cN = 0;
  private anchors = new Map<string, Anchor>();
  private sizes = new Map<Node, number>();
  private expanded = 0;
  limitError: { message: string; offset: number } | null = null;
  private validating = false;
  /** Keys repeated in a mapping of the first document (the tree keeps the last pair of each). */
  private duplicates: DuplicateKey[] = [];

  constructor(
    text: string,
    private limits: ParseLimits,
  ) {
    this.t = text;
    this.n = text.length;
    this.maxDepth = Math.min(limits.maxDepth, 1000);
  }

  private c(i: number): number {
    return this.t.charCodeAt(i);
  }

  private isWsOrEnd(i: number): boolean {
    if (i >= this.n) return true;
    const c = this.t.charCodeAt(i);
    return c === 32 || c === 10 || c === 9 || (c === 13 && this.t.charCodeAt(i + 1) === 10);
  }

  private startWithTag(start: number, tag: string | undefined): number {
    if (!tag) return start;
    const from = Math.max(0, start - tag.length - 256);
    const i = this.t.lastIndexOf(tag, start);
    return i >= from ? i : start;
  }

  private trimBack(e: number, start: number): number {
    while (e > start && isJsWs(this.t.charCodeAt(e - 1))) e--;
    return e;
  }

  /** End of the line content at/after p (before \r\n or \n). */
  private lineContentEnd(p: number): number {
    let e = this.t.indexOf('\n', p);
    if (e < 0) e = this.n;
    if (e > p && this.t.charCodeAt(e - 1) === 13) e--;
    return e;
  }

  /** p at the end of a line's content (at \n, \r\n or EOF): position of the next line start, or n. */
  private afterEol(p: number): number {
    if (p >= this.n) return this.n;
    const c = this.c(p);
    if (c === 10) return p + 1;
    if (c === 13 && this.c(p + 1) === 10) return p + 2;
    throw BAIL;
  }

  private isDocMarker(p: number): boolean {
    const t = this.t;
    if (p + 3 > this.n) return false;
    const c = t.charCodeAt(p);
    if (c !== 45 && c !== 46) return false;
    if (t.charCodeAt(p + 1) !== c || t.charCodeAt(p + 2) !== c) return false;
    return this.isWsOrEnd(p + 3);
  }

  /** From a line start, skip blank and comment lines (recording comments); set nextPos/nextIndent. */
  private scan(p: number): void {
    this.cN = 0;
    this.marker = -1;
    const t = this.t;
    const n = this.n;
    for (;;) {
      if (p >= n) {
        this.nextPos = -1;
        this.nextIndent = -1;
        return;
      }
      let i = p;
      while (i < n && t.charCodeAt(i) === 32) i++;
      if (i >= n) {
        this.nextPos = -1;
        this.nextIndent = -1;
        return;
      }
      const c = t.charCodeAt(i);
      if (c === 10) {
        p = i + 1;
        continue;
      }
      if (c === 13) {
        if (t.charCodeAt(i + 1) !== 10) throw BAIL;
        p = i + 2;
        continue;
      }
      if (c === 9) {
        // only a whitespace-only line may hold a tab here
        let j = i;
        while (j < n && (t.charCodeAt(j) === 9 || t.charCodeAt(j) === 32)) j++;
        if (j >= n) {
          p = n;
          continue;
        }
        const d = t.charCodeAt(j);
        if (d === 10) {
          p = j + 1;
          continue;
        }
        if (d === 13 && t.charCodeAt(j + 1) === 10) {
          p = j + 2;
          continue;
        }
        throw BAIL;
      }
      if (c === 35) {
        const e = this.lineContentEnd(i);
        this.cI[this.cN] = i - p;
        this.cE[this.cN] = e;
        this.cN++;
        p = this.afterEol(e);
        continue;
      }
      if (i === p && this.isDocMarker(p)) {
        this.nextPos = -1;
        this.nextIndent = -1;
        this.marker = p;
        return;
      }
      this.nextPos = i;
      this.nextIndent = i - p;
      return;
    }
  }

  /** Rest of the line after a value ending at p: optional spaces and comment. Returns the comment end or -1. */
  private lineTail(p: number): number {
    const t = this.t;
    let i = p;
    while (i < this.n) {
      const c = t.charCodeAt(i);
      if (c === 32 || c === 9) i++;
      else break;
    }
    if (i >= this.n) {
      this.pos = this.n;
      return -1;
    }
    const c = t.charCodeAt(i);
    if (c === 35) {
      if (i === p) throw BAIL; // comment not separated by white space
      const e = this.lineContentEnd(i);
      this.pos = this.afterEol(e);
      return e;
    }
    this.pos = this.afterEol(i);
    return -1;
  }

  /** After a flow-ish value (scalar, alias, flow collection) in a block collection of indent I. */
  private finishFlowish(I: number, valueEnd: number): void {
    let ext = valueEnd;
    const ce = this.lineTail(valueEnd);
    if (ce >= 0) ext = ce;
    this.scan(this.pos);
    let tMax = -1;
    let tEnd = 0;
    for (let k = 0; k < this.cN; k++) {
      const ci = this.cI[k];
      if (tMax < 0 && ci > I) ext = this.cE[k];
      else {
        if (ci > tMax) tMax = ci;
        tEnd = this.cE[k];
      }
    }
    this.ext = ext;
    this.tMax = tMax;
    this.tEnd = tEnd;
  }

  /** After a block scalar: every following comment line belongs to the trailing item. */
  private finishBlockScalar(ext: number, next: number): void {
    this.scan(next);
    let tMax = -1;
    let tEnd = 0;
    for (let k = 0; k < this.cN; k++) {
      if (this.cI[k] > tMax) tMax = this.cI[k];
      tEnd = this.cE[k];
    }
    this.ext = ext;
    this.tMax = tMax;
    this.tEnd = tEnd;
  }

  private finishCollection(I: number, lastExt: number): void {
    if (this.tMax >= 0 && !(I === 0 || this.tMax < I)) {
      this.ext = this.tEnd;
      this.tMax = -1;
    } else this.ext = lastExt;
  }

  private checkDepth(depth: number): void {
    if (depth > this.maxDepth) throw BAIL;
  }

  // ---- properties ----
  private readProps(p: number, inFlow: boolean): Props | null {
    const t = this.t;
    let props: Props | null = null;
    for (;;) {
      const c = t.charCodeAt(p);
      if (c !== 33 && c !== 38) break;
      let e = p + 1;
      while (e < this.n) {
        const d = t.charCodeAt(e);
        if (d === 32 || d === 10 || d === 13 || d === 9 || d === 44 || d === 91 || d === 93 || d === 123 || d === 125)
          break;
        e++;
      }
      if (!this.isWsOrEnd(e)) throw BAIL;
      if (!props) props = { end: e };
      if (c === 33) {
        const tag = t.slice(p, e);
        if (props.tag !== undefined || !TAGSET.has(tag)) throw BAIL;
        props.tag = tag;
      } else {
        const name = t.slice(p + 1, e);
        if (props.anchor !== undefined || name === '') throw BAIL;
        props.anchor = name;
      }
      props.end = e;
      p = e;
      while (p < this.n && (t.charCodeAt(p) === 32 || (inFlow && t.charCodeAt(p) === 9))) p++;
      if (!inFlow && t.charCodeAt(p) === 9) throw BAIL;
    }
    if (props) this.pos = p;
    return props;
  }

  // ---- scalars ----
  private plainStartOk(p: number, inFlow: boolean): boolean {
    const c = this.c(p);
    switch (c) {
      case 44:
      case 91:
      case 93:
      case 123:
      case 125:
      case 35:
      case 38:
      case 42:
      case 33:
      case 124:
      case 62:
      case 39:
      case 34:
      case 37:
      case 64:
      case 96:
      case 9:
      case 32:
      case 10:
      case 13:
        return false;
      case 45:
      case 63:
      case 58: {
        if (this.isWsOrEnd(p + 1)) return false;
        if (inFlow) {
          const d = this.c(p + 1);
          if (d === 44 || d === 91 || d === 93 || d === 123 || d === 125) return false;
        }
        return true;
      }
    }
    return !Number.isNaN(c);
  }

  /** Scan a plain scalar's first line in block context from p. Returns [end, stop] where stop is 1 at ': '. */
  private plainLine(p: number): number {
    const t = this.t;
    const n = this.n;
    let end = p;
    let i = p;
    for (; i < n; i++) {
      const c = t.charCodeAt(i);
      if (c === 58) {
        const d = i + 1 < n ? t.charCodeAt(i + 1) : -1;
        if (d === -1 || d === 32 || d === 10 || d === 9 || (d === 13 && t.charCodeAt(i + 2) === 10)) {
          this.keyColon = i;
          return end;
        }
        end = i + 1;
      } else if (c === 32 || c === 9) {
        const d = t.charCodeAt(i + 1);
        if (d === 35) break;
      } else if (c === 10) break;
      else if (c === 13) {
        if (t.charCodeAt(i + 1) === 10) break;
        throw BAIL;
      } else end = i + 1;
    }
    this.keyColon = -1;
    return end;
  }
  private keyColon = -1;

  /** A block-context plain scalar value at p, continuation lines more indented than I. */
  private plainBlock(p: number, I: number): number {
    const t = this.t;
    const n = this.n;
    let end = this.plainLine(p);
    if (this.keyColon >= 0) throw BAIL;
    // continuation lines
    let lineEnd = end;
    for (;;) {
      // from lineEnd, go to the end of this line: only spaces/tabs allowed before EOL (else a comment stopped us)
      let i = lineEnd;
      while (i < n && (t.charCodeAt(i) === 32 || t.charCodeAt(i) === 9)) i++;
      if (i >= n) break;
      let c = t.charCodeAt(i);
      if (c === 35) break; // comment ends the scalar
      if (c === 13) {
        if (t.charCodeAt(i + 1) !== 10) throw BAIL;
        i++;
        c = 10;
      }
      if (c !== 10) throw BAIL;
      // look at following lines
      let q = i + 1;
      let found = -1;
      for (;;) {
        let s = q;
        while (s < n && t.charCodeAt(s) === 32) s++;
        if (s >= n) break;
        const d = t.charCodeAt(s);
        if (d === 10) {
          q = s + 1;
          continue;
        }
        if (d === 13 && t.charCodeAt(s + 1) === 10) {
          q = s + 2;
          continue;
        }
        if (d === 9) throw BAIL;
        if (s - q > I && d !== 35) {
          if (I < 0 && s === q && this.isDocMarker(q)) break;
          found = s;
        }
        break;
      }
      if (found < 0) break;
      const e2 = this.plainLine(found);
      if (this.keyColon >= 0) throw BAIL;
      if (e2 === found) throw BAIL;
      end = e2;
      lineEnd = e2;
    }
    return end;
  }

  private scalarNode(
    start: number,
    end: number,
    props: Props | null,
    value: Scalar,
    style: ScalarNode['style'],
    contentStart: number,
  ): ScalarNode {
    const tag = props?.tag;
    const sc: ScalarNode = {
      kind: 'scalar',
      value,
      span: { start: tag ? this.startWithTag(start, tag) : start, end: this.trimBack(end, start) },
      style,
      contentStart,
    };
    if (tag) sc.tag = tag;
    if (props?.anchor !== undefined) this.anchors.set(props.anchor, { node: sc, open: false });
    return sc;
  }

  /** Quoted scalar at p (quote char q). Returns the end (after the closing quote). */
  private quotedEnd(p: number, I: number): number {
    const t = this.t;
    const n = this.n;
    const q = t.charCodeAt(p);
    let i = p + 1;
    for (;;) {
      if (i >= n) throw BAIL;
      const c = t.charCodeAt(i);
      if (c === q) {
        if (q === 39 && t.charCodeAt(i + 1) === 39) {
          i += 2;
          continue;
        }
        return i + 1;
      }
      if (c === 92 && q === 34) {
        i += 2;
        continue;
      }
      if (c === 10 || c === 13) {
        // continuation line: must be blank or more indented than I, never a document marker
        let s = c === 13 ? i + 2 : i + 1;
        if (c === 13 && t.charCodeAt(i + 1) !== 10) throw BAIL;
        const ls = s;
        while (s < n && t.charCodeAt(s) === 32) s++;
        const d = t.charCodeAt(s);
        if (d === 9) throw BAIL;
        if (!(d === 10 || d === 13) && s - ls <= I) this.lenientLine(ls);
        if (this.isDocMarker(ls)) throw BAIL;
        i = s;
        continue;
      }
      i++;
    }
  }

  /**
   * A line of a quoted scalar or flow collection indented no more than its parent block node: YAML
   * 1.2 rejects it, PyYAML reads it (as the reference does, parse/yamlLexer.ts). A tab on such a
   * line is an error there, which the reference reports.
   */
  private lenientLine(ls: number): void {
    const tab = this.t.indexOf('\t', ls);
    if (tab >= 0 && tab < this.lineContentEnd(ls)) throw BAIL;
  }

  private quotedValue(p: number, end: number): string {
    const t = this.t;
    const inner = t.slice(p + 1, end - 1);
    if (t.charCodeAt(p) === 39) {
      if (inner.indexOf('\n') < 0) return inner.indexOf("'") < 0 ? inner : inner.replace(/''/g, "'");
      return unfoldLines(inner).replace(/''/g, "'");
    }
    if (inner.indexOf('\\') < 0 && inner.indexOf('\n') < 0) return inner;
    return doubleQuotedValue(t.slice(p, end));
  }

  // ---- keys ----
  /** If a block-map key starts at p, returns the position of its ':' (and sets keyEnd); else -1. */
  private keyEndPos = 0;
  private findKey(p: number): number {
    const t = this.t;
    const c = t.charCodeAt(p);
    if (c === 34 || c === 39) {
      // single-line quoted key
      let i = p + 1;
      for (;;) {
        if (i >= this.n) return -1;
        const d = t.charCodeAt(i);
        if (d === 10 || d === 13) return -1;
        if (d === c) {
          if (c === 39 && t.charCodeAt(i + 1) === 39) {
            i += 2;
            continue;
          }
          break;
        }
        if (d === 92 && c === 34) {
          i += 2;
          continue;
        }
        i++;
      }
      const e = i + 1;
      let j = e;
      while (t.charCodeAt(j) === 32) j++;
      if (t.charCodeAt(j) === 58) {
        if (!this.isWsOrEnd(j + 1)) throw BAIL;
        this.keyEndPos = e;
        return j;
      }
      return -1;
    }
    if (!this.plainStartOk(p, false)) return -1;
    const end = this.plainLine(p);
    if (this.keyColon < 0) return -1;
    this.keyEndPos = end;
    // plain key followed by spaces then ':' is "key :": plainLine stops at the ':' with end before spaces
    return this.keyColon;
  }

  private parseKey(p: number, colon: number): ScalarNode {
    const t = this.t;
    const e = this.keyEndPos;
    const c = t.charCodeAt(p);
    for (let i = e; i < colon; i++) if (t.charCodeAt(i) !== 32) throw BAIL;
    if (c === 34 || c === 39) {
      return {
        kind: 'scalar',
        value: this.quotedValue(p, e),
        span: { start: p, end: e },
        style: c === 34 ? 'double' : 'single',
      };
    }
    if (e === p) throw BAIL;
    const src = t.slice(p, e);
    const v = resolvePlain(src);
    // Keys keep their source text (`Null:` is an IAM condition operator, not YAML null), as yaml.ts does.
    return { kind: 'scalar', value: typeof v === 'string' ? v : src, span: { start: p, end: e }, style: 'plain' };
  }

  /**
   * Register the anchor of a collection still being read: an alias to it before it is closed
   * refers to a node that contains it (the caller closes it when the collection ends).
   */
  private openAnchor(node: MapNode | SeqNode, props: Props | null): Anchor | undefined {
    if (props?.anchor === undefined) return undefined;
    const anchor: Anchor = { node, open: true };
    this.anchors.set(props.anchor, anchor);
    return anchor;
  }

  private isDashAt(p: number): boolean {
    return this.c(p) === 45 && this.isWsOrEnd(p + 1);
  }

  // ---- block collections ----
  private blockMap(I: number, depth: number, props: Props | null): MapNode {
    this.checkDepth(depth);
    const start = this.pos;
    const tag = props?.tag;
    const m: MapNode = {
      kind: 'map',
      pairs: [],
      span: { start: tag ? this.startWithTag(start, tag) : start, end: start },
      flow: false,
    };
    if (tag) m.tag = tag;
    const anchor = this.openAnchor(m, props);
    let lastExt = start;
    for (;;) {
      const p = this.pos;
      const colon = this.findKey(p);
      if (colon < 0) throw BAIL;
      const key = this.parseKey(p, colon);
      this.pos = colon + 1;
      const value = this.mapValue(I, depth + 1);
      m.pairs.push({
        key,
        value,
        span: { start: key.span.start, end: Math.max(value.span.end, key.span.end) },
      } as Pair);
      lastExt = this.ext;
      if (this.nextPos >= 0 && this.nextIndent === I) {
        if (this.isDashAt(this.nextPos)) throw BAIL;
        this.pos = this.nextPos;
        continue;
      }
      if (this.nextPos >= 0 && this.nextIndent > I) throw BAIL;
      break;
    }
    m.span.end = this.trimBack(lastExt, start);
    m.pairs = keepLastPairs(m.pairs, this.validating ? null : this.duplicates);
    if (anchor) anchor.open = false;
    this.finishCollection(I, lastExt);
    return m;
  }

  private blockSeq(I: number, depth: number, props: Props | null): SeqNode {
    this.checkDepth(depth);
    const start = this.pos;
    const tag = props?.tag;
    const q: SeqNode = {
      kind: 'seq',
      items: [],
      span: { start: tag ? this.startWithTag(start, tag) : start, end: start },
      flow: false,
    };
    if (tag) q.tag = tag;
    const anchor = this.openAnchor(q, props);
    let lastExt = start;
    for (;;) {
      this.pos++; // past '-'
      q.items.push(this.seqItem(I, depth + 1));
      lastExt = this.ext;
      if (this.nextPos >= 0 && this.nextIndent === I && this.isDashAt(this.nextPos)) {
        this.pos = this.nextPos;
        continue;
      }
      if (this.nextPos >= 0 && this.nextIndent > I) throw BAIL;
      break;
    }
    q.span.end = this.trimBack(lastExt, start);
    if (anchor) anchor.open = false;
    this.finishCollection(I, lastExt);
    return q;
  }

  private skipInlineSpaces(): void {
    const t = this.t;
    let p = this.pos;
    while (p < this.n && t.charCodeAt(p) === 32) p++;
    if (t.charCodeAt(p) === 9) throw BAIL;
    this.pos = p;
  }

  private atLineEndOrComment(p: number): boolean {
    if (p >= this.n) return true;
    const c = this.c(p);
    return c === 10 || c === 35 || (c === 13 && this.c(p + 1) === 10);
  }

  private mapValue(I: number, depth: number): Node {
    const afterColon = this.pos;
    this.skipInlineSpaces();
    const props = this.readProps(this.pos, false);
    const p = this.pos;
    if (this.atLineEndOrComment(p)) {
      let lastComment = -1;
      let nextLine: number;
      if (p < this.n && this.c(p) === 35) {
        if (p === afterColon || (props && p === props.end)) throw BAIL;
        const e = this.lineContentEnd(p);
        lastComment = e;
        nextLine = this.afterEol(e);
      } else nextLine = this.afterEol(p);
      this.scan(nextLine);
      if (this.nextPos >= 0 && this.nextIndent > I) {
        this.pos = this.nextPos;
        return this.nodeAtLine(I, depth, props);
      }
      if (this.nextPos >= 0 && this.nextIndent === I && this.isDashAt(this.nextPos)) {
        this.pos = this.nextPos;
        return this.blockSeq(I, depth, props);
      }
      // empty value
      if (props?.anchor !== undefined) throw BAIL;
      if (this.cN > 0) lastComment = this.cE[this.cN - 1];
      this.checkDepth(depth);
      const tag = props?.tag;
      const sc: ScalarNode = {
        kind: 'scalar',
        value: tag ? '' : null,
        span: { start: tag ? this.startWithTag(p, tag) : p, end: p },
        style: 'plain',
        contentStart: p,
      };
      if (tag) sc.tag = tag;
      this.ext = lastComment >= 0 ? lastComment : p;
      this.tMax = -1;
      return sc;
    }
    if (p === afterColon) throw BAIL;
    return this.inlineValue(I, depth, props, true);
  }

  private seqItem(I: number, depth: number): Node {
    const afterDash = this.pos;
    this.skipInlineSpaces();
    const props = this.readProps(this.pos, false);
    const p = this.pos;
    if (this.atLineEndOrComment(p)) {
      let nextLine: number;
      if (p < this.n && this.c(p) === 35) {
        if (p === afterDash) throw BAIL;
        nextLine = this.afterEol(this.lineContentEnd(p));
      } else nextLine = this.afterEol(p);
      this.scan(nextLine);
      if (this.nextPos >= 0 && this.nextIndent > I) {
        this.pos = this.nextPos;
        return this.nodeAtLine(I, depth, props);
      }
      throw BAIL; // empty sequence item
    }
    if (p === afterDash) throw BAIL;
    const col = p - this.lineStartOf(p);
    if (this.isDashAt(p)) {
      if (props) throw BAIL;
      return this.blockSeq(col, depth, null);
    }
    const c = this.c(p);
    if (c !== 91 && c !== 123 && c !== 124 && c !== 62 && c !== 42 && this.findKey(p) >= 0) {
      if (props) throw BAIL;
      return this.blockMap(col, depth, null);
    }
    return this.inlineValue(I, depth, props, false);
  }

  private lineStartOf(p: number): number {
    return this.t.lastIndexOf('\n', p - 1) + 1;
  }

  /** A node starting a line (at this.pos, column nextIndent), inside a block collection of indent P. */
  private nodeAtLine(P: number, depth: number, props: Props | null): Node {
    const p = this.pos;
    const col = this.nextIndent;
    if (this.isDashAt(p)) return this.blockSeq(col, depth, props);
    const c = this.c(p);
    if (c === 33 || c === 38) {
      if (props) throw BAIL;
      const pr = this.readProps(p, false);
      if (this.atLineEndOrComment(this.pos)) throw BAIL;
      const q = this.pos;
      const d = this.c(q);
      if (this.isDashAt(q) || (d !== 91 && d !== 123 && d !== 124 && d !== 62 && d !== 42 && this.findKey(q) >= 0))
        throw BAIL;
      return this.inlineValue(P, depth, pr, true);
    }
    if (c !== 91 && c !== 123 && c !== 124 && c !== 62 && c !== 42 && this.findKey(p) >= 0)
      return this.blockMap(col, depth, props);
    return this.inlineValue(P, depth, props, true);
  }

  /** A value written on the current line (scalar, quoted, alias, flow collection, block scalar). */
  private inlineValue(I: number, depth: number, props: Props | null, noKey: boolean): Node {
    void noKey;
    this.checkDepth(depth);
    if (I < 0) throw BAIL; // document-level scalars: leave to the reference parser
    const p = this.pos;
    const t = this.t;
    const c = t.charCodeAt(p);
    if (c === 124 || c === 62) return this.blockScalar(I, props);
    if (c === 91 || c === 123) {
      const node = this.flow(p, I, depth, props, 1);
      const e = this.pos;
      let j = e;
      while (t.charCodeAt(j) === 32 || t.charCodeAt(j) === 9) j++;
      if (t.charCodeAt(j) === 58) throw BAIL;
      this.finishFlowish(I, e);
      return node;
    }
    if (c === 42) {
      const node = this.alias(p, depth, props, false);
      this.finishFlowish(I, this.pos);
      return node;
    }
    if (c === 34 || c === 39) {
      const e = this.quotedEnd(p, I);
      let j = e;
      while (t.charCodeAt(j) === 32 || t.charCodeAt(j) === 9) j++;
      if (t.charCodeAt(j) === 58) throw BAIL;
      const v = this.quotedValue(p, e);
      const node = this.scalarNode(p, e, props, v, c === 34 ? 'double' : 'single', p + 1);
      this.finishFlowish(I, e);
      return node;
    }
    if (!this.plainStartOk(p, false)) throw BAIL;
    const e = this.plainBlock(p, I);
    const src = t.slice(p, e);
    const str = src.indexOf('\n') < 0 ? src : unfoldLines(src);
    const node = this.scalarNode(p, e, props, props?.tag ? str : resolvePlain(str), 'plain', p);
    this.finishFlowish(I, e);
    return node;
  }

  private alias(p: number, depth: number, props: Props | null, inFlow: boolean): Node {
    if (props) throw BAIL;
    this.checkDepth(depth);
    const t = this.t;
    let e = p + 1;
    while (e < this.n) {
      const d = t.charCodeAt(e);
      if (d === 32 || d === 10 || d === 13 || d === 9 || d === 44 || d === 91 || d === 93 || d === 123 || d === 125)
        break;
      e++;
    }
    if (!inFlow && !this.isWsOrEnd(e)) throw BAIL;
    const name = t.slice(p + 1, e);
    if (name === '' || name.endsWith(':')) throw BAIL;
    const a = this.anchors.get(name);
    if (!a || a.open) throw BAIL;
    this.expanded += this.size(a.node);
    if (this.expanded > this.limits.maxAliasExpansion && !this.limitError && !this.validating) {
      this.limitError = {
        message: `alias expansion exceeds ${this.limits.maxAliasExpansion} nodes (possible alias bomb)`,
        offset: p,
      };
    }
    this.pos = e;
    // A scalar alias points where it is used; its text stays at the anchor (as yaml.ts does).
    if (a.node.kind === 'scalar') return { ...a.node, span: { start: p, end: e }, aliasOf: a.node.aliasOf ?? a.node };
    return a.node;
  }

  private size(n: Node): number {
    return expandedSize(n, this.sizes);
  }

  // ---- block scalars (the `yaml` lexer's extent rules and resolve-block-scalar's value rules) ----
  private blockScalar(I: number, props: Props | null): ScalarNode {
    const t = this.t;
    const n = this.n;
    const hs = this.pos;
    const mode = t[hs];
    let i = hs + 1;
    let chomp = '';
    let explicit = 0;
    while (i < n) {
      const ch = t[i];
      if ((ch === '-' || ch === '+') && !chomp) chomp = ch;
      else if (ch >= '1' && ch <= '9' && !explicit) explicit = Number(ch);
      else break;
      i++;
    }
    // header tail: spaces, optional comment, newline
    const hc = t.charCodeAt(i);
    if (!(i >= n || hc === 32 || hc === 10 || (hc === 13 && t.charCodeAt(i + 1) === 10))) throw BAIL;
    while (i < n && t.charCodeAt(i) === 32) i++;
    if (t.charCodeAt(i) === 9) throw BAIL;
    if (i < n && t.charCodeAt(i) === 35) i = this.lineContentEnd(i);
    if (i >= n) throw BAIL;
    const bodyStart = this.afterEol(i);
    // lexer: parseBlockScalar with indentNext = I + 1
    let indentNext = I + 1;
    let nl = bodyStart - 1;
    let indent = 0;
    let ch = 0;
    let j = bodyStart;
    for (; j < n; ++j) {
      ch = t.charCodeAt(j);
      if (ch === 32) indent += 1;
      else if (ch === 10) {
        nl = j;
        indent = 0;
      } else if (ch === 13 && t.charCodeAt(j + 1) === 10) {
        /* part of CRLF */
      } else break;
    }
    if (j >= n) throw BAIL; // nothing but blank lines to the end: leave to the reference
    if (indent >= indentNext) {
      indentNext = explicit ? explicit - 1 + indentNext : indent;
      do {
        const cs = continueScalar(t, nl + 1, indentNext);
        if (cs === -1) break;
        nl = t.indexOf('\n', cs);
      } while (nl !== -1);
      if (nl === -1) nl = n;
    }
    {
      let k = nl + 1;
      while (k < n && t.charCodeAt(k) === 32) k++;
      if (k < n && t.charCodeAt(k) === 9) throw BAIL;
    }
    if (chomp !== '+') {
      for (;;) {
        let k = nl - 1;
        let c2 = t.charCodeAt(k);
        if (c2 === 13) c2 = t.charCodeAt(--k);
        const lastChar = k;
        while (c2 === 32) c2 = t.charCodeAt(--k);
        if (c2 === 10 && k >= bodyStart && k + 1 + indent > lastChar) nl = k;
        else break;
      }
    }
    const source = t.slice(bodyStart, nl + 1);
    const headerLength = bodyStart - hs;
    const end = hs + headerLength + source.length;
    const value = blockScalarValue(mode, chomp, explicit, I, source);
    const node = this.scalarNode(hs, end, props, value, mode === '>' ? 'block-folded' : 'block-literal', hs);
    this.finishBlockScalar(end, Math.min(nl + 1, n));
    return node;
  }

  // ---- flow collections ----
  /** Skip white space, line breaks and comments inside a flow collection (line indent must exceed I). */
  private flowWs(I: number, level: number): void {
    const t = this.t;
    const n = this.n;
    let p = this.pos;
    let sawWs = false;
    for (;;) {
      if (p >= n) throw BAIL;
      const c = t.charCodeAt(p);
      if (c === 32 || c === 9) {
        p++;
        sawWs = true;
      } else if (c === 10 || (c === 13 && t.charCodeAt(p + 1) === 10)) {
        p += c === 13 ? 2 : 1;
        const ls = p;
        while (p < n && t.charCodeAt(p) === 32) p++;
        if (p >= n) throw BAIL;
        const d = t.charCodeAt(p);
        if (d === 9) throw BAIL;
        if (d !== 10 && d !== 13 && d !== 35) {
          const ind = p - ls;
          if (ind === 0 && this.isDocMarker(ls)) throw BAIL;
          if (ind <= I && !(ind === I && level === 1 && (d === 93 || d === 125))) this.lenientLine(ls);
        }
        sawWs = true;
      } else if (c === 35) {
        if (!sawWs) throw BAIL;
        p = this.lineContentEnd(p);
      } else if (c === 13) throw BAIL;
      else break;
    }
    this.pos = p;
  }

  private flow(p: number, I: number, depth: number, props: Props | null, level: number): Node {
    this.checkDepth(depth);
    const t = this.t;
    const isMap = t.charCodeAt(p) === 123;
    const close = isMap ? 125 : 93;
    const tag = props?.tag;
    const start = tag ? this.startWithTag(p, tag) : p;
    const node: MapNode | SeqNode = isMap
      ? { kind: 'map', pairs: [], span: { start, end: p }, flow: true }
      : { kind: 'seq', items: [], span: { start, end: p }, flow: true };
    if (tag) node.tag = tag;
    const anchor = this.openAnchor(node, props);
    this.pos = p + 1;
    let first = true;
    for (;;) {
      this.flowWs(I, level);
      let c = t.charCodeAt(this.pos);
      if (c === close) {
        this.pos++;
        break;
      }
      if (!first) {
        if (c !== 44) throw BAIL;
        this.pos++;
        this.flowWs(I, level);
        c = t.charCodeAt(this.pos);
        if (c === close || c === 44) throw BAIL; // trailing or doubled comma
      }
      first = false;
      if (isMap) {
        const kp = this.pos;
        let key: ScalarNode;
        if (c === 34 || c === 39) {
          const e = this.quotedEnd(kp, I);
          if (t.slice(kp, e).indexOf('\n') >= 0) throw BAIL;
          key = {
            kind: 'scalar',
            value: this.quotedValue(kp, e),
            span: { start: kp, end: e },
            style: c === 34 ? 'double' : 'single',
          };
          this.pos = e;
        } else {
          if (!this.plainStartOk(kp, true)) throw BAIL;
          const e = this.plainFlow(kp);
          const src = t.slice(kp, e);
          const v = resolvePlain(src);
          key = { kind: 'scalar', value: typeof v === 'string' ? v : src, span: { start: kp, end: e }, style: 'plain' };
        }
        // ':' on the same line
        while (t.charCodeAt(this.pos) === 32 || t.charCodeAt(this.pos) === 9) this.pos++;
        if (t.charCodeAt(this.pos) !== 58) throw BAIL;
        if (key.style === 'plain' && !this.isWsOrEnd(this.pos + 1)) throw BAIL;
        this.pos++;
        this.flowWs(I, level);
        const d = t.charCodeAt(this.pos);
        if (d === 44 || d === close) throw BAIL;
        const value = this.flowNode(I, depth + 1, level);
        (node as MapNode).pairs.push({
          key,
          value,
          span: { start: key.span.start, end: Math.max(value.span.end, key.span.end) },
        });
      } else {
        const value = this.flowNode(I, depth + 1, level);
        (node as SeqNode).items.push(value);
        let j = this.pos;
        while (t.charCodeAt(j) === 32 || t.charCodeAt(j) === 9) j++;
        if (t.charCodeAt(j) === 58) throw BAIL;
      }
    }
    node.span.end = this.pos;
    if (isMap)
      (node as MapNode).pairs = keepLastPairs((node as MapNode).pairs, this.validating ? null : this.duplicates);
    if (anchor) anchor.open = false;
    return node;
  }

  private flowNode(I: number, depth: number, level: number): Node {
    const t = this.t;
    const props = this.readProps(this.pos, true);
    const p = this.pos;
    const c = t.charCodeAt(p);
    if (c === 91 || c === 123) return this.flow(p, I, depth, props, level + 1);
    this.checkDepth(depth);
    if (c === 42) return this.alias(p, depth, props, true);
    if (c === 34 || c === 39) {
      const e = this.quotedEnd(p, I);
      this.pos = e;
      return this.scalarNode(p, e, props, this.quotedValue(p, e), c === 34 ? 'double' : 'single', p + 1);
    }
    if (props && (c === 44 || c === 93 || c === 125)) throw BAIL;
    if (!this.plainStartOk(p, true)) throw BAIL;
    const e = this.plainFlow(p);
    const src = t.slice(p, e);
    return this.scalarNode(p, e, props, props?.tag ? src : resolvePlain(src), 'plain', p);
  }

  /** A single-line plain scalar in flow context; sets this.pos to its end. */
  private plainFlow(p: number): number {
    const t = this.t;
    const n = this.n;
    let end = p;
    let i = p;
    for (; i < n; i++) {
      const c = t.charCodeAt(i);
      if (c === 58) {
        const d = t.charCodeAt(i + 1);
        if (this.isWsOrEnd(i + 1) || d === 44 || d === 91 || d === 93 || d === 123 || d === 125) break;
        end = i + 1;
      } else if (c === 32 || c === 9) {
        if (t.charCodeAt(i + 1) === 35) break;
      } else if (c === 10 || c === 13) {
        break;
      } else if (c === 44 || c === 91 || c === 93 || c === 123 || c === 125) break;
      else end = i + 1;
    }
    // a plain scalar continued on the next line: leave to the reference parser
    let j = end;
    while (j < n && (t.charCodeAt(j) === 32 || t.charCodeAt(j) === 9)) j++;
    const d = t.charCodeAt(j);
    if (d === 10 || d === 13) {
      let k = j + (d === 13 ? 2 : 1);
      for (;;) {
        while (k < n && (t.charCodeAt(k) === 32 || t.charCodeAt(k) === 9)) k++;
        const e = t.charCodeAt(k);
        if (e === 10) k++;
        else if (e === 13 && t.charCodeAt(k + 1) === 10) k += 2;
        else break;
      }
      const e = t.charCodeAt(k);
      if (!(e === 35 || e === 44 || e === 93 || e === 125 || e === 58)) throw BAIL;
      if (e === 58) throw BAIL;
    }
    if (end === p) throw BAIL;
    this.pos = end;
    return end;
  }

  // ---- documents ----
  /** Parse one document's content from a scan state; returns the root (null: empty document). */
  private document(): Node | null {
    if (this.nextPos < 0) return null;
    this.pos = this.nextPos;
    const c = this.c(this.pos);
    if (c === 37) throw BAIL; // directive
    const root = this.nodeAtLine(-1, 0, null);
    if (this.nextPos >= 0) throw BAIL;
    return root;
  }

  /** After a '---' or '...' marker line at p: returns the position after its line (only white space/comment allowed). */
  private afterMarker(p: number): number {
    const e = this.lineTail(p + 3);
    void e;
    return this.pos;
  }

  parse(): ParsedDocument | null {
    this.scan(0);
    if (this.marker >= 0) {
      if (this.t.startsWith('...', this.marker)) throw BAIL;
      this.scan(this.afterMarker(this.marker));
      if (this.marker >= 0) throw BAIL;
    }
    if (this.nextPos < 0) throw BAIL; // empty document
    const root = this.document();
    let docs = 1;
    // further documents are only validated
    this.validating = true;
    while (this.marker >= 0) {
      const isEnd = this.t.startsWith('...', this.marker);
      this.scan(this.afterMarker(this.marker));
      if (isEnd) {
        if (this.marker < 0 && this.nextPos < 0) break;
        if (this.marker >= 0) {
          if (this.t.startsWith('...', this.marker)) throw BAIL;
          this.scan(this.afterMarker(this.marker));
        }
      }
      docs++;
      this.anchors = new Map();
      this.document();
    }
    if (this.limitError) {
      const o = this.limitError.offset;
      return {
        text: this.t,
        format: 'yaml',
        root: null,
        errors: [{ message: this.limitError.message, span: { start: o, end: Math.min(this.n, o + 1) } }],
        multiDocument: docs > 1,
      };
    }
    return withDuplicates({ text: this.t, format: 'yaml', root, errors: [], multiDocument: docs > 1 }, this.duplicates);
  }
}

/**
 * Fast path for parseYaml: the same ParsedDocument as the `yaml`-based converter, or null when the
 * text uses anything this reader does not handle (the caller then uses the reference path).
 */
export function fastParseYaml(text: string, limits: ParseLimits = DEFAULT_LIMITS): ParsedDocument | null {
  if (text.length === 0 || text.charCodeAt(0) === 0xfeff) return null;
  try {
    return new FastYaml(text, limits).parse();
  } catch {
    return null;
  }
}
