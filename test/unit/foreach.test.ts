/**
 * Fn::ForEach (the AWS::LanguageExtensions transform), rules.md "Values and intrinsic functions":
 * the resources and outputs a loop generates are linted; with a literal collection each expansion
 * is a possible value (`${Var}` replaced, findings say which item), otherwise the body is linted
 * once with the loop variable as a fixed-but-unknown value. Findings point into the loop body.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectFinding, findings, json, lint, loc, locAfter, none, one, y } from './rules/util';

/** A loop of queues, each with a queue policy whose statement is `stmt` (indented for the list). */
function queues(collection: string, stmt: string, head = ''): string {
  const body = stmt
    .trim()
    .split('\n')
    .map((l, i) => (i === 0 ? '                - ' : '                  ') + l)
    .join('\n');
  return (
    'AWSTemplateFormatVersion: "2010-09-09"\n' +
    'Transform: AWS::LanguageExtensions\n' +
    head +
    'Resources:\n' +
    '  Fn::ForEach::Queues:\n' +
    '    - Name\n' +
    `    - ${collection}\n` +
    '    - ${Name}Queue:\n' +
    '        Type: AWS::SQS::Queue\n' +
    '      ${Name}QueuePolicy:\n' +
    '        Type: AWS::SQS::QueuePolicy\n' +
    '        Properties:\n' +
    '          Queues: [!Ref "${Name}Queue"]\n' +
    '          PolicyDocument:\n' +
    '            Statement:\n' +
    body +
    '\n'
  );
}

const PUBLIC = 'Effect: Allow\nPrincipal: "*"\nAction: sqs:SendMessage\nResource: "*"';

test('a literal collection: the loop body is linted for each item, one finding in the body naming the items', () => {
  const t = queues('[Orders, Payments]', PUBLIC);
  const r = lint(t);
  assert.equal(r.kind, 'cloudformation');
  assert.deepEqual(
    [...r.template!.resources.keys()],
    ['OrdersQueue', 'OrdersQueuePolicy', 'PaymentsQueue', 'PaymentsQueuePolicy'],
  );
  const f = one(t, 'AJ101');
  expectFinding(f, {
    ruleId: 'AJ101',
    severity: 'error',
    resource: 'OrdersQueuePolicy',
    range: loc(t, '"*"'),
    message: ['Anyone can sqs:SendMessage on queue OrdersQueue', 'Fn::ForEach::Queues', 'Name = Orders, Payments'],
  });
});

test('each expansion is a possible value: !Ref Name and ${Name} take the item, and only the item that opens it is named', () => {
  const head = y`
    Mappings:
      Exposure:
        Orders: {Principal: "*"}
        Payments: {Principal: "arn:aws:iam::123456789012:root"}
  `;
  const t = queues(
    '[Orders, Payments]',
    'Effect: Allow\nPrincipal: {AWS: !FindInMap [Exposure, !Ref Name, Principal]}\nAction: sqs:SendMessage\nResource: "*"',
    head,
  );
  const f = one(t, 'AJ101');
  expectFinding(f, {
    ruleId: 'AJ101',
    severity: 'error',
    resource: 'OrdersQueuePolicy',
    range: loc(t, '!FindInMap [Exposure, !Ref Name, Principal]'),
    message: ['queue OrdersQueue', 'Name = Orders'],
  });
  assert.ok(!f.message.includes('Payments'), f.message);
  // `${Name}` in a plain string of the body is the item: a fixed source ARN restricts.
  none(
    queues(
      '[Orders, Payments]',
      `${PUBLIC}\nCondition: {ArnEquals: {aws:SourceArn: "arn:aws:sns:us-east-1:123456789012:\${Name}-events"}}`,
    ),
    'AJ101',
  );
});

test('a collection that is not literal: the body is linted once, the variable fixed but unknown', () => {
  const head = 'Parameters:\n  QueueNames: {Type: CommaDelimitedList, Default: "a,b"}\n';
  const t = queues('!Ref QueueNames', PUBLIC, head);
  const r = lint(t);
  assert.deepEqual([...r.template!.resources.keys()], ['${Name}Queue', '${Name}QueuePolicy']);
  expectFinding(one(t, 'AJ101'), {
    ruleId: 'AJ101',
    severity: 'error',
    resource: '${Name}QueuePolicy',
    range: loc(t, '"*"'),
    message: ['queue ${Name}Queue', 'Fn::ForEach::Queues', 'every Name'],
  });
  // Unknown is never a wildcard, nor an IAM policy variable: `${Name}` in a source ARN still restricts.
  none(
    queues(
      '!Ref QueueNames',
      `${PUBLIC}\nCondition: {ArnEquals: {aws:SourceArn: "arn:aws:sns:us-east-1:123456789012:\${Name}"}}`,
      head,
    ),
    'AJ101',
  );
  none(
    queues('!Ref QueueNames', `${PUBLIC}\nCondition: {StringEquals: {aws:SourceAccount: !Ref Name}}`, head),
    'AJ101',
  );
});

