/**
 * Navigation: the outline, go to definition and find references, at exact ranges, in YAML (block
 * and flow, LF and CRLF, both YAML parsers) and JSON, short and long forms.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { navigate, Navigation, LineIndex, type OutlineSymbol } from '../../server/src/engine';
import { parseYamlReference } from '../../server/src/engine/parse/yaml';
import { buildTemplate } from '../../server/src/engine/model/template';
import { isMap } from '../../server/src/engine/parse/ast';
import type { Span } from '../../server/src/engine/types';

function nav(text: string, fileName = 'template.yaml'): Navigation {
  const n = navigate(text, fileName).navigation;
  assert.ok(n, 'a template navigates');
  return n;
}

/** Offset of the `nth` occurrence of `needle`, plus `delta`. */
function at(text: string, needle: string, nth = 0, delta = 0): number {
  let i = -1;
  for (let k = 0; k <= nth; k++) {
    i = text.indexOf(needle, i + 1);
    assert.ok(i >= 0, `${needle} #${nth} in the text`);
  }
  return i + delta;
}

const slice = (text: string, s: Span) => text.slice(s.start, s.end);
/** Each span as `line:char-line:char text`. */
function show(text: string, spans: Span[]): string[] {
  const li = new LineIndex(text);
  return spans.map((s) => {
    const r = li.range(s);
    return `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character} ${slice(text, s)}`;
  });
}

const YAML = `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Env:
    Type: String
    AllowedValues: [dev, prod]
  "Quoted":
    Type: Number
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Not [!Condition IsProd]
  Both:
    Fn::And:
      - Condition: IsProd
      - !Condition IsDev
Mappings:
  Sizes:
    dev: {Size: 1}
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Condition: IsProd
    Properties:
      BucketName: !Sub '\${Env}-\${AWS::Region}-\${!Literal}'
  Queue:
    Type: AWS::SQS::Queue
    DependsOn: Bucket
    Properties:
      DelaySeconds: !FindInMap [Sizes, !Ref Env, Size]
      Tags:
        - Key: b
          Value: !GetAtt Bucket.Arn
        - Key: c
          Value: !GetAtt [Bucket, DomainName]
        - Key: d
          Value: {Ref: Quoted}
        - Key: e
          Value: !If [IsProd, !Ref "Bucket", !Ref AWS::NoValue]
  Topic:
    Type: AWS::SNS::Topic
    DependsOn: [Bucket, Queue]
    Properties:
      TopicName: !Sub
        - '\${Env}-\${Bucket.Arn}-\${Queue}'
        - Queue: !GetAtt Queue.QueueName
Outputs:
  Arn:
    Condition: IsDev
    Value: !Sub \${Bucket.Arn}
`;

