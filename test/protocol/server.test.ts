/**
 * Protocol tests: the built server (dist/server.js) over stdio, driven like an editor would.
 * `npm test` builds first; run alone with `npm run build && node scripts/test.mjs test/protocol`.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CodeAction, Diagnostic, Hover, TextEdit } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LspClient, codes, fileUri } from './lspClient';

const YAML = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      AccessControl: PublicRead
  Instance:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-12345678
      InstanceType: t3.micro
  User:
    Type: AWS::IAM::User
  Key:
    Type: AWS::IAM::AccessKey
    Properties:
      UserName: !Ref User
`;

const JSON_TEMPLATE = JSON.stringify(
  {
    AWSTemplateFormatVersion: '2010-09-09',
    Resources: {
      Site: { Type: 'AWS::S3::Bucket', Properties: { AccessControl: 'PublicReadWrite' } },
      Queue: { Type: 'AWS::SQS::Queue', Properties: { DelaySeconds: 5 } },
    },
  },
  null,
  2,
);

let dir: string;
let client: LspClient;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ajar-protocol-'));
  // A workspace folder with nothing to scan (the scan is tested in workspace.test.ts).
  client = await LspClient.start({ rootDir: dir, settings: { workspaceScan: { enabled: false } } });
});
after(async () => {
  await client?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function applyEdits(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('file:///x', 'yaml', 0, text), edits);
}

test('initialize advertises incremental sync, hover and quick fixes', () => {
  const caps = client.initializeResult!.capabilities;
  assert.deepEqual(caps.textDocumentSync, { openClose: true, change: 2 });
  assert.equal(caps.hoverProvider, true);
  assert.deepEqual(caps.codeActionProvider, { codeActionKinds: ['quickfix', 'source.fixAll.ajar'] });
});

test('YAML template: diagnostics on open, exact ranges, rule links and fix data', async () => {
  const uri = fileUri(join(dir, 'stack.yaml'));
  await client.open(uri, YAML);
  const p = await client.diagnostics(uri, (p) => p.version === 1);
  assert.deepEqual(codes(p.diagnostics), ['AJ111@5:21-5:31', 'AJ201@6:2-6:10', 'AJ301@13:2-13:5']);
  for (const d of p.diagnostics) {
    assert.equal(d.source, 'ajar');
    assert.equal(d.codeDescription?.href, `https://github.com/ajar-dev/ajar/blob/main/docs/rules/${d.code}.md`);
    assert.equal(d.severity, 2);
    assert.ok(d.data, 'data for code actions');
  }
  assert.match(p.diagnostics[0].message, /PublicRead/);
});

test('JSON template: diagnostics with the range of the JSON string', async () => {
  const uri = fileUri(join(dir, 'site.template.json'));
  await client.open(uri, JSON_TEMPLATE, 'json');
  const p = await client.diagnostics(uri, (p) => p.version === 1);
  const line = JSON_TEMPLATE.split('\n').findIndex((l) => l.includes('PublicReadWrite'));
  const col = JSON_TEMPLATE.split('\n')[line].indexOf('"PublicReadWrite"');
  assert.deepEqual(codes(p.diagnostics), [`AJ111@${line}:${col}-${line}:${col + '"PublicReadWrite"'.length}`]);
});

test('incremental changes re-lint the newest version; ranges follow the text', async () => {
  const uri = fileUri(join(dir, 'edit.yaml'));
  await client.open(uri, YAML);
  await client.diagnostics(uri, (p) => p.version === 1);
  // Two comment lines at the top, then PublicRead -> Private (line 5 became line 7).
  await client.change(uri, 2, [
    { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# a\n# b\n' },
  ]);
  await client.change(uri, 3, [
    { range: { start: { line: 7, character: 21 }, end: { line: 7, character: 31 } }, text: 'Private' },
  ]);
  const p = await client.diagnostics(uri, (p) => p.version === 3);
  assert.deepEqual(codes(p.diagnostics), ['AJ201@8:2-8:10', 'AJ301@15:2-15:5']);
  // Latest version wins: nothing is published for a version after a newer one was published.
  const versions = client.published.get(uri)!.map((x) => x.version);
  assert.deepEqual(
    [...versions].sort((a, b) => a! - b!),
    versions,
    'versions are published in order',
  );
});

test('a burst of keystrokes: the last version is published, stale ones are skipped', async () => {
  const uri = fileUri(join(dir, 'burst.yaml'));
  await client.open(uri, YAML);
  await client.diagnostics(uri, (p) => p.version === 1);
  const before = client.published.get(uri)!.length;
  const sends: Promise<void>[] = [];
  for (let v = 2; v <= 41; v++) {
    sends.push(
      client.change(uri, v, [
        { range: { start: { line: 1, character: 10 }, end: { line: 1, character: 10 } }, text: ' ' },
      ]),
    );
  }
  await Promise.all(sends);
  const p = await client.diagnostics(uri, (p) => p.version === 41);
  assert.equal(p.diagnostics.length, 3);
  const versions = client.published
    .get(uri)!
    .slice(before)
    .map((x) => x.version!);
  assert.ok(versions.length <= 40, `at most one publication per change, got ${versions.join(',')}`);
  assert.deepEqual(
    [...versions].sort((a, b) => a - b),
    versions,
    'never an older version after a newer one',
  );
  assert.equal(versions[versions.length - 1], 41);
});

test('close clears the diagnostics', async () => {
  const uri = fileUri(join(dir, 'closing.yaml'));
  await client.open(uri, YAML);
  await client.diagnostics(uri, (p) => p.diagnostics.length === 3);
  await client.close(uri);
  const p = await client.diagnostics(uri, (p) => p.diagnostics.length === 0, 10_000, false);
  assert.equal(p.diagnostics.length, 0);
});

test('quick fixes come from the engine, and applying the preferred one removes the finding', async () => {
  const uri = fileUri(join(dir, 'fix.yaml'));
  await client.open(uri, YAML);
  const p = await client.diagnostics(uri, (p) => p.version === 1);
  const d = p.diagnostics.find((x) => x.code === 'AJ111')!;
  const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri },
    range: d.range,
    context: { diagnostics: [d] },
  });
  assert.ok(actions.length >= 1, 'at least one quick fix');
  for (const a of actions) {
    assert.equal(a.kind, 'quickfix');
    assert.deepEqual(a.diagnostics, [d]);
    assert.ok(a.edit?.changes?.[uri]?.length, `${a.title} has edits`);
  }
  const preferred = actions.find((a) => a.isPreferred);
  assert.ok(preferred, 'a preferred fix');
  const fixed = applyEdits(YAML, preferred!.edit!.changes![uri]);
  await client.change(uri, 2, [{ text: fixed }]);
  const after = await client.diagnostics(uri, (p) => p.version === 2);
  assert.ok(!after.diagnostics.some((x) => x.code === 'AJ111'), `AJ111 gone after "${preferred!.title}"`);
  assert.equal(after.diagnostics.length, 2);

  // Every fix, applied alone, removes its finding (suppressions included).
  for (const a of actions) {
    const text = applyEdits(YAML, a.edit!.changes![uri]);
    const u = fileUri(join(dir, `fix-${actions.indexOf(a)}.yaml`));
    await client.open(u, text);
    const r = await client.diagnostics(u, (x) => x.version === 1);
    assert.ok(!r.diagnostics.some((x) => x.code === 'AJ111'), `AJ111 gone after "${a.title}"`);
    await client.close(u);
  }
});

test('code actions without diagnostics in the context use the findings under the range', async () => {
  const uri = fileUri(join(dir, 'fix2.yaml'));
  await client.open(uri, YAML);
  await client.diagnostics(uri, (p) => p.version === 1);
  const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri },
    range: { start: { line: 6, character: 4 }, end: { line: 6, character: 4 } },
    context: { diagnostics: [] },
  });
  assert.ok(actions.length >= 1);
  assert.ok(actions.every((a) => a.diagnostics?.[0]?.code === 'AJ201'));
});

test('hover on a finding explains the rule and links its page; elsewhere nothing', async () => {
  const uri = fileUri(join(dir, 'hover.yaml'));
  await client.open(uri, YAML);
  await client.diagnostics(uri, (p) => p.version === 1);
  const h = await client.request<Hover | null>('textDocument/hover', {
    textDocument: { uri },
    position: { line: 5, character: 25 },
  });
  assert.ok(h);
  const value = (h!.contents as { kind: string; value: string }).value;
  assert.match(value, /AJ111/);
  assert.match(value, /\*\*Fix:\*\*/);
  assert.match(value, /docs\/rules\/AJ111\.md/);
  assert.deepEqual(h!.range, { start: { line: 5, character: 21 }, end: { line: 5, character: 31 } });
  const none = await client.request<Hover | null>('textDocument/hover', {
    textDocument: { uri },
    position: { line: 0, character: 3 },
  });
  assert.equal(none, null);
});

