/**
 * Workspace scan over the protocol: templates that are not open (cdk.out output, templates/)
 * get diagnostics on start, follow workspace/didChangeWatchedFiles, respect files.exclude and
 * `.ajar.yaml` ignorePaths, and report work-done progress.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync, rmSync, unlinkSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LspClient, codes, fileUri } from './lspClient';

const cdkTemplate = (acl: string) =>
  JSON.stringify(
    { Resources: { SiteBucket: { Type: 'AWS::S3::Bucket', Properties: { AccessControl: acl } } } },
    null,
    1,
  );
const NET = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Web:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-12345678
`;

let dir: string;
let client: LspClient;
const u = (rel: string) => fileUri(join(dir, rel));

function write(rel: string, text: string): void {
  mkdirSync(join(dir, rel, '..'), { recursive: true });
  writeFileSync(join(dir, rel), text);
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ajar-ws-'));
  write('cdk.out/App.template.json', cdkTemplate('PublicRead'));
  write('cdk.out/asset.abc123/template.yaml', NET); // CDK assets are excluded by default
  write('templates/net.yaml', NET);
  write('node_modules/pkg/template.yaml', NET);
  write('ignored/x.template.yaml', NET);
  write('.ajar.yaml', 'ignorePaths: ["ignored/**"]\n');
  write('docs/notes.yaml', NET); // not matched by ajar.files.include
  client = await LspClient.start({ rootDir: dir, settings: {} });
});
after(async () => {
  await client?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('the scan on start publishes diagnostics for unopened templates, with progress', async () => {
  const app = await client.diagnostics(u('cdk.out/App.template.json'), (p) => p.diagnostics.length > 0);
  assert.deepEqual(
    app.diagnostics.map((d) => d.code),
    ['AJ111'],
  );
  assert.equal(app.version, undefined, 'files from disk carry no version');
  const net = await client.diagnostics(u('templates/net.yaml'), (p) => p.diagnostics.length > 0);
  assert.deepEqual(codes(net.diagnostics), ['AJ201@2:2-2:5']);
  const count = (await client.notification('ajar/findingCount', (p) => (p as { files: number }).files === 2)) as {
    files: number;
    warnings: number;
  };
  assert.equal(count.files, 2);
  // Excluded, ignored by .ajar.yaml, or not included: nothing.
  for (const rel of [
    'node_modules/pkg/template.yaml',
    'ignored/x.template.yaml',
    'docs/notes.yaml',
    'cdk.out/asset.abc123/template.yaml',
  ])
    assert.equal(client.published.get(u(rel)), undefined, rel);
  const kinds = client.progress.map((p) => p.value.kind);
  assert.ok(kinds.includes('begin') && kinds.includes('end'), `work-done progress: ${kinds.join(',')}`);
});

test('didChangeWatchedFiles: cdk synth output changes, appears and disappears', async () => {
  await client.diagnostics(u('cdk.out/App.template.json'), (p) => p.diagnostics.length === 1);
  write('cdk.out/App.template.json', cdkTemplate('Private'));
  write('cdk.out/Other.template.json', cdkTemplate('PublicReadWrite'));
  await client.conn.sendNotification('workspace/didChangeWatchedFiles', {
    changes: [
      { uri: u('cdk.out/App.template.json'), type: 2 },
      { uri: u('cdk.out/Other.template.json'), type: 1 },
    ],
  });
  await client.diagnostics(u('cdk.out/App.template.json'), (p) => p.diagnostics.length === 0);
  const other = await client.diagnostics(u('cdk.out/Other.template.json'), (p) => p.diagnostics.length === 1);
  assert.equal(other.diagnostics[0].code, 'AJ111');
  unlinkSync(join(dir, 'cdk.out/Other.template.json'));
  await client.conn.sendNotification('workspace/didChangeWatchedFiles', {
    changes: [{ uri: u('cdk.out/Other.template.json'), type: 3 }],
  });
  await client.diagnostics(u('cdk.out/Other.template.json'), (p) => p.diagnostics.length === 0);
});

test('an open document wins over the disk; closing it goes back to the disk state', async () => {
  const uri = u('templates/net.yaml');
  await client.diagnostics(uri, (p) => p.diagnostics.length === 1);
  const fixed = NET + '      MetadataOptions:\n        HttpTokens: required\n';
  await client.open(uri, fixed);
  await client.diagnostics(uri, (p) => p.version === 1 && p.diagnostics.length === 0);
  await client.close(uri);
  const back = await client.diagnostics(
    uri,
    (p) => p.version === undefined && p.diagnostics.length === 1,
    20_000,
    false,
  );
  assert.equal(back.diagnostics[0].code, 'AJ201');
});

test('ajar/lintWorkspace rescans and counts; files.exclude changes apply at once', async () => {
  const r = (await client.conn.sendRequest('ajar/lintWorkspace')) as { files: number; findings: number };
  assert.equal(r.files, 2);
  assert.equal(r.findings, 1);
  await client.changeSettings({ files: { exclude: ['**/node_modules/**', '**/templates/**'] } });
  await client.diagnostics(u('templates/net.yaml'), (p) => p.diagnostics.length === 0, 20_000, false);
  // .ajar.yaml changes re-lint everything: ignore cdk.out too.
  write('cdk.out/App.template.json', cdkTemplate('PublicRead'));
  write('.ajar.yaml', 'ignorePaths: ["ignored/**"]\nrules:\n  AJ111: error\n');
  await client.conn.sendNotification('workspace/didChangeWatchedFiles', {
    changes: [{ uri: u('.ajar.yaml'), type: 2 }],
  });
  const app = await client.diagnostics(
    u('cdk.out/App.template.json'),
    (p) => p.diagnostics.length === 1 && p.diagnostics[0].severity === 1,
  );
  assert.equal(app.diagnostics[0].code, 'AJ111');
  void readFileSync;
});

test('workspaceScan.maxFiles bounds the scan; disabling the scan clears its diagnostics', async () => {
  await client.changeSettings({ workspaceScan: { maxFiles: 1 } });
  const r = await client.request<{ files: number }>('ajar/lintWorkspace');
  assert.equal(r.files, 1);
  await client.changeSettings({ workspaceScan: { enabled: false } });
  await client.diagnostics(u('cdk.out/App.template.json'), (p) => p.diagnostics.length === 0, 20_000, false);
});
