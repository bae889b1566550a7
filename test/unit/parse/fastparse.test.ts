/**
 * Differential tests: the hand-written fast readers (fastyaml.ts, fastjson.ts) must either bail out
 * (null) or produce exactly the tree of the reference converters (the `yaml` package and
 * jsonc-parser paths), spans included. Also checks that the fast path is really taken for the
 * benchmark templates and the peer corpus, so a silent regression to the slow path is caught.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fastParseYaml } from '../../../server/src/engine/parse/fastyaml';
import { fastParseJson } from '../../../server/src/engine/parse/fastjson';
import { parseYaml, parseYamlReference } from '../../../server/src/engine/parse/yaml';
import { parseJson, parseJsonReference } from '../../../server/src/engine/parse/json';
import { DEFAULT_LIMITS } from '../../../server/src/engine/parse/limits';
import type { Node, ParsedDocument } from '../../../server/src/engine/parse/ast';
// @ts-expect-error plain ES module without types
import { yamlTemplate, cdkTemplate } from '../../../bench/generate.mjs';

const CORPUS = resolve(__dirname, '../../fixtures/peers');

function walk(dir: string, out: string[]): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(ya?ml|json|template)$/.test(name)) out.push(p);
  }
  return out;
}

/** A JSON-serialisable dump of a tree: every field, spans included; shared (alias) nodes marked. */
function dump(doc: ParsedDocument): unknown {
  const seen = new Map<Node, number>();
  const num = (v: unknown) =>
    typeof v === 'number' && (Number.isNaN(v) || !Number.isFinite(v) || Object.is(v, -0))
      ? `#num:${String(Object.is(v, -0) ? '-0' : v)}`
      : v;
  const node = (n: Node): unknown => {
    const id = seen.get(n);
    if (id !== undefined) return { ref: id };
    seen.set(n, seen.size);
    const base: Record<string, unknown> = {
      kind: n.kind,
      span: [n.span.start, n.span.end],
      keys: Object.keys(n).sort().join(','),
    };
    if (n.tag !== undefined) base.tag = n.tag;
    if (n.kind === 'scalar')
      return { ...base, value: num(n.value), type: typeof n.value, style: n.style, contentStart: n.contentStart };
    if (n.kind === 'seq') return { ...base, flow: n.flow, items: n.items.map(node) };
    return {
      ...base,
      flow: n.flow,
      pairs: n.pairs.map((p) => ({
        span: [p.span.start, p.span.end],
        keys: Object.keys(p).sort().join(','),
        key: node(p.key),
        value: node(p.value),
      })),
    };
  };
  return {
    format: doc.format,
    root: doc.root ? node(doc.root) : null,
    errors: doc.errors,
    multiDocument: doc.multiDocument,
    keys: Object.keys(doc).sort().join(','),
    sameText: true,
  };
}

/** Returns 'fast' when the fast path handled the text (and matched), 'bail' when it declined. */
function checkYaml(text: string, label: string): 'fast' | 'bail' {
  const fast = fastParseYaml(text);
  if (!fast) return 'bail';
  const ref = parseYamlReference(text);
  assert.equal(fast.text, text, label);
  assert.deepEqual(dump(fast), dump(ref), label);
  assert.deepStrictEqual(fast, ref, label); // also: the same node objects shared by aliases
  return 'fast';
}
function checkJson(text: string, label: string): 'fast' | 'bail' {
  const fast = fastParseJson(text);
  if (!fast) {
    return 'bail';
  }
  const ref = parseJsonReference(text);
  assert.deepEqual(dump(fast), dump(ref), label);
  assert.deepStrictEqual(fast, ref, label);
  return 'fast';
}

const corpusFiles = existsSync(CORPUS) ? walk(CORPUS, []) : [];

