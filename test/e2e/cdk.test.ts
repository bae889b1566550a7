/**
 * CDK in a real VS Code (code-server + chromium, the packaged ajar.vsix): a CDK app with no
 * cdk.out yet; `cdk synth` (the app's app.synth() run through node, with the context the CDK CLI
 * passes) writes cdk.out while nothing is open, and the findings appear in lib/storage-stack.ts at
 * the construct; hover there shows the CDK fix; "Show synthesized resource" opens the template at
 * the node. Screenshots in test-results/screenshots/ (AJAR_E2E_DOC_IMAGES=1: docs/images/cdk-*.png).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { before, describe, test } from 'node:test';
import { CLI_CONTEXT, TS_APP } from '../cdk/apps';
import { launchChromium } from './lib/browser';
import { assertCodeServerInstalled, removeUnlessKept, startCodeServer, workbenchUrl } from './lib/codeServer';
import { ensureVsix } from './lib/prepare';
import { E2E_DIR, ROOT } from './lib/paths';
import { waitFor } from './lib/processes';
import {
  applyQuickFix,
  filterProblems,
  goToPosition,
  normalise,
  openFile,
  publishScreenshot,
  screenshot,
  waitForProblems,
  waitForWorkbench,
  withFailureScreenshot,
} from './lib/workbench';

/** 1-based line and column of the first `needle` in a file of the app. */
function position(dir: string, file: string, needle: string): { line: number; column: number } {
  const text = readFileSync(join(dir, file), 'utf8');
  const i = text.indexOf(needle);
  assert.ok(i >= 0, `${needle} in ${file}`);
  const before = text.slice(0, i).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

/** `cdk synth`: the app run through node (tsx), app.synth() writing cdk.out as the CLI has it do. */
function cdkSynth(dir: string): void {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bin/app.ts'], {
    cwd: dir,
    env: { ...process.env, CDK_OUTDIR: join(dir, 'cdk.out'), CDK_CONTEXT_JSON: JSON.stringify(CLI_CONTEXT) },
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(`synth failed (${r.status}): ${r.stderr}`);
}

describe('CDK app in the workbench (code-server + chromium)', { timeout: 300_000 }, () => {
  let vsix = '';
  before(() => {
    assertCodeServerInstalled();
    vsix = ensureVsix();
  });

  test('cdk synth: the finding in lib/*.ts at the construct, the CDK fix on hover, the template node', async (t) => {
    mkdirSync(E2E_DIR, { recursive: true });
    const run = mkdtempSync(join(E2E_DIR, 'ui-cdk-'));
    t.after(() => removeUnlessKept(run));
    const ws = join(run, 'shop');
    for (const [name, text] of Object.entries(TS_APP)) {
      mkdirSync(dirname(join(ws, name)), { recursive: true });
      writeFileSync(join(ws, name), text);
    }
    // the app's aws-cdk-lib (and tsx, to run it), as `npm install` would give it
    symlinkSync(join(ROOT, 'node_modules'), join(ws, 'node_modules'));

    const serverStarting = startCodeServer({ name: 'ui-cdk', workspace: ws, vsix: [vsix] });
    const chromiumStarting = launchChromium();
    t.after(async () => {
      const [server, chromium] = await Promise.allSettled([serverStarting, chromiumStarting]);
      if (chromium.status === 'fulfilled') await chromium.value.close();
      if (server.status === 'fulfilled') await server.value.stop();
    });
    const [server, chromium] = await Promise.all([serverStarting, chromiumStarting]);
    const { page } = chromium;
    await waitForWorkbench(page, workbenchUrl(server, ws));
    await withFailureScreenshot(page, 'ui-cdk', async () => {
      // the extension is active (cdk.json) before there is anything to lint
      await page.locator('.statusbar-item', { hasText: 'Ajar' }).first().waitFor({ timeout: 60_000 });

      cdkSynth(ws);
      const key = position(ws, 'lib/storage-stack.ts', "'DeployerKey'");
      // the template's own findings (with the way to the source) first: only the app's files
      await filterProblems(page, 'lib/**');
      const rows = await waitForProblems(
        page,
        'AJ301 in lib/storage-stack.ts at the construct id',
        (rs) => rs.some((r) => r.file.startsWith('storage-stack.ts') && r.text.includes('AJ301')),
        90_000,
      );
      const row = rows.find((r) => r.file.startsWith('storage-stack.ts') && r.text.includes('AJ301'))!;
      assert.equal(row.line, key.line, row.text);
      assert.equal(row.column, key.column, row.text);
      assert.match(row.text, /StorageStack\/DeployerKey: /);
      publishScreenshot(await screenshot(page, 'ui-cdk-1-problems'), 'cdk-problems');
      // the template keeps its own
      await filterProblems(page, 'cdk.out/**');
      await waitForProblems(page, 'AJ301 in the template too', (rs) =>
        rs.some((r) => r.file.startsWith('StorageStack.template.json') && r.text.includes('AJ301')),
      );
      await filterProblems(page, '');

      await openFile(page, 'lib/storage-stack.ts');
      await page.keyboard.press('Control+J'); // the panel closed: room for the hover
      await page.locator('.markers-panel').waitFor({ state: 'hidden' });
      await goToPosition(page, key.line, key.column + 2);
      await page.keyboard.press('Control+K');
      await page.keyboard.press('Control+I'); // Show Hover
      const hover = page.locator('.monaco-hover', { hasText: 'In CDK' }).first();
      await hover.waitFor({ state: 'visible', timeout: 15_000 });
      const hoverText = normalise((await hover.textContent()) ?? '');
      assert.match(hoverText, /AJ301/);
      assert.match(hoverText, /In CDK:/);
      assert.match(hoverText, /Synthesized as DeployerKey5D2B2FFE/);
      // the hover scrolled to the fix and its example
      const box = await hover.boundingBox();
      if (box) {
        await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
        await page.mouse.wheel(0, 90);
        await page.waitForTimeout(300);
      }
      publishScreenshot(await screenshot(page, 'ui-cdk-2-hover'), 'cdk-hover');

      await page.keyboard.press('Escape');
      // VS Code asks every code action provider: TypeScript's answers once it has read aws-cdk-lib
      await page
        .locator('.statusbar-item', { hasText: /Analyzing|Initializing/ })
        .first()
        .waitFor({ state: 'hidden', timeout: 120_000 })
        .catch(() => undefined);
      await goToPosition(page, key.line, key.column + 2);
      // (on a loaded 2-core machine that can take well over 10 s: the menu waits for the slowest provider)
      const offered = await applyQuickFix(
        page,
        /Show synthesized resource/,
        async () => screenshot(page, 'ui-cdk-3-actions'),
        90_000,
      );
      t.diagnostic(`actions offered: ${offered.join(' | ')}`);
      await page
        .locator('.tabs-container .tab.active[aria-label^="StorageStack.template.json"]')
        .waitFor({ timeout: 15_000 });
      // the cursor on the template node of the access key
      const template = readFileSync(join(ws, 'cdk.out/StorageStack.template.json'), 'utf8').split('\n');
      const selection = page.locator('#status\\.editor\\.selection');
      const ln = await waitFor(
        'the cursor in the template',
        async () => {
          const m = /Ln (\d+)/.exec((await selection.textContent().catch(() => '')) ?? '');
          return m ? Number(m[1]) : undefined;
        },
        10_000,
        200,
      );
      const nodeLine = template[ln - 1] ?? '';
      const owner = template
        .slice(0, ln)
        .reverse()
        .find((l) => /^ {2}"[A-Za-z0-9]+": \{$/.test(l));
      assert.match(owner ?? '', /"DeployerKey5D2B2FFE"/, `line ${ln}: ${nodeLine}`);
      await page.waitForTimeout(300);
      publishScreenshot(await screenshot(page, 'ui-cdk-4-synthesized'), 'cdk-show-synthesized');
    });
  });
});
