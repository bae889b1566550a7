/**
 * Property test of the language server: random edit bursts (typing, deletions, hostile pastes) on
 * corpus templates through the built server over stdio; after each burst the published
 * diagnostics equal lintText on the same text, every range lies inside its line, no request
 * fails, the server lives (test/fuzz/session.ts). A few hundred edits in bounded time here; the
 * long version is `npm run fuzz -- --seed N --edits 3000`. AJAR_FUZZ_SEED picks another seed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatReport, runFuzz } from '../fuzz/session';

const seed = Number(process.env.AJAR_FUZZ_SEED ?? 20240601);

test(`fuzz: 500 edits, seed ${seed}`, { timeout: 90_000 }, async () => {
  const r = await runFuzz({ seed, edits: 500, maxMs: 40_000, docs: 3, idleWaitMs: 0 });
  const summary = formatReport(r);
  assert.ok(r.edits >= 50, `only ${r.edits} edits in the time allowed\n${summary}`);
  assert.equal(r.crashed, false, summary);
  assert.deepEqual(r.errorResponses, [], summary);
  assert.deepEqual(r.serverErrors, [], summary);
  assert.deepEqual(r.hangs, [], summary);
  assert.deepEqual(r.differences, [], summary);
  assert.deepEqual(r.rangeProblems, [], summary);
});