test('peer corpus: fast readers bail out or match the reference exactly (LF and CRLF)', () => {
  assert.ok(corpusFiles.length > 100, `corpus not found under ${CORPUS}`);
  const bailed: string[] = [];
  let fast = 0;
  let total = 0;
  for (const f of corpusFiles) {
    const raw = readFileSync(f, 'utf8').replace(/^\uFEFF/, '');
    const isJson = /\.json$/.test(f) || /^\s*[{[]/.test(raw);
    for (const crlf of [false, true]) {
      const text = crlf ? raw.replace(/\r?\n/g, '\r\n') : raw;
      const label = `${f.slice(CORPUS.length + 1)}${crlf ? ' (CRLF)' : ''}`;
      total++;
      // Whatever the extension, check both readers (json files are also YAML).
      const y = checkYaml(text, label);
      const r = isJson ? checkJson(text, label) : y;
      if (r === 'fast') fast++;
      else bailed.push(label);
    }
  }
  console.log(
    `fast path handled ${fast}/${total} corpus texts (${corpusFiles.length} files, LF + CRLF); bailed out on:\n  ${bailed.join('\n  ')}`,
  );
  // Every file the fast path declines must be one the reference reports errors for.
  for (const label of bailed) {
    const f = join(CORPUS, label.replace(/ \(CRLF\)$/, ''));
    const raw = readFileSync(f, 'utf8').replace(/^\uFEFF/, '');
    const text = label.endsWith('(CRLF)') ? raw.replace(/\r?\n/g, '\r\n') : raw;
    const isJson = /\.json$/.test(f) || /^\s*[{[]/.test(raw);
    const ref = isJson ? parseJsonReference(text) : parseYamlReference(text);
    assert.ok(ref.errors.length > 0, `fast path declined a valid corpus file: ${label}`);
  }
});

const SNIPPETS: string[] = [
  // scalars
  "a: plain\nb: \"double\"\nc: 'single'\nd: \"esc \\t \\n \\\" \\\\ \\u00e9 \\x41 \\/\"\ne: 'it''s'\n",
  'n1: 1\nn2: -5\nn3: +7\nn4: 0x1F\nn5: 0o17\nn6: 1e3\nn7: 1.5\nn8: .5\nn9: -.inf\nn10: .NaN\nn11: 1_000\nn12: 010\nn13: -0\nn14: 12345678901234567890\nn15: 1.\nn16: 0.0\n',
  'b1: true\nb2: True\nb3: TRUE\nb4: false\nb5: yes\nb6: no\nb7: on\nb8: tRue\n',
  'z1: null\nz2: Null\nz3: NULL\nz4: ~\nz5:\nz6: nULL\n',
  '1: one\ntrue: t\nnull: n\n~: tilde\n1e3: e\n0x10: hex\n.inf: inf\n"quoted": q\n\'single\': s\n',
  'key :  spaced\nother   : x   \n',
  'a: multi\n  line\n  plain\nb: next\n',
  'a: multi\n\n  with blank\n\n\n  lines\nb: x\n',
  'a: "double\n  folded\n\n  text"\nb: \'single\n  folded\'\n',
  'a: "escaped \\\n   newline"\n',
  'a: "trail  \n  x"\n',
  'a: x # comment\nb: "y" # c\nc: [1, 2] # c\n',
  'a: x#not comment\nb: y #comment\n',
  'url: http://example.com:8080/path\ntime: 12:30:45\nk: a:b\n',
  'a: -x\nb: ?y\nc: :z\nd: - \n',
  // block scalars
  'a: |\n  line1\n  line2\nb: >\n  folded\n  text\n\n  para\nc: |-\n  strip\n\nd: |+\n  keep\n\ne: x\n',
  'a: >-\n  one\n    more\n  two\nb: |2\n    indented\n   x\nc: 1\n',
  'a: |\n  x\n\n\n',
  'a: |+\n  x\n\n\n',
  'a: | # header comment\n  body\n',
  'a: |\nb: 1\n',
  'a: |\n  x\n    # not a comment\n  # neither\nb: 1\n',
  'a:\n  b: |\n    deep\n  c: >\n    folded\n    lines\n',
  'x: !Sub |\n  echo ${AWS::Region}\n  done\ny: !Base64 |\n  z\n',
  '- |\n  in seq\n- >\n  folded in seq\n',
  // collections
  'a:\n  b:\n    c: d\n  e: f\ng: h\n',
  'list:\n- a\n- b\nnext: 1\n',
  'list:\n  - a\n  - b\n',
  '- a: 1\n  b: 2\n- c: 3\n- - x\n  - y\n- z\n',
  '- - - deep\n    - er\n  - x\n',
  'Statement:\n  - Effect: Allow\n    Action:\n      - s3:GetObject\n    Resource: "*"\n',
  'a: [1, "two", \'three\', {b: c}, [d, e]]\nf: {g: h, "i": j, k: [l]}\n',
  'a: [\n  1,\n  2\n]\nb: {\n  c: d,\n  e: f\n}\n',
  'a: [ ]\nb: { }\nc: []\nd: {}\n',
  'a: [x, y]  # trailing\nb: {c: d} # trailing\n',
  'a: [x, # c\n  y]\n',
  'a: [a b, c d]\nb: {x y: z w}\n',
  'a: ["q", "r"]\nb: {"k": "v", \'s\': \'t\'}\nc: {"j":1}\n',
  'a: [1, 2, ]\n',
  'a: [a: b]\n',
  '{a: 1, b: [2, 3]}\n',
  '[1, 2, 3]\n',
  // tags
  'a: !Ref X\nb: !GetAtt R.Arn\nc: !Sub "${X}"\nd: !Join ["", [a, !Ref B]]\ne: !If [c, !Ref a, !Ref "AWS::NoValue"]\n',
  'a: !If\n  - Cond\n  - x\n  - y\nb: !Join\n  - ","\n  - - a\n    - b\n',
  'a: !Select [0, !GetAZs ""]\nb: !Equals [!Ref Env, prod]\nc: !Not [!Condition X]\n',
  'a: !Ref\nb: !Sub\nc: x\n',
  'a: !GetAtt\n  - R\n  - Arn\n',
  'a: !Foo x\n',
  'a: !!str 1\n',
  'a:\n  !Ref x\n',
  'a: !Sub\n  - "${A}"\n  - A: !Ref B\n',
  'a: !Base64\n  Fn::Sub: x\n',
  'Fn::Base64: !Sub |\n  #!/bin/bash\n  echo\n',
  // anchors / aliases
  'a: &x 1\nb: *x\nc: &m\n  k: v\nd: *m\ne: &s [1, 2]\nf: *s\n',
  'base: &b {x: 1}\nuse:\n  - *b\n  - *b\n',
  'a: &a\n  b: *a\n',
  'a: *missing\n',
  'a: &x !Ref y\nb: !Ref &z w\nc: *x\nd: *z\n',
  // comments in odd places
  '# lead\n\n# more\na: 1 # c\n# between\nb: 2\n  # indented\n# end\n',
  'a:\n  b: x\n  # t2\n# t0\n',
  'a:\n  b: x\n  # t2\n',
  'a:\n  b: x\n    # t4\n',
  'a:\n  b: x\n # t1\n',
  'a:\n  - x\n  # t2\n',
  'a:\n  - x\n# t0\n',
  'a:\n- x\n# t0\n',
  'a:\n- x\n  # t2\n',
  'a:\n  b:\n  # t2\n',
  'a:\n  b: # c\n',
  'a:   # c\nb: 1',
  'a:\n  b:\n# c0\nc: 1\n',
  'a:\n  b: |\n    x\n      \n  # c\nd: 1\n',
  'a:\n  b:\n    c: x\n      # deep\n    # c4\n  # c2\n# c0\nd: 1\n',
  'a: # c\n  b: 1\n',
  'a:\n  # before\n  b: 1\n',
  '- x\n  # indented\n- y\n',
  '- a: 1\n  # c\n- b: 2\n',
  'a:\n  - b: 1\n    # c4\n  # c2\n',
  'a: x\n\n\n   # after blank\n',
  'a: [x]\n   # after flow\n',
  'a: *x\n',
  // documents
  '---\na: 1\n',
  '--- # c\na: 1\n...\n',
  'a: 1\n---\nb: 2\n',
  'a: 1\n---\n',
  'a: 1\n...\n',
  'a: 1\n...\n# c\n',
  'a: 1\n...\n---\nb: 2\n',
  '%YAML 1.2\n---\na: 1\n',
  '# only a comment\n',
  '---\n',
  // tabs, CRLF, odd whitespace
  'a:\tb\n',
  'a: b\t# c\n',
  'a: [1,\t2]\n',
  '\ta: 1\n',
  'a: 1\r\nb:\r\n  - x\r\n  - "y"\r\nc: |\r\n  l1\r\n  l2\r\n',
  'a: 1\rb: 2\n',
  'a: x\u00a0\n',
  'a: "x"\u00a0\n',
  // errors
  'a: b: c\n',
  'a: 1\n b: 2\n',
  'a:\n  b: 1\n c: 2\n',
  'a: [1, 2\n',
  'a: "unterminated\n',
  '- a\nb: 1\n',
  'a: 1\na: 2\n',
  // duplicate keys: the last pair kept, each repeat recorded (duplicates.test.ts)
  'a: 1\nb: 2\na: 3\na: 4\n',
  'a:\n  x: 1\n  x:\n    - y\nb: {p: 1, q: 2, p: [3]}\n',
  '"a": 1\na: 2\n\'a\': 3\n',
  'a: &m {k: 1, k: 2}\nb: *m\nk: *m\nk: 0\n',
  '- k: 1\n  k: 2\n- {k: 3, k: 4}\n',
  "a:\n  b: [1,\n2]\n  b: 'x\ny'\n",
  '? complex\n: key\n',
  'a:\n  - \n  - x\n',
  '  a: 1\n  b: 2\n',
  'a: @x\n',
  'a: `x\n',
  'key with spaces: value with spaces\n',
  '"a\\"b": 1\n',
  'a: "\\U0001F600 \\N \\_"\n',
  'a: "\\q"\n',
  // quoted scalars and flow collections at any indentation, as PyYAML reads them (lenient.test.ts)
  "a:\n  b: 'x\n  y'\n  c: 1\n",
  "a:\n  b: 'x\ny'\n  c: 1\n",
  'R:\n  P: !Sub \'{\n    "a": 1\n  }\'\n  Q: 2\n',
  'a:\n  b: "x\n\ty"\n',
  "a:\n  b: 'x\n---y'\n",
  "a:\n  - 'x\n y'\n  - z\n",
  'a:\n  b: [\n  1,\n  2\n  ]\n  c: 3\n',
  'a:\n  b: [1,\n2]\nc: 3\n',
  'a:\n  b: {x: 1,\ny: 2}\n',
  'a:\n  b: [\n [1,\n2], 3]\n',
  "a:\n  b: {x: [1,\n2],\ny: 'p\nq'}\n",
  'a:\n  b: [x, #c\n#d\ny] # e\n# f\n  g: 1\n',
  'a:\n  b: &x [1,\n2]\n  c: *x\n',
  'a:\n  - b: [1,\n2]\n    c: 3\n',
  '- [a,\nb]\n- c\n',
  // ... and what PyYAML rejects there
  'a:\n  b: [1,\n---\n2]\n',
  "a:\n  b: 'x\n--- y'\n",
  'a:\n  b: [1,\n2]\n c: 3\n',
  'a:\n  b: [x,\n\ty]\n',
  'a:\n  b: [x,\n y\tz]\n',
  "a:\n  b: 'x\ny'\t# c\n",
];

const LENIENT = resolve(__dirname, '../../fixtures/lenient-yaml');
const lenientFiles = existsSync(LENIENT) ? walk(LENIENT, []) : [];

test('lenient-yaml fixtures: the fast reader bails out or matches the lenient reference (LF and CRLF)', () => {
  assert.equal(lenientFiles.length, 10, `fixtures not found under ${LENIENT}`);
  let fast = 0;
  for (const f of lenientFiles) {
    const raw = readFileSync(f, 'utf8');
    for (const text of [raw, raw.replace(/\r?\n/g, '\r\n')]) {
      if (checkYaml(text, f) === 'fast') fast++;
      assert.deepEqual(parseYamlReference(text).errors, [], f);
    }
  }
  // the files without other constructs the fast reader leaves to the reference
  assert.ok(fast >= 6, `fast path handled ${fast} of ${lenientFiles.length * 2}`);
});

test('lenient-yaml fixtures, re-indented at random: fast reader bails out or matches', () => {
  // Lines of quoted scalars and flow collections moved left or right, brackets and quotes added.
  let seed = 777;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const pool = lenientFiles.map((f) => readFileSync(f, 'utf8')).filter((t) => fastParseYaml(t));
  let fast = 0;
  for (let k = 0; k < 300; k++) {
    const lines = pool[rnd(pool.length)].split('\n');
    for (let e = 1 + rnd(4); e > 0; e--) {
      const i = rnd(lines.length);
      const m = /^ */.exec(lines[i])![0].length;
      const op = rnd(5);
      if (op <= 2 && m > 0) lines[i] = lines[i].slice(1 + rnd(m));
      else if (op === 3) lines[i] = ' '.repeat(1 + rnd(3)) + lines[i];
      else {
        const j = rnd(lines[i].length + 1);
        lines[i] = lines[i].slice(0, j) + ['[', '{', "'", '"', ']', '}', ',', '\t'][rnd(8)] + lines[i].slice(j);
      }
    }
    if (checkYaml(lines.join('\n'), `re-indented ${k}`) === 'fast') fast++;
  }
  console.log(`re-indented lenient fixtures: fast path handled ${fast}/300`);
});

test('targeted snippets: fast reader bails out or matches', () => {
  let fast = 0;
  for (const [i, s] of SNIPPETS.entries()) {
    const label = `snippet ${i}: ${JSON.stringify(s).slice(0, 80)}`;
    if (checkYaml(s, label) === 'fast') fast++;
    if (checkYaml(s.replace(/\r?\n/g, '\r\n'), label + ' CRLF') === 'fast') fast++;
    if (checkYaml(s.replace(/\n$/, ''), label + ' no final newline') === 'fast') fast++;
    if (checkYaml(s.replace(/^/gm, '  ').replace(/^ {2}(?=\s*$)/gm, ''), label + ' indented') === 'fast') fast++;
    if (checkYaml('Root:\n' + s.replace(/^(?=.)/gm, '  '), label + ' nested') === 'fast') fast++;
  }
  console.log(`snippets: fast path handled ${fast} of ${SNIPPETS.length * 5} variants`);
  assert.ok(fast > SNIPPETS.length * 2);
});

test('common constructs are handled by the fast path (not only bailed out)', () => {
  for (const s of [
    'a: 1\nb: [x, {y: z}]\nc: !Ref d\n',
    'a:\n  - x: 1\n    y: !Sub |\n      z\n',
    '# c\nA: "q" # c\nB: \'s\'\nC:\n- 1\n- 2\n',
    'a: &x 1\nb: *x\n',
    'a: 1\r\nb: 2\r\n',
    'a: 1\n---\nb: 2\n',
  ]) {
    assert.equal(checkYaml(s, s), 'fast', JSON.stringify(s));
  }
});

test('benchmark-shaped templates take the fast path and match the reference', () => {
  // Compared with the (slow) reference at 200 KB / 1 MB; the full-size inputs are checked for the fast path only.
  for (const bytes of [50_000, 200_000]) {
    const text: string = yamlTemplate(bytes);
    assert.equal(
      checkYaml(text, `yaml ${bytes}`),
      'fast',
      `the ${bytes}-byte YAML template must be read by the fast path`,
    );
    assert.deepStrictEqual(parseYaml(text), fastParseYaml(text));
  }
  const cdk: string = cdkTemplate(1_000_000);
  assert.equal(checkJson(cdk, 'cdk 1 MB'), 'fast', 'the CDK template must be read by the fast path');
  assert.deepStrictEqual(parseJson(cdk), fastParseJson(cdk));
});

test('the benchmark inputs themselves (1 MB YAML, 5 MB CDK JSON) are read by the fast path', () => {
  assert.notEqual(fastParseYaml(yamlTemplate(1_000_000)), null);
  assert.notEqual(fastParseJson(cdkTemplate(5_000_000)), null);
});

test('deep nesting: no stack overflow, the fast path bails out beyond the depth limit', () => {
  const deepFlow = 'a: ' + '['.repeat(20_000) + ']'.repeat(20_000) + '\n';
  assert.equal(fastParseYaml(deepFlow), null);
  let block = '';
  for (let i = 0; i < 20_000; i++) block += ' '.repeat(i) + 'k:\n';
  assert.equal(fastParseYaml(block), null);
  let seq = '';
  for (let i = 0; i < 20_000; i++) seq += ' '.repeat(2 * i) + '-\n';
  assert.equal(fastParseYaml(seq), null);
  // within the limit: handled and identical
  const ok = 'a: ' + '['.repeat(100) + '1' + ']'.repeat(100) + '\n';
  assert.equal(checkYaml(ok, 'depth 100'), 'fast');
  // JSON: the fast reader is iterative (any depth); parseJson's pre-scan enforces the limit first
  const deepJson = '['.repeat(20_000) + ']'.repeat(20_000);
  assert.ok(fastParseJson(deepJson)); // (jsonc-parser itself would overflow here)
  assert.match(parseJson(deepJson).errors[0].message, /nesting deeper than/);
  // the limit as yaml.ts applies it, through parseYaml
  const limits = { ...DEFAULT_LIMITS, maxDepth: 5 };
  const six = 'a:\n  b:\n    c:\n      d:\n        e:\n          f: 1\n';
  assert.deepStrictEqual(parseYaml(six, limits), parseYamlReference(six, limits));
});

test('alias expansion bound: same error as the reference', () => {
  let bomb = 'a: &a [x, x, x, x, x, x, x, x, x, x]\n';
  let prev = 'a';
  for (const name of ['b', 'c', 'd', 'e', 'f', 'g']) {
    bomb += `${name}: &${name} [${Array(10)
      .fill('*' + prev)
      .join(', ')}]\n`;
    prev = name;
  }
  const fast = fastParseYaml(bomb);
  assert.ok(fast, 'alias bomb read by the fast path');
  assert.deepStrictEqual(fast, parseYamlReference(bomb));
  assert.equal(fast.root, null);
  assert.match(fast.errors[0].message, /alias expansion exceeds/);
  const small = { ...DEFAULT_LIMITS, maxAliasExpansion: 3 };
  const s = 'a: &a [1, 2]\nb: *a\nc: *a\n';
  assert.deepStrictEqual(fastParseYaml(s, small), parseYamlReference(s, small));
});

test('random mutations of corpus templates: fast reader bails out or matches', () => {
  // Deterministic pseudo-random edits (delete/insert/duplicate characters) exercise error paths.
  let seed = 12345;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const yamlFiles = corpusFiles.filter((f) => /\.ya?ml$/.test(f));
  const pieces = [
    ' ',
    '\n',
    '  ',
    ':',
    '- ',
    '#',
    '"',
    "'",
    '[',
    ']',
    '{',
    '}',
    ',',
    '!Ref ',
    '&a ',
    '*a',
    '|',
    '>',
    '\t',
    '\r\n',
    '---\n',
    'x',
  ];
  let fast = 0;
  let n = 0;
  for (let k = 0; k < 600; k++) {
    const f = yamlFiles[rnd(yamlFiles.length)];
    let text = readFileSync(f, 'utf8').replace(/^\uFEFF/, '');
    const edits = 1 + rnd(3);
    for (let e = 0; e < edits; e++) {
      const at = rnd(text.length + 1);
      const op = rnd(3);
      if (op === 0) text = text.slice(0, at) + text.slice(at + 1 + rnd(3));
      else text = text.slice(0, at) + pieces[rnd(pieces.length)] + text.slice(at);
    }
    n++;
    if (checkYaml(text, `mutation ${k} of ${f}`) === 'fast') fast++;
  }
  console.log(`mutations: fast path handled ${fast}/${n}`);
});
