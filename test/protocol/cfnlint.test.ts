/**
 * cfn-lint beside Ajar over the protocol: Ajar's diagnostics come first and alone, cfn-lint's
 * arrive later merged with them (for the same document version); an untrusted workspace never
 * runs cfn-lint. Needs cfn-lint (1.x) importable by python3; skipped with a message otherwise.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LspClient, fileUri } from './lspClient';

const hasCfnLint = spawnSync('python3', ['-c', 'import cfnlint'], { encoding: 'utf8' }).status === 0;
const skip = hasCfnLint ? false : 'cfn-lint is not installed for python3 (pip install cfn-lint)';

const TEMPLATE = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      AccessControl: PublicRead
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      DelaySeconds: notanumber
`;

const dir = mkdtempSync(join(tmpdir(), 'ajar-cfn-'));
const clients: LspClient[] = [];
after(async () => {
  await Promise.all(clients.map((c) => c.stop()));
  rmSync(dir, { recursive: true, force: true });
});

test('untrusted: cfn-lint off; once trusted: Ajar first, then Ajar + cfn-lint for the same version', {
  skip,
  timeout: 150_000,
}, async () => {
  // No initializationOptions.trusted and no workspaceTrusted in the settings: untrusted.
  const c = await LspClient.start({
    rootDir: dir,
    settings: { workspaceScan: { enabled: false }, cfnLint: { enabled: 'on' } },
  });
  clients.push(c);
  const early = fileUri(join(dir, 'early.yaml'));
  await c.open(early, TEMPLATE);
  await c.diagnostics(early, (p) => p.version === 1);
  assert.equal((await c.request<{ cfnLint: string }>('ajar/stats')).cfnLint, 'off');
  assert.ok(c.published.get(early)!.every((p) => p.diagnostics.every((d) => d.source === 'ajar')));

  // The VS Code client's settings carry workspaceTrusted: trusting turns cfn-lint on, and open
  // documents get cfn-lint's view without an edit.
  await c.changeSettings({ workspaceScan: { enabled: false }, cfnLint: { enabled: 'on' }, workspaceTrusted: true });
  await c.diagnostics(early, (p) => p.diagnostics.some((d) => d.source === 'cfn-lint'), 120_000);

  const uri = fileUri(join(dir, 'queue.yaml'));
  await c.open(uri, TEMPLATE);
  const merged = await c.diagnostics(uri, (p) => p.diagnostics.some((d) => d.source === 'cfn-lint'), 60_000);
  const all = c.published.get(uri)!;
  assert.ok(
    all[0].diagnostics.every((d) => d.source === 'ajar'),
    'the first publication is Ajar alone',
  );
  assert.deepEqual(
    all[0].diagnostics.map((d) => d.code),
    ['AJ111'],
  );
  assert.equal(merged.version, 1);
  const e3012 = merged.diagnostics.find((d) => d.code === 'E3012');
  assert.ok(e3012, `E3012 from cfn-lint in ${JSON.stringify(merged.diagnostics.map((d) => d.code))}`);
  assert.equal(e3012!.range.start.line, 9);
  assert.match(e3012!.codeDescription?.href ?? '', /^https?:/);
  assert.ok(
    merged.diagnostics.some((d) => d.code === 'AJ111' && d.source === 'ajar'),
    "Ajar's findings stay",
  );
  // An edit: Ajar's answer for v2 at once and alone; nothing for v1 after v2.
  await c.change(uri, 2, [
    { range: { start: { line: 9, character: 20 }, end: { line: 9, character: 30 } }, text: '5' },
  ]);
  const v2 = await c.diagnostics(uri, (p) => p.version === 2, 60_000);
  assert.ok(v2.diagnostics.every((d) => d.source === 'ajar'));
  assert.equal((await c.request<{ cfnLint: string }>('ajar/stats')).cfnLint, 'ready');
  const versions = c.published.get(uri)!.map((p) => p.version!);
  assert.deepEqual(
    [...versions].sort((a, b) => a - b),
    versions,
    'never an older version after a newer one',
  );
});

test('initializationOptions { trusted: true } is enough to trust the workspace', {
  skip,
  timeout: 60_000,
}, async () => {
  const c = await LspClient.start({
    rootDir: dir,
    initializationOptions: { trusted: true },
    settings: { workspaceScan: { enabled: false }, cfnLint: { enabled: 'on' } },
  });
  clients.push(c);
  const deadline = Date.now() + 30_000;
  let status = '';
  while (Date.now() < deadline && (status = (await c.request<{ cfnLint: string }>('ajar/stats')).cfnLint) !== 'ready')
    await new Promise((r) => setTimeout(r, 100));
  assert.equal(status, 'ready');
});

test('cfn-lint missing: Ajar still publishes, and one notice says how to install it', {
  timeout: 150_000,
}, async () => {
  const c = await LspClient.start({
    rootDir: dir,
    initializationOptions: { trusted: true },
    settings: { workspaceScan: { enabled: false }, cfnLint: { enabled: 'on', path: '/nonexistent/python3' } },
  });
  clients.push(c);
  const uri = fileUri(join(dir, 'queue3.yaml'));
  await c.open(uri, TEMPLATE);
  await c.diagnostics(uri, (p) => p.version === 1, 60_000);
  const note = (await c.notification('window/showMessage', () => true, 60_000)) as { type: number; message: string };
  assert.equal(note.type, 3, 'Information');
  assert.match(note.message, /cfn-lint/);
  assert.match(note.message, /pip install cfn-lint|ajar\.cfnLint\.path/);
});
