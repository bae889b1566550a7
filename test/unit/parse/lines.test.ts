/**
 * LineIndex makes every range Ajar publishes (findings, fix edits): none may end past its line,
 * between CR and LF, or inside a surrogate pair. Checked against the fuzzer's oracle (test/fuzz/
 * oracle.ts), which counts lines on its own.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintText } from '../../../server/src/engine';
import { LineIndex } from '../../../server/src/engine/parse/lines';
import { Lines, rangeProblems } from '../../fuzz/oracle';

const fmt = (li: LineIndex, start: number, end: number) => {
  const r = li.range({ start, end });
  return `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
};

test('a span ending between CR and LF ends at its line end', () => {
  // `a: '` is 4 characters: offset 5 (between \r and \n) is not a place on line 0.
  const t = "a: '\r\nb'\r\n";
  const li = new LineIndex(t);
  assert.equal(fmt(li, 4, 5), '0:4-0:4');
  assert.equal(fmt(li, 3, 5), '0:3-0:4');
  assert.equal(fmt(li, 5, 7), '0:4-1:1');
  assert.deepEqual(li.position(5), { line: 0, character: 4 });
  // a lone CR and LF are one character: nothing to move
  assert.equal(fmt(new LineIndex('ab\rcd\nef'), 2, 3), '0:2-1:0');
  assert.equal(fmt(new LineIndex('ab\ncd'), 2, 3), '0:2-1:0');
});

test('a span never splits a surrogate pair: the start moves back, the end forward', () => {
  const t = 'a: \ud83d\ude00x\n';
  const li = new LineIndex(t);
  assert.equal(fmt(li, 4, 5), '0:3-0:5');
  assert.equal(fmt(li, 3, 4), '0:3-0:5');
  assert.equal(fmt(li, 4, 6), '0:3-0:6');
  // an empty span (an insertion) stays empty, at the pair's start
  assert.equal(fmt(li, 4, 4), '0:3-0:3');
  // lone surrogates are characters of their own
  const lone = new LineIndex('\ud800\ud800\udc00\udc00');
  assert.equal(fmt(lone, 0, 1), '0:0-0:1');
  assert.equal(fmt(lone, 2, 3), '0:1-0:3');
});

test('offsets past the text or a line end are clamped; positions past a line end mean its end', () => {
  const t = 'ab\r\ncd\nef';
  const li = new LineIndex(t);
  assert.equal(fmt(li, -5, 100), '0:0-2:2');
  assert.equal(li.offset({ line: 0, character: 3 }), 2);
  assert.equal(li.offset({ line: 0, character: 99 }), 2);
  assert.equal(li.offset({ line: 1, character: 9 }), 6);
  assert.equal(li.offset({ line: 2, character: 9 }), 9);
  assert.equal(li.offset({ line: 7, character: 0 }), 9);
  assert.equal(li.offset({ line: -1, character: 0 }), 0);
  assert.equal(li.offset({ line: 1, character: -3 }), 4);
});

test('every span of a hostile text gets a range the oracle accepts', () => {
  let seed = 99;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const pieces = ['\r\n', '\r', '\n', '\ud83d\ude00', '\ud800', '\udc00', 'a', ' ', '\u2028', '\u0085'];
  for (let k = 0; k < 300; k++) {
    let t = '';
    for (let i = rnd(12); i >= 0; i--) t += pieces[rnd(pieces.length)];
    const li = new LineIndex(t);
    const lines = new Lines(t);
    for (let a = 0; a <= t.length; a++)
      for (let b = a; b <= t.length; b++)
        assert.deepEqual(rangeProblems(lines, li.range({ start: a, end: b })), [], `${JSON.stringify(t)} ${a}-${b}`);
  }
});

test('AJ000 ranges of broken documents with CRLF and surrogate pairs lie inside their lines', () => {
  // Errors at the end of a text point at its last character, which may be half of a pair.
  const pieces = [
    "'",
    '"',
    '[',
    '{',
    ']',
    '}',
    ',',
    ': ',
    '\r\n',
    '\r',
    '\ud83d\ude00',
    'a',
    ' ',
    '\\',
    '- ',
    '#',
    '!Ref ',
  ];
  const heads = ['Resources:\r\n  ', '', 'a: ', 'AWSTemplateFormatVersion: x\r\na: ', '{"Resources": '];
  let seed = 1;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  let checked = 0;
  for (let k = 0; k < 4000; k++) {
    let t = heads[rnd(heads.length)];
    for (let i = rnd(10); i >= 0; i--) t += pieces[rnd(pieces.length)];
    for (const fileName of ['template.yaml', 'template.json']) {
      const r = lintText(t, { fileName });
      const lines = new Lines(r.text);
      for (const f of r.findings) {
        checked++;
        assert.deepEqual(rangeProblems(lines, f.range), [], `${JSON.stringify(t)} ${fileName} ${f.message}`);
      }
    }
  }
  assert.ok(checked > 1000, `${checked} findings checked`);
  // the example that ended inside a pair: the whole emoji is covered
  const t = '{"Resources": \ud83d\ude00';
  const f = lintText(t, { fileName: 'template.yaml' }).findings[0];
  assert.deepEqual([f.range.start.character, f.range.end.character], [14, 16]);
});