test('JSON, long-form intrinsics and &{Var}: the same', () => {
  const t = json({
    Transform: 'AWS::LanguageExtensions',
    Resources: {
      'Fn::ForEach::Buckets': [
        'Site',
        ['www.example.com', 'docs.example.com'],
        {
          'Bucket&{Site}': {
            Type: 'AWS::S3::Bucket',
            Properties: { BucketName: { 'Fn::Sub': '${Site}' }, AccessControl: 'PublicRead' },
          },
        },
      ],
    },
  });
  const r = lint(t, 'template.json');
  assert.equal(r.kind, 'cloudformation');
  assert.deepEqual([...r.template!.resources.keys()], ['Bucketwwwexamplecom', 'Bucketdocsexamplecom']);
  const f = one(t, 'AJ111', 'template.json');
  expectFinding(f, {
    ruleId: 'AJ111',
    severity: 'warning',
    resource: 'Bucketwwwexamplecom',
    range: loc(t, '"PublicRead"'),
    message: ['Site = www.example.com, docs.example.com'],
  });
});

test('nested loops and outputs generated by a loop', () => {
  const t = y`
    Transform: AWS::LanguageExtensions
    Resources:
      Fn::ForEach::Teams:
        - Team
        - [Red, Blue]
        - Fn::ForEach::Users:
            - User
            - [Ann, Bob]
            - \${Team}\${User}:
                Type: AWS::IAM::User
              \${Team}\${User}Key:
                Type: AWS::IAM::AccessKey
                Properties:
                  UserName: !Ref "\${Team}\${User}"
    Outputs:
      Fn::ForEach::Secrets:
        - Team
        - [Red, Blue]
        - \${Team}AnnSecret:
            Value: !GetAtt "\${Team}AnnKey.SecretAccessKey"
  `;
  const r = lint(t);
  assert.equal(r.template!.resources.size, 8);
  assert.ok(r.template!.resources.has('BlueBobKey'));
  assert.deepEqual([...r.template!.outputs.keys()], ['RedAnnSecret', 'BlueAnnSecret']);
  const keys = findings(t, 'AJ301');
  assert.equal(keys.length, 1, JSON.stringify(keys.map((f) => f.message)));
  assert.match(keys[0].message, /Team = Red, User = Ann; also Red\/Bob, Blue\/Ann, Blue\/Bob/);
  const secret = one(t, 'AJ302');
  expectFinding(secret, {
    ruleId: 'AJ302',
    severity: 'error',
    resource: 'RedAnnSecret',
    range: loc(t, '!GetAtt "${Team}AnnKey.SecretAccessKey"'),
    message: ['Team = Red, Blue'],
  });
});

test('a template of loops only is still a template; suppressions in the body apply to every item', () => {
  const t = y`
    Resources:
      Fn::ForEach::Buckets:
        - Name
        - [a, b]
        - Bucket\${Name}:
            Type: AWS::S3::Bucket
            Metadata:
              ajar:
                ignore:
                  - rule: AJ111
            Properties:
              AccessControl: PublicRead
  `;
  const r = lint(t);
  assert.equal(r.kind, 'cloudformation');
  assert.equal(r.findings.filter((f) => f.ruleId === 'AJ111').length, 0);
  assert.equal(r.findings.filter((f) => f.ruleId === 'AJ001').length, 1, 'one AJ001 for the one suppression written');
  assert.equal(r.suppressed.filter((s) => s.finding.ruleId === 'AJ111').length, 2);
});

test('a malformed or huge loop is not a crash: malformed is skipped, huge is linted once', () => {
  none('Resources:\n  Fn::ForEach::X: [Name]\n  B: {Type: AWS::SQS::Queue}\n', 'AJ101');
  const items = Array.from({ length: 2000 }, (_, i) => `q${i}`).join(', ');
  const t = queues(`[${items}]`, PUBLIC);
  const r = lint(t);
  assert.ok(r.template!.resources.size <= 1000, `${r.template!.resources.size} resources`);
  expectFinding(one(t, 'AJ101'), {
    ruleId: 'AJ101',
    severity: 'error',
    resource: '${Name}QueuePolicy',
    range: locAfter(t, 'Principal: ', '"*"'),
    message: ['every Name'],
  });
});
