/**
 * A second, independent LSP client: Neovim's built-in client (Debian's neovim 0.7) drives
 * `node dist/server.js --stdio` headless and reads vim.diagnostic.get(). Skipped with a message
 * only when nvim is missing (scripts/setup-e2e.sh installs it in CI).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const REPO = resolve(__dirname, '../..');
const SERVER = join(REPO, 'dist/server.js');
const hasNvim = spawnSync('nvim', ['--version'], { encoding: 'utf8' }).status === 0;

const TEMPLATE = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      AccessControl: PublicRead
  User:
    Type: AWS::IAM::User
  Key:
    Type: AWS::IAM::AccessKey
    Properties:
      UserName: !Ref User
`;

test('Neovim (headless, built-in LSP client) gets Ajar diagnostics, quick fixes, hover, the outline and definitions', {
  skip: hasNvim ? false : 'nvim is not installed (apt-get install -y neovim, or scripts/setup-e2e.sh)',
  timeout: 90_000,
}, async () => {
  assert.ok(existsSync(SERVER), 'dist/server.js missing: npm run build');
  const dir = mkdtempSync(join(tmpdir(), 'ajar-nvim-'));
  try {
    const file = join(dir, 'stack.yaml');
    const out = join(dir, 'result.json');
    writeFileSync(file, TEMPLATE);
    const code = await new Promise<number | null>((resolvePromise, reject) => {
      const p = spawn('nvim', ['--headless', '--clean', '-n', '-c', `luafile ${join(__dirname, 'ajar.lua')}`], {
        cwd: dir,
        env: {
          ...process.env,
          AJAR_SERVER: SERVER,
          AJAR_FILE: file,
          AJAR_OUT: out,
          HOME: dir,
          XDG_STATE_HOME: dir,
          XDG_DATA_HOME: dir,
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => {
        p.kill('SIGKILL');
        reject(new Error(`nvim did not finish in 80 s: ${stderr}`));
      }, 80_000);
      p.on('exit', (c) => {
        clearTimeout(timer);
        resolvePromise(c);
      });
    });
    assert.equal(code, 0);
    const r = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(r.error ?? null, null, r.error);
    const diags = (
      r.diagnostics as {
        lnum: number;
        col: number;
        end_col: number;
        severity: number;
        source: string;
        code: string;
        message: string;
      }[]
    )
      .map((d) => `${d.code} ${d.lnum}:${d.col}-${d.end_col} sev${d.severity} ${d.source}`)
      .sort();
    // AJ301 is raised to error through the settings Neovim sends (workspace/configuration).
    assert.deepEqual(diags, ['AJ111 5:21-31 sev2 ajar', 'AJ301 8:2-5 sev1 ajar']);
    assert.ok(r.actions.length >= 1, 'quick fixes offered');
    assert.ok(r.actions.every((a: { kind: string }) => a.kind === 'quickfix'));
    assert.match(r.hover ?? '', /AJ111/);
    assert.equal(r.after_edit, 1, 'after fixing the ACL in the buffer only AJ301 is left');
    // The outline and go to definition (`!Ref User` -> the User resource's key, line 6).
    assert.deepEqual(r.symbols, [
      { name: 'AWSTemplateFormatVersion', children: [] },
      { name: 'Resources', children: ['Bucket AWS::S3::Bucket', 'User AWS::IAM::User', 'Key AWS::IAM::AccessKey'] },
    ]);
    assert.deepEqual(r.definition, { line: 6, character: 2, same: true });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
