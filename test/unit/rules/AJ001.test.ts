/** AJ001 suppression-without-reason, Metadata suppressions and `.ajar.yaml` configuration. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../../server/src/engine';
import { expectFinding, findings, lint, loc, none, one, json } from './util';

const policy = (metadata: string) =>
  'Resources:\n' +
  '  SitePolicy:\n' +
  '    Type: AWS::S3::BucketPolicy\n' +
  metadata +
  '    Properties:\n' +
  '      Bucket: site\n' +
  '      PolicyDocument:\n' +
  '        Statement:\n' +
  '          - {Effect: Allow, Principal: "*", Action: s3:GetObject}\n' +
  '  Key:\n' +
  '    Type: AWS::IAM::AccessKey\n' +
  '    Properties: {UserName: ci}\n';

describe('Metadata suppressions', () => {
  test('ajar.ignore with a reason suppresses that rule on that resource only', () => {
    const t = policy(
      '    Metadata:\n      ajar:\n        ignore:\n          - rule: AJ101\n            reason: public website\n',
    );
    const r = lint(t);
    assert.equal(r.findings.filter((f) => f.ruleId === 'AJ101').length, 0);
    assert.equal(r.findings.filter((f) => f.ruleId === 'AJ001').length, 0);
    assert.equal(r.findings.filter((f) => f.ruleId === 'AJ301').length, 1, 'other resources keep their findings');
    assert.equal(r.suppressed.length, 1);
    assert.equal(r.suppressed[0].by, 'metadata');
    assert.equal(r.suppressed[0].reason, 'public website');
  });

  test('by slug too; a bare rule string suppresses and asks for a reason', () => {
    none(
      policy(
        '    Metadata:\n      ajar:\n        ignore:\n          - rule: public-resource-policy\n            reason: ok\n',
      ),
      'AJ101',
    );
    const t = policy('    Metadata:\n      ajar:\n        ignore: [AJ101]\n');
    none(t, 'AJ101');
    expectFinding(one(t, 'AJ001'), {
      ruleId: 'AJ001',
      severity: 'warning',
      resource: 'SitePolicy',
      range: loc(t, 'AJ101'),
      message: ['AJ101', 'SitePolicy', 'no reason'],
    });
  });

  test('without a reason: still suppressed, AJ001 on the rule value; empty reason counts as none', () => {
    const t = policy('    Metadata:\n      ajar:\n        ignore:\n          - rule: AJ101\n');
    none(t, 'AJ101');
    const f = one(t, 'AJ001');
    expectFinding(f, {
      ruleId: 'AJ001',
      severity: 'warning',
      resource: 'SitePolicy',
      range: loc(t, 'AJ101'),
      message: ['suppression of AJ101 on SitePolicy has no reason'],
    });
    assert.equal(f.rule, 'suppression-without-reason');
    const e = policy(
      '    Metadata:\n      ajar:\n        ignore:\n          - rule: AJ101\n            reason: "  "\n',
    );
    assert.equal(findings(e, 'AJ001').length, 1);
  });

  test('JSON Metadata suppression', () => {
    const t = json({
      Resources: {
        P: {
          Type: 'AWS::SQS::QueuePolicy',
          Metadata: { ajar: { ignore: [{ rule: 'AJ101' }] } },
          Properties: {
            Queues: ['q'],
            PolicyDocument: { Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sqs:*' }] },
          },
        },
      },
    });
    none(t, 'AJ101', 'template.json');
    expectFinding(one(t, 'AJ001', 'template.json'), {
      ruleId: 'AJ001',
      severity: 'warning',
      resource: 'P',
      range: loc(t, '"AJ101"'),
    });
  });

  test('a suppression of another rule does not hide this one', () => {
    assert.equal(
      findings(
        policy('    Metadata:\n      ajar:\n        ignore:\n          - rule: AJ111\n            reason: x\n'),
        'AJ101',
      ).length,
      1,
    );
  });
});

describe('.ajar.yaml configuration', () => {
  const t = policy('');

  test('rules off and re-graded, by id and by slug', () => {
    const { config, problems } = parseConfig(
      'rules:\n  AJ101: {severity: off, reason: checked by the platform team}\n  long-lived-access-key: error\n',
    );
    assert.deepEqual(problems, []);
    const r = lint(t, 'template.yaml', config);
    assert.equal(r.findings.filter((f) => f.ruleId === 'AJ101').length, 0);
    const k = r.findings.find((f) => f.ruleId === 'AJ301')!;
    assert.equal(k.severity, 'error');
    const { config: c2 } = parseConfig('rules:\n  public-resource-policy: information\n  AJ301: info\n');
    const r2 = lint(t, 'template.yaml', c2);
    assert.equal(r2.findings.find((f) => f.ruleId === 'AJ101')!.severity, 'information');
    assert.equal(r2.findings.find((f) => f.ruleId === 'AJ301')!.severity, 'information');
  });

  test('invalid rule settings are problems, not crashes', () => {
    const { problems } = parseConfig('rules:\n  AJ101: loud\n');
    assert.equal(problems.length, 1);
    assert.match(problems[0].message, /AJ101/);
  });

  test('ignores by rule + path + resource', () => {
    const { config } = parseConfig(
      'ignores:\n  - rule: AJ101\n    path: "site/*.yaml"\n    resource: SitePolicy\n    reason: public website\n',
    );
    const root = '/repo';
    const c = { ...config, root };
    const hit = lint(t, '/repo/site/template.yaml', c);
    assert.equal(hit.findings.filter((f) => f.ruleId === 'AJ101').length, 0);
    assert.equal(hit.suppressed[0].by, 'config');
    assert.equal(hit.suppressed[0].reason, 'public website');
    // Another path, or another resource: not ignored.
    assert.equal(lint(t, '/repo/app/template.yaml', c).findings.filter((f) => f.ruleId === 'AJ101').length, 1);
    const other = parseConfig('ignores:\n  - rule: AJ101\n    resource: OtherPolicy\n    reason: x\n').config;
    assert.equal(
      lint(t, '/repo/site/template.yaml', { ...other, root }).findings.filter((f) => f.ruleId === 'AJ101').length,
      1,
    );
    // by slug, no path: everywhere
    const slug = parseConfig('ignores:\n  - rule: long-lived-access-key\n    reason: legacy\n').config;
    assert.equal(lint(t, '/repo/x.yaml', { ...slug, root }).findings.filter((f) => f.ruleId === 'AJ301').length, 0);
  });

  test('ignorePaths: the file is not linted at all', () => {
    const { config } = parseConfig('ignorePaths:\n  - "test/fixtures/**"\n');
    const c = { ...config, root: '/repo' };
    const r = lint(t, '/repo/test/fixtures/deep/template.yaml', c);
    assert.equal(r.findings.length, 0);
    assert.ok(lint(t, '/repo/src/template.yaml', c).findings.length > 0);
  });

  test('config with a BOM and CRLF', () => {
    const { config, problems } = parseConfig('\uFEFFrules:\r\n  AJ101: warning\r\n  AJ301: off\r\n');
    assert.equal(config.rules.AJ101, 'warning');
    assert.equal(config.rules.AJ301, 'off');
    // Only the reason-less `off` is reported (AJ001), on the key, in the CRLF text's lines.
    assert.deepEqual(
      problems.map((p) => [p.ruleId, p.range?.start.line, p.range?.start.character]),
      [['AJ001', 2, 2]],
    );
  });
});

describe('AJ000 basics', () => {
  test('a broken template names the parser message at the parser position', () => {
    const t = 'Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n    Properties: {BucketName: [unclosed\n';
    const f = one(t, 'AJ000');
    assert.equal(f.rule, 'unreadable-document');
    assert.equal(f.severity, 'error');
    assert.equal(f.resource, null);
    assert.match(f.message, /cannot read this YAML document/);
    assert.ok(f.span.end > f.span.start);
    assert.ok(f.range.start.line >= 3, `points into the broken line, not the top: ${JSON.stringify(f.range)}`);
  });
});
