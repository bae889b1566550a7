/**
 * One benchmark measurement in a fresh process: lint a file N times, print JSON
 * {first, median, min, peakRssMB, findings}. Run by bench/run.mjs through tsx.
 */
import { readFileSync } from 'node:fs';
import { lintText } from '../server/src/engine';

const [file, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 10);
const text = readFileSync(file, 'utf8');
const times: number[] = [];
let findings = 0;
for (let i = 0; i < runs; i++) {
  const t = performance.now();
  const r = lintText(text, { fileName: file });
  times.push(performance.now() - t);
  findings = r.findings.length;
}
const sorted = [...times].sort((a, b) => a - b);
const status = readFileSync('/proc/self/status', 'utf8');
const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
console.log(JSON.stringify({ first: times[0], median: sorted[Math.floor(sorted.length / 2)], min: sorted[0], peakRssMB: hwm, findings }));
