/**
 * Large documents are analysed off the main thread: while a 1 MB template is being analysed,
 * requests about other documents are answered, and its own quick fixes and hover still work.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CodeAction, Hover } from 'vscode-languageserver-protocol';
import { LspClient, fileUri } from './lspClient';

const dir = mkdtempSync(join(tmpdir(), 'ajar-large-'));
let client: LspClient | undefined;
after(async () => {
  await client?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function bigTemplate(blocks: number): string {
  let out = 'AWSTemplateFormatVersion: "2010-09-09"\nDescription: large\nResources:\n';
  for (let i = 0; i < blocks; i++) {
    out += `  Bucket${i}:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: ${i % 50 === 0 ? 'PublicRead' : 'Private'}\n      Tags:\n        - Key: team\n          Value: team-${i % 17}\n  Queue${i}:\n    Type: AWS::SQS::Queue\n    Properties:\n      VisibilityTimeout: ${30 + (i % 5)}\n`;
  }
  return out;
}

test('a 1 MB template: diagnostics, hover and quick fixes via the worker; other documents stay responsive', {
  timeout: 120_000,
}, async () => {
  client = await LspClient.start({ rootDir: dir, settings: { workspaceScan: { enabled: false } } });
  const small = fileUri(join(dir, 'small.yaml'));
  await client.open(
    small,
    'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicRead\n',
  );
  await client.diagnostics(small, (p) => p.version === 1);
  const text = bigTemplate(4500);
  assert.ok(text.length > 900_000);
  const big = fileUri(join(dir, 'big.yaml'));
  await client.open(big, text);
  // Served while the big one is analysed (or just after, on a loaded machine): never wrong.
  const h = await client.request<Hover | null>('textDocument/hover', {
    textDocument: { uri: small },
    position: { line: 5, character: 25 },
  });
  assert.match((h!.contents as { value: string }).value, /AJ111/);
  const p = await client.diagnostics(big, (x) => x.version === 1, 90_000);
  assert.equal(p.diagnostics.length, 90);
  assert.ok(p.diagnostics.every((d) => d.code === 'AJ111'));
  const d = p.diagnostics[1];
  assert.equal(d.range.start.line, 3 + 50 * 11 + 3);
  const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri: big },
    range: d.range,
    context: { diagnostics: [d] },
  });
  assert.ok(
    actions.some((a) => a.isPreferred && a.edit?.changes?.[big]?.length),
    'a preferred quick fix from the worker',
  );
  const hb = await client.request<Hover | null>('textDocument/hover', {
    textDocument: { uri: big },
    position: d.range.start,
  });
  assert.ok(hb);
  // Two quick edits: the newest version is published, never an older one after it.
  await client.change(big, 2, [
    { range: { start: { line: 1, character: 18 }, end: { line: 1, character: 18 } }, text: 'x' },
  ]);
  await client.change(big, 3, [
    { range: { start: { line: 1, character: 18 }, end: { line: 1, character: 19 } }, text: '' },
  ]);
  await client.diagnostics(big, (x) => x.version === 3, 90_000);
  const versions = client.published.get(big)!.map((x) => x.version!);
  assert.deepEqual(
    [...versions].sort((a, b) => a - b),
    versions,
  );
});
