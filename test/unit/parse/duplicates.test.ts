/**
 * Duplicate mapping keys (rules.md AJ000): each repeat is AJ000 at the repeated key, naming the line
 * of the first; the tree, and so every rule, holds the last value, as PyYAML (cfn-lint, SAM CLI) and
 * JSON.parse read it. The fast readers and the references keep the same pairs and report the same
 * repeats. The fixtures in test/fixtures/duplicate-keys are rejected by cfn-lint with E0000
 * "Duplicate found" at the same keys; the peer corpus has no duplicates for either tool.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { lintText } from '../../../server/src/engine';
import { parseYaml, parseYamlReference } from '../../../server/src/engine/parse/yaml';
import { parseJson, parseJsonReference } from '../../../server/src/engine/parse/json';
import { fastParseYaml } from '../../../server/src/engine/parse/fastyaml';
import { fastParseJson } from '../../../server/src/engine/parse/fastjson';
import { type ParsedDocument, toPlain } from '../../../server/src/engine/parse/ast';
import { posOf } from '../rules/util';

const DIR = resolve(__dirname, '../../fixtures/duplicate-keys');
const PEERS = resolve(__dirname, '../../fixtures/peers');
const FIXTURES = readdirSync(DIR)
  .filter((f) => /\.(ya?ml|json)$/.test(f))
  .sort();

/** Both YAML readers: the fast one (when it reads the text) equals the reference. */
function yaml(text: string, label: string, mustBeFast = false): ParsedDocument {
  const ref = parseYamlReference(text);
  const fast = fastParseYaml(text);
  if (mustBeFast) assert.ok(fast, `${label}: read by the fast path`);
  if (fast) assert.deepStrictEqual(fast, ref, `${label}: the fast reader matches the reference`);
  assert.deepStrictEqual(parseYaml(text), ref, label);
  return ref;
}
function json(text: string, label: string): ParsedDocument {
  const ref = parseJsonReference(text);
  const fast = fastParseJson(text);
  assert.ok(fast, `${label}: read by the fast path`);
  assert.deepStrictEqual(fast, ref, `${label}: the fast reader matches the reference`);
  assert.deepStrictEqual(parseJson(text), ref, label);
  return ref;
}

/** [text, what is read, the repeated keys as `key@offset-of-repeat<offset-of-first`]. */
const YAML_CASES: [string, unknown, string[]][] = [
  ['a: 1\na: 2\n', { a: 2 }, ['a@5<0']],
  ['a: 1\nb: 2\na: 3\na: 4\n', { a: 4, b: 2 }, ['a@10<0', 'a@15<0']],
  ['r:\n  x: 1\n  y: 2\n  x: 3\n', { r: { x: 3, y: 2 } }, ['x@19<5']],
  ['a: {x: 1, y: 2, x: 3}\n', { a: { x: 3, y: 2 } }, ['x@16<4']],
  ['- {k: 1, k: 2}\n- k: 3\n  k: 4\n', [{ k: 2 }, { k: 4 }], ['k@9<3', 'k@24<17']],
  // a quoted key and a plain key with the same text are the same key to CloudFormation
  ['"a": 1\na: 2\n\'a\': 3\n', { a: 3 }, ['a@7<0', 'a@12<0']],
  // the value kept is the last one, whatever its shape
  ['P:\n  - x\nP: !Ref Y\n', { P: { Ref: 'Y' } }, ['P@9<0']],
  ['P: !Ref Y\nP:\n  Q: 1\n', { P: { Q: 1 } }, ['P@10<0']],
  // an anchored mapping with a repeat is one mapping, reported once however often it is used
  ['a: &m {k: 1, k: 2}\nb: *m\nc: *m\n', { a: { k: 2 }, b: { k: 2 }, c: { k: 2 } }, ['k@13<7']],
  // the same key in different mappings is no repeat
  ['a:\n  k: 1\nb:\n  k: 2\n', { a: { k: 1 }, b: { k: 2 } }, []],
  // keys differ by their text: case, white space inside quotes
  ['k: 1\nK: 2\n"k ": 3\n', { k: 1, K: 2, 'k ': 3 }, []],
  // in a later document of a stream: not read, not reported
  ['a: 1\n---\nb: 1\nb: 2\n', { a: 1 }, []],
];

