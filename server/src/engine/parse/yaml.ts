/**
 * YAML → Ajar tree, with exact offsets. Short-form CloudFormation tags are kept on the node
 * (`tag: '!Ref'`) and their span starts at the tag. Aliases share the anchored node; the number of
 * nodes alias expansion adds is bounded (billion-laughs documents become an AJ000 finding).
 * Indentation inside quoted scalars and flow collections is read as PyYAML (cfn-lint, SAM CLI)
 * reads it, not as strict YAML 1.2 (yamlLexer.ts).
 */
import {
  Composer,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type Alias as YAlias,
  type Scalar as YScalar,
  type Document,
  type Node as YNode,
  type ScalarTag,
  type CollectionTag,
  YAMLMap,
  YAMLSeq,
} from 'yaml';
import type { DuplicateKey, MapNode, Node, Pair, ParseDiagnostic, ParsedDocument, ScalarNode, SeqNode } from './ast';
import { CFN_TAGS, diagnosticSpan, keepLastPairs, withDuplicates } from './ast';
import { DEFAULT_LIMITS, expandedSize, type ParseLimits } from './limits';
import { fastParseYaml } from './fastyaml';
import { parseLenient } from './yamlLexer';

// Tell `yaml` about the CloudFormation tags so it neither warns nor resolves them.
const customTags: (ScalarTag | CollectionTag)[] = [];
for (const tag of CFN_TAGS) {
  customTags.push({ tag, resolve: (s: string) => s } as ScalarTag);
  customTags.push({ tag, collection: 'seq', nodeClass: YAMLSeq } as unknown as CollectionTag);
  customTags.push({ tag, collection: 'map', nodeClass: YAMLMap } as unknown as CollectionTag);
}

class LimitError extends Error {
  constructor(
    message: string,
    public offset: number,
  ) {
    super(message);
  }
}

export function parseYaml(text: string, limits: ParseLimits = DEFAULT_LIMITS): ParsedDocument {
  // A lone CR ends a line for YAML 1.2 and for editors, but not for the readers below: read it as
  // LF (same length, so every offset still refers to the text as written).
  const src = LONE_CR.test(text) ? text.replace(LONE_CR_ALL, '\n') : text;
  return fastParseYaml(src, limits) ?? parseYamlReference(src, limits);
}

const LONE_CR = /\r(?!\n)/;
const LONE_CR_ALL = /\r(?!\n)/g;

/**
 * Deepest nesting of a YAML text, by a linear scan that never recurses: block indentation levels
 * (compact `- - -` items included) plus flow brackets. Returns the offset where it first goes past
 * `limit`, or -1. Hostile nesting must be refused before the `yaml` parser, which recurses.
 * Block scalar bodies, quoted strings and comments are skipped; brackets count only where a flow
 * collection can start, so `a[0]` in a plain scalar does not.
 */
