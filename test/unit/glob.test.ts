/** config/glob.ts: VS Code's glob dialect, through picomatch; a bad glob never throws out of a lint. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintText, matchGlob, parseConfig } from '../../server/src/engine';

const TEMPLATE = `Resources:
  Key:
    Type: AWS::IAM::AccessKey
    Properties:
      UserName: bob
`;

test('the dialect: **, *, ?, {a,b} (nested), [jt] classes, dot files', () => {
  const yes: [string, string][] = [
    ['**/*.[jt]son', 'a/b.json'],
    ['**/*.[jt]son', 'b.tson'],
    ['*.[jt]son', 'deep/er/x.json'],
    ['vendor/{a,{b,c}}/**', 'vendor/c/x.yaml'],
    ['vendor/{a,{b,c}}/**', 'vendor/a/y/z.json'],
    ['**/*.template.{json,yaml,yml}', 'x/app.template.yml'],
    ['**/{templates,cloudformation,cfn}/**/*.{json,yaml,yml}', 'infra/cfn/a/b.yaml'],
    ['**/node_modules/**', 'node_modules/x/t.yaml'],
    ['**/.git/**', 'a/.git/config'],
    ['*.yaml', '.ajar.yaml'],
    ['stacks/?.yaml', 'stacks/a.yaml'],
    ['**/cdk.out/asset.*/**', 'x/cdk.out/asset.1/y.json'],
    ['fixtures/**', './fixtures/a/t.yaml'],
    ['fixtures/**', 'fixtures\\a\\t.yaml'],
  ];
  for (const [g, p] of yes) assert.ok(matchGlob(g, p), `${g} should match ${p}`);
  const no: [string, string][] = [
    ['**/*.[jt]son', 'a/b.xson'],
    ['vendor/{a,{b,c}}/**', 'vendor/d/x.yaml'],
    ['stacks/*.yaml', 'stacks/a/b.yaml'],
    ['stacks/?.yaml', 'stacks/ab.yaml'],
    ['site/*.yaml', 'other/site/a.yaml'],
  ];
  for (const [g, p] of no) assert.ok(!matchGlob(g, p), `${g} should not match ${p}`);
});

test('a nested brace in ignorePaths does not make the lint throw, and it applies', () => {
  const { config } = parseConfig('ignorePaths: ["vendor/{a,{b,c}}/**"]\n', '/p/.ajar.yaml');
  config.root = '/p';
  assert.equal(lintText(TEMPLATE, { fileName: '/p/vendor/b/t.yaml', config }).findings.length, 0);
  assert.equal(lintText(TEMPLATE, { fileName: '/p/src/t.yaml', config }).findings.length, 1);
});

test('malformed globs match nothing and never throw', () => {
  for (const g of ['[', '{a,b', 'a/{', '**/[z-a]', '(', '\\']) assert.doesNotThrow(() => matchGlob(g, 'a/b.yaml'));
});
