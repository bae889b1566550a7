/**
 * A burst of changes already read from the client is analysed once, at its newest version, not
 * once per version: vscode-jsonrpc hands the server one message per event-loop turn, and the
 * queue (server/src/lsp/documents.ts) waits until a turn brings no change.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LatestVersionQueue } from '../../server/src/lsp/documents';
import { LspClient, fileUri } from './lspClient';

const dir = mkdtempSync(join(tmpdir(), 'ajar-burst-'));
let client: LspClient | undefined;
after(async () => {
  await client?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('the queue analyses the newest version once when changes arrive one per turn', async () => {
  const runs: string[] = [];
  let version = 0;
  const q = new LatestVersionQueue((uri) => runs.push(`${uri}@${version}`));
  // Like vscode-jsonrpc: one message handled per setImmediate.
  await new Promise<void>((resolve) => {
    const step = () => {
      version++;
      q.schedule('a');
      if (version < 20) setImmediate(step);
      else resolve();
    };
    step();
  });
  await q.idle();
  assert.deepEqual(runs, ['a@20']);
});

test('a burst of 30 didChange messages is analysed at most a few times', { timeout: 60_000 }, async () => {
  client = await LspClient.start({
    rootDir: dir,
    settings: { workspaceScan: { enabled: false }, trace: { server: 'verbose' } },
  });
  let text = 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n';
  for (let i = 0; i < 60; i++)
    text += `  Bucket${i}:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: ${i % 10 ? 'Private' : 'PublicRead'}\n`;
  const uri = fileUri(join(dir, 'burst.yaml'));
  await client.open(uri, text);
  await client.diagnostics(uri, (p) => p.version === 1);
  const sent: Promise<void>[] = [];
  for (let v = 2; v <= 31; v++)
    sent.push(
      client.change(uri, v, [
        { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '#' },
      ]),
    );
  await Promise.all(sent);
  const last = await client.diagnostics(uri, (p) => p.version === 31);
  assert.equal(last.diagnostics.length, 6);
  await client.request('ajar/stats');
  const lints = client.notifications.filter(
    (n) =>
      n.method === 'window/logMessage' && /linted .*burst\.yaml v(\d+)/.test((n.params as { message: string }).message),
  );
  const versions = lints.map((n) => Number(/ v(\d+)/.exec((n.params as { message: string }).message)![1]));
  assert.ok(versions.length <= 4, `analysed ${versions.length} times: versions ${versions.join(', ')}`);
  assert.equal(versions[versions.length - 1], 31);
});
