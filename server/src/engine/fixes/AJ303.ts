/**
 * AJ303: move a written access key (or secret) into a new `NoEcho` parameter and reference it:
 * a whole value becomes `!Ref Param`; a key inside a larger string becomes `${Param}` in a `!Sub`
 * (the string is turned into a Sub only when it holds no `${` already; inside a Sub body the key is
 * just replaced). No fix outside templates or where the rewrite is not safe (a `!Base64 |` block,
 * a parameter's Default): the key is compromised anyway and must be deactivated in IAM.
 */
import type { Node, ScalarNode } from '../parse/ast';
import { isScalar } from '../parse/ast';
import type { FixContext } from '../rules/rule';
import type { Finding, Fix, TextEdit } from '../types';
import { addParameter, freshName, inFlow, pathTo, ref, replaceNode, styleOf, type Step } from './edit';
import { fix } from './common';

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
    Description: secret ? 'AWS secret access key (NoEcho: never shown by CloudFormation)' : 'AWS access key id (NoEcho: never shown by CloudFormation)',
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
    return [{ span: node.span, newText: '!Sub ' + (st.quote === "'" ? `'${body.replace(/'/g, "''")}'` : JSON.stringify(body)) }];
  }
  return [
    { span: { start: node.span.start, end: node.span.start }, newText: '!Sub ' },
    { span: finding.span, newText: placeholder },
  ];
}
