/**
 * Deployed stacks to workspace files (engine/stacks): samconfig.toml, the order of the ways, the
 * logical-id match and its ties, `.ajar.yaml` `stacks:` validation; and the audit's keys between
 * stack physical ids and finding resources (audit/stacks.ts, pure parts).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  logicalIdRange,
  matchScore,
  matchStack,
  templateResources,
  type StackInput,
  type WorkspaceIndex,
} from '../../server/src/engine/stacks/map';
import { samconfigStacks } from '../../server/src/engine/stacks/samconfig';
import { cdkStacksOf } from '../../server/src/engine/stacks/workspace';
import { parseConfig } from '../../server/src/engine/config/config';
import { physicalKey, resourceKey, stackFromTags, StackIndex } from '../../server/src/audit/stacks';
import {
  auditTime,
  findingIsAbout,
  liveNoteText,
  liveStatus,
  templateHasProblem,
} from '../../server/src/engine/stacks/live';
import { lintText } from '../../server/src/engine';

const T = (resources: Record<string, string>) =>
  `Resources:\n${Object.entries(resources)
    .map(([id, type]) => `  ${id}:\n    Type: ${type}\n`)
    .join('')}`;

const stack = (name: string, resources: Record<string, string>, region = 'us-east-1'): StackInput => ({
  name,
  id: `arn:aws:cloudformation:${region}:111122223333:stack/${name}/1`,
  region,
  resources: Object.entries(resources).map(([logicalId, type]) => ({ logicalId, type })),
});

const empty = (): WorkspaceIndex => ({ root: '/ws', cdk: [], sam: [], config: [], templates: [] });

describe('samconfig.toml', () => {
  test('one stack per environment: deploy parameters first, template_file or the default', () => {
    const text = `version = 0.1
[default.global.parameters]
stack_name = "from-global"
[default.deploy.parameters]
stack_name = "web-prod"
region = "eu-west-1"
[prod.deploy.parameters]
stack_name = "web-live"
template_file = "infra/template.yml"
[empty.deploy.parameters]
capabilities = "CAPABILITY_IAM"
`;
    assert.deepEqual(samconfigStacks(text), [
      { env: 'default', stackName: 'web-prod', region: 'eu-west-1' },
      { env: 'prod', stackName: 'web-live', templateFile: 'infra/template.yml' },
    ]);
  });
  test('not TOML, or hostile: no stacks, no throw', () => {
    assert.deepEqual(samconfigStacks('[default.deploy.parameters\nstack_name = "x"'), []);
    assert.deepEqual(samconfigStacks('stack_name = "top-level"'), []);
    assert.deepEqual(samconfigStacks(`a = "${'x'.repeat(300 * 1024)}"`), []);
    assert.deepEqual(samconfigStacks('[default.deploy.parameters]\nstack_name = 42'), []);
  });
});

describe('cdk.out/manifest.json', () => {
  test('stack name from properties.stackName, else the artifact id; environment when known', () => {
    const m = JSON.stringify({
      artifacts: {
        A: { type: 'aws:cloudformation:stack', properties: { templateFile: 'A.template.json', stackName: 'a-prod' } },
        B: { type: 'aws:cloudformation:stack', environment: 'aws://111122223333/eu-west-1' },
        Tree: { type: 'cdk:tree' },
        Escape: { type: 'aws:cloudformation:stack', properties: { templateFile: '../../etc/passwd' } },
      },
    });
    assert.deepEqual(cdkStacksOf(m, '/ws/cdk.out'), [
      { stackName: 'a-prod', artifactId: 'A', templateFile: '/ws/cdk.out/A.template.json' },
      {
        stackName: 'B',
        artifactId: 'B',
        templateFile: '/ws/cdk.out/B.template.json',
        region: 'eu-west-1',
        account: '111122223333',
      },
    ]);
    assert.deepEqual(cdkStacksOf('not json', '/ws/cdk.out'), []);
  });
});

describe('matchStack', () => {
  const ws = (): WorkspaceIndex => ({
    root: '/ws',
    cdk: [{ stackName: 'both', artifactId: 'Both', templateFile: '/ws/cdk.out/Both.template.json' }],
    sam: [
      { stackName: 'both', templateFile: '/ws/sam/template.yaml', configFile: '/ws/sam/samconfig.toml' },
      {
        stackName: 'sam-eu',
        templateFile: '/ws/eu/template.yaml',
        configFile: '/ws/eu/samconfig.toml',
        region: 'eu-west-1',
      },
    ],
    config: [
      { pattern: 'sam-eu', templateFile: '/ws/fallback.yaml' },
      { pattern: 'web-*', templateFile: '/ws/web.yaml' },
    ],
    templates: [
      {
        path: '/ws/a.yaml',
        text: T({ Bucket: 'AWS::S3::Bucket', Queue: 'AWS::SQS::Queue', Topic: 'AWS::SNS::Topic' }),
      },
      { path: '/ws/b.yaml', text: T({ Bucket: 'AWS::S3::Bucket', Other: 'AWS::SQS::Queue' }) },
      { path: '/ws/c.yaml', text: T({ Bucket: 'AWS::S3::Bucket', Other: 'AWS::SQS::Queue' }) },
      { path: '/ws/notes.yaml', text: 'just: notes\n' },
    ],
  });
  test('the CDK assembly first, then samconfig.toml, then .ajar.yaml', () => {
    assert.equal(matchStack(stack('both', {}), ws())?.via, 'cdk');
    assert.equal(matchStack(stack('both', {}), ws())?.path, '/ws/cdk.out/Both.template.json');
    // samconfig's region is eu-west-1: in us-east-1 it does not name the stack, .ajar.yaml does.
    assert.deepEqual(matchStack(stack('sam-eu', {}), ws()), { via: 'config', path: '/ws/fallback.yaml' });
    assert.deepEqual(matchStack(stack('sam-eu', {}, 'eu-west-1'), ws()), {
      via: 'samconfig',
      path: '/ws/eu/template.yaml',
    });
    assert.deepEqual(matchStack(stack('web-prod', {}), ws()), { via: 'config', path: '/ws/web.yaml' });
  });
  test('a CDK environment of another account or region does not name the stack', () => {
    const w = ws();
    w.cdk[0].account = '999999999999';
    assert.equal(matchStack(stack('both', {}), w, '111122223333')?.via, 'samconfig');
    assert.equal(matchStack(stack('both', {}), w)?.via, 'cdk'); // no account known: it may be
  });
  test('by logical ids: the best template above the threshold', () => {
    const m = matchStack(
      stack('old', { Bucket: 'AWS::S3::Bucket', Queue: 'AWS::SQS::Queue', Topic: 'AWS::SNS::Topic' }),
      ws(),
    );
    assert.deepEqual(m, { via: 'logical-ids', path: '/ws/a.yaml', score: 1 });
  });
  test('by logical ids: equal best matches are candidates, none chosen', () => {
    const m = matchStack(stack('old', { Bucket: 'AWS::S3::Bucket', Other: 'AWS::SQS::Queue' }), ws());
    assert.deepEqual(m, { via: 'logical-ids', score: 1, candidates: ['/ws/b.yaml', '/ws/c.yaml'] });
  });
  test('by logical ids: a type differing, or too few in common, is no match', () => {
    assert.equal(matchStack(stack('old', { Bucket: 'AWS::SQS::Queue' }), ws()), null);
    // One of four in common: 2*1/(1+3) = 0.5 < 0.6.
    assert.equal(matchStack(stack('old', { Topic: 'AWS::SNS::Topic' }), ws()), null);
    assert.equal(matchStack(stack('old', {}), ws()), null);
  });
  test('the deployed template (GetTemplate) counts before the resource list', () => {
    const s = stack('old', { Unrelated: 'AWS::S3::Bucket' });
    s.template = JSON.stringify({
      Resources: { Bucket: { Type: 'AWS::S3::Bucket' }, Other: { Type: 'AWS::SQS::Queue' } },
    });
    const w = ws();
    w.templates.pop();
    w.templates.pop(); // c.yaml and notes.yaml
    assert.deepEqual(matchStack(s, w), { via: 'logical-ids', path: '/ws/b.yaml', score: 1 });
  });
  test('matchScore is the Dice coefficient of (logical id, type) pairs', () => {
    const a = new Map([
      ['A', 'X'],
      ['B', 'Y'],
    ]);
    assert.equal(matchScore(a, new Map([['A', 'X']])), 2 / 3);
    assert.equal(matchScore(a, new Map([['A', 'Y']])), 0);
    assert.equal(matchScore(new Map(), a), 0);
    assert.equal(empty().templates.length, 0);
  });
});

describe('templates', () => {
  test('templateResources and logicalIdRange read YAML and JSON, and refuse what is not a template', () => {
    assert.deepEqual([...templateResources(T({ A: 'AWS::S3::Bucket' }))!], [['A', 'AWS::S3::Bucket']]);
    assert.equal(templateResources('- a list'), null);
    const json = '{\n  "Resources": {\n    "Jobs": {"Type": "AWS::SQS::Queue"}\n  }\n}';
    assert.deepEqual(logicalIdRange(json, 'Jobs'), {
      start: { line: 2, character: 4 },
      end: { line: 2, character: 10 },
    });
    assert.deepEqual(logicalIdRange('\uFEFF' + T({ B: 'AWS::SNS::Topic' }), 'B'), {
      start: { line: 1, character: 2 },
      end: { line: 1, character: 3 },
    });
    assert.equal(logicalIdRange(json, 'Missing'), null);
  });
});

describe('.ajar.yaml stacks:', () => {
  test('stack names and globs to relative template paths; mistakes reported, not applied', () => {
    const { config, problems } = parseConfig(
      'stacks:\n  web-prod: sam/template.yaml\n  "alerts-*": ./infra/alerts.yaml\n  bad: /etc/passwd\n  up: ../other/t.yaml\n  num: 42\n  "": x.yaml\n',
    );
    assert.deepEqual(
      config.stacks?.map((s) => [s.pattern, s.template]),
      [
        ['web-prod', 'sam/template.yaml'],
        ['alerts-*', 'infra/alerts.yaml'],
      ],
    );
    assert.deepEqual(
      problems.map((p) => p.message.split(':')[0]),
      ['stacks.bad', 'stacks.up', 'stacks.num must be a template path, not number 42', 'stacks'],
    );
    assert.match(parseConfig('stacks: [a]\n').problems[0].message, /stacks must be a mapping/);
    assert.equal(parseConfig('stacks:\n').problems.length, 0);
  });
});

describe('audit: stack resources to finding resources', () => {
  test('physical ids and ARNs meet in one key space', () => {
    const acct = '111122223333';
    assert.equal(physicalKey('AWS::S3::Bucket', 'b', 'us-east-1', acct), 'arn:aws:s3:::b');
    assert.equal(
      physicalKey('AWS::SQS::Queue', 'https://sqs.eu-west-1.amazonaws.com/111122223333/q-1', 'eu-west-1', acct),
      'arn:aws:sqs:eu-west-1:111122223333:q-1',
    );
    assert.equal(physicalKey('AWS::SQS::Queue', 'not a url', 'eu-west-1', acct), undefined);
    assert.equal(
      physicalKey('AWS::EC2::Instance', 'i-0abc', 'eu-west-1', acct),
      'arn:aws:ec2:eu-west-1:111122223333:instance/i-0abc',
    );
    assert.equal(
      physicalKey('AWS::IAM::User', 'alice', 'us-east-1', acct),
      resourceKey(`arn:aws:iam::${acct}:user/ops/alice`),
    );
    assert.equal(physicalKey('AWS::S3::BucketPolicy', 'some-id', 'us-east-1', acct), undefined);
    const index = new StackIndex(acct);
    index.add({
      name: 's',
      id: 'arn:aws:cloudformation:us-east-1:111122223333:stack/s/1',
      region: 'us-east-1',
      status: 'CREATE_COMPLETE',
      resources: [
        { logicalId: 'B', type: 'AWS::S3::Bucket', physicalId: 'b' },
        { logicalId: 'P', type: 'AWS::S3::BucketPolicy', physicalId: 'b' },
      ],
    });
    assert.deepEqual(index.lookup('arn:aws:s3:::b'), {
      name: 's',
      id: 'arn:aws:cloudformation:us-east-1:111122223333:stack/s/1',
      region: 'us-east-1',
      logicalId: 'B',
    });
    assert.equal(index.lookup('arn:aws:s3:::other'), undefined);
  });
  test('CloudFormation tags name the stack when all of them are there', () => {
    const tags = [
      { Key: 'aws:cloudformation:stack-name', Value: 'web' },
      { Key: 'aws:cloudformation:logical-id', Value: 'Server' },
      { Key: 'aws:cloudformation:stack-id', Value: 'arn:aws:cloudformation:eu-west-1:1:stack/web/x' },
    ];
    assert.deepEqual(stackFromTags(tags, 'us-east-1'), {
      name: 'web',
      id: 'arn:aws:cloudformation:eu-west-1:1:stack/web/x',
      region: 'eu-west-1',
      logicalId: 'Server',
    });
    assert.equal(stackFromTags(tags.slice(0, 1), 'us-east-1'), undefined);
    assert.equal(stackFromTags(undefined, 'us-east-1'), undefined);
  });
});

describe('live notes (engine/stacks/live.ts)', () => {
  const lint = (text: string) => lintText(text, { fileName: '/ws/t.yaml' });
  const QUEUE = `Resources:
  Jobs:
    Type: AWS::SQS::Queue
  Other:
    Type: AWS::SQS::Queue
  JobsPolicy:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [!Ref Jobs]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: "*"
            Action: sqs:SendMessage
            Resource: "*"
`;
  test('a policy resource finding is about the queue its Queues refer to, not another', () => {
    const a = lint(QUEUE);
    assert.ok(a.findings.some((f) => f.ruleId === 'AJ101' && f.resource === 'JobsPolicy'));
    assert.equal(templateHasProblem(a, 'Jobs', 'AJ532'), true);
    assert.equal(templateHasProblem(a, 'Other', 'AJ532'), false);
    assert.equal(templateHasProblem(a, 'Jobs', 'AJ521'), false); // another problem
    assert.equal(templateHasProblem(a, 'Jobs', 'AJ999'), false);
    const f = a.findings.find((x) => x.ruleId === 'AJ101')!;
    assert.equal(findingIsAbout(f, 'JobsPolicy', a.template), true);
  });
  test('live here, not deployed yet, drift, unknown', () => {
    const bad = lint(QUEUE);
    const good = lint(QUEUE.slice(0, QUEUE.indexOf('  JobsPolicy:')));
    assert.equal(liveStatus(bad, good, 'Jobs', 'AJ532'), 'here');
    assert.equal(liveStatus(good, bad, 'Jobs', 'AJ532'), 'not-deployed');
    assert.equal(liveStatus(good, good, 'Jobs', 'AJ532'), 'drift');
    assert.equal(liveStatus(good, null, 'Jobs', 'AJ532'), 'unknown');
  });
  test('the words, and the time of the audit', () => {
    const now = new Date('2026-12-02T16:00:00Z');
    const n = {
      accountId: '111122223333',
      region: 'us-east-1',
      stack: 'web-prod',
      ruleId: 'AJ531',
      auditedAt: '2026-12-02T15:42:10Z',
    };
    assert.equal(
      liveNoteText({ ...n, status: 'here' }, now),
      'Live in 111122223333 us-east-1, stack web-prod: bucket is public now (AJ531) · audit 15:42 UTC',
    );
    assert.equal(
      liveNoteText({ ...n, status: 'drift', auditedAt: '2026-11-30T08:05:00Z' }, now),
      'Drift: the live bucket policy differs from this template (AJ531, live in 111122223333 us-east-1, stack web-prod) · audit 2026-11-30 08:05 UTC',
    );
    assert.match(liveNoteText({ ...n, status: 'not-deployed' }, now), /^Fixed here, not deployed yet: live in/);
    assert.match(liveNoteText({ ...n, status: 'unknown' }, now), /the deployed template was not read/);
    assert.equal(auditTime('nonsense', now), 'an unknown time');
  });
});
