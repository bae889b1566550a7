import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  cfnRangeToLsp,
  encodeFrame,
  FrameDecoder,
  LineTable,
  mapSeverity,
  matchesToDiagnostics,
  severityOfRuleId,
} from '../../server/src/cfnlint/index';

const m = (rule: string, l1: number, c1: number, l2: number, c2: number, level = 'error') => ({
  rule,
  level,
  message: 'x',
  start: { line: l1, column: c1 },
  end: { line: l2, column: c2 },
});

describe('cfn-lint positions to LSP ranges', () => {
  test('1-based end-exclusive becomes 0-based end-exclusive', () => {
    const text = 'a: 1\nKey: value\n';
    const [d] = matchesToDiagnostics(text, [m('E1', 2, 1, 2, 4)]);
    assert.deepEqual(d.range, { start: { line: 1, character: 0 }, end: { line: 1, character: 3 } });
  });

  test('CRLF line breaks count once', () => {
    const text = 'a: 1\r\nb: 2\r\n  Key: value\r\n';
    const [d] = matchesToDiagnostics(text, [m('E1', 3, 3, 3, 6)]);
    assert.deepEqual(d.range, { start: { line: 2, character: 2 }, end: { line: 2, character: 5 } });
    // the end of a line never includes the \r
    const [e] = matchesToDiagnostics(text, [m('E1', 3, 3, 3, 99)]);
    assert.deepEqual(e.range.end, { line: 2, character: 12 });
  });

  test('a lone \\r is a line break too', () => {
    const t = new LineTable('a\rb\r\nc\nd');
    assert.equal(t.lineCount, 4);
    assert.deepEqual([t.lineLength(0), t.lineLength(1), t.lineLength(2), t.lineLength(3)], [1, 1, 1, 1]);
  });

  test('tabs are one column', () => {
    const text = '{\n\t\t"Bogus": 1\n}';
    const [d] = matchesToDiagnostics(text, [m('E3002', 2, 3, 2, 10)]);
    assert.deepEqual(d.range, { start: { line: 1, character: 2 }, end: { line: 1, character: 9 } });
  });

  test('code-point columns become UTF-16 columns (astral characters count two)', () => {
    const text = 'X: {"😀x": 1, Bogus: 2}';
    // cfn-lint: "😀x" is columns 5..9 (code points), Bogus 14..19
    const [a, b] = matchesToDiagnostics(text, [m('E1', 1, 5, 1, 9), m('E2', 1, 14, 1, 19)]);
    assert.equal(text.slice(a.range.start.character, a.range.end.character), '"😀x"');
    assert.equal(text.slice(b.range.start.character, b.range.end.character), 'Bogus');
  });

  test('a leading BOM is not part of the positions', () => {
    const text = '\ufeffKey: v';
    const [d] = matchesToDiagnostics(text, [m('E1', 1, 1, 1, 4)]);
    assert.deepEqual(d.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 3 } });
  });

  test('positions past the end are clamped (parse error at end of file)', () => {
    const t = new LineTable('a: [\n  b: {');
    const r = cfnRangeToLsp(t, { line: 3, column: 1 }, { line: 3, column: 2 });
    assert.deepEqual(r, { start: { line: 1, character: 6 }, end: { line: 1, character: 6 } });
    const z = cfnRangeToLsp(t, { line: 0, column: 0 }, { line: 0, column: 0 });
    assert.deepEqual(z.start, { line: 0, character: 0 });
  });

  test('an end before the start collapses to the start', () => {
    const t = new LineTable('abc\ndef');
    const r = cfnRangeToLsp(t, { line: 2, column: 3 }, { line: 1, column: 1 });
    assert.deepEqual(r.end, r.start);
  });

  test('severities: E error, W warning, I information', () => {
    assert.equal(mapSeverity('error'), 'error');
    assert.equal(mapSeverity('warning'), 'warning');
    assert.equal(mapSeverity('informational'), 'information');
    assert.deepEqual(['E3012', 'W2001', 'I3011'].map(severityOfRuleId), ['error', 'warning', 'information']);
    const [d] = matchesToDiagnostics('a', [{ ...m('I3011', 1, 1, 1, 2, 'informational'), docs: 'https://x/y' }]);
    assert.equal(d.severity, 'information');
    assert.equal(d.source, 'cfn-lint');
    assert.equal(d.href, 'https://x/y');
    assert.equal(d.code, 'I3011');
  });
});

describe('frames', () => {
  test('round trip, split at any byte, several per chunk, multi-byte UTF-8', () => {
    const msgs = [{ id: 1, result: { text: 'é😀' } }, { event: 'ready' }, { id: 2, error: { message: 'x' } }];
    const bytes = Buffer.concat(msgs.map(encodeFrame));
    for (let cut = 0; cut <= bytes.length; cut += 7) {
      const dec = new FrameDecoder();
      const got = [...dec.push(bytes.subarray(0, cut)), ...dec.push(bytes.subarray(cut))];
      assert.deepEqual(got, msgs);
    }
  });

  test('a bad header throws', () => {
    assert.throws(() => new FrameDecoder().push(Buffer.from('Hello: 1\r\n\r\n{}')));
  });
});
