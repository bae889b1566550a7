/**
 * The transport VS Code uses: `--node-ipc` (the language client forks dist/server.js). The same
 * server, the same answers as over stdio.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { IPCMessageReader, IPCMessageWriter, createMessageConnection } from 'vscode-jsonrpc/node';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { SERVER } from './lspClient';

test('over --node-ipc: initialize, diagnostics for an opened template, shutdown', { timeout: 60_000 }, async () => {
  const child = fork(SERVER, ['--node-ipc'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  const conn = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
  const got = new Promise<PublishDiagnosticsParams>((resolve) =>
    conn.onNotification('textDocument/publishDiagnostics', resolve),
  );
  conn.onRequest('workspace/configuration', (p: { items: unknown[] }) =>
    p.items.map(() => ({ workspaceScan: { enabled: false } })),
  );
  conn.onRequest('client/registerCapability', () => null);
  conn.listen();
  try {
    const init = (await conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: { workspace: { configuration: true } },
    })) as { capabilities: { hoverProvider?: boolean } };
    assert.equal(init.capabilities.hoverProvider, true);
    await conn.sendNotification('initialized', {});
    const text =
      'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-12345678\n';
    await conn.sendNotification('textDocument/didOpen', {
      textDocument: { uri: 'untitled:Untitled-1', languageId: 'yaml', version: 1, text },
    });
    const p = await got;
    assert.equal(p.uri, 'untitled:Untitled-1');
    assert.deepEqual(
      p.diagnostics.map((d) => d.code),
      ['AJ201'],
    );
    await conn.sendRequest('shutdown');
    await conn.sendNotification('exit');
    await new Promise<void>((r) => (child.exitCode !== null ? r() : child.once('exit', () => r())));
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    conn.dispose();
  }
});
