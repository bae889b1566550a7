/**
 * Messages read as sentences, also for half-typed documents: every finding of every snapshot input
 * and example, cut off after each of its lines, and of hand-made half-typed statements, has a verb
 * after "can", a name after "on", no doubled or dangling space.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { lintText } from '../../server/src/engine';
import { describeActions } from '../../server/src/engine/policy/evaluate';
import { y } from './rules/util';

/** What never follows "can" in a sentence: a determiner, a preposition, punctuation, nothing. */
const NO_VERB_AFTER_CAN = /^can (?:the|a|an|every|any|all|some|on|in|of|to|for|with)\b|^can(?: ?[,.;:)]| ?$| {2})/i;

function problems(message: string): string[] {
  const out: string[] = [];
  if (/\S {2,}\S/.test(message)) out.push('doubled space');
  if (/\s$/.test(message)) out.push('trailing space');
  for (const m of message.matchAll(/\bcan\b/gi)) {
    if (NO_VERB_AFTER_CAN.test(message.slice(m.index)))
      out.push(`no verb after "can": ${message.slice(m.index, m.index + 30)}`);
  }
  if (
    /\b(?:on|for|of) (?:bucket|queue|topic|key|role|function|user|event bus|layer version) ?(?:[,.:;)]|$| when)/.test(
      message,
    )
  )
    out.push('a noun without its name');
  if (/\bon (?:[,.:;]|$)/.test(message)) out.push('"on" without an object');
  return out;
}

function check(text: string, fileName: string, where: string, found: string[]): number {
  let n = 0;
  for (const f of lintText(text, { fileName }).findings) {
    n++;
    for (const p of problems(f.message)) found.push(`${where} ${f.ruleId}: ${p} in ${JSON.stringify(f.message)}`);
  }
  return n;
}

test('describeActions always starts with a verb or an action name', () => {
  assert.equal(describeActions({ actions: [], notAction: false }), 'use the actions this statement grants');
  assert.equal(describeActions({ actions: ['', '  '], notAction: false }), 'use the actions this statement grants');
  assert.equal(describeActions({ actions: ['*'], notAction: false }), 'use every action');
  assert.equal(describeActions({ actions: [], notAction: true }), 'use every action');
  assert.equal(
    describeActions({ actions: ['s3:GetObject', ''], notAction: true }),
    'use every action except s3:GetObject',
  );
  assert.equal(describeActions({ actions: ['', 'sqs:SendMessage'], notAction: false }), 'sqs:SendMessage');
});

test('half-typed statements and blank names: every message reads', () => {
  const found: string[] = [];
  const statement = (action: string, extra = '') => y`
    Resources:
      Bucket:
        Type: AWS::S3::Bucket
        Properties: {BucketName: ''}
      Policy:
        Type: AWS::S3::BucketPolicy
        Properties:
          Bucket: ''
          PolicyDocument:
            Statement:
              - Effect: Allow
                Principal: '*'
                ${action}
                ${extra}
  `;
  const cases = [
    statement(''),
    statement('Action:'),
    statement('Action: ""'),
    statement('Action: [""]'),
    statement('Action: ["", s3:]'),
    statement('NotAction: ""'),
    statement('Action: !Ref Nothing'),
    statement('Action: s3:GetObject', 'Resource: ""'),
  ];
  let n = 0;
  for (const [i, t] of cases.entries()) n += check(t, 'template.yaml', `case ${i}`, found);
  const others = [
    y`
      Resources:
        Perm:
          Type: AWS::Lambda::LayerVersionPermission
          Properties: {Action: '', LayerVersionArn: '', Principal: '*'}
        Bus:
          Type: AWS::Events::EventBusPolicy
          Properties: {EventBusName: '', StatementId: s, Action: '', Principal: '*'}
        Invoke:
          Type: AWS::Lambda::Permission
          Properties: {Action: '', FunctionName: '', Principal: '*'}
        Key:
          Type: AWS::IAM::AccessKey
          Properties: {UserName: ''}
    `,
  ];
  for (const t of others) n += check(t, 'template.yaml', 'others', found);
  assert.ok(n >= cases.length + 4, `findings checked: ${n}`);
  assert.deepEqual(found, []);
});

test('every snapshot input and example, cut off after each line: every message reads', () => {
  const roots = [resolve(__dirname, '../snapshots'), resolve(__dirname, '../../examples')];
  const files: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(json|ya?ml|template)$/.test(name) && name !== 'manifest.json') files.push(p);
    }
  };
  for (const r of roots) walk(r);
  const found: string[] = [];
  let n = 0;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    if (text.length > 20000) continue;
    let at = 0;
    for (;;) {
      const nl = text.indexOf('\n', at);
      const cut = nl < 0 ? text : text.slice(0, nl + 1);
      n += check(cut, file, `${file.slice(file.lastIndexOf('/test/') + 1)}:${cut.split('\n').length - 1}`, found);
      if (nl < 0) break;
      at = nl + 1;
    }
  }
  assert.ok(n > 1000, `findings checked: ${n}`);
  assert.deepEqual(found.slice(0, 20), []);
});
