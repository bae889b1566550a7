/**
 * The editor side of CDK (server/src/lsp/cdk.ts) on the real synthesized apps of apps.ts: every
 * template finding shown in the app's source at the construct (same rule, same count as the
 * template), the synthesized resource named, the template node as related information; hover
 * with the CDK fix in the source's language; "Show synthesized resource"; stale marks; a new
 * synth (manifest.json changed) redone; no template of an assembly counts as editable.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver';
import { lintText } from '../../server/src/engine';
import { CdkEditor, cdkFixMarkdown } from '../../server/src/lsp/cdk';
import { ShowSynthesizedCommand } from '../../server/src/lsp/protocol';
import { type Apps, buildApps, lineOf, rangeOf } from './apps';

let apps: Apps;
let scratch: string;
before(async () => {
  apps = await buildApps();
  scratch = mkdtempSync(join(tmpdir(), 'ajar-cdk-editor-'));
});
after(() => rmSync(scratch, { recursive: true, force: true }));

const uri = (p: string) => pathToFileURL(p).toString();

/** Feeds every template of the app's assembly to a CdkEditor; returns it with what it published. */
function open(dir: string) {
  const published = new Map<string, Diagnostic[]>();
  const editor = new CdkEditor((u, d) => published.set(u, d));
  const templates: { file: string; count: number }[] = [];
  const asm = join(dir, 'cdk.out');
  for (const name of readdirSync(asm).sort()) {
    if (!name.endsWith('.template.json')) continue;
    const file = join(asm, name);
    const r = lintText(readFileSync(file, 'utf8'), { fileName: file });
    editor.templateLinted(file, r);
    templates.push({ file, count: r.findings.length });
  }
  return { editor, published, templates };
}

test('every template finding is shown at its construct in the source: same rules, same count', () => {
  const { published, templates, editor } = open(apps.traced);
  const total = templates.reduce((n, t) => n + t.count, 0);
  const shown = [...published.values()].flat();
  assert.equal(shown.length, total, 'one source diagnostic per template finding');
  assert.deepEqual(
    [...published.keys()].sort(),
    ['lib/compute-stack.ts', 'lib/site.ts', 'lib/storage-stack.ts'].map((f) => uri(join(apps.traced, f))),
  );
  const storage = published.get(uri(join(apps.traced, 'lib/storage-stack.ts')))!;
  const policy = storage.find((d) => d.code === 'AJ101')!;
  assert.match(policy.message, /^StorageStack\/Reports\/Policy: /);
  assert.deepEqual(policy.range, lineOf(apps.traced, 'lib/storage-stack.ts', 'reports.addToResourcePolicy('));
  // related: the node in the template
  const rel = policy.relatedInformation![0];
  assert.equal(rel.location.uri, uri(join(apps.traced, 'cdk.out/StorageStack.template.json')));
  const tpl = readFileSync(join(apps.traced, 'cdk.out/StorageStack.template.json'), 'utf8').split('\n');
  assert.ok(tpl.slice(0, rel.location.range.start.line).join('\n').includes('"ReportsPolicyA13B441D"'));
  assert.match(rel.message, /ReportsPolicyA13B441D \(StorageStack\/Reports\/Policy\/Resource\)/);
  const key = storage.find((d) => d.code === 'AJ301')!;
  assert.deepEqual(key.range, rangeOf(apps.traced, 'lib/storage-stack.ts', "'DeployerKey'"));
  assert.match(key.message, /^StorageStack\/DeployerKey: /);
  const secret = storage.find((d) => d.code === 'AJ302')!;
  assert.deepEqual(secret.range, rangeOf(apps.traced, 'lib/storage-stack.ts', "'DeployerSecret'"));
  // the lazily made bucket policy and the bucket: both at 'Content' in the custom construct
  const site = published.get(uri(join(apps.traced, 'lib/site.ts')))!;
  const content = rangeOf(apps.traced, 'lib/site.ts', "'Content'", 'this.bucket');
  assert.deepEqual(
    site.map((d) => [d.code, d.range]),
    [
      ['AJ101', content],
      ['AJ112', content],
      ['AJ112', content],
    ],
  );
  assert.match(site[0].message, /^StorageStack\/Site\/Content\/Policy: /);
  // the template's own diagnostics get the way back
  const tfile = join(apps.traced, 'cdk.out/StorageStack.template.json');
  const tr = lintText(readFileSync(tfile, 'utf8'), { fileName: tfile });
  const i = tr.findings.findIndex((f) => f.ruleId === 'AJ301');
  assert.deepEqual(editor.templateRelated(tfile, i), [
    {
      location: { uri: uri(join(apps.traced, 'lib/storage-stack.ts')), range: key.range },
      message: 'StorageStack/DeployerKey in lib/storage-stack.ts',
    },
  ]);
});

test('stripped creation stacks and Python: the construct id literal, the same count', () => {
  for (const [dir, file, needle] of [
    [apps.stripped, 'lib/storage-stack.ts', "'Reports'"],
    [apps.python, 'stacks/storage_stack.py', '"Reports"'],
  ] as const) {
    const { published, templates } = open(dir);
    assert.equal(
      [...published.values()].flat().length,
      templates.reduce((n, t) => n + t.count, 0),
      dir,
    );
    const d = published.get(uri(join(dir, file)))!.find((x) => x.code === 'AJ101')!;
    assert.deepEqual(d.range, rangeOf(dir, file, needle));
  }
});

