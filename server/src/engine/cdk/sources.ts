/**
 * What a TypeScript/JavaScript or Python source file says about constructs: where it creates them
 * (`new X(this, 'Id'` / `X(self, "Id"`), the classes it defines (and their bodies), and what it
 * imports and re-exports. Read from tokens; nothing is evaluated.
 */
import { type Language, type Token, tokenize } from './lexer';

export interface Creation {
  /** The callee as written: `['s3', 'Bucket']`, `['StaticSite']`. */
  callee: string[];
  /** Written with `new` (TypeScript/JavaScript), or a Python call. */
  isNew: boolean;
  /** The construct id (for a template literal with substitutions, as written: `Worker${i}`). */
  id: string;
  /** A template literal with substitutions: the ids it can make (`Worker${i}` → /^Worker.+$/). */
  pattern?: RegExp;
  /** The id's string literal, quotes included. */
  idStart: number;
  idEnd: number;
  /** Where the expression starts (`new`, or the callee). */
  start: number;
}

export interface ClassDef {
  name: string;
  /** The class body (between its braces; for Python, from the header to the end of the block). */
  start: number;
  end: number;
}

export interface ImportBinding {
  /** The module as written: `./site`, `aws-cdk-lib/aws-s3`, `.site`, `lib.site`. */
  spec: string;
  /** The exported name, `*` for a namespace or module, `default` for a default import. */
  name: string;
}

export interface SourceModel {
  lang: Language;
  creations: Creation[];
  classes: Map<string, ClassDef>;
  /** Local name → where it comes from. */
  imports: Map<string, ImportBinding>;
  /** `export { A as B } from './x'` (B → {spec, A}), `export * from './x'` (in `star`). */
  reexports: Map<string, ImportBinding>;
  star: string[];
  /** Names exported from this file's own bindings (`export { A as B }`): B → A. */
  localExports: Map<string, string>;
  /** The name of `export default class X`. */
  defaultClass?: string;
  /** Every module the file names (for the app's import closure). */
  specs: string[];
}

export function readSource(text: string, lang: Language): SourceModel {
  const tokens = tokenize(text, lang);
  return lang === 'py' ? readPython(tokens) : readTs(tokens);
}

const isPunct = (t: Token | undefined, v: string) => !!t && t.kind === 'punct' && t.value === v;
const isIdent = (t: Token | undefined, v?: string) => !!t && t.kind === 'ident' && (v === undefined || t.value === v);
const isLiteral = (t: Token | undefined): t is Token & { value: string } =>
  !!t && t.kind === 'string' && t.value !== null;

function emptyModel(lang: Language): SourceModel {
  return {
    lang,
    creations: [],
    classes: new Map(),
    imports: new Map(),
    reexports: new Map(),
    star: [],
    localExports: new Map(),
    specs: [],
  };
}

/** `A`, `A as B`, `type A` (skipped), `default as B` inside `{ ... }` from index i (at `{`); returns the index after `}`. */
function readNamedList(
  tokens: Token[],
  i: number,
  sep: 'as' | ':',
  add: (exported: string, local: string) => void,
): number {
  let j = i + 1;
  while (j < tokens.length && !isPunct(tokens[j], '}')) {
    const t = tokens[j];
    if (isIdent(t, 'type') && isIdent(tokens[j + 1]) && !isPunct(tokens[j + 1], ',')) {
      // `type A` in an import list: a type, never a class to construct
      j += 2;
      if (isIdent(tokens[j], 'as')) j += 2;
    } else if (isIdent(t) || isLiteral(t)) {
      const exported = t.value!;
      let local = exported;
      if (sep === 'as' && isIdent(tokens[j + 1], 'as') && isIdent(tokens[j + 2])) {
        local = tokens[j + 2].value!;
        j += 3;
      } else if (sep === ':' && isPunct(tokens[j + 1], ':') && isIdent(tokens[j + 2])) {
        local = tokens[j + 2].value!;
        j += 3;
      } else j++;
      add(exported, local);
    } else j++;
  }
  return j + 1;
}

