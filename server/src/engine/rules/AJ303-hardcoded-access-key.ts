import { type Node, type ScalarNode, isScalar } from '../parse/ast';
import { valueOffsets } from '../parse/sourcemap';
import { ALL_KINDS, type FixContext, type Rule, type RuleContext } from './rule';
import type { Finding, Fix, TextEdit } from '../types';
import { addParameter, freshName, replaceNode } from '../fixes/edit';
import { type Step, inFlow, pathTo } from '../fixes/paths';
import { ref } from '../fixes/render';
import { styleOf } from '../fixes/style';
import { fix } from '../fixes/common';

export const EXAMPLE_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
export const EXAMPLE_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

const KEY_ID = /(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z2-7]{16}(?![A-Za-z0-9])/g;
/** `aws_secret_access_key = ...`, `AWS_SECRET_ACCESS_KEY=...`, `"SecretAccessKey": "..."` inside a string. */
const SECRET_IN_TEXT =
  /(?:aws_?secret_?access_?key|secret_?access_?key)["']?\s*[:=]\s*["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/gi;
const SECRET_KEY_NAME = /^(?:aws_?)?secret_?access_?key$/i;
const SECRET_VALUE = /^[A-Za-z0-9/+]{40}$/;

export const HARDCODED_ACCESS_KEY: Rule = {
  id: 'AJ303',
  slug: 'hardcoded-access-key',
  severity: 'error',
  title: 'AWS access key written in the document',
  appliesTo: ALL_KINDS,
  fixTitles: ['Move the value into a NoEcho parameter'],
  docs: {
    what: "Any string in any document that contains an AWS access key id (`AKIA` or `ASIA` followed by 16 of `A-Z2-7`, not inside a longer token), or a 40-character secret key next to a key named like `aws_secret_access_key`/`SecretAccessKey`. AWS's documented example key `AKIAIOSFODNN7EXAMPLE` and its example secret are information only. Range: the key text itself, also inside multi-line strings and `!Sub` bodies. Base64-encoded blobs are not decoded.",
    why: "A key in a template lives forever in git history, CI logs, artifact buckets and the stack's template in CloudFormation. Scanners find keys pushed to public repositories within minutes.",
    insecure:
      'Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Environment:\n        Variables:\n          AWS_ACCESS_KEY_ID: AKIA2E3NZTBWQXHSCZ7D\n',
    fixed: 'Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Role: !GetAtt FnRole.Arn\n',
    fix: 'Deactivate and delete the key in IAM now (it is compromised), then give the workload a role instead. Where a secret must be passed, use a `NoEcho` parameter or a `{{resolve:secretsmanager:...}}` reference.',
    cdk: {
      fix: "Delete the key in IAM (it is compromised) and take it out of the app's code and `cdk.json` context; pass secrets by reference: `SecretValue.secretsManager('ci/key')`, `ssm.StringParameter.valueForStringParameter(this, '/ci/key-id')`, or give the workload a role.",
      typescript:
        "const keyId = ssm.StringParameter.valueForStringParameter(this, '/ci/key-id');\nconst secret = SecretValue.secretsManager('ci/key');\n",
      python:
        'key_id = ssm.StringParameter.value_for_string_parameter(self, "/ci/key-id")\nsecret = SecretValue.secrets_manager("ci/key")\n',
    },
  },
  fixes: (finding, ctx) => fixesAJ303(finding, ctx),
  check(ctx) {
    const root = ctx.doc.root;
    if (!root) return;
    walk(root, ctx, 0, new Set());
  },
};

/**
 * Every string of the document. Nodes shared through YAML aliases are walked again (alias
 * expansion is bounded by the parser); `seen` holds only the candidate strings already scanned, so
 * a key behind an alias is reported once and the common case allocates nothing.
 */
function walk(n: Node, ctx: RuleContext, depth: number, seen: Set<Node>): void {
  if (depth > 200) return;
  if (n.kind === 'scalar') {
    // An alias's text is the anchor's, scanned where it is written.
    if (typeof n.value === 'string' && !n.aliasOf && isCandidate(n.value) && !seen.has(n)) {
      seen.add(n);
      scan(n, ctx);
    }
    return;
  }
  if (n.kind === 'seq') {
    for (const i of n.items) walk(i, ctx, depth + 1, seen);
    return;
  }
  for (const p of n.pairs) {
    // Keys are strings of the document too (a key id used as a mapping key or tag name).
    if (typeof p.key.value === 'string' && p.key.value.length >= 20) scan(p.key, ctx);
    const v = p.value;
    if (
      typeof p.key.value === 'string' &&
      p.key.value.length >= 15 &&
      SECRET_KEY_NAME.test(p.key.value) &&
      v.kind === 'scalar' &&
      typeof v.value === 'string' &&
      SECRET_VALUE.test(v.value.trim())
    ) {
      // Range: the secret text itself, without quotes or surrounding blanks.
      const secret = v.value.trim();
      const i = v.value.indexOf(secret);
      const offsets = valueOffsets(v, ctx.doc.text);
      const span = offsets ? { start: offsets[i], end: offsets[i + secret.length - 1] + 1 } : undefined;
      reportSecret(ctx, v, v.span.start, secret, span);
    } else walk(v, ctx, depth + 1, seen);
  }
}

function isCandidate(s: string): boolean {
  return s.includes('AKIA') || s.includes('ASIA') || (s.length >= 40 && /secret/i.test(s));
}

function scan(n: ScalarNode, ctx: RuleContext): void {
  const s = n.value as string;
  const maybeKey = s.includes('AKIA') || s.includes('ASIA');
  const maybeSecret = s.length >= 40 && /secret/i.test(s);
  if (!maybeKey && !maybeSecret) return;
  let offsets: Int32Array | null | undefined;
  const at = (i: number, len: number) => {
    offsets ??= valueOffsets(n, ctx.doc.text);
    if (!offsets) return n.span;
    return { start: offsets[i], end: offsets[Math.min(i + len - 1, offsets.length - 1)] + 1 };
  };
  if (maybeKey) {
    for (const m of s.matchAll(KEY_ID)) {
      const example = m[0] === EXAMPLE_KEY_ID;
      ctx.report({
        span: at(m.index!, m[0].length),
        severity: example ? 'information' : 'error',
        message: example
          ? `AWS's documented example access key id ${m[0]} (not a real key; replace it before it teaches anyone to paste keys here)`
          : `Access key id ${m[0].slice(0, 8)}… is written in the document: anyone who can read the template, its repository or the stack can use it. Deactivate it and use a role`,
        data: { kind: 'access-key-id' },
      });
    }
  }
  if (maybeSecret) {
    for (const m of s.matchAll(SECRET_IN_TEXT)) {
      const start = m.index! + m[0].length - m[1].length;
      const span = at(start, m[1].length);
      reportSecret(ctx, undefined, span.start, m[1], span);
    }
  }
}

function reportSecret(
  ctx: RuleContext,
  node: ScalarNode | undefined,
  start: number,
  secret: string,
  span?: { start: number; end: number },
): void {
  const example = secret === EXAMPLE_SECRET;
  ctx.report({
    node: span ? undefined : node,
    span: span ?? (node ? undefined : { start, end: start + secret.length }),
    severity: example ? 'information' : 'error',
    message: example
      ? "AWS's documented example secret access key (not a real secret)"
      : 'A secret access key is written in the document: anyone who can read the template, its repository or the stack can use it. Deactivate the key and use a role',
    data: { kind: 'secret-access-key' },
  });
}

// ---- Quick fixes ----

/**
 * AJ303: move a written access key (or secret) into a new `NoEcho` parameter and reference it:
 * a whole value becomes `!Ref Param`; a key inside a larger string becomes `${Param}` in a `!Sub`
 * (the string is turned into a Sub only when it holds no `${` already; inside a Sub body the key is
 * just replaced). No fix outside templates or where the rewrite is not safe (a `!Base64 |` block,
 * a parameter's Default): the key is compromised anyway and must be deactivated in IAM.
 */

export function fixesAJ303(finding: Finding, ctx: FixContext): Fix[] {
  const t = ctx.template;
  if (!t || ctx.kind === 'policy' || !ctx.doc.root) return [];
  const doc = ctx.doc;
  const { steps, key } = pathTo(doc.root, finding.span);
  if (key || steps.length < 2) return [];
  const section = steps[1].pair?.key.value;
  if (section === 'Parameters' || section === 'Mappings' || section === 'Metadata') return [];
  const node = steps[steps.length - 1].node;
  if (!isScalar(node) || typeof node.value !== 'string') return [];
  const keyText = doc.text.slice(finding.span.start, finding.span.end);
  if (!/^[A-Za-z0-9/+]+$/.test(keyText) || !node.value.includes(keyText)) return [];

  const secret = finding.data?.kind === 'secret-access-key';
  const name = freshName(t, `${finding.resource ?? ''}${secret ? 'SecretAccessKey' : 'AccessKeyId'}`);
  const param = addParameter(doc, t, name, {
    Type: 'String',
    NoEcho: true,
    Description: secret
      ? 'AWS secret access key (NoEcho: never shown by CloudFormation)'
      : 'AWS access key id (NoEcho: never shown by CloudFormation)',
  });
  const title = `Move the ${secret ? 'secret key' : 'access key'} into NoEcho parameter ${name}`;
  const use = rewrite(ctx, steps, node, finding, name);
  return fix(title, 'move-to-noecho-parameter', [param, use]);
}

function isSubBody(steps: Step[], node: ScalarNode): boolean {
  if (node.tag === '!Sub') return true;
  const last = steps[steps.length - 1];
  if (last.pair && last.pair.key.value === 'Fn::Sub') return true;
  if (last.index === 0 && steps.length >= 2) {
    const parent = steps[steps.length - 2];
    if (parent.node.tag === '!Sub' || parent.pair?.key.value === 'Fn::Sub') return true;
  }
  return false;
}

function rewrite(ctx: FixContext, steps: Step[], node: ScalarNode, finding: Finding, name: string): TextEdit[] | null {
  const doc = ctx.doc;
  const value = node.value as string;
  const keyText = doc.text.slice(finding.span.start, finding.span.end);
  const placeholder = '${' + name + '}';
  if (isSubBody(steps, node)) return [{ span: finding.span, newText: placeholder }];
  if (node.tag) return null;
  if (value.trim() === keyText) return replaceNode(doc, node as Node, ref(name));
  if (value.includes('${')) return null;
  if (doc.format === 'json') {
    return [
      { span: { start: node.span.start, end: node.span.start }, newText: '{"Fn::Sub": ' },
      { span: finding.span, newText: placeholder },
      { span: { start: node.span.end, end: node.span.end }, newText: '}' },
    ];
  }
  if (node.style === 'plain' && inFlow(steps)) {
    const st = styleOf(doc);
    const body = value.split(keyText).join(placeholder);
    return [
      {
        span: node.span,
        newText: '!Sub ' + (st.quote === "'" ? `'${body.replace(/'/g, "''")}'` : JSON.stringify(body)),
      },
    ];
  }
  return [
    { span: { start: node.span.start, end: node.span.start }, newText: '!Sub ' },
    { span: finding.span, newText: placeholder },
  ];
}