describe('outline', () => {
  test('sections in document order, entries by logical id, types as detail, exact ranges', () => {
    const o = nav(YAML).outline();
    assert.deepEqual(
      o.map((s) => `${s.kind} ${s.name} ${s.children?.length ?? '-'}`),
      [
        'section AWSTemplateFormatVersion -',
        'section Parameters 2',
        'section Conditions 3',
        'section Mappings 1',
        'section Resources 3',
        'section Outputs 1',
      ],
    );
    const res = o[4];
    assert.deepEqual(
      res.children?.map((c) => `${c.kind} ${c.name} ${c.detail}`),
      ['resource Bucket AWS::S3::Bucket', 'resource Queue AWS::SQS::Queue', 'resource Topic AWS::SNS::Topic'],
    );
    const params = o[1].children as OutlineSymbol[];
    assert.deepEqual(
      params.map((c) => `${c.kind} ${c.name} ${c.detail}`),
      ['parameter Env String', 'parameter Quoted Number'],
    );
    // The quoted key's selection is its name without quotes; its range is the whole pair.
    assert.deepEqual(show(YAML, [params[1].selection]), ['5:3-5:9 Quoted']);
    assert.deepEqual(show(YAML, [params[1].span]), ['5:2-6:16 "Quoted":\n    Type: Number']);
    // A section: from its key to its last entry's end; the selection is the key.
    assert.deepEqual(show(YAML, [res.selection]), ['17:0-17:9 Resources']);
    const li = new LineIndex(YAML);
    assert.deepEqual(li.range(res.span).start, { line: 17, character: 0 });
    assert.equal(li.range(res.span).end.line, 43);
    const bucket = res.children?.[0] as OutlineSymbol;
    assert.deepEqual(show(YAML, [bucket.selection]), ['18:2-18:8 Bucket']);
    assert.equal(slice(YAML, bucket.span).split('\n').length, 5);
    // Every child lies inside its parent, every selection inside its range (LSP requires it).
    const check = (s: OutlineSymbol, parent?: OutlineSymbol) => {
      assert.ok(s.span.start <= s.selection.start && s.selection.end <= s.span.end, s.name);
      if (parent) assert.ok(parent.span.start <= s.span.start && s.span.end <= parent.span.end, s.name);
      for (const c of s.children ?? []) check(c, s);
    };
    for (const s of o) check(s);
  });

  test('loops are entries with their body as children; SAM Globals list their keys', () => {
    const text = `Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]
Globals:
  Function:
    Timeout: 3
Resources:
  Fn::ForEach::Topics:
    - Name
    - [A, B]
    - Topic\${Name}:
        Type: AWS::SNS::Topic
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Environment:
        Variables:
          T: !Ref TopicA
`;
    const n = nav(text);
    const o = n.outline();
    assert.deepEqual(
      o.map((s) => s.name),
      ['Transform', 'Globals', 'Resources'],
    );
    assert.deepEqual(
      o[1].children?.map((c) => c.name),
      ['Function'],
    );
    const loop = o[2].children?.[0] as OutlineSymbol;
    assert.equal(loop.kind, 'loop');
    assert.equal(loop.detail, 'Fn::ForEach');
    assert.deepEqual(
      loop.children?.map((c) => `${c.name} ${c.detail}`),
      ['Topic${Name} AWS::SNS::Topic'],
    );
    // A resource the loop generates is declared at the key of the loop's body.
    const defs = n.definitionAt(at(text, 'TopicA', 0, 2));
    assert.deepEqual(
      show(
        text,
        defs.map((d) => d.span),
      ),
      ['8:6-8:18 Topic${Name}'],
    );
  });

  test('a JSON template: names without quotes, ranges of the whole pair', () => {
    const text = '{\n  "Resources": {\n    "B": {"Type": "AWS::S3::Bucket"}\n  }\n}\n';
    const o = nav(text, 'x.json').outline();
    assert.deepEqual(show(text, [o[0].selection, o[0].span]), [
      '1:3-1:12 Resources',
      '1:2-3:3 "Resources": {\n    "B": {"Type": "AWS::S3::Bucket"}\n  }',
    ]);
    const b = o[0].children?.[0] as OutlineSymbol;
    assert.equal(b.detail, 'AWS::S3::Bucket');
    assert.deepEqual(show(text, [b.selection, b.span]), ['2:5-2:6 B', '2:4-2:36 "B": {"Type": "AWS::S3::Bucket"}']);
  });

  test('not a template: no navigation; a half-typed template still has an outline', () => {
    assert.equal(navigate('name: build\non: push\n', 'ci.yml').navigation, null);
    assert.equal(navigate('{"Version": "2012-10-17", "Statement": []}', 'p.policy.json').navigation, null);
    assert.equal(navigate('', 'template.yaml').navigation, null);
    const typing = 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Bucket:\n    Type: AWS::S3::Bucket\n  Que\n';
    const o = nav(typing).outline();
    assert.deepEqual(
      o.map((s) => s.name),
      ['AWSTemplateFormatVersion', 'Resources'],
    );
    assert.ok(o[1].children?.some((c) => c.name === 'Bucket'));
  });
});

