/**
 * Live findings back to the workspace: moto deploys the stacks of test/audit/fixtures/stacks/
 * (samconfig.toml, a CDK assembly, `.ajar.yaml` `stacks:`, logical ids only), the audit reads
 * the stacks (ListStacks, ListStackResources, GetTemplate), and every live finding of a resource
 * a stack deployed carries its stack and, with a workspace, its exact source; a resource made
 * outside CloudFormation carries neither.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACCOUNT_ID, cleanEnv, startMoto, writeAwsFiles, type AwsFiles, type Moto } from './moto';
import {
  LOOSE_BUCKET,
  REGION,
  REPORTS_BUCKET,
  STACKS_WORKSPACE,
  WEB_BUCKET,
  seedStacks,
  type SeededStacks,
} from './stacksSeed';
import { auditAccounts, type AuditReport } from '../../server/src/audit';
import { attachSources } from '../../server/src/cli/auditSources';
import { runAudit } from '../../server/src/cli/audit';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';

let moto: Moto;
let seeded: SeededStacks;
let files: AwsFiles;
let report: AuditReport;

before(async () => {
  moto = await startMoto();
  seeded = await seedStacks(moto.endpoint);
  files = writeAwsFiles(
    `[profile audit]\nregion = ${REGION}\nendpoint_url = ${moto.endpoint}\n`,
    `[audit]\naws_access_key_id = testing\naws_secret_access_key = testing\n`,
  );
  report = await auditAccounts({
    profiles: ['audit'],
    regions: [REGION],
    env: cleanEnv(files),
    services: ['s3', 'sqs', 'sns'],
    stackTemplates: true,
  });
});
after(async () => {
  await moto?.stop();
  files?.cleanup();
});

const range = (line: number, start: number, end: number) => ({
  start: { line, character: start },
  end: { line, character: end },
});

/** The 0-based line and character range of `needle` in a workspace file (to check the literals below). */
function find(path: string, needle: string) {
  const lines = readFileSync(join(STACKS_WORKSPACE, path), 'utf8').split('\n');
  const line = lines.findIndex((l) => l.includes(needle));
  const start = lines[line].indexOf(needle);
  return range(line, start, start + needle.length);
}

