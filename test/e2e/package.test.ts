/**
 * The packaged .vsix: within the README's size budget and holding only what runs
 * (.vscodeignore): no sources, tests, source maps or node_modules.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { ensureVsix } from './lib/prepare';

const BUDGET_BYTES = 1.5 * 1024 * 1024;

test('ajar.vsix stays within its size budget and ships only what runs', () => {
  const vsix = ensureVsix();
  const size = statSync(vsix).size;
  assert.ok(size < BUDGET_BYTES, `ajar.vsix is ${(size / 1048576).toFixed(2)} MB, over the 1.5 MB budget`);
  const names = execFileSync(
    'python3',
    ['-c', 'import sys, zipfile; print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))', vsix],
    { encoding: 'utf8' },
  )
    .trim()
    .split('\n');
  const files = names.filter((n) => n.startsWith('extension/')).map((n) => n.slice('extension/'.length));
  for (const required of [
    'package.json',
    'dist/client.js',
    'dist/server.js',
    'dist/cfnlint-worker.py',
    'docs/rules/AJ101.md',
    'readme.md',
  ]) {
    assert.ok(files.includes(required), `${required} is missing from the package`);
  }
  const unwanted = files.filter((f) => /\.map$|\.ts$|^test\/|^node_modules\/|^server\/|^client\/|^\.cache\//.test(f));
  assert.deepEqual(unwanted, [], 'files that do not run are packaged');
});