export function yamlDepthOver(text: string, limit: number): number {
  const indents: number[] = [];
  let flow = 0;
  let quote: '"' | "'" | null = null;
  let blockIndent = -1; // > -1: inside a block scalar whose parent line had this indentation
  let i = 0;
  const n = text.length;
  while (i < n) {
    // Start of a line.
    let ind = 0;
    while (i + ind < n && text[i + ind] === ' ') ind++;
    const lineStart = i;
    let j = i + ind;
    let lineEnd = text.indexOf('\n', j);
    if (lineEnd < 0) lineEnd = n;
    const blank = j >= lineEnd || text[j] === '\r' || (text[j] === '#' && !quote);
    if (blockIndent >= 0) {
      if (blank || ind > blockIndent) {
        i = lineEnd + 1;
        continue;
      }
      blockIndent = -1;
    }
    if (blank && !quote) {
      i = lineEnd + 1;
      continue;
    }
    if (flow === 0 && !quote) {
      while (indents.length && indents[indents.length - 1] >= ind) indents.pop();
      indents.push(ind);
      if (indents.length > limit) return j;
      // Compact sequence items on one line: `- - - a`.
      while (j + 1 < lineEnd && text[j] === '-' && (text[j + 1] === ' ' || text[j + 1] === '\t')) {
        j += 2;
        while (j < lineEnd && text[j] === ' ') j++;
        indents.push(j - lineStart);
        if (indents.length > limit) return j;
      }
    }
    let prev = ' '; // previous non-blank character on this line; ' ' at its start
    let dashes = 0; // `- ` indicators after a key on the same line (invalid, but parsers recurse on them)
    for (; j < lineEnd; j++) {
      const c = text[j];
      if (quote) {
        if (quote === '"' && c === '\\') j++;
        else if (c === quote) {
          if (quote === "'" && text[j + 1] === "'") j++;
          else quote = null;
        }
        if (!quote) prev = 'x';
        continue;
      }
      const atScalarStart =
        prev === ' ' || prev === ':' || prev === '-' || prev === ',' || prev === '[' || prev === '{' || prev === '?';
      if (c === '#' && (j === lineStart || text[j - 1] === ' ' || text[j - 1] === '\t')) break;
      if (c === '-' && flow === 0 && atScalarStart && (text[j + 1] === ' ' || text[j + 1] === '\t')) {
        if (indents.length + ++dashes > limit) return j;
      } else if ((c === '"' || c === "'") && atScalarStart) quote = c;
      else if ((c === '[' || c === '{') && (flow > 0 || atScalarStart)) {
        flow++;
        if (indents.length + flow > limit) return j;
      } else if ((c === ']' || c === '}') && flow > 0) flow--;
      else if (
        (c === '|' || c === '>') &&
        flow === 0 &&
        atScalarStart &&
        /^[|>][-+0-9]*[ \t]*(#.*)?\r?$/.test(text.slice(j, lineEnd))
      ) {
        blockIndent = ind;
        break;
      }
      if (c !== ' ' && c !== '\t') prev = c;
    }
    i = lineEnd + 1;
  }
  return -1;
}

/** The `yaml`-package path: the reference the fast reader must match, and its fallback. */
export function parseYamlReference(text: string, limits: ParseLimits = DEFAULT_LIMITS): ParsedDocument {
  const errors: ParseDiagnostic[] = [];
  const over = yamlDepthOver(text, limits.maxDepth);
  if (over >= 0) {
    return {
      text,
      format: 'yaml',
      root: null,
      errors: [
        {
          message: `nesting deeper than ${limits.maxDepth} levels`,
          span: { start: over, end: Math.min(text.length, over + 1) },
        },
      ],
    };
  }
  const docs: Document.Parsed[] = [];
  const tabs: number[] = [];
  // `yaml` makes an Error for each problem it finds (39,000 in a 90 KB paste of garbage): without
  // their stack traces, which nothing reads, that costs a third of the time.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    const composer = new Composer({
      uniqueKeys: false,
      strict: false,
      prettyErrors: false,
      customTags,
      maxAliasCount: -1,
      keepSourceTokens: false,
      stringKeys: false,
    } as never);
    for (const d of composer.compose(
      parseLenient(text, (o) => tabs.push(o)),
      true,
      text.length,
    )) {
      docs.push(d as Document.Parsed);
      if (docs.length > 1) break;
    }
  } catch (e) {
    const msg = e instanceof RangeError ? 'nesting is too deep to read' : `cannot read YAML: ${(e as Error).message}`;
    return {
      text,
      format: 'yaml',
      root: null,
      errors: [{ message: msg, span: { start: 0, end: Math.min(1, text.length) } }],
    };
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  if (docs.length === 0) return { text, format: 'yaml', root: null, errors };
  const multiDocument = docs.length > 1 && docs[1].contents !== null;
  const doc = docs[0];
  for (const e of doc.errors) {
    const [s, t] = e.pos ?? [0, 1];
    const message = /call stack/i.test(e.message) ? 'nesting is too deep to read' : e.message.split('\n')[0];
    errors.push({ message, span: diagnosticSpan(text, s, t) });
  }
  const docEnd = docs.length > 1 ? docs[1].range[0] : text.length;
  for (const o of tabs) {
    if (o >= docEnd) break;
    errors.push({ message: TAB_MESSAGE, span: diagnosticSpan(text, o, o + 1) });
  }
  if (tabs.length) errors.sort((a, b) => a.span.start - b.span.start);
  const conv = new Converter(text, doc, limits);
  let root: Node | null = null;
  try {
    root = doc.contents ? conv.node(doc.contents as YNode, 0) : null;
  } catch (e) {
    if (e instanceof LimitError) {
      errors.push({ message: e.message, span: diagnosticSpan(text, e.offset, e.offset + 1) });
      root = null;
    } else if (e instanceof RangeError) {
      errors.push({ message: 'nesting is too deep to read', span: { start: 0, end: 1 } });
      root = null;
    } else throw e;
  }
  return withDuplicates({ text, format: 'yaml', root, errors, multiDocument }, conv.duplicates);
}

const TAB_MESSAGE =
  'Tab on a line indented less than its parent: only spaces may separate tokens there (PyYAML and cfn-lint reject it)';

