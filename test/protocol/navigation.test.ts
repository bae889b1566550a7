/**
 * Navigation over stdio, as any LSP client (Neovim included) gets it: the outline
 * (textDocument/documentSymbol), go to definition and find references, in YAML and JSON, for a
 * small document (analysed on the main thread) and a large one (analysed on the worker thread).
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DocumentSymbol, Location } from 'vscode-languageserver-protocol';
import { LspClient, fileUri } from './lspClient';

const TEMPLATE = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Env:
    Type: String
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Condition: IsProd
  Queue:
    Type: AWS::SQS::Queue
    DependsOn: Bucket
    Properties:
      QueueName: !Sub "\${Env}-\${Bucket.Arn}-\${AWS::Region}"
      Tags:
        - Key: b
          Value: !GetAtt [Bucket, Arn]
Outputs:
  Name:
    Value: !Ref Queue
`;

const dir = mkdtempSync(join(tmpdir(), 'ajar-nav-'));
let c: LspClient;
before(async () => {
  c = await LspClient.start({ rootDir: dir, settings: { workspaceScan: { enabled: false } } });
});
after(async () => {
  await c?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const pos = (line: number, character: number) => ({ line, character });
/** The position of `needle` (its `nth` occurrence) in TEMPLATE, plus `delta` characters. */
function posOf(needle: string, delta = 0, nth = 0): { line: number; character: number } {
  let i = -1;
  for (let k = 0; k <= nth; k++) i = TEMPLATE.indexOf(needle, i + 1);
  assert.ok(i >= 0, needle);
  const before = TEMPLATE.slice(0, i + delta).split('\n');
  return pos(before.length - 1, before[before.length - 1].length);
}
const where = (l: Location) =>
  `${l.range.start.line}:${l.range.start.character}-${l.range.end.line}:${l.range.end.character}`;

test('initialize announces the outline, definitions and references', () => {
  const caps = c.initializeResult?.capabilities;
  assert.ok(caps?.documentSymbolProvider);
  assert.equal(caps?.definitionProvider, true);
  assert.equal(caps?.referencesProvider, true);
});

test('the outline: sections, resources by logical id with their type, exact ranges', async () => {
  const uri = fileUri(join(dir, 'template.yaml'));
  await c.open(uri, TEMPLATE);
  const symbols = await c.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
  assert.deepEqual(
    symbols.map((s) => `${s.name} ${s.kind} ${s.children?.map((k) => `${k.name}:${k.detail ?? ''}`).join(',') ?? ''}`),
    [
      'AWSTemplateFormatVersion 3 ',
      'Parameters 3 Env:String',
      'Conditions 3 IsProd:',
      'Resources 3 Bucket:AWS::S3::Bucket,Queue:AWS::SQS::Queue',
      'Outputs 3 Name:',
    ],
  );
  const queue = symbols[3].children?.[1] as DocumentSymbol;
  assert.equal(queue.kind, 5, 'a resource is a Class symbol');
  assert.deepEqual(queue.selectionRange, { start: pos(10, 2), end: pos(10, 7) });
  assert.deepEqual(queue.range, { start: pos(10, 2), end: pos(17, 38) });
});

test('definition: !Ref, ${X} and ${X.Attr} in !Sub, !GetAtt list, DependsOn, Condition; none for AWS::Region', async () => {
  const uri = fileUri(join(dir, 'template.yaml'));
  const def = async (p: { line: number; character: number }) =>
    (await c.request<Location[]>('textDocument/definition', { textDocument: { uri }, position: p })).map(
      (l) => `${l.uri === uri ? '' : l.uri} ${where(l)}`,
    );
  assert.deepEqual(await def(posOf('!Ref Queue', 6)), [' 10:2-10:7'], '!Ref Queue');
  assert.deepEqual(await def(posOf('${Env}', 3)), [' 2:2-2:5'], '${Env}');
  assert.deepEqual(await def(posOf('${Bucket.Arn}', 3)), [' 7:2-7:8'], '${Bucket.Arn}');
  assert.deepEqual(await def(posOf('${Bucket.Arn}', 10)), [], 'the attribute');
  assert.deepEqual(await def(posOf('AWS::Region', 2)), [], '${AWS::Region}');
  assert.deepEqual(await def(posOf('[Bucket, Arn]', 1)), [' 7:2-7:8'], '!GetAtt [Bucket, Arn]');
  assert.deepEqual(await def(posOf('DependsOn: Bucket', 12)), [' 7:2-7:8'], 'DependsOn');
  assert.deepEqual(await def(posOf('Condition: IsProd', 12)), [' 5:2-5:8'], 'Condition');
  assert.deepEqual(await def(posOf('!Ref Env', 6)), [' 2:2-2:5'], '!Ref Env in a condition');
  // The positions are the template's own: line 14 holds the !Sub.
  assert.deepEqual(posOf('${Env}', 2), pos(14, 25));
});

