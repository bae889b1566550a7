/**
 * Aliases in the reference reader (yaml.ts): each refers to the last node before it with its
 * anchor, as `yaml` resolves them, found in one walk of the document. `Alias.resolve(doc)` walks
 * the whole document for every alias: a 120 KB document with pasted alias chains took 22-40 s on
 * the language server's main thread (fuzz seed 2).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Alias, parse } from 'yaml';
import { parseYamlReference } from '../../../server/src/engine/parse/yaml';
import { fastParseYaml } from '../../../server/src/engine/parse/fastyaml';
import { toPlain } from '../../../server/src/engine/parse/ast';

test('an alias refers to the last node before it with its anchor (redefined anchors too)', () => {
  const cases = [
    'a: &x 1\nb: *x\nc: &x 2\nd: *x\n',
    'a: &x [1, &x 2, *x]\nb: *x\n',
    'a: &m {k: &m v}\nb: *m\n',
    '- &a x\n- [*a, &a y, *a]\n- *a\n',
    'a: &k key\n*k : 1\n',
  ];
  for (const t of cases) {
    const ref = parseYamlReference(t);
    assert.deepEqual(ref.errors, [], t);
    assert.deepStrictEqual(toPlain(ref.root!), parse(t), t);
    const fast = fastParseYaml(t);
    if (fast) assert.deepStrictEqual(fast, ref, t);
  }
  // an alias to an anchor defined after it, or to the collection that contains it: AJ000
  assert.match(parseYamlReference('a: *x\nb: &x 1\n').errors[0].message, /unknown alias|Unresolved alias/i);
  assert.match(parseYamlReference('a: &x [*x]\n').errors[0].message, /contains it/);
});

test('the reader never calls Alias.resolve, which walks the document for each alias', (t) => {
  let calls = 0;
  const original = Alias.prototype.resolve;
  t.after(() => {
    Alias.prototype.resolve = original;
  });
  Alias.prototype.resolve = function (this: Alias, ...args: Parameters<Alias['resolve']>) {
    calls++;
    return original.apply(this, args);
  };
  // 3,000 aliases in 70 KB, with an error at the end so that the fast reader leaves it to the reference.
  let text = 'Resources:\n';
  for (let i = 0; i < 1000; i++)
    text += `  R${i}: &a${i}\n    Type: AWS::S3::Bucket\n  U${i}: [*a${i}, *a${i}, *a${i}]\n`;
  text += 'bad: [\n';
  const started = performance.now();
  const doc = parseYamlReference(text);
  const ms = performance.now() - started;
  assert.equal(calls, 0);
  assert.ok(doc.root && doc.errors.length > 0);
  // (27 s on a loaded 2-core machine before; about 1 s after)
  assert.ok(ms < 15_000, `${ms.toFixed(0)} ms`);
});
