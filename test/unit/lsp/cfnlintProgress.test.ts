/** Progress while cfn-lint runs long: none for a quick run, one for slow runs, ended when all end. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CfnLintProgress } from '../../../server/src/lsp/cfnlintProgress';

function fakeProgress() {
  const events: string[] = [];
  let created = 0;
  const create = async () => {
    created++;
    return {
      token: `t${created}`,
      begin: (title: string, _p?: number, message?: string) => void events.push(`begin ${title}: ${message}`),
      report: (a: unknown) => void events.push(`report ${String(a)}`),
      done: () => void events.push('done'),
    } as never;
  };
  return { events, create, count: () => created };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
function deferred() {
  let resolve!: () => void;
  const p = new Promise<void>((r) => (resolve = r));
  return { p, resolve };
}

test('a run shorter than the delay shows nothing', async () => {
  const f = fakeProgress();
  const progress = new CfnLintProgress(f.create, 50);
  await progress.track('file:///w/a.yaml', sleep(5));
  await sleep(80);
  assert.equal(f.count(), 0);
  assert.deepEqual(f.events, []);
});

test('slow runs share one progress naming the document and how many more, done when all ended', async () => {
  const f = fakeProgress();
  const progress = new CfnLintProgress(f.create, 30);
  const a = deferred();
  const b = deferred();
  progress.track('file:///w/big%20one.yaml', a.p);
  await sleep(50);
  assert.equal(progress.showing, true);
  progress.track('file:///w/b.json', b.p);
  await sleep(50);
  a.resolve();
  await sleep(5);
  assert.equal(progress.showing, true, 'b still runs');
  b.resolve();
  await sleep(5);
  assert.equal(progress.showing, false);
  assert.equal(f.count(), 1, 'one progress for both');
  assert.deepEqual(f.events, [
    'begin cfn-lint: Linting big one.yaml',
    'report Linting big one.yaml and 1 more',
    'report Linting b.json',
    'done',
  ]);
});

test('a failed run ends its progress too; a client without progress support gets none', async () => {
  const f = fakeProgress();
  const progress = new CfnLintProgress(f.create, 10);
  const failing = new Promise<void>((_, reject) => setTimeout(() => reject(new Error('x')), 40));
  await progress.track('file:///a.yaml', failing).catch(() => {});
  await sleep(5);
  assert.deepEqual(f.events, ['begin cfn-lint: Linting a.yaml', 'done']);
  const none = new CfnLintProgress(async () => null, 10);
  await none.track('file:///a.yaml', sleep(30));
  assert.equal(none.showing, false);
});