describe('definition', () => {
  const def = (text: string, offset: number, fileName?: string) =>
    show(
      text,
      nav(text, fileName)
        .definitionAt(offset)
        .map((d) => d.span),
    );

  test('!Ref and {Ref: } to parameters and resources, cursor anywhere in the name', () => {
    assert.deepEqual(def(YAML, at(YAML, '!Ref Env', 0, 5)), ['2:2-2:5 Env']);
    assert.deepEqual(def(YAML, at(YAML, '!Ref Env', 0, 8)), ['2:2-2:5 Env'], 'the cursor just after the name');
    assert.deepEqual(def(YAML, at(YAML, '{Ref: Quoted}', 0, 8)), ['5:3-5:9 Quoted']);
    assert.deepEqual(def(YAML, at(YAML, '!Ref "Bucket"', 0, 7)), ['18:2-18:8 Bucket']);
    assert.deepEqual(def(YAML, at(YAML, '!Ref "Bucket"', 0, 1)), [], 'the tag is not the name');
  });

  test('pseudo parameters have no definition', () => {
    assert.deepEqual(def(YAML, at(YAML, 'AWS::NoValue', 0, 3)), []);
    assert.deepEqual(def(YAML, at(YAML, 'AWS::Region', 0, 3)), []);
    const r = nav(YAML).referenceAt(at(YAML, 'AWS::Region', 0, 3));
    assert.equal(r?.pseudo, true);
  });

  test('!GetAtt A.B and [A, B]: the resource, from its name only', () => {
    assert.deepEqual(def(YAML, at(YAML, 'Bucket.Arn', 0, 2)), ['18:2-18:8 Bucket']);
    assert.deepEqual(def(YAML, at(YAML, 'Bucket.Arn', 0, 8)), [], 'the attribute names no declaration');
    assert.deepEqual(def(YAML, at(YAML, '[Bucket, DomainName]', 0, 1)), ['18:2-18:8 Bucket']);
    const r = nav(YAML).referenceAt(at(YAML, 'Bucket.Arn', 0, 2));
    assert.deepEqual(show(YAML, [r?.span as Span]), ['30:25-30:31 Bucket']);
  });

  test('${X} and ${X.Attr} in !Sub; its own variables first; ${!Literal} is text', () => {
    assert.deepEqual(def(YAML, at(YAML, "'${Env}-${AWS", 0, 3)), ['2:2-2:5 Env']);
    assert.deepEqual(def(YAML, at(YAML, '${!Literal}', 0, 4)), []);
    assert.equal(nav(YAML).referenceAt(at(YAML, '${!Literal}', 0, 4)), undefined);
    // `${Queue}` in the list form is the Sub's own variable, not the resource Queue.
    assert.deepEqual(def(YAML, at(YAML, '-${Queue}', 0, 4)), ['43:10-43:15 Queue']);
    assert.deepEqual(def(YAML, at(YAML, '${Bucket.Arn}-', 0, 3)), ['18:2-18:8 Bucket']);
    assert.deepEqual(def(YAML, at(YAML, '!Sub ${Bucket.Arn}', 0, 8)), ['18:2-18:8 Bucket']);
    // The variable's value is read too.
    assert.deepEqual(def(YAML, at(YAML, 'Queue.QueueName', 0, 1)), ['23:2-23:7 Queue']);
  });

  test('condition names: resource and output Condition, !If, !Condition, Fn::And items', () => {
    const isProd = ['8:2-8:8 IsProd'];
    assert.deepEqual(def(YAML, at(YAML, 'Condition: IsProd', 1, 12)), isProd, 'resource Condition');
    assert.deepEqual(def(YAML, at(YAML, '[IsProd,', 0, 1)), isProd, '!If');
    assert.deepEqual(def(YAML, at(YAML, '!Condition IsProd', 0, 11)), isProd, '!Condition');
    assert.deepEqual(def(YAML, at(YAML, 'Condition: IsProd', 0, 11)), isProd, '{Condition: } in Fn::And');
    assert.deepEqual(def(YAML, at(YAML, '!Condition IsDev', 0, 12)), ['9:2-9:7 IsDev']);
    assert.deepEqual(def(YAML, at(YAML, 'Condition: IsDev', 0, 12)), ['9:2-9:7 IsDev'], 'output Condition');
  });

  test('DependsOn (string and list) and Fn::FindInMap', () => {
    assert.deepEqual(def(YAML, at(YAML, 'DependsOn: Bucket', 0, 12)), ['18:2-18:8 Bucket']);
    assert.deepEqual(def(YAML, at(YAML, '[Bucket, Queue]', 0, 10)), ['23:2-23:7 Queue']);
    assert.deepEqual(def(YAML, at(YAML, '[Sizes,', 0, 2)), ['15:2-15:7 Sizes']);
  });

  test('on a declaration: the declaration itself', () => {
    assert.deepEqual(def(YAML, at(YAML, '  Bucket:', 0, 3)), ['18:2-18:8 Bucket']);
  });

  test('the reference YAML parser gives the same answers', () => {
    const doc = parseYamlReference(YAML);
    assert.ok(isMap(doc.root));
    const ref = new Navigation(buildTemplate(doc, doc.root, 'cloudformation'), YAML);
    const fast = nav(YAML);
    assert.deepEqual(
      ref.references.map((r) => `${r.via} ${r.name} ${r.span.start}-${r.span.end} ${r.target?.span.start}`),
      fast.references.map((r) => `${r.via} ${r.name} ${r.span.start}-${r.span.end} ${r.target?.span.start}`),
    );
    assert.deepEqual(ref.outline(), fast.outline());
  });
});

