/**
 * The language-server fuzzer, long version (test/fuzz/session.ts; CI runs a short one in
 * test/protocol/fuzz.test.ts). Run `npm run fuzz -- --seed 7 --edits 3000`, or several seeds:
 *   npm run fuzz -- --seeds 1,2,3,4,5 --edits 3000 [--giant] [--no-hostile] [--docs 3] [--max-seconds 900] [--json]
 * Hostile pastes (control characters, alias bombs, deep nesting, huge lines, CR/CRLF, surrogates)
 * are on unless --no-hostile; --giant adds pastes of 1-9 MB. Each seed prints its figures: crashes,
 * error responses, differences, bad ranges, update latencies (main thread: documents small through
 * the burst apart from those a giant paste passed through), RSS and heap at the start, before the
 * edits, at the peak, after every document closed and after --idle-wait ms, and the slowest
 * updates with where their time went (the server reading the changes, the analysis, waiting).
 * Exit code 1 when a seed found a crash, an error response, a difference between the server and
 * lintText, a bad range or a hang.
 */
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import { formatReport, latencySummary, runFuzz, slowCause, smallThroughout, type FuzzReport } from '../test/fuzz/session';

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    seeds: { type: 'string' },
    edits: { type: 'string', default: '3000' },
    docs: { type: 'string', default: '3' },
    giant: { type: 'boolean', default: false },
    'no-hostile': { type: 'boolean', default: false },
    'max-seconds': { type: 'string' },
    'idle-wait': { type: 'string', default: '5000' },
    verbose: { type: 'boolean', default: false },
    trace: { type: 'boolean', default: false },
    dump: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});

async function main(): Promise<void> {
const seeds = (values.seeds ?? values.seed ?? String(Date.now() % 100000)).split(',').map(Number);
const reports: FuzzReport[] = [];
let failed = false;
for (const seed of seeds) {
  const load = loadavg()[0].toFixed(1);
  const r = await runFuzz({
    seed,
    edits: Number(values.edits),
    docs: Number(values.docs),
    giant: values.giant,
    hostile: !values['no-hostile'],
    maxMs: values['max-seconds'] ? Number(values['max-seconds']) * 1000 : undefined,
    idleWaitMs: Number(values['idle-wait']),
    trace: values.trace,
    dumpDir: values.dump,
    log: values.verbose ? (m) => console.error(m) : undefined,
  });
  reports.push(r);
  if (!values.json) console.log(`${formatReport(r)}\n  load average: ${load} at start, ${loadavg()[0].toFixed(1)} at end`);
  failed ||=
    r.crashed ||
    r.errorResponses.length > 0 ||
    r.differences.length > 0 ||
    r.rangeProblems.length > 0 ||
    r.hangs.length > 0 ||
    r.serverErrors.length > 0;
}
if (values.json) {
  console.log(
    JSON.stringify(
      reports.map((r) => ({
        ...r,
        updates: undefined,
        mainThread: latencySummary(r.updates.filter((u) => !u.worker)),
        mainThreadSmall: latencySummary(r.updates.filter(smallThroughout)),
        worker: latencySummary(r.updates.filter((u) => u.worker)),
        slowest: r.updates
          .filter((u) => !u.worker)
          .sort((a, b) => b.ms - a.ms)
          .slice(0, 5)
          .map((u) => ({ ...u, cause: slowCause(u) })),
      })),
      null,
      2,
    ),
  );
}
process.exit(failed ? 1 : 0);
}

void main();
