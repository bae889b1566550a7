/**
 * The language server's state objects (server/src/lsp: SettingsStore, FindingCounts,
 * OpenDocuments, WorkspaceScanner, ConfigProblems, GlobalState), driven without an LSP
 * connection: documents are a map, the publisher and the client are fakes that record.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ConfigurationItem, Diagnostic } from 'vscode-languageserver';
import { FindingCounts } from '../../../server/src/lsp/findingCounts';
import { GlobalState, type CfnLintService } from '../../../server/src/lsp/globalState';
import { mergeCapabilities, HANDLERS } from '../../../server/src/lsp/handlers';
import { RETAINED_ANALYSES } from '../../../server/src/lsp/openDocuments';
import type { FindingCountParams } from '../../../server/src/lsp/protocol';
import type { OpenText, Publisher } from '../../../server/src/lsp/publisher';
import { normalizeSettings } from '../../../server/src/lsp/settings';
import { SettingsStore } from '../../../server/src/lsp/settingsStore';

const TEMPLATE = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      AccessControl: PublicRead
`;
const CLEAN = `AWSTemplateFormatVersion: "2010-09-09"
Resources: {}
`;

interface Sent {
  uri: string;
  diagnostics: Diagnostic[];
  version?: number;
}

class FakePublisher implements Publisher {
  sent: Sent[] = [];
  counts: FindingCountParams[] = [];
  logs: string[] = [];
  diagnostics(uri: string, diagnostics: Diagnostic[], version?: number): void {
    this.sent.push({ uri, diagnostics, version });
  }
  findingCount(t: FindingCountParams): void {
    this.counts.push(t);
  }
  log(m: string): void {
    this.logs.push(m);
  }
  info(m: string): void {
    this.logs.push(m);
  }
  last(uri: string): Sent | undefined {
    return this.sent.filter((s) => s.uri === uri).at(-1);
  }
}

class Docs {
  private readonly map = new Map<string, OpenText>();
  get(uri: string): OpenText | undefined {
    return this.map.get(uri);
  }
  set(uri: string, text: string, version: number): void {
    this.map.set(uri, { version, getText: () => text });
  }
  delete(uri: string): void {
    this.map.delete(uri);
  }
}

const cfnOff = (): CfnLintService => ({
  status: 'off',
  lint: async () => null,
  forget: () => {},
  configure: async () => {},
  dispose: async () => {},
});

const turn = () => new Promise<void>((r) => setImmediate(r));

function makeState(configuration: (items: ConfigurationItem[]) => Promise<unknown[]> = async () => []) {
  const docs = new Docs();
  const pub = new FakePublisher();
  const asked: ConfigurationItem[][] = [];
  const state = new GlobalState(
    docs,
    pub,
    {
      configuration: (items) => {
        asked.push(items);
        return configuration(items);
      },
      createProgress: () => Promise.reject(new Error('no progress in unit tests')),
    },
    { cfn: cfnOff(), worker: null },
  );
  return { docs, pub, state, asked };
}

async function settled(state: GlobalState): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await state.open.idle();
    await turn();
  }
}

test('SettingsStore: the innermost folder, its settings, else the window', () => {
  const s = new SettingsStore();
  const outer = join(tmpdir(), 'ws');
  const inner = join(outer, 'inner');
  s.setFolders([{ path: outer }, { path: inner }]);
  assert.equal(s.folderOf(join(inner, 'a.yaml')), inner);
  assert.equal(s.folderOf(join(outer, 'a.yaml')), outer);
  assert.equal(s.folderOf(`${outer}-other/a.yaml`), undefined, 'a sibling with the same prefix is no child');
  const byFolder = new Map([[inner, normalizeSettings({ rules: { AJ101: 'off' } })]]);
  s.apply({ window: normalizeSettings({ enable: true }), byFolder }, true);
  assert.deepEqual(s.settingsFor(join(inner, 'a.yaml')).rules, { AJ101: 'off' });
  assert.deepEqual(s.settingsFor(join(outer, 'a.yaml')).rules, {});
  assert.deepEqual(s.settingsFor(null).rules, {});
  assert.equal(s.folderSettings(outer), s.window);
});

test('SettingsStore.read: one request, the window then each folder by the URI it came as', async () => {
  const s = new SettingsStore();
  s.canPull = true;
  s.setFolders([{ path: '/w/a', uri: 'file:///w/a' }, { path: '/w/b' }]);
  let items: ConfigurationItem[] = [];
  const read = await s.read(
    async (i) => {
      items = i;
      return [{ enable: true }, { rules: { AJ201: 'error' } }, null];
    },
    () => {},
  );
  assert.deepEqual(
    items.map((i) => i.scopeUri),
    [undefined, 'file:///w/a', pathToFileURL('/w/b').toString()],
  );
  assert.deepEqual(read.byFolder.get('/w/a')?.rules, { AJ201: 'error' });
  // A folder answered with null has the defaults (normalised), not the window's rules.
  assert.deepEqual(read.byFolder.get('/w/b')?.rules, {});
});

test('SettingsStore.read: a client that never answers gets the pushed settings after the timeout', async () => {
  const s = new SettingsStore();
  s.canPull = true;
  s.pushed = { rules: { AJ101: 'off' } };
  const logs: string[] = [];
  // The store's timer is unref'd (it never holds the server's exit): keep this process alive meanwhile.
  const alive = setInterval(() => {}, 1000);
  const read = await s
    .read(
      () => new Promise(() => {}),
      (m) => logs.push(m),
      20,
    )
    .finally(() => clearInterval(alive));
  assert.deepEqual(read.window.rules, { AJ101: 'off' });
  assert.match(logs[0], /no answer/);
  // Without the capability the request is never made.
  const t = new SettingsStore();
  t.pushed = { enable: false };
  const r2 = await t.read(
    () => assert.fail('asked'),
    () => {},
  );
  assert.equal(r2.window.enable, false);
});

test('SettingsStore.apply: a change of one folder alone redoes the lint and the scan', () => {
  const s = new SettingsStore();
  s.setFolders([{ path: '/w/a' }]);
  const win = normalizeSettings({});
  s.apply({ window: win, byFolder: new Map([['/w/a', normalizeSettings({})]]) }, true);
  const same = s.apply({ window: normalizeSettings({}), byFolder: new Map([['/w/a', normalizeSettings({})]]) });
  assert.deepEqual(same, { lint: false, scan: false, cfnLint: false, first: false });
  const d = s.apply({ window: win, byFolder: new Map([['/w/a', normalizeSettings({ rules: { AJ101: 'off' } })]]) });
  assert.equal(d.lint, true);
  assert.equal(d.scan, true);
  assert.equal(d.cfnLint, false);
});

test('FindingCounts: an open document hides its disk counts; one send per turn, none repeated, none while paused', async () => {
  const sent: FindingCountParams[] = [];
  const c = new FindingCounts((t) => sent.push(t));
  c.setDisk('file:///a', { errors: 1, warnings: 0, information: 0 });
  c.setDisk('file:///b', { errors: 0, warnings: 2, information: 0 });
  c.setDisk('file:///z', { errors: 0, warnings: 0, information: 0 });
  assert.equal(c.hasDisk('file:///z'), false, 'no findings: not kept');
  c.setOpen('file:///a', { errors: 0, warnings: 0, information: 3 });
  assert.deepEqual(c.totals(), {
    errors: 0,
    warnings: 2,
    information: 3,
    files: 2,
    cfnLint: { errors: 0, warnings: 0, information: 0 },
  });
  c.schedule();
  c.schedule();
  await turn();
  assert.equal(sent.length, 1);
  c.schedule();
  await turn();
  assert.equal(sent.length, 1, 'the same totals are not sent again');
  c.paused = true;
  c.deleteOpen('file:///a');
  c.schedule();
  await turn();
  assert.equal(sent.length, 1, 'paused');
  c.paused = false;
  c.schedule();
  await turn();
  assert.deepEqual(sent.at(-1), {
    errors: 1,
    warnings: 2,
    information: 0,
    files: 2,
    cfnLint: { errors: 0, warnings: 0, information: 0 },
  });
});

test("FindingCounts: cfn-lint's diagnostics count beside the findings until the next publish of Ajar's", () => {
  const c = new FindingCounts(() => {});
  c.setOpen('file:///a', { errors: 1, warnings: 0, information: 0 });
  // A document with cfn-lint's diagnostics only is a file with findings too.
  c.setOpen('file:///b', { errors: 0, warnings: 0, information: 0 });
  c.setOpenCfnLint('file:///a', { errors: 0, warnings: 2, information: 0 });
  c.setOpenCfnLint('file:///b', { errors: 1, warnings: 0, information: 0 });
  assert.deepEqual(c.totals(), {
    errors: 2,
    warnings: 2,
    information: 0,
    files: 2,
    cfnLint: { errors: 1, warnings: 2, information: 0 },
  });
  // A new version publishes Ajar's findings alone: cfn-lint's are gone from Problems until it answers.
  c.setOpen('file:///a', { errors: 1, warnings: 0, information: 0 });
  c.deleteOpen('file:///b');
  assert.deepEqual(c.totals(), {
    errors: 1,
    warnings: 0,
    information: 0,
    files: 1,
    cfnLint: { errors: 0, warnings: 0, information: 0 },
  });
});

test('OpenDocuments: nothing before the first settings, then the version published; a fix of the text clears', async () => {
  const { docs, pub, state } = makeState();
  const uri = 'untitled:template.yaml';
  docs.set(uri, TEMPLATE, 1);
  state.open.opened(uri);
  await settled(state);
  assert.equal(pub.sent.length, 0, 'waits for the settings');
  await state.applySettings({ window: normalizeSettings({}), byFolder: new Map() }, true);
  await settled(state);
  const first = pub.last(uri);
  assert.equal(first?.version, 1);
  assert.ok(first?.diagnostics.some((d) => d.source === 'ajar'));
  assert.equal(pub.counts.at(-1)?.files, 1);
  docs.set(uri, CLEAN, 2);
  state.open.changed(uri);
  await settled(state);
  assert.deepEqual(pub.last(uri), { uri, diagnostics: [], version: 2 });
  assert.equal(pub.counts.at(-1)?.files, 0);
  const before = pub.sent.length;
  docs.delete(uri);
  state.documentClosed(uri);
  assert.equal(pub.sent.length, before, 'nothing was published: no empty publish on close');
});

test('OpenDocuments: settings change the findings of open documents at the same version', async () => {
  const { docs, pub, state } = makeState();
  await state.applySettings({ window: normalizeSettings({}), byFolder: new Map() }, true);
  const uri = 'untitled:template.yaml';
  docs.set(uri, TEMPLATE, 1);
  state.open.opened(uri);
  const codes = () => (pub.last(uri)?.diagnostics ?? []).map((d) => String(d.code));
  const all = codes();
  assert.ok(all.length > 0);
  const off = all[0];
  await state.applySettings({ window: normalizeSettings({ rules: { [off]: 'off' } }), byFolder: new Map() });
  await settled(state);
  assert.ok(!codes().includes(off), `${off} turned off`);
  assert.equal(pub.last(uri)?.version, 1);
  await state.applySettings({ window: normalizeSettings({ enable: false }), byFolder: new Map() });
  await settled(state);
  assert.deepEqual(pub.last(uri)?.diagnostics, []);
});

test('OpenDocuments: analyses beyond RETAINED_ANALYSES are dropped and redone the same on demand', async () => {
  const { docs, state } = makeState();
  await state.applySettings({ window: normalizeSettings({}), byFolder: new Map() }, true);
  const uris = Array.from({ length: RETAINED_ANALYSES + 1 }, (_, i) => `untitled:t${i}.yaml`);
  for (const u of uris) {
    docs.set(u, TEMPLATE, 1);
    state.open.opened(u);
  }
  const firstState = state.open.peek(uris[0]);
  assert.equal(firstState?.evicted, true);
  assert.equal(firstState?.result, null);
  const again = state.open.current(uris[0]);
  assert.ok(again?.result);
  assert.equal(again?.evicted, false);
  assert.equal(state.open.peek(uris[1])?.evicted, true, 'the least recently used one went instead');
  const other = state.open.current(uris[1]);
  assert.ok(other?.result?.findings.length);
  assert.deepEqual(
    again?.result?.findings.map((f) => [f.ruleId, f.span.start, f.message]),
    other?.result?.findings.map((f) => [f.ruleId, f.span.start, f.message]),
  );
});

test('WorkspaceScanner and GlobalState: scan, watched changes, open wins over disk, config problems', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ajar-state-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'templates'));
  const file = join(dir, 'templates', 'app.yaml');
  writeFileSync(file, TEMPLATE);
  writeFileSync(join(dir, 'notes.yaml'), 'just: text\n');
  writeFileSync(join(dir, '.ajar.yaml'), 'ignores:\n  - rule: long-lived-access-key\n');
  const uri = pathToFileURL(file).toString();
  const configUri = pathToFileURL(join(dir, '.ajar.yaml')).toString();
  const { docs, pub, state, asked } = makeState(async (items) => items.map(() => ({})));
  state.settings.canPull = true;
  state.settings.setFolders([{ path: dir, uri: pathToFileURL(dir).toString() }]);
  await state.refreshSettings(true);
  assert.equal(asked[0].length, 2, 'the window and the folder');
  const r = await state.scanner.run();
  assert.equal(r.files, 1, 'notes.yaml is no scan candidate');
  assert.ok(r.findings > 0);
  const fromDisk = pub.last(uri);
  assert.equal(fromDisk?.version, undefined, 'files from disk are published without a version');
  assert.ok(fromDisk?.diagnostics.length);
  assert.match(JSON.stringify(pub.last(configUri)?.diagnostics), /no reason/);
  await turn();
  assert.equal(pub.counts.at(-1)?.files, 1);
  assert.equal(state.stats().diskFiles, 1);

  // Open with other text: the open document is the truth; its empty analysis is published.
  docs.set(uri, CLEAN, 1);
  state.open.opened(uri);
  assert.deepEqual(pub.last(uri), { uri, diagnostics: [], version: 1 });
  // Closed: back to the disk state.
  docs.delete(uri);
  state.documentClosed(uri);
  await settled(state);
  // The disk lint is queued and read asynchronously: wait for it (a loaded CI machine takes a while).
  for (let waited = 0; !pub.last(uri)?.diagnostics.length && waited < 10_000; waited += 20)
    await new Promise((r) => setTimeout(r, 20));
  assert.ok(pub.last(uri)?.diagnostics.length, 'the disk findings are back');
  assert.equal(pub.last(uri)?.version, undefined);

  // The file is deleted: its diagnostics are cleared.
  rmSync(file);
  state.filesChanged([{ uri, deleted: true }]);
  assert.deepEqual(pub.last(uri), { uri, diagnostics: [], version: undefined });
  // The config file is fixed: its problems are cleared, once.
  writeFileSync(join(dir, '.ajar.yaml'), 'ignores:\n  - rule: long-lived-access-key\n    reason: a test\n');
  state.filesChanged([{ uri: configUri, deleted: false }]);
  assert.deepEqual(pub.last(configUri)?.diagnostics, []);
  const n = pub.sent.length;
  state.configProblems.publishFolders();
  assert.equal(pub.sent.length, n, 'unchanged problems are not published again');
  // Turning the scan off clears what it published.
  writeFileSync(file, TEMPLATE);
  await state.scanner.lintFile(file);
  assert.ok(pub.last(uri)?.diagnostics.length);
  await state.applySettings({
    window: normalizeSettings({ workspaceScan: { enabled: false } }),
    byFolder: new Map([[dir, normalizeSettings({})]]),
  });
  await state.scanner.run();
  assert.deepEqual(pub.last(uri)?.diagnostics, []);
  await state.shutdown();
});

test('WorkspaceScanner: "N files linted" counts an open document once, not again from disk', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ajar-count-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const a = join(dir, 'a.template.yaml');
  const b = join(dir, 'b.template.yaml');
  writeFileSync(a, TEMPLATE);
  writeFileSync(b, TEMPLATE);
  const { docs, pub, state } = makeState(async (items) => items.map(() => ({})));
  state.settings.canPull = true;
  state.settings.setFolders([{ path: dir, uri: pathToFileURL(dir).toString() }]);
  await state.refreshSettings(true);
  assert.equal((await state.scanner.run()).files, 2);
  // a.template.yaml open (the file on disk): still two files, its findings from the editor's text
  const uri = pathToFileURL(a).toString();
  docs.set(uri, CLEAN, 1);
  state.open.opened(uri);
  await settled(state);
  const r = await state.scanner.run();
  assert.equal(r.files, 2);
  assert.equal(r.findings, state.open.findingCount() + 1, "b's one finding; a's open text has none");
  assert.match(pub.logs.filter((l) => l.startsWith('workspace scan:')).at(-1) ?? '', /^workspace scan: 1 file linted/);
  // an open document outside the scan (untitled) is linted too: three
  docs.set('untitled:Untitled-1', TEMPLATE, 1);
  state.open.opened('untitled:Untitled-1');
  await settled(state);
  assert.equal((await state.scanner.run()).files, 3);
  await state.shutdown();
});

test('handler groups: capabilities merge into one initialize result', () => {
  const caps = mergeCapabilities(HANDLERS);
  assert.ok(caps.hoverProvider);
  assert.deepEqual(caps.codeActionProvider, { codeActionKinds: ['quickfix', 'source.fixAll.ajar'] });
  assert.deepEqual(caps.workspace?.workspaceFolders, { supported: true, changeNotifications: true });
  const merged = mergeCapabilities([
    { name: 'a', capabilities: { workspace: { workspaceFolders: { supported: true } } }, register: () => {} },
    { name: 'b', capabilities: { workspace: { fileOperations: {} }, hoverProvider: true }, register: () => {} },
  ]);
  assert.deepEqual(merged, {
    workspace: { workspaceFolders: { supported: true }, fileOperations: {} },
    hoverProvider: true,
  });
});

test('OpenDocuments: a small version analysed while a large one is on the worker is analysed once', async () => {
  // A giant paste undone in the same burst: the large version goes to the worker, the small one
  // is analysed here; when the worker answers (a superseded version) nothing is redone.
  const docs = new Docs();
  const pub = new FakePublisher();
  let finish: (() => void) | null = null;
  const sentToWorker: number[] = [];
  const worker = {
    lint: (_uri: string, version: number) => {
      sentToWorker.push(version);
      return new Promise<never>((_resolve, reject) => {
        finish = () => reject(new Error('superseded'));
      });
    },
    forget: () => {},
  };
  const state = new GlobalState(
    docs,
    pub,
    {
      configuration: async () => [],
      createProgress: () => Promise.reject(new Error('no progress in unit tests')),
    },
    { cfn: cfnOff(), worker: worker as never },
  );
  await state.applySettings({ window: normalizeSettings({ trace: { server: 'verbose' } }), byFolder: new Map() }, true);
  const uri = 'untitled:big.template.yaml';
  const big = `${TEMPLATE}Description: "${'x'.repeat(250_000)}"\n`;
  docs.set(uri, big, 1);
  state.open.opened(uri);
  docs.set(uri, `${big}# more\n`, 2);
  state.open.changed(uri);
  await settled(state);
  assert.deepEqual(sentToWorker, [1], 'one analysis in flight per document');
  docs.set(uri, TEMPLATE, 3);
  state.open.changed(uri);
  await settled(state);
  const published = () => pub.sent.filter((s) => s.uri === uri && s.version === 3).length;
  assert.equal(published(), 1);
  (finish as (() => void) | null)?.();
  await settled(state);
  assert.equal(published(), 1, 'version 3 is not analysed and published again');
  assert.equal(pub.logs.filter((l) => / v3 in /.test(l)).length, 1, pub.logs.join('\n'));
  assert.equal(state.open.pending, 0);
});
