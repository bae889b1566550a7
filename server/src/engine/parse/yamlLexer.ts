/**
 * The `yaml` package's lexer, reading indentation as PyYAML (cfn-lint, SAM CLI) does: patches of
 * yaml@2.9.1 src/parse/lexer.ts (the version is pinned in package.json; the lenient-yaml fixture
 * test fails if an upgrade changes these internals).
 *
 * YAML 1.2 requires every line of a multi-line quoted scalar and of a flow collection to be more
 * indented than the parent block node; `yaml` ends the scalar or collection at the first line that
 * is not. PyYAML checks no indentation there: its scanner ignores indentation inside a flow
 * collection (`unwind_indent` returns at once when `flow_level` is set; plain scalars in flow
 * context ignore it too), and a quoted scalar's line breaks are checked only for a document marker
 * (`---` or `...` at column 0, `scan_flow_scalar_breaks`). Published templates rely on this (a
 * `!Sub '{...}'` JSON policy whose closing `}'` sits at the parent key's column).
 *
 * The patched lexer does the same and nothing more: inside quoted scalars and flow collections a
 * line may have any indentation; a document marker at column 0 still ends them (an error, as in
 * PyYAML); block context stays strict. On such a less-indented line (one YAML 1.2 rejects), a tab
 * outside a quoted scalar or comment is reported through onTab: PyYAML never reads a tab as white
 * space between tokens, so it rejects those lines.
 */
import { Lexer, Parser, type CST } from 'yaml';

type Token = CST.Token;

/** The private members of yaml@2.9.1's Lexer that the patch uses. */
interface LexerInternals {
  buffer: string;
  flowLevel: number;
  indentNext: number;
  pos: number;
  continueScalar(offset: number): number;
  parseNext(next: string): Generator<string, unknown>;
}

/** lexer.ts parseNext: the method for each lexer state. */
const STATES: Record<string, string> = {
  stream: 'parseStream',
  'line-start': 'parseLineStart',
  'block-start': 'parseBlockStart',
  doc: 'parseDocument',
  flow: 'parseFlowCollection',
  'quoted-scalar': 'parseQuotedScalar',
  'block-scalar': 'parseBlockScalar',
  'plain-scalar': 'parsePlainScalar',
};
type Method = (this: LexerInternals) => Generator<string, unknown>;
const proto = Lexer.prototype as unknown as LexerInternals & Record<string, Method>;
for (const m of ['continueScalar', 'parseNext', ...Object.values(STATES)]) {
  if (typeof proto[m] !== 'function') throw new Error(`yaml Lexer.${m} is gone: update parse/yamlLexer.ts`);
}

function isDocMarker(b: string, p: number): boolean {
  const dt = b.substr(p, 3);
  if (dt !== '---' && dt !== '...') return false;
  const c = b[p + 3];
  return c === undefined || c === ' ' || c === '\n' || c === '\r' || c === '\t';
}

/**
 * The CST tokens of text (as `new Parser().parse(text)` yields them), lexed with PyYAML's
 * indentation rules for quoted scalars and flow collections. onTab(offset) is called for each tab
 * PyYAML rejects on a line that only this leniency accepts.
 */
export function* parseLenient(text: string, onTab: (offset: number) => void): Generator<Token> {
  const parser = new Parser();
  const lexer = new Lexer();
  const lx = lexer as unknown as LexerInternals;
  let flowIndent = 0; // indentNext in force where the current flow collection started
  let flowErrors = 0; // FLOW_END lexemes: a flow collection ended by a document marker
  const lenientLines = new Set<number>(); // start offsets of lines YAML 1.2 would reject

  // Where the next line of a scalar continues, or -1 where the scalar ends (lexer.ts continueScalar).
  // Inside quotes and flow collections only a document marker at column 0 ends it. A quoted scalar
  // is being read when the lexer stands on its quote (plain scalars cannot start with one, and a
  // block scalar body starts after its header line).
  lx.continueScalar = function (this: LexerInternals, offset: number): number {
    const b = this.buffer;
    const q = b[this.pos];
    if (this.flowLevel === 0 && q !== '"' && q !== "'") return proto.continueScalar.call(this, offset);
    if (isDocMarker(b, offset)) return -1;
    let indent = 0;
    while (b[offset + indent] === ' ') indent++;
    const ch = b[offset + indent];
    const crlf = ch === '\r' && b[offset + indent + 1] === '\n';
    const need = this.flowLevel > 0 ? flowIndent : this.indentNext;
    if (indent < need && ch !== undefined && ch !== '\n' && !crlf) lenientLines.add(offset);
    return crlf ? offset + indent + 1 : offset + indent;
  };
  // parseFlowCollection ends the collection at a line indented less than indentNext; with
  // indentNext 0 only a document marker at column 0 does. indentNext is restored afterwards unless
  // the collection ended at a document marker (the lexer is then at a line start, which sets it).
  lx.parseNext = function* (this: LexerInternals, next: string) {
    if (next !== 'flow') return yield* proto[STATES[next]].call(this);
    const saved = this.indentNext;
    const errors = flowErrors;
    flowIndent = saved;
    markFlowLine(this, saved);
    this.indentNext = 0;
    try {
      return yield* proto.parseFlowCollection.call(this);
    } finally {
      if (flowErrors === errors) this.indentNext = saved;
    }
  };
  // The line parseFlowCollection is about to read, if it starts one: the same test as lexer.ts.
  function markFlowLine(l: LexerInternals, need: number): void {
    const b = l.buffer;
    let p = l.pos;
    let lineStart = -1;
    const blank: number[] = []; // blank lines before it: accepted with it
    for (;;) {
      const c = b[p];
      if (c === '\n' || (c === '\r' && b[p + 1] === '\n')) {
        if (lineStart >= 0) blank.push(lineStart);
        lineStart = p += c === '\n' ? 1 : 2;
      } else if (c === ' ' || c === '\t') p++;
      else break;
    }
    if (lineStart < 0 || p >= b.length) return;
    let indent = 0;
    while (b[lineStart + indent] === ' ') indent++;
    const c = b[p];
    if (indent >= need || c === '#') return;
    if (indent === need - 1 && l.flowLevel === 1 && (c === ']' || c === '}')) return;
    lenientLines.add(lineStart);
    for (const s of blank) lenientLines.add(s);
  }

  let offset = 0;
  for (const lexeme of lexer.lex(text)) {
    // yaml's cst.DOCUMENT, FLOW_END and SCALAR control lexemes are not source text: no offset.
    const c = lexeme.charCodeAt(0);
    if (lexeme.length === 1 && c === 0x18) flowErrors++;
    if (lexeme.length !== 1 || (c !== 2 && c !== 0x18 && c !== 0x1f)) {
      if (lenientLines.size && c !== 34 && c !== 39 && c !== 35 && lexeme.includes('\t')) {
        for (let i = lexeme.indexOf('\t'); i >= 0; i = lexeme.indexOf('\t', i + 1)) {
          const at = offset + i;
          if (lenientLines.has(text.lastIndexOf('\n', at - 1) + 1)) onTab(at);
        }
      }
      offset += lexeme.length;
    }
    yield* parser.next(lexeme);
  }
  yield* parser.end();
}
