/**
 * Navigation in a real VS Code (code-server + chromium, the packaged ajar.vsix): the Outline view
 * lists a template's sections and resources with their types (textDocument/documentSymbol), and
 * Go to Definition (F12) on a `!Ref` moves the cursor to the resource's key. The asserted state is
 * saved as test-results/screenshots/nav-*.png (docs/images/outline-definition.png with
 * AJAR_E2E_DOC_IMAGES=1). Needs scripts/setup-e2e.sh.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { launchChromium } from './lib/browser';
import { assertCodeServerInstalled, startCodeServer, workbenchUrl } from './lib/codeServer';
import { copyWorkspace, ensureVsix } from './lib/prepare';
import { waitFor } from './lib/processes';
import {
  goToPosition,
  normalise,
  openFile,
  publishScreenshot,
  runCommand,
  screenshot,
  sideBarRows,
  waitForWorkbench,
  withFailureScreenshot,
} from './lib/workbench';

const TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Description: Navigation in the editor
Parameters:
  Stage:
    Type: String
Resources:
  Logs:
    Type: AWS::S3::Bucket
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Sub '\${Stage}-work'
  Topic:
    Type: AWS::SNS::Topic
    DependsOn: Queue
    Properties:
      TopicName: !GetAtt Queue.QueueName
      Tags:
        - Key: logs
          Value: !Ref Logs
Outputs:
  TopicArn:
    Value: !Ref Topic
`;

describe('navigation in the workbench (code-server + chromium)', { timeout: 300_000 }, () => {
  let vsix = '';
  before(() => {
    assertCodeServerInstalled();
    vsix = ensureVsix();
  });

  test('the Outline view lists sections and resources; F12 on a !Ref goes to the resource', async (t) => {
    const ws = copyWorkspace('ui-nav');
    t.after(() => ws.remove());
    writeFileSync(join(ws.workspace, 'nav-stack.yaml'), TEMPLATE);
    const serverStarting = startCodeServer({
      name: 'ui-nav',
      workspace: ws.workspace,
      vsix: [vsix],
      settings: { 'ajar.workspaceScan.enabled': false, 'outline.collapseItems': 'alwaysExpand' },
    });
    const chromiumStarting = launchChromium();
    t.after(async () => {
      const [server, chromium] = await Promise.allSettled([serverStarting, chromiumStarting]);
      if (chromium.status === 'fulfilled') await chromium.value.close();
      if (server.status === 'fulfilled') await server.value.stop();
    });
    const [server, chromium] = await Promise.all([serverStarting, chromiumStarting]);
    const { page } = chromium;
    await waitForWorkbench(page, workbenchUrl(server, ws.workspace));
    await withFailureScreenshot(page, 'ui-nav', async () => {
      await openFile(page, 'nav-stack.yaml');
      await runCommand(page, 'Explorer: Focus on Outline View');
      const outline = page.locator('.part.sidebar .pane', { hasText: 'Outline' }).first();
      await outline.waitFor({ state: 'visible', timeout: 20000 });
      // Collapse the folder tree so the outline has the side bar's height (its rows are virtual).
      const folders = page
        .locator('.part.sidebar .pane-header[aria-expanded="true"]', { hasText: 'workspace' })
        .first();
      if (await folders.isVisible().catch(() => false)) await folders.click();
      // The language server answers once it runs: wait for the resources with their types.
      const rows = await waitFor(
        'the outline of nav-stack.yaml',
        async () => {
          const r = await sideBarRows(page);
          return r.some((x) => x.startsWith('Queue') && x.includes('AWS::SQS::Queue')) &&
            r.some((x) => x.startsWith('Resources'))
            ? r
            : undefined;
        },
        60000,
        250,
      ).catch(async (err) => {
        throw new Error(`${(err as Error).message}\nrows: ${JSON.stringify(await sideBarRows(page))}`);
      });
      t.diagnostic(`outline rows: ${rows.join(' | ')}`);
      for (const name of ['Parameters', 'Stage', 'Resources', 'Logs', 'Queue', 'Topic', 'Outputs', 'TopicArn'])
        assert.ok(
          rows.some((r) => r.startsWith(name)),
          `${name} in ${JSON.stringify(rows)}`,
        );
      assert.ok(rows.some((r) => r.startsWith('Logs') && r.includes('AWS::S3::Bucket')));
      assert.ok(rows.some((r) => r.startsWith('Topic') && r.includes('AWS::SNS::Topic')));
      await screenshot(page, 'nav-1-outline');

      // `Value: !Ref Logs` is line 20; the cursor inside `Logs`, then Go to Definition.
      await goToPosition(page, 20, 24);
      const cursor = page.locator('.statusbar-item[id="status.editor.selection"]').first();
      await waitFor(
        'the cursor on line 20',
        async () => /Ln 20, Col 24/.test((await cursor.textContent()) ?? ''),
        10000,
      );
      await page.keyboard.press('F12');
      // The Logs resource's key: line 7, columns 3-6 (selected).
      const moved = await waitFor(
        'the cursor at the Logs resource',
        async () => {
          const s = normalise((await cursor.textContent()) ?? '');
          return /Ln 7, Col (3|7)\b/.test(s) ? s : undefined;
        },
        15000,
        200,
      );
      t.diagnostic(`after F12: ${moved}`);
      await page.waitForTimeout(300);
      publishScreenshot(await screenshot(page, 'nav-2-definition'), 'outline-definition');
    });
  });
});
