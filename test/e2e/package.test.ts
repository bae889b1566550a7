/**
 * The packaged .vsix: within the README's size budget and holding only what runs
 * (.vscodeignore): no sources, tests, source maps or node_modules.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { ensureVsix } from './lib/prepare';

const ROOT = join(__dirname, '..', '..');
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
    'docs/rules/AJ531.md',
    'readme.md',
    'changelog.md',
    'resources/walkthrough/lint.md',
    'resources/walkthrough/fix.md',
    'resources/walkthrough/accounts.md',
    'resources/walkthrough/ci.md',
  ]) {
    assert.ok(files.includes(required), `${required} is missing from the package`);
  }
  // Publish-ready: packaged without --allow-missing-repository, with the metadata a gallery shows.
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  assert.doesNotMatch(pkg.scripts.package, /--allow-missing-repository/);
  assert.equal(pkg.repository.url, 'https://github.com/ajar-dev/ajar');
  assert.match(pkg.homepage, /^https:\/\/github\.com\/ajar-dev\/ajar/);
  assert.equal(pkg.bugs.url, 'https://github.com/ajar-dev/ajar/issues');
  assert.ok(pkg.keywords.length >= 5 && pkg.keywords.length <= 30, 'keywords');
  assert.ok(pkg.categories.includes('Linters'));
  // Every walkthrough step's media ships.
  for (const w of pkg.contributes.walkthroughs)
    for (const step of w.steps)
      assert.ok(files.includes(step.media.markdown), `${step.media.markdown} is not packaged`);
  const manifest = execFileSync(
    'python3',
    ['-c', 'import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).read("extension.vsixmanifest").decode())', vsix],
    { encoding: 'utf8' },
  );
  assert.match(
    manifest,
    /Microsoft\.VisualStudio\.Services\.Links\.Source" Value="https:\/\/github\.com\/ajar-dev\/ajar/,
  );
  const unwanted = files.filter((f) => /\.map$|\.ts$|^test\/|^node_modules\/|^server\/|^client\/|^\.cache\//.test(f));
  assert.deepEqual(unwanted, [], 'files that do not run are packaged');
});
