/** `ajar lint`'s arguments through node:util parseArgs: strict, exact option names, checked values. */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { parseLintArgs, UsageError } from '../../server/src/cli/lint';
import { ensureCli, PUBLIC_BUCKET, runCli, tempDir, writeFiles } from './helpers';

before(() => ensureCli());

describe('parseLintArgs', () => {
  test('defaults, values inline and separate, repeatable --exclude, positionals', () => {
    assert.deepEqual(parseLintArgs([]), {
      paths: [],
      format: 'text',
      failOn: 'warning',
      withCfnLint: false,
      exclude: [],
      noColor: false,
      help: false,
    });
    assert.deepEqual(
      parseLintArgs([
        'a',
        '--format=sarif',
        '--fail-on',
        'none',
        '--exclude',
        'x/**',
        '--exclude=y',
        'b',
        '--no-color',
      ]),
      {
        paths: ['a', 'b'],
        format: 'sarif',
        failOn: 'none',
        withCfnLint: false,
        exclude: ['x/**', 'y'],
        noColor: true,
        help: false,
      },
    );
    assert.equal(parseLintArgs(['-h']).help, true);
    assert.equal(parseLintArgs(['--with-cfn-lint']).withCfnLint, true);
    // After `--`, anything is a path, even one that looks like an option.
    assert.deepEqual(parseLintArgs(['--', '--format', '-']).paths, ['--format', '-']);
  });

  test('usage errors: unknown or misspelt options, missing values, values outside the list', () => {
    for (const argv of [
      ['--bogus'],
      ['-x'],
      ['--format'],
      ['--format-x', 'json'], // was read as --format
      ['--formats=json'],
      ['--format', 'xml'],
      ['--fail-on', 'constructor'], // passed an `in` check before
      ['--fail-on', 'toString'],
      ['--fail-on', '__proto__'],
      ['--no-color=yes'],
      ['--with-cfn-lint=1'],
    ]) {
      assert.throws(() => parseLintArgs(argv), UsageError, argv.join(' '));
    }
  });
});

describe('ajar lint: arguments end to end', () => {
  test('an option name that only starts like a real one is refused with exit 2', async () => {
    const root = tempDir();
    writeFiles(root, { 't.yaml': PUBLIC_BUCKET });
    const r = await runCli(['lint', '--format-x', 'json'], { cwd: root });
    assert.equal(r.code, 2, r.stdout);
    assert.match(r.stderr, /^ajar: Unknown option '--format-x' \(ajar lint --help\)\n$/);
    assert.equal(r.stdout, '');
  });

  test('--fail-on constructor is a usage error, not a threshold nothing reaches', async () => {
    const root = tempDir();
    writeFiles(root, { 't.yaml': PUBLIC_BUCKET });
    const r = await runCli(['lint', '--fail-on', 'constructor'], { cwd: root });
    assert.equal(r.code, 2, r.stdout);
    assert.match(r.stderr, /--fail-on must be error, warning, information or none, not "constructor"/);
  });

  test('a file whose name starts with a dash, after --', async () => {
    const root = tempDir();
    writeFiles(root, { '--odd.yaml': PUBLIC_BUCKET });
    const r = await runCli(['lint', '--format=json', '--', '--odd.yaml'], { cwd: root });
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(
      JSON.parse(r.stdout).files.map((f: { path: string }) => f.path),
      ['--odd.yaml'],
    );
  });
});