describe('references', () => {
  test('every use of a resource, in document order, the declaration first when asked', () => {
    const n = nav(YAML);
    const spans = n.referencesAt(at(YAML, '  Bucket:', 0, 4), true);
    assert.deepEqual(show(YAML, spans), [
      '18:2-18:8 Bucket',
      '25:15-25:21 Bucket',
      '30:25-30:31 Bucket',
      '32:26-32:32 Bucket',
      '36:36-36:42 Bucket',
      '39:16-39:22 Bucket',
      '42:20-42:26 Bucket',
      '47:18-47:24 Bucket',
    ]);
    // From a use, without the declaration: the same uses.
    assert.deepEqual(n.referencesAt(at(YAML, '[Bucket, Queue]', 0, 2), false), spans.slice(1));
  });

  test('a Sub variable: its uses in that Sub only, not the resource of the same name', () => {
    const n = nav(YAML);
    assert.deepEqual(show(YAML, n.referencesAt(at(YAML, '- Queue: !GetAtt', 0, 3), true)), [
      '43:10-43:15 Queue',
      '42:34-42:39 Queue',
    ]);
    assert.deepEqual(show(YAML, n.referencesAt(at(YAML, '  Queue:\n', 0, 3), false)), [
      '39:24-39:29 Queue',
      '43:25-43:30 Queue',
    ]);
  });

  test('conditions: every use across sections', () => {
    const n = nav(YAML);
    assert.deepEqual(show(YAML, n.referencesAt(at(YAML, 'IsProd:', 0, 1), false)), [
      '9:26-9:32 IsProd',
      '12:19-12:25 IsProd',
      '20:15-20:21 IsProd',
      '36:22-36:28 IsProd',
    ]);
  });

  test('pseudo parameters and undeclared names: no references', () => {
    const n = nav(YAML);
    assert.deepEqual(n.referencesAt(at(YAML, 'AWS::Region', 0, 2), true), []);
    const t = 'Resources:\n  A:\n    Type: X::Y\n    DependsOn: Missing\n';
    assert.deepEqual(nav(t).referencesAt(at(t, 'Missing', 0, 1), true), []);
  });
});

