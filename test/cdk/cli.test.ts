/**
 * `ajar lint` on CDK apps (test/cdk/apps.ts): the construct of every finding in JSON, the source
 * location first in text, the source as SARIF's primary location (the template node related), and
 * a CDK project root linted with the assembly its cdk.json names.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { runLint } from '../../server/src/cli/lint';
import { type Apps, buildApps, lineOf, rangeOf } from './apps';

let apps: Apps;
let scratch: string;
before(async () => {
  apps = await buildApps();
  scratch = mkdtempSync(join(tmpdir(), 'ajar-cdk-cli-'));
});
after(() => rmSync(scratch, { recursive: true, force: true }));

async function lint(cwd: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io = {
    stdout: { write: (s: string) => ((out += s), true) } as unknown as NodeJS.WritableStream,
    stderr: { write: (s: string) => ((err += s), true) } as unknown as NodeJS.WritableStream,
    env: {},
    cwd,
  };
  const code = await runLint(args, io);
  return { code, out, err };
}

test('JSON: every finding of a CDK template carries its construct, source relative to the working directory', async () => {
  const { out } = await lint(apps.traced, ['--format', 'json']);
  const json = JSON.parse(out);
  const storage = json.files.find((f: any) => f.path === 'cdk.out/StorageStack.template.json');
  assert.equal(storage.kind, 'cdk');
  const key = storage.findings.find((f: any) => f.ruleId === 'AJ301');
  assert.deepEqual(key.construct, {
    path: 'StorageStack/DeployerKey/Resource',
    source: {
      path: 'lib/storage-stack.ts',
      range: rangeOf(apps.traced, 'lib/storage-stack.ts', "'DeployerKey'"),
      via: 'trace',
    },
  });
  for (const f of json.files.flatMap((x: any) => x.findings))
    assert.ok(f.construct?.source?.path, `${f.ruleId} ${f.resource} has a source`);
  // from another working directory, the paths are relative to it
  const { out: out2 } = await lint(apps.base, ['--format', 'json', 'traced']);
  const f2 = JSON.parse(out2).files.find((f: any) => f.path === 'traced/cdk.out/StorageStack.template.json');
  assert.equal(f2.findings.find((f: any) => f.ruleId === 'AJ301').construct.source.path, 'traced/lib/storage-stack.ts');
});

test('text: the source location first, the construct named, then the template location', async () => {
  const { out, code } = await lint(apps.traced, []);
  assert.equal(code, 1);
  const site = rangeOf(apps.traced, 'lib/site.ts', "'Content'", 'this.bucket').start;
  const policy = lineOf(apps.traced, 'lib/storage-stack.ts', 'reports.addToResourcePolicy(').start;
  const lines = out.split('\n');
  assert.ok(
    lines.some((l) =>
      new RegExp(
        `^lib/site\\.ts:${site.line + 1}:${site.character + 1} error AJ101 public-resource-policy StorageStack/Site/Content/Policy: Anyone can s3:GetObject on bucket SiteContent02569BC1 \\(synthesized: cdk\\.out/StorageStack\\.template\\.json:\\d+:\\d+\\)$`,
      ).test(l),
    ),
    out,
  );
  assert.ok(
    lines.some((l) =>
      l.startsWith(
        `lib/storage-stack.ts:${policy.line + 1}:${policy.character + 1} error AJ101 public-resource-policy StorageStack/Reports/Policy: Anyone can s3:GetObject on bucket Reports65402A0A`,
      ),
    ),
    out,
  );
  assert.match(out, /^8 findings \(3 error, 5 warning, 0 information\) in 2 files\.$/m);
});

test('SARIF: the source is the primary location, the template node a related location; valid SARIF 2.1.0', async () => {
  const { out } = await lint(apps.stripped, ['--format', 'sarif']);
  const log = JSON.parse(out) as any;
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(
    JSON.parse(readFileSync(join(__dirname, '../fixtures/sarif-schema-2.1.0.json'), 'utf8')),
  );
  const valid = validate(log);
  assert.ok(valid, JSON.stringify(validate.errors?.slice(0, 3)));
  const results = (JSON.parse(out) as any).runs[0].results;
  assert.equal(results.length, 8);
  const url = results.find((r: any) => r.ruleId === 'AJ103');
  const handler = rangeOf(apps.stripped, 'lib/compute-stack.ts', "'Handler'");
  assert.deepEqual(url.locations[0].physicalLocation, {
    artifactLocation: { uri: 'lib/compute-stack.ts', uriBaseId: '%SRCROOT%' },
    region: {
      startLine: handler.start.line + 1,
      startColumn: handler.start.character + 1,
      endLine: handler.end.line + 1,
      endColumn: handler.end.character + 1,
    },
  });
  assert.deepEqual(url.locations[0].logicalLocations, [
    {
      name: 'HandlerFunctionUrl003AF664',
      kind: 'resource',
      fullyQualifiedName: 'ComputeStack/Handler/FunctionUrl/Resource',
    },
  ]);
  assert.equal(url.relatedLocations[0].physicalLocation.artifactLocation.uri, 'cdk.out/ComputeStack.template.json');
  assert.match(url.message.text, /^ComputeStack\/Handler\/FunctionUrl: Anyone on the internet can invoke/);
});

test('a CDK project root: the assembly cdk.json names, also outside the folder; stale sources say so', async () => {
  const root = join(scratch, 'project');
  cpSync(apps.stripped, root, { recursive: true });
  // the assembly in ../synth-out, as `"output": "../synth-out"` writes it
  renameSync(join(root, 'cdk.out'), join(scratch, 'synth-out'));
  writeFileSync(join(root, 'cdk.json'), JSON.stringify({ app: 'npx ts-node bin/app.ts', output: '../synth-out' }));
  const { out } = await lint(root, ['--format', 'json']);
  const json = JSON.parse(out);
  assert.deepEqual(
    json.files.map((f: any) => f.path),
    ['../synth-out/ComputeStack.template.json', '../synth-out/StorageStack.template.json'],
  );
  const secret = json.files[1].findings.find((f: any) => f.ruleId === 'AJ302');
  assert.equal(secret.construct.source.path, 'lib/storage-stack.ts');
  // an edit after synth
  const later = new Date(Date.now() + 120_000);
  const { utimesSync } = await import('node:fs');
  utimesSync(join(root, 'lib/storage-stack.ts'), later, later);
  const { out: text } = await lint(root, []);
  assert.match(
    text,
    /^lib\/storage-stack\.ts:\d+:\d+ error AJ302 access-key-secret-in-outputs StorageStack\/DeployerSecret: .* \(synthesized before your last edit to lib\/storage-stack\.ts\) \(synthesized: \.\.\/synth-out\/StorageStack\.template\.json:\d+:\d+\)$/m,
  );
  const { out: j2 } = await lint(root, ['--format', 'json']);
  assert.equal(JSON.parse(j2).files[1].findings.find((f: any) => f.ruleId === 'AJ302').construct.source.stale, true);
});

test('JSON: a finding whose id the sources give twice has candidates and no source', async () => {
  const root = join(scratch, 'twice');
  cpSync(apps.stripped, root, { recursive: true });
  const file = join(root, 'lib/storage-stack.ts');
  const text = readFileSync(file, 'utf8');
  writeFileSync(
    file,
    text.replace(
      "    const key = new iam.AccessKey(this, 'DeployerKey', { user });",
      "    const key = process.env.OLD\n      ? new iam.AccessKey(this, 'DeployerKey', { user })\n      : new iam.AccessKey(this, 'DeployerKey', { user, serial: 2 });",
    ),
  );
  const { out } = await lint(root, ['--format', 'json']);
  const f = JSON.parse(out)
    .files.flatMap((x: any) => x.findings)
    .find((x: any) => x.ruleId === 'AJ301');
  assert.equal(f.construct.source, null);
  assert.deepEqual(
    f.construct.candidates.map((c: any) => [c.path, c.range.start.line]),
    [
      ['lib/storage-stack.ts', 23],
      ['lib/storage-stack.ts', 24],
    ],
  );
});
