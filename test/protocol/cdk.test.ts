/**
 * CDK over the protocol (dist/server.js over stdio) on a real synthesized app (test/cdk/apps.ts):
 * the workspace scan alone (nothing opened) publishes each cdk.out finding also in lib/*.ts at the
 * construct, the template node as related information and the way back on the template's own
 * diagnostics; no quick fix edits cdk.out; hover in the source gives the CDK fix; "Show
 * synthesized resource" asks the client to show the template at the node; a new synth
 * (watched files) and a saved source (stale) are followed.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CodeAction, Diagnostic, Hover } from 'vscode-languageserver-protocol';
import { CLI_CONTEXT, ROOT, TS_APP, buildApps, rangeOf, synth } from '../cdk/apps';
import { LspClient, fileUri } from './lspClient';

let dir: string;
let client: LspClient;
const shown: unknown[] = [];
const u = (rel: string) => fileUri(join(dir, rel));

before(async () => {
  const apps = await buildApps();
  dir = mkdtempSync(join(tmpdir(), 'ajar-cdk-lsp-'));
  cpSync(apps.traced, dir, { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  // the sources as old as the assembly (cpSync gives new times)
  const old = new Date(Date.now() - 60_000);
  for (const f of ['lib/site.ts', 'lib/storage-stack.ts', 'lib/compute-stack.ts', 'bin/app.ts'])
    utimesSync(join(dir, f), old, old);
  client = await LspClient.start({ rootDir: dir, settings: {} });
  client.conn.onRequest('window/showDocument', (p: unknown) => {
    shown.push(p);
    return { success: true };
  });
});
after(async () => {
  await client?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const byCode = (ds: Diagnostic[]) => ds.map((d) => d.code).sort();

test('nothing opened: findings of cdk.out in lib/*.ts at the construct, the template keeps its own', async () => {
  const storage = await client.diagnostics(u('lib/storage-stack.ts'), (p) => p.diagnostics.length >= 3);
  assert.deepEqual(byCode(storage.diagnostics), ['AJ101', 'AJ301', 'AJ302']);
  const key = storage.diagnostics.find((d) => d.code === 'AJ301')!;
  assert.deepEqual(key.range, rangeOf(dir, 'lib/storage-stack.ts', "'DeployerKey'"));
  assert.match(key.message, /^StorageStack\/DeployerKey: /);
  assert.equal(key.source, 'ajar');
  assert.equal(key.relatedInformation?.[0].location.uri, u('cdk.out/StorageStack.template.json'));
  const policy = storage.diagnostics.find((d) => d.code === 'AJ101')!;
  assert.match(policy.message, /^StorageStack\/Reports\/Policy: Anyone can s3:GetObject/);

  // the template: same rules, same count as its findings shown in the sources
  const tpl = await client.diagnostics(u('cdk.out/StorageStack.template.json'), (p) => p.diagnostics.length > 0);
  const site = client.latest(u('lib/site.ts'))!.diagnostics;
  assert.deepEqual(byCode(tpl.diagnostics), byCode([...storage.diagnostics, ...site]));
  const tkey = tpl.diagnostics.find((d) => d.code === 'AJ301')!;
  assert.deepEqual(tkey.relatedInformation, [
    {
      location: { uri: u('lib/storage-stack.ts'), range: key.range },
      message: 'StorageStack/DeployerKey in lib/storage-stack.ts',
    },
  ]);
  assert.deepEqual(key.relatedInformation![0].location.range, tkey.range);
  const compute = await client.diagnostics(u('lib/compute-stack.ts'), (p) => p.diagnostics.length >= 2);
  assert.deepEqual(byCode(compute.diagnostics), ['AJ103', 'AJ201']);
});

test('no quick fix edits cdk.out: only the way to the source', async () => {
  const tpl = client.latest(u('cdk.out/StorageStack.template.json'))!;
  for (const d of tpl.diagnostics) {
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: u('cdk.out/StorageStack.template.json') },
      range: d.range,
      context: { diagnostics: [d] },
    });
    assert.ok(actions.length > 0, `${d.code}: an action`);
    for (const a of actions) assert.equal(a.edit, undefined, `${d.code}: "${a.title}" edits cdk.out`);
    assert.ok(actions.some((a) => /^Show construct in lib\//.test(a.title)));
  }
  // hover on the template's finding: the rule's hover, then the CDK way to fix
  const key = tpl.diagnostics.find((d) => d.code === 'AJ301')!;
  const tplText = readFileSync(join(dir, 'cdk.out/StorageStack.template.json'), 'utf8');
  await client.open(u('cdk.out/StorageStack.template.json'), tplText, 'json');
  const h2 = await client.request<Hover>('textDocument/hover', {
    textDocument: { uri: u('cdk.out/StorageStack.template.json') },
    position: key.range.start,
  });
  const ht = (h2.contents as { value: string }).value;
  assert.match(ht, /\*\*Ajar AJ301\*\*/);
  assert.match(ht, /synthesized by CDK: make the fix in the app/);
  assert.match(ht, /\*\*In CDK:\*\* Replace `new iam\.AccessKey/);
  const openActions = await client.request<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri: u('cdk.out/StorageStack.template.json') },
    range: key.range,
    context: { diagnostics: [key] },
  });
  assert.ok(openActions.length > 0 && openActions.every((a) => !a.edit), 'open in the editor: still no edits');
  await client.close(u('cdk.out/StorageStack.template.json'));
  // the same template outside an assembly gets its fixes (the rule's, "Suppress with reason")
  const copy = join(dir, 'templates-copy.template.json');
  writeFileSync(copy, readFileSync(join(dir, 'cdk.out/StorageStack.template.json')));
  await client.open(fileUri(copy), readFileSync(copy, 'utf8'), 'json');
  const d = await client.diagnostics(fileUri(copy), (p) => p.diagnostics.some((x) => x.code === 'AJ301'));
  const copyKey = d.diagnostics.find((x) => x.code === 'AJ301')!;
  const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri: fileUri(copy) },
    range: copyKey.range,
    context: { diagnostics: [copyKey] },
  });
  assert.ok(
    actions.some((a) => a.edit),
    'outside cdk.out the template is editable',
  );
  await client.close(fileUri(copy));
});

test('the source opened: hover with the CDK fix; "Show synthesized resource" shows the template node', async () => {
  const src = u('lib/compute-stack.ts');
  const before = client.published.get(src)?.length ?? 0;
  await client.open(src, readFileSync(join(dir, 'lib/compute-stack.ts'), 'utf8'), 'typescript');
  const url = client.latest(src)!.diagnostics.find((d) => d.code === 'AJ103')!;
  const hover = await client.request<Hover>('textDocument/hover', {
    textDocument: { uri: src },
    position: url.range.start,
  });
  const text = (hover.contents as { value: string }).value;
  assert.match(text, /\*\*In CDK:\*\*.*FunctionUrlAuthType\.AWS_IAM/s);
  assert.match(text, /Synthesized as `HandlerFunctionUrl003AF664`/);
  const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri: src },
    range: url.range,
    context: { diagnostics: [url] },
  });
  const show = actions.find((a) => a.title.startsWith('Show synthesized resource'))!;
  assert.ok(show?.command, JSON.stringify(actions));
  assert.equal(show.edit, undefined);
  const ok = await client.request('workspace/executeCommand', {
    command: show.command!.command,
    arguments: show.command!.arguments,
  });
  assert.equal(ok, true);
  assert.deepEqual(shown.at(-1), {
    uri: u('cdk.out/ComputeStack.template.json'),
    selection: url.relatedInformation![0].location.range,
    takeFocus: true,
  });
  // opening the source neither lints it as a template nor withdraws its CDK diagnostics
  assert.equal(client.published.get(src)?.length ?? 0, before);
  await client.close(src);
  assert.equal(client.published.get(src)?.length ?? 0, before);
  const cmds = client.initializeResult?.capabilities.executeCommandProvider?.commands;
  assert.ok(cmds?.includes('ajar.showSynthesizedResource'), cmds?.join());
});

test('a saved source after synth is stale; cdk synth again (watched files) redoes the sources', async () => {
  const site = join(dir, 'lib/site.ts');
  writeFileSync(site, `// edited after synth\n${readFileSync(site, 'utf8')}`);
  // A save 2 s after the synth (stale means newer than the assembly by over 1 s; on a fast machine this
  // line runs well within a second of it).
  const later = new Date(statSync(join(dir, 'cdk.out/manifest.json')).mtimeMs + 2000);
  utimesSync(site, later, later);
  await client.conn.sendNotification('workspace/didChangeWatchedFiles', {
    changes: [{ uri: fileUri(site), type: 2 }],
  });
  const stale = await client.diagnostics(fileUri(site), (p) =>
    p.diagnostics.some((d) => d.message.includes('synthesized before')),
  );
  for (const d of stale.diagnostics) assert.match(d.message, /\(synthesized before your last edit to lib\/site\.ts\)$/);
  assert.deepEqual(stale.diagnostics[0].range, rangeOf(dir, 'lib/site.ts', "'Content'", 'this.bucket'));

  // the fix in the app (no access key, no output), then `cdk synth`
  const storage = join(dir, 'lib/storage-stack.ts');
  writeFileSync(
    storage,
    TS_APP['lib/storage-stack.ts']
      .replace("    const key = new iam.AccessKey(this, 'DeployerKey', { user });\n", '')
      .replace("    new CfnOutput(this, 'DeployerSecret', { value: key.secretAccessKey.unsafeUnwrap() });\n", '')
      .replace('    const user = ', '    ')
      .replace(
        "import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';",
        "import { Stack, type StackProps } from 'aws-cdk-lib';",
      ),
  );
  // the new synth comes after that save
  while (Date.now() <= later.getTime() + 100) await new Promise((r) => setTimeout(r, 50));
  await synth(dir, 'bin/app.ts', CLI_CONTEXT);
  await client.conn.sendNotification('workspace/didChangeWatchedFiles', {
    changes: ['manifest.json', 'StorageStack.template.json', 'StorageStack.metadata.json'].map((f) => ({
      uri: u(`cdk.out/${f}`),
      type: 2,
    })),
  });
  const fixed = await client.diagnostics(
    u('lib/storage-stack.ts'),
    (p) => !p.diagnostics.some((d) => d.code === 'AJ301'),
  );
  assert.deepEqual(byCode(fixed.diagnostics), ['AJ101']);
  const again = await client.diagnostics(fileUri(site), (p) =>
    p.diagnostics.every((d) => !d.message.includes('synthesized before')),
  );
  assert.equal(again.diagnostics.length, 3);
  const tpl = await client.diagnostics(
    u('cdk.out/StorageStack.template.json'),
    (p) => !p.diagnostics.some((d) => d.code === 'AJ301'),
  );
  assert.deepEqual(byCode(tpl.diagnostics), ['AJ101', 'AJ101', 'AJ112', 'AJ112']);
});
