/**
 * Hostile input: every document gives a clear finding or error in bounded time and memory, never a
 * crash, a hang or a silent skip (rules.md AJ000). Time is measured as CPU time of this process
 * (robust on a loaded CI box) with a generous wall-clock bound on top to catch hangs.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { lintText, type LintResult } from '../../server/src/engine';
import { posOf } from './rules/util';

const CPU_MS = 2000;
const WALL_MS = 15000;

function timed(text: string, fileName: string): { r: LintResult; cpuMs: number; wallMs: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = lintText(text, { fileName });
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { r, cpuMs: (c.user + c.system) / 1000, wallMs };
}

function bounded(text: string, fileName: string, what: string): LintResult {
  const { r, cpuMs, wallMs } = timed(text, fileName);
  assert.ok(cpuMs < CPU_MS, `${what}: ${cpuMs.toFixed(0)} ms CPU`);
  assert.ok(wallMs < WALL_MS, `${what}: ${wallMs.toFixed(0)} ms wall`);
  return r;
}

function aj000(r: LintResult, pattern: RegExp) {
  const f = r.findings.filter((x) => x.ruleId === 'AJ000');
  assert.equal(f.length, 1, `one AJ000, got ${JSON.stringify(r.findings.map((x) => x.message))}`);
  assert.equal(f[0].severity, 'error');
  assert.match(f[0].message, pattern);
  assert.ok(f[0].span.end > f[0].span.start, 'non-empty range');
  return f[0];
}

describe('malformed documents', () => {
  test('malformed YAML template: AJ000 with the parser message at the parser position', () => {
    const t = 'Resources:\n  B:\n    Type: AWS::S3::Bucket\n   Properties: [\n';
    const r = bounded(t, 'template.yaml', 'malformed yaml');
    const f = aj000(r, /^cannot read this YAML document: /);
    assert.equal(r.kind, 'cloudformation');
    assert.equal(f.range.start.line, 3, 'points at the broken line');
  });

  test('unclosed flow map in a template: position at or after the opening', () => {
    const t =
      'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties: {BucketName: x\n';
    const f = aj000(bounded(t, 'stack.yaml', 'unclosed flow'), /YAML/);
    assert.ok(f.range.start.line >= 4, JSON.stringify(f.range));
  });

  test('malformed JSON template: AJ000 at the offending character', () => {
    const t = '{"Resources": {"B": {"Type": "AWS::S3::Bucket",}}}';
    const f = aj000(
      bounded(t, 'template.json', 'malformed json'),
      /^cannot read this JSON document: JSON: property name expected/,
    );
    assert.deepEqual(f.range.start, posOf(t, t.indexOf('}')));
    const t2 = '{\n  "Resources": {\n    "B": {"Type": "AWS::S3::Bucket"}\n  }\n  "Outputs": {}\n}\n';
    const f2 = aj000(bounded(t2, 'template.json', 'missing comma'), /',' expected/);
    assert.deepEqual(f2.range.start, { line: 4, character: 2 });
  });

  test('JSON with comments in a template: reported, strict JSON', () => {
    const t = '{\n  // comment\n  "Resources": {"B": {"Type": "AWS::S3::Bucket"}}\n}\n';
    const f = aj000(bounded(t, 'template.json', 'comment'), /comments are not allowed/);
    assert.equal(f.range.start.line, 1);
  });

  test('a partly broken template is still linted where it can be read', () => {
    const t =
      'Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicReadWrite\n  C: [\n';
    const r = bounded(t, 'template.yaml', 'partial');
    assert.equal(r.findings.filter((f) => f.ruleId === 'AJ000').length, 1);
    // Whether AJ111 is found depends on how much the parser recovered; it must not crash either way.
    assert.ok(r.findings.every((f) => f.span.end > f.span.start));
  });

  test('files that are not templates: kind other, no findings', () => {
    for (const [text, name] of [
      ['foo: [\n', 'notes.yaml'],
      ['{"a": ', 'package.json'],
      ['key: "unterminated\n', 'values.yml'],
      ['- a\n- b: [\n', 'list.yaml'],
      ['just some text', 'README'],
    ]) {
      const r = bounded(text, name, name);
      assert.equal(r.kind, 'other', name);
      assert.deepEqual(r.findings, [], name);
    }
  });

  test('empty and whitespace-only documents', () => {
    for (const name of ['template.yaml', 'template.json', 'x.yaml']) {
      for (const text of ['', '   \n\n', '\uFEFF', '\r\n']) {
        const r = bounded(text, name, 'empty');
        assert.ok(
          r.findings.every((f) => f.ruleId === 'AJ000'),
          name,
        );
      }
    }
  });

  test('multi-document YAML stream: other, no findings', () => {
    const r = bounded('a: 1\n---\nResources:\n  B:\n    Type: AWS::S3::Bucket\n', 'stream.yaml', 'stream');
    assert.equal(r.kind, 'other');
    assert.deepEqual(r.findings, []);
  });
});

describe('safety bounds', () => {
  test('billion laughs: AJ000 about alias expansion, fast, low memory', () => {
    let bomb =
      'AWSTemplateFormatVersion: "2010-09-09"\nlol0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
    for (let i = 1; i < 10; i++)
      bomb += `lol${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(', ')}]\n`;
    bomb += 'Resources:\n  X:\n    Type: AWS::S3::Bucket\n    Properties:\n      Tags: *a9\n';
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    const r = bounded(bomb, 'template.yaml', 'alias bomb');
    const delta = process.memoryUsage().heapUsed - before;
    assert.ok(delta < 200 * 1024 * 1024, `heap grew ${(delta / 1048576).toFixed(0)} MB`);
    const f = aj000(r, /alias expansion exceeds 100000 nodes/);
    assert.ok(f.range.start.line >= 2, 'points at an alias, not the top of the file');
  });

  test('billion laughs in a file with a non-template name but template content', () => {
    let bomb = 'Resources:\n  X:\n    Type: AWS::S3::Bucket\na: &a [x, x, x, x, x, x, x, x, x, x]\n';
    for (const [p, n] of [
      ['a', 'b'],
      ['b', 'c'],
      ['c', 'd'],
      ['d', 'e'],
      ['e', 'f'],
      ['f', 'g'],
      ['g', 'h'],
    ])
      bomb += `${n}: &${n} [${Array(10)
        .fill('*' + p)
        .join(', ')}]\n`;
    aj000(bounded(bomb, 'whatever.yaml', 'bomb 2'), /alias expansion/);
  });

  const N = 20_000;
  test('20,000-deep YAML flow sequences and maps: AJ000 about nesting, no stack overflow', () => {
    const seq = 'Resources: ' + '['.repeat(N) + ']'.repeat(N) + '\n';
    const f = aj000(bounded(seq, 'template.yaml', 'yaml [[['), /nesting deeper than 500 levels/);
    assert.equal(f.range.start.line, 0);
    assert.ok(f.range.start.character > 11, 'at a bracket, not the top');
    aj000(
      bounded('Resources: ' + '{a: '.repeat(N) + '1' + '}'.repeat(N) + '\n', 'template.yaml', 'yaml {a:'),
      /nesting deeper than 500 levels/,
    );
  });

  test('20,000-deep YAML block nesting (compact sequences; indented maps as deep as 8 MB allows)', () => {
    const compact = 'Resources:\n  X:\n    ' + '- '.repeat(N) + 'a\n';
    aj000(bounded(compact, 'template.yaml', 'compact - - -'), /nesting deeper than 500 levels/);
    const maps = 'Resources:\n' + Array.from({ length: 3000 }, (_, i) => ' '.repeat(i + 1) + 'k:').join('\n') + ' 1\n';
    const f = aj000(bounded(maps, 'template.yaml', 'indented maps'), /nesting deeper than 500 levels/);
    assert.ok(f.range.start.line >= 499);
    const seqs = 'Resources:\n' + Array.from({ length: 3000 }, (_, i) => ' '.repeat(i + 1) + '-').join('\n') + ' 1\n';
    aj000(bounded(seqs, 'template.yaml', 'indented seqs'), /nest/);
  });

  test('nesting just under the limit is read; a deep block scalar body is not nesting', () => {
    const ok =
      'AWSTemplateFormatVersion: "2010-09-09"\nMetadata:\n  x: ' +
      '['.repeat(400) +
      ']'.repeat(400) +
      '\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicRead\n';
    const r = bounded(ok, 'template.yaml', 'depth 400');
    assert.equal(r.findings.filter((f) => f.ruleId === 'AJ000').length, 0);
    assert.equal(r.findings.filter((f) => f.ruleId === 'AJ111').length, 1);
    const script = Array.from({ length: 800 }, (_, i) => '          ' + ' '.repeat(i) + 'if x; then [ {').join('\n');
    const bs =
      'Resources:\n  B:\n    Type: AWS::EC2::Instance\n    Properties:\n      MetadataOptions: {HttpTokens: required}\n      UserData:\n        Fn::Base64: |\n' +
      script +
      '\n';
    const r2 = bounded(bs, 'template.yaml', 'block scalar');
    assert.deepEqual(
      r2.findings.map((f) => f.ruleId),
      [],
    );
    // Brackets inside plain and quoted scalars are not flow collections.
    const plain =
      'Resources:\n' +
      Array.from(
        { length: 600 },
        (_, i) => `  R${i}:\n    Type: AWS::SNS::Topic\n    Properties:\n      DisplayName: a[${i} {x "q[" 'it''s [\n`,
      ).join('');
    const r3 = bounded(plain, 'template.yaml', 'brackets in scalars');
    assert.equal(r3.findings.filter((f) => f.ruleId === 'AJ000').length, 0, JSON.stringify(r3.findings[0]?.message));
  });

  test('20,000-deep JSON arrays and objects: AJ000 about nesting, no stack overflow', () => {
    const f = aj000(
      bounded('['.repeat(N) + ']'.repeat(N), 'template.json', 'json [[['),
      /nesting deeper than 500 levels/,
    );
    assert.deepEqual(f.range.start, { line: 0, character: 500 });
    aj000(
      bounded('{"a":'.repeat(N) + '1' + '}'.repeat(N), 'template.json', 'json {"a":'),
      /nesting deeper than 500 levels/,
    );
    // With template-like content but an unknown name: still recognised by sniffing.
    const sniffed = '{"Resources": {"X": ' + '{"a":'.repeat(N) + '1' + '}'.repeat(N) + '}}';
    aj000(bounded(sniffed, 'data.json', 'sniffed'), /nesting/);
    // Not a template by name or content: other, nothing.
    const other = bounded('['.repeat(N) + ']'.repeat(N), 'data.json', 'other');
    assert.equal(other.kind, 'other');
  });

  test('10 MB template: AJ000 over the size bound, fast', () => {
    const big =
      'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n' + ('  # ' + 'x'.repeat(96) + '\n').repeat(105_000);
    assert.ok(big.length > 10_000_000);
    const f = aj000(bounded(big, 'template.yaml', '10 MB'), /MB, over the 8 MB limit/);
    assert.equal(f.range.start.line, 0);
    const bigJson = '{"Resources": {"B": {"Type": "AWS::S3::Bucket", "Metadata": "' + 'x'.repeat(10_500_000) + '"}}}';
    aj000(bounded(bigJson, 'template.json', '10 MB JSON'), /over the 8 MB limit/);
    // A big file that is not a template: silently other.
    assert.deepEqual(bounded('x'.repeat(10_500_000), 'blob.txt', 'big other').findings, []);
  });

  test('NUL bytes and binary content: AJ000 at the NUL for templates, nothing for other files', () => {
    const t = 'Resources:\n  B:\n    Type: AWS::S3::Bucket\u0000\n';
    const f = aj000(bounded(t, 'template.yaml', 'NUL'), /binary content \(NUL byte\)/);
    assert.deepEqual(f.range, { start: { line: 2, character: 25 }, end: { line: 2, character: 26 } });
    const bin = Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 7919 + 13) % 256)).toString('latin1');
    aj000(bounded(bin, 'template.json', 'binary'), /binary/);
    assert.deepEqual(bounded(bin, 'image.png', 'binary other').findings, []);
    // Binary without NUL but invalid as YAML/JSON in a template-named file: AJ000, no crash.
    const noNul = Buffer.from(Array.from({ length: 50_000 }, (_, i) => 1 + ((i * 31) % 255))).toString('latin1');
    const r = bounded(noNul, 'template.yaml', 'binary no NUL');
    assert.ok(r.findings.every((x) => x.ruleId === 'AJ000'));
  });

  test('a huge single line (5 MB scalar) and a 1.8 MB one-line JSON policy', () => {
    const t =
      'Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: ' +
      'a'.repeat(5_000_000) +
      '\n      AccessControl: PublicRead\n';
    const r = bounded(t, 'template.yaml', 'huge line');
    assert.deepEqual(
      r.findings.map((f) => f.ruleId),
      ['AJ111'],
    );
    assert.equal(r.findings[0].range.start.line, 5);
    const stmts = Array.from({ length: 15_000 }, (_, i) => ({
      Sid: `s${i}`,
      Effect: 'Allow',
      Principal: { Service: 'sns.amazonaws.com' },
      Action: 'sqs:SendMessage',
      Resource: '*',
    }));
    const pj = JSON.stringify({
      Version: '2012-10-17',
      Statement: [...stmts, { Effect: 'Allow', Principal: '*', Action: 'sqs:*' }],
    });
    const rp = bounded(pj, 'queue.policy.json', 'one-line policy');
    assert.deepEqual(
      rp.findings.map((f) => f.ruleId),
      ['AJ101'],
    );
    assert.equal(rp.findings[0].range.start.line, 0);
    assert.equal(pj.slice(rp.findings[0].span.start, rp.findings[0].span.end), '"*"');
  });

  test('deeply nested intrinsics under the depth limit: bounded, unknown is never "*"', () => {
    let ifs = '"*"';
    for (let i = 0; i < 240; i++) ifs = `{"Fn::If": ["C", ${ifs}, "123456789012"]}`;
    const t = `{"Conditions": {"C": {"Fn::Equals": ["a", "b"]}}, "Resources": {"P": {"Type": "AWS::SQS::QueuePolicy", "Properties": {"Queues": ["q"], "PolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": ${ifs}, "Action": "sqs:*"}]}}}}}`;
    const r = bounded(t, 'template.json', 'nested If');
    assert.ok(r.findings.every((f) => f.ruleId === 'AJ101' || f.ruleId === 'AJ000'));
    let sel = '"*"';
    for (let i = 0; i < 200; i++) sel = `{"Fn::Select": [0, [${sel}]]}`;
    const t2 = `{"Resources": {"P": {"Type": "AWS::SQS::QueuePolicy", "Properties": {"Queues": ["q"], "PolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": ${sel}, "Action": "sqs:*"}]}}}}}`;
    bounded(t2, 'template.json', 'nested Select');
    // YAML short forms nested deep
    let y = '"*"';
    for (let i = 0; i < 200; i++) y = `!If [C, ${y}, x]`;
    const t3 =
      'Resources:\n  P:\n    Type: AWS::SQS::QueuePolicy\n    Properties:\n      Queues: [q]\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Principal: ' +
      y +
      '\n            Action: "sqs:*"\n';
    bounded(t3, 'template.yaml', 'nested YAML');
    // A parameter default that refers to itself through a chain of Subs does not loop.
    const loop =
      'Parameters:\n  A: {Type: String, Default: "*"}\nResources:\n  P:\n    Type: AWS::SQS::QueuePolicy\n    Properties:\n      Queues: [q]\n      PolicyDocument:\n        Statement:\n          - {Effect: Allow, Principal: !Ref A, Action: "sqs:*"}\n';
    assert.equal(bounded(loop, 'template.yaml', 'param').findings.length, 1);
  });

  test('a Statement of 10,000 items (half Deny): linear, every public Allow reported', () => {
    const stmts = Array.from({ length: 10_000 }, (_, i) =>
      i % 2
        ? { Effect: 'Allow', Principal: '*', Action: `sqs:Action${i}` }
        : {
            Effect: 'Deny',
            Principal: '*',
            Action: `sqs:Other${i}`,
            Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-1' } },
          },
    );
    const t = JSON.stringify({
      Resources: {
        P: { Type: 'AWS::SQS::QueuePolicy', Properties: { Queues: ['q'], PolicyDocument: { Statement: stmts } } },
      },
    });
    const { r, cpuMs } = timed(t, 'template.json');
    assert.ok(cpuMs < 4000, `10,000 statements: ${cpuMs.toFixed(0)} ms CPU`);
    assert.equal(r.findings.filter((f) => f.ruleId === 'AJ101').length, 5000);
    // And a Deny for everyone on sqs:* confines them all.
    stmts.push({
      Effect: 'Deny',
      Principal: '*',
      Action: 'sqs:*',
      Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-1' } },
    });
    const t2 = JSON.stringify({
      Resources: {
        P: { Type: 'AWS::SQS::QueuePolicy', Properties: { Queues: ['q'], PolicyDocument: { Statement: stmts } } },
      },
    });
    const r2 = timed(t2, 'template.json');
    assert.ok(r2.cpuMs < 4000);
    assert.equal(r2.r.findings.filter((f) => f.ruleId === 'AJ101').length, 0);
  });

  test('many resources and many aliases of one anchor stay fast', () => {
    const res = Array.from(
      { length: 5000 },
      (_, i) => `  B${i}:\n    Type: AWS::S3::Bucket\n    Properties: *props\n`,
    ).join('');
    const t =
      'AWSTemplateFormatVersion: "2010-09-09"\nMetadata:\n  shared: &props {AccessControl: PublicRead}\nResources:\n' +
      res;
    const r = bounded(t, 'template.yaml', 'aliases');
    assert.equal(r.findings.filter((f) => f.ruleId === 'AJ111').length, 5000);
  });

  test('CRLF and BOM do not change what is found', () => {
    const lf = 'Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicRead\n';
    const crlf = '\uFEFF' + lf.replace(/\n/g, '\r\n');
    const a = bounded(lf, 'template.yaml', 'lf').findings;
    const b = bounded(crlf, 'template.yaml', 'crlf').findings;
    assert.deepEqual(
      a.map((f) => [f.ruleId, f.range]),
      b.map((f) => [f.ruleId, f.range]),
    );
  });
});

describe('edge positions and recursive aliases', () => {
  test('an error at the end of the text points at the last character written, never zero-width', () => {
    for (const [text, name, at] of [
      ['{', 'template.json', 0],
      ['{"Resources": {', 'template.json', 14],
      ['Resources: [\n', 'template.yaml', 11],
      ['Resources:\n  B: {\n\n', 'template.yaml', 16],
    ] as const) {
      const f = aj000(bounded(text, name, JSON.stringify(text)), /cannot read/);
      assert.equal(f.span.start, at, JSON.stringify(text));
      assert.ok(f.span.end > at && f.span.end <= text.length);
      assert.ok(f.range.end.character > f.range.start.character || f.range.end.line > f.range.start.line);
    }
  });

  test('an alias to a node that contains it: AJ000, no cycle reaches the rules', () => {
    for (const t of [
      'Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties: &p {X: *p, AccessControl: PublicRead}\n',
      'Resources:\n  B:\n    Type: AWS::SQS::QueuePolicy\n    Properties:\n      PolicyDocument: &d\n        Statement: [*d]\n',
    ]) {
      const f = aj000(bounded(t, 'template.yaml', 'recursive alias'), /refers to a node that contains it/);
      assert.deepEqual(f.range.start, posOf(t, t.indexOf('*', t.indexOf('&') + 1)));
    }
  });
});

test('a chain of parameters whose defaults branch (!If [C, !Ref Next, !Ref Next]): linear, one finding', () => {
  let params = 'Parameters:\n';
  const D = 15;
  for (let i = 0; i < D; i++)
    params += `  P${i}:\n    Type: String\n    Default: !If [C, !Ref P${i + 1}, !Ref P${i + 1}]\n`;
  params += `  P${D}:\n    Type: String\n    Default: "*"\n`;
  const t =
    'Conditions:\n  C: !Equals [a, b]\n' +
    params +
    'Resources:\n  Q:\n    Type: AWS::SQS::QueuePolicy\n    Properties:\n      Queues: [q]\n      PolicyDocument:\n        Statement:\n          - {Effect: Allow, Principal: !Ref P0, Action: "sqs:*"}\n';
  const { r, cpuMs } = timed(t, 'template.yaml');
  assert.ok(cpuMs < 500, `${cpuMs} ms CPU`);
  const f = r.findings.filter((x) => x.ruleId === 'AJ101');
  assert.equal(f.length, 1, 'one finding per node, not one per path');
  assert.match(f[0].message, /parameter P0/);
});
