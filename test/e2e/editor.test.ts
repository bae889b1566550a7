/**
 * Quick fixes in a real VS Code (code-server + chromium, the packaged ajar.vsix): "Restrict to your
 * organization" leaves its placeholder selected (the server's ajar.selectPlaceholder command after
 * the edit) and AJ002 on it, typing replaces it and AJ002 goes; `source.fixAll.ajar` on save
 * (`editor.codeActionsOnSave`) applies the safe fixes and nothing else; typing a new resource
 * shows no AJ000 until typing pauses. Screenshots:
 * test-results/screenshots/editor-*.png (docs/images/placeholder-fix.png, fix-all-on-save.png with
 * AJAR_E2E_DOC_IMAGES=1). Needs scripts/setup-e2e.sh.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { launchChromium } from './lib/browser';
import { assertCodeServerInstalled, startCodeServer, workbenchUrl } from './lib/codeServer';
import { copyWorkspace, ensureVsix } from './lib/prepare';
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

const POLICY = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "SiteRead",
      "Effect": "Allow",
      "Principal": "*",
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::site-assets/*"
    }
  ]
}
`;

const TEMPLATE = `Resources:
  Assets:
    Type: AWS::S3::Bucket
    Properties:
      AccessControl: PublicRead
  Web:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-12345678
  CiUser:
    Type: AWS::IAM::User
  CiKey:
    Type: AWS::IAM::AccessKey
    Properties:
      UserName: !Ref CiUser
`;

const rule = (id: string) => (r: { text: string }) => r.text.includes(id);

describe('quick fixes in the workbench (code-server + chromium)', { timeout: 300_000 }, () => {
  let vsix = '';
  before(() => {
    assertCodeServerInstalled();
    vsix = ensureVsix();
  });

  test('a placeholder fix leaves its placeholder selected and AJ002 on it; fix-all on save', async (t) => {
    const ws = copyWorkspace('ui-editor');
    t.after(() => ws.remove());
    writeFileSync(join(ws.workspace, 'site.policy.json'), POLICY);
    const templateFile = join(ws.workspace, 'fixall.template.yaml');
    writeFileSync(templateFile, TEMPLATE);
    const serverStarting = startCodeServer({
      name: 'ui-editor',
      workspace: ws.workspace,
      vsix: [vsix],
      settings: {
        'ajar.workspaceScan.enabled': false,
        'editor.codeActionsOnSave': { 'source.fixAll.ajar': 'explicit' },
        'files.autoSave': 'off',
        // Typed text stays as typed (the typing check below types YAML indentation itself).
        'editor.autoIndent': 'none',
        // VS Code's default for YAML keeps the indentation of the line above: not here.
        '[yaml]': { 'editor.autoIndent': 'none' },
        'editor.quickSuggestions': { other: false, comments: false, strings: false },
        'editor.suggestOnTriggerCharacters': false,
        'editor.acceptSuggestionOnEnter': 'off',
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
    await waitForWorkbench(page, workbenchUrl(server, ws.workspace));
    const cursor = page.locator('.statusbar-item[id="status.editor.selection"]').first();
    await withFailureScreenshot(page, 'ui-editor', async () => {
      // 1. The placeholder of "Restrict to your organization" in a policy document.
      await openFile(page, 'site.policy.json');
      await filterProblems(page, 'site.policy.json');
      await waitForProblems(page, 'AJ101 on the policy', (rs) => rs.some(rule('AJ101')), 60000);
      const line = POLICY.split('\n').findIndex((l) => l.includes('"Principal"')) + 1;
      await goToPosition(page, line, POLICY.split('\n')[line - 1].indexOf('"*"') + 2);
      const offered = await applyQuickFix(page, /Restrict to your organization/);
      t.diagnostic(`quick fixes offered: ${offered.join(' | ')}`);
      assert.ok(
        offered.some((o) => /Show documentation for AJ101/.test(o)),
        `"Show documentation for AJ101" offered: ${offered.join(' | ')}`,
      );
      await page.locator('.action-widget').waitFor({ state: 'hidden' });
      // The placeholder is selected: 12 characters, on the line the condition was written to.
      const selected = await waitFor(
        'the placeholder to be selected',
        async () => {
          const s = normalise((await cursor.textContent()) ?? '');
          return /\(12 selected\)/.test(s) ? s : undefined;
        },
        15000,
        200,
      );
      t.diagnostic(`selection after the fix: ${selected}`);
      const rows = await waitForProblems(
        page,
        'AJ002 on the placeholder, AJ101 gone',
        (rs) => rs.some(rule('AJ002')) && !rs.some(rule('AJ101')),
      );
      const aj002 = rows.find(rule('AJ002'))!;
      const at = /Ln (\d+), Col (\d+)/.exec(selected)!;
      // The status bar shows the selection's active end; the marker starts at the quote before it.
      assert.equal(aj002.line, Number(at[1]), `AJ002 on the selection's line: ${aj002.text} / ${selected}`);
      assert.match(aj002.text, /o-xxxxxxxxxx is a placeholder in aws:PrincipalOrgID/);
      publishScreenshot(await screenshot(page, 'editor-1-placeholder-selected'), 'placeholder-fix');
      // Typing replaces the selection: the placeholder is gone, and so is AJ002.
      await page.keyboard.type('o-a1b2c3d4e5');
      await waitForProblems(page, 'AJ002 gone once the id is typed', (rs) => !rs.some(rule('AJ002')));
      const text = normalise(
        (await page.locator('.editor-instance .monaco-editor .view-lines').first().textContent()) ?? '',
      );
      assert.match(text, /"aws:PrincipalOrgID": "o-a1b2c3d4e5"/);
      await screenshot(page, 'editor-2-placeholder-filled');

      // 2. Fix all on save: the safe fixes (AJ111, AJ201) and nothing else (AJ301 needs a person).
      await openFile(page, 'fixall.template.yaml');
      await filterProblems(page, 'fixall.template.yaml');
      await waitForProblems(
        page,
        'AJ111, AJ201 and AJ301 on the template',
        (rs) => rs.some(rule('AJ111')) && rs.some(rule('AJ201')) && rs.some(rule('AJ301')),
        60000,
      );
      await screenshot(page, 'editor-3-before-save');
      // A change, so the save is a real one; then Ctrl+S runs the save participants.
      await goToPosition(page, 1, 1);
      await page.keyboard.type('# saved with fix-all\n');
      await page.keyboard.press('Control+S');
      const saved = await waitFor(
        'the fixed template on disk',
        async () => {
          const s = readFileSync(templateFile, 'utf8');
          return s.includes('# saved with fix-all') && s.includes('HttpTokens: required') ? s : undefined;
        },
        20000,
        200,
      );
      assert.ok(!saved.includes('AccessControl'), saved);
      assert.ok(!/TODO|ignore:|o-x/.test(saved), 'no suppression, no placeholder');
      assert.match(saved, /CiKey:\n {4}Type: AWS::IAM::AccessKey\n {4}Properties:\n {6}UserName: !Ref CiUser\n/);
      const after = await waitForProblems(
        page,
        'only AJ301 left after the save',
        (rs) => rs.some(rule('AJ301')) && !rs.some(rule('AJ111')) && !rs.some(rule('AJ201')),
      );
      assert.equal(after.filter((r) => /AJ\d{3}/.test(r.text)).length, 1, JSON.stringify(after.map((r) => r.text)));
      publishScreenshot(await screenshot(page, 'editor-4-fix-all-on-save'), 'fix-all-on-save');

      // 3. Typing a new resource, a character every 60 ms: AJ000 never shows while the keys come
      // (the half-typed key before its colon does not parse), and shows once typing pauses.
      const lines = readFileSync(templateFile, 'utf8').split('\n').length;
      await goToPosition(page, lines, 1);
      // A script as text: the tests compile without the DOM's types.
      await page.evaluate(`(() => {
        window.ajarAj000Shown = 0;
        window.ajarAj000Now = false;
        const panel = document.querySelector('.markers-panel');
        if (!panel) return;
        new MutationObserver(() => {
          const now = /AJ000/.test(panel.textContent || '');
          if (now && !window.ajarAj000Now) window.ajarAj000Shown++;
          window.ajarAj000Now = now;
        }).observe(panel, { subtree: true, childList: true, characterData: true });
      })()`);
      const shown = () => page.evaluate('window.ajarAj000Shown') as Promise<number>;
      await page.keyboard.type('  Queue:\n    Type: AWS::SQS::Queue\n', { delay: 60 });
      await waitForProblems(page, 'the new queue linted, AJ301 still there', (rs) => rs.some(rule('AJ301')));
      await page.waitForTimeout(800);
      const whileTyping = await shown();
      t.diagnostic(`AJ000 shown while typing a resource: ${whileTyping} times`);
      assert.equal(whileTyping, 0, 'no AJ000 while typing');
      // A key left half-typed: AJ000 once typing pauses.
      await page.keyboard.type('  Topic', { delay: 60 });
      await waitForProblems(page, 'AJ000 after the pause', (rs) => rs.some(rule('AJ000')), 10000);
      assert.equal(await shown(), 1);
      await screenshot(page, 'editor-5-aj000-after-pause');
    });
  });
});
