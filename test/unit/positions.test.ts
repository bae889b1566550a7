/**
 * Exact positions: the same finding's range in every way a template can be written (rules.md:
 * "Every finding carries the exact range of the offending node"). Expected ranges are computed
 * from the text by an independent line counter, and a few are written out by hand.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { lintText, type Finding } from '../../server/src/engine';
import { loc, locAfter, posOf } from './rules/util';

function only(text: string, ruleId: string, fileName = 'template.yaml'): Finding {
  const r = lintText(text, { fileName });
  const fs = r.findings.filter((f) => f.ruleId === ruleId);
  assert.equal(fs.length, 1, `one ${ruleId}: ${JSON.stringify(r.findings.map((f) => [f.ruleId, f.message, f.range]))}`);
  const f = fs[0];
  assert.ok(f.span.end > f.span.start, 'never zero-width');
  assert.ok(
    !(
      f.range.start.line === 0 &&
      f.range.start.character === 0 &&
      f.range.end.line === 0 &&
      f.range.end.character <= 1
    ),
    'never the top of the file',
  );
  // The span and the range agree on the analysed text.
  assert.deepEqual(f.range.start, posOf(r.text, f.span.start));
  assert.deepEqual(f.range.end, posOf(r.text, f.span.end));
  return f;
}

const POLICY_LF =
  'Resources:\n' +
  '  Orders:\n' +
  '    Type: AWS::SQS::Queue\n' +
  '  OrdersPolicy:\n' +
  '    Type: AWS::SQS::QueuePolicy\n' +
  '    Properties:\n' +
  '      Queues: [!Ref Orders]\n' +
  '      PolicyDocument:\n' +
  '        Statement:\n' +
  '          - Effect: Allow\n' +
  '            Principal: "*"\n' +
  '            Action: sqs:SendMessage\n';
const STAR = { start: { line: 10, character: 23 }, end: { line: 10, character: 26 } };

describe('YAML', () => {
  test('LF: hand-checked range of the "*"', () => {
    assert.deepEqual(only(POLICY_LF, 'AJ101').range, STAR);
  });

  test('CRLF line endings: same line/character', () => {
    const t = POLICY_LF.replace(/\n/g, '\r\n');
    const f = only(t, 'AJ101');
    assert.deepEqual(f.range, STAR);
    assert.equal(t.slice(f.span.start, f.span.end), '"*"');
  });

  test('lone CR line endings', () => {
    const t = POLICY_LF.replace(/\n/g, '\r');
    // YAML 1.2 and editors end a line at a lone CR (old Mac files).
    const f = only(t, 'AJ101');
    assert.deepEqual(f.range, STAR);
    // Mixed line ends in one file.
    const mixed = POLICY_LF.replace('Resources:\n', 'Resources:\r\n').replace('Queue\n', 'Queue\r');
    assert.deepEqual(only(mixed, 'AJ101').range, STAR);
  });

  test('BOM: positions relative to the text without the BOM, as editors count', () => {
    const t = '\uFEFF' + POLICY_LF;
    const r = lintText(t, { fileName: 'template.yaml' });
    assert.equal(r.bomLength, 1);
    const f = r.findings.find((x) => x.ruleId === 'AJ101')!;
    assert.deepEqual(f.range, STAR);
    assert.equal(r.text.slice(f.span.start, f.span.end), '"*"');
    // BOM + CRLF
    const f2 = only('\uFEFF' + POLICY_LF.replace(/\n/g, '\r\n'), 'AJ101');
    assert.deepEqual(f2.range, STAR);
  });

  test('tabs inside strings and comments before the value', () => {
    const t =
      'Resources:\n' +
      '  Assets:   # the\tbucket\n' +
      '    Type: AWS::S3::Bucket\n' +
      '    Properties:\n' +
      '      BucketName: "tab\there"\n' +
      '      # AccessControl: Private\n' +
      '      AccessControl:    PublicRead   # why\t\n';
    const f = only(t, 'AJ111');
    assert.deepEqual(f.range, { start: { line: 6, character: 24 }, end: { line: 6, character: 34 } });
  });

  test('a key id after tabs inside a double-quoted string', () => {
    const key = 'AKIA2E3NZTBWQXHSCZ7D';
    const t =
      'Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Description: "\t\tkey\t' +
      key +
      '\t"\n';
    const f = only(t, 'AJ303');
    assert.deepEqual(f.range, loc(t, key));
    assert.deepEqual(f.range, { start: { line: 4, character: 26 }, end: { line: 4, character: 46 } });
  });

  test('flow style {Principal: "*"} and plain * in flow', () => {
    const t = POLICY_LF.replace(
      '          - Effect: Allow\n            Principal: "*"\n            Action: sqs:SendMessage\n',
      '          - {Effect: Allow, Principal: "*", Action: sqs:SendMessage}\n',
    );
    assert.deepEqual(only(t, 'AJ101').range, loc(t, '"*"'));
    const t2 = POLICY_LF.replace(
      '          - Effect: Allow\n            Principal: "*"\n            Action: sqs:SendMessage\n',
      "          - {Effect: Allow, Principal: {AWS: ['*']}, Action: [sqs:SendMessage]}\n",
    );
    assert.deepEqual(only(t2, 'AJ101').range, loc(t2, "'*'"));
  });

  test('anchors and aliases: the finding points at the alias use or the anchored node', () => {
    const t =
      'Metadata:\n' +
      '  anyone: &anyone "*"\n' +
      'Resources:\n' +
      '  OrdersPolicy:\n' +
      '    Type: AWS::SQS::QueuePolicy\n' +
      '    Properties:\n' +
      '      Queues: [q]\n' +
      '      PolicyDocument:\n' +
      '        Statement:\n' +
      '          - Effect: Allow\n' +
      '            Principal: *anyone\n' +
      '            Action: sqs:SendMessage\n';
    const f = only(t, 'AJ101');
    // A scalar alias points where it is used, inside the resource.
    assert.deepEqual(f.range, loc(t, '*anyone'));
    assert.equal(f.resource, 'OrdersPolicy');
    // Text inside an aliased string is found once, where it is written.
    const key = 'AKIA2E3NZTBWQXHSCZ7D';
    const tk = `Metadata:\n  k: &k "id ${key}"\nResources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Description: *k\n      Handler: *k\n`;
    const ks = lintText(tk, { fileName: 'template.yaml' }).findings.filter((x) => x.ruleId === 'AJ303');
    assert.equal(ks.length, 1);
    assert.deepEqual(ks[0].range, loc(tk, key));
    // An anchored statement reused in a template resource
    const t2 =
      'Resources:\n' +
      '  A:\n' +
      '    Type: AWS::S3::Bucket\n' +
      '    Properties: &props\n' +
      '      AccessControl: PublicRead\n' +
      '  B:\n' +
      '    Type: AWS::S3::Bucket\n' +
      '    Properties: *props\n';
    const r = lintText(t2, { fileName: 'template.yaml' });
    const acl = r.findings.filter((x) => x.ruleId === 'AJ111');
    assert.equal(acl.length, 2);
    for (const x of acl) assert.deepEqual(x.range, loc(t2, 'PublicRead'));
  });

  test('anchor with a tag: the range starts at the tag', () => {
    const t =
      'Parameters:\n  P: {Type: String, Default: "*"}\n' + POLICY_LF.replace('Principal: "*"', 'Principal: &p !Ref P');
    const f = only(t, 'AJ101');
    assert.deepEqual(f.range, loc(t, '!Ref P'));
  });

  test('comments between keys and after values', () => {
    const t =
      '# header comment\n' +
      'Resources:\n' +
      '  # the instance\n' +
      '  Web: # inline\n' +
      '    # type next\n' +
      '    Type: AWS::EC2::Instance\n' +
      '    Properties:\n' +
      '      # options\n' +
      '      MetadataOptions:   # here\n' +
      '        # tokens\n' +
      '        HttpTokens: optional # not good\n';
    const f = only(t, 'AJ201');
    assert.deepEqual(f.range, { start: { line: 10, character: 20 }, end: { line: 10, character: 28 } });
    const t2 = t.replace(
      '        # tokens\n        HttpTokens: optional # not good\n',
      '        HttpPutResponseHopLimit: 1\n',
    );
    assert.deepEqual(only(t2, 'AJ201').range, { start: { line: 8, character: 6 }, end: { line: 8, character: 21 } });
    const t3 = '# c\nResources:\n  # c\n  Web: # inline\n    Type: AWS::EC2::Instance\n';
    assert.deepEqual(only(t3, 'AJ201').range, { start: { line: 3, character: 2 }, end: { line: 3, character: 5 } });
  });

  test('multi-line strings: literal, folded, quoted across lines, plain across lines', () => {
    const key = 'AKIA2E3NZTBWQXHSCZ7D';
    const head = 'Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Description: ';
    for (const body of [
      `|\n        line one\n        line two ${key}\n`,
      `|-\n\n        after a blank line\n          indented ${key} more\n`,
      `>\n        folded\n        text ${key}\n\n        more\n`,
      `"first\n        second ${key}"\n`,
      `'it''s\n        ${key}'\n`,
      `plain start\n        continues ${key}\n`,
    ]) {
      const t = head + body;
      assert.deepEqual(only(t, 'AJ303').range, loc(t, key), JSON.stringify(body));
    }
  });

  test('multi-line !Sub block scalar with CRLF', () => {
    const key = 'ASIAY34FZKBOKMUTVV7A';
    const t = (
      'Resources:\n  Box:\n    Type: AWS::EC2::Instance\n    Properties:\n      MetadataOptions: {HttpTokens: required}\n      UserData:\n        Fn::Base64: !Sub |\n          #!/bin/bash\n          echo ${AWS::StackName}\n          export KEY=' +
      key +
      '\n'
    ).replace(/\n/g, '\r\n');
    const f = only(t, 'AJ303');
    assert.deepEqual(f.range, { start: { line: 9, character: 21 }, end: { line: 9, character: 41 } });
  });

  test('missing-property findings point at the key: logical id, MetadataOptions key', () => {
    const t = 'Resources:\n\n  "Web":\n    Type: AWS::EC2::Instance\n';
    assert.deepEqual(only(t, 'AJ201').range, loc(t, '"Web"'));
  });

  test('policy JSON string in a YAML block scalar with CRLF', () => {
    const t =
      'Resources:\n  Logs:\n    Type: AWS::Logs::ResourcePolicy\n    Properties:\n      PolicyName: p\n      PolicyDocument: |\n        {"Statement": [\n          {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "logs:*"}\n        ]}\n'.replace(
        /\n/g,
        '\r\n',
      );
    const f = only(t, 'AJ101');
    assert.deepEqual(f.range, locAfter(t, '"AWS": ', '"*"'));
    assert.equal(f.range.start.line, 7);
  });

  test('policy JSON in a single-quoted YAML string', () => {
    const t =
      'Resources:\n  Bus:\n    Type: AWS::Events::EventBus\n    Properties:\n      Name: b\n      Policy: \'{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "events:PutEvents"}]}\'\n';
    assert.deepEqual(only(t, 'AJ101').range, loc(t, '"*"'));
  });

  test('policy JSON in a double-quoted YAML string with escapes', () => {
    const t =
      'Resources:\n  Bus:\n    Type: AWS::Events::EventBus\n    Properties:\n      Name: b\n      Policy: "{\\"Statement\\": [{\\"Effect\\": \\"Allow\\", \\"Principal\\": \\"*\\", \\"Action\\": \\"events:PutEvents\\"}]}"\n';
    assert.deepEqual(only(t, 'AJ101').range, loc(t, '\\"*\\"'));
  });

  test('non-ASCII text before the node: UTF-16 characters', () => {
    const t =
      'Resources:\n  Assets:\n    Type: AWS::S3::Bucket\n    Properties:\n      Tags: [{Key: "名前", Value: "😀 ok"}]\n      AccessControl: {"x": 1}\n';
    lintText(t, { fileName: 'template.yaml' });
    const t2 =
      'Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Description: "😀 名前 AKIA2E3NZTBWQXHSCZ7D"\n';
    const f = only(t2, 'AJ303');
    assert.deepEqual(f.range, loc(t2, 'AKIA2E3NZTBWQXHSCZ7D'));
    assert.equal(f.range.start.character, 26); // 😀 is two UTF-16 units
  });
});

describe('JSON', () => {
  const obj = {
    Resources: {
      Orders: { Type: 'AWS::SQS::Queue' },
      OrdersPolicy: {
        Type: 'AWS::SQS::QueuePolicy',
        Properties: {
          Queues: [{ Ref: 'Orders' }],
          PolicyDocument: { Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage' }] },
        },
      },
    },
  };

  test('pretty-printed', () => {
    const t = JSON.stringify(obj, null, 2);
    const f = only(t, 'AJ101', 'template.json');
    assert.deepEqual(f.range, locAfter(t, '"Principal": ', '"*"'));
    assert.deepEqual(f.range, { start: { line: 17, character: 27 }, end: { line: 17, character: 30 } });
  });

  test('minified on one line', () => {
    const t = JSON.stringify(obj);
    const f = only(t, 'AJ101', 'template.json');
    const i = t.indexOf('"*"');
    assert.deepEqual(f.range, { start: { line: 0, character: i }, end: { line: 0, character: i + 3 } });
  });

  test('CRLF, tabs and a BOM', () => {
    const t = '\uFEFF' + JSON.stringify(obj, null, '\t').replace(/\n/g, '\r\n');
    const r = lintText(t, { fileName: 'template.json' });
    const f = r.findings.find((x) => x.ruleId === 'AJ101')!;
    assert.deepEqual(f.range, locAfter(t.slice(1), '"Principal": ', '"*"'));
    assert.equal(f.range.start.character, 20);
  });

  test('missing key findings point at the quoted logical id', () => {
    const t = '{"Resources": {"Web": {"Type": "AWS::EC2::Instance"}}}';
    assert.deepEqual(only(t, 'AJ201', 'template.json').range, {
      start: { line: 0, character: 15 },
      end: { line: 0, character: 20 },
    });
  });

  test('escapes before the node on the same line', () => {
    const t =
      '{"Description": "a\\"b\\u00e9\\n", "Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {"AccessControl": "PublicRead"}}}}';
    assert.deepEqual(only(t, 'AJ111', 'template.json').range, loc(t, '"PublicRead"'));
  });
});
