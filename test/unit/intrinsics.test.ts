/** The one table of intrinsic names (model/intrinsics.ts): parsers, model and fixes read the same names. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { INTRINSICS, intrinsicOf, intrinsicTag, tagToIntrinsic } from '../../server/src/engine/model/intrinsics';
import { CFN_TAGS, toPlain } from '../../server/src/engine/parse/ast';
import { parseYaml } from '../../server/src/engine/parse/yaml';
import { parseJson } from '../../server/src/engine/parse/json';
import { Fn, yamlFlow } from '../../server/src/engine/fixes/render';
import { styleOf } from '../../server/src/engine/fixes/style';
import type { MapNode } from '../../server/src/engine/parse/ast';

const readValue = (text: string, json = false) => {
  const doc = json ? parseJson(text) : parseYaml(text);
  return (doc.root as MapNode).pairs[0].value;
};

test('the parsers keep exactly the tags of the table', () => {
  assert.deepEqual([...CFN_TAGS].sort(), INTRINSICS.flatMap((i) => (i.tag ? [i.tag] : [])).sort());
  // CloudFormation has no `!ForEach`: a loop is a key.
  assert.equal(tagToIntrinsic('!ForEach'), undefined);
  assert.equal(intrinsicOf(readValue('a: !ForEach [x, [a], {}]\n')), null);
});

test('every function reads the same in short and long form, YAML and JSON', () => {
  for (const i of INTRINSICS) {
    if (i.long !== 'value') continue;
    const long = intrinsicOf(readValue(`a: {"${i.name}": [x, y]}\n`));
    assert.equal(long?.name, i.name, i.name);
    assert.equal(intrinsicOf(readValue(`{"a": {"${i.name}": ["x"]}}`, true))?.name, i.name, `${i.name} (JSON)`);
    if (i.tag) {
      assert.equal(intrinsicOf(readValue(`a: ${i.tag} [x, y]\n`))?.name, i.name, i.tag);
      assert.equal(intrinsicTag(i.name), i.tag);
      assert.deepEqual(toPlain(readValue(`a: ${i.tag} x\n`)), { [i.name]: 'x' });
    }
  }
});

test('Fn::ForEach::LoopName is read as Fn::ForEach; {Condition: X} only where conditions are read', () => {
  const loop = intrinsicOf(
    readValue('a:\n  Fn::ForEach::Topics: [Name, [a, b], {"Topic${Name}": {Type: AWS::SNS::Topic}}]\n'),
  );
  assert.equal(loop?.name, 'Fn::ForEach');
  assert.equal(loop?.arg.kind, 'seq');
  assert.equal(intrinsicOf(readValue('a: {Fn::ForEach: [x]}\n')), null, 'no loop name');
  // A resource's `Condition: IsProd` or a policy statement's Condition is not a call.
  assert.equal(intrinsicOf(readValue('a: {Condition: IsProd}\n')), null);
  assert.equal(intrinsicOf(readValue('a: !Condition IsProd\n'))?.name, 'Condition');
});

test('fixes write the short form of every function that has one', () => {
  const st = styleOf(parseYaml('a: 1\n'));
  for (const i of INTRINSICS) {
    const out = yamlFlow(new Fn(i.name, 'x'), st);
    assert.equal(out, i.tag ? `${i.tag} x` : `{${i.name}: x}`, i.name);
  }
});
