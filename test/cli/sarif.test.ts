/**
 * `ajar lint --format sarif` against the official SARIF 2.1.0 JSON schema (test/fixtures: the
 * OASIS TC's Schemata/sarif-schema-2.1.0.json, errata01, byte for byte), with file and folder names
 * that need percent-encoding and messages with control characters; and cfn-lint's findings in a
 * run of their own.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { artifactLocation, directoryUri } from '../../server/src/cli/format';
import { cfnLintInterpreter } from '../cfnlint/helpers';
import { ensureCli, PUBLIC_BUCKET, runCli, tempDir, writeFiles } from './helpers';

const SCHEMA_PATH = join(__dirname, '../fixtures/sarif-schema-2.1.0.json');
/** sha256 of the schema as published (oasis-tcs/sarif-spec, commit 0a8091f7d4057e57b6d8d9b56129e5f918747b34). */
const SCHEMA_SHA256 = 'ddddcccbf95c7c50c037b5b07eff4140556278ca574ff374db46786b5fce7949';

interface SarifLog {
  runs: {
    tool: { driver: { name: string; version?: string; rules: { id: string }[] } };
    originalUriBaseIds: Record<string, { uri: string }>;
    results: {
      ruleId: string;
      ruleIndex?: number;
      message: { text: string };
      locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string } } }[];
    }[];
  }[];
}

let validate: ReturnType<Ajv['compile']>;
before(() => {
  ensureCli();
  const text = readFileSync(SCHEMA_PATH);
  assert.equal(createHash('sha256').update(text).digest('hex'), SCHEMA_SHA256, 'the schema fixture was changed');
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  validate = ajv.compile(JSON.parse(text.toString('utf8')));
});

function assertValid(log: unknown): void {
  const ok = validate(log);
  assert.ok(ok, JSON.stringify(validate.errors?.slice(0, 5), null, 2));
}

/** Every result's artifact, resolved against its uriBaseId, is the file on disk. */
function assertUrisResolve(log: SarifLog, files: string[]): void {
  for (const run of log.runs) {
    for (const r of run.results) {
      const loc = r.locations[0].physicalLocation.artifactLocation;
      const base = loc.uriBaseId ? run.originalUriBaseIds[loc.uriBaseId].uri : undefined;
      const path = fileURLToPath(new URL(loc.uri, base));
      assert.ok(existsSync(path), `${loc.uri} -> ${path}`);
      assert.ok(files.includes(path), `${path} is not one of the linted files`);
    }
  }
}

const HOSTILE_NAMES = [
  'with space.yaml',
  'hash#frag.yaml',
  'pct%41%zz.yaml',
  'q?uery.yaml',
  'colon:first.yaml',
  '[brackets] {braces}.yaml',
  'ünïcødé 模板.yaml',
  'ctl\x1b]0;t\x07\ttab.yaml',
  'new\nline.yaml',
  `bidi\u202e.yaml`,
  'back\\slash.yaml',
  'dir with #/%25 and ?/nested.yaml',
];

