/**
 * The organization through the language server (dist/server.js over stdio), as the Accounts view
 * drives it: `ajar.audit.organizations` (or a trusted workspace's `.ajar.yaml`) lists the
 * organization without reading it; ajar/auditOrganization reads the tree, streams one
 * ajar/organizationProgress per account (N of M), answers the tree with per-account counts and the
 * summary; each member's categories are then ajar/auditAccount's answer, and a refresh of one
 * member re-assumes its role. Cancelling stops the accounts not yet started.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  AccountAudit,
  ListAccountsResult,
  OrganizationAudit,
  OrganizationProgressParams,
} from '../../server/src/lsp/protocol';
import { CancellationTokenSource } from 'vscode-jsonrpc';
import { LspClient } from '../protocol/lspClient';
import { cleanEnv, startFaultProxy, startMoto, writeAwsFiles, type AwsFiles, type FaultProxy, type Moto } from './moto';
import { MANAGEMENT_ACCOUNT_ID, MEMBER_ROLE, seedOrganization, type SeededOrganization } from './orgSeed';

const REGIONS = ['us-east-1', 'eu-west-1'];
const ORG = { profile: 'mgmt', roleName: MEMBER_ROLE };

let moto: Moto;
let proxy: FaultProxy;
let org: SeededOrganization;
let files: AwsFiles;
let work: string;

before(async () => {
  moto = await startMoto();
  proxy = await startFaultProxy(moto.endpoint);
  org = await seedOrganization(moto.endpoint);
  files = writeAwsFiles(
    `[profile mgmt]\nregion = us-east-1\nendpoint_url = ${proxy.endpoint}\n`,
    `[mgmt]\naws_access_key_id = testing\naws_secret_access_key = testing\n`,
  );
  proxy.denyAssumeRole.add(org.accounts['broken-e']);
  work = mkdtempSync(join(tmpdir(), 'ajar-org-ws-'));
});
after(async () => {
  await proxy?.close();
  await moto?.stop();
  files?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

function start(settings: Record<string, unknown>, opts: { trusted?: boolean } = {}) {
  return LspClient.start({
    rootDir: work,
    env: cleanEnv(files),
    settings: { workspaceScan: { enabled: false }, ...settings },
    ...(opts.trusted !== undefined ? { initializationOptions: { trusted: opts.trusted } } : {}),
  });
}

describe('the organization through the language server', () => {
  test('listed without a read; audited with progress N of M; each member answers ajar/auditAccount', async () => {
    proxy.denyServicesIn.set(org.accounts['dev-c'], new Set(['sns']));
    const c = await start({ audit: { regions: REGIONS, organizations: [ORG] } });
    try {
      const before = proxy.assumeRoles.length;
      const list = await c.request<ListAccountsResult>('ajar/listAccounts');
      assert.deepEqual(list.organizations, [
        { key: 'org:mgmt', profile: 'mgmt', roleName: MEMBER_ROLE, label: 'Organization (mgmt)' },
      ]);
      // Nothing is read until asked.
      assert.equal(proxy.assumeRoles.length, before);

      const res = await c.request<OrganizationAudit>('ajar/auditOrganization', {
        key: 'org:mgmt',
        workDoneToken: 'org-1',
      });
      const id = org.accounts;
      assert.equal(res.id, org.id);
      assert.equal(res.managementAccountId, MANAGEMENT_ACCOUNT_ID);
      assert.equal(res.error, undefined);
      assert.deepEqual(
        res.units.map((u) => [u.path, u.parentId === null]),
        [
          ['Root', true],
          ['Root/Sandbox', false],
          ['Root/Workloads', false],
          ['Root/Workloads/Prod', false],
        ],
      );
      const line = (name: string) => res.accounts.find((a) => a.name === name)!;
      assert.deepEqual(
        res.accounts.map((a) => [a.name, a.ou, a.state, a.counts.error, a.counts.warning, a.rules.join(',')]),
        [
          ['master', 'Root', 'audited', 1, 1, 'AJ511,AJ534'],
          ['broken-e', 'Root/Sandbox', 'failed', 0, 0, ''],
          ['sandbox-d', 'Root/Sandbox', 'audited', 1, 1, 'AJ533,AJ534'],
          ['dev-c', 'Root/Workloads', 'audited', 1, 1, 'AJ532,AJ534'],
          ['prod-a', 'Root/Workloads/Prod', 'audited', 1, 1, 'AJ531,AJ534'],
          ['prod-b', 'Root/Workloads/Prod', 'audited', 0, 2, 'AJ521,AJ534'],
        ],
      );
      // The failure is on its account: the role could not be assumed.
      assert.match(line('broken-e').error!, /could not assume arn:aws:iam::\d+:role\/OrganizationAccountAccessRole/);
      // dev-c's denied SNS (two regions) besides what moto cannot answer (root user, IMDS defaults per region).
      assert.equal(line('dev-c').unread, line('prod-a').unread + 2);
      assert.deepEqual(res.summary, {
        listed: 6,
        selected: 6,
        audited: 5,
        failed: 1,
        counts: { error: 4, warning: 6, information: 0 },
        byRule: { AJ511: 1, AJ521: 1, AJ531: 1, AJ532: 1, AJ533: 1, AJ534: 5 },
      });

      // Streamed: the tree first (every account pending), then one notification per account, N of M.
      const notes = c.notifications
        .filter((n) => n.method === 'ajar/organizationProgress')
        .map((n) => n.params as OrganizationProgressParams);
      assert.equal(notes[0].kind, 'tree');
      assert.deepEqual(
        notes[0].tree!.accounts.map((a) => a.state),
        Array(6).fill('pending'),
      );
      assert.deepEqual(
        notes.slice(1).map((n) => `${n.kind} ${n.done}/${n.total}`),
        [1, 2, 3, 4, 5, 6].map((i) => `account ${i}/6`),
      );
      assert.deepEqual(
        notes
          .slice(1)
          .map((n) => n.account!.name)
          .sort(),
        ['broken-e', 'dev-c', 'master', 'prod-a', 'prod-b', 'sandbox-d'],
      );
      const messages = c.progress.filter((p) => p.token === 'org-1').map((p) => p.value.message ?? p.value.title);
      assert.ok(messages.includes('6 of 6 accounts'), messages.join(' | '));

      // Each member's node, as for an account today, answered from the organization's audit.
      const calls = proxy.assumeRoles.length;
      const a = await c.request<AccountAudit>('ajar/auditAccount', { key: id['prod-a'] });
      assert.equal(proxy.assumeRoles.length, calls);
      const s3 = a.categories.find((x) => x.id === 's3')!;
      assert.deepEqual(
        s3.items.filter((i) => i.findings.length).map((i) => [i.label, i.findings.map((f) => f.ruleId).join(',')]),
        [
          ['prod-a-public', 'AJ531'],
          ['Account Block Public Access', 'AJ534'],
        ],
      );
      const failed = await c.request<AccountAudit>('ajar/auditAccount', { key: id['broken-e'] });
      assert.match(failed.error!, /could not assume/);
      assert.deepEqual(failed.categories, []);
      // A refresh of one member assumes its role again, and only its.
      const refreshed = await c.request<AccountAudit>('ajar/auditAccount', { key: id['prod-b'], refresh: true });
      const ec2 = refreshed.categories.find((x) => x.id === 'ec2')!;
      assert.deepEqual(
        ec2.items.map((i) => i.findings.map((f) => f.ruleId).join(',')),
        ['AJ521'],
      );
      assert.deepEqual(
        proxy.assumeRoles.slice(calls).map((r) => r.roleArn),
        [`arn:aws:iam::${id['prod-b']}:role/${MEMBER_ROLE}`],
      );
      // Listed again: the organization says when it was audited.
      const again = await c.request<ListAccountsResult>('ajar/listAccounts');
      assert.equal(again.organizations![0].auditedAt, res.auditedAt);
      // Answered from the last audit unless refreshed.
      const cachedCalls = proxy.assumeRoles.length;
      assert.deepEqual(await c.request('ajar/auditOrganization', { key: 'org:mgmt' }), res);
      assert.equal(proxy.assumeRoles.length, cachedCalls);
    } finally {
      proxy.denyServicesIn.delete(org.accounts['dev-c']);
      await c.stop();
    }
  });

  test('cancel: the accounts not yet started are failed with why, the result says cancelled', async () => {
    const c = await start({ audit: { regions: REGIONS, organizations: [ORG] } });
    try {
      // As the client cancels: the request's own cancellation ($/cancelRequest), once the first account is audited.
      const cancel = new CancellationTokenSource();
      const first = c.notification(
        'ajar/organizationProgress',
        (p) => (p as OrganizationProgressParams).account?.state === 'audited',
        60_000,
        false,
      );
      const pending = c.conn.sendRequest(
        'ajar/auditOrganization',
        { key: 'org:mgmt', refresh: true },
        cancel.token,
      ) as Promise<OrganizationAudit>;
      await first;
      cancel.cancel();
      const res = await pending;
      assert.equal(res.cancelled, true);
      assert.equal(res.accounts.length, 6);
      const audited = res.accounts.filter((a) => a.state === 'audited');
      const stopped = res.accounts.filter((a) => a.state === 'failed' && /stopped/.test(a.error ?? ''));
      assert.ok(
        audited.length >= 1 && stopped.length >= 1,
        JSON.stringify(res.accounts.map((a) => [a.name, a.state, a.error])),
      );
      // Every account is either audited, or failed with why (the role, or the stop).
      assert.ok(res.accounts.every((a) => a.state === 'audited' || a.error));
      assert.equal(res.summary.audited + res.summary.failed, 6);
    } finally {
      await c.stop();
    }
  });

  test('.ajar.yaml audit.organizations applies when the setting is empty, in a trusted workspace only', async () => {
    writeFileSync(
      join(work, '.ajar.yaml'),
      `audit:\n  organizations:\n    - profile: mgmt\n      roleName: ${MEMBER_ROLE}\n      include: [${org.ous.prod}]\n`,
    );
    try {
      const trusted = await start({ audit: { regions: REGIONS } }, { trusted: true });
      try {
        const list = await trusted.request<ListAccountsResult>('ajar/listAccounts');
        assert.deepEqual(
          list.organizations?.map((o) => o.key),
          ['org:mgmt'],
        );
        const res = await trusted.request<OrganizationAudit>('ajar/auditOrganization', { key: 'org:mgmt' });
        assert.deepEqual(
          res.accounts.map((a) => a.name),
          ['prod-a', 'prod-b'],
        );
        assert.equal(res.summary.listed, 6);
      } finally {
        await trusted.stop();
      }
      const untrusted = await start({ audit: { regions: REGIONS } }, { trusted: false });
      try {
        const list = await untrusted.request<ListAccountsResult>('ajar/listAccounts');
        assert.equal(list.organizations, undefined);
        const res = await untrusted.request<OrganizationAudit>('ajar/auditOrganization', { key: 'org:mgmt' });
        assert.match(res.error!, /unknown organization/);
      } finally {
        await untrusted.stop();
      }
    } finally {
      rmSync(join(work, '.ajar.yaml'), { force: true });
    }
  });
});
