/**
 * Runs the extension-host suite (test/e2e/suite) inside a real VS Code through the stock
 * @vscode/test-electron runTests, with the stand-in executable (bin/code-standin.mjs) in place of
 * a downloaded VS Code. Needs scripts/setup-e2e.sh. Run: node scripts/test.mjs test/e2e
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { runTests } from '@vscode/test-electron';
import { assertCodeServerInstalled } from './lib/codeServer';
import { E2E_DIR, ROOT } from './lib/paths';
import { buildExtension, buildSuite, copyWorkspace } from './lib/prepare';

const STAND_IN = join(ROOT, 'test/e2e/bin/code-standin.mjs');

describe('extension host (runTests through code-server)', { timeout: 240_000 }, () => {
  let suite = '';
  before(async () => {
    assertCodeServerInstalled();
    buildExtension();
    suite = await buildSuite();
  });

  /** Runs the suite; returns runTests' exit code (it rejects on non-zero) and the suite's result lines. */
  async function runSuite(
    name: string,
    env: Record<string, string>,
  ): Promise<{ code: Promise<number>; results: () => string }> {
    const ws = copyWorkspace(name);
    const profile = join(E2E_DIR, `${name}-profile`);
    rmSync(profile, { recursive: true, force: true });
    mkdirSync(profile, { recursive: true });
    const resultsFile = join(profile, 'results.txt');
    const code = runTests({
      vscodeExecutablePath: STAND_IN,
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: suite,
      launchArgs: [
        ws.workspace,
        `--user-data-dir=${join(profile, 'user-data')}`,
        `--extensions-dir=${join(profile, 'extensions')}`,
      ],
      extensionTestsEnv: { AJAR_E2E_FIXTURE: ws.fixtureTemplate, AJAR_E2E_RESULTS: resultsFile, ...env },
    });
    void code.finally(() => ws.remove()).catch(() => undefined);
    return { code, results: () => (existsSync(resultsFile) ? readFileSync(resultsFile, 'utf8') : '(no results file)') };
  }

  test('a failing extension-host test makes runTests fail (non-zero exit)', async () => {
    const run = await runSuite('exthost-failing', { AJAR_E2E_ONLY_FAIL: '1' });
    await assert.rejects(run.code, (err: Error) => {
      assert.match(err.message, /Test run failed with code [1-9]/);
      return true;
    });
    // ...and it failed because the suite ran and its test failed, not for another reason.
    assert.match(run.results(), /^not ok deliberately failing/m);
    assert.match(run.results(), /^# 0 passed, 1 failed$/m);
  });

  test('the extension-host suite passes', async () => {
    const run = await runSuite('exthost', {});
    const code = await run.code.catch((err: Error) => {
      throw new Error(`${err.message}\n${run.results()}`);
    });
    assert.equal(code, 0, run.results());
    assert.match(run.results(), /^# \d+ passed, 0 failed$/m);
  });
});
