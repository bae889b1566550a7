/**
 * Handler groups composed: capabilities merged (arrays joined), every group's
 * `workspace/executeCommand` commands announced and dispatched by one handler, a command id
 * declared twice refused at start-up.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ExecuteCommandParams } from 'vscode-languageserver';
import {
  HANDLERS,
  commandTable,
  mergeCapabilities,
  registerCommands,
  type HandlerContext,
  type HandlerGroup,
} from '../../../server/src/lsp/handlers';
import { ruleDocsTarget } from '../../../server/src/lsp/handlers/ruleDocs';

const group = (name: string, ids: string[], extra: Partial<HandlerGroup> = {}): HandlerGroup => ({
  name,
  commands: ids.map((id) => ({ id, run: (args) => `${name}:${id}:${JSON.stringify(args)}` })),
  register() {},
  ...extra,
});

test('mergeCapabilities joins arrays (code action kinds of two groups) and objects key by key', () => {
  const a: HandlerGroup = {
    name: 'a',
    capabilities: { codeActionProvider: { codeActionKinds: ['quickfix', 'refactor'] }, hoverProvider: true },
    register() {},
  };
  const b: HandlerGroup = {
    name: 'b',
    capabilities: {
      codeActionProvider: { codeActionKinds: ['quickfix', 'source.fixAll.ajar'], resolveProvider: false },
    },
    register() {},
  };
  assert.deepEqual(mergeCapabilities([a, b]), {
    codeActionProvider: { codeActionKinds: ['quickfix', 'refactor', 'source.fixAll.ajar'], resolveProvider: false },
    hoverProvider: true,
  });
});

test('executeCommandProvider.commands is the union of every group’s commands', () => {
  const caps = mergeCapabilities([group('one', ['x.a']), group('none', []), group('two', ['x.b', 'x.c'])]);
  assert.deepEqual(caps.executeCommandProvider, { commands: ['x.a', 'x.b', 'x.c'] });
  assert.equal(mergeCapabilities([group('none', [])]).executeCommandProvider, undefined);
});

test('a command id declared by two groups is an error at start-up', () => {
  const groups = [group('cdk', ['x.same']), group('docs', ['x.other', 'x.same'])];
  assert.throws(() => commandTable(groups), /x\.same is declared by both the cdk and the docs handler groups/);
  assert.throws(() => mergeCapabilities(groups), /x\.same/);
});

test('one executeCommand handler dispatches to the group that declares the command', async () => {
  let handler: ((p: ExecuteCommandParams) => Promise<unknown>) | undefined;
  let installed = 0;
  const connection = {
    onExecuteCommand(h: (p: ExecuteCommandParams) => Promise<unknown>) {
      installed++;
      handler = h;
    },
  };
  const ctx = { connection } as unknown as HandlerContext;
  registerCommands([group('one', ['x.a']), group('two', ['x.b'])], ctx);
  assert.equal(installed, 1);
  assert.equal(await handler!({ command: 'x.b', arguments: [1, 'z'] }), 'two:x.b:[1,"z"]');
  assert.equal(await handler!({ command: 'x.a' }), 'one:x.a:[]');
  assert.equal(await handler!({ command: 'x.unknown', arguments: [] }), null);
});

test('the server’s own groups: no duplicate command, each one announced', () => {
  const ids = [...commandTable(HANDLERS).keys()];
  assert.ok(ids.includes('ajar.showSynthesizedResource'), ids.join());
  assert.ok(ids.includes('ajar.openRuleDocs'), ids.join());
  assert.deepEqual(mergeCapabilities(HANDLERS).executeCommandProvider?.commands, ids);
});

test('ajar.openRuleDocs shows the shipped page, else the web page; nothing for what is not a rule', () => {
  const repoDocs = resolve(__dirname, '..', '..', '..', 'docs', 'rules');
  assert.deepEqual(ruleDocsTarget('aj301', [repoDocs]), { uri: pathToFileURL(join(repoDocs, 'AJ301.md')).toString() });
  // a live rule's page ships too
  assert.deepEqual(ruleDocsTarget('AJ533', [repoDocs]), { uri: pathToFileURL(join(repoDocs, 'AJ533.md')).toString() });
  assert.deepEqual(ruleDocsTarget('AJ301', [join(repoDocs, 'missing')]), {
    uri: 'https://github.com/ajar-dev/ajar/blob/main/docs/rules/AJ301.md',
    external: true,
  });
  for (const bad of ['AJ999', '../../package', 42, undefined]) assert.equal(ruleDocsTarget(bad, [repoDocs]), null);
});
