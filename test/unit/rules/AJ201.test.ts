/** AJ201 imdsv2-not-enforced. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { expectFinding, findings, loc, locAfter, none, one, json } from './util';

const lt = (opts: string) =>
  'Resources:\n  WebLT:\n    Type: AWS::EC2::LaunchTemplate\n    Properties:\n      LaunchTemplateName: web\n      LaunchTemplateData:\n        ImageId: ami-1\n' +
  opts;

describe('AJ201 resource types', () => {
  test('LaunchTemplate HttpTokens optional: error on the value', () => {
    const t = lt('        MetadataOptions:\n          HttpTokens: optional\n');
    const f = one(t, 'AJ201');
    expectFinding(f, {
      ruleId: 'AJ201',
      severity: 'error',
      resource: 'WebLT',
      range: loc(t, 'optional'),
      message: ['Launch template WebLT allows IMDSv1', '"optional"'],
    });
    assert.equal(f.rule, 'imdsv2-not-enforced');
  });

  test('LaunchTemplate required: no finding; HttpEndpoint disabled passes', () => {
    none(lt('        MetadataOptions:\n          HttpTokens: required\n'), 'AJ201');
    none(lt('        MetadataOptions:\n          HttpEndpoint: disabled\n'), 'AJ201');
    none(lt('        MetadataOptions:\n          HttpEndpoint: disabled\n          HttpTokens: optional\n'), 'AJ201');
    // enabled endpoint does not pass
    assert.equal(
      findings(
        lt('        MetadataOptions:\n          HttpEndpoint: enabled\n          HttpTokens: optional\n'),
        'AJ201',
      ).length,
      1,
    );
  });

  test('missing MetadataOptions: warning on the logical id; missing HttpTokens: warning on the MetadataOptions key', () => {
    const t = lt('');
    expectFinding(one(t, 'AJ201'), {
      ruleId: 'AJ201',
      severity: 'warning',
      resource: 'WebLT',
      range: loc(t, 'WebLT'),
      message: ['no MetadataOptions'],
    });
    const t2 = lt('        MetadataOptions:\n          HttpPutResponseHopLimit: 1\n');
    expectFinding(one(t2, 'AJ201'), {
      ruleId: 'AJ201',
      severity: 'warning',
      resource: 'WebLT',
      range: loc(t2, 'MetadataOptions'),
      message: ['no HttpTokens'],
    });
  });

  test('LaunchConfiguration, Instance, ImageBuilder InfrastructureConfiguration', () => {
    for (const [type, key, what] of [
      ['AWS::AutoScaling::LaunchConfiguration', 'MetadataOptions', 'Launch configuration'],
      ['AWS::EC2::Instance', 'MetadataOptions', 'Instance'],
      ['AWS::ImageBuilder::InfrastructureConfiguration', 'InstanceMetadataOptions', 'Image Builder build instances of'],
    ]) {
      const base = `Resources:\n  Box:\n    Type: ${type}\n    Properties:\n      ImageId: ami-1\n`;
      const opt = base + `      ${key}:\n        HttpTokens: optional\n`;
      expectFinding(one(opt, 'AJ201'), {
        ruleId: 'AJ201',
        severity: 'error',
        resource: 'Box',
        range: loc(opt, 'optional'),
        message: [`${what} Box`],
      });
      expectFinding(one(base, 'AJ201'), {
        ruleId: 'AJ201',
        severity: 'warning',
        resource: 'Box',
        range: loc(base, 'Box'),
      });
      const noTok = base + `      ${key}:\n        HttpPutResponseHopLimit: 2\n`;
      expectFinding(one(noTok, 'AJ201'), {
        ruleId: 'AJ201',
        severity: 'warning',
        resource: 'Box',
        range: loc(noTok, key),
      });
      none(base + `      ${key}:\n        HttpTokens: required\n`, 'AJ201');
      none(base + `      ${key}:\n        HttpEndpoint: disabled\n`, 'AJ201');
    }
  });

  test('Instance without Properties: warning on the logical id', () => {
    const t = 'Resources:\n  Box:\n    Type: AWS::EC2::Instance\n';
    expectFinding(one(t, 'AJ201'), { ruleId: 'AJ201', severity: 'warning', resource: 'Box', range: loc(t, 'Box') });
  });

  test('JSON: optional value, missing options at the key', () => {
    const t = json({
      Resources: {
        Box: {
          Type: 'AWS::EC2::Instance',
          Properties: { ImageId: 'ami-1', MetadataOptions: { HttpTokens: 'optional' } },
        },
      },
    });
    expectFinding(one(t, 'AJ201', 'template.json'), {
      ruleId: 'AJ201',
      severity: 'error',
      resource: 'Box',
      range: loc(t, '"optional"'),
    });
    const t2 = json({ Resources: { Box: { Type: 'AWS::EC2::Instance', Properties: { ImageId: 'ami-1' } } } });
    expectFinding(one(t2, 'AJ201', 'template.json'), {
      ruleId: 'AJ201',
      severity: 'warning',
      resource: 'Box',
      range: loc(t2, '"Box"'),
    });
    const t3 = json({
      Resources: {
        Box: { Type: 'AWS::EC2::Instance', Properties: { MetadataOptions: { HttpPutResponseHopLimit: 1 } } },
      },
    });
    expectFinding(one(t3, 'AJ201', 'template.json'), {
      ruleId: 'AJ201',
      severity: 'warning',
      resource: 'Box',
      range: loc(t3, '"MetadataOptions"'),
    });
  });

  test('parameter / !If values name the branch', () => {
    const t =
      'Parameters:\n  Tok:\n    Type: String\n    Default: required\n    AllowedValues: [required, optional]\n' +
      lt('        MetadataOptions:\n          HttpTokens: !Ref Tok\n').replace('Resources:\n', 'Resources:\n');
    const f = one(t, 'AJ201');
    expectFinding(f, {
      ruleId: 'AJ201',
      severity: 'error',
      resource: 'WebLT',
      range: loc(t, '!Ref Tok'),
      message: ['parameter Tok = optional'],
    });
  });
});

describe('AJ201 instances using launch templates', () => {
  const withInstance = (ltOpts: string, ref: string) =>
    lt(ltOpts) +
    `  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n      LaunchTemplate:\n${ref}        Version: !GetAtt WebLT.LatestVersionNumber\n`;

  for (const [how, ref] of [
    ['!Ref id', '        LaunchTemplateId: !Ref WebLT\n'],
    ['!GetAtt LaunchTemplateId', '        LaunchTemplateId: !GetAtt WebLT.LaunchTemplateId\n'],
    ['literal name', '        LaunchTemplateName: web\n'],
  ]) {
    test(`instance using an in-template launch template by ${how}: judged on the launch template only`, () => {
      // The launch template requires tokens: nothing.
      none(withInstance('        MetadataOptions:\n          HttpTokens: required\n', ref), 'AJ201');
      // The launch template allows IMDSv1: one finding, on the launch template, not on the instance.
      const t = withInstance('        MetadataOptions:\n          HttpTokens: optional\n', ref);
      const f = one(t, 'AJ201');
      expectFinding(f, { ruleId: 'AJ201', severity: 'error', resource: 'WebLT', range: loc(t, 'optional') });
    });
  }

  test('launch template name by !Ref parameter on both sides', () => {
    const t =
      'Parameters:\n  LtName:\n    Type: String\n    Default: web\n' +
      lt('        MetadataOptions:\n          HttpTokens: required\n').replace(
        'LaunchTemplateName: web',
        'LaunchTemplateName: !Ref LtName',
      ) +
      '  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n      LaunchTemplate:\n        LaunchTemplateName: !Ref LtName\n        Version: "1"\n';
    none(t, 'AJ201');
  });

  test('launch template from outside the template: unknown, no finding', () => {
    none(
      'Resources:\n  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n      LaunchTemplate:\n        LaunchTemplateId: lt-0123456789abcdef0\n        Version: "1"\n',
      'AJ201',
    );
    none(
      'Resources:\n  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n      LaunchTemplate:\n        LaunchTemplateName: !ImportValue SharedLt\n        Version: "1"\n',
      'AJ201',
    );
  });

  test('instance with its own MetadataOptions optional and a launch template: judged on its own value', () => {
    const t =
      lt('        MetadataOptions:\n          HttpTokens: required\n') +
      '  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n      LaunchTemplate:\n        LaunchTemplateId: !Ref WebLT\n      MetadataOptions:\n        HttpTokens: optional\n';
    expectFinding(one(t, 'AJ201'), {
      ruleId: 'AJ201',
      severity: 'error',
      resource: 'Web',
      range: locAfter(t, 'Web:', 'optional'),
    });
  });
});

test('AJ201: MetadataOptions chosen by !If: each branch judged, branch named; a NoValue branch is missing options', () => {
  const head = 'Conditions:\n  C: !Equals [a, b]\n';
  const t = head + lt('        MetadataOptions: !If [C, {HttpTokens: required}, {HttpTokens: optional}]\n');
  expectFinding(one(t, 'AJ201'), {
    ruleId: 'AJ201',
    severity: 'error',
    resource: 'WebLT',
    range: loc(t, 'optional'),
    message: ['condition C is false'],
  });
  none(head + lt('        MetadataOptions: !If [C, {HttpTokens: required}, {HttpEndpoint: disabled}]\n'), 'AJ201');
  const nv = head + lt('        MetadataOptions: !If [C, {HttpTokens: required}, !Ref AWS::NoValue]\n');
  expectFinding(one(nv, 'AJ201'), {
    ruleId: 'AJ201',
    severity: 'warning',
    resource: 'WebLT',
    range: loc(nv, 'MetadataOptions'),
    message: ['condition C is false'],
  });
});
