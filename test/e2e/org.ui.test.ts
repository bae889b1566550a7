/**
 * The organization in the Accounts view of a real VS Code (code-server 4.100.3 + headless
 * chromium, the packaged ajar.vsix): `ajar.audit.organizations` lists the organization without
 * reading it; "Audit All Accounts" (its inline action) reads the OU tree from moto_server and
 * audits each member by assuming its role; the tree then shows the OUs with each account's counts
 * by severity, the failed member with why, one member expanded as any account, and the filter
 * (one rule's accounts). Screenshot:
 * test-results/screenshots/org-*.png (AJAR_E2E_DOC_IMAGES=1: docs/images/organization-view.png).
 * Needs scripts/setup-e2e.sh. Run: node scripts/test.mjs test/e2e/org.ui.test.ts
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { startFaultProxy, startMoto, writeAwsFiles } from '../audit/moto';
import { MEMBER_ROLE, seedOrganization } from '../audit/orgSeed';
import { startBoth } from './lib/browser';
import { assertCodeServerInstalled, workbenchUrl } from './lib/codeServer';
import { copyWorkspace, ensureVsix } from './lib/prepare';
import { waitFor } from './lib/processes';
import {
  normalise,
  openActivity,
  publishScreenshot,
  screenshot,
  sideBarRow,
  sideBarRows,
  waitForWorkbench,
  widenSideBar,
  withFailureScreenshot,
} from './lib/workbench';

describe('the organization in the Accounts view (code-server + chromium)', { timeout: 300_000 }, () => {
  let vsix = '';
  before(() => {
    assertCodeServerInstalled();
    vsix = ensureVsix();
  });

  test('Organization → OUs → accounts with counts; one account expanded', async (t) => {
    const moto = await startMoto();
    t.after(() => moto.stop());
    const proxy = await startFaultProxy(moto.endpoint);
    t.after(() => proxy.close());
    const org = await seedOrganization(moto.endpoint);
    proxy.denyAssumeRole.add(org.accounts['broken-e']);
    const aws = writeAwsFiles(
      ['[profile mgmt]', 'region = us-east-1', `endpoint_url = ${proxy.endpoint}`, ''].join('\n'),
      ['[mgmt]', 'aws_access_key_id = testing', 'aws_secret_access_key = testing', ''].join('\n'),
    );
    t.after(() => aws.cleanup());
    const env: NodeJS.ProcessEnv = {
      AWS_CONFIG_FILE: aws.configFile,
      AWS_SHARED_CREDENTIALS_FILE: aws.credentialsFile,
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    for (const k of Object.keys(process.env)) if (k.startsWith('AWS_') && !(k in env)) env[k] = undefined;

    const ws = copyWorkspace('ui-org');
    t.after(() => ws.remove());
    const { server, chromium } = await startBoth(t, {
      name: 'ui-org',
      workspace: ws.workspace,
      vsix: [vsix],
      env,
      settings: {
        'ajar.audit.regions': ['us-east-1', 'eu-west-1'],
        'ajar.audit.organizations': [{ profile: 'mgmt', roleName: MEMBER_ROLE }],
        'ajar.workspaceScan.enabled': false,
      },
    });
    const { page } = chromium;
    await waitForWorkbench(page, workbenchUrl(server, ws.workspace));
    await withFailureScreenshot(page, 'org', async () => {
      await openActivity(page, 'Ajar');
      const orgRow = sideBarRow(page, 'Organization (mgmt)');
      await orgRow.waitFor({ state: 'visible', timeout: 30000 });
      await widenSideBar(page, 360);
      assert.match(normalise((await orgRow.textContent()) ?? ''), /not audited/);
      const assumedBefore = proxy.assumeRoles.length;
      await screenshot(page, 'org-1-not-audited');
      assert.equal(proxy.assumeRoles.length, assumedBefore, 'nothing is read until asked');

      // "Audit All Accounts": the organization node's inline action.
      await orgRow.hover();
      await orgRow.locator('.action-label[aria-label="Audit All Accounts"]').click();
      const prodA = sideBarRow(page, 'prod-a');
      await prodA.waitFor({ state: 'visible', timeout: 90000 }).catch(async (err) => {
        throw new Error(`${(err as Error).message}\nrows: ${JSON.stringify(await sideBarRows(page))}`);
      });
      await waitFor(
        'the organization audit to finish',
        async () =>
          /5 audited, 1 failed/.test(normalise((await sideBarRow(page, /^Organization o-/).textContent()) ?? '')),
        90000,
      );
      await waitFor(
        'the progress notification to close',
        async () => !(await page.locator('.notification-toast', { hasText: 'auditing' }).isVisible()),
        30000,
      );
      const rows = await sideBarRows(page);
      const row = (re: RegExp) => rows.find((r) => re.test(r));
      // OUs with their accounts and counts, the failed member with its state.
      assert.ok(row(/^Workloads.*3 accounts/), `rows: ${JSON.stringify(rows)}`);
      assert.ok(row(/^Prod.*2 accounts/), `rows: ${JSON.stringify(rows)}`);
      assert.ok(row(/^Sandbox.*2 accounts/), `rows: ${JSON.stringify(rows)}`);
      assert.ok(
        row(new RegExp(`^prod-a${org.accounts['prod-a']}.*1 error, 1 warning`)),
        `rows: ${JSON.stringify(rows)}`,
      );
      assert.ok(row(new RegExp(`^prod-b${org.accounts['prod-b']}.*2 warnings`)), `rows: ${JSON.stringify(rows)}`);
      assert.ok(row(/^broken-e\d{12}.*failed/), `rows: ${JSON.stringify(rows)}`);

      // One account expanded: its categories as for any account, the public bucket under S3.
      await prodA.click();
      const bucket = sideBarRow(page, 'prod-a-public');
      await bucket.waitFor({ state: 'visible', timeout: 60000 }).catch(async (err) => {
        throw new Error(`${(err as Error).message}\nrows: ${JSON.stringify(await sideBarRows(page))}`);
      });
      await waitFor(
        'the account progress notification to close',
        async () => !(await page.locator('.notification-toast', { hasText: 'auditing' }).isVisible()),
        30000,
      );
      await page.mouse.move(700, 400);
      await page.waitForTimeout(500);
      publishScreenshot(await screenshot(page, 'org-2-tree'), 'organization-view');
      const after = await sideBarRows(page);
      assert.ok(
        after.some((r) => r.includes('S3 buckets')),
        `rows: ${JSON.stringify(after)}`,
      );
      // The member's categories came from the organization's audit: no second AssumeRole into prod-a.
      const intoProdA = proxy.assumeRoles.filter((r) => r.roleArn.includes(org.accounts['prod-a']));
      assert.equal(intoProdA.length, 1);

      // The filter: only the accounts with findings of one rule (and the OUs above them).
      const audited = sideBarRow(page, /^Organization o-/);
      await audited.hover();
      await audited.locator('.action-label[aria-label="Filter Organization Accounts"]').click();
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible', timeout: 10000 });
      await input.fill('AJ533');
      await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'AJ533' }).first().waitFor();
      await page.keyboard.press('Enter');
      await waitFor(
        'the filter to apply',
        async () => !(await sideBarRows(page)).some((r) => r.startsWith('prod-a')),
        15000,
      );
      const filtered = await sideBarRows(page);
      await screenshot(page, 'org-3-filter-AJ533');
      assert.ok(
        filtered.some((r) => /filter: rule AJ533/.test(r)),
        `rows: ${JSON.stringify(filtered)}`,
      );
      assert.ok(
        filtered.some((r) => r.startsWith('sandbox-d')),
        `rows: ${JSON.stringify(filtered)}`,
      );
      for (const gone of ['broken-e', 'dev-c', 'prod-b', 'master', 'Workloads'])
        assert.ok(!filtered.some((r) => r.startsWith(gone)), `${gone} still shown: ${JSON.stringify(filtered)}`);
    });
  });
});
