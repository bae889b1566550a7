/**
 * YAML that CloudFormation's own tooling reads (rules.md AJ000): cfn-lint and SAM CLI parse with
 * PyYAML, which checks no indentation inside multi-line quoted scalars and flow collections. The
 * ten published templates in test/fixtures/lenient-yaml are read as PyYAML reads them and linted
 * in full; where PyYAML rejects a document, so does Ajar. Every expectation below was checked with
 * PyYAML 6.0.3; when python3 with PyYAML is installed, the tests check it again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { lintText } from '../../../server/src/engine';
import { parseYaml, parseYamlReference } from '../../../server/src/engine/parse/yaml';
import { fastParseYaml } from '../../../server/src/engine/parse/fastyaml';
import { type Node, toPlain } from '../../../server/src/engine/parse/ast';
import { posOf } from '../rules/util';

const DIR = resolve(__dirname, '../../fixtures/lenient-yaml');
const FILES = readdirSync(DIR)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();

// PyYAML's reading, with CloudFormation tags as `{ "Fn::X": value }` (as toPlain writes them).
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
out = []
for s in json.load(sys.stdin):
    try: out.append({'ok': True, 'data': yaml.load(s, Loader=L)})
    except yaml.YAMLError as e: out.append({'ok': False, 'error': str(e).split(chr(10))[0]})
print(json.dumps(out, default=str))  # dates (2010-09-09) as written
`;
type PyResult = { ok: true; data: unknown } | { ok: false; error: string };
const hasPyYaml = spawnSync('python3', ['-c', 'import yaml'], { encoding: 'utf8' }).status === 0;
function pyyaml(texts: string[]): PyResult[] {
  const r = spawnSync('python3', ['-c', PY], { input: JSON.stringify(texts), encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

function readers(text: string, label: string) {
  const ref = parseYamlReference(text);
  const fast = fastParseYaml(text);
  if (fast) assert.deepStrictEqual(fast, ref, `${label}: the fast reader matches the reference`);
  assert.deepStrictEqual(parseYaml(text), ref, label);
  return ref;
}

/** Read by PyYAML; Ajar reads the same value, without errors. */
const ACCEPTED: [string, unknown][] = [
  // a quoted scalar closing at the parent key's column, and below it
  ["a:\n  b: 'x\n  y'\n  c: 1\n", { a: { b: 'x y', c: 1 } }],
  ["a:\n  b: 'x\ny'\n  c: 1\n", { a: { b: 'x y', c: 1 } }],
  ['R:\n  P: !Sub \'{\n    "a": 1\n  }\'\n  Q: 2\n', { R: { P: { 'Fn::Sub': '{ "a": 1 }' }, Q: 2 } }],
  ['a:\n  b: "x\n  \n\n y"\n', { a: { b: 'x\n\ny' } }],
  ['a:\n  b: "x\n\ty"\n', { a: { b: 'x y' } }], // a tab inside quotes is not white space between tokens
  ["a:\n  b: 'x\n---y'\n", { a: { b: 'x ---y' } }], // not a document marker
  ["a:\n  - 'x\n y'\n  - z\n", { a: ['x y', 'z'] }],
  ["- - 'x\ny'\n", [['x y']]],
  // flow collections: lines and the closing bracket at or below the parent key's column
  ['a:\n  b: [\n  1,\n  2\n  ]\n  c: 3\n', { a: { b: [1, 2], c: 3 } }],
  ['a:\n  b: [1,\n2]\n  c: 3\n', { a: { b: [1, 2], c: 3 } }],
  ['a:\n  b: [1,\n2]\nc: 3\n', { a: { b: [1, 2] }, c: 3 }],
  ['a:\n  b: {x: 1,\ny: 2}\n', { a: { b: { x: 1, y: 2 } } }],
  ['a:\n  b: [1, 2\n]\n', { a: { b: [1, 2] } }],
  ['a:\n  b: [\n [1,\n2], 3]\n', { a: { b: [[1, 2], 3] } }],
  ['a:\n  b: [1,\nmulti\nline, 2]\n', { a: { b: [1, 'multi line', 2] } }],
  ['a:\n  b: [1,\n# c\n2]\n', { a: { b: [1, 2] } }],
  ["a:\n  b: {x: [1,\n2],\ny: 'p\nq'}\n", { a: { b: { x: [1, 2], y: 'p q' } } }],
  ['a:\n  b: [x, #c\n#d\ny] # e\n# f\n  g: 1\n', { a: { b: ['x', 'y'], g: 1 } }],
  ['a:\n  b: &x [1,\n2]\n  c: *x\n', { a: { b: [1, 2], c: [1, 2] } }],
  ['a:\n  - b: [1,\n2]\n    c: 3\n', { a: [{ b: [1, 2], c: 3 }] }],
  ['- [a,\nb]\n- c\n', [['a', 'b'], 'c']],
  ['a:\n  b: !Sub [\n"${X}", {X: !Ref Y}]\n', { a: { b: { 'Fn::Sub': ['${X}', { X: { Ref: 'Y' } }] } } }],
];