describe('SARIF output', () => {
  test('the schema fixture is the official one and compiles', () => {
    assert.equal(typeof validate, 'function');
    const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8'));
    assert.equal(
      schema.id,
      'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json',
    );
    // The validator does reject what the schema forbids.
    assert.equal(
      validate({
        version: '2.1.0',
        runs: [
          {
            tool: { driver: { name: 'x' } },
            results: [
              { message: { text: 'm' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'a b#c' } } }] },
            ],
          },
        ],
      }),
      false,
    );
  });

  test('hostile file, folder and logical-id names: valid against the schema, URIs resolve to the files', async () => {
    const top = tempDir();
    const root = join(top, 'repo root #1 %20');
    const files: Record<string, string> = {};
    for (const n of HOSTILE_NAMES) files[n] = PUBLIC_BUCKET;
    files['ids.template.json'] = JSON.stringify({
      Resources: { 'B\x1b[2J\u202e\n': { Type: 'AWS::S3::Bucket', Properties: { AccessControl: 'PublicRead' } } },
    });
    writeFiles(root, files);
    const r = await runCli(['lint', '.', '--format', 'sarif'], { cwd: root });
    assert.equal(r.code, 1, r.stderr);
    const log = JSON.parse(r.stdout) as SarifLog;
    assertValid(log);
    assert.equal(log.runs.length, 1);
    assert.equal(log.runs[0].results.length, HOSTILE_NAMES.length + 1);
    const srcRoot = log.runs[0].originalUriBaseIds['%SRCROOT%'].uri;
    assert.match(srcRoot, /\/repo%20root%20%231%20%2520\/$/);
    assert.equal(fileURLToPath(srcRoot), `${root}/`);
    assertUrisResolve(
      log,
      Object.keys(files).map((n) => join(root, n)),
    );
    assert.ok(log.runs[0].results.some((x) => x.message.text.includes('B\x1b[2J\u202e\n')));
  });

  test('a file outside the working folder (given explicitly) resolves too', async () => {
    const top = tempDir();
    writeFiles(top, { 'other dir/t#1.yaml': PUBLIC_BUCKET, 'cwd/keep.txt': '' });
    const r = await runCli(['lint', '../other dir', '--format', 'sarif'], { cwd: join(top, 'cwd') });
    const log = JSON.parse(r.stdout) as SarifLog;
    assertValid(log);
    assert.equal(
      log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri,
      '../other%20dir/t%231.yaml',
    );
    assertUrisResolve(log, [join(top, 'other dir/t#1.yaml')]);
  });

  test('artifactLocation and directoryUri', () => {
    assert.deepEqual(artifactLocation('a b/c#d%e.yaml', '/r'), { uri: 'a%20b/c%23d%25e.yaml', uriBaseId: '%SRCROOT%' });
    assert.deepEqual(artifactLocation('x:y.yaml', '/r'), { uri: 'x%3Ay.yaml', uriBaseId: '%SRCROOT%' });
    assert.deepEqual(artifactLocation('lone\ud800.yaml', '/r'), { uri: 'lone%EF%BF%BD.yaml', uriBaseId: '%SRCROOT%' });
    assert.deepEqual(artifactLocation('/abs/p q.yaml', '/r'), { uri: 'file:///abs/p%20q.yaml' });
    assert.equal(directoryUri('/tmp/a b#c'), 'file:///tmp/a%20b%23c/');
    assert.equal(directoryUri('/'), 'file:///');
  });

  test('--with-cfn-lint: cfn-lint findings are a second run, valid against the schema', async (t) => {
    const found = await cfnLintInterpreter();
    if (found.skip) {
      t.skip(found.skip);
      return;
    }
    const root = join(tempDir(), 'cfn #lint');
    // E3012: DelaySeconds must be an integer; AJ111 from Ajar on the bucket.
    writeFiles(root, {
      'stack file.yaml': `${PUBLIC_BUCKET}  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      DelaySeconds: "abc"\n`,
    });
    const r = await runCli(['lint', '.', '--format', 'sarif', '--with-cfn-lint'], { cwd: root, timeoutMs: 120_000 });
    assert.equal(r.code, 1, r.stderr);
    const log = JSON.parse(r.stdout) as SarifLog;
    assertValid(log);
    assert.deepEqual(
      log.runs.map((x) => x.tool.driver.name),
      ['Ajar', 'cfn-lint'],
    );
    const cfn = log.runs[1];
    assert.match(cfn.tool.driver.version ?? '', /^1\./);
    assert.ok(
      cfn.results.some((x) => x.ruleId === 'E3012'),
      JSON.stringify(cfn.results.map((x) => x.ruleId)),
    );
    for (const x of cfn.results) assert.equal(cfn.tool.driver.rules[x.ruleIndex ?? -1]?.id, x.ruleId);
    assert.ok(log.runs[0].results.some((x) => x.ruleId === 'AJ111'));
    assertUrisResolve(log, [join(root, 'stack file.yaml')]);
  });
});
