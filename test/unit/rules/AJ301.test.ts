/** AJ301 long-lived-access-key. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectFinding, lint, loc, none, one, json } from './util';
import { fixesFor } from '../../../server/src/engine';
import { applyEdits } from '../../../server/src/engine/fixes/edit';

const key = (status: string) =>
  'Resources:\n  CiUser:\n    Type: AWS::IAM::User\n  CiKey:\n    Type: AWS::IAM::AccessKey\n    Properties:\n      UserName: !Ref CiUser\n' +
  status;

test('AJ301: Status missing (Active by default): warning on the logical id, names the user', () => {
  const t = key('');
  const f = one(t, 'AJ301');
  expectFinding(f, {
    ruleId: 'AJ301',
    severity: 'warning',
    resource: 'CiKey',
    range: loc(t, 'CiKey'),
    message: ['Access key CiKey for user CiUser', 'never expires', /roles|Identity Center|OIDC/],
  });
  assert.equal(f.rule, 'long-lived-access-key');
});

test('AJ301: Status Active warns; Inactive does not', () => {
  const t = key('      Status: Active\n');
  expectFinding(one(t, 'AJ301'), { ruleId: 'AJ301', severity: 'warning', resource: 'CiKey', range: loc(t, 'CiKey') });
  none(key('      Status: Inactive\n'), 'AJ301');
});

test('AJ301 JSON', () => {
  const t = json({
    Resources: { K: { Type: 'AWS::IAM::AccessKey', Properties: { UserName: 'deploy', Status: 'Active' } } },
  });
  expectFinding(one(t, 'AJ301', 'template.json'), {
    ruleId: 'AJ301',
    severity: 'warning',
    resource: 'K',
    range: loc(t, '"K"'),
    message: ['for user deploy'],
  });
  none(
    json({ Resources: { K: { Type: 'AWS::IAM::AccessKey', Properties: { UserName: 'deploy', Status: 'Inactive' } } } }),
    'AJ301',
    'template.json',
  );
});

test('AJ301: Status from a parameter that may be Active', () => {
  const t =
    'Parameters:\n  S:\n    Type: String\n    Default: Inactive\n    AllowedValues: [Inactive, Active]\n' +
    key('      Status: !Ref S\n');
  const f = one(t, 'AJ301');
  assert.match(f.message, /parameter S = Active/);
  none('Parameters:\n  S:\n    Type: String\n    Default: Inactive\n' + key('      Status: !Ref S\n'), 'AJ301');
});

test('AJ301 fix: deactivate the key (Status written or set); none for a Status that is an intrinsic', () => {
  const written = 'Resources:\n  K:\n    Type: AWS::IAM::AccessKey\n    Properties:\n      UserName: ci\n';
  const r = lint(written);
  const fx = fixesFor(r, r.findings[0]).find((f) => f.kind === 'deactivate-access-key');
  assert.ok(fx);
  assert.ok(!fx.preferred, 'never applied by fix-all');
  const out = applyEdits(r.text, fx.edits);
  assert.equal(out, written + '      Status: Inactive\n');
  none(out, 'AJ301');
  const cond =
    'Conditions:\n  Old: !Equals [a, b]\nResources:\n  K:\n    Type: AWS::IAM::AccessKey\n    Properties:\n      UserName: ci\n      Status: !If [Old, Inactive, Active]\n';
  const rc = lint(cond);
  assert.deepEqual(
    fixesFor(rc, rc.findings.find((f) => f.ruleId === 'AJ301')!).map((f) => f.kind),
    ['suppress'],
  );
});
