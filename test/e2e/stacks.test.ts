/**
 * Live findings and their templates in a real VS Code (code-server + chromium, the packaged
 * ajar.vsix): moto deploys the stacks of test/audit/fixtures/stacks/ (test/audit/stacksSeed.ts),
 * the workspace is a copy of that folder. The Accounts view's public bucket names its stack in
 * its tooltip and "Open in Template" lands on its logical id's line; the template then shows the
 * live CodeLens, and the bucket changed by hand shows the drift lens; clicking a lens reveals the
 * item. Screenshots: test-results/screenshots/stacks-*.png (docs/images/stacks-*.png with
 * AJAR_E2E_DOC_IMAGES=1). Needs scripts/setup-e2e.sh.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { ACCOUNT_ID, startMoto, writeAwsFiles } from '../audit/moto';
import { REPORTS_BUCKET, STACKS_WORKSPACE, WEB_BUCKET, seedStacks } from '../audit/stacksSeed';
import { launchChromium } from './lib/browser';
import { assertCodeServerInstalled, startCodeServer, workbenchUrl } from './lib/codeServer';
import { E2E_DIR } from './lib/paths';
import { ensureVsix } from './lib/prepare';
import { delay, waitFor } from './lib/processes';
import {
  normalise,
  openActivity,
  openFile,
  publishScreenshot,
  screenshot,
  sideBarRow,
  sideBarRows,
  waitForWorkbench,
  widenSideBar,
  withFailureScreenshot,
} from './lib/workbench';
import type { Page } from 'playwright-core';

/** The text of the CodeLenses shown in the active editor. */
async function lensTexts(page: Page): Promise<string[]> {
  return (await page.locator('.editor-instance .monaco-editor .codelens-decoration').allTextContents()).map(normalise);
}

async function waitForLens(page: Page, what: string, re: RegExp): Promise<string> {
  return waitFor(what, async () => (await lensTexts(page)).find((t) => re.test(t)), 30000, 250).catch(async (err) => {
    throw new Error(`${(err as Error).message}\nlenses: ${JSON.stringify(await lensTexts(page))}`);
  });
}