test('hover in the source: the CDK fix in the source language, the synthesized resource linked', () => {
  for (const [dir, file, needle, lang] of [
    [apps.traced, 'lib/storage-stack.ts', "'DeployerKey'", 'ts'],
    [apps.python, 'stacks/storage_stack.py', '"DeployerKey"', 'py'],
  ] as const) {
    const { editor } = open(dir);
    const r = rangeOf(dir, file, needle);
    const h = editor.hover(uri(join(dir, file)), { line: r.start.line, character: r.start.character + 2 });
    assert.ok(h, `${file}: a hover`);
    const text = (h.contents as { value: string }).value;
    assert.ok(text.includes(cdkFixMarkdown('AJ301', lang)!), `${file}: the rule's CDK fix`);
    assert.match(text, lang === 'py' ? /```python\n/ : /```ts\n/);
    assert.match(text, /Synthesized as `DeployerKey5D2B2FFE` \(`StorageStack\/DeployerKey\/Resource`\)/);
    assert.match(text, /cdk\.out\/StorageStack\.template\.json\]\(file:\/\/.*StorageStack\.template\.json#L\d+\)/);
    assert.equal(editor.hover(uri(join(dir, file)), { line: 0, character: 0 }), null);
  }
  // the metadata is the one source: the fix is the rule's docs.cdk
  assert.match(cdkFixMarkdown('AJ103', 'ts')!, /FunctionUrlAuthType\.AWS_IAM/);
  assert.equal(cdkFixMarkdown('AJ999', 'ts'), null);
});

test('"Show synthesized resource": a command with the template node; the template gets the way back', () => {
  const { editor, published } = open(apps.traced);
  const src = uri(join(apps.traced, 'lib/compute-stack.ts'));
  const diags = published.get(src)!;
  const url = diags.find((d) => d.code === 'AJ103')!;
  const actions = editor.codeActions(src, url.range, diags);
  assert.equal(actions.length, 1);
  assert.equal(actions[0].command?.command, ShowSynthesizedCommand);
  assert.deepEqual(actions[0].diagnostics, [url]);
  assert.equal(actions[0].edit, undefined, 'nothing edits');
  const args = actions[0].command!.arguments![0];
  assert.equal(args.uri, url.relatedInformation![0].location.uri);
  assert.deepEqual(args.range, url.relatedInformation![0].location.range);
  assert.match(
    actions[0].title,
    /^Show synthesized resource HandlerFunctionUrl003AF664 \(ComputeStack\/Handler\/FunctionUrl\)$/,
  );
  // in the template: the construct in the source, nothing that edits
  const tfile = join(apps.traced, 'cdk.out/ComputeStack.template.json');
  assert.ok(editor.isAssemblyTemplate(tfile));
  assert.ok(!editor.isAssemblyTemplate(join(apps.traced, 'lib/compute-stack.ts')));
  const back = editor.templateCodeActions(tfile, args.range);
  assert.deepEqual(
    back.map((a) => [a.title, a.command?.arguments?.[0]]),
    [[`Show construct in lib/compute-stack.ts:${url.range.start.line + 1}`, { uri: src, range: url.range }]],
  );
});

test('stale: a source saved after synth says so; a new synth (manifest.json) clears it', () => {
  const dir = join(scratch, 'stale');
  cpSync(apps.traced, dir, { recursive: true });
  const old = new Date(Date.now() - 60_000);
  for (const f of ['lib/site.ts', 'lib/storage-stack.ts', 'lib/compute-stack.ts', 'bin/app.ts'])
    utimesSync(join(dir, f), old, old);
  const manifest = join(dir, 'cdk.out/manifest.json');
  utimesSync(manifest, new Date(Date.now() - 30_000), new Date(Date.now() - 30_000));
  const { editor, published } = open(dir);
  const siteUri = uri(join(dir, 'lib/site.ts'));
  assert.ok(published.get(siteUri)!.every((d) => !d.message.includes('synthesized before')));
  writeFileSync(join(dir, 'lib/site.ts'), `// edited\n${readFileSync(join(dir, 'lib/site.ts'), 'utf8')}`);
  assert.deepEqual(editor.fileChanged(join(dir, 'lib/site.ts')), []);
  const site = published.get(siteUri)!;
  assert.equal(site.length, 3);
  for (const d of site) assert.match(d.message, /\(synthesized before your last edit to lib\/site\.ts\)$/);
  // the id in today's text: the line moved by one
  assert.deepEqual(site[0].range, rangeOf(dir, 'lib/site.ts', "'Content'", 'this.bucket'));
  assert.ok(published.get(uri(join(dir, 'lib/storage-stack.ts')))!.every((d) => !d.message.includes('before')));
  // cdk synth again: the manifest is newer than the edit
  writeFileSync(manifest, readFileSync(manifest, 'utf8'));
  const redo = editor.fileChanged(manifest);
  assert.deepEqual(redo.sort(), [
    join(dir, 'cdk.out/ComputeStack.template.json'),
    join(dir, 'cdk.out/StorageStack.template.json'),
  ]);
  assert.ok(published.get(siteUri)!.every((d) => !d.message.includes('synthesized before')));
});

test('a template gone or no longer CDK: its source diagnostics are withdrawn', () => {
  const { editor, published } = open(apps.traced);
  const tfile = join(apps.traced, 'cdk.out/ComputeStack.template.json');
  editor.templateGone(tfile);
  assert.deepEqual(published.get(uri(join(apps.traced, 'lib/compute-stack.ts'))), []);
  assert.ok(!editor.hasSource(uri(join(apps.traced, 'lib/compute-stack.ts'))));
  assert.ok(editor.hasSource(uri(join(apps.traced, 'lib/site.ts'))));
  // a JSON file outside an assembly is no CDK template
  editor.templateLinted(join(apps.traced, 'cdk.json'), { kind: 'cdk', findings: [], bomLength: 0 });
  assert.ok(!editor.isAssemblyTemplate(join(apps.traced, 'cdk.json')));
});
