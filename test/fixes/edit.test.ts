/** The edit primitives on small documents: minimal edits, styles kept. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseYaml } from '../../server/src/engine/parse/yaml';
import { parseJson } from '../../server/src/engine/parse/json';
import { at, getPair, isMap, isSeq, type MapNode, type ParsedDocument } from '../../server/src/engine/parse/ast';
import {
  appendItem,
  ensurePath,
  fillEmpty,
  insertPair,
  removePair,
  setScalar,
} from '../../server/src/engine/fixes/edit';
import { pathTo } from '../../server/src/engine/fixes/paths';
import { ref, sub, yamlScalar } from '../../server/src/engine/fixes/render';
import { styleOf } from '../../server/src/engine/fixes/style';
import { lintText, fixesFor } from '../../server/src/engine';
import { applyEdits } from './helpers';

function map(doc: ParsedDocument, ...path: (string | number)[]): MapNode {
  const n = at(doc.root, ...path);
  assert.ok(isMap(n));
  return n;
}
const apply = (doc: ParsedDocument, edits: ReturnType<typeof insertPair>) => {
  assert.ok(edits);
  return applyEdits(doc.text, edits);
};

test('style: line ending, indentation unit, sequence indentation, quotes', () => {
  const y = styleOf(parseYaml("a:\r\n    b:\r\n    - 'x'\r\n"));
  assert.deepEqual([y.eol, y.unit, y.seqIndent, y.quote], ['\r\n', '    ', false, "'"]);
  const j = styleOf(parseJson('{\n\t"a": 1\n}'));
  assert.equal(j.unit, '\t');
});

test('yamlScalar quotes what YAML would read differently', () => {
  const st = styleOf(parseYaml('a: 1\n'));
  assert.equal(yamlScalar('required', st), 'required');
  assert.equal(yamlScalar('aws:PrincipalAccount', st), 'aws:PrincipalAccount');
  for (const s of ['*', 'true', 'no', '2012-10-17', '123', 'a b', '', 'x: y', '#c', 'o-xxxxxxxxxx '])
    assert.notEqual(yamlScalar(s, st), s, s);
});

test('insertPair: block map after a last line with a comment; no trailing newline', () => {
  const doc = parseYaml('R:\n  A: 1 # one\n  B: [x] # two');
  assert.equal(
    apply(doc, insertPair(doc, map(doc, 'R'), 'C', { D: ref('X') })),
    'R:\n  A: 1 # one\n  B: [x] # two\n  C:\n    D: !Ref X',
  );
});

test('insertPair: multi-line YAML flow map and single-line JSON object', () => {
  const y = parseYaml('R: {\n  A: 1,\n  B: 2\n}\n');
  assert.equal(apply(y, insertPair(y, map(y, 'R'), 'C', sub('${X}'))), 'R: {\n  A: 1,\n  B: 2,\n  C: !Sub "${X}"\n}\n');
  const j = parseJson('{"R": {"A":1}}');
  assert.equal(apply(j, insertPair(j, map(j, 'R'), 'C', { D: true })), '{"R": {"A":1, "C":{"D": true}}}');
});

test('insertPair first / after a given pair', () => {
  const y = parseYaml('# head\nA: 1\nB: 2\n');
  assert.equal(apply(y, insertPair(y, y.root as MapNode, 'P', 1, { first: true })), '# head\nP: 1\nA: 1\nB: 2\n');
  const j = parseJson('{\n  "A": 1,\n  "B": 2\n}');
  assert.equal(
    apply(j, insertPair(j, j.root as MapNode, 'P', 1, { after: getPair(j.root, 'A') })),
    '{\n  "A": 1,\n  "P": 1,\n  "B": 2\n}',
  );
  assert.equal(
    apply(j, insertPair(j, j.root as MapNode, 'P', 1, { first: true })),
    '{\n  "P": 1,\n  "A": 1,\n  "B": 2\n}',
  );
});

test('removePair: block lines with their comment, `- key` items, JSON commas', () => {
  const y = parseYaml('L:\n  - A: 1 # gone\n    B: 2\nM:\n  A: 1 # gone\n  B: 2\n');
  const item = at(y.root, 'L', 0) as MapNode;
  assert.equal(apply(y, removePair(y, item, item.pairs[0])), 'L:\n  - B: 2\nM:\n  A: 1 # gone\n  B: 2\n');
  const m = map(y, 'M');
  assert.equal(apply(y, removePair(y, m, m.pairs[0])), 'L:\n  - A: 1 # gone\n    B: 2\nM:\n  B: 2\n');
  const j = parseJson('{\n  "A": 1,\n  "B": 2,\n  "C": 3\n}');
  const r = j.root as MapNode;
  assert.equal(apply(j, removePair(j, r, r.pairs[1])), '{\n  "A": 1,\n  "C": 3\n}');
  assert.equal(apply(j, removePair(j, r, r.pairs[2])), '{\n  "A": 1,\n  "B": 2\n}');
  assert.equal(
    removePair(j, map(parseJson('{"A": {"X": 1}}'), 'A'), map(parseJson('{"A": {"X": 1}}'), 'A').pairs[0]),
    null,
    'the only pair is not removed',
  );
});

test('appendItem: block (indented or not), flow, JSON', () => {
  const y = parseYaml('L:\n- a\n- b # c\n');
  const seq = at(y.root, 'L');
  assert.ok(isSeq(seq));
  assert.equal(apply(y, appendItem(y, seq, { k: 'v', w: 'x' })), 'L:\n- a\n- b # c\n- k: v\n  w: x\n');
  const f = parseYaml('L: [a]\n');
  assert.equal(apply(f, appendItem(f, at(f.root, 'L') as never, 'b')), 'L: [a, b]\n');
  const j = parseJson('{"L": [\n    1\n]}');
  assert.equal(
    apply(j, appendItem(j, at(j.root, 'L') as never, { a: 1 })),
    '{"L": [\n    1,\n    {\n        "a": 1\n    }\n]}',
  );
});

test('fillEmpty and ensurePath', () => {
  const y = parseYaml('R:\n  P: # nothing yet\n  Q: 1\n');
  assert.equal(
    apply(y, fillEmpty(y, getPair(map(y, 'R'), 'P')!, { A: 1 })),
    'R:\n  P: # nothing yet\n    A: 1\n  Q: 1\n',
  );
  const e = parseYaml('P:\n  L:\n    X: 1\n');
  assert.equal(
    apply(e, ensurePath(e, e.root as MapNode, ['L', 'M'], 'T', 'required')),
    'P:\n  L:\n    X: 1\nL:\n  M:\n    T: required\n',
  );
  assert.equal(
    apply(e, ensurePath(e, map(e, 'P'), ['L', 'M'], 'T', 'required')),
    'P:\n  L:\n    X: 1\n    M:\n      T: required\n',
  );
  assert.equal(
    ensurePath(e, map(parseYaml('P: {L: !If [c, a, b]}'), 'P'), ['L'], 'T', 'x'),
    null,
    'an intrinsic is not a map to write into',
  );
});

test('setScalar keeps the quote style', () => {
  for (const [src, out] of [
    ['a: "false"', 'a: "true"'],
    ["a: 'false'", "a: 'true'"],
    ['a: false', 'a: true'],
  ]) {
    const d = parseYaml(src);
    assert.equal(apply(d, setScalar(d, getPair(d.root, 'a')!.value, true)), out);
  }
});

test('pathTo ends at a key for spans on keys', () => {
  const d = parseYaml('A:\n  NotPrincipal: {AWS: x}\n');
  const p = pathTo(d.root, { start: 5, end: 17 });
  assert.equal(p.key?.key.value, 'NotPrincipal');
});

test('BOM: edits are on the BOM-stripped text the result holds', () => {
  const text =
    '\ufeffResources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicRead\n      BucketName: b\n';
  const res = lintText(text, { fileName: 'bom.yaml' });
  assert.equal(res.bomLength, 1);
  const f = res.findings.find((x) => x.ruleId === 'AJ111')!;
  const fx = fixesFor(res, f).find((x) => x.kind === 'remove-public-acl')!;
  assert.equal(
    applyEdits(res.text, fx.edits),
    'Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: b\n',
  );
});

test('fixesFor: no suppression outside resources; AJ303 in a policy has no fix', () => {
  const text =
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Sid": "AKIA2E3NZTBWQXHSCZ7D"}]}';
  const res = lintText(text, { fileName: 'x.policy.json' });
  for (const f of res.findings) {
    const kinds = fixesFor(res, f).map((x) => x.kind);
    assert.ok(!kinds.includes('suppress'), f.ruleId);
    if (f.ruleId === 'AJ303') assert.deepEqual(kinds, []);
    if (f.ruleId === 'AJ101')
      assert.deepEqual(kinds, ['restrict-to-organization'], 'no account in an S3 ARN: no account fix, no root fix');
  }
});
