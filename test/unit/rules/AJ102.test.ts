/** AJ102 public-role-trust. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectFinding, findings, loc, locAfter, none, one, json } from './util';

const role = (stmt: string) =>
  'Resources:\n' +
  '  DeployRole:\n' +
  '    Type: AWS::IAM::Role\n' +
  '    Properties:\n' +
  '      AssumeRolePolicyDocument:\n' +
  '        Statement:\n' +
  stmt
    .trim()
    .split('\n')
    .map((l, i) => (i === 0 ? '          - ' : '            ') + l)
    .join('\n') +
  '\n';

test('AJ102: {AWS: "*"} sts:AssumeRole (YAML): error on the "*"', () => {
  const t = role('Effect: Allow\nPrincipal: {AWS: "*"}\nAction: sts:AssumeRole');
  const f = one(t, 'AJ102');
  expectFinding(f, {
    ruleId: 'AJ102',
    severity: 'error',
    resource: 'DeployRole',
    range: loc(t, '"*"'),
    message: ['Anyone in any AWS account can assume role DeployRole'],
  });
  assert.equal(f.rule, 'public-role-trust');
  // AJ101 does not double-report role trust policies.
  none(t, 'AJ101');
});

test('AJ102: JSON template, Principal "*", sts:* and AssumeRoleWithWebIdentity', () => {
  for (const action of [
    'sts:AssumeRole',
    'sts:*',
    '*',
    'sts:AssumeRole*',
    ['sts:TagSession', 'sts:AssumeRoleWithWebIdentity'],
  ]) {
    const t = json({
      Resources: {
        R: {
          Type: 'AWS::IAM::Role',
          Properties: {
            AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: '*', Action: action }] },
          },
        },
      },
    });
    const f = one(t, 'AJ102', 'template.json');
    expectFinding(f, { ruleId: 'AJ102', severity: 'error', resource: 'R', range: locAfter(t, '"Principal": ', '"*"') });
  }
});

test('AJ102: wildcard-account ARN and NotPrincipal', () => {
  const t = role('Effect: Allow\nPrincipal: {AWS: "arn:aws:iam::*:root"}\nAction: sts:AssumeRole');
  expectFinding(one(t, 'AJ102'), {
    ruleId: 'AJ102',
    severity: 'error',
    resource: 'DeployRole',
    range: loc(t, '"arn:aws:iam::*:root"'),
    message: ['Any AWS account'],
  });
  const n = role('Effect: Allow\nNotPrincipal: {AWS: "arn:aws:iam::123456789012:root"}\nAction: sts:AssumeRole');
  expectFinding(one(n, 'AJ102'), {
    ruleId: 'AJ102',
    severity: 'error',
    resource: 'DeployRole',
    range: loc(n, 'NotPrincipal'),
  });
});

test('AJ102: sts:ExternalId with a fixed value restricts; with a wildcard or IfExists it does not', () => {
  none(
    role(
      'Effect: Allow\nPrincipal: {AWS: "*"}\nAction: sts:AssumeRole\nCondition:\n  StringEquals:\n    sts:ExternalId: 9f2c1e',
    ),
    'AJ102',
  );
  none(
    role(
      'Effect: Allow\nPrincipal: {AWS: "*"}\nAction: sts:AssumeRole\nCondition:\n  StringEquals:\n    STS:EXTERNALID: 9f2c1e',
    ),
    'AJ102',
  );
  assert.equal(
    findings(
      role(
        'Effect: Allow\nPrincipal: {AWS: "*"}\nAction: sts:AssumeRole\nCondition:\n  StringLike:\n    sts:ExternalId: "*"',
      ),
      'AJ102',
    ).length,
    1,
  );
  assert.equal(
    findings(
      role(
        'Effect: Allow\nPrincipal: {AWS: "*"}\nAction: sts:AssumeRole\nCondition:\n  StringEqualsIfExists:\n    sts:ExternalId: x',
      ),
      'AJ102',
    ).length,
    1,
  );
  // sts:ExternalId does not restrict a resource policy (AJ101's list only).
  const q = json({
    Statement: [
      { Effect: 'Allow', Principal: '*', Action: 'sqs:*', Condition: { StringEquals: { 'sts:ExternalId': 'x' } } },
    ],
  });
  assert.equal(findings(q, 'AJ101', 'p.json').length, 1);
});

test('AJ102: AJ101 restricting keys restrict here too', () => {
  none(
    role(
      'Effect: Allow\nPrincipal: {AWS: "*"}\nAction: sts:AssumeRole\nCondition:\n  StringEquals:\n    aws:PrincipalOrgID: o-abc123',
    ),
    'AJ102',
  );
  none(
    role(
      'Effect: Allow\nPrincipal: {AWS: "*"}\nAction: sts:AssumeRole\nCondition:\n  StringEquals:\n    aws:PrincipalAccount: !Ref AWS::AccountId',
    ),
    'AJ102',
  );
});

test('AJ102 near misses: service and federated principals, fixed accounts, non-assume actions, Deny', () => {
  none(role('Effect: Allow\nPrincipal: {Service: ec2.amazonaws.com}\nAction: sts:AssumeRole'), 'AJ102');
  none(
    role(
      'Effect: Allow\nPrincipal: {Federated: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"}\nAction: sts:AssumeRoleWithWebIdentity',
    ),
    'AJ102',
  );
  none(
    role(
      'Effect: Allow\nPrincipal: {AWS: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}\nAction: sts:AssumeRole',
    ),
    'AJ102',
  );
  none(role('Effect: Allow\nPrincipal: {AWS: "*"}\nAction: sts:TagSession'), 'AJ102');
  none(role('Effect: Deny\nPrincipal: {AWS: "*"}\nAction: sts:AssumeRole'), 'AJ102');
  none(role('Effect: Allow\nPrincipal: {AWS: !GetAtt Other.Arn}\nAction: sts:AssumeRole'), 'AJ102');
});

test('AJ102: !If branch named in the message', () => {
  const t =
    'Conditions:\n  Open: !Equals [a, b]\n' +
    role('Effect: Allow\nPrincipal: {AWS: !If [Open, "*", !Ref AWS::AccountId]}\nAction: sts:AssumeRole');
  const f = one(t, 'AJ102');
  expectFinding(f, {
    ruleId: 'AJ102',
    severity: 'error',
    resource: 'DeployRole',
    range: loc(t, '"*"'),
    message: ['Open'],
  });
});
