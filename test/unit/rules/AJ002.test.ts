/** AJ002 placeholder-value, the placeholders fixes mark, and AJ001 for a placeholder reason. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { fixesFor, lintText } from '../../../server/src/engine';
import { applyEdits } from '../../../server/src/engine/fixes/edit';
import { expectFinding, findings, lint, loc, locAfter, none, one, y } from './util';

const policyWith = (cond: string) =>
  JSON.stringify(
    {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: '*',
          Action: 's3:GetObject',
          Resource: 'arn:aws:s3:::a/*',
          ...(cond && JSON.parse(cond)),
        },
      ],
    },
    null,
    2,
  );

describe('AJ002 placeholder-value', () => {
  test('the organization placeholder in a policy document: information, on the value', () => {
    const t = policyWith('{"Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-xxxxxxxxxx"}}}');
    expectFinding(one(t, 'AJ002', 'bucket.policy.json'), {
      ruleId: 'AJ002',
      severity: 'information',
      resource: null,
      range: loc(t, '"o-xxxxxxxxxx"'),
      message: ['o-xxxxxxxxxx', 'aws:PrincipalOrgID', 'allows no one'],
    });
    // The placeholder makes the statement allow no one: no AJ101 besides.
    none(t, 'AJ101', 'bucket.policy.json');
  });

  test('inside a longer string and inside a policy written as JSON text: the placeholder text itself', () => {
    const t = y`
      Resources:
        P:
          Type: AWS::SQS::QueuePolicy
          Properties:
            Queues: [q]
            PolicyDocument: |
              {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage",
                "Condition": {"StringLike": {"aws:PrincipalOrgPaths": "o-xxxxxxxxxx/r-ab12/*"}}}]}
    `;
    const f = one(t, 'AJ002');
    expectFinding(f, {
      ruleId: 'AJ002',
      severity: 'information',
      resource: 'P',
      range: locAfter(t, 'OrgPaths": "', 'o-xxxxxxxxxx'),
    });
  });

  test('near misses: a real id, one x short, in a key, in a comment', () => {
    const t = y`
      # o-xxxxxxxxxx was here
      Resources:
        P:
          Type: AWS::SNS::TopicPolicy
          Properties:
            Topics: [t]
            PolicyDocument:
              Statement:
                - Effect: Allow
                  Principal: '*'
                  Action: sns:Publish
                  Condition:
                    StringEquals:
                      aws:PrincipalOrgID: o-a1b2c3d4e5
                      aws:SourceOrgID: o-xxxxxxxxx
                      o-xxxxxxxxxx: key
    `;
    none(t, 'AJ002');
  });

  test('in a template: the fix references an OrganizationId parameter, and AJ002 is gone', () => {
    const t = y`
      Resources:
        P:
          Type: AWS::SNS::TopicPolicy
          Properties:
            Topics: [t]
            PolicyDocument:
              Statement:
                - Effect: Allow
                  Principal: '*'
                  Action: sns:Publish
                  Condition: {StringEquals: {aws:PrincipalOrgID: o-xxxxxxxxxx}}
    `;
    const r = lint(t);
    const f = r.findings.find((x) => x.ruleId === 'AJ002')!;
    const fixes = fixesFor(r, f);
    assert.deepEqual(
      fixes.map((x) => x.kind),
      ['use-organization-parameter'],
      'no Suppress for a placeholder',
    );
    const out = applyEdits(r.text, fixes[0].edits);
    assert.match(out, /aws:PrincipalOrgID: !Ref OrganizationId/);
    const after = lintText(out, { fileName: 'template.yaml' });
    assert.deepEqual(
      after.findings.map((x) => x.ruleId),
      [],
    );
  });

  test('no fix in a policy document (no parameters there)', () => {
    const t = policyWith('{"Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-xxxxxxxxxx"}}}');
    const r = lint(t, 'bucket.policy.json');
    assert.deepEqual(fixesFor(r, r.findings[0]), []);
  });
});

describe('fixes mark their placeholder', () => {
  test('"Restrict to your organization" in a policy: the org id is the placeholder, and AJ002 reports it', () => {
    const t = policyWith('');
    const r = lint(t, 'bucket.policy.json');
    const fx = fixesFor(r, r.findings[0]).find((x) => x.kind === 'restrict-to-organization')!;
    assert.equal(fx.placeholder, true);
    const e = fx.edits.find((x) => x.placeholder)!;
    assert.equal(e.newText.slice(e.placeholder!.start, e.placeholder!.end), 'o-xxxxxxxxxx');
    const after = lintText(applyEdits(r.text, fx.edits), { fileName: 'bucket.policy.json' });
    assert.deepEqual(
      after.findings.map((x) => x.ruleId),
      ['AJ002'],
    );
  });

  test('"Suppress with a reason": the TODO reason is the placeholder, and AJ001 reports it', () => {
    const t = y`
      Resources:
        Key:
          Type: AWS::IAM::AccessKey
          Properties: {UserName: ci}
    `;
    const r = lint(t);
    const fx = fixesFor(r, r.findings[0]).find((x) => x.kind === 'suppress')!;
    assert.equal(fx.placeholder, true);
    const e = fx.edits.find((x) => x.placeholder)!;
    assert.equal(e.newText.slice(e.placeholder!.start, e.placeholder!.end), 'TODO: explain why this is acceptable');
    const out = applyEdits(r.text, fx.edits);
    const f = one(out, 'AJ001');
    assert.match(f.message, /suppression of AJ301 on Key still has the placeholder reason "TODO: explain why/);
    none(out, 'AJ301');
    none(out, 'AJ002');
    // Replacing the placeholder with a reason clears AJ001.
    none(out.replace('TODO: explain why this is acceptable', 'legacy FTP client, removed in Q3'), 'AJ001');
  });

  test('fixes without a value to fill in have no placeholder', () => {
    const t = y`
      Resources:
        Bucket:
          Type: AWS::S3::Bucket
          Properties: {AccessControl: PublicRead}
    `;
    const r = lint(t);
    for (const fx of fixesFor(r, r.findings.find((x) => x.ruleId === 'AJ111')!)) {
      assert.equal(!!fx.placeholder, fx.kind === 'suppress', fx.title);
      assert.equal(fx.edits.filter((e) => e.placeholder).length, fx.kind === 'suppress' ? 1 : 0);
    }
  });
});

describe('AJ001: a placeholder reason is no reason', () => {
  const withReason = (reason: string) => y`
    Resources:
      Key:
        Type: AWS::IAM::AccessKey
        Metadata:
          ajar:
            ignore:
              - rule: AJ301
                reason: ${reason}
        Properties: {UserName: ci}
  `;
  test('TODO: ... is reported on the rule value; the suppression still applies', () => {
    const t = withReason("'TODO: say why'");
    expectFinding(one(t, 'AJ001'), {
      ruleId: 'AJ001',
      severity: 'warning',
      resource: 'Key',
      range: loc(t, 'AJ301'),
      message: ['placeholder reason "TODO: say why"'],
    });
    none(t, 'AJ301');
  });
  test('a real reason, and one that only mentions TODO later, are reasons', () => {
    none(withReason('rotated monthly by the vault job'), 'AJ001');
    none(withReason('"tracked in TODO.md"'), 'AJ001');
  });
  test('a long placeholder is shortened in the message', () => {
    const f = one(withReason(`"TODO: ${'x'.repeat(100)}"`), 'AJ001');
    assert.ok(f.message.length < 200, f.message);
    assert.match(f.message, /\.\.\."/);
  });
  test('findings keep counting: the rest of the document is linted', () => {
    assert.equal(findings(withReason("'TODO'"), 'AJ001').length, 1);
  });
});
