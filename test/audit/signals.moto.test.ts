/**
 * The audit's abort signal against moto_server: however many requests are in flight, the signal
 * the caller passes carries one listener at most (the SDK adds two per request in flight, and keeps
 * the HTTP handler's when a response's socket stays open: a shared signal passed 10 listeners,
 * `MaxListenersExceededWarning: Possible EventTarget memory leak`, and kept some after the audit),
 * none once the audit is over; and aborting it still stops the requests in flight.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { auditAccounts } from '../../server/src/audit';
import { childSignal } from '../../server/src/audit/clients';
import { cleanEnv, startMoto, writeAwsFiles, type AwsFiles, type Moto } from './moto';
import { seedInsecureAccount } from './seed';

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'us-west-2'];

let moto: Moto;
let files: AwsFiles;
before(async () => {
  moto = await startMoto();
  await seedInsecureAccount(moto.endpoint);
  files = writeAwsFiles(
    `[default]\nregion = us-east-1\nendpoint_url = ${moto.endpoint}\n`,
    '[default]\naws_access_key_id = testing\naws_secret_access_key = testing\n',
  );
});
after(async () => {
  files?.cleanup();
  await moto?.stop();
});

describe('childSignal', () => {
  test('one listener on the parent for any number of children, none when they are done', () => {
    const parent = new AbortController();
    const children = Array.from({ length: 50 }, () => childSignal(parent.signal));
    assert.equal(getEventListeners(parent.signal, 'abort').length, 1);
    for (const c of children.slice(0, 49)) c.done();
    assert.equal(getEventListeners(parent.signal, 'abort').length, 1);
    children[49].done();
    assert.equal(getEventListeners(parent.signal, 'abort').length, 0);
    // done() twice is harmless; a new child after that listens again.
    children[0].done();
    const again = childSignal(parent.signal);
    assert.equal(getEventListeners(parent.signal, 'abort').length, 1);
    again.done();
    assert.equal(getEventListeners(parent.signal, 'abort').length, 0);
  });

  test('aborting the parent aborts the children still running, with its reason', () => {
    const parent = new AbortController();
    const running = childSignal(parent.signal);
    const finished = childSignal(parent.signal);
    finished.done();
    const reason = new Error('cancelled by the user');
    parent.abort(reason);
    assert.equal(running.signal.aborted, true);
    assert.equal(running.signal.reason, reason);
    assert.equal(finished.signal.aborted, false);
    assert.equal(getEventListeners(parent.signal, 'abort').length, 0);
    // A child of an aborted parent starts aborted.
    assert.equal(childSignal(parent.signal).signal.aborted, true);
  });
});

describe('the audit and its abort signal (moto)', () => {
  test('no MaxListenersExceededWarning, no listener left after the audit', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => {
      if (w.name === 'MaxListenersExceededWarning') warnings.push(w.message);
    };
    process.on('warning', onWarning);
    const ctl = new AbortController();
    let most = 0;
    const sample = setInterval(() => {
      most = Math.max(most, getEventListeners(ctl.signal, 'abort').length);
    }, 1);
    try {
      const report = await auditAccounts({ env: cleanEnv(files), regions: REGIONS, abortSignal: ctl.signal });
      assert.equal(report.accounts[0].findings.length, 8, 'the audit itself ran');
    } finally {
      clearInterval(sample);
      process.off('warning', onWarning);
    }
    // Warnings are emitted on the next tick.
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(warnings, []);
    assert.ok(most <= 1, `at most one listener on the caller's signal, saw ${most}`);
    assert.equal(getEventListeners(ctl.signal, 'abort').length, 0);
  });

  test('aborting the signal still stops the audit', async () => {
    const ctl = new AbortController();
    const started = Date.now();
    const audit = auditAccounts({ env: cleanEnv(files), regions: REGIONS, abortSignal: ctl.signal });
    setTimeout(() => ctl.abort(new Error('cancelled')), 50);
    const report = await audit.catch((e: unknown) => e);
    assert.ok(Date.now() - started < 20_000, 'the audit ended soon after the abort');
    assert.equal(getEventListeners(ctl.signal, 'abort').length, 0);
    void report;
  });
});