test('settings: turning a rule off and changing a severity apply without a restart', async () => {
  const uri = fileUri(join(dir, 'settings.yaml'));
  await client.open(uri, YAML);
  await client.diagnostics(uri, (p) => p.version === 1 && p.diagnostics.length === 3);
  await client.changeSettings({ workspaceScan: { enabled: false }, rules: { AJ201: 'off', 's3-public-acl': 'error' } });
  const p = await client.diagnostics(uri, (p) => p.diagnostics.length === 2);
  assert.deepEqual(codes(p.diagnostics), ['AJ111@5:21-5:31', 'AJ301@13:2-13:5']);
  assert.equal(p.diagnostics[0].severity, 1);
  // Flat dotted keys (how some editors send settings) work too; and back to the defaults.
  await client.changeSettings({ 'workspaceScan.enabled': false, rules: { AJ301: 'information' } });
  const q = await client.diagnostics(uri, (p) => p.diagnostics.length === 3 && p.diagnostics[2].severity === 3);
  assert.equal(q.diagnostics[0].severity, 2);
  await client.changeSettings({ workspaceScan: { enabled: false } });
  await client.diagnostics(uri, (p) => p.diagnostics.length === 3 && p.diagnostics.every((d) => d.severity === 2));
});

test('documents that are not templates or policies cost nothing and show nothing', async () => {
  const uri = fileUri(join(dir, 'docker-compose.yaml'));
  await client.open(uri, 'services:\n  web:\n    image: nginx\n');
  const pkg = fileUri(join(dir, 'package.json'));
  await client.open(pkg, '{"name": "x", "version": "1.0.0"}', 'json');
  // A round trip after the opens: anything the server would have published is in by then.
  const stats = await client.request<{ openDocuments: number }>('ajar/stats');
  assert.ok(stats.openDocuments >= 2);
  assert.equal(client.published.get(uri), undefined);
  assert.equal(client.published.get(pkg), undefined);
});

