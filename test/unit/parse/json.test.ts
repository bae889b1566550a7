/**
 * JSON nesting is bounded before jsonc-parser, which recurses: the pre-scan must read strings and
 * comments as jsonc-parser's scanner does, or brackets it skipped reach the parser (a stack
 * overflow in the fuzzer: `// "` then 50,000 `[`). Whatever gets past it is an AJ000, never a throw.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintText } from '../../../server/src/engine';
import { jsonDepth, parseJson } from '../../../server/src/engine/parse/json';

const DEEP = '['.repeat(50_000);

test('brackets after a comment or a string cut by a line break count, as the scanner reads them', () => {
  const cases: [string, string][] = [
    ['// "\n', 'a quote in a line comment'],
    ['/* " */ ', 'a quote in a block comment'],
    ['/* "\n */ ', 'a block comment over lines'],
    ['{"a": "x\n', 'a string ended by LF'],
    ['{"a": "x\r', 'a string ended by CR'],
    ['{"a": "x\r\n', 'a string ended by CRLF'],
  ];
  for (const [head, label] of cases) {
    const text = head + DEEP;
    const open = head.startsWith('{') ? 1 : 0; // the head's own bracket
    assert.equal(jsonDepth(text, 500).overAt, head.length + 500 - open, label);
    const doc = parseJson(text);
    assert.equal(doc.root, null, label);
    assert.match(doc.errors[0].message, /nesting deeper than 500 levels/, label);
    const r = lintText(`{"Resources": 1, "x": ${text}`, { fileName: 'template.json' });
    assert.equal(r.findings[0]?.ruleId, 'AJ000', label);
  }
});

test('a closer of the other kind closes nothing, as the parser skips it', () => {
  // From the fuzzer: a 3 MB paste full of `]]]]` inside objects overflowed jsonc-parser on the
  // main thread but not on the worker (a bigger stack): the server and lintText disagreed.
  for (const [text, label] of [
    ['{]'.repeat(50_000), '{]'],
    ['[}'.repeat(50_000), '[}'],
    ['{"a": ['.repeat(300) + '}'.repeat(300) + '{"b": '.repeat(300), 'arrays closed by braces'],
  ]) {
    assert.ok(jsonDepth(text, 500).overAt >= 0, label);
    const doc = parseJson(text);
    assert.match(doc.errors[0].message, /nesting deeper than 500 levels/, label);
  }
  assert.equal(jsonDepth('[{]}]', 5).depth, 2);
  assert.equal(jsonDepth('[[]]{}[{}]', 5).depth, 2);
});

test('brackets inside strings and comments do not count; an escaped line break goes on with the string', () => {
  assert.equal(jsonDepth('["[[[[", "{{{{"]', 2).depth, 1);
  assert.equal(jsonDepth('[ // [[[[\n 1]', 2).depth, 1);
  assert.equal(jsonDepth('[ /* [[[[ */ 1]', 2).depth, 1);
  assert.equal(jsonDepth('["a\\\n[[[["]', 2).depth, 1);
  assert.equal(jsonDepth('["a\\"[[[["]', 2).depth, 1);
  assert.equal(jsonDepth('[[1], {"a": [2]}]', 5).depth, 3);
  // an unclosed block comment hides the rest, as it does for the scanner
  assert.equal(jsonDepth(`[ /* ${DEEP}`, 500).overAt, -1);
  assert.doesNotThrow(() => parseJson(`[ /* ${DEEP}`));
});
