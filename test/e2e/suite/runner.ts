/**
 * A tiny test runner for the extension host (mocha is not installed): test(name, fn) registers,
 * runAll() runs in order with a per-test timeout, prints one "ajar-e2e" line per test (the
 * stand-in echoes those) and rejects when any failed, which makes the workbench exit non-zero.
 */
import { appendFileSync, writeFileSync } from 'node:fs';

type TestFn = () => Promise<void> | void;
const tests: { name: string; fn: TestFn; timeoutMs: number }[] = [];

export function test(name: string, fn: TestFn, timeoutMs = 30000): void {
  tests.push({ name, fn, timeoutMs });
}

function report(line: string): void {
  console.log(`ajar-e2e ${line}`);
  const file = process.env.AJAR_E2E_RESULTS;
  if (file) appendFileSync(file, `${line}\n`);
}

/** A line of detail under the current test ("  # ..."), in the output and the results file. */
export function note(text: string): void {
  report(`  # ${text}`);
}

export async function runAll(): Promise<void> {
  if (process.env.AJAR_E2E_RESULTS) writeFileSync(process.env.AJAR_E2E_RESULTS, '');
  let failed = 0;
  // AJAR_E2E_ONLY_FAIL=1: run only the deliberately failing test (the exit-code check).
  const selected =
    process.env.AJAR_E2E_ONLY_FAIL === '1' ? tests.filter((t) => t.name.startsWith('deliberately failing')) : tests;
  for (const t of selected) {
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        Promise.resolve().then(t.fn),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`timed out after ${t.timeoutMs} ms`)), t.timeoutMs);
        }),
      ]);
      report(`ok ${t.name} (${Date.now() - started} ms)`);
    } catch (err) {
      failed++;
      const text = err instanceof Error ? (err.stack ?? err.message) : String(err);
      report(`not ok ${t.name} (${Date.now() - started} ms)\n  ${text.split('\n').join('\n  ')}`);
    } finally {
      clearTimeout(timer);
    }
  }
  report(`# ${selected.length - failed} passed, ${failed} failed`);
  if (failed > 0) throw new Error(`${failed} of ${selected.length} extension-host tests failed`);
}