class Converter {
  private anchors = new Map<YNode, Node>();
  /** Collections being converted: an alias to one of them would make the tree contain itself. */
  private open = new Set<YNode>();
  private sizes = new Map<Node, number>();
  private expanded = 0;
  /** Keys repeated in a mapping (the tree keeps the last pair of each). */
  readonly duplicates: DuplicateKey[] = [];
  /** Pairs whose key is a complex YAML key: its text ('') is a placeholder, never a duplicate. */
  private complexKeys = new Set<Pair>();
  constructor(
    private text: string,
    private doc: Document.Parsed,
    private limits: ParseLimits,
  ) {}

  /** Each alias's anchored node, found in one walk of the document (see resolveAlias). */
  private aliasTargets: Map<YNode, YNode | undefined> | null = null;

  /**
   * The node an alias refers to: the last node before it, in document order, with its anchor, as
   * `Alias.resolve` finds it. `Alias.resolve(doc)` walks the whole document for every alias,
   * which made a 120 KB document with a few thousand aliases (pasted alias chains) take 40 s on
   * the main thread; here one walk serves every alias.
   */
  private resolveAlias(n: YAlias): YNode | undefined {
    if (!this.aliasTargets) {
      // yaml's visit() order (a node, then its items; a pair's key, then its value), without the
      // path it copies at every node (quadratic in the depth of deeply nested pastes).
      const targets = new Map<YNode, YNode | undefined>();
      const last = new Map<string, YNode>();
      const stack: unknown[] = [this.doc.contents];
      while (stack.length) {
        const node = stack.pop();
        if (!node) continue;
        if (isPair(node)) stack.push(node.value, node.key);
        else if (isAlias(node)) targets.set(node, last.get(node.source));
        else if (isScalar(node) || isMap(node) || isSeq(node)) {
          if (node.anchor) last.set(node.anchor, node);
          if (!isScalar(node)) for (let i = node.items.length - 1; i >= 0; i--) stack.push(node.items[i]);
        }
      }
      this.aliasTargets = targets;
    }
    return this.aliasTargets.get(n);
  }

  private startWithTag(n: YNode, start: number): number {
    const tag = (n as { tag?: string }).tag;
    if (!tag?.startsWith('!') || tag.startsWith('!!')) return start;
    // The tag is written just before the node (possibly with an anchor in between).
    const from = Math.max(0, start - tag.length - 256);
    const i = this.text.lastIndexOf(tag, start);
    return i >= from ? i : start;
  }

  private end(start: number, end: number): number {
    let e = end;
    while (e > start && /\s/.test(this.text[e - 1])) e--;
    return e;
  }

