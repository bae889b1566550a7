/**
 * The Accounts view, the live rule pages, the Output channel and the security report webview in a
 * real VS Code (code-server 4.100.3 + headless chromium) against moto_server: two profiles and
 * environment credentials for one account give one node with every profile name and, once
 * audited, the worst finding's icon; a profile whose SSO session is missing says "login failed";
 * queues name their region; a live rule's page opens as a Markdown preview and closes without a
 * save prompt; the Output channel tells what the audit did and holds no listener-leak warning and
 * no raw SDK warning; "Ajar: Show Security Report" shows the figures and a click on one reveals
 * its items in the tree; the walkthrough shows its four steps. Screenshots in test-results/screenshots/ (AJAR_E2E_DOC_IMAGES=1: also
 * docs/images/). Needs scripts/setup-e2e.sh. Run: node scripts/test.mjs test/e2e/accounts.ui.test.ts
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { CreateBucketCommand, PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import { CreateQueueCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { ACCOUNT_ID, startMoto, writeAwsFiles } from '../audit/moto';
import { publicPolicy, seedClients } from '../audit/seed';
import { startBoth } from './lib/browser';
import { assertCodeServerInstalled, workbenchUrl } from './lib/codeServer';
import { copyWorkspace, ensureVsix } from './lib/prepare';
import { delay, waitFor } from './lib/processes';
import {
  normalise,
  openActivity,
  publishScreenshot,
  runCommand,
  screenshot,
  sideBarRow,
  sideBarRows,
  waitForWorkbench,
  widenSideBar,
  withFailureScreenshot,
} from './lib/workbench';

const KEY_ID = 'AKIAAJARE2ETESTKEY01';
const SECRET = 'ajarE2eSecretThatMustNeverBeShown000001';
const BUCKET = 'ajar-e2e-public-assets';
const QUEUE = 'ajar-e2e-orders';

describe('Accounts view, rule pages, Output and the security report (code-server + chromium)', {
  timeout: 400_000,
}, () => {
  let vsix = '';
  before(() => {
    assertCodeServerInstalled();
    vsix = ensureVsix();
  });

  test('one account node for several profiles, a failed login, the report webview', async (t) => {
    const moto = await startMoto();
    t.after(() => moto.stop());
    const seed = seedClients(moto.endpoint);
    await seed.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await seed.s3.send(
      new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: publicPolicy(`arn:aws:s3:::${BUCKET}/*`, 's3:GetObject') }),
    );
    // The same queue name in two regions: only the region tells them apart.
    for (const region of ['us-east-1', 'eu-west-1']) {
      const sqs = seed.sqs(region);
      const q = await sqs.send(new CreateQueueCommand({ QueueName: QUEUE }));
      await sqs.send(
        new SetQueueAttributesCommand({
          QueueUrl: q.QueueUrl,
          Attributes: { Policy: publicPolicy(`arn:aws:sqs:${region}:${ACCOUNT_ID}:${QUEUE}`, 'sqs:SendMessage') },
        }),
      );
      sqs.destroy();
    }
    seed.s3.destroy();

    const profile = (name: string) =>
      [`[profile ${name}]`, 'region = us-east-1', `endpoint_url = ${moto.endpoint}`, 'services = e2e-moto', ''].join(
        '\n',
      );
    const aws = writeAwsFiles(
      [
        profile('e2e'),
        profile('e2e-admin'),
        '[profile sso-expired]',
        'sso_session = corp',
        'sso_account_id = 111122223333',
        'sso_role_name = ReadOnly',
        'region = us-east-1',
        '',
        '[sso-session corp]',
        'sso_start_url = https://corp.awsapps.com/start',
        'sso_region = us-east-1',
        '',
        '[services e2e-moto]',
        's3_control =',
        `  endpoint_url = http://localhost:${moto.port}`,
        '',
      ].join('\n'),
      ['e2e', 'e2e-admin']
        .map((n) => `[${n}]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n`)
        .join('\n'),
    );
    t.after(() => aws.cleanup());
    const env: NodeJS.ProcessEnv = {
      AWS_CONFIG_FILE: aws.configFile,
      AWS_SHARED_CREDENTIALS_FILE: aws.credentialsFile,
      AWS_EC2_METADATA_DISABLED: 'true',
      // Environment credentials for the same account (listed as "(environment)").
      AWS_ACCESS_KEY_ID: KEY_ID,
      AWS_SECRET_ACCESS_KEY: SECRET,
      AWS_ENDPOINT_URL: moto.endpoint,
    };
    for (const k of Object.keys(process.env)) if (k.startsWith('AWS_') && !(k in env)) env[k] = undefined;

    const ws = copyWorkspace('ui-accounts-grouped');
    t.after(() => ws.remove());
    const { server, chromium } = await startBoth(t, {
      name: 'ui-accounts-grouped',
      workspace: ws.workspace,
      vsix: [vsix],
      env,
      settings: { 'ajar.audit.regions': ['us-east-1', 'eu-west-1'], 'ajar.workspaceScan.enabled': false },
    });
    const { page } = chromium;
    await waitForWorkbench(page, workbenchUrl(server, ws.workspace));
    await withFailureScreenshot(page, 'ui-accounts-grouped', async () => {
      await openActivity(page, 'Ajar');
      await widenSideBar(page, 300);
      // One node for the account, naming all three ways in; the failed login apart.
      const account = sideBarRow(page, ACCOUNT_ID);
      await account.waitFor({ state: 'visible', timeout: 60000 });
      const failed = sideBarRow(page, 'sso-expired');
      await failed.waitFor({ state: 'visible', timeout: 30000 });
      const before = await sideBarRows(page);
      assert.equal(before.filter((r) => r.includes(ACCOUNT_ID)).length, 1, `rows: ${JSON.stringify(before)}`);
      assert.match(normalise((await account.textContent()) ?? ''), /e2e, e2e-admin, \(environment\) · not audited/);
      assert.match(normalise((await failed.textContent()) ?? ''), /login failed/);
      assert.doesNotMatch(normalise((await failed.textContent()) ?? ''), /audited/);
      await failed.hover();
      await page
        .locator('.monaco-hover', { hasText: 'Login failed' })
        .first()
        .waitFor({ state: 'visible', timeout: 5000 })
        .catch(() => undefined);
      publishScreenshot(await screenshot(page, 'ui-a1-accounts-one-node'), 'accounts-one-node');

      // One audit: expand the account.
      await account.click();
      const bucket = sideBarRow(page, BUCKET);
      await bucket.waitFor({ state: 'visible', timeout: 90000 }).catch(async (err) => {
        throw new Error(`${(err as Error).message}\nrows: ${JSON.stringify(await sideBarRows(page))}`);
      });
      await waitFor(
        'the audit notification to close',
        async () => !(await page.locator('.notification-toast', { hasText: 'auditing' }).isVisible()),
        60000,
      );
      await waitFor(
        'the account to say audited',
        async () => /audited just now/.test(normalise((await account.textContent()) ?? '')),
        20000,
      );
      assert.match(
        normalise((await account.textContent()) ?? ''),
        /e2e, e2e-admin, \(environment\) · audited just now/,
      );
      const accountIcon = await account.locator('.custom-view-tree-node-item-icon').first().getAttribute('class');
      assert.match(accountIcon ?? '', /codicon-error/, 'the account shows its worst finding: an error');
      // Queues of the same name: each says its region.
      const rows = await sideBarRows(page);
      const queues = rows.filter((r) => r.startsWith(QUEUE));
      assert.deepEqual(
        queues.map((r) => /(us-east-1|eu-west-1) ·/.exec(r)?.[1]).sort(),
        ['eu-west-1', 'us-east-1'],
        `rows: ${JSON.stringify(rows)}`,
      );
      assert.equal(rows.filter((r) => r.startsWith(ACCOUNT_ID)).length, 1, 'still one account node');
      await bucket.hover();
      await page
        .locator('.monaco-hover', { hasText: 'put-public-access-block' })
        .first()
        .waitFor({ state: 'visible', timeout: 8000 });
      publishScreenshot(await screenshot(page, 'ui-a2-accounts-audited'), 'accounts-audited');
      await page.mouse.move(900, 700);

      // The live rule's page: a Markdown preview of the shipped page, closed with no save prompt.
      const tab = page.locator('.tabs-container .tab', { hasText: /Preview AJ531/ }).first();
      // The context menu can take a first click while it is still laying out: try again then.
      for (let attempt = 0; attempt < 3 && !(await tab.isVisible()); attempt++) {
        await page.keyboard.press('Escape');
        await bucket.click({ button: 'right' });
        const docsItem = page.locator('.context-view .action-label', { hasText: /^Show Rule Documentation/ }).first();
        await docsItem.waitFor({ state: 'visible', timeout: 10000 });
        await delay(300);
        await docsItem.click();
        await tab.waitFor({ state: 'visible', timeout: 8000 }).catch(() => undefined);
      }
      await tab.waitFor({ state: 'visible', timeout: 20000 });
      // The preview renders the shipped page: its heading and the command template.
      const preview = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
      await preview.locator('h1', { hasText: 'AJ531' }).waitFor({ state: 'visible', timeout: 20000 });
      const page531 = normalise((await preview.locator('body').textContent()) ?? '');
      assert.match(page531, /aws s3api put-public-access-block --bucket <NAME>/);
      await delay(500);
      publishScreenshot(await screenshot(page, 'ui-a3-live-rule-preview'), 'live-rule-preview');
      const untitled = await page.locator('.tabs-container .tab', { hasText: /Untitled/ }).count();
      assert.equal(untitled, 0, 'no Untitled document');
      await tab.click();
      await page.keyboard.press('Control+w');
      await delay(800);
      assert.equal(await page.locator('.tabs-container .tab', { hasText: /AJ531/ }).count(), 0, 'the preview closed');
      assert.equal(await page.locator('.monaco-dialog-box').count(), 0, 'no save prompt');

      // The Output channel after the audit.
      await runCommand(page, 'Output: Show Output Channels...');
      const pick = page.locator('.quick-input-list .monaco-list-row', { hasText: /^Ajar$/ }).first();
      await pick.waitFor({ state: 'visible', timeout: 10000 });
      await pick.click();
      const output = page.locator('.part.panel .output-view, .part.panel .monaco-editor').first();
      await output.waitFor({ state: 'visible', timeout: 10000 });
      await waitFor(
        'the audit in the Output channel',
        async () => /Audit of \d{12}: \d+ findings?/.test(normalise((await output.textContent()) ?? '')),
        15000,
      );
      // Maximise the panel for a readable screenshot.
      await runCommand(page, 'View: Toggle Maximized Panel');
      await delay(800);
      const text = normalise(
        (await page.locator('.part.panel .monaco-editor .view-lines').first().textContent()) ?? '',
      );
      publishScreenshot(await screenshot(page, 'ui-a4-output-channel'), 'output-channel');
      assert.match(text, /Ajar language server 0\.1\.0 started/);
      assert.match(text, /Accounts: 4 profiles \(e2e, e2e-admin, sso-expired, \(environment\)\)/);
      assert.match(text, new RegExp(`Audit of ${ACCOUNT_ID}: profile e2e, e2e-admin, \\(environment\\)`));
      assert.match(text, /\(iam \d+\.\d s.*s3 \d+\.\d s/);
      assert.match(text, /could not log in/);
      assert.doesNotMatch(text, /MaxListenersExceededWarning|EventTarget memory leak/);
      assert.doesNotMatch(text, /^.*\(node:\d+\) /m, 'no raw Node warning');
      assert.ok(!text.includes(SECRET) && !text.includes(KEY_ID), 'a secret in the Output channel');
      await runCommand(page, 'View: Toggle Maximized Panel');
      await runCommand(page, 'View: Close Panel');

      // The security report: opens, shows the figures; a click on one reveals its items.
      await runCommand(page, 'Ajar: Show Security Report');
      const panelTab = page.locator('.tabs-container .tab', { hasText: /Ajar Security Report/ }).first();
      await panelTab.waitFor({ state: 'visible', timeout: 20000 });
      const frame = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
      const card = frame.locator('[data-figure="s3-buckets-public"]');
      await card.waitFor({ state: 'visible', timeout: 20000 });
      const figures = await frame.locator('[data-figure]').count();
      assert.ok(figures >= 10, `${figures} figures shown`);
      const sqsCard = normalise((await frame.locator('[data-figure="sqs-queues-public"]').textContent()) ?? '');
      assert.match(sqsCard, /public SQS/i);
      await delay(800);
      publishScreenshot(await screenshot(page, 'ui-a5-security-report'), 'security-report-webview');
      await card.click();
      const selected = page.locator('.part.sidebar .monaco-list-row.selected', { hasText: BUCKET }).first();
      await selected.waitFor({ state: 'visible', timeout: 15000 });
      await delay(500);
      publishScreenshot(await screenshot(page, 'ui-a6-report-reveals'), 'security-report-reveal');

      // The walkthrough: its four steps, each with its markdown media (the side bar closed: room for both).
      await runCommand(page, 'View: Close Primary Side Bar');
      await runCommand(page, 'Welcome: Open Walkthrough...');
      const entry = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Get started with Ajar' }).first();
      await entry.waitFor({ state: 'visible', timeout: 15000 });
      await entry.click();
      const steps = page.locator('.gettingStartedContainer .getting-started-step');
      await steps.first().waitFor({ state: 'visible', timeout: 20000 });
      const titles = (await steps.locator('.step-title').allTextContents()).map(normalise);
      assert.deepEqual(titles, ['Lint a template', 'Apply a fix', 'Open the Accounts view', 'Run ajar lint in CI']);
      await delay(1500);
      publishScreenshot(await screenshot(page, 'ui-a7-walkthrough'), 'walkthrough');
    });
  });
});
