/** `ajar lint` and the project's `.ajar.yaml`: its problems on stderr, once, at their line and column. */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { ensureCli, PUBLIC_BUCKET, runCli, tempDir, writeFiles } from './helpers';

before(() => ensureCli());

test('a repeated key in .ajar.yaml is reported on stderr at the repeat; the last value is read', async () => {
  const root = tempDir();
  writeFiles(root, {
    '.ajar.yaml': 'rules:\n  AJ111: off\n  AJ111: error\n',
    'a/template.yaml': PUBLIC_BUCKET,
    'b/template.yaml': PUBLIC_BUCKET,
  });
  const r = await runCli(['lint', '.', '--format', 'json'], { cwd: root });
  const lines = r.stderr.split('\n').filter((l) => l.includes('repeated key'));
  // once for the config file, not once per template it applies to
  assert.equal(lines.length, 1, r.stderr);
  assert.match(
    lines[0],
    /^ajar: .*\.ajar\.yaml:3:3: AJ111: repeated key \(first on line 2\): only this last value is read, the first is ignored$/,
  );
  // AJ111 is read as error (the last value), not off: both buckets fail the run
  assert.equal(r.code, 1, r.stderr);
  const out = JSON.parse(r.stdout) as { files: { findings: { ruleId: string; severity: string }[] }[] };
  assert.deepEqual(
    out.files.flatMap((f) => f.findings.map((x) => `${x.ruleId} ${x.severity}`)),
    ['AJ111 error', 'AJ111 error'],
  );
});