  node(n: YNode, depth: number): Node {
    if (depth > this.limits.maxDepth) {
      throw new LimitError(`nesting deeper than ${this.limits.maxDepth} levels`, n.range?.[0] ?? 0);
    }
    if (isAlias(n)) {
      const target = this.resolveAlias(n);
      if (!target) throw new LimitError(`unknown alias *${n.source}`, n.range?.[0] ?? 0);
      const conv = this.anchors.get(target as YNode);
      if (this.open.has(target as YNode))
        throw new LimitError(`alias *${n.source} refers to a node that contains it`, n.range?.[0] ?? 0);
      if (!conv) throw new LimitError(`alias *${n.source} refers to a node that contains it`, n.range?.[0] ?? 0);
      this.expanded += this.size(conv);
      if (this.expanded > this.limits.maxAliasExpansion) {
        throw new LimitError(
          `alias expansion exceeds ${this.limits.maxAliasExpansion} nodes (possible alias bomb)`,
          n.range?.[0] ?? 0,
        );
      }
      if (conv.kind === 'scalar' && n.range) {
        // A scalar alias points where it is used; its text stays at the anchor.
        return {
          ...conv,
          span: { start: n.range[0], end: this.end(n.range[0], n.range[1]) },
          aliasOf: conv.aliasOf ?? conv,
        };
      }
      return conv;
    }
    const range = n.range ?? [0, 0, 0];
    const tag = (n as { tag?: string }).tag;
    const cfnTag = tag?.startsWith('!') && !tag.startsWith('!!') ? tag : undefined;
    let out: Node;
    if (isScalar(n)) {
      const s = n as YScalar;
      let value = s.value as unknown;
      if (value instanceof Date) value = s.source ?? this.text.slice(range[0], range[1]);
      if (typeof value === 'bigint') value = Number(value);
      if (value !== null && typeof value === 'object') value = String(value);
      const style =
        s.type === 'QUOTE_DOUBLE'
          ? 'double'
          : s.type === 'QUOTE_SINGLE'
            ? 'single'
            : s.type === 'BLOCK_LITERAL'
              ? 'block-literal'
              : s.type === 'BLOCK_FOLDED'
                ? 'block-folded'
                : 'plain';
      const sc: ScalarNode = {
        kind: 'scalar',
        value: value as ScalarNode['value'],
        span: { start: this.startWithTag(n, range[0]), end: this.end(range[0], range[1]) },
        style,
        contentStart: range[0] + (style === 'double' || style === 'single' ? 1 : 0),
      };
      if (cfnTag) sc.tag = cfnTag;
      out = sc;
      this.anchors.set(n, out);
    } else if (isMap(n)) {
      const m: MapNode = {
        kind: 'map',
        pairs: [],
        span: { start: this.startWithTag(n, range[0]), end: this.end(range[0], range[1]) },
        flow: !!(n as YAMLMap).flow,
      };
      if (cfnTag) m.tag = cfnTag;
      this.anchors.set(n, m);
      this.open.add(n);
      for (const item of (n as YAMLMap).items) {
        if (!isPair(item)) continue;
        const k = item.key as YNode | null;
        let key: ScalarNode;
        let complex = false;
        if (k && isScalar(k)) {
          const kr = k.range ?? [0, 0, 0];
          const kv = (k as YScalar).value;
          key = {
            kind: 'scalar',
            // Keys are text, as CloudFormation reads them: a plain `Null:` (the IAM condition
            // operator), `true:` or `123:` key keeps its source text, not YAML's null/bool/number.
            value:
              typeof kv === 'string'
                ? kv
                : ((k as YScalar).source ?? (kv === null || kv === undefined ? '' : String(kv))),
            span: { start: kr[0], end: kr[1] },
            style: k.type === 'QUOTE_DOUBLE' ? 'double' : k.type === 'QUOTE_SINGLE' ? 'single' : 'plain',
          };
          if (typeof key.value !== 'string') key.value = String(key.value);
        } else if (k && isAlias(k)) {
          const t = this.node(k, depth + 1);
          key =
            t.kind === 'scalar'
              ? { ...t, span: { start: k.range![0], end: k.range![1] } }
              : { kind: 'scalar', value: '', span: { start: k.range![0], end: k.range![1] } };
        } else {
          // Complex keys are not used by CloudFormation: keep the position, drop the value.
          const r = k?.range ?? range;
          key = { kind: 'scalar', value: '', span: { start: r[0], end: r[1] } };
          complex = !!k;
        }
        const v = item.value as YNode | null;
        let value: Node;
        if (v) value = this.node(v, depth + 1);
        else {
          // `Key:` with nothing after it: a null scalar at the end of the key.
          value = { kind: 'scalar', value: null, span: { start: key.span.end, end: key.span.end }, style: 'plain' };
        }
        const pair: Pair = { key, value, span: { start: key.span.start, end: Math.max(value.span.end, key.span.end) } };
        m.pairs.push(pair);
        if (complex) this.complexKeys.add(pair);
      }
      m.pairs = keepLastPairs(m.pairs, this.duplicates, (p) => !this.complexKeys.has(p));
      this.open.delete(n);
      out = m;
    } else if (isSeq(n)) {
      const q: SeqNode = {
        kind: 'seq',
        items: [],
        span: { start: this.startWithTag(n, range[0]), end: this.end(range[0], range[1]) },
        flow: !!(n as YAMLSeq).flow,
      };
      if (cfnTag) q.tag = cfnTag;
      this.anchors.set(n, q);
      this.open.add(n);
      for (const item of (n as YAMLSeq).items) {
        if (item === null || item === undefined) continue;
        if (isPair(item)) {
          // `- a: b` inside a flow sequence: a single-pair map.
          const r = (item.key as YNode | null)?.range ?? range;
          const mm: YAMLMap = new YAMLMap();
          mm.items.push(item);
          mm.range = [r[0], (item.value as YNode | null)?.range?.[1] ?? r[1], r[2]];
          q.items.push(this.node(mm as unknown as YNode, depth + 1));
        } else q.items.push(this.node(item as YNode, depth + 1));
      }
      this.open.delete(n);
      out = q;
    } else {
      out = { kind: 'scalar', value: null, span: { start: range[0], end: range[1] } };
    }
    return out;
  }

  /** Number of nodes under n once aliases are expanded (memoised per node object). */
  private size(n: Node): number {
    return expandedSize(n, this.sizes);
  }
}