/** Rejected by PyYAML: still AJ000. */
const REJECTED: string[] = [
  // a document marker at column 0 ends a quoted scalar or flow collection (an error)
  'a:\n  b: [1,\n---\n2]\n',
  "a:\n  b: 'x\n--- y'\n",
  "a:\n  b: 'x\n...\n'\n",
  'a: [x,\n...\n]\n',
  // block context stays strict
  'a:\n  b: plain\nmore\n',
  'a:\n  b: |\n  x\n',
  'a:\n  b: !Ref\n x\n',
  'a:\n  b: [1,\n2]\n c: 3\n',
  'a:\n  b: [1,\n2]\n  - c\n',
  'a:\n  b: [1,\n2]  x\n',
  // implicit keys stay on one line
  "a:\n  'b\n  c': 1\n",
  'a:\n  [b,\n c]: 1\n',
  // PyYAML never reads a tab as white space between tokens
  'a:\n  b: [x,\n\ty]\n',
  'a:\n  b: [x,\n  \ty]\n',
  'a:\n  b: [x,\n y\tz]\n',
  'a:\n  b: [x,\n y]\t\n',
  'a:\n  b: [x,\n\t\n y]\n',
  'a:\n  b: [multi\n\tline]\n',
  "a:\n  b: 'x\ny'\t# c\n",
  'a:\n  b: {x: "p\n q"\t}\n',
  // other errors on such lines
  'a:\n  b: [1,\n%x]\n',
  'a:\n  b: [x,\n|\n]\n',
  "a:\n  b: 'x\n",
];

test('the lenient-yaml fixtures: no errors, both readers agree, positions hold (LF and CRLF)', () => {
  assert.equal(FILES.length, 10);
  for (const f of FILES) {
    const raw = readFileSync(join(DIR, f), 'utf8');
    for (const text of [raw, raw.replace(/\r?\n/g, '\r\n')]) {
      const label = `${f}${text === raw ? '' : ' (CRLF)'}`;
      const doc = readers(text, label);
      assert.deepEqual(doc.errors, [], label);
      // Every quoted scalar spans its quotes, every flow collection its brackets; a tag starts its span.
      let multiLine = 0;
      const check = (n: Node) => {
        let s = n.span.start;
        if (n.tag) {
          assert.ok(text.startsWith(n.tag, s), `${label}: tag at ${s}`);
          s += n.tag.length;
          while (text[s] === ' ') s++;
        }
        const src = text.slice(s, n.span.end);
        const edges =
          n.kind === 'scalar'
            ? n.style === 'single'
              ? "''"
              : n.style === 'double'
                ? '""'
                : null
            : n.flow
              ? n.kind === 'map'
                ? '{}'
                : '[]'
              : null;
        if (edges) {
          assert.equal(src[0] + src[src.length - 1], edges, `${label}: ${JSON.stringify(src.slice(0, 60))}`);
          if (src.includes('\n')) multiLine++;
        }
        if (n.kind === 'map')
          for (const p of n.pairs) {
            check(p.key);
            check(p.value);
          }
        if (n.kind === 'seq') n.items.forEach(check);
      };
      check(doc.root!);
      assert.ok(multiLine >= 2, `${label}: multi-line quoted scalars or flow collections read`);
    }
  }
});

test('the lenient-yaml fixtures read as PyYAML reads them', {
  skip: !hasPyYaml && 'python3 with PyYAML not installed',
}, () => {
  const texts = FILES.map((f) => readFileSync(join(DIR, f), 'utf8'));
  const py = pyyaml(texts);
  texts.forEach((text, i) => {
    const r = py[i];
    assert.ok(r.ok, `${FILES[i]}: PyYAML reads it`);
    assert.deepStrictEqual(toPlain(parseYaml(text).root!), r.data, FILES[i]);
  });
});

