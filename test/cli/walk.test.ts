/**
 * `ajar lint` in a hostile checkout: symbolic link loops, links out of the tree, FIFOs, files that
 * cannot be read or are too large. Through the built CLI (`node dist/cli.js`), with a time bound.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, symlinkSync, ftruncateSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { runLint } from '../../server/src/cli/lint';
import { collectFiles } from '../../server/src/cli/walk';
import { ensureCli, PUBLIC_BUCKET, runCli, tempDir, writeFiles } from './helpers';

interface JsonOut {
  files: { path: string; findings: { ruleId: string; message: string }[] }[];
}

before(() => ensureCli());

describe('ajar lint: symbolic links', () => {
  test('two links to a parent folder and a self link: ends in seconds, each file linted once', async () => {
    const root = tempDir();
    writeFiles(root, { 'template.yaml': PUBLIC_BUCKET, 'a/b/nested.yaml': PUBLIC_BUCKET });
    symlinkSync('..', join(root, 'a/b/up'));
    symlinkSync('../..', join(root, 'a/b/upup'));
    symlinkSync('.', join(root, 'a/self'));
    symlinkSync('template.yaml', join(root, 'alias.yaml')); // the same file under a second name
    const r = await runCli(['lint', '.', '--format', 'json'], { cwd: root });
    assert.equal(r.signal, null, `killed after ${r.ms} ms: the walk did not end`);
    assert.ok(r.ms < 10_000, `${r.ms} ms`);
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout) as JsonOut;
    // Real paths win over paths through links.
    assert.deepEqual(out.files.map((f) => f.path).sort(), [join('a', 'b', 'nested.yaml'), 'template.yaml']);
    for (const f of out.files) assert.equal(f.findings.length, 1);
  });

  test('a loop through a linked folder is walked once', async () => {
    const root = tempDir();
    writeFiles(root, { 'x/one.yaml': PUBLIC_BUCKET });
    symlinkSync('../y', join(root, 'x/to-y'));
    mkdirSync(join(root, 'y'));
    symlinkSync('../x', join(root, 'y/to-x'));
    const r = await runCli(['lint', '--format', 'json'], { cwd: root });
    assert.equal(r.signal, null);
    const out = JSON.parse(r.stdout) as JsonOut;
    assert.deepEqual(
      out.files.map((f) => f.path),
      [join('x', 'one.yaml')],
    );
  });

  test('links out of the given folder are not followed, and are reported', async () => {
    const top = tempDir();
    writeFiles(top, {
      'outside/secret.yaml': PUBLIC_BUCKET,
      'repo/ok.yaml': 'AWSTemplateFormatVersion: "2010-09-09"\n',
    });
    symlinkSync('../outside', join(top, 'repo/dir-out'));
    symlinkSync('../outside/secret.yaml', join(top, 'repo/file-out.yaml'));
    symlinkSync('/', join(top, 'repo/slash'));
    const r = await runCli(['lint', '.'], { cwd: join(top, 'repo') });
    assert.equal(r.signal, null);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.doesNotMatch(r.stdout, /secret|AJ111/);
    assert.match(r.stdout, /No findings in 1 file\./);
    for (const name of ['dir-out', 'file-out.yaml', 'slash'])
      assert.match(r.stderr, new RegExp(`skipped ${name}: symbolic link to outside`));
    // Given explicitly, the outside folder is a root of its own.
    const both = await runCli(['lint', '.', '../outside', '--format', 'json'], { cwd: join(top, 'repo') });
    assert.deepEqual(
      (JSON.parse(both.stdout) as JsonOut).files.map((f) => f.path),
      ['ok.yaml', join('..', 'outside', 'secret.yaml')],
    );
  });

  test('collectFiles: the same file through a hard link, a link and two arguments is returned once', () => {
    const root = tempDir();
    writeFiles(root, { 't/a.yaml': PUBLIC_BUCKET });
    symlinkSync('a.yaml', join(root, 't/b.yaml'));
    execFileSync('ln', [join(root, 't/a.yaml'), join(root, 't/c.yaml')]);
    const { files, missing, skipped } = collectFiles(['t', 't/a.yaml', 't/*.yaml'], root);
    assert.deepEqual(
      files.map((f) => f.path),
      [join(root, 't/a.yaml')],
    );
    assert.deepEqual(missing, []);
    assert.deepEqual(skipped, []);
  });
});

describe('ajar lint: files that are not regular, unreadable or too large', () => {
  test('a FIFO named *.yaml is skipped (never opened) and reported', async () => {
    const root = tempDir();
    writeFiles(root, { 'template.yaml': PUBLIC_BUCKET });
    execFileSync('mkfifo', [join(root, 'pipe.yaml')]);
    const r = await runCli(['lint', '.'], { cwd: root, timeoutMs: 15_000 });
    assert.equal(r.signal, null, 'the walk hung on the FIFO');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /skipped pipe\.yaml: a FIFO, not a regular file/);
    assert.match(r.stdout, /1 finding .* in 1 file\./);
  });

  test('a file that fails to read: reported on stderr and as AJ000, exit 2 (in process, injected reader)', async () => {
    // Tests run as root, which reads any mode; the failure is injected at the one read call.
    const root = tempDir();
    writeFiles(root, { 'good.yaml': PUBLIC_BUCKET, 'locked.yaml': PUBLIC_BUCKET });
    let stdout = '';
    let stderr = '';
    const code = await runLint(['.', '--format', 'json'], {
      cwd: root,
      env: {},
      stdout: { write: (s: string) => ((stdout += s), true) } as never,
      stderr: { write: (s: string) => ((stderr += s), true) } as never,
      readFile: (f) => {
        if (f.path.endsWith('locked.yaml'))
          throw Object.assign(new Error(`EACCES: permission denied, open '${f.path}'`), { code: 'EACCES' });
        return readFileSync(f.path, 'utf8');
      },
    });
    assert.equal(code, 2);
    assert.match(stderr, /cannot read locked\.yaml: EACCES/);
    assert.match(stderr, /1 file could not be read/);
    const out = JSON.parse(stdout) as JsonOut;
    const locked = out.files.find((f) => f.path === 'locked.yaml');
    assert.deepEqual(
      locked?.findings.map((f) => [f.ruleId, f.message]),
      [['AJ000', 'cannot read this file: EACCES']],
    );
  });

  test('a file that fails to read with EACCES even as root (a write-only /proc/sys file): exit 2', async (t) => {
    // /proc/sys entries check their mode bits for root too: 0200 cannot be read by anyone.
    const wo = '/proc/sys/vm/drop_caches';
    try {
      readFileSync(wo);
      t.skip(`${wo} is readable here`);
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EACCES') {
        t.skip(`${wo}: ${(e as Error).message}`);
        return;
      }
    }
    const root = tempDir();
    const r = await runCli(['lint', wo], { cwd: root });
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /cannot read .*drop_caches: EACCES/);
    assert.match(r.stdout, /AJ000 unreadable-document cannot read this file: EACCES/);
    assert.doesNotMatch(r.stdout, /No findings/);
  });

  test('a file over the size bound is reported as AJ000, not skipped', async () => {
    const root = tempDir();
    writeFiles(root, { 'small.yaml': 'AWSTemplateFormatVersion: "2010-09-09"\n' });
    const fd = openSync(join(root, 'huge.yaml'), 'w');
    ftruncateSync(fd, 65 * 1024 * 1024); // sparse: no disk used, never read
    closeSync(fd);
    const r = await runCli(['lint', '.'], { cwd: root });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(
      r.stdout,
      /^huge\.yaml:1:1 error AJ000 unreadable-document cannot read this file: 65\.0 MB, over the 64 MB limit/m,
    );
  });
});