test('references: every use of Bucket, the declaration only when asked', async () => {
  const uri = fileUri(join(dir, 'template.yaml'));
  const refs = async (includeDeclaration: boolean) =>
    (
      await c.request<Location[]>('textDocument/references', {
        textDocument: { uri },
        position: pos(7, 4),
        context: { includeDeclaration },
      })
    ).map(where);
  assert.deepEqual(await refs(true), ['7:2-7:8', '12:15-12:21', '14:32-14:38', '17:26-17:32']);
  assert.deepEqual(await refs(false), ['12:15-12:21', '14:32-14:38', '17:26-17:32']);
});

test('after an edit the answers follow the new text', async () => {
  const uri = fileUri(join(dir, 'template.yaml'));
  // Rename the resource Bucket to Store: its uses no longer resolve.
  await c.change(uri, 2, [{ range: { start: pos(7, 2), end: pos(7, 8) }, text: 'Store' }]);
  const defs = await c.request<Location[]>('textDocument/definition', {
    textDocument: { uri },
    position: pos(12, 16),
  });
  assert.deepEqual(defs, []);
  const symbols = await c.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
  assert.equal(symbols[3].children?.[0].name, 'Store');
});

test('JSON, and a large document analysed on the worker thread', async () => {
  const resources: Record<string, unknown> = {};
  for (let i = 0; i < 3000; i++)
    resources[`Queue${i}`] = {
      Type: 'AWS::SQS::Queue',
      Properties: { QueueName: { 'Fn::Sub': `\${Base}-${i}-padding-to-make-this-document-large` } },
      ...(i > 0 ? { DependsOn: [`Queue${i - 1}`] } : {}),
    };
  const text = JSON.stringify(
    { AWSTemplateFormatVersion: '2010-09-09', Parameters: { Base: { Type: 'String' } }, Resources: resources },
    null,
    2,
  );
  assert.ok(text.length > 300_000, `${text.length} chars: over the worker threshold`);
  const uri = fileUri(join(dir, 'big.template.json'));
  await c.open(uri, text, 'json');
  const lines = text.split('\n');
  const baseLine = lines.findIndex((l) => l.includes('"Base": {'));
  const useLine = lines.findIndex((l) => l.includes('${Base}-2999-'));
  const defs = await c.request<Location[]>('textDocument/definition', {
    textDocument: { uri },
    position: pos(useLine, lines[useLine].indexOf('${Base}') + 3),
  });
  assert.deepEqual(defs.map(where), [
    `${baseLine}:${lines[baseLine].indexOf('Base')}-${baseLine}:${lines[baseLine].indexOf('Base') + 4}`,
  ]);
  const refs = await c.request<Location[]>('textDocument/references', {
    textDocument: { uri },
    position: pos(baseLine, lines[baseLine].indexOf('Base') + 1),
    context: { includeDeclaration: false },
  });
  assert.equal(refs.length, 3000);
  const symbols = await c.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
  assert.equal(symbols.find((s) => s.name === 'Resources')?.children?.length, 3000);
});

test('not a template: no outline, no definition', async () => {
  const uri = fileUri(join(dir, 'workflow.yml'));
  await c.open(uri, 'name: ci\non: push\njobs:\n  a:\n    runs-on: x\n');
  assert.equal(await c.request('textDocument/documentSymbol', { textDocument: { uri } }), null);
  assert.equal(await c.request('textDocument/definition', { textDocument: { uri }, position: pos(0, 1) }), null);
});
