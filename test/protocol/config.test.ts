/**
 * `.ajar.yaml` problems over the protocol: published as diagnostics on the config file itself,
 * from disk (on start, and when the file changes), and as it is typed while it is open.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LspClient, fileUri } from './lspClient';

let dir: string;
let client: LspClient;
let cfg: string;

const lines = (p: { diagnostics: { range: { start: { line: number } }; code?: unknown; severity?: number }[] }) =>
  p.diagnostics.map((d) => `${d.range.start.line} ${d.code ?? '-'} ${d.severity}`);

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ajar-cfg-'));
  writeFileSync(join(dir, '.ajar.yaml'), 'rules:\n  AJ301: off\n  AJ999: warning\nignore: []\n');
  cfg = fileUri(join(dir, '.ajar.yaml'));
  client = await LspClient.start({ rootDir: dir, settings: {} });
});
after(async () => {
  await client?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('problems of the folder .ajar.yaml are published on it at start, AJ001 with its rule link', async () => {
  const p = await client.diagnostics(cfg, (x) => x.diagnostics.length > 0);
  assert.deepEqual(lines(p), ['1 AJ001 2', '2 - 2', '3 - 2']);
  assert.match(
    p.diagnostics[0].message,
    /AJ301 \(long-lived-access-key\) is turned off for every file without a reason/,
  );
  assert.match(p.diagnostics[0].codeDescription!.href, /AJ001\.md$/);
  assert.match(p.diagnostics[1].message, /rules\.AJ999: unknown rule id/);
  assert.match(p.diagnostics[2].message, /ignore: unknown key, ignored \(did you mean ignores\?\)/);
  assert.ok(p.diagnostics.every((d) => d.source === 'ajar'));
});

test('an open .ajar.yaml is validated as it is typed; closing it goes back to the file on disk', async () => {
  await client.open(cfg, 'rules:\n  AJ301: {severity: off, reason: keys are issued by the vault stack}\n', 'yaml', 1);
  const clean = await client.diagnostics(cfg, (x) => x.version === 1);
  assert.deepEqual(clean.diagnostics, []);
  await client.change(cfg, 2, [{ text: 'rules:\n  AJ301: loud\n' }]);
  const bad = await client.diagnostics(cfg, (x) => x.version === 2);
  assert.deepEqual(lines(bad), ['1 - 2']);
  assert.match(bad.diagnostics[0].message, /expected off, error, warning or information, not "loud"/);
  await client.close(cfg);
  const disk = await client.diagnostics(
    cfg,
    (x) => x.version === undefined && x.diagnostics.length === 3,
    20_000,
    false,
  );
  assert.deepEqual(lines(disk), ['1 AJ001 2', '2 - 2', '3 - 2']);
});

test('a changed file on disk (watched) is validated again; AJ001 follows ajar.rules', async () => {
  writeFileSync(join(dir, '.ajar.yaml'), 'ignorePaths: ["**"]\n');
  await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: cfg, type: 2 }] });
  const p = await client.diagnostics(cfg, (x) => x.diagnostics.length === 1);
  assert.deepEqual(lines(p), ['0 AJ001 2']);
  assert.match(p.diagnostics[0].message, /ignorePaths "\*\*" skips every file without a reason/);
  await client.changeSettings({ rules: { 'suppression-without-reason': 'error' } });
  const err = await client.diagnostics(cfg, (x) => x.diagnostics[0]?.severity === 1);
  assert.deepEqual(lines(err), ['0 AJ001 1']);
  writeFileSync(join(dir, '.ajar.yaml'), 'ignorePaths:\n  - {path: "**", reason: fixtures only}\n');
  await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: cfg, type: 2 }] });
  await client.diagnostics(cfg, (x) => x.diagnostics.length === 0);
});

test('a repeated key in an open .ajar.yaml is a warning at the repeat', async () => {
  await client.open(cfg, 'rules:\n  AJ201: error\n  AJ201: warning\n', 'yaml', 20);
  const p = await client.diagnostics(cfg, (x) => x.version === 20);
  assert.deepEqual(lines(p), ['2 - 2']);
  assert.deepEqual(p.diagnostics[0].range, { start: { line: 2, character: 2 }, end: { line: 2, character: 7 } });
  assert.match(p.diagnostics[0].message, /^AJ201: repeated key \(first on line 2\): only this last value is read/);
  await client.close(cfg);
});
