/**
 * AJ305: a written password moves into a new `NoEcho` parameter without Default
 * (`<User>Password`) referenced with `!Ref`; a `!Ref` to a parameter without NoEcho makes that
 * parameter NoEcho (and drops its Default); a NoEcho parameter with a Default loses the Default.
 */
import { get, getPair, isScalar } from '../parse/ast';
import { intrinsicOf } from '../model/intrinsics';
import type { FixContext } from '../rules/rule';
import type { Finding, Fix, TextEdit } from '../types';
import { addParameter, freshName, insertPair, ref, removePair, replaceNode } from './edit';
import { fix, resourceOf } from './common';

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
      return def ? fix(`Remove the Default of parameter ${p.id} (pass the password at deployment)`, 'remove-password-default', [removePair(doc, p.node, def)], true) : [];
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
    return fix(def ? `Make parameter ${p.id} NoEcho and remove its Default` : `Make parameter ${p.id} NoEcho`, 'noecho-parameter', edits, true);
  }
  const name = freshName(t, `${r.id}Password`);
  const param = addParameter(doc, t, name, {
    Type: 'String',
    NoEcho: true,
    Description: `Initial console password of ${r.id} (NoEcho: never shown by CloudFormation)`,
  });
  return fix(`Move the password into NoEcho parameter ${name}`, 'move-to-noecho-parameter', [param, replaceNode(doc, pw.value, ref(name))], true);
}