/** The matching close of the bracket at index i. */
function matchClose(tokens: Token[], i: number, open: string, close: string): number {
  let depth = 0;
  for (let j = i; j < tokens.length; j++) {
    if (isPunct(tokens[j], open)) depth++;
    else if (isPunct(tokens[j], close) && --depth === 0) return j;
  }
  return tokens.length - 1;
}

/** At index i (the `(` of a call): `scope, 'Id'` with scope `this` or a name; the id token. */
function idArgument(tokens: Token[], i: number, lang: Language): (Token & { pattern?: RegExp }) | null {
  let j = i + 1;
  const scope = tokens[j];
  if (!isIdent(scope)) return null;
  j++;
  // `this.node.scope`-like scopes are not construct scopes; `props.scope` is rare: accept a plain name
  if (!isPunct(tokens[j], ',')) return null;
  j++;
  if (lang === 'py' && isIdent(tokens[j], 'id') && isPunct(tokens[j + 1], '=')) j += 2;
  const id = tokens[j];
  if (lang === 'ts' && id?.template?.head) return templateId(tokens, j);
  if (!isLiteral(id)) return null;
  const after = tokens[j + 1];
  if (!(isPunct(after, ',') || isPunct(after, ')'))) return null;
  return id;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A template literal with substitutions as the id argument (Worker${i} in backticks): a token spanning
 * the literal, its text as written, and the pattern of the ids it can make. Null when the literal
 * spells too little to tell ids apart (`\`${name}\``).
 */
function templateId(tokens: Token[], j: number): (Token & { value: string; pattern: RegExp }) | null {
  const pieces = [tokens[j].template!.text];
  let depth = 0;
  let k = j + 1;
  for (; k < tokens.length; k++) {
    const t = tokens[k].template;
    if (!t) continue;
    if (t.head) depth++;
    else if (depth > 0) {
      if (t.tail) depth--;
    } else {
      pieces.push(t.text);
      if (t.tail) break;
    }
  }
  if (k >= tokens.length) return null;
  const after = tokens[k + 1];
  if (!(isPunct(after, ',') || isPunct(after, ')'))) return null;
  if (pieces.join('').length < 2) return null;
  const pattern = new RegExp(`^${pieces.map(escapeRegExp).join('.+?')}$`);
  return { ...tokens[j], end: tokens[k].end, value: pieces.join('${…}'), pattern };
}

function readTs(tokens: Token[]): SourceModel {
  const m = emptyModel('ts');
  const spec = (t: Token | undefined) => (isLiteral(t) ? t.value : null);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind !== 'ident') {
      if (isPunct(t, '(') && i > 0) readTsCall(tokens, i, m);
      continue;
    }
    const prevDot = isPunct(tokens[i - 1], '.');
    if (prevDot) continue;
    if (t.value === 'import' && !isPunct(tokens[i + 1], '(') && !isPunct(tokens[i + 1], '.')) {
      let j = i + 1;
      if (isIdent(tokens[j], 'type') && !isIdent(tokens[j + 1], 'from') && !isPunct(tokens[j + 1], ',')) continue;
      const locals: { local: string; name: string }[] = [];
      if (isIdent(tokens[j]) && !isIdent(tokens[j], 'from')) {
        const local = tokens[j].value!;
        if (isPunct(tokens[j + 1], '=') && isIdent(tokens[j + 2], 'require') && isPunct(tokens[j + 3], '(')) {
          const s = spec(tokens[j + 4]);
          if (s) {
            m.imports.set(local, { spec: s, name: '*' });
            m.specs.push(s);
          }
          continue;
        }
        locals.push({ local, name: 'default' });
        j++;
        if (isPunct(tokens[j], ',')) j++;
      }
      if (isPunct(tokens[j], '*') && isIdent(tokens[j + 1], 'as') && isIdent(tokens[j + 2])) {
        locals.push({ local: tokens[j + 2].value!, name: '*' });
        j += 3;
      } else if (isPunct(tokens[j], '{')) {
        j = readNamedList(tokens, j, 'as', (name, local) => locals.push({ local, name }));
      }
      if (isIdent(tokens[j], 'from')) j++;
      const s = spec(tokens[j]);
      if (!s) continue;
      m.specs.push(s);
      for (const l of locals) m.imports.set(l.local, { spec: s, name: l.name });
    } else if (t.value === 'export') {
      const j = i + 1;
      if (isPunct(tokens[j], '*')) {
        let k = j + 1;
        let ns: string | null = null;
        if (isIdent(tokens[k], 'as') && isIdent(tokens[k + 1])) {
          ns = tokens[k + 1].value!;
          k += 2;
        }
        if (isIdent(tokens[k], 'from')) {
          const s = spec(tokens[k + 1]);
          if (s) {
            m.specs.push(s);
            if (ns) m.reexports.set(ns, { spec: s, name: '*' });
            else m.star.push(s);
          }
        }
      } else if (isPunct(tokens[j], '{')) {
        const names: { exported: string; local: string }[] = [];
        const k = readNamedList(tokens, j, 'as', (local, exported) => names.push({ exported, local }));
        const s = isIdent(tokens[k], 'from') ? spec(tokens[k + 1]) : null;
        if (s) m.specs.push(s);
        for (const n of names) {
          if (s) m.reexports.set(n.exported, { spec: s, name: n.local });
          else m.localExports.set(n.exported, n.local);
        }
      } else if (isIdent(tokens[j], 'default') && isIdent(tokens[j + 1], 'class') && isIdent(tokens[j + 2])) {
        m.defaultClass = tokens[j + 2].value!;
      }
    } else if ((t.value === 'const' || t.value === 'let' || t.value === 'var') && i + 1 < tokens.length) {
      // const { A, B: C } = require('./x');  const ns = require('./x');
      const j = i + 1;
      if (isPunct(tokens[j], '{')) {
        const names: { exported: string; local: string }[] = [];
        const k = readNamedList(tokens, j, ':', (exported, local) => names.push({ exported, local }));
        if (isPunct(tokens[k], '=') && isIdent(tokens[k + 1], 'require') && isPunct(tokens[k + 2], '(')) {
          const s = spec(tokens[k + 3]);
          if (s) {
            m.specs.push(s);
            for (const n of names) m.imports.set(n.local, { spec: s, name: n.exported });
          }
        }
      } else if (
        isIdent(tokens[j]) &&
        isPunct(tokens[j + 1], '=') &&
        isIdent(tokens[j + 2], 'require') &&
        isPunct(tokens[j + 3], '(')
      ) {
        const s = spec(tokens[j + 4]);
        if (s) {
          m.specs.push(s);
          m.imports.set(tokens[j].value!, { spec: s, name: '*' });
        }
      }
    } else if (t.value === 'class' && isIdent(tokens[i + 1])) {
      const name = tokens[i + 1].value!;
      let j = i + 2;
      while (j < tokens.length && !isPunct(tokens[j], '{')) j++;
      if (j >= tokens.length) continue;
      const close = matchClose(tokens, j, '{', '}');
      if (!m.classes.has(name)) m.classes.set(name, { name, start: tokens[j].start, end: tokens[close].end });
    }
  }
  return m;
}

