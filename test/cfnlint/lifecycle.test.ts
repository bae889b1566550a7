/**
 * The worker's life: killed mid-request and recovering, stale requests dropped, timeouts
 * restarting it, dispose, an interpreter that cannot start, and Ajar's diagnostics published
 * before cfn-lint's.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CfnLintWorker, lintAjarThenCfnLint, type CfnDiag, type CfnLintResult } from '../../server/src/cfnlint/index';
import { cfnLintInterpreter, WORKER_PATH } from './helpers';

const QUEUE = 'Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n    Properties:\n      DelaySeconds: "abc"\n';
// worker.py sleeps this long before each lint (test hook), so a request is reliably in flight.
const SLOW = { AJAR_CFNLINT_WORKER_TEST_DELAY_MS: '800' };

describe('cfn-lint worker lifecycle', async () => {
  const found = await cfnLintInterpreter();
  const skip = found.skip;
  const interpreter = found.interpreter || 'python3';
  const workers: CfnLintWorker[] = [];
  const make = (opts: Partial<ConstructorParameters<typeof CfnLintWorker>[0]> = {}) => {
    const w = new CfnLintWorker({ interpreter, workerPath: WORKER_PATH, backoffInitialMs: 50, ...opts });
    workers.push(w);
    return w;
  };
  after(async () => {
    await Promise.all(workers.map((w) => w.dispose()));
  });

  // One slow worker serves every test in turn (each start costs ~2 s); dispose comes last.
  const slow = found.skip ? null : make({ env: SLOW, cancelStaleAfterMs: 600 });

  test('starts lazily, on the first lint', { skip }, async () => {
    const w = slow!;
    assert.equal(w.state, 'idle');
    assert.equal(w.pid, undefined);
    const r = await w.lint('file:///a.yaml', 1, QUEUE);
    assert.equal(r.status, 'ok');
    assert.ok(w.pid);
    assert.equal(w.restarts, 0);
  });

  test('killed mid-request: restarted, and the request answered by the new worker', { skip }, async () => {
    const w = slow!;
    const firstPid = w.pid!;
    const exits: unknown[] = [];
    w.on('exit', (e) => exits.push(e));
    const p = w.lint('file:///a.yaml', 2, QUEUE);
    await sleep(250); // in flight: the worker is inside its 0.8 s delay
    process.kill(firstPid, 'SIGKILL');
    const r = await p;
    assert.equal(r.status, 'ok', JSON.stringify(r));
    assert.deepEqual(
      (r as Extract<CfnLintResult, { status: 'ok' }>).diagnostics.map((d) => d.code),
      ['E3012'],
    );
    assert.notEqual(w.pid, firstPid);
    assert.equal(w.restarts, 1);
    assert.equal(exits.length, 1);
    assert.equal(w.state, 'ready');
  });

  test('a newer version supersedes older ones: queued dropped, in-flight answer discarded', { skip }, async () => {
    const w = slow!;
    const uri = 'file:///stale.yaml';
    const other = w.lint('file:///other.yaml', 1, QUEUE); // occupies the worker
    const v1 = w.lint(uri, 1, QUEUE);
    const v2 = w.lint(uri, 2, QUEUE);
    const v3 = w.lint(uri, 3, QUEUE.replace('"abc"', '5'));
    const late = w.lint(uri, 2, QUEUE); // older than what was asked already
    assert.deepEqual(await late, { status: 'superseded', uri, version: 2 });
    assert.equal((await v1).status, 'superseded');
    assert.equal((await v2).status, 'superseded');
    const r3 = await v3;
    assert.equal(r3.status, 'ok');
    assert.equal(r3.status === 'ok' && r3.version, 3);
    assert.deepEqual(r3.status === 'ok' && r3.diagnostics, []);
    assert.equal((await other).status, 'ok');

    // Superseding the in-flight request resolves it at once; once it has run cancelStaleAfterMs
    // (600 ms here) the stale lint is cancelled by restarting the worker, without counting a failure.
    const restarts = w.restarts;
    const cancels: Array<{ reason: string }> = [];
    w.on('cancel', (e) => cancels.push(e));
    const a = w.lint(uri, 10, QUEUE);
    await sleep(200);
    const b = w.lint(uri, 11, QUEUE);
    const ra = await Promise.race([a, sleep(100).then(() => 'pending')]);
    assert.deepEqual(ra, { status: 'superseded', uri, version: 10 });
    const rb = await b;
    assert.equal(rb.status, 'ok');
    assert.deepEqual(
      cancels.map((c) => c.reason),
      ['superseded'],
    );
    assert.equal(w.restarts, restarts + 1);
  });

  test('a request over its timeout fails "timeout", the worker is restarted, the next one works', {
    skip,
  }, async () => {
    const w = slow!;
    const before = w.pid;
    const restarts = w.restarts;
    const r = await w.lint('file:///t.yaml', 1, QUEUE, { timeoutMs: 300 });
    assert.equal(r.status, 'failed');
    assert.equal(r.status === 'failed' && r.reason, 'timeout');
    const next = await w.lint('file:///t.yaml', 2, QUEUE, { timeoutMs: 30_000 });
    assert.equal(next.status, 'ok', JSON.stringify(next));
    assert.notEqual(w.pid, before);
    assert.equal(w.restarts, restarts + 1);
  });

  test('the default timeout grows with the template', () => {
    const w = make({ requestTimeoutMs: 15_000, timeoutMsPerKB: 150 });
    assert.equal(w.timeoutFor(''), 15_000);
    assert.equal(w.timeoutFor('x'.repeat(1024 * 1024)), 15_000 + 1024 * 150);
    assert.equal(w.state, 'idle', 'nothing started');
  });

  test('an interpreter that cannot start: backoff, then "unavailable", no throw', async () => {
    const w = make({ interpreter: '/nonexistent/python3', backoffInitialMs: 5, maxConsecutiveFailures: 3 });
    const restarts: number[] = [];
    w.on('restart', (e: { delayMs: number }) => restarts.push(e.delayMs));
    const r = await w.lint('file:///x.yaml', 1, QUEUE);
    assert.equal(r.status, 'failed');
    assert.equal(r.status === 'failed' && r.reason, 'unavailable');
    assert.match(r.status === 'failed' ? r.message : '', /nonexistent/);
    assert.equal(w.state, 'broken');
    assert.equal(restarts.length, 2);
    assert.ok(restarts[1] > restarts[0], `backoff grows: ${restarts.join(', ')}`);
    const again = await w.lint('file:///x.yaml', 2, QUEUE);
    assert.equal(again.status === 'failed' && again.reason, 'unavailable');
  });

  test('start() with an interpreter that cannot start resolves null once it gives up', async () => {
    const w = make({ interpreter: '/nonexistent/python3', backoffInitialMs: 5, maxConsecutiveFailures: 2 });
    assert.equal(await w.start(), null);
    assert.equal(w.state, 'broken');
    w.reset();
    assert.equal(w.state, 'idle');
  });

  test('a worker that dies at start (not Python) is reported with its error', async () => {
    // node cannot run worker.py: it exits at once with a syntax error.
    const w = make({ interpreter: process.execPath, backoffInitialMs: 5, maxConsecutiveFailures: 2 });
    const r = await w.lint('file:///x.yaml', 1, QUEUE);
    assert.equal(r.status === 'failed' && r.reason, 'unavailable');
    assert.match(r.status === 'failed' ? r.message : '', /exited/);
  });

  test("Ajar's diagnostics are published before cfn-lint's, merged, and only while current", { skip }, async () => {
    const w = slow!;
    const text = [
      'Resources:',
      '  U:',
      '    Type: AWS::IAM::User',
      '    Properties:',
      '      LoginProfile:',
      '        Password: hunter2hunter2',
      '  Queue:',
      '    Type: AWS::SQS::Queue',
      '    Properties:',
      '      DelaySeconds: "abc"',
      '',
    ].join('\n');
    // What Ajar's AJ305 reports: the Password value.
    const ajarFindings = [
      { ruleId: 'AJ305', range: { start: { line: 5, character: 18 }, end: { line: 5, character: 32 } }, resource: 'U' },
    ];
    const published: Array<{ phase: string; at: number; cfn: CfnDiag[] }> = [];
    const t0 = Date.now();
    const pending = lintAjarThenCfnLint({
      worker: w,
      uri: 'file:///order.yaml',
      version: 1,
      text,
      ajarFindings,
      publish: (phase, _ajar, cfn) => published.push({ phase, at: Date.now() - t0, cfn }),
    });
    // Ajar's are out before the worker has even started.
    assert.deepEqual(
      published.map((p) => p.phase),
      ['ajar'],
    );
    const r = await pending;
    assert.equal(r?.status, 'ok');
    assert.deepEqual(
      published.map((p) => p.phase),
      ['ajar', 'cfn-lint'],
    );
    assert.ok(published[0].at <= published[1].at);
    const raw = r?.status === 'ok' ? r.diagnostics.map((d) => d.code).sort() : [];
    assert.deepEqual(raw, ['E3012', 'W2501'], 'cfn-lint itself reports the password too');
    assert.deepEqual(
      published[1].cfn.map((d) => d.code),
      ['E3012'],
      'the duplicate of AJ305 is dropped',
    );

    // Not current any more: cfn-lint's result is not published.
    const stale: string[] = [];
    await lintAjarThenCfnLint({
      worker: w,
      uri: 'file:///order.yaml',
      version: 2,
      text,
      ajarFindings,
      publish: (phase) => stale.push(phase),
      isCurrent: () => false,
    });
    assert.deepEqual(stale, ['ajar']);
  });
  test('dispose shuts the worker down; later lints answer "disposed"', { skip }, async () => {
    const w = slow!;
    await w.lint('file:///d.yaml', 1, QUEUE);
    const pid = w.pid!;
    await w.dispose();
    assert.equal(w.state, 'disposed');
    assert.throws(() => process.kill(pid, 0), /ESRCH/);
    const r = await w.lint('file:///d.yaml', 2, QUEUE);
    assert.equal(r.status === 'failed' && r.reason, 'disposed');
  });
});
