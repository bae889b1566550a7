/**
 * Quick fixes and diagnostics as an editor sees them, over stdio: placeholders as snippets or
 * selected by the client's command, "Show documentation for AJxxx" (for a client with the
 * command), `source.fixAll.ajar`, AJ000
 * held back while typing, and hover without the diagnostic's message. Neovim and other clients get
 * the same through the capabilities they announce.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CodeAction, Diagnostic, Hover, TextEdit } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LspClient, REPO, fileUri } from './lspClient';

const TEMPLATE = `Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      AccessControl: PublicRead
  Instance:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-12345678
  User:
    Type: AWS::IAM::User
  Key:
    Type: AWS::IAM::AccessKey
    Properties:
      UserName: !Ref User
`;

const POLICY = `{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::site/*"}
  ]
}
`;

const dir = mkdtempSync(join(tmpdir(), 'ajar-editor-'));
const clients: LspClient[] = [];
after(async () => {
  await Promise.all(clients.map((c) => c.stop()));
  rmSync(dir, { recursive: true, force: true });
});

async function start(opts: Parameters<typeof LspClient.start>[0] = {}): Promise<LspClient> {
  const c = await LspClient.start({ rootDir: dir, settings: { workspaceScan: { enabled: false } }, ...opts });
  clients.push(c);
  return c;
}

function apply(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('file:///x', 'yaml', 0, text), edits);
}

async function actionsFor(c: LspClient, uri: string, d: Diagnostic): Promise<CodeAction[]> {
  return c.request<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri },
    range: d.range,
    context: { diagnostics: [d] },
  });
}

function textAt(text: string, range: Diagnostic['range']): string {
  const doc = TextDocument.create('file:///x', 'yaml', 0, text);
  return text.slice(doc.offsetAt(range.start), doc.offsetAt(range.end));
}

const COMMANDS = { ajar: { commands: ['ajar.selectPlaceholder', 'ajar.showRuleDocs'] } };

test('a client with ajar.selectPlaceholder: placeholder fixes select their placeholder after the edit; docs per rule', async () => {
  const c = await start({ experimental: COMMANDS });
  const uri = fileUri(join(dir, 'select.yaml'));
  await c.open(uri, TEMPLATE);
  const p = await c.diagnostics(uri, (x) => x.version === 1 && x.diagnostics.length === 3);
  const key = p.diagnostics.find((d) => d.code === 'AJ301')!;
  const actions = await actionsFor(c, uri, key);
  const suppress = actions.find((a) => a.title.startsWith('Suppress AJ301'))!;
  assert.equal(suppress.command?.command, 'ajar.selectPlaceholder');
  const { uri: target, range } = suppress.command!.arguments![0] as { uri: string; range: Diagnostic['range'] };
  assert.equal(target, uri);
  const after = apply(TEMPLATE, suppress.edit!.changes![uri]);
  assert.equal(textAt(after, range), 'TODO: explain why this is acceptable');
  // A fix without a placeholder has no command.
  const deactivate = actions.find((a) => a.title.startsWith('Deactivate'))!;
  assert.equal(deactivate.command, undefined);
  // Every Ajar finding has an action besides its fixes: the rule's page, once per rule.
  const docs = actions.filter((a) => a.title === 'Show documentation for AJ301');
  assert.equal(docs.length, 1);
  assert.deepEqual(docs[0].command, {
    title: 'Show documentation for AJ301',
    command: 'ajar.showRuleDocs',
    arguments: ['AJ301'],
  });
  assert.equal(docs[0].kind, 'quickfix');
  assert.equal(docs[0].edit, undefined);
  // After the edit: AJ001 on the suppression (its reason is the placeholder), AJ301 gone.
  await c.change(uri, 2, [{ text: after }]);
  const q = await c.diagnostics(uri, (x) => x.version === 2);
  assert.deepEqual(q.diagnostics.map((d) => d.code).sort(), ['AJ001', 'AJ111', 'AJ201']);
  // Each of them has its documentation action, AJ001 included (it has no fix of its own).
  const aj001 = q.diagnostics.find((d) => d.code === 'AJ001')!;
  assert.deepEqual(
    (await actionsFor(c, uri, aj001)).map((a) => a.title),
    ['Show documentation for AJ001'],
  );
});

test('the organization placeholder in a policy: selected after the edit, and AJ002 on it', async () => {
  const c = await start({ experimental: COMMANDS });
  const uri = fileUri(join(dir, 'site.policy.json'));
  await c.open(uri, POLICY, 'json');
  const p = await c.diagnostics(uri, (x) => x.version === 1 && x.diagnostics.length === 1);
  const org = (await actionsFor(c, uri, p.diagnostics[0])).find((a) =>
    a.title.startsWith('Restrict to your organization'),
  )!;
  const { range } = org.command!.arguments![0] as { range: Diagnostic['range'] };
  const after = apply(POLICY, org.edit!.changes![uri]);
  assert.equal(textAt(after, range), 'o-xxxxxxxxxx');
  await c.change(uri, 2, [{ text: after }]);
  const q = await c.diagnostics(uri, (x) => x.version === 2);
  assert.deepEqual(
    q.diagnostics.map((d) => d.code),
    ['AJ002'],
  );
  const d = q.diagnostics[0];
  assert.equal(d.severity, 3);
  // The diagnostic covers the placeholder (the JSON string it is).
  assert.equal(textAt(after, d.range), '"o-xxxxxxxxxx"');
  // No "Suppress" for a placeholder: finish the fix instead.
  assert.deepEqual(
    (await actionsFor(c, uri, d)).map((a) => a.title),
    ['Show documentation for AJ002'],
  );
});

test('a client with snippet edits (LSP 3.18): the placeholder is a tab stop of a snippet edit', async () => {
  const c = await start({ snippetEdits: true });
  const uri = fileUri(join(dir, 'snippet.policy.json'));
  await c.open(uri, POLICY, 'json');
  const p = await c.diagnostics(uri, (x) => x.version === 1 && x.diagnostics.length === 1);
  const actions = await actionsFor(c, uri, p.diagnostics[0]);
  const org = actions.find((a) => a.title.startsWith('Restrict to your organization'))!;
  assert.equal(org.command, undefined);
  const change = org.edit!.documentChanges![0] as unknown as {
    textDocument: { uri: string; version: number };
    edits: { range: Diagnostic['range']; snippet: { kind: string; value: string } }[];
  };
  assert.deepEqual(change.textDocument, { uri, version: 1 });
  const e = change.edits[0];
  assert.equal(e.snippet.kind, 'snippet');
  assert.match(e.snippet.value, /"aws:PrincipalOrgID": "\$\{1:o-xxxxxxxxxx\}"/);
  // The snippet's text, tab stop filled with its default, is the plain fix.
  const plainText = e.snippet.value.replace(/\$\{1:([^}]*)\}/, '$1').replace(/\\([$}\\])/g, '$1');
  const plain = await start();
  await plain.open(uri, POLICY, 'json');
  const pp = await plain.diagnostics(uri, (x) => x.version === 1 && x.diagnostics.length === 1);
  const plainOrg = (await actionsFor(plain, uri, pp.diagnostics[0])).find((a) =>
    a.title.startsWith('Restrict to your organization'),
  )!;
  assert.deepEqual(plainOrg.edit!.changes![uri], [{ range: e.range, newText: plainText }]);
  // A fix without a placeholder stays a plain edit.
  const account = actions.find((a) => a.title.startsWith('Restrict to this account'));
  if (account) assert.ok(account.edit!.changes);
  // A client without commands or snippet edits: plain edits, no command, no docs action.
  assert.equal(plainOrg.command, undefined);
  assert.ok(!(await actionsFor(plain, uri, pp.diagnostics[0])).some((a) => a.title.startsWith('Show documentation')));
});

test('a plain LSP client with window.showDocument: "Show documentation" runs the server’s ajar.openRuleDocs', async () => {
  const c = await start({ showDocument: true });
  const cmds = c.initializeResult!.capabilities.executeCommandProvider?.commands ?? [];
  assert.ok(cmds.includes('ajar.openRuleDocs'), cmds.join());
  const uri = fileUri(join(dir, 'plain-docs.yaml'));
  await c.open(uri, TEMPLATE);
  const p = await c.diagnostics(uri, (x) => x.version === 1 && x.diagnostics.length === 3);
  const key = p.diagnostics.find((d) => d.code === 'AJ301')!;
  const docs = (await actionsFor(c, uri, key)).filter((a) => a.title.startsWith('Show documentation'));
  assert.deepEqual(
    docs.map((a) => a.command),
    [{ title: 'Show documentation for AJ301', command: 'ajar.openRuleDocs', arguments: ['AJ301'] }],
  );
  const ok = await c.request('workspace/executeCommand', {
    command: docs[0].command!.command,
    arguments: docs[0].command!.arguments,
  });
  assert.equal(ok, true);
  // The page shipped beside the server (dist/../docs/rules), the one the diagnostic links to on the web.
  assert.deepEqual(c.shownDocuments, [{ uri: fileUri(join(REPO, 'docs', 'rules', 'AJ301.md')), takeFocus: true }]);
  assert.match(String(key.codeDescription?.href), /docs\/rules\/AJ301\.md$/);
  // An unknown rule: nothing shown.
  assert.equal(
    await c.request('workspace/executeCommand', { command: 'ajar.openRuleDocs', arguments: ['AJ9999'] }),
    false,
  );
  assert.equal(c.shownDocuments.length, 1);
});

test('source.fixAll.ajar: advertised; one edit with every safe fix; nothing left to fix after it', async () => {
  const c = await start();
  const kinds = (c.initializeResult!.capabilities.codeActionProvider as { codeActionKinds: string[] }).codeActionKinds;
  assert.ok(kinds.includes('source.fixAll.ajar'), kinds.join());
  const uri = fileUri(join(dir, 'fixall.yaml'));
  await c.open(uri, TEMPLATE);
  await c.diagnostics(uri, (x) => x.version === 1 && x.diagnostics.length === 3);
  const ask = (only?: string[]) =>
    c.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], ...(only ? { only } : {}) },
    });
  const [fixAll] = await ask(['source.fixAll.ajar']);
  assert.equal(fixAll.kind, 'source.fixAll.ajar');
  assert.match(fixAll.title, /2 fixes/);
  const edits = fixAll.edit!.changes![uri];
  assert.equal(edits.length, 1, 'one edit');
  const fixed = apply(TEMPLATE, edits);
  assert.match(fixed, /HttpTokens: required/);
  assert.ok(!fixed.includes('AccessControl'), fixed);
  assert.ok(!/TODO|ignore|o-x/.test(fixed), 'no placeholder, no suppression');
  // Asked for as `source` or `source.fixAll` too; the light bulb (no `only`) does not show it.
  assert.equal((await ask(['source'])).filter((a) => a.kind === 'source.fixAll.ajar').length, 1);
  assert.equal((await ask(['source.fixAll'])).length, 1);
  assert.equal((await ask()).filter((a) => a.kind === 'source.fixAll.ajar').length, 0);
  assert.equal((await ask(['quickfix'])).filter((a) => a.kind === 'source.fixAll.ajar').length, 0);
  await c.change(uri, 2, [{ text: fixed }]);
  const q = await c.diagnostics(uri, (x) => x.version === 2);
  assert.deepEqual(
    q.diagnostics.map((d) => d.code),
    ['AJ301'],
    'what is left needs a person',
  );
  assert.deepEqual(await ask(['source.fixAll.ajar']), [], 'nothing more to fix');
});

test('typing a new resource character by character: no AJ000 until typing pauses; a persisting error then shows', async () => {
  const c = await start();
  const uri = fileUri(join(dir, 'typing.yaml'));
  await c.open(uri, TEMPLATE);
  await c.diagnostics(uri, (x) => x.version === 1 && x.diagnostics.length === 3);
  const typed = '  Queue:\n    Type: AWS::SQS::Queue\n';
  let text = TEMPLATE;
  let version = 1;
  const doc = () => TextDocument.create(uri, 'yaml', version, text);
  for (const ch of typed) {
    const at = doc().positionAt(text.length);
    text += ch;
    version++;
    await c.change(uri, version, [{ range: { start: at, end: at }, text: ch }]);
    await new Promise((r) => setTimeout(r, 40));
  }
  const last = await c.diagnostics(uri, (x) => x.version === version);
  const during = c.published.get(uri)!;
  const flicker = during.filter((x) => x.diagnostics.some((d) => d.code === 'AJ000'));
  assert.equal(flicker.length, 0, `AJ000 published while typing: ${flicker.map((x) => `v${x.version}`).join(' ')}`);
  assert.deepEqual(last.diagnostics.map((d) => d.code).sort(), ['AJ111', 'AJ201', 'AJ301']);
  // Some versions in between did not parse ("  Q" before its colon): the server held them back.
  assert.ok(during.length < version, `publishes: ${during.length} for ${version} versions`);
  // A half-typed key left as it is: AJ000 once typing pauses.
  const at = doc().positionAt(text.length);
  text += '  Topic';
  version++;
  const before = during.length;
  const t0 = Date.now();
  await c.change(uri, version, [{ range: { start: at, end: at }, text: '  Topic' }]);
  const shown = await c.diagnostics(uri, (x) => x.version === version, 5000, false);
  const waited = Date.now() - t0;
  assert.ok(
    shown.diagnostics.some((d) => d.code === 'AJ000'),
    'the persisting error shows',
  );
  assert.ok(waited >= 300, `shown after the pause (${waited} ms)`);
  assert.equal(c.published.get(uri)!.length, before + 1, 'one publish for it');
});

test('a document that was never readable gets AJ000 at once', async () => {
  const c = await start();
  const uri = fileUri(join(dir, 'broken.yaml'));
  const t0 = Date.now();
  await c.open(uri, 'Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n  Oops\n');
  const p = await c.diagnostics(uri, (x) => x.version === 1);
  assert.ok(p.diagnostics.some((d) => d.code === 'AJ000'));
  assert.ok(Date.now() - t0 < 2000);
});

test('hover explains the rule without repeating the diagnostic message', async () => {
  const c = await start();
  const uri = fileUri(join(dir, 'hover.yaml'));
  await c.open(uri, TEMPLATE);
  const p = await c.diagnostics(uri, (x) => x.version === 1 && x.diagnostics.length === 3);
  const d = p.diagnostics.find((x) => x.code === 'AJ111')!;
  const h = await c.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: d.range.start });
  const value = (h!.contents as { value: string }).value;
  assert.ok(!value.includes(d.message), 'the message is not repeated');
  assert.ok(!value.includes('list and read every object in bucket Bucket'), 'no part of it either');
  assert.match(value, /\*\*Ajar AJ111\*\* `s3-public-acl`: /);
  assert.match(value, /\*\*Fix:\*\*/);
  assert.match(value, /docs\/rules\/AJ111\.md/);
});
