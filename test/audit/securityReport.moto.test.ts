/**
 * `ajar/securityReport` against moto: the language server audits the two posture accounts (the
 * default one and a member reached by a role profile), then serves the report page of those last
 * audits: the same figures as `ajar audit --format json`, a webview page whose only script carries
 * the nonce, the script-free page to save, each figure's resources for the Accounts view; a
 * category refresh replaces that category in the report.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'parse5';
import { ACCOUNT_ID, cleanEnv, startMoto, writeAwsFiles, type AwsFiles, type Moto } from './moto';
import { MEMBER_ID, MEMBER_ROLE, seedPostureAccounts } from './postureSeed';
import { AuditHandlers, type AuditProgress } from '../../server/src/lsp/auditHandlers';
import { LspClient } from '../protocol/lspClient';
import type { ListAccountsResult, SecurityReportResult } from '../../server/src/lsp/protocol';
import { CreateQueueCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { seedClients, publicPolicy } from './seed';

const ROOT = resolve(__dirname, '../..');
const SERVER = join(ROOT, 'dist', 'server.js');

let moto: Moto;
let files: AwsFiles;
const settings = { profiles: [], regions: ['us-east-1'], thresholds: {} };
const quiet: AuditProgress = { begin() {}, report() {}, done() {} };

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    newest = Math.max(newest, st.isDirectory() ? newestMtime(p) : st.mtimeMs);
  }
  return newest;
}

before(async () => {
  moto = await startMoto();
  await seedPostureAccounts(moto.endpoint);
  files = writeAwsFiles(
    `[default]\nregion = us-east-1\nendpoint_url = ${moto.endpoint}\n\n[profile member]\nrole_arn = ${MEMBER_ROLE}\nsource_profile = default\nregion = us-east-1\nendpoint_url = ${moto.endpoint}\n\n[profile broken]\nregion = us-east-1\nendpoint_url = ${moto.endpoint}\n`,
    `[default]\naws_access_key_id = testing\naws_secret_access_key = testing\n`,
  );
});
after(async () => {
  files?.cleanup();
  await moto?.stop();
});

function figures(r: SecurityReportResult) {
  return Object.fromEntries(r.figures.map((f) => [f.id, f.resources.map((x) => `${x.accountId} ${x.label}`)]));
}

describe('ajar/securityReport', () => {
  test('the report of the last audits: figures, resources, the webview page and the page to save', async () => {
    const h = new AuditHandlers(cleanEnv(files));
    assert.equal(h.securityReport({ nonce: 'n' }).html, null, 'nothing audited yet');
    const list = await h.listAccounts(settings);
    for (const a of list.accounts)
      await h.auditAccount({ key: a.key }, settings, undefined, new AbortController().signal, quiet);
    const r = h.securityReport({ nonce: 'abc123' });
    assert.equal(r.accounts, 2);
    const by = figures(r);
    assert.deepEqual(by['iam-users-console-no-mfa'], [`${ACCOUNT_ID} ann`, `${ACCOUNT_ID} gus`, `${MEMBER_ID} hal`]);
    assert.deepEqual(by['s3-buckets-public'], [
      `${ACCOUNT_ID} posture-public-acl`,
      `${ACCOUNT_ID} posture-public-policy`,
    ]);
    assert.equal(by['instances-imdsv1'].length, 4);
    assert.deepEqual(by['sqs-queues-public'], [`${ACCOUNT_ID} posture-public-queue`]);
    assert.deepEqual(by.accounts, [`${ACCOUNT_ID} ${ACCOUNT_ID}`, `${MEMBER_ID} ${MEMBER_ID}`]);
    // The webview page: exactly one script, with the nonce the CSP names; nothing remote.
    const html = r.html!;
    assert.match(html, /script-src 'nonce-abc123'/);
    assert.equal((html.match(/<script/g) ?? []).length, 1);
    assert.match(html, /<script nonce="abc123">/);
    assert.ok(!/https?:/i.test(html));
    assert.ok(parse(html));
    assert.match(html, /33%/); // console users without MFA: 3 of 9
    assert.match(html, /profile broken/, 'the profile that could not authenticate is named');
    // The page to save has no script at all.
    assert.ok(!/<script/i.test(r.file!));
    assert.match(r.fileName, /^ajar-security-report-\d{4}-\d{2}-\d{2}\.html$/);
  });

  test('a category refresh replaces that category in the report', async () => {
    const h = new AuditHandlers(cleanEnv(files));
    const list = await h.listAccounts(settings);
    const main = list.accounts.find((a) => a.profiles.includes('default'))!;
    await h.auditAccount({ key: main.key }, settings, undefined, new AbortController().signal, quiet);
    const before = figures(h.securityReport({ nonce: 'n' }));
    assert.deepEqual(before['sqs-queues-public'], [`${ACCOUNT_ID} posture-public-queue`]);
    // A second public queue, then only SQS is audited again.
    const sqs = seedClients(moto.endpoint).sqs('us-east-1');
    const q = await sqs.send(new CreateQueueCommand({ QueueName: 'posture-later-queue' }));
    await sqs.send(
      new SetQueueAttributesCommand({
        QueueUrl: q.QueueUrl!,
        Attributes: {
          Policy: publicPolicy(`arn:aws:sqs:us-east-1:${ACCOUNT_ID}:posture-later-queue`, 'sqs:SendMessage'),
        },
      }),
    );
    sqs.destroy();
    await h.auditAccount(
      { key: ACCOUNT_ID, refresh: true, category: 'sqs' },
      settings,
      undefined,
      new AbortController().signal,
      quiet,
    );
    const after = figures(h.securityReport({ nonce: 'n' }));
    assert.deepEqual(after['sqs-queues-public'], [
      `${ACCOUNT_ID} posture-later-queue`,
      `${ACCOUNT_ID} posture-public-queue`,
    ]);
    // Everything else is the full audit's.
    assert.deepEqual(after['iam-users-console-no-mfa'], before['iam-users-console-no-mfa']);
    assert.deepEqual(after['s3-buckets-public'], before['s3-buckets-public']);
  });

  test('through the built language server', async () => {
    const src = newestMtime(join(ROOT, 'server/src'));
    if (!existsSync(SERVER) || statSync(SERVER).mtimeMs < src) {
      const b = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8' });
      assert.equal(b.status, 0, b.stderr);
    }
    const client = await LspClient.start({
      env: cleanEnv(files),
      settings: { audit: { regions: ['us-east-1'] } },
    });
    try {
      const list = await client.request<ListAccountsResult>('ajar/listAccounts');
      assert.equal(list.accounts.length, 3);
      for (const a of list.accounts) await client.request('ajar/auditAccount', { key: a.key });
      const r = await client.request<SecurityReportResult>('ajar/securityReport', { nonce: 'xyz' });
      assert.equal(r.accounts, 2);
      assert.deepEqual(figures(r)['iam-users-console-no-mfa'], [
        `${ACCOUNT_ID} ann`,
        `${ACCOUNT_ID} gus`,
        `${MEMBER_ID} hal`,
      ]);
      assert.match(r.html ?? '', /<script nonce="xyz">/);
    } finally {
      await client.stop();
    }
  });
});
