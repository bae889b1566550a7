/**
 * UI tests in a real VS Code (code-server 4.100.3 + headless Debian chromium): the packaged
 * ajar.vsix installed as a user would, findings in the Problems panel, a quick fix with Ctrl+.,
 * and the Accounts view against moto_server. Each asserted state is saved as a screenshot in
 * test-results/screenshots/. Needs scripts/setup-e2e.sh. Run: node scripts/test.mjs test/e2e
 * (AJAR_E2E_DOC_IMAGES=1 also copies the best screenshots to docs/images/).
 */
import assert from 'node:assert/strict';
import { PutBucketPolicyCommand, CreateBucketCommand } from '@aws-sdk/client-s3';
import { before, describe, test } from 'node:test';
import { ACCOUNT_ID, startMoto, writeAwsFiles } from '../audit/moto';
import { publicPolicy, seedClients } from '../audit/seed';
import { startBoth } from './lib/browser';
import { assertCodeServerInstalled, workbenchUrl } from './lib/codeServer';
import { copyWorkspace, ensureVsix } from './lib/prepare';
import { waitFor } from './lib/processes';
import {
  applyQuickFix,
  filterProblems,
  goToPosition,
  normalise,
  openActivity,
  openFile,
  publishScreenshot,
  screenshot,
  sideBarRow,
  sideBarRows,
  waitForProblems,
  waitForWorkbench,
  widenSideBar,
  withFailureScreenshot,
  type ProblemRow,
} from './lib/workbench';

const isRule = (id: string) => (r: ProblemRow) => r.text.startsWith(id) || r.text.includes(` ${id} `);