/** At a `(`: is this `[new] a.b.C(scope, 'Id'` ? */
function readTsCall(tokens: Token[], i: number, m: SourceModel): void {
  const id = idArgument(tokens, i, 'ts');
  if (!id) return;
  // the callee: identifiers joined by dots, backwards from the `(`
  const parts: string[] = [];
  let j = i - 1;
  // skip type arguments: `new Foo<Bar>(`
  if (isPunct(tokens[j], '>')) {
    let depth = 0;
    for (; j >= 0; j--) {
      if (isPunct(tokens[j], '>')) depth++;
      else if (isPunct(tokens[j], '<') && --depth === 0) {
        j--;
        break;
      }
    }
  }
  while (j >= 0 && isIdent(tokens[j])) {
    parts.unshift(tokens[j].value!);
    if (isPunct(tokens[j - 1], '.') || isPunct(tokens[j - 1], '?.')) j -= 2;
    else break;
  }
  if (parts.length === 0) return;
  const first = tokens[j];
  const isNew = isIdent(tokens[j - 1], 'new');
  if (['if', 'for', 'while', 'switch', 'catch', 'function', 'return', 'super'].includes(parts[0]) && parts.length === 1)
    return;
  if (isIdent(tokens[j - 1], 'function')) return;
  m.creations.push({
    callee: parts,
    isNew,
    id: id.value!,
    ...(id.pattern ? { pattern: id.pattern } : {}),
    idStart: id.start,
    idEnd: id.end,
    start: isNew ? tokens[j - 1].start : first.start,
  });
}

