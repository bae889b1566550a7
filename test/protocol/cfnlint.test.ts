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

/** AJ305 at the !Ref of a parameter without NoEcho; cfn-lint's W2501 at the parameter, W1011 at the use. */
const PASSWORD = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  AlicePassword:
    Type: String
Resources:
  Alice:
    Type: AWS::IAM::User
    Properties:
      LoginProfile:
        Password: !Ref AlicePassword
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      DelaySeconds: notanumber
`;

test("W2501 at the parameter is merged with AJ305 at its use; the count says cfn-lint's share", {
  skip,
  timeout: 150_000,
}, async () => {
  const c = await LspClient.start({
    rootDir: dir,
    initializationOptions: { trusted: true },
    settings: { workspaceScan: { enabled: false }, cfnLint: { enabled: 'on' } },
  });
  clients.push(c);
  const uri = fileUri(join(dir, 'password.yaml'));
  await c.open(uri, PASSWORD);
  const merged = await c.diagnostics(uri, (p) => p.diagnostics.some((d) => d.source === 'cfn-lint'), 120_000);
  const codes = merged.diagnostics.map((d) => `${d.source} ${d.code} ${d.range.start.line}`).sort();
  assert.ok(codes.includes('ajar AJ305 9'), codes.join(', '));
  assert.ok(codes.includes('cfn-lint E3012 13'), codes.join(', '));
  assert.ok(!codes.some((x) => /W2501|W1011/.test(x)), `no duplicate of AJ305 left: ${codes.join(', ')}`);
  // ajar/findingCount: what Problems shows, and which part is cfn-lint's.
  const cfnCount = merged.diagnostics.filter((d) => d.source === 'cfn-lint').length;
  const count = (await c.notification(
    'ajar/findingCount',
    (p) => ((p as { cfnLint?: { errors: number } }).cfnLint?.errors ?? 0) > 0,
    20_000,
  )) as { errors: number; warnings: number; information: number; files: number; cfnLint: Record<string, number> };
  assert.equal(count.errors + count.warnings + count.information, merged.diagnostics.length);
  assert.equal(count.cfnLint.errors + count.cfnLint.warnings + count.cfnLint.information, cfnCount);
  assert.equal(count.files, 1);
});

test('over 1,000,000 bytes: cfn-lint is not started, one information diagnostic and one log line say why', {
  skip,
  timeout: 150_000,
}, async () => {
  const c = await LspClient.start({
    rootDir: dir,
    initializationOptions: { trusted: true },
    settings: { workspaceScan: { enabled: false }, cfnLint: { enabled: 'on' } },
  });
  clients.push(c);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && (await c.request<{ cfnLint: string }>('ajar/stats')).cfnLint !== 'ready')
    await new Promise((r) => setTimeout(r, 100));
  let big = `${TEMPLATE}# ${'x'.repeat(1_000_001 - TEMPLATE.length - 3)}\n`;
  assert.equal(Buffer.byteLength(big), 1_000_001);
  const uri = fileUri(join(dir, 'big.yaml'));
  const opened = Date.now();
  await c.open(uri, big);
  const p = await c.diagnostics(uri, (x) => x.diagnostics.some((d) => d.source === 'cfn-lint'), 60_000);
  const notice = p.diagnostics.filter((d) => d.source === 'cfn-lint');
  assert.equal(notice.length, 1, 'nothing else from cfn-lint: it did not run');
  assert.equal(notice[0].severity, 3, 'Information');
  assert.match(notice[0].message, /cfn-lint was not run on this template: it is 1,000,001 bytes/);
  assert.deepEqual(notice[0].range, { start: { line: 0, character: 0 }, end: { line: 0, character: 38 } });
  assert.ok(Date.now() - opened < 30_000, 'answered without running cfn-lint');
  // An edit: the diagnostic again, the log line not.
  big = `${big}#\n`;
  await c.change(uri, 2, [{ text: big }]);
  await c.diagnostics(uri, (x) => x.version === 2 && x.diagnostics.some((d) => d.source === 'cfn-lint'), 60_000);
  const logs = c.notifications.filter(
    (n) =>
      n.method === 'window/logMessage' &&
      /was not run on this template/.test((n.params as { message: string }).message),
  );
  assert.equal(logs.length, 1, 'said once per document in the log');
});

test('a cfn-lint run longer than 2 s shows one "cfn-lint" progress, ended when it ends', {
  skip,
  timeout: 300_000,
}, async () => {
  const c = await LspClient.start({
    rootDir: dir,
    initializationOptions: { trusted: true },
    settings: { workspaceScan: { enabled: false }, cfnLint: { enabled: 'on' } },
  });
  clients.push(c);
  const uri = fileUri(join(dir, 'slow.yaml'));
  // ~60 KB of buckets with policies (and one queue cfn-lint finds wrong): seconds of cfn-lint, and
  // the first run also starts the worker.
  let slow =
    'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Queue:\n    Type: AWS::SQS::Queue\n    Properties:\n      DelaySeconds: notanumber\n';
  for (let i = 0; slow.length < 60_000; i++)
    slow += `  Bucket${i}:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Sub "b-\${AWS::AccountId}-${i}"\n  Policy${i}:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      Bucket: !Ref Bucket${i}\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Principal: {AWS: !Sub "arn:\${AWS::Partition}:iam::\${AWS::AccountId}:root"}\n            Action: s3:GetObject\n            Resource: !Sub "\${Bucket${i}.Arn}/*"\n`;
  await c.open(uri, slow);
  const ended = () => {
    const begin = c.progress.find((p) => p.value.kind === 'begin' && p.value.title === 'cfn-lint');
    return begin && c.progress.some((p) => p.token === begin.token && p.value.kind === 'end') ? begin : undefined;
  };
  const deadline = Date.now() + 280_000;
  while (Date.now() < deadline && !ended()) await new Promise((r) => setTimeout(r, 100));
  const begin = ended();
  assert.ok(begin, `a cfn-lint progress began and ended: ${JSON.stringify(c.progress)}`);
  assert.match(begin.value.message ?? '', /Linting slow\.yaml/);
  // It ended when cfn-lint answered: its diagnostics are there.
  const p = await c.diagnostics(uri, (x) => x.diagnostics.some((d) => d.source === 'cfn-lint'), 10_000);
  assert.ok(p.diagnostics.some((d) => d.code === 'E3012'));
});