describe('workbench UI (code-server + chromium)', { timeout: 300_000 }, () => {
  let vsix = '';
  before(() => {
    assertCodeServerInstalled();
    vsix = ensureVsix();
  });

  test('findings in the Problems panel; a quick fix removes one', async (t) => {
    const ws = copyWorkspace('ui-lint');
    t.after(() => ws.remove());
    const { server, chromium } = await startBoth(t, { name: 'ui-lint', workspace: ws.workspace, vsix: [vsix] });
    const { page } = chromium;
    await waitForWorkbench(page, workbenchUrl(server, ws.workspace));
    await withFailureScreenshot(page, 'ui-lint', async () => {
      if (ws.fromExamples) {
        // The example app's findings: the workspace scan's and the open template's.
        await openFile(page, 'template.yaml');
        await waitForProblems(page, 'Ajar findings for the examples', (rows) =>
          rows.some((r) => /\bAJ\d{3}\b/.test(r.text) && r.line !== undefined),
        );
        await page.waitForTimeout(500);
        publishScreenshot(await screenshot(page, 'ui-1-examples-problems'), 'problems-panel');
      }

      await openFile(page, ws.fixtureRelative);
      if (ws.fromExamples) await filterProblems(page, ws.fixtureRelative.replace(/template\.yaml$/, '**'));
      const rows = await waitForProblems(
        page,
        'AJ201 and AJ111 in the fixture',
        (rs) => rs.some(isRule('AJ201')) && rs.some(isRule('AJ111')),
      );
      await screenshot(page, 'ui-2-fixture-problems');
      const imds = rows.find(isRule('AJ201'))!;
      const acl = rows.find(isRule('AJ111'))!;
      assert.equal(imds.line, 4, `AJ201 row: ${imds.text}`);
      assert.equal(imds.column, 3, `AJ201 row: ${imds.text}`);
      assert.match(imds.text, /\bajar\b/);
      assert.equal(acl.line, 12, `AJ111 row: ${acl.text}`);
      assert.equal(acl.column, 22, `AJ111 row: ${acl.text}`);

      await goToPosition(page, 4, 3);
      const offered = await applyQuickFix(page, /HttpTokens|IMDSv2|MetadataOptions/i, async () =>
        publishScreenshot(await screenshot(page, 'ui-3-quick-fix-menu'), 'quick-fix'),
      );
      t.diagnostic(`quick fixes offered: ${offered.join(' | ')}`);
      await page.locator('.action-widget').waitFor({ state: 'hidden' });
      const after = await waitForProblems(
        page,
        'AJ201 to go and AJ111 to stay',
        (rs) => !rs.some(isRule('AJ201')) && rs.some(isRule('AJ111')),
      );
      await screenshot(page, 'ui-4-after-quick-fix-problems');
      assert.equal(after.filter(isRule('AJ111')).length, 1);
      const editorText = normalise(
        (await page.locator('.editor-instance .monaco-editor .view-lines').first().textContent()) ?? '',
      );
      assert.match(editorText, /HttpTokens: required/);
    });
  });

  test('Accounts view: a public bucket in a moto account', async (t) => {
    const moto = await startMoto();
    t.after(() => moto.stop());
    const seed = seedClients(moto.endpoint);
    const bucket = 'ajar-e2e-public-assets';
    await seed.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await seed.s3.send(
      new PutBucketPolicyCommand({ Bucket: bucket, Policy: publicPolicy(`arn:aws:s3:::${bucket}/*`, 's3:GetObject') }),
    );

    const aws = writeAwsFiles(
      [
        '[profile e2e]',
        'region = us-east-1',
        `endpoint_url = ${moto.endpoint}`,
        'services = e2e-moto',
        '',
        '[services e2e-moto]',
        's3_control =',
        `  endpoint_url = http://localhost:${moto.port}`,
        '',
      ].join('\n'),
      ['[e2e]', 'aws_access_key_id = testing', 'aws_secret_access_key = testing', ''].join('\n'),
    );
    t.after(() => aws.cleanup());
    const env: NodeJS.ProcessEnv = {
      AWS_CONFIG_FILE: aws.configFile,
      AWS_SHARED_CREDENTIALS_FILE: aws.credentialsFile,
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    // No AWS_* from the machine running the tests reaches the extension host.
    for (const k of Object.keys(process.env)) if (k.startsWith('AWS_') && !(k in env)) env[k] = undefined;

    const ws = copyWorkspace('ui-accounts');
    t.after(() => ws.remove());
    const { server, chromium } = await startBoth(t, {
      name: 'ui-accounts',
      workspace: ws.workspace,
      vsix: [vsix],
      env,
      settings: { 'ajar.audit.regions': ['us-east-1'], 'ajar.workspaceScan.enabled': false },
    });
    const { page } = chromium;
    await waitForWorkbench(page, workbenchUrl(server, ws.workspace));
    await withFailureScreenshot(page, 'ui-accounts', async () => {
      await openActivity(page, 'Ajar');
      const account = sideBarRow(page, 'e2e');
      await account.waitFor({ state: 'visible', timeout: 30000 });
      await screenshot(page, 'ui-5-accounts-not-audited');
      // Nothing is audited until the account is expanded.
      assert.match(normalise((await account.textContent()) ?? ''), /not audited/);

      await account.click();
      const item = sideBarRow(page, bucket);
      await item.waitFor({ state: 'visible', timeout: 60000 }).catch(async (err) => {
        throw new Error(`${(err as Error).message}\nrows: ${JSON.stringify(await sideBarRows(page))}`);
      });
      await waitFor(
        'the progress notification to close',
        async () => !(await page.locator('.notification-toast', { hasText: 'auditing' }).isVisible()),
        30000,
      );
      await widenSideBar(page, 260);
      await item.hover();
      // The item's tooltip (evidence and rule ids) appears after the hover delay.
      await page
        .locator('.monaco-hover', { hasText: 'AJ531' })
        .first()
        .waitFor({ state: 'visible', timeout: 5000 })
        .catch(() => undefined);
      publishScreenshot(await screenshot(page, 'ui-6-accounts-tree'), 'accounts-view');
      const rows = await sideBarRows(page);
      assert.ok(
        rows.some((r) => r.includes('S3 buckets')),
        `rows: ${JSON.stringify(rows)}`,
      );
      assert.ok(
        rows.some((r) => r.includes(ACCOUNT_ID) || /audited/.test(r)),
        `rows: ${JSON.stringify(rows)}`,
      );
      const icon = await item.locator('.codicon').first().getAttribute('class');
      assert.match(icon ?? '', /codicon-error/, 'the public bucket carries an error icon');
    });
  });
});