/** Findings reviewed by hand: EC2 instances without IMDSv2, and one public API policy statement. */
const FINDINGS: Record<string, string[]> = {
  'activemq-private-lambda-java-sam__ActiveMQAndClientEC2.yaml': ['AJ201 ActiveMQClientEC2Instance 382:3 warning'],
  'apigw-lambda-rust__template.yml': ['AJ101 MyApi 38:26 error'],
  'apigw-ses-transformation__template.yaml': [],
  'documentdb-lambda-java-sam__DocumentDBAndMongoClientEC2.yaml': ['AJ201 DocumentDBClientEC2Instance 355:3 warning'],
  'msk-lambda-iam-java-sam__MSKAndKafkaClientEC2.yaml': [
    'AJ201 KafkaClientEC2InstanceProvisioned 273:3 warning',
    'AJ201 KafkaClientEC2InstanceServerless 548:3 warning',
  ],
  'msk-lambda-iam-node-sam__MSKAndKafkaClientEC2.yaml': [
    'AJ201 KafkaClientEC2InstanceProvisioned 273:3 warning',
    'AJ201 KafkaClientEC2InstanceServerless 565:3 warning',
  ],
  'msk-lambda-iam-python-sam__MSKAndKafkaClientEC2.yaml': [
    'AJ201 KafkaClientEC2InstanceProvisioned 274:3 warning',
    'AJ201 KafkaClientEC2InstanceServerless 549:3 warning',
  ],
  'msk-lambda-schema-avro-java-sam__MSKAndKafkaClientEC2.yaml': [
    'AJ201 KafkaClientEC2InstanceProvisioned 313:3 warning',
    'AJ201 KafkaClientEC2InstanceServerless 611:3 warning',
  ],
  'rabbitmq-private-lambda-java-sam__RabbitMQAndClientEC2.yaml': ['AJ201 RabbitMQClientEC2Instance 376:3 warning'],
  'systems-manager-automation-to-stepfunctions__template.yaml': [],
};

test('the lenient-yaml fixtures are linted in full: no AJ000, exactly the reviewed findings', () => {
  assert.deepEqual(Object.keys(FINDINGS).sort(), FILES);
  for (const f of FILES) {
    const text = readFileSync(join(DIR, f), 'utf8');
    const r = lintText(text, { fileName: join(DIR, f) });
    const got = r.findings.map(
      (x) => `${x.ruleId} ${x.resource} ${x.range.start.line + 1}:${x.range.start.character + 1} ${x.severity}`,
    );
    assert.ok(!got.some((g) => g.startsWith('AJ000')), `${f}: no AJ000`);
    assert.deepEqual(got, FINDINGS[f], f);
    for (const x of r.findings) assert.deepEqual(x.range.start, posOf(r.text, x.span.start), f);
  }
  // The public statement sits in a flow collection whose closing line is at the parent key's column.
  const rust = readFileSync(join(DIR, 'apigw-lambda-rust__template.yml'), 'utf8');
  const f = lintText(rust, { fileName: 'apigw-lambda-rust__template.yml' }).findings[0];
  assert.equal(rust.slice(f.span.start, f.span.end), '"*"');
});

test('quoted scalars and flow collections at any indentation: read as PyYAML reads them', () => {
  for (const [text, want] of ACCEPTED) {
    for (const t of [text, text.replace(/\n/g, '\r\n')]) {
      const doc = readers(t, JSON.stringify(t));
      assert.deepEqual(doc.errors, [], JSON.stringify(t));
      assert.deepStrictEqual(toPlain(doc.root!), want, JSON.stringify(t));
    }
  }
});

test('what PyYAML rejects stays AJ000', () => {
  for (const text of REJECTED) {
    for (const t of [text, text.replace(/\n/g, '\r\n')]) {
      const doc = readers(t, JSON.stringify(t));
      assert.ok(doc.errors.length > 0, `${JSON.stringify(t)} must not be read`);
      const r = lintText(`AWSTemplateFormatVersion: "2010-09-09"\n${t}`, { fileName: 'template.yaml' });
      assert.ok(
        r.findings.some((x) => x.ruleId === 'AJ000'),
        `${JSON.stringify(t)}: AJ000`,
      );
    }
  }
});

test('the accepted and rejected snippets agree with PyYAML', {
  skip: !hasPyYaml && 'python3 with PyYAML not installed',
}, () => {
  const py = pyyaml([...ACCEPTED.map(([t]) => t), ...REJECTED]);
  ACCEPTED.forEach(([t, want], i) => {
    const r = py[i];
    assert.ok(r.ok, `PyYAML reads ${JSON.stringify(t)}`);
    assert.deepStrictEqual(r.data, want, JSON.stringify(t));
  });
  REJECTED.forEach((t, i) => {
    assert.equal(py[ACCEPTED.length + i].ok, false, `PyYAML rejects ${JSON.stringify(t)}`);
  });
});

test('a tab PyYAML rejects is reported where it is', () => {
  const t = 'a:\n  b: [x,\n y,\tz]\n';
  const doc = parseYaml(t);
  assert.equal(doc.errors.length, 1);
  assert.equal(doc.errors[0].span.start, t.indexOf('\t'));
  assert.match(doc.errors[0].message, /^Tab on a line indented less than its parent/);
});
