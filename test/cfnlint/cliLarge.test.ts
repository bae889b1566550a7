/**
 * `ajar lint --with-cfn-lint` (the built CLI) on a template over cfn-lint's 1,000,000 bytes:
 * cfn-lint is not run on it (its E3012 would show, as it does on the small copy beside it), and
 * the report says so with one information line; Ajar's own findings cover the whole file.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { ensureCli, runCli, tempDir, writeFiles } from '../cli/helpers';
import { cfnLintInterpreter } from './helpers';

/** A queue cfn-lint rejects (E3012: DelaySeconds is no integer) and a public bucket (Ajar's AJ111). */
const HEAD = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      DelaySeconds: "abc"
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      AccessControl: PublicRead
`;

interface Out {
  files: { path: string; findings: { ruleId: string; severity: string; message: string; source?: string }[] }[];
}

before(() => ensureCli());

test('a template over 1,000,000 bytes: cfn-lint not run on it, and the report says so', async (t) => {
  const { skip } = await cfnLintInterpreter();
  if (skip) return t.skip(skip);
  const root = tempDir();
  const pad = `# ${'x'.repeat(1_000_001 - HEAD.length - 3)}\n`;
  writeFiles(root, { 'big.template.yaml': HEAD + pad, 'small.template.yaml': HEAD });
  assert.equal(Buffer.byteLength(HEAD + pad), 1_000_001);
  const r = await runCli(['lint', '--with-cfn-lint', '--format', 'json', '.'], { cwd: root, timeoutMs: 120_000 });
  assert.equal(r.signal, null, `killed after ${r.ms} ms`);
  assert.equal(r.code, 1, r.stderr);
  const out = JSON.parse(r.stdout) as Out;
  const codes = (p: string) =>
    out.files
      .find((f) => f.path === p)
      ?.findings.map((f) => `${f.ruleId} ${f.severity}`)
      .sort();
  // cfn-lint ran: the small copy has its E3012 (and W3045 on the ACL) beside Ajar's AJ111
  const small = codes('small.template.yaml') ?? [];
  assert.ok(small.includes('AJ111 warning') && small.includes('E3012 error'), small.join());
  // not on the big one: Ajar's finding and one notice, nothing else from cfn-lint
  assert.deepEqual(codes('big.template.yaml'), ['AJ111 warning', 'E1002 information']);
  const notice = out.files.find((f) => f.path === 'big.template.yaml')!.findings.find((f) => f.ruleId === 'E1002')!;
  assert.equal(notice.source, 'cfn-lint');
  assert.match(
    notice.message,
    /^cfn-lint was not run on this template: it is 1,000,001 bytes, over the 1,000,000 bytes/,
  );
  // the text report shows the same line
  const text = await runCli(['lint', '--with-cfn-lint', 'big.template.yaml'], { cwd: root, timeoutMs: 120_000 });
  assert.match(
    text.stdout,
    /^big\.template\.yaml:1:1 information E1002 cfn-lint cfn-lint was not run on this template/m,
  );
  assert.doesNotMatch(text.stdout, /E3012/);
});
