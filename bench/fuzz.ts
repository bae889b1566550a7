/**
 * The language-server fuzzer, long version (test/fuzz/session.ts; CI runs a short one in
 * test/protocol/fuzz.test.ts). Run `npm run fuzz -- --seed 7 --edits 3000`, or several seeds:
 *   npm run fuzz -- --seeds 1,2,3,4,5 --edits 3000 [--giant] [--docs 3] [--max-seconds 900] [--json]
 * Exit code 1 when a seed found a crash, an error response, a difference between the server and
 * lintText, a bad range or a hang.
 */
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import { formatReport, latencySummary, runFuzz, type FuzzReport } from '../test/fuzz/session';

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    seeds: { type: 'string' },
    edits: { type: 'string', default: '3000' },
    docs: { type: 'string', default: '3' },
    giant: { type: 'boolean', default: false },
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
        worker: latencySummary(r.updates.filter((u) => u.worker)),
      })),
      null,
      2,
    ),
  );
}
process.exit(failed ? 1 : 0);
}

void main();
