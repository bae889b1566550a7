/** AJ000 unreadable-document: metadata, messages and positions, partial reading. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ruleByIdOrSlug } from '../../../server/src/engine';
import { lint, loc, posOf } from './util';

test('AJ000 metadata: error, slug, by id and slug', () => {
  const r = ruleByIdOrSlug('AJ000')!;
  assert.equal(r.slug, 'unreadable-document');
  assert.equal(r.severity, 'error');
  assert.equal(ruleByIdOrSlug('unreadable-document')?.id, 'AJ000');
});

test('YAML: parser message at the parser position; what can be read is still linted', () => {
  const t =
    'Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicReadWrite\n  C:\n    Type: x\n   bad: 1\n';
  const r = lint(t);
  const f = r.findings.find((x) => x.ruleId === 'AJ000')!;
  assert.match(f.message, /^cannot read this YAML document: All mapping items must start at the same column/);
  assert.equal(f.resource, null);
  assert.equal(f.range.start.line, 7);
  const acl = r.findings.find((x) => x.ruleId === 'AJ111')!;
  assert.deepEqual(acl.range, loc(t, 'PublicReadWrite'));
});

test('JSON: parser message at the parser position; partial tree linted', () => {
  const t =
    '{"Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {"AccessControl": "PublicReadWrite"}}, "C": }}';
  const r = lint(t, 'template.json');
  const f = r.findings.find((x) => x.ruleId === 'AJ000')!;
  assert.match(f.message, /^cannot read this JSON document: JSON: value expected/);
  assert.deepEqual(f.range.start, posOf(t, t.indexOf('}}', t.indexOf('"C"'))));
  assert.ok(r.findings.some((x) => x.ruleId === 'AJ111'));
});

test('kind is guessed from the name for unreadable templates and policies', () => {
  assert.equal(lint('{', 'template.json').kind, 'cloudformation');
  assert.equal(lint('{', 'bucket.policy.json').kind, 'policy');
  assert.equal(lint('{', 'cdk.out/App.template.json').kind, 'cdk');
});

test('AJ000 can be re-graded or turned off like any rule', async () => {
  const { parseConfig } = await import('../../../server/src/engine');
  const off = parseConfig('rules:\n  unreadable-document: off\n').config;
  assert.deepEqual(lint('{', 'template.json', off).findings, []);
  const warn = parseConfig('rules:\n  AJ000: warning\n').config;
  assert.equal(lint('{', 'template.json', warn).findings[0].severity, 'warning');
});

test('a *.template file that is neither YAML nor JSON is other, not AJ000', () => {
  // A Visual Studio solution template: YAML reads a scalar, then fails.
  const sln =
    'Microsoft Visual Studio Solution File, Format Version 12.00\n' +
    'VisualStudioVersion = 17.0.31903.59\n' +
    'Project("{FAE04EC0-301F-11D3-BF4B-00C04F79EFBC}") = "$safeprojectname$", "$safeprojectname$.csproj", "{A1B2}"\n' +
    'EndProject\n' +
    'Global\n\tGlobalSection(SolutionConfigurationPlatforms) = preSolution\n\tEndGlobalSection\nEndGlobal\n';
  for (const name of ['App.sln.template', 'template.yaml']) {
    const r = lint(sln, name);
    assert.equal(r.kind, 'other', name);
    assert.deepEqual(r.findings, [], name);
  }
  // Jinja (or cookiecutter) markup: `{% %}` statements and `{{ x }}` expressions, even around a template.
  const jinja =
    '{% if enabled %}\nserver:\n  port: {{ port }}\n{% endif %}\n' +
    'Resources:\n  {% for b in buckets %}\n  {{ b }}:\n    Type: AWS::S3::Bucket\n  {% endfor %}\n';
  for (const name of ['config.template', 'template.yaml', 'stack.template.json']) {
    const r = lint(jinja, name);
    assert.equal(r.kind, 'other', name);
    assert.deepEqual(r.findings, [], name);
  }
  const cookiecutter =
    'Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n{%- if cookiecutter.tracing %}\n    Tracing: Active\n{%- endif %}\n';
  assert.deepEqual(lint(cookiecutter, '{{cookiecutter.project}}/template.yaml').findings, []);
});

test('near miss: broken YAML or JSON templates are still AJ000, whatever their name', () => {
  const cases: [string, string][] = [
    ['x.template', 'Resources:\n  B:\n    Type: AWS::S3::Bucket\n   bad: 1\n'],
    ['x.template', '{"Resources": {"B": {"Type": "AWS::S3::Bucket"}, }'],
    ['x.template', 'key: value\nother: [1, 2\n'],
    ['x.template.json', '{ "a": '],
    ['template.yaml', 'a: b\n c: d\n'],
    // A dynamic reference or SSM's {{Param}} is not template markup.
    [
      'x.template',
      "Resources:\n  U:\n    Type: AWS::IAM::User\n    Properties: {Password: '{{resolve:ssm-secure:p:1}}'}\n   bad: 1\n",
    ],
    // Nothing of a mapping could be read, but the text says it is a template.
    ['x.template', 'AWSTemplateFormatVersion "2010-09-09"\nResources:\n  B: {Type: AWS::S3::Bucket}\n'],
  ];
  for (const [name, text] of cases) {
    const r = lint(text, name);
    assert.ok(
      r.findings.some((f) => f.ruleId === 'AJ000'),
      `${name}: ${JSON.stringify(text)} should be AJ000, got ${r.kind} ${JSON.stringify(r.findings.map((f) => f.message))}`,
    );
  }
});

test('an INI or XML file named *.template is other; an unreadable list is no template either', () => {
  for (const text of [
    '[section]\nkey = value\nother = 2\n',
    '<?xml version="1.0"?>\n<configuration>\n  <add key="a" value="{0}"/>\n</configuration>\n',
  ]) {
    const r = lint(text, 'settings.template');
    assert.equal(r.kind, 'other', text);
    assert.deepEqual(r.findings, [], text);
  }
});