describe('JSON, CRLF and flow style', () => {
  test('JSON long forms: Ref, Fn::GetAtt string and list, Fn::Sub with escapes, Fn::If, DependsOn', () => {
    const text = `{
  "Parameters": {"Env": {"Type": "String"}},
  "Conditions": {"IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
                 "Not": {"Fn::Not": [{"Condition": "IsProd"}]}},
  "Resources": {
    "Bucket": {"Type": "AWS::S3::Bucket", "Condition": "IsProd"},
    "Q": {
      "Type": "AWS::SQS::Queue",
      "DependsOn": ["Bucket"],
      "Properties": {
        "QueueName": {"Fn::Sub": ["a\\n\${Env}\\u0041\${Bucket.Arn}\${V}", {"V": {"Fn::GetAtt": "Bucket.Arn"}}]},
        "Tags": [{"Key": "x", "Value": {"Fn::If": ["IsProd", {"Fn::GetAtt": ["Bucket", "Arn"]}, ""]}}]
      }
    }
  }
}
`;
    const n = nav(text, 'template.json');
    assert.deepEqual(
      n.references.map((r) => `${r.via} ${r.name} -> ${r.target?.kind ?? 'none'}`),
      [
        'Ref Env -> parameter',
        'Condition IsProd -> condition',
        'Condition IsProd -> condition',
        'DependsOn Bucket -> resource',
        'Sub Env -> parameter',
        'GetAtt Bucket -> resource',
        'Sub V -> sub-variable',
        'GetAtt Bucket -> resource',
        'If IsProd -> condition',
        'GetAtt Bucket -> resource',
      ],
    );
    // Names after escapes in a JSON string sit at their source columns.
    assert.deepEqual(
      show(
        text,
        n.references
          .filter((r) => r.via === 'Sub' || (r.via === 'GetAtt' && r.span.start < at(text, '{"V"')))
          .map((r) => r.span),
      ),
      ['10:40-10:43 Env', '10:52-10:58 Bucket', '10:65-10:66 V'],
    );
    assert.deepEqual(show(text, n.referencesAt(at(text, '"Bucket": {', 0, 2), true)), [
      '5:5-5:11 Bucket',
      '8:21-8:27 Bucket',
      '10:52-10:58 Bucket',
      '10:92-10:98 Bucket',
      '11:78-11:84 Bucket',
    ]);
  });

  test('CRLF line ends: the same ranges as LF', () => {
    const crlf = YAML.replace(/\n/g, '\r\n');
    const a = nav(YAML);
    const b = nav(crlf);
    const ranges = (text: string, n: Navigation) => {
      const li = new LineIndex(text);
      return n.references.map((r) => [r.name, li.range(r.span), r.target ? li.range(r.target.span) : null]);
    };
    assert.deepEqual(ranges(crlf, b), ranges(YAML, a));
    const li = new LineIndex(crlf);
    assert.deepEqual(
      b.outline().map((s) => li.range(s.span)),
      a.outline().map((s) => new LineIndex(YAML).range(s.span)),
    );
    assert.deepEqual(
      show(
        crlf,
        b.definitionAt(at(crlf, '[Bucket, Queue]', 0, 10)).map((d) => d.span),
      ),
      ['23:2-23:7 Queue'],
    );
  });

  test('flow style and quoting', () => {
    const text = `Resources: {A: {Type: 'X::Y'}, B: {Type: X::Y, DependsOn: ['A'], Properties: {P: [!Ref 'A', {"Fn::GetAtt": "A.Arn"}, !Sub "\${A}"]}}}\n`;
    const n = nav(text);
    assert.deepEqual(show(text, n.referencesAt(at(text, '{A:', 0, 1), true)), [
      '0:12-0:13 A',
      '0:60-0:61 A',
      '0:88-0:89 A',
      '0:108-0:109 A',
      '0:125-0:126 A',
    ]);
    assert.deepEqual(
      n.outline()[0].children?.map((c) => `${c.name} ${c.detail}`),
      ['A X::Y', 'B X::Y'],
    );
  });

  test('a BOM: offsets refer to the text without it', () => {
    const r = navigate('\ufeffResources:\n  A:\n    Type: X::Y\n', 'template.yaml');
    assert.equal(r.bomLength, 1);
    assert.deepEqual(show(r.text, [r.navigation?.outline()[0].selection as Span]), ['0:0-0:9 Resources']);
  });
});