test('IAM policy documents are linted', async () => {
  const uri = fileUri(join(dir, 'bucket-policy.json'));
  const text = JSON.stringify(
    {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }],
    },
    null,
    2,
  );
  await client.open(uri, text, 'json');
  const p = await client.diagnostics(uri, (p) => p.version === 1);
  assert.ok(p.diagnostics.length >= 1, 'a public policy is reported');
  assert.ok(p.diagnostics.every((d) => typeof d.code === 'string' && /^AJ\d{3}$/.test(d.code)));
});

test('malformed and hostile input keeps the server alive', async () => {
  const hostile: [string, string, string][] = [
    ['broken.template.yaml', 'yaml', 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  A: [\n'],
    ['deep.template.json', 'json', '{"Resources":' + '['.repeat(20000) + ']'.repeat(20000) + '}'],
    [
      'bomb.template.yaml',
      'yaml',
      'a: &a ["x","x","x","x","x","x","x","x","x"]\n' +
        Array.from(
          { length: 9 },
          (_, i) =>
            `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`,
        ).join('\n') +
        '\nResources: {}\n',
    ],
    ['nul.template.json', 'json', '{"Resources": {"A\u0000": 1}}'],
    ['surrogates.template.yaml', 'yaml', 'Resources:\n  A\ud800:\n    Type: "\udfff"\n'],
    ['bom.template.yaml', 'yaml', '\ufeff' + YAML],
  ];
  for (const [name, lang, text] of hostile) await client.open(fileUri(join(dir, name)), text, lang);
  // Documents are analysed when they are opened: a round trip after the opens finds them done.
  await client.request('ajar/stats');
  for (const name of ['broken.template.yaml', 'deep.template.json', 'nul.template.json']) {
    const p = await client.diagnostics(fileUri(join(dir, name)), (p) => p.version === 1, 30_000);
    assert.ok(
      p.diagnostics.some((d) => d.code === 'AJ000'),
      `${name}: AJ000 (unreadable) expected`,
    );
  }
  // Garbage requests get errors or empty answers, not a crash.
  await assert.rejects(client.request('textDocument/hover', { nonsense: true }));
  assert.deepEqual(
    await client.request('textDocument/codeAction', {
      textDocument: { uri: 'file:///nowhere.yaml' },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [] },
    }),
    [],
  );
  await client.change('file:///never-opened.yaml', 2, [{ text: 'x' }]);
  // Still serving, and still right.
  const uri = fileUri(join(dir, 'after-hostile.yaml'));
  await client.open(uri, YAML);
  const p = await client.diagnostics(uri, (p) => p.version === 1);
  assert.equal(p.diagnostics.length, 3);
  // With a BOM in the editor's text, positions on the first line move by one; later lines do not.
  const bom = await client.diagnostics(fileUri(join(dir, 'bom.template.yaml')), (p) => p.version === 1);
  assert.deepEqual(codes(bom.diagnostics), ['AJ111@5:21-5:31', 'AJ201@6:2-6:10', 'AJ301@13:2-13:5']);
  assert.equal(client.exited, false);
});

test('ajar/ruleDocs answers markdown for template and live rules, null for unknown ids', async () => {
  const md = await client.request<string | null>('ajar/ruleDocs', { ruleId: 'AJ201' });
  assert.match(md!, /^# AJ201/);
  const live = await client.request<string | null>('ajar/ruleDocs', { ruleId: 'AJ511' });
  assert.match(live!, /AJ511/);
  assert.equal(await client.request('ajar/ruleDocs', { ruleId: 'AJ999' }), null);
});

test('ajar/findingCount counts findings across open documents', async () => {
  const uri = fileUri(join(dir, 'count.yaml'));
  const seen = client.notification('ajar/findingCount', (p) => (p as { files: number }).files >= 1, 20_000, false);
  await client.open(uri, YAML);
  const c = (await seen) as { errors: number; warnings: number; information: number; files: number };
  assert.ok(c.warnings >= 3);
});

test('ajar/listAccounts and ajar/auditAccount without AWS: config found or not, unknown keys', async () => {
  const aws = mkdtempSync(join(tmpdir(), 'ajar-aws-'));
  mkdirSync(join(aws, '.aws'));
  writeFileSync(join(aws, '.aws', 'config'), '[default]\nregion = eu-west-1\n\n[profile dev]\nregion = us-east-1\n');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: aws,
    AWS_CONFIG_FILE: join(aws, '.aws', 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(aws, '.aws', 'credentials'),
  };
  delete env.AWS_ACCESS_KEY_ID;
  delete env.AWS_SECRET_ACCESS_KEY;
  delete env.AWS_PROFILE;
  const c = await LspClient.start({ rootDir: dir, env, settings: { workspaceScan: { enabled: false } } });
  try {
    // No params at all, as the VS Code client sends it.
    const list = (await c.conn.sendRequest('ajar/listAccounts')) as {
      configFound: boolean;
      accounts: { key: string; profiles: string[] }[];
    };
    assert.equal(list.configFound, true);
    assert.deepEqual(
      list.accounts.map((a) => a.key),
      ['profile:default', 'profile:dev'],
    );
    const unknown = await c.request<{ error?: string; categories: unknown[] }>('ajar/auditAccount', {
      key: '123456789012',
    });
    assert.match(unknown.error!, /unknown account/);
    await c.changeSettings({ workspaceScan: { enabled: false }, audit: { profiles: ['dev', 'missing'] } });
    await c.request('ajar/stats'); // settings are pulled before the next request is served
    const filtered = await c.request<{ accounts: { key: string }[]; problems: string[] }>('ajar/listAccounts');
    assert.deepEqual(
      filtered.accounts.map((a) => a.key),
      ['profile:dev'],
    );
    assert.match(filtered.problems.join('\n'), /missing/);
  } finally {
    await c.stop();
  }
  const empty = mkdtempSync(join(tmpdir(), 'ajar-noaws-'));
  const env2 = {
    ...env,
    HOME: empty,
    AWS_CONFIG_FILE: join(empty, 'none'),
    AWS_SHARED_CREDENTIALS_FILE: join(empty, 'none2'),
  };
  const c2 = await LspClient.start({ rootDir: dir, env: env2, settings: { workspaceScan: { enabled: false } } });
  try {
    const list = await c2.request<{ configFound: boolean; accounts: unknown[] }>('ajar/listAccounts');
    assert.equal(list.configFound, false);
    assert.deepEqual(list.accounts, []);
  } finally {
    await c2.stop();
    rmSync(aws, { recursive: true, force: true });
    rmSync(empty, { recursive: true, force: true });
  }
});

void ({} as Diagnostic);

test('hover and quick fixes still work for a document whose analysis was dropped to save memory', async () => {
  const first = fileUri(join(dir, 'lru-0.yaml'));
  for (let i = 0; i < 30; i++) await client.open(fileUri(join(dir, `lru-${i}.yaml`)), YAML);
  await client.diagnostics(fileUri(join(dir, 'lru-29.yaml')), (p) => p.version === 1);
  const d = client.latest(first)!.diagnostics.find((x) => x.code === 'AJ111')!;
  const h = await client.request<Hover | null>('textDocument/hover', {
    textDocument: { uri: first },
    position: { line: 5, character: 25 },
  });
  assert.match((h!.contents as { value: string }).value, /AJ111/);
  const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri: first },
    range: d.range,
    context: { diagnostics: [d] },
  });
  assert.ok(actions.some((a) => a.isPreferred));
  for (let i = 0; i < 30; i++) await client.close(fileUri(join(dir, `lru-${i}.yaml`)));
});
