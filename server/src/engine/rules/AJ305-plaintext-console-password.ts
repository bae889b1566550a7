import { get, getPair, isScalar } from '../parse/ast';
import { intrinsicOf } from '../model/intrinsics';
import { possibleValues, possibleString } from '../model/values';
import type { Rule } from './rule';
import { TEMPLATE_KINDS } from './rule';

const SECURE_REFERENCE = /\{\{resolve:(secretsmanager|ssm-secure):/;

export const PLAINTEXT_CONSOLE_PASSWORD: Rule = {
  id: 'AJ305',
  slug: 'plaintext-console-password',
  severity: 'error',
  title: 'Console password readable in the template or stack',
  appliesTo: TEMPLATE_KINDS,
  fixTitles: ['Move the password into a NoEcho parameter'],
  docs: {
    what:
      '`AWS::IAM::User` `LoginProfile.Password` that anyone reading the template or the stack can see: a literal, a `!Ref` to a parameter without `NoEcho: true`, or to a `NoEcho` parameter that has a `Default`. A `NoEcho` parameter without a default and `{{resolve:secretsmanager:...}}`/`{{resolve:ssm-secure:...}}` references are fine. Range: the `Password` value.',
    why: 'Templates live in repositories, CI logs and the CloudFormation console; parameters without NoEcho are shown in the stack\'s parameters. A readable initial password is a readable password until someone changes it.',
    insecure: 'Resources:\n  Alice:\n    Type: AWS::IAM::User\n    Properties:\n      LoginProfile:\n        Password: Welcome123!\n',
    fixed: 'Parameters:\n  AlicePassword:\n    Type: String\n    NoEcho: true\nResources:\n  Alice:\n    Type: AWS::IAM::User\n    Properties:\n      LoginProfile:\n        Password: !Ref AlicePassword\n        PasswordResetRequired: true\n',
    fix: 'Pass the password through a `NoEcho` parameter without a default, or reference a Secrets Manager secret (`{{resolve:secretsmanager:...}}`); require a reset at first sign-in.',
    notes: [
      'A plain `{{resolve:ssm:...}}` reference is not reported: its value is neither in the template nor shown by the stack (CloudFormation resolves it at deploy time), and rules.md makes dynamic references fixed-but-unknown values. `ssm-secure` or Secrets Manager remain the recommended stores.',
    ],
  },
  check(ctx) {
    const t = ctx.template;
    if (!t) return;
    for (const user of t.byType('AWS::IAM::User')) {
      const pw = getPair(get(user.properties, 'LoginProfile'), 'Password');
      if (!pw) continue;
      const fn = intrinsicOf(pw.value);
      if (fn?.name === 'Ref' && isScalar(fn.arg)) {
        const p = t.parameters.get(String(fn.arg.value));
        if (!p) continue; // a pseudo parameter or resource: not a password anyone wrote down
        if (!p.noEcho) {
          ctx.report({ node: pw.value, message: `The console password of ${user.id} comes from parameter ${p.id}, which has no NoEcho: it is shown in the stack's parameters`, resource: user.id });
        } else if (p.default) {
          ctx.report({ node: pw.value, message: `The console password of ${user.id} is the Default of NoEcho parameter ${p.id}, written in the template in plain text`, resource: user.id });
        }
        continue;
      }
      if (fn && fn.name !== 'Fn::Sub' && fn.name !== 'Fn::Join') continue; // unknown at lint time (GetAtt, ImportValue...)
      const vs = possibleValues(pw.value, ctx.values);
      const literal = vs.find((v) => {
        const s = possibleString(v);
        return s !== null && !SECURE_REFERENCE.test(s) && !s.includes('{{resolve:');
      });
      if (!literal) continue;
      ctx.report({ node: pw.value, message: `The console password of ${user.id} is written in the template: anyone who can read the template or the stack knows it`, resource: user.id });
    }
  },
};