describe('stacks in the workbench (code-server + chromium)', { timeout: 300_000 }, () => {
  let vsix = '';
  before(() => {
    assertCodeServerInstalled();
    vsix = ensureVsix();
  });

  test('Open in Template lands on the logical id; the template shows the live and drift lenses', async (t) => {
    const moto = await startMoto();
    t.after(() => moto.stop());
    const seeded = await seedStacks(moto.endpoint);

    const aws = writeAwsFiles(
      ['[profile e2e]', 'region = us-east-1', `endpoint_url = ${moto.endpoint}`, ''].join('\n'),
      ['[e2e]', 'aws_access_key_id = testing', 'aws_secret_access_key = testing', ''].join('\n'),
    );
    t.after(() => aws.cleanup());
    const env: NodeJS.ProcessEnv = {
      AWS_CONFIG_FILE: aws.configFile,
      AWS_SHARED_CREDENTIALS_FILE: aws.credentialsFile,
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    for (const k of Object.keys(process.env)) if (k.startsWith('AWS_') && !(k in env)) env[k] = undefined;

    mkdirSync(E2E_DIR, { recursive: true });
    const dir = mkdtempSync(join(E2E_DIR, 'ui-stacks-'));
    t.after(() => {
      if (process.env.AJAR_E2E_KEEP !== '1') rmSync(dir, { recursive: true, force: true });
    });
    const workspace = join(dir, 'workspace');
    cpSync(STACKS_WORKSPACE, workspace, { recursive: true });

    const serverStarting = startCodeServer({
      name: 'ui-stacks',
      workspace,
      vsix: [vsix],
      env,
      settings: {
        'ajar.audit.regions': ['us-east-1'],
        'ajar.workspaceScan.enabled': false,
        'editor.codeLens': true,
      },
    });
    const chromiumStarting = launchChromium();
    t.after(async () => {
      const [server, chromium] = await Promise.allSettled([serverStarting, chromiumStarting]);
      if (chromium.status === 'fulfilled') await chromium.value.close();
      if (server.status === 'fulfilled') await server.value.stop();
    });
    const [server, chromium] = await Promise.all([serverStarting, chromiumStarting]);
    const { page } = chromium;
    await waitForWorkbench(page, workbenchUrl(server, workspace));
    await withFailureScreenshot(page, 'ui-stacks', async () => {
      await openActivity(page, 'Ajar');
      const account = sideBarRow(page, 'e2e');
      await account.waitFor({ state: 'visible', timeout: 30000 });
      await account.click();
      const item = sideBarRow(page, WEB_BUCKET);
      await item.waitFor({ state: 'visible', timeout: 90000 }).catch(async (err) => {
        throw new Error(`${(err as Error).message}\nrows: ${JSON.stringify(await sideBarRows(page))}`);
      });
      await waitFor(
        'the progress notification to close',
        async () => !(await page.locator('.notification-toast', { hasText: 'auditing' }).isVisible()),
        30000,
      );
      await widenSideBar(page, 300);
      // The tooltip names the stack and the logical id.
      await item.hover();
      const tip = page.locator('.monaco-hover', { hasText: 'Stack' }).first();
      await tip.waitFor({ state: 'visible', timeout: 10000 });
      assert.match(normalise((await tip.textContent()) ?? ''), /Stack web-prod \(us-east-1\), logical id WebBucket/);
      publishScreenshot(await screenshot(page, 'stacks-1-item-tooltip'), 'stacks-item-tooltip');

      // Open in Template, from the item's context menu.
      const tab = page.locator('.tabs-container .tab.active[aria-label^="template.yaml"]').first();
      // The context menu can take a first click while it is still laying out and stay open: try again then.
      for (let attempt = 0; attempt < 3 && !(await tab.isVisible()); attempt++) {
        await page.keyboard.press('Escape');
        await item.click({ button: 'right' });
        const entry = page.locator('.context-view .action-item', { hasText: 'Open in Template' }).first();
        await entry.waitFor({ state: 'visible', timeout: 10000 });
        await delay(300);
        await entry.click();
        await tab.waitFor({ state: 'visible', timeout: 8000 }).catch(() => undefined);
      }
      await tab.waitFor({ timeout: 15000 });
      const cursor = page.locator('.statusbar-item[id="status.editor.selection"]').first();
      // The selection is the logical id `WebBucket`, line 4 columns 3-12: the cursor at its end.
      const at = await waitFor(
        'the cursor on the WebBucket key',
        async () => {
          const s = normalise((await cursor.textContent()) ?? '');
          return /Ln 4, Col 12 \(9 selected\)/.test(s) ? s : undefined;
        },
        15000,
        200,
      ).catch(async (err) => {
        throw new Error(`${(err as Error).message}\nstatus: ${normalise((await cursor.textContent()) ?? '')}`);
      });
      t.diagnostic(`after Open in Template: ${at}`);
      const lens = await waitForLens(
        page,
        'the live lens on WebBucket',
        new RegExp(
          `^Live in ${ACCOUNT_ID} us-east-1, stack web-prod: bucket is public now \\(AJ531\\) · audit \\d\\d:\\d\\d UTC$`,
        ),
      );
      t.diagnostic(`lens: ${lens}`);
      // Away from the tree, so that no tooltip covers the editor.
      await page.mouse.move(1100, 800);
      await page.waitForTimeout(800);
      publishScreenshot(await screenshot(page, 'stacks-2-open-in-template'), 'stacks-live-lens');

      // The bucket made public by hand: drift.
      await openFile(page, 'reports/reports.yaml');
      // The whole lens in view: the side bar hidden for this one.
      await page.keyboard.press('Control+B');
      await page.mouse.move(1100, 800);
      await waitForLens(
        page,
        'the drift lens on ReportsBucket',
        /^Drift: the live bucket policy differs from this template \(AJ531, live in \d{12} us-east-1, stack legacy-reports\)/,
      );
      await page.waitForTimeout(800);
      publishScreenshot(await screenshot(page, 'stacks-3-drift'), 'stacks-drift-lens');

      // The topic fixed here, not deployed yet.
      await openFile(page, 'alerts/topic.yaml');
      await page.mouse.move(1100, 800);
      await waitForLens(page, 'the not-deployed lens on AlertsTopic', /^Fixed here, not deployed yet: live in/);
      await page.waitForTimeout(500);
      await screenshot(page, 'stacks-4-not-deployed');

      // Clicking the drift lens reveals the bucket in the Accounts view.
      await openFile(page, 'reports/reports.yaml');
      await page
        .locator('.editor-instance .monaco-editor .codelens-decoration a', { hasText: 'Drift' })
        .first()
        .click();
      const selected = page.locator('.part.sidebar .monaco-list-row.selected', { hasText: REPORTS_BUCKET }).first();
      await selected.waitFor({ state: 'visible', timeout: 15000 }).catch(async (err) => {
        throw new Error(`${(err as Error).message}\nrows: ${JSON.stringify(await sideBarRows(page))}`);
      });
      await page.mouse.move(1100, 800);
      await page.waitForTimeout(500);
      publishScreenshot(await screenshot(page, 'stacks-5-revealed'), 'stacks-lens-reveals-item');
      assert.ok(seeded.ids['legacy-reports']);
    });
  });
});
