/**
 * Settings per workspace folder (multi-root): the server asks `workspace/configuration` with each
 * folder as scopeUri, lints each folder's documents (open or from the workspace scan) with that
 * folder's `ajar.rules`, and asks again on didChangeConfiguration.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LspClient, fileUri } from './lspClient';

const TEMPLATE = `Resources:
  Web:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-1
  Key:
    Type: AWS::IAM::AccessKey
    Properties:
      UserName: bob
`;

let root: string;
let a: string;
let b: string;
let client: LspClient;
let perFolder: Record<string, Record<string, unknown>>;

const levels = (p: { diagnostics: { code?: unknown; severity?: number }[] }) =>
  p.diagnostics.map((d) => `${d.code}:${d.severity}`).sort();

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'ajar-multiroot-'));
  a = join(root, 'a');
  b = join(root, 'b');
  for (const d of [a, b]) {
    mkdirSync(join(d, 'templates'), { recursive: true });
    writeFileSync(join(d, 'templates', 'stack.yaml'), TEMPLATE); // found by the workspace scan
  }
  perFolder = {
    [fileUri(a)]: { rules: { AJ301: 'off' } },
    [fileUri(b)]: { rules: { 'imdsv2-not-enforced': 'error' } },
  };
  client = await LspClient.start({
    rootDir: root,
    folders: [a, b],
    settingsFor: (scopeUri) => (scopeUri ? (perFolder[scopeUri] ?? {}) : {}),
  });
});
after(async () => {
  await client?.stop();
  rmSync(root, { recursive: true, force: true });
});

// Severities: 1 error, 2 warning.
test('each folder lints with its own ajar.rules: open documents and the workspace scan', async () => {
  const ua = fileUri(join(a, 'app.template.yaml'));
  const ub = fileUri(join(b, 'app.template.yaml'));
  await client.open(ua, TEMPLATE);
  await client.open(ub, TEMPLATE);
  assert.deepEqual(levels(await client.diagnostics(ua, (p) => p.version === 1)), ['AJ201:2']);
  assert.deepEqual(levels(await client.diagnostics(ub, (p) => p.version === 1)), ['AJ201:1', 'AJ301:2']);
  const da = await client.diagnostics(fileUri(join(a, 'templates', 'stack.yaml')), (p) => p.diagnostics.length > 0);
  const db = await client.diagnostics(fileUri(join(b, 'templates', 'stack.yaml')), (p) => p.diagnostics.length > 0);
  assert.deepEqual(levels(da), ['AJ201:2']);
  assert.deepEqual(levels(db), ['AJ201:1', 'AJ301:2']);
  // Asked once for the window and once per folder, by the folder's URI.
  const scopes = client.configurationItems.filter((i) => i.section === 'ajar').map((i) => i.scopeUri);
  assert.deepEqual(scopes, [undefined, fileUri(a), fileUri(b)]);
});

test('didChangeConfiguration drops the cached folder settings: a folder that changed is linted again', async () => {
  const ua = fileUri(join(a, 'app.template.yaml'));
  const ub = fileUri(join(b, 'app.template.yaml'));
  perFolder[fileUri(a)] = { rules: { AJ201: 'off' } };
  await client.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
  assert.deepEqual(levels(await client.diagnostics(ua, (p) => levels(p).join() === 'AJ301:2')), ['AJ301:2']);
  assert.deepEqual(levels(client.latest(ub)!), ['AJ201:1', 'AJ301:2']);
});
