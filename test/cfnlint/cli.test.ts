/** `ajar lint --with-cfn-lint`'s building block: a list of files through one worker. */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { lintFilesWithCfnLint } from '../../server/src/cfnlint/index';
import { cfnLintInterpreter, tempDir, writeFiles } from './helpers';

describe('lintFilesWithCfnLint', async () => {
  const found = await cfnLintInterpreter();

  test('turned off: an answer with the reason, not an exception', async () => {
    const r = await lintFilesWithCfnLint([{ path: 'x.yaml', text: '' }], { enabled: 'off' });
    assert.equal(r.available, false);
    assert.equal(!r.available && r.detection.reason, 'disabled');
  });

  test('several files, one worker; results keyed by the path given; the .cfnlintrc beside them applies', {
    skip: found.skip,
  }, async () => {
    const root = tempDir();
    const queue =
      'Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      DelaySeconds: "abc"\n      Bogus: 1\n';
    writeFiles(root, { 'a/.cfnlintrc': 'ignore_checks: [E3002]\n' });
    const files = [
      { path: path.join(root, 'a/q.yaml'), text: queue },
      { path: path.join(root, 'b/q.yaml'), text: queue },
      { path: path.join(root, 'b/broken.yaml'), text: 'Resources: [\n' },
    ];
    const r = await lintFilesWithCfnLint(files, { enabled: 'on', path: found.interpreter }, { root });
    assert.equal(r.available, true);
    if (!r.available) return;
    assert.match(r.version, /^1\./);
    const codesOf = (p: string) => {
      const x = r.results.get(p);
      assert.equal(x?.status, 'ok', JSON.stringify(x));
      return x?.status === 'ok' ? x.diagnostics.map((d) => d.code).sort() : [];
    };
    assert.deepEqual(codesOf(files[0].path), ['E3012']);
    assert.deepEqual(codesOf(files[1].path), ['E3002', 'E3012']);
    assert.deepEqual(codesOf(files[2].path), ['E0000']);
  });
});
