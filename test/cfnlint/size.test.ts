/**
 * cfn-lint's size limit: over 1,000,000 bytes (UTF-8, as the file on disk), cfn-lint is not
 * started; one information diagnostic on the first line says why.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CFN_LINT_MAX_BYTES, CfnLintWorker, tooLargeForCfnLint, utf8Bytes } from '../../server/src/cfnlint/index';
import { cfnLintInterpreter, WORKER_PATH } from './helpers';

/** A template of exactly `bytes` UTF-8 bytes (a comment pads it). */
function templateOf(bytes: number, pad = 'x'): string {
  const head = 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n# ';
  const padBytes = utf8Bytes(pad);
  let t = head + pad.repeat(Math.floor((bytes - utf8Bytes(head) - 1) / padBytes));
  while (utf8Bytes(t) < bytes - 1) t += 'x';
  return `${t}\n`;
}

describe('cfn-lint size limit', () => {
  test('the limit is in UTF-8 bytes: at the limit runs, one byte over does not', () => {
    assert.equal(CFN_LINT_MAX_BYTES, 1_000_000);
    const at = templateOf(1_000_000);
    assert.equal(utf8Bytes(at), 1_000_000);
    assert.equal(tooLargeForCfnLint(at), null);
    const over = templateOf(1_000_001);
    assert.match(tooLargeForCfnLint(over) ?? '', /1,000,001 bytes, over the 1,000,000 bytes cfn-lint reads/);
    // Non-ASCII text: 400,000 characters of 3 bytes each are 1.2 MB on disk.
    const wide = templateOf(1_200_000, '€');
    assert.ok(wide.length < 500_000);
    assert.match(tooLargeForCfnLint(wide) ?? '', /1,200,000 bytes/);
  });

  test('a worker never starts for a text over the limit, and answers at once with one notice', async () => {
    // An interpreter that cannot start: were the worker started, the answer would be a failure.
    const worker = new CfnLintWorker({ interpreter: '/nonexistent/python3', workerPath: WORKER_PATH });
    try {
      const text = templateOf(1_000_001);
      const r = await worker.lint('file:///big.yaml', 1, text);
      assert.equal(r.status, 'ok');
      if (r.status !== 'ok') return;
      assert.equal(r.skipped, 'too-large');
      assert.equal(worker.pid, undefined, 'no process was started');
      assert.equal(r.diagnostics.length, 1);
      const d = r.diagnostics[0];
      assert.equal(d.severity, 'information');
      assert.equal(d.source, 'cfn-lint');
      assert.deepEqual(d.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 38 } });
    } finally {
      await worker.dispose();
    }
  });

  test('growing past the limit supersedes the lint in flight for the smaller version', async (t) => {
    const { interpreter, skip } = await cfnLintInterpreter();
    if (skip) return t.skip(skip);
    const worker = new CfnLintWorker({ interpreter, workerPath: WORKER_PATH });
    try {
      const small = worker.lint('file:///t.yaml', 1, templateOf(2_000));
      const big = await worker.lint('file:///t.yaml', 2, templateOf(1_000_001));
      assert.equal(big.status, 'ok');
      assert.equal((await small).status, 'superseded');
      // Shrunk again: cfn-lint runs.
      const again = await worker.lint('file:///t.yaml', 3, templateOf(2_000));
      assert.equal(again.status, 'ok');
      assert.equal(again.status === 'ok' && again.skipped, undefined);
    } finally {
      await worker.dispose();
    }
  });
});
