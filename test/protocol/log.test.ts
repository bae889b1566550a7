/**
 * What the Output channel shows, over the transport VS Code uses (`--node-ipc`): the server's
 * start, the workspace scan's counts and time, cfn-lint's detection, the account listing with a
 * failed login, all at info level; the AWS SDK's process warnings as one line each through the
 * log, nothing raw on stderr; never a secret.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { IPCMessageReader, IPCMessageWriter, createMessageConnection } from 'vscode-jsonrpc/node';
import { freePort } from '../audit/moto';
import { SERVER } from './lspClient';

const SECRET = 'ajarLogTestSecretValue0000000000000001';

test('the log says what Ajar did; SDK warnings are routed; no secret', { timeout: 90_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ajar-log-'));
  const ws = join(dir, 'ws');
  const port = await freePort(); // nothing listens there: the login fails at once
  writeFileSync(join(dir, 'config'), `[default]\nregion = us-east-1\nendpoint_url = http://127.0.0.1:${port}\n`);
  writeFileSync(
    join(dir, 'credentials'),
    `[default]\naws_access_key_id = AKIAAJARLOGTEST00001\naws_secret_access_key = ${SECRET}\n`,
  );
  const { mkdirSync } = await import('node:fs');
  mkdirSync(ws);
  writeFileSync(
    join(ws, 'template.yaml'),
    'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-12345678\n',
  );
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_')) env[k] = v;
  Object.assign(env, {
    HOME: dir,
    AWS_CONFIG_FILE: join(dir, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  const child = fork(SERVER, ['--node-ipc'], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const conn = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
  const logs: { type: number; message: string }[] = [];
  conn.onNotification('window/logMessage', (p: { type: number; message: string }) => logs.push(p));
  conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({})));
  conn.onRequest('client/registerCapability', () => null);
  conn.onRequest('window/workDoneProgress/create', () => null);
  conn.listen();
  const waitLog = async (re: RegExp, what: string) => {
    const end = Date.now() + 30_000;
    while (!logs.some((l) => re.test(l.message))) {
      if (Date.now() > end) throw new Error(`no log line for ${what}; got:\n${logs.map((l) => l.message).join('\n')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return logs.find((l) => re.test(l.message))!;
  };
  try {
    const root = pathToFileURL(ws).toString();
    await conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: root,
      workspaceFolders: [{ uri: root, name: 'ws' }],
      capabilities: { workspace: { configuration: true } },
      // A trusted workspace: cfn-lint is looked for.
      initializationOptions: { trusted: true },
    });
    await conn.sendNotification('initialized', {});
    const started = await waitLog(/^Ajar language server 0\.1\.0 started \(Node v\d+/, 'the start');
    assert.equal(started.type, 3, 'info level');
    assert.match(started.message, /1 workspace folder$/);
    const scan = await waitLog(/^workspace scan: /, 'the workspace scan');
    assert.match(scan.message, /^workspace scan: 1 file linted in 1 folder in \d+ ms; 1 finding in 1 file$/);
    await waitLog(/^cfn-lint (detection: |\S+ \(Python)/, 'cfn-lint detection');

    const list = (await conn.sendRequest('ajar/listAccounts')) as { accounts: { key: string; error?: string }[] };
    assert.equal(list.accounts[0].key, 'profile:default');
    assert.match(list.accounts[0].error ?? '', /could not authenticate with profile "default"/);
    const accounts = await waitLog(/^Accounts: 1 profile \(default\)/, 'the listing');
    assert.equal(accounts.type, 3);
    await waitLog(/^Accounts: profile "default" could not log in: /, 'the failed login');

    if (Number(process.versions.node.split('.')[0]) < 22) {
      // The SDK warns on Node < 22 when its first client is made: one line, warning level.
      const w = await waitLog(/^Node warning \(AWS SDK\): NodeVersionSupportWarning: /, 'the SDK warning');
      assert.equal(w.type, 2);
      assert.doesNotMatch(w.message, /\n/);
      assert.equal(logs.filter((l) => /NodeVersionSupportWarning/.test(l.message)).length, 1, 'once');
    }
    assert.doesNotMatch(stderr, /Warning|MaxListeners/, `stderr: ${stderr}`);
    assert.ok(!JSON.stringify({ logs, list, stderr }).includes(SECRET), 'a secret in the log');
    await conn.sendRequest('shutdown');
    await conn.sendNotification('exit');
    await new Promise<void>((r) => (child.exitCode !== null ? r() : child.once('exit', () => r())));
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    conn.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});