function readPython(tokens: Token[]): SourceModel {
  const m = emptyModel('py');
  const dotted = (j: number): { name: string; next: number } | null => {
    let name = '';
    let k = j;
    while (isPunct(tokens[k], '.')) {
      name += '.';
      k++;
    }
    while (isIdent(tokens[k])) {
      name += tokens[k].value;
      k++;
      if (isPunct(tokens[k], '.') && isIdent(tokens[k + 1])) {
        name += '.';
        k++;
      } else break;
    }
    return name ? { name, next: k } : null;
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (isPunct(t, '(') && i > 0) {
      readPyCall(tokens, i, m);
      continue;
    }
    if (t.kind !== 'ident' || !t.lineStart) continue;
    if (t.value === 'from') {
      const mod = dotted(i + 1);
      if (!mod || !isIdent(tokens[mod.next], 'import')) continue;
      m.specs.push(mod.name);
      let j = mod.next + 1;
      const paren = isPunct(tokens[j], '(');
      if (paren) j++;
      while (j < tokens.length) {
        const n = tokens[j];
        if (!isIdent(n)) break;
        let local = n.value!;
        j++;
        if (isIdent(tokens[j], 'as') && isIdent(tokens[j + 1])) {
          local = tokens[j + 1].value!;
          j += 2;
        }
        // `from . import site`: the name may be a module; the resolver decides
        m.imports.set(local, { spec: mod.name, name: n.value! });
        if (isPunct(tokens[j], ',')) j++;
        else break;
        if (!paren && tokens[j]?.lineStart) break;
      }
    } else if (t.value === 'import') {
      let j = i + 1;
      while (j < tokens.length) {
        const mod = dotted(j);
        if (!mod) break;
        j = mod.next;
        m.specs.push(mod.name);
        if (isIdent(tokens[j], 'as') && isIdent(tokens[j + 1])) {
          m.imports.set(tokens[j + 1].value!, { spec: mod.name, name: '*' });
          j += 2;
        } else m.imports.set(mod.name, { spec: mod.name, name: '*' });
        if (isPunct(tokens[j], ',') && !tokens[j + 1]?.lineStart) j++;
        else break;
      }
    } else if (t.value === 'class' && isIdent(tokens[i + 1])) {
      const name = tokens[i + 1].value!;
      // the block: every following token more indented than the class line
      let end = tokens.length;
      for (let j = i + 2; j < tokens.length; j++) {
        if (tokens[j].lineStart && tokens[j].indent <= t.indent) {
          end = j;
          break;
        }
      }
      const last = tokens[end - 1];
      if (!m.classes.has(name)) m.classes.set(name, { name, start: t.start, end: last.end });
    }
  }
  return m;
}

function readPyCall(tokens: Token[], i: number, m: SourceModel): void {
  const id = idArgument(tokens, i, 'py');
  if (!id) return;
  const parts: string[] = [];
  let j = i - 1;
  while (j >= 0 && isIdent(tokens[j])) {
    parts.unshift(tokens[j].value!);
    if (isPunct(tokens[j - 1], '.')) j -= 2;
    else break;
  }
  if (parts.length === 0 || isIdent(tokens[j - 1], 'def') || isIdent(tokens[j - 1], 'class')) return;
  if (parts[0] === 'super' || (parts.length === 1 && ['if', 'while', 'print', 'return'].includes(parts[0]))) return;
  m.creations.push({
    callee: parts,
    isNew: false,
    id: id.value!,
    idStart: id.start,
    idEnd: id.end,
    start: tokens[j].start,
  });
}

/** The creation whose `(` follows a token at or after `offset` on the same logical statement (a frame's position). */
export function creationAt(model: SourceModel, offset: number, lineEnd: number): Creation | undefined {
  return model.creations.find((c) => c.start >= offset && c.start <= lineEnd);
}
