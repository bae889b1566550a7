/**
 * JSON → Ajar tree with exact offsets, through jsonc-parser's scanner-based parser (strict JSON:
 * comments and trailing commas are reported). Nesting depth is checked by a linear pre-scan so that
 * hostile input never reaches a recursive parser.
 */
import { parseTree, printParseErrorCode, type Node as JNode, type ParseError } from 'jsonc-parser';
import type { DuplicateKey, MapNode, Node, ParseDiagnostic, ParsedDocument, ScalarNode, SeqNode } from './ast';
import { DEFAULT_LIMITS, type ParseLimits } from './limits';
import { fastParseJson } from './fastjson';
import { diagnosticSpan, keepLastPairs, withDuplicates } from './ast';

/**
 * Deepest bracket nesting, and where it first goes past `limit`, as an upper bound of how deep
 * jsonc-parser recurses on the text. Strings and comments are read as its scanner reads them
 * (brackets there do not count; a string ends at its closing quote or a line break, an escape
 * takes the next character whatever it is; a `//` comment ends at a line break, a block comment at
 * its end). A closer ends only a collection of its own kind: the parser skips a `]` inside an
 * object and a `}` inside an array, so `{]{]{]...` nests as deep as `{{{...`.
 */
export function jsonDepth(text: string, limit: number): { depth: number; overAt: number } {
  const open: number[] = [];
  let max = 0;
  let inString = false;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \\ */) i++;
      else if (c === 34 /* " */ || c === 10 || c === 13) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 47 /* / */) {
      const d = text.charCodeAt(i + 1);
      if (d === 47) {
        i += 2;
        while (i < n && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
      } else if (d === 42) {
        const e = text.indexOf('*/', i + 2);
        i = e < 0 ? n : e + 1;
      }
    } else if (c === 123 || c === 91) {
      open.push(c);
      if (open.length > max) {
        max = open.length;
        if (max > limit) return { depth: max, overAt: i };
      }
    } else if ((c === 125 || c === 93) && open.length && open[open.length - 1] === c - 2) open.pop();
  }
  return { depth: max, overAt: -1 };
}

export function parseJson(text: string, limits: ParseLimits = DEFAULT_LIMITS): ParsedDocument {
  const { overAt } = jsonDepth(text, limits.maxDepth);
  if (overAt >= 0) {
    return {
      text,
      format: 'json',
      root: null,
      errors: [{ message: `nesting deeper than ${limits.maxDepth} levels`, span: { start: overAt, end: overAt + 1 } }],
    };
  }
  return fastParseJson(text) ?? parseJsonReference(text);
}

/** jsonc-parser path (depth already checked): the reference the fast reader must match, and its fallback. */
export function parseJsonReference(text: string): ParsedDocument {
  const perrors: ParseError[] = [];
  let tree: JNode | undefined;
  try {
    tree = parseTree(text, perrors, {
      disallowComments: true,
      allowTrailingComma: false,
      allowEmptyContent: false,
    });
  } catch (e) {
    // jsonDepth reads as the scanner does; should the recursive parser still overflow, say so.
    if (!(e instanceof RangeError)) throw e;
    return {
      text,
      format: 'json',
      root: null,
      errors: [{ message: 'nesting is too deep to read', span: diagnosticSpan(text, 0, 1) }],
    };
  }
  const errors: ParseDiagnostic[] = perrors.map((e) => ({
    message: describe(e),
    span: diagnosticSpan(text, e.offset, e.offset + Math.max(1, e.length)),
  }));
  const duplicates: DuplicateKey[] = [];
  const root = tree ? convert(tree, duplicates) : null;
  return withDuplicates({ text, format: 'json', root, errors }, duplicates);
}

function describe(e: ParseError): string {
  const code = printParseErrorCode(e.error);
  const words: Record<string, string> = {
    InvalidSymbol: 'invalid symbol',
    InvalidNumberFormat: 'invalid number',
    PropertyNameExpected: 'property name expected',
    ValueExpected: 'value expected',
    ColonExpected: "':' expected",
    CommaExpected: "',' expected",
    CloseBraceExpected: "'}' expected",
    CloseBracketExpected: "']' expected",
    EndOfFileExpected: 'end of file expected',
    InvalidCommentToken: 'comments are not allowed in JSON',
    UnexpectedEndOfComment: 'unexpected end of comment',
    UnexpectedEndOfString: 'unterminated string',
    UnexpectedEndOfNumber: 'unexpected end of number',
    InvalidUnicode: 'invalid unicode escape',
    InvalidEscapeCharacter: 'invalid escape character',
    InvalidCharacter: 'invalid character',
  };
  return `JSON: ${words[code] ?? code}`;
}

function convert(n: JNode, duplicates: DuplicateKey[]): Node {
  const span = { start: n.offset, end: n.offset + n.length };
  switch (n.type) {
    case 'object': {
      const m: MapNode = { kind: 'map', pairs: [], span, flow: true };
      for (const prop of n.children ?? []) {
        const [k, v] = prop.children ?? [];
        if (!k) continue;
        const key: ScalarNode = {
          kind: 'scalar',
          value: String(k.value),
          span: { start: k.offset, end: k.offset + k.length },
          style: 'json',
          contentStart: k.offset + 1,
        };
        const value: Node = v
          ? convert(v, duplicates)
          : { kind: 'scalar', value: null, span: { start: key.span.end, end: key.span.end }, style: 'json' };
        m.pairs.push({ key, value, span: { start: prop.offset, end: prop.offset + prop.length } });
      }
      m.pairs = keepLastPairs(m.pairs, duplicates);
      return m;
    }
    case 'array': {
      const s: SeqNode = {
        kind: 'seq',
        items: (n.children ?? []).map((c) => convert(c, duplicates)),
        span,
        flow: true,
      };
      return s;
    }
    default:
      return {
        kind: 'scalar',
        value: (n.value ?? null) as ScalarNode['value'],
        span,
        style: 'json',
        contentStart: n.type === 'string' ? n.offset + 1 : n.offset,
      };
  }
}