function repeats(doc: ParsedDocument): string[] {
  return (doc.duplicateKeys ?? []).map((d) => `${d.key}@${d.span.start}<${d.first.start}`);
}

test('YAML: the last value is kept, every repeat reported, fast reader = reference (LF, CRLF)', () => {
  for (const [text, want, reps] of YAML_CASES) {
    for (const crlf of [false, true]) {
      const t = crlf ? text.replace(/\n/g, '\r\n') : text;
      const label = JSON.stringify(t);
      const doc = yaml(t, label, true);
      assert.deepEqual(doc.errors, [], label);
      assert.deepStrictEqual(toPlain(doc.root!), want, label);
      // CRLF shifts offsets by one per line before them
      const shift = (o: number) => (crlf ? o + (text.slice(0, o).match(/\n/g)?.length ?? 0) : o);
      const expect = reps.map((r) => {
        const [, k, a, b] = /^(.*)@(\d+)<(\d+)$/.exec(r)!;
        return `${k}@${shift(Number(a))}<${shift(Number(b))}`;
      });
      assert.deepEqual(repeats(doc), expect, label);
      assert.equal('duplicateKeys' in doc, reps.length > 0, `${label}: present only when there are repeats`);
      for (const d of doc.duplicateKeys ?? []) {
        assert.equal(t.slice(d.span.start, d.span.end).replace(/^["']|["']$/g, ''), d.key, label);
        assert.equal(t.slice(d.first.start, d.first.end).replace(/^["']|["']$/g, ''), d.key, label);
      }
    }
  }
});

test('YAML: repeats only the reference reads (complex and alias keys) are reported the same way', () => {
  // A complex key has no text CloudFormation could use: never a repeat of another.
  const complex = yaml('? [a]\n: 1\n? [b]\n: 2\n"": 3\n', 'complex');
  assert.equal(complex.duplicateKeys, undefined);
  const alias = yaml('x: &k a\n*k : 1\na: 2\n', 'alias key');
  assert.deepEqual(repeats(alias), ['a@15<8']);
  assert.deepStrictEqual(toPlain(alias.root!), { x: 'a', a: 2 });
  // A document with a syntax error later still reports the repeats read before it.
  const broken = yaml('a: 1\na: 2\nb: [\n', 'broken');
  assert.ok(broken.errors.length > 0);
  assert.deepEqual(repeats(broken), ['a@5<0']);
});

test('JSON: the last value is kept (as JSON.parse), every repeat reported, fast reader = reference', () => {
  const cases: [string, string[]][] = [
    ['{"a": 1, "a": 2}', ['a@9<1']],
    ['{"a": {"x": 1, "y": 2, "x": [3]}, "b": [{"k": 1, "k": {"z": 0}, "k": null}]}', ['x@23<7', 'k@49<41', 'k@64<41']],
    ['{"a": 1, "A": 2, "a ": 3}', []],
    ['{"\\u0061": 1, "a": 2}', ['a@14<1']],
  ];
  for (const [text, reps] of cases) {
    for (const t of [text, text.replace(/, /g, ',\r\n  ')]) {
      const doc = json(t, t);
      assert.deepStrictEqual(toPlain(doc.root!), JSON.parse(t), t);
      if (t === text) assert.deepEqual(repeats(doc), reps, t);
      else assert.equal(doc.duplicateKeys?.length ?? 0, reps.length, t);
      for (const d of doc.duplicateKeys ?? [])
        assert.deepEqual(
          [JSON.parse(t.slice(d.span.start, d.span.end)), JSON.parse(t.slice(d.first.start, d.first.end))],
          [d.key, d.key],
        );
    }
  }
});

test('lintText: AJ000 at each repeated key naming the first line; the rest linted with the last value', () => {
  const t =
    'Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicRead\n    Properties:\n      AccessControl: Private\n  C:\n    Type: AWS::S3::Bucket\n    Properties: {AccessControl: Private, AccessControl: PublicReadWrite}\n';
  for (const text of [t, t.replace(/\n/g, '\r\n')]) {
    const r = lintText(text, { fileName: 'template.yaml' });
    const got = r.findings.map(
      (f) => `${f.ruleId} ${f.severity} ${r.text.slice(f.span.start, f.span.end)} ${f.message}`,
    );
    assert.deepEqual(
      got.filter((g) => g.startsWith('AJ000')),
      [
        'AJ000 error Properties duplicate key "Properties" (first on line 4): cfn-lint rejects this, and only the last value is read',
        'AJ000 error AccessControl duplicate key "AccessControl" (first on line 10): cfn-lint rejects this, and only the last value is read',
      ],
    );
    // B's public ACL is in the pair that is not read; C's public ACL is the one read.
    const acl = r.findings.filter((f) => f.ruleId !== 'AJ000');
    assert.deepEqual(
      acl.map((f) => `${f.ruleId} ${f.resource} ${r.text.slice(f.span.start, f.span.end)}`),
      ['AJ111 C PublicReadWrite'],
    );
    for (const f of r.findings) {
      assert.deepEqual(f.range.start, posOf(r.text, f.span.start));
      assert.deepEqual(f.range.end, posOf(r.text, f.span.end));
    }
  }
  // Not a template: a repeated key in any YAML file is none of Ajar's business.
  assert.deepEqual(lintText('a: 1\na: 2\n', { fileName: 'config.yaml' }).findings, []);
  // A long key is cut in the message.
  const long = 'k'.repeat(200);
  const m = lintText(`Resources:\n  ${long}: 1\n  ${long}: 2\n`, { fileName: 'template.yaml' }).findings[0];
  assert.equal(m.ruleId, 'AJ000');
  assert.ok(m.message.length < 220, m.message);
});

/** What Ajar reports on each fixture: every finding, reviewed by hand. */
const FINDINGS: Record<string, string[]> = {
  'bucket-policy.json': [
    'AJ000 18:15 Principal (first on line 15)',
    'AJ101 18:28 BucketPolicy',
    'AJ000 27:5 Name (first on line 26)',
  ],
  'first-public-last-private.yaml': ['AJ000 18:13 Principal (first on line 15)'],
  'property-twice.yaml': ['AJ000 16:7 MetadataOptions (first on line 11)', 'AJ201 18:21 Bastion'],
  'resource-twice.yaml': ['AJ000 10:3 AssetsBucket (first on line 4)', 'AJ111 13:22 AssetsBucket'],
  'sam-events.yaml': ['AJ000 7:5 Timeout (first on line 5)', 'AJ000 20:9 Api (first on line 15)'],
  'three-times-flow.yaml': [
    'AJ000 7:52 QueueName (first on line 7)',
    'AJ000 7:95 QueueName (first on line 7)',
    'AJ101 14:39 QueuePolicy',
    'AJ000 14:100 Effect (first on line 14)',
    'AJ000 18:3 QueueUrl (first on line 16)',
  ],
};

function summary(file: string, text: string): string[] {
  const r = lintText(text, { fileName: file });
  return r.findings.map((f) => {
    const at = `${f.range.start.line + 1}:${f.range.start.character + 1}`;
    if (f.ruleId !== 'AJ000') return `${f.ruleId} ${at} ${f.resource}`;
    const m = /^duplicate key "(.*)" (\(first on line \d+\))/.exec(f.message);
    assert.ok(m, f.message);
    return `AJ000 ${at} ${m[1]} ${m[2]}`;
  });
}

test('the duplicate-keys fixtures: exactly the reviewed findings (LF and CRLF), both readers agree', () => {
  assert.deepEqual(Object.keys(FINDINGS).sort(), FIXTURES);
  for (const f of FIXTURES) {
    const raw = readFileSync(join(DIR, f), 'utf8');
    for (const text of [raw, raw.replace(/\r?\n/g, '\r\n')]) {
      if (f.endsWith('.json')) json(text, f);
      else yaml(text, f, true);
      assert.deepEqual(summary(join(DIR, f), text), FINDINGS[f], f);
    }
  }
});

const hasPyYaml = spawnSync('python3', ['-c', 'import yaml'], { encoding: 'utf8' }).status === 0;
test('the YAML cases and fixtures read as PyYAML reads them (the last value)', {
  skip: !hasPyYaml && 'python3 with PyYAML not installed',
}, () => {
  const PY = `
import sys, json, yaml
class L(yaml.SafeLoader): pass
def tag(loader, suffix, node):
    name = {'Ref': 'Ref', 'Condition': 'Condition'}.get(suffix, 'Fn::' + suffix)
    if isinstance(node, yaml.ScalarNode): v = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode): v = loader.construct_sequence(node, deep=True)
    else: v = loader.construct_mapping(node, deep=True)
    return {name: v}
L.add_multi_constructor('!', tag)
print(json.dumps([next(yaml.load_all(s, Loader=L)) for s in json.load(sys.stdin)], default=str))
`;
  const texts = [
    ...YAML_CASES.map(([t]) => t),
    ...FIXTURES.filter((f) => !f.endsWith('.json')).map((f) => readFileSync(join(DIR, f), 'utf8')),
  ];
  const r = spawnSync('python3', ['-c', PY], { input: JSON.stringify(texts), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const py = JSON.parse(r.stdout) as unknown[];
  for (const [i, t] of texts.entries())
    assert.deepStrictEqual(toPlain(parseYaml(t).root!), py[i], JSON.stringify(t.slice(0, 60)));
});

function walk(dir: string, out: string[]): string[] {
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(ya?ml|json|template)$/.test(n) && n !== 'expected.json') out.push(p);
  }
  return out;
}

test('the peer corpus has no repeated keys (cfn-lint 1.51.0 reports no "Duplicate found" there either)', () => {
  const files = walk(PEERS, []);
  assert.ok(files.length > 100);
  for (const f of files) {
    const r = lintText(readFileSync(f, 'utf8'), { fileName: f });
    assert.equal(r.doc?.duplicateKeys, undefined, f);
    assert.ok(!r.findings.some((x) => /^duplicate key/.test(x.message)), f);
  }
});

const hasCfnLint = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' }).status === 0;
test('cfn-lint agrees on the fixtures: E0000 "Duplicate found" at keys Ajar reports', {
  skip: !hasCfnLint && 'cfn-lint not installed',
}, () => {
  const files = FIXTURES.map((f) => join(DIR, f));
  const r = spawnSync('cfn-lint', ['--format', 'parseable', '--', ...files], { encoding: 'utf8', maxBuffer: 1 << 26 });
  // cfn-lint stops at the first mapping with repeats and names both keys: a subset of Ajar's.
  const theirs = new Map<string, Set<string>>();
  for (const line of r.stdout.split('\n')) {
    const m = /^(.*?):(\d+):(\d+):\d+:\d+:E0000:Duplicate found /.exec(line);
    if (!m) continue;
    const f = basename(m[1]);
    if (!theirs.has(f)) theirs.set(f, new Set());
    theirs.get(f)!.add(`${m[2]}:${m[3]}`);
  }
  for (const f of FIXTURES) {
    const res = lintText(readFileSync(join(DIR, f), 'utf8'), { fileName: join(DIR, f) });
    const ours = new Set<string>();
    for (const d of res.doc?.duplicateKeys ?? [])
      for (const s of [d.span, d.first]) {
        const p = res.lines.position(s.start);
        ours.add(`${p.line + 1}:${p.character + 1}`);
      }
    const t = theirs.get(f);
    assert.ok(t && t.size >= 2, `${f}: cfn-lint reports a duplicate (${r.stdout.slice(0, 500)})`);
    for (const k of t) assert.ok(ours.has(k), `${f}: cfn-lint's duplicate at ${k} is one of Ajar's`);
  }
});
