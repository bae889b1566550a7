/** Finding cfn-lint: settings, PATH, the cfn-lint launcher's shebang, trust, and clean "unavailable" answers. */
import assert from 'node:assert/strict';
import { chmodSync, realpathSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { detectCfnLint, INSTALL_HINT, interpretersOfScript, which } from '../../server/src/cfnlint/index';
import { cfnLintInterpreter, defaultDetection, tempDir, writeFiles } from './helpers';

function script(dir: string, name: string, content: string): string {
  writeFiles(dir, { [name]: content });
  const p = path.join(dir, name);
  chmodSync(p, 0o755);
  return p;
}

describe('detectCfnLint', async () => {
  const found = await cfnLintInterpreter();
  const skip = found.skip;
  // PATH holding only the real interpreter's folder: probes without the pyenv shim's start-up cost.
  const fastEnv = { ...process.env, PATH: path.dirname(found.interpreter || '/') };

  test('finds python3 that imports cfnlint, and resolves it to the real executable', { skip }, async () => {
    const r = await defaultDetection();
    assert.equal(r.available, true);
    if (!r.available) return;
    assert.match(r.version, /^1\./);
    assert.match(r.python, /^3\./);
    assert.ok(path.isAbsolute(r.interpreter));
    assert.equal(r.via, 'python-on-path');
  });

  test('off is off; Restricted Mode is off unless allowed', async () => {
    const off = await detectCfnLint({ enabled: 'off' });
    assert.deepEqual([off.available, !off.available && off.reason], [false, 'disabled']);
    const restricted = await detectCfnLint({ workspaceTrusted: false });
    assert.deepEqual([restricted.available, !restricted.available && restricted.reason], [false, 'restricted']);
  });

  test('Restricted Mode, allowed by the user: still runs only an interpreter outside the workspace', {
    skip,
  }, async () => {
    const allowed = await detectCfnLint({
      workspaceTrusted: false,
      allowInRestrictedMode: true,
      workspaceFolders: [tempDir()],
      env: fastEnv,
    });
    assert.equal(allowed.available, true);
    // An interpreter inside the workspace (a planted "python") is refused, by setting or on PATH.
    const ws = tempDir('ajar-ws-');
    const planted = script(ws, 'bin/python3', `#!/bin/sh\nexec ${found.interpreter || 'python3'} "$@"\n`);
    const bySetting = await detectCfnLint({
      workspaceTrusted: false,
      allowInRestrictedMode: true,
      workspaceFolders: [ws],
      path: planted,
    });
    assert.deepEqual([bySetting.available, !bySetting.available && bySetting.reason], [false, 'restricted']);
    const onPath = await detectCfnLint({
      workspaceTrusted: false,
      allowInRestrictedMode: true,
      workspaceFolders: [ws],
      env: { ...process.env, PATH: path.join(ws, 'bin') },
    });
    assert.equal(onPath.available, false);
    assert.ok(!onPath.available && onPath.tried.some((t) => /untrusted/.test(t)), JSON.stringify(onPath));
  });

  test('absent: a clean "not-found" with how to install it', async () => {
    const r = await detectCfnLint({ env: { PATH: tempDir() } });
    assert.equal(r.available, false);
    if (r.available) return;
    assert.equal(r.reason, 'not-found');
    assert.equal(r.installHint, INSTALL_HINT);
    assert.match(r.installHint, /pip install cfn-lint/);
    assert.match(r.message, /Ajar's own rules/);
  });

  test('a setting that points nowhere, or relative into the workspace, is "invalid-path"', async () => {
    for (const p of ['/nonexistent/bin/python3', 'venv/bin/python', './python3']) {
      const r = await detectCfnLint({ path: p });
      assert.deepEqual([r.available, !r.available && r.reason], [false, 'invalid-path'], p);
    }
  });

  test('a Python that cannot import cfnlint is "invalid-path" when configured', async () => {
    const dir = tempDir();
    // A stand-in interpreter that answers the probe with "cannot import".
    const fake = script(
      dir,
      'python3',
      '#!/bin/sh\necho \'{"ok": false, "version": "", "python": "3.0.0", "executable": "x"}\'\n',
    );
    const r = await detectCfnLint({ path: fake });
    assert.deepEqual([r.available, !r.available && r.reason], [false, 'invalid-path']);
    assert.ok(!r.available && r.tried[0].includes('cannot import cfnlint'));
  });

  test('the setting may name a cfn-lint executable: its shebang gives the interpreter', { skip }, async () => {
    const dir = tempDir();
    const launcher = script(dir, 'cfn-lint', `#!${found.interpreter}\nimport sys\n`);
    const r = await detectCfnLint({ path: launcher });
    assert.equal(r.available, true);
    assert.equal(r.available && r.via, 'setting');
    assert.equal(r.available && realpathSync(r.interpreter), realpathSync(found.interpreter));
  });

  test('no python on PATH, but cfn-lint is: its interpreter is used', { skip }, async () => {
    const dir = tempDir();
    script(dir, 'cfn-lint', `#!${found.interpreter}\nimport sys\n`);
    const r = await detectCfnLint({ env: { PATH: dir } });
    assert.equal(r.available, true);
    assert.equal(r.available && r.via, 'cfn-lint-on-path');
  });

  test("launcher forms: absolute shebang, env shebang, pip's exec form, a Python beside it", () => {
    const dir = tempDir();
    const py = script(dir, 'venv/bin/python3', '#!/bin/sh\n');
    const abs = script(dir, 'a/cfn-lint', `#!${py}\n`);
    assert.deepEqual(interpretersOfScript(abs, { PATH: '' })[0], { command: py, args: [] });
    const env = script(dir, 'b/cfn-lint', '#!/usr/bin/env -S python3 -E\n');
    assert.deepEqual(interpretersOfScript(env, { PATH: path.dirname(py) })[0], { command: py, args: [] });
    const spaced = script(dir, 'with space/python3', '#!/bin/sh\n');
    const pipForm = script(dir, 'c/cfn-lint', `#!/bin/sh\n'''exec' "${spaced}" "$0" "$@"\n' '''\n`);
    assert.deepEqual(interpretersOfScript(pipForm, { PATH: '' })[0], { command: spaced, args: [] });
    const beside = script(dir, 'venv/bin/cfn-lint', '#!/bin/false\n');
    assert.deepEqual(interpretersOfScript(beside, { PATH: '' })[0], { command: py, args: [] });
  });

  test('PATH lookup skips relative entries', () => {
    const dir = tempDir();
    script(dir, 'python3', '#!/bin/sh\n');
    assert.equal(which('python3', { PATH: dir }), path.join(dir, 'python3'));
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      assert.equal(which('python3', { PATH: '.' }), null);
      assert.equal(which('python3', { PATH: '' }), null);
    } finally {
      process.chdir(cwd);
    }
  });
});
