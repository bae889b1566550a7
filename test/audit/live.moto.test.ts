/**
 * The live state beside the workspace (lsp/liveState.ts) against moto: after the language
 * server's audit of the account whose stacks test/audit/stacksSeed.ts deployed, each Accounts
 * item of a stack resource names its stack and opens at its template line (or CDK construct);
 * each template resource with a live finding gets a lens: live here, fixed here but not
 * deployed yet, or drift, with the audit's time. Lenses are computed synchronously from the last
 * audit and the document's analysis: nothing is fetched while typing.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ACCOUNT_ID, cleanEnv, startMoto, writeAwsFiles, type AwsFiles, type Moto } from './moto';
import { REGION, REPORTS_BUCKET, STACKS_WORKSPACE, WEB_BUCKET, seedStacks, type SeededStacks } from './stacksSeed';
import { AuditHandlers, type AuditProgress } from '../../server/src/lsp/auditHandlers';
import { LiveState } from '../../server/src/lsp/liveState';
import { lintText } from '../../server/src/engine';
import type { AccountAudit, AuditItem } from '../../server/src/lsp/protocol';
import { CreateOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { DUMMY } from './moto';

let moto: Moto;
let files: AwsFiles;
let seeded: SeededStacks;
let live: LiveState;
let result: AccountAudit;
let changes = 0;
const quiet: AuditProgress = { begin() {}, report() {}, done() {} };
const settings = { profiles: [], regions: [REGION], thresholds: {} };

before(async () => {
  moto = await startMoto();
  seeded = await seedStacks(moto.endpoint);
  files = writeAwsFiles(
    `[default]\nregion = ${REGION}\nendpoint_url = ${moto.endpoint}\n`,
    `[default]\naws_access_key_id = testing\naws_secret_access_key = testing\n`,
  );
  const h = new AuditHandlers(cleanEnv(files));
  live = new LiveState(() => [STACKS_WORKSPACE]);
  live.onChange(() => changes++);
  h.onAudited = (l, at) => live.update(l, at);
  const list = await h.listAccounts(settings);
  result = live.decorate(
    await h.auditAccount({ key: list.accounts[0].key }, settings, undefined, new AbortController().signal, quiet),
  );
});
after(async () => {
  files?.cleanup();
  await moto?.stop();
});

const range = (line: number, start: number, end: number) => ({
  start: { line, character: start },
  end: { line, character: end },
});
const uri = (rel: string) => pathToFileURL(join(STACKS_WORKSPACE, rel)).href;
function item(id: string): AuditItem {
  const found = result.categories.flatMap((c) => c.items).find((i) => i.id === id);
  assert.ok(found, id);
  return found;
}
function lensesOf(rel: string, text = readFileSync(join(STACKS_WORKSPACE, rel), 'utf8')) {
  const analysis = lintText(text, { fileName: join(STACKS_WORKSPACE, rel) });
  return live.lenses(uri(rel), analysis).map((l) => ({
    range: l.range,
    title: l.command.title.replace(/ · audit \d\d:\d\d UTC$/, ' · audit TIME'),
    command: l.command.command,
    args: l.command.arguments[0],
  }));
}

describe('live state in the editor (moto)', () => {
  test('items of stack resources: the stack in the tooltip, the source to open', () => {
    assert.equal(changes, 1);
    const web = item(`arn:aws:s3:::${WEB_BUCKET}`);
    assert.deepEqual(web.stack, {
      name: 'web-prod',
      id: seeded.ids['web-prod'],
      region: REGION,
      logicalId: 'WebBucket',
    });
    assert.match(web.tooltip, /Stack \*\*web-prod\*\* \(us-east-1\), logical id `WebBucket`/);
    assert.deepEqual(web.source, { uri: uri('web/template.yaml'), range: range(3, 2, 11) });
    // The CDK queue opens at the construct's id in the app's source.
    assert.deepEqual(item(seeded.queueArn).source, {
      uri: uri('data/lib/data-stack.ts'),
      range: range(8, 37, 43),
      construct: true,
    });
    assert.deepEqual(item(`arn:aws:s3:::${REPORTS_BUCKET}`).source, {
      uri: uri('reports/reports.yaml'),
      range: range(3, 2, 15),
    });
    const loose = item('arn:aws:s3:::ajar-loose-public');
    assert.equal(loose.stack, undefined);
    assert.equal(loose.source, undefined);
  });

  test('the lenses: live here, fixed here but not deployed, drift; each reveals its item', () => {
    const reveal = (id: string) => ({ accountId: ACCOUNT_ID, id });
    assert.deepEqual(lensesOf('web/template.yaml'), [
      {
        range: range(3, 2, 11),
        title: `Live in ${ACCOUNT_ID} us-east-1, stack web-prod: bucket is public now (AJ531) · audit TIME`,
        command: 'ajar.revealLiveResource',
        args: reveal(`arn:aws:s3:::${WEB_BUCKET}`),
      },
    ]);
    assert.deepEqual(lensesOf('alerts/topic.yaml'), [
      {
        range: range(3, 2, 13),
        title: `Fixed here, not deployed yet: live in ${ACCOUNT_ID} us-east-1, stack alerts-prod, topic is public now (AJ533) · audit TIME`,
        command: 'ajar.revealLiveResource',
        args: reveal(seeded.topicArn),
      },
    ]);
    assert.deepEqual(lensesOf('reports/reports.yaml'), [
      {
        range: range(3, 2, 15),
        title: `Drift: the live bucket policy differs from this template (AJ531, live in ${ACCOUNT_ID} us-east-1, stack legacy-reports) · audit TIME`,
        command: 'ajar.revealLiveResource',
        args: reveal(`arn:aws:s3:::${REPORTS_BUCKET}`),
      },
    ]);
    assert.deepEqual(
      lensesOf('data/cdk.out/DataStack.template.json').map((l) => [l.range.start.line, l.title]),
      [[2, `Live in ${ACCOUNT_ID} us-east-1, stack data-prod: queue is public now (AJ532) · audit TIME`]],
    );
    assert.deepEqual(lensesOf('reports/decoy.yaml'), []);
  });

  test('editing follows the text, not AWS: the policy removed here reads "not deployed yet"', () => {
    const text = readFileSync(join(STACKS_WORKSPACE, 'web/template.yaml'), 'utf8');
    const fixed = text.slice(0, text.indexOf('  WebBucketPolicy:'));
    assert.deepEqual(
      lensesOf('web/template.yaml', fixed).map((l) => l.title),
      [
        `Fixed here, not deployed yet: live in ${ACCOUNT_ID} us-east-1, stack web-prod, bucket is public now (AJ531) · audit TIME`,
      ],
    );
    // Moved down two lines: the lens follows the logical id.
    assert.deepEqual(
      lensesOf('web/template.yaml', `# a comment\n# another\n${text}`).map((l) => l.range),
      [range(5, 2, 11)],
    );
    assert.equal(changes, 1, 'no audit, no change of the live state');
  });

  test('an organization run from the editor feeds the live state too', async () => {
    const orgs = new OrganizationsClient({
      region: REGION,
      endpoint: moto.endpoint,
      credentials: DUMMY,
      maxAttempts: 1,
    });
    await orgs.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    orgs.destroy();
    const h = new AuditHandlers(cleanEnv(files));
    const fresh = new LiveState(() => [STACKS_WORKSPACE]);
    h.onAudited = (l, at) => fresh.update(l, at);
    const spec = { profile: 'default', roleName: 'OrganizationAccountAccessRole', include: [ACCOUNT_ID] };
    const org = await h.auditOrganization(
      { key: 'org:default' },
      { ...settings, organizations: [spec] },
      undefined,
      new AbortController().signal,
      quiet,
      () => {},
    );
    assert.equal(org.error, undefined);
    const analysis = lintText(readFileSync(join(STACKS_WORKSPACE, 'reports/reports.yaml'), 'utf8'), {
      fileName: join(STACKS_WORKSPACE, 'reports/reports.yaml'),
    });
    assert.deepEqual(
      fresh.lenses(uri('reports/reports.yaml'), analysis).map((l) => l.command.title.split(' (')[0]),
      ['Drift: the live bucket policy differs from this template'],
    );
  });
});
