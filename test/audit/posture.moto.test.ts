/**
 * Posture figures end to end against moto: two accounts (the default one and a member reached by
 * a role profile) seeded with known counts, `ajar audit --format json` run in process as of a
 * later date, every figure exact; the HTML page of the same audit parses, references nothing
 * outside itself and renders in Chromium; three runs saved with --save show their trend.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'parse5';
import { ACCOUNT_ID, cleanEnv, startMoto, writeAwsFiles, type AwsFiles, type Moto } from './moto';
import { MEMBER_ID, MEMBER_ROLE, seedPostureAccounts } from './postureSeed';
import { runAudit } from '../../server/src/cli/audit';
import type { AuditDocument } from '../../server/src/report/document';

const DAY = 86_400_000;

let moto: Moto;
let files: AwsFiles;
let seededAt: number;

before(async () => {
  moto = await startMoto();
  seededAt = Date.now();
  await seedPostureAccounts(moto.endpoint);
  files = writeAwsFiles(
    `[default]\nregion = us-east-1\nendpoint_url = ${moto.endpoint}\n\n[profile member]\nrole_arn = ${MEMBER_ROLE}\nsource_profile = default\nregion = us-east-1\nendpoint_url = ${moto.endpoint}\n`,
    `[default]\naws_access_key_id = testing\naws_secret_access_key = testing\n`,
  );
});
after(async () => {
  files?.cleanup();
  await moto?.stop();
});

/** Runs `ajar audit` in process; returns exit code, stdout and stderr. */
export async function audit(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runAudit(['--region', 'us-east-1', '--fail-on', 'none', ...args], {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: cleanEnv(files),
  });
  return { code, stdout, stderr };
}

/** As of N days and a half after seeding (ages are whole days: no rounding at the edge). */
const asOf = (days: number) => new Date(seededAt + days * DAY + DAY / 2).toISOString();

type Row = [number, number | null, number | boolean | null];
function figures(doc: AuditDocument): Record<string, Row> {
  return Object.fromEntries(
    doc.posture.figures.map((f) => [
      f.id,
      [f.numerator, f.denominator, typeof f.value === 'number' ? +f.value.toFixed(4) : f.value] as Row,
    ]),
  );
}

