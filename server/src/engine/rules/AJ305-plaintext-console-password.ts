import { type Node, get, getPair, isScalar, isSeq } from '../parse/ast';
import type { Template } from '../model/template';
import { intrinsicOf } from '../model/intrinsics';
import { FIXED_CLOSE, FIXED_OPEN, type ValueContext, possibleString, possibleValues } from '../model/values';
import { type FixContext, type Rule, TEMPLATE_KINDS } from './rule';
import type { Finding, Fix, TextEdit } from '../types';
import { addParameter, freshName, insertPair, removePair, replaceNode } from '../fixes/edit';
import { ref } from '../fixes/render';
import { fix, resourceOf } from '../fixes/common';

export const PLAINTEXT_CONSOLE_PASSWORD: Rule = {
  id: 'AJ305',
  slug: 'plaintext-console-password',
  severity: 'error',
  title: 'Console password readable in the template or stack',
  appliesTo: TEMPLATE_KINDS,
  fixTitles: ['Move the password into a NoEcho parameter'],
  docs: {
    what: '`AWS::IAM::User` `LoginProfile.Password` that anyone reading the template or the stack can see: a literal, a `!Ref` to a parameter without `NoEcho: true`, or to a `NoEcho` parameter that has a `Default`. A `NoEcho` parameter without a default and `{{resolve:secretsmanager:...}}`/`{{resolve:ssm-secure:...}}` references are fine. Range: the `Password` value.',
    why: "Templates live in repositories, CI logs and the CloudFormation console; parameters without NoEcho are shown in the stack's parameters. A readable initial password is a readable password until someone changes it.",
    insecure:
      'Resources:\n  Alice:\n    Type: AWS::IAM::User\n    Properties:\n      LoginProfile:\n        Password: Welcome123!\n',
    fixed:
      'Parameters:\n  AlicePassword:\n    Type: String\n    NoEcho: true\nResources:\n  Alice:\n    Type: AWS::IAM::User\n    Properties:\n      LoginProfile:\n        Password: !Ref AlicePassword\n        PasswordResetRequired: true\n',
    fix: 'Pass the password through a `NoEcho` parameter without a default, or reference a Secrets Manager secret (`{{resolve:secretsmanager:...}}`); require a reset at first sign-in.',
    cdk: {
      fix: "Give `iam.User` a `password` from Secrets Manager (`new secretsmanager.Secret(this, 'Password').secretValue`, or `SecretValue.secretsManager('console/alice')`), never `SecretValue.unsafePlainText(...)` or a `CfnParameter` without `noEcho: true`; set `passwordResetRequired: true`.",
      typescript:
        "const password = new secretsmanager.Secret(this, 'AlicePassword');\nnew iam.User(this, 'Alice', {\n  password: password.secretValue,\n  passwordResetRequired: true,\n});\n",
      python:
        'password = secretsmanager.Secret(self, "AlicePassword")\niam.User(\n    self,\n    "Alice",\n    password=password.secret_value,\n    password_reset_required=True,\n)\n',
    },
    notes: [
      'A plain `{{resolve:ssm:...}}` reference is not reported: its value is neither in the template nor shown by the stack (CloudFormation resolves it at deploy time), and rules.md makes dynamic references fixed-but-unknown values. `ssm-secure` or Secrets Manager remain the recommended stores.',
    ],
  },
  fixes: (finding, ctx) => fixesAJ305(finding, ctx),
  check(ctx) {
    const t = ctx.template;
    if (!t) return;
    for (const user of t.byType('AWS::IAM::User')) {
      const pw = getPair(get(user.properties, 'LoginProfile'), 'Password');
      if (!pw) continue;
      const problem = readable(pw.value, t, ctx.values, 0);
      if (!problem) continue;
      const when = problem.via ? ` when ${problem.via}` : '';
      const message =
        problem.kind === 'literal'
          ? `The console password of ${user.id} is written in the template${when}: anyone who can read the template or the stack knows it`
          : problem.kind === 'no-echo'
            ? `The console password of ${user.id} comes from parameter ${problem.param}${when}, which has no NoEcho: it is shown in the stack's parameters`
            : `The console password of ${user.id} is the Default of NoEcho parameter ${problem.param}${when}, written in the template in plain text`;
      ctx.report({ node: pw.value, message, resource: user.id, data: problem.via ? { via: problem.via } : undefined });
    }
  },
};

interface Readable {
  kind: 'literal' | 'no-echo' | 'default';
  param?: string;
  via?: string;
}

function param(name: string, t: Template, via?: string): Readable | null {
  const p = t.parameters.get(name);
  if (!p) return null; // a pseudo parameter or resource: not a password anyone wrote down
  if (!p.noEcho) return { kind: 'no-echo', param: p.id, via };
  if (p.default) return { kind: 'default', param: p.id, via };
  return null;
}

