/**
 * Day thresholds resolved in one place, for `ajar audit` and the editor alike: the defaults, then
 * the `.ajar.yaml` `audit:` block (found from the current folder, or the workspace folder), then
 * `--threshold` flags or settings. Against moto, ages measured `--as-of` two days after seeding.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ACCOUNT_ID, cleanEnv, startMoto, writeAwsFiles, type AwsFiles, type Moto } from './moto';
import { seedInsecureAccount } from './seed';
import { LspClient } from '../protocol/lspClient';
import type { AccountAudit, ListAccountsResult } from '../../server/src/lsp/protocol';

const ROOT = resolve(__dirname, '../..');
const CLI = join(ROOT, 'dist', 'cli.js');
const SERVER = join(ROOT, 'dist', 'server.js');
const DAY = 86_400_000;

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    newest = Math.max(newest, st.isDirectory() ? newestMtime(p) : st.mtimeMs);
  }
  return newest;
}

/** dist/cli.js and dist/server.js as `npm run build` makes them, rebuilt only when older than the sources. */
function ensureBuilt(): void {
  const src = newestMtime(join(ROOT, 'server/src'));
  if ([CLI, SERVER].every((f) => existsSync(f) && statSync(f).mtimeMs >= src)) return;
  const r = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`scripts/build.mjs failed: ${r.stderr}`);
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}
function runCli(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

let moto: Moto;
let aws: AwsFiles;
const temp: string[] = [];

/** A repository folder (it holds `.git`, so the lookup stops there) with this `.ajar.yaml`, if any. */
function project(config?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ajar-thresholds-'));
  temp.push(dir);
  mkdirSync(join(dir, '.git'));
  if (config !== undefined) writeFileSync(join(dir, '.ajar.yaml'), config);
  return dir;
}

before(async () => {
  ensureBuilt();
  moto = await startMoto();
  aws = writeAwsFiles(
    `[profile audit]\nregion = us-east-1\nendpoint_url = ${moto.endpoint}\n`,
    `[audit]\naws_access_key_id = testing\naws_secret_access_key = testing\n`,
  );
});
after(async () => {
  await moto?.stop();
  aws?.cleanup();
  for (const d of temp) rmSync(d, { recursive: true, force: true });
});
beforeEach(async () => {
  await moto.reset();
});

const baseArgs = (asOf: string) => [
  'audit',
  '--profile',
  'audit',
  '--region',
  'us-east-1',
  '--as-of',
  asOf,
  '--format',
  'json',
  '--fail-on',
  'none',
];
const cliFindings = (r: Run): string[] => {
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout);
  return json.accounts.flatMap((a: any) => a.findings.map((f: any) => `${f.ruleId} ${f.resource}`)).sort();
};
const unused = (lines: string[]) => lines.filter((l) => l.startsWith('AJ512 '));

describe('audit thresholds: .ajar.yaml, flags and settings, CLI and editor', () => {
  test('`ajar audit` in a folder whose .ajar.yaml sets unusedDays: 1 reports what the editor reports', async () => {
    const seededAt = Date.now();
    await seedInsecureAccount(moto.endpoint);
    const asOf = new Date(seededAt + 2 * DAY).toISOString();
    const env = cleanEnv(aws);

    // Without a config, two days of disuse are not 90: no AJ512.
    const plain = cliFindings(await runCli(baseArgs(asOf), env, project()));
    assert.deepEqual(unused(plain), []);

    const dir = project('audit:\n  unusedDays: 1\n');
    const cli = cliFindings(await runCli(baseArgs(asOf), env, dir));
    const u = (n: string) => `AJ512 arn:aws:iam::${ACCOUNT_ID}:user/${n}`;
    assert.deepEqual(unused(cli), [u('alice'), u('bob'), u('carol'), u('carol')]);
    // Only the threshold changed: everything else is as without the config.
    assert.deepEqual(
      cli.filter((l) => !l.startsWith('AJ512 ')),
      plain,
    );

    // The editor, with the same folder as its workspace and no threshold settings.
    const client = await LspClient.start({
      rootDir: dir,
      env,
      settings: { audit: { regions: ['us-east-1'], profiles: ['audit'] } },
    });
    try {
      const list = await client.request<ListAccountsResult>('ajar/listAccounts');
      assert.equal(list.accounts.length, 1);
      const audit = await client.request<AccountAudit>('ajar/auditAccount', { key: list.accounts[0].key, asOf });
      assert.equal(audit.accountId, ACCOUNT_ID);
      const editor = audit.categories
        .flatMap((c) => c.items.flatMap((i) => i.findings.map((f) => `${f.ruleId} ${i.id}`)))
        .sort();
      assert.deepEqual(editor, cli);
      // A threshold set in the settings wins over the file, as --threshold does in the CLI.
      client.settings = { audit: { regions: ['us-east-1'], profiles: ['audit'], thresholds: { unusedDays: 90 } } };
      await client.conn.sendNotification('workspace/didChangeConfiguration', { settings: { ajar: client.settings } });
      await new Promise((r) => setTimeout(r, 300));
      const over = await client.request<AccountAudit>('ajar/auditAccount', { key: list.accounts[0].key, asOf });
      assert.deepEqual(
        unused(over.categories.flatMap((c) => c.items.flatMap((i) => i.findings.map((f) => `${f.ruleId} ${i.id}`)))),
        [],
      );
    } finally {
      await client.stop();
    }
    const flag = cliFindings(await runCli([...baseArgs(asOf), '--threshold', 'unusedDays=90'], env, dir));
    assert.deepEqual(flag, plain);
  });

  test('config problems go to stderr with their position; bad --threshold flags are usage errors', async () => {
    const env = cleanEnv(aws);
    const dir = project('audit:\n  unusedDays: 1\n  rotateDays: 5\n');
    const r = await runCli(baseArgs(new Date().toISOString()), env, dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /^ajar audit: \.ajar\.yaml:3:3: warning: audit\.rotateDays: unknown key, ignored \(did you mean rotationDays\?\)/m,
    );
    const bad = await runCli(['audit', '--threshold', 'credentialsUnusedDays=3'], env, dir);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^ajar audit: --threshold: "credentialsUnusedDays=3" is not NAME=DAYS/);
  });
});