describe('posture figures against moto', () => {
  test('two accounts, as of 100 days after seeding: every figure exact in the JSON', async () => {
    const r = await audit(['--format', 'json', '--as-of', asOf(100)]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as AuditDocument;
    assert.deepEqual(
      doc.accounts.map((a) => a.accountId),
      [MEMBER_ID, ACCOUNT_ID].sort(),
    );
    assert.deepEqual(figures(doc), {
      'iam-users-inactive-credentials': [7, 9, 0.7778],
      'iam-users-stale-key': [0, 9, 0],
      'iam-users-old-key': [4, 9, 0.4444],
      'iam-users-old-key-of-key-holders': [4, 4, 1],
      'iam-users-console-no-mfa': [3, 9, 0.3333],
      // moto answers AccountAccessKeysPresent = 0 and has no <root_account> row:
      'accounts-root-access-key': [0, 2, 0],
      'root-used-30-days': [0, 0, null],
      'instances-imdsv1': [4, 8, 0.5],
      's3-buckets-public': [2, 6, 0.3333],
      'sns-topics-public': [0, 1, false],
      'sqs-queues-public': [1, 2, true],
      accounts: [2, null, 2],
    });
    const by = Object.fromEntries(doc.posture.figures.map((f) => [f.id, f]));
    assert.deepEqual(
      by['iam-users-console-no-mfa'].resources.map((x) => `${x.accountId} ${x.label}`),
      [`${ACCOUNT_ID} ann`, `${ACCOUNT_ID} gus`, `${MEMBER_ID} hal`],
    );
    assert.deepEqual(
      by['instances-imdsv1'].resources.map((x) => x.label.replace(/^i-\w+ /, '')).sort(),
      ['(batch)', '(web-1)', '(web-2)', '(web-3)'].sort(),
    );
    assert.deepEqual(
      by['s3-buckets-public'].resources.map((x) => x.label),
      ['posture-public-acl', 'posture-public-policy'],
    );
    assert.equal(by['root-used-30-days'].unknown, 2);
    assert.match(by['root-used-30-days'].note ?? '', /could not be read in 2 accounts/);
    assert.deepEqual(
      by.accounts.organizations.map((o) => o.value),
      [true, false],
    );
    // Per account.
    const member = doc.posture.accounts.find((a) => a.accountId === MEMBER_ID)!;
    const m = Object.fromEntries(member.figures.map((f) => [f.id, [f.numerator, f.denominator, f.value]]));
    assert.deepEqual(m['iam-users-console-no-mfa'], [1, 2, 0.5]);
    assert.deepEqual(m['instances-imdsv1'], [0, 1, 0]);
    assert.deepEqual(m['sqs-queues-public'], [0, 0, null]);
    assert.deepEqual(
      doc.posture.thresholds.filter((t) => t.days !== t.reportDays),
      [],
    );
  });

  test('ages move with --as-of: 10 days (nothing old yet) and 400 days (stale keys)', async () => {
    const early = JSON.parse((await audit(['--format', 'json', '--as-of', asOf(10)])).stdout) as AuditDocument;
    const e = figures(early);
    assert.deepEqual(e['iam-users-inactive-credentials'], [0, 9, 0]);
    assert.deepEqual(e['iam-users-old-key'], [0, 9, 0]);
    assert.deepEqual(e['iam-users-old-key-of-key-holders'], [0, 4, 0]);
    assert.deepEqual(e['iam-users-stale-key'], [0, 9, 0]);
    const late = JSON.parse((await audit(['--format', 'json', '--as-of', asOf(400)])).stdout) as AuditDocument;
    const l = figures(late);
    assert.deepEqual(l['iam-users-stale-key'], [4, 9, 0.4444]);
    assert.deepEqual(l['iam-users-old-key'], [4, 9, 0.4444]);
    assert.deepEqual(l['iam-users-inactive-credentials'], [7, 9, 0.7778]);
  });

  test('--format html: one page that parses, references nothing outside itself, and renders in Chromium', async (t) => {
    const r = await audit(['--format', 'html', '--as-of', asOf(100)]);
    assert.equal(r.code, 0, r.stderr);
    const html = r.stdout;
    assert.ok(!/https?:/i.test(html) && !/<script/i.test(html));
    const tags: string[] = [];
    const visit = (n: { tagName?: string; attrs?: { name: string; value: string }[]; childNodes?: unknown[] }) => {
      if (n.tagName) tags.push(n.tagName);
      for (const a of n.attrs ?? []) if (a.name === 'src' || a.name === 'href') assert.match(a.value, /^data:/);
      for (const c of (n.childNodes ?? []) as (typeof n)[]) visit(c);
    };
    visit(parse(html) as never);
    assert.equal(tags.filter((x) => x === 'article').length, 12);
    assert.match(html, /Account by account/);
    assert.match(html, /posture-public-policy/);
    const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
    if (!chromium) {
      t.skip('no chromium (scripts/setup-e2e.sh installs it)');
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'ajar-report-'));
    try {
      const page = join(dir, 'report.html');
      const png = join(dir, 'report.png');
      writeFileSync(page, html);
      const shot = screenshot(chromium, page, png);
      assert.equal(shot.status, 0, shot.stderr);
      assert.ok(statSync(png).size > 50_000, 'a real screenshot');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--save DIR: three runs, the change since the previous one and the trend over all of them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ajar-runs-'));
    try {
      const first = await audit(['--format', 'markdown', '--save', dir, '--as-of', asOf(10)]);
      assert.match(first.stderr, /ajar audit: saved .*ajar-audit-.*\.json/);
      assert.ok(!first.stdout.includes('| Since '), 'nothing to compare with yet');
      const second = await audit(['--format', 'markdown', '--save', dir, '--as-of', asOf(100)]);
      const row = (md: string, title: RegExp) => md.split('\n').find((l) => l.startsWith('|') && title.test(l)) ?? '';
      assert.match(second.stdout, new RegExp(`\\| Since ${asOf(10).slice(0, 10)} \\|`));
      assert.match(row(second.stdout, /older than 90 days \(CIS 1\.14\)/), /\| 44% \(4 of 9\) \|.*\| \+44 pts \|$/);
      assert.match(row(second.stdout, /older than 365 days/), /\| no change \|$/);
      const third = await audit(['--format', 'html', '--save', dir, '--as-of', asOf(400)]);
      const html = third.stdout;
      assert.equal(readdirSync(dir).filter((f) => /^ajar-audit-.*\.json$/.test(f)).length, 3);
      assert.match(html, /3 saved runs/);
      const card = (id: string) =>
        html.slice(
          html.indexOf(`data-figure="${id}"`),
          html.indexOf('</article>', html.indexOf(`data-figure="${id}"`)),
        );
      assert.match(card('iam-users-stale-key'), /\+44 pts<\/span> since /);
      assert.match(card('iam-users-old-key'), /no change<\/span> since /);
      // One sparkline per figure over the three runs (shares: three points).
      const points = [...card('iam-users-stale-key').matchAll(/<polyline points="([^"]+)"/g)].map(
        (m) => m[1].split(' ').length,
      );
      assert.deepEqual(points, [3]);
      if (process.env.UPDATE_SCREENSHOTS === '1') {
        const page = join(dir, 'report.html');
        writeFileSync(page, html);
        const out = resolve(__dirname, '../../docs/images/report.png');
        const shot = screenshot('/usr/bin/chromium', page, join(dir, 'report.png'));
        assert.equal(shot.status, 0, shot.stderr);
        copyFileSync(join(dir, 'report.png'), out);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function screenshot(chromium: string, page: string, png: string) {
  return spawnSync(
    chromium,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--hide-scrollbars',
      `--screenshot=${png}`,
      '--window-size=1200,1800',
      `file://${page}`,
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
}
