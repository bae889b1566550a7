/**
 * The large-document worker gives its memory back: stopped when idle (RELEASE_IDLE_MS, shortened
 * here through AJAR_LINT_WORKER_IDLE_MS) and when it holds no document any more (RELEASE_EMPTY_MS,
 * 2 s); quick fixes on a large document still work after it was stopped (the analysis is redone).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CodeAction } from 'vscode-languageserver-protocol';
import type { ServerStats } from '../../server/src/lsp/protocol';
import { LspClient, fileUri } from './lspClient';

const dir = mkdtempSync(join(tmpdir(), 'ajar-worker-memory-'));
let client: LspClient | undefined;
after(async () => {
  await client?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (b: number) => `${(b / 1048576).toFixed(0)} MB`;

function bigTemplate(blocks: number): string {
  let out = 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n';
  for (let i = 0; i < blocks; i++)
    out += `  Bucket${i}:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: ${i % 500 === 0 ? 'PublicRead' : 'Private'}\n      Tags:\n        - Key: team\n          Value: team-${i % 17}\n`;
  return out;
}

async function until(c: LspClient, pred: (s: ServerStats) => boolean, ms: number): Promise<ServerStats> {
  const deadline = Date.now() + ms;
  let s = await c.request<ServerStats>('ajar/stats');
  while (!pred(s) && Date.now() < deadline) {
    await sleep(200);
    s = await c.request<ServerStats>('ajar/stats');
  }
  return s;
}

test('the analysis worker stops when idle and after the large document closes', { timeout: 240_000 }, async () => {
  client = await LspClient.start({
    rootDir: dir,
    settings: { workspaceScan: { enabled: false } },
    env: { ...process.env, AJAR_LINT_WORKER_IDLE_MS: '4000' },
  });
  const c = client;
  const small = fileUri(join(dir, 'small.yaml'));
  await c.open(
    small,
    'Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicRead\n',
  );
  await c.diagnostics(small);
  const before = await c.request<ServerStats>('ajar/stats');
  assert.equal(before.analysisWorker, false);

  const text = bigTemplate(24_000);
  assert.ok(text.length > 3_000_000);
  const big = fileUri(join(dir, 'big.yaml'));
  await c.open(big, text);
  const p = await c.diagnostics(big, (x) => x.version === 1, 180_000);
  assert.equal(p.diagnostics.length, 48);
  const loaded = await c.request<ServerStats>('ajar/stats');
  assert.equal(loaded.analysisWorker, true);

  const quickFix = async () => {
    const d = p.diagnostics[3];
    const actions = await c.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: big },
      range: d.range,
      context: { diagnostics: [d] },
    });
    assert.ok(
      actions.some((a) => a.isPreferred && a.edit?.changes?.[big]?.length),
      'a preferred quick fix',
    );
  };
  await quickFix();
  // Idle with the document open: stopped, and the next quick fix redoes the analysis.
  const idle = await until(c, (s) => !s.analysisWorker, 30_000);
  assert.equal(idle.analysisWorker, false);
  await quickFix();
  assert.equal((await c.request<ServerStats>('ajar/stats')).analysisWorker, true);

  await c.close(big);
  const closed = await until(c, (s) => !s.analysisWorker, 30_000);
  assert.equal(closed.analysisWorker, false);
  console.log(
    `RSS: ${mb(before.rss)} before, ${mb(loaded.rss)} with the 3 MB template analysed, ${mb(idle.rss)} idle (worker stopped), ${mb(closed.rss)} after closing it`,
  );
  assert.ok(closed.rss < loaded.rss, 'memory went back');
});