describe('stacks: live findings to the templates that deployed them (moto)', () => {
  test('the audit reads every stack with its resources, and the deployed template of those with findings', () => {
    const a = report.accounts[0];
    assert.equal(a.accountId, ACCOUNT_ID);
    assert.deepEqual(
      a.errors.filter((e) => e.service === 'cloudformation'),
      [],
    );
    const stacks = a.stacks ?? [];
    assert.deepEqual(
      stacks.map((s) => `${s.name} ${s.region} ${s.resources.map((r) => `${r.logicalId}:${r.type}`).join(',')}`),
      [
        'alerts-prod us-east-1 AlertsTopic:AWS::SNS::Topic',
        'data-prod us-east-1 Jobs1F2C2C63:AWS::SQS::Queue',
        'legacy-reports us-east-1 ReportsBucket:AWS::S3::Bucket,ReportsQueue:AWS::SQS::Queue,ReportsTopic:AWS::SNS::Topic',
        'web-prod us-east-1 WebBucket:AWS::S3::Bucket',
      ],
    );
    for (const s of stacks) {
      assert.equal(s.id, seeded.ids[s.name]);
      // Every stack here holds a public resource: each deployed template was read.
      assert.ok(s.template?.includes('AWSTemplateFormatVersion') || s.template?.includes('"Resources"'), s.name);
    }
  });

  test('every finding of a stack resource carries the stack; the others none', () => {
    const a = report.accounts[0];
    const got = a.findings.map(
      (f) => `${f.ruleId} ${f.resource} ${f.stack ? `${f.stack.name}/${f.stack.logicalId}` : '-'}`,
    );
    assert.deepEqual(got, [
      `AJ531 arn:aws:s3:::${REPORTS_BUCKET} legacy-reports/ReportsBucket`,
      `AJ531 arn:aws:s3:::${LOOSE_BUCKET} -`,
      `AJ531 arn:aws:s3:::${WEB_BUCKET} web-prod/WebBucket`,
      `AJ532 ${seeded.queueArn} data-prod/Jobs1F2C2C63`,
      `AJ533 ${seeded.topicArn} alerts-prod/AlertsTopic`,
      `AJ534 ${ACCOUNT_ID} -`,
    ]);
    const web = a.findings.find((f) => f.resource === `arn:aws:s3:::${WEB_BUCKET}`)!;
    assert.deepEqual(web.stack, {
      name: 'web-prod',
      id: seeded.ids['web-prod'],
      region: REGION,
      logicalId: 'WebBucket',
    });
    // The inventory too.
    const inv = a.resources
      .filter((r) => r.stack)
      .map((r) => `${r.service} ${r.label} ${r.stack!.name}/${r.stack!.logicalId}`);
    // CloudFormation names the queue and topics it creates <stack>-<logical id>-<suffix>.
    const named = (prefix: string) => a.resources.find((r) => r.label.startsWith(prefix))?.label;
    assert.match(named('legacy-reports-ReportsTopic-') ?? '', /^legacy-reports-ReportsTopic-\w+$/);
    assert.deepEqual(
      inv.sort(),
      [
        `s3 ${REPORTS_BUCKET} legacy-reports/ReportsBucket`,
        `s3 ${WEB_BUCKET} web-prod/WebBucket`,
        `sns ${seeded.topicArn.split(':').pop()} alerts-prod/AlertsTopic`,
        `sns ${named('legacy-reports-ReportsTopic-')} legacy-reports/ReportsTopic`,
        `sqs ${named('legacy-reports-ReportsQueue-')} legacy-reports/ReportsQueue`,
        `sqs ${seeded.queueArn.split(':').pop()} data-prod/Jobs1F2C2C63`,
      ].sort(),
    );
    const loose = a.resources.find((r) => r.label === LOOSE_BUCKET);
    assert.ok(loose);
    assert.equal(loose.stack, undefined);
  });

  test('through the module: the exact source of every mapped finding, by the four ways', () => {
    const copy = structuredClone(report);
    const r = attachSources(copy, STACKS_WORKSPACE);
    assert.deepEqual(
      r.stacks.map((s) => `${s.stack} ${s.via ?? '-'} ${s.path ?? '-'}`),
      [
        'alerts-prod config alerts/topic.yaml',
        'data-prod cdk data/cdk.out/DataStack.template.json',
        'legacy-reports logical-ids reports/reports.yaml',
        'web-prod samconfig web/template.yaml',
      ],
    );
    const sources = Object.fromEntries(copy.accounts[0].findings.map((f) => [f.resource, f.source ?? null]));
    const expected = {
      [`arn:aws:s3:::${LOOSE_BUCKET}`]: null,
      [ACCOUNT_ID]: null,
      [`arn:aws:s3:::${WEB_BUCKET}`]: {
        stack: 'web-prod',
        logicalId: 'WebBucket',
        path: 'web/template.yaml',
        range: range(3, 2, 11),
      },
      [`arn:aws:s3:::${REPORTS_BUCKET}`]: {
        stack: 'legacy-reports',
        logicalId: 'ReportsBucket',
        path: 'reports/reports.yaml',
        range: range(3, 2, 15),
      },
      [seeded.topicArn]: {
        stack: 'alerts-prod',
        logicalId: 'AlertsTopic',
        path: 'alerts/topic.yaml',
        range: range(3, 2, 13),
      },
      // The CDK construct's id in the app's own source, not the synthesized template.
      [seeded.queueArn]: {
        stack: 'data-prod',
        logicalId: 'Jobs1F2C2C63',
        path: 'data/lib/data-stack.ts',
        range: range(8, 37, 43),
      },
    };
    assert.deepEqual(sources, expected);
    // The literals above are where the files say.
    assert.deepEqual(find('web/template.yaml', 'WebBucket'), range(3, 2, 11));
    assert.deepEqual(find('reports/reports.yaml', 'ReportsBucket'), range(3, 2, 15));
    assert.deepEqual(find('alerts/topic.yaml', 'AlertsTopic'), range(3, 2, 13));
    assert.deepEqual(find('data/lib/data-stack.ts', "'Jobs'"), range(8, 37, 43));
    assert.equal(r.mapped, 4);
  });

  test('ajar audit --workspace: source in JSON, path:line in text, SARIF locations', async () => {
    const run = async (format: string) => {
      let stdout = '';
      let stderr = '';
      const code = await runAudit(
        ['--profile', 'audit', '--region', REGION, '--workspace', STACKS_WORKSPACE, '--format', format],
        {
          stdout: { write: (c: string) => (stdout += c) },
          stderr: { write: (c: string) => (stderr += c) },
          env: cleanEnv(files),
          cwd: STACKS_WORKSPACE,
        },
      );
      return { code, stdout, stderr };
    };
    const json = await run('json');
    assert.equal(json.code, 1, json.stderr);
    const doc = JSON.parse(json.stdout);
    const findings = doc.accounts[0].findings as { resource: string; source?: unknown; stack?: { name: string } }[];
    const bySource = findings
      .filter((f) => f.source)
      .map((f) => {
        const s = f.source as { stack: string; logicalId: string; path: string; range: { start: { line: number } } };
        return `${f.resource} ${s.stack} ${s.logicalId} ${s.path}:${s.range.start.line + 1}`;
      })
      .sort();
    assert.deepEqual(
      bySource,
      [
        `arn:aws:s3:::${REPORTS_BUCKET} legacy-reports ReportsBucket reports/reports.yaml:4`,
        `arn:aws:s3:::${WEB_BUCKET} web-prod WebBucket web/template.yaml:4`,
        `${seeded.queueArn} data-prod Jobs1F2C2C63 data/lib/data-stack.ts:9`,
        `${seeded.topicArn} alerts-prod AlertsTopic alerts/topic.yaml:4`,
      ].sort(),
    );
    const loose = findings.find((f) => f.resource === `arn:aws:s3:::${LOOSE_BUCKET}`)!;
    assert.equal(loose.source, undefined);
    assert.equal(loose.stack, undefined);

    const text = await run('text');
    assert.match(text.stdout, /source: web\/template\.yaml:4 \(stack web-prod, WebBucket\)/);
    assert.match(text.stdout, /source: data\/lib\/data-stack\.ts:9 \(stack data-prod, Jobs1F2C2C63\)/);

    const sarif = JSON.parse((await run('sarif')).stdout);
    // Valid against the official SARIF 2.1.0 schema (the fixture test/cli/sarif.test.ts pins).
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(
      JSON.parse(readFileSync(join(__dirname, '../fixtures/sarif-schema-2.1.0.json'), 'utf8')),
    );
    const log: unknown = sarif;
    assert.ok(validate(log), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
    const results = sarif.runs[0].results as { locations: { physicalLocation?: any; logicalLocations: any[] }[] }[];
    const located = results
      .map((x) => x.locations[0].physicalLocation)
      .filter(Boolean)
      .map((p: any) => `${p.artifactLocation.uri}:${p.region.startLine}:${p.region.startColumn}`)
      .sort();
    assert.deepEqual(located, [
      'alerts/topic.yaml:4:3',
      'data/lib/data-stack.ts:9:38',
      'reports/reports.yaml:4:3',
      'web/template.yaml:4:3',
    ]);
    assert.equal(results.length, findings.length);
    assert.equal(sarif.runs[0].originalUriBaseIds['%SRCROOT%'].uri.endsWith('/fixtures/stacks/'), true);
  });
});