/**
 * How a password value is readable, or null: a literal, a parameter without NoEcho or with a
 * Default, through `!If` branches and `!Sub` variables. `{{resolve:...}}`, resources and imports are
 * not readable.
 */
function readable(node: Node, t: Template, ctx: ValueContext, depth: number, via?: string): Readable | null {
  if (depth > 16) return null;
  const fn = intrinsicOf(node);
  if (!fn) {
    if (!isScalar(node) || node.value === null) return null;
    const s = String(node.value);
    return s.includes('{{resolve:') ? null : { kind: 'literal', via };
  }
  if (fn.name === 'Ref') return isScalar(fn.arg) ? param(String(fn.arg.value), t, via) : null;
  if (fn.name === 'Fn::If') {
    if (!isSeq(fn.arg) || fn.arg.items.length !== 3) return null;
    const cond = isScalar(fn.arg.items[0]) ? String(fn.arg.items[0].value) : '?';
    for (const [i, label] of [
      [1, 'true'],
      [2, 'false'],
    ] as const) {
      const r = readable(
        fn.arg.items[i],
        t,
        ctx,
        depth + 1,
        [via, `condition ${cond} is ${label}`].filter(Boolean).join(', '),
      );
      if (r) return r;
    }
    return null;
  }
  if (fn.name === 'Fn::Sub') {
    const body = isSeq(fn.arg) ? fn.arg.items[0] : fn.arg;
    const vars = isSeq(fn.arg) ? fn.arg.items[1] : undefined;
    if (!isScalar(body) || typeof body.value !== 'string') return null;
    const text = body.value;
    if (text.includes('{{resolve:')) return null;
    // Literal text around the variables is written in the template.
    if (/\S/.test(text.replace(/\$\{[^}]*\}/g, ''))) return { kind: 'literal', via };
    for (const m of text.matchAll(/\$\{([^}!][^}]*)\}/g)) {
      const name = m[1].trim();
      const local = getPair(vars, name);
      const r = local ? readable(local.value, t, ctx, depth + 1, via) : param(name, t, via);
      if (r) return r;
    }
    return null;
  }
  if (fn.name === 'Fn::Join') {
    const literal = possibleValues(node, ctx).some((v) => {
      const s = possibleString(v);
      return (
        s !== null &&
        !s.includes('{{resolve:') &&
        s.replace(new RegExp(`${FIXED_OPEN}[^${FIXED_CLOSE}]*${FIXED_CLOSE}`, 'g'), '').trim() !== ''
      );
    });
    return literal ? { kind: 'literal', via } : null;
  }
  return null; // unknown at lint time (GetAtt, ImportValue, FindInMap of unknowns...)
}

// ---- Quick fixes ----

/**
 * AJ305: a written password moves into a new `NoEcho` parameter without Default
 * (`<User>Password`) referenced with `!Ref`; a `!Ref` to a parameter without NoEcho makes that
 * parameter NoEcho (and drops its Default); a NoEcho parameter with a Default loses the Default.
 */

export function fixesAJ305(finding: Finding, ctx: FixContext): Fix[] {
  const t = ctx.template;
  const r = resourceOf(finding, ctx);
  const pw = getPair(get(r?.properties, 'LoginProfile'), 'Password');
  if (!t || !r || !pw) return [];
  const doc = ctx.doc;
  const fn = intrinsicOf(pw.value);
  if (fn?.name === 'Ref' && isScalar(fn.arg)) {
    const p = t.parameters.get(String(fn.arg.value));
    if (!p) return [];
    const def = getPair(p.node, 'Default');
    if (p.noEcho) {
      return def
        ? fix(
            `Remove the Default of parameter ${p.id} (pass the password at deployment)`,
            'remove-password-default',
            [removePair(doc, p.node, def)],
            true,
          )
        : [];
    }
    const edits: (TextEdit[] | null)[] = [];
    const noEcho = getPair(p.node, 'NoEcho');
    if (noEcho) edits.push(replaceNode(doc, noEcho.value, true));
    else {
      const typePair = getPair(p.node, 'Type');
      const anchor = typePair && typePair !== def ? typePair : p.node.pairs.find((x) => x !== def);
      edits.push(insertPair(doc, p.node, 'NoEcho', true, anchor ? { after: anchor } : {}));
    }
    if (def) edits.push(removePair(doc, p.node, def));
    return fix(
      def ? `Make parameter ${p.id} NoEcho and remove its Default` : `Make parameter ${p.id} NoEcho`,
      'noecho-parameter',
      edits,
      true,
    );
  }
  const name = freshName(t, `${r.id}Password`);
  const param = addParameter(doc, t, name, {
    Type: 'String',
    NoEcho: true,
    Description: `Initial console password of ${r.id} (NoEcho: never shown by CloudFormation)`,
  });
  return fix(
    `Move the password into NoEcho parameter ${name}`,
    'move-to-noecho-parameter',
    [param, replaceNode(doc, pw.value, ref(name))],
    true,
  );
}
