/**
 * Small readers of the template model: what a property holds, what a value refers to, its possible
 * strings and booleans. Rules reach them through rules/helpers.ts; model/s3.ts uses them too.
 */
import type { Node, Pair } from '../parse/ast';
import { getPair, isScalar } from '../parse/ast';
import { intrinsicOf } from './intrinsics';
import type { Resource, Template } from './template';
import { type ValueContext, display, possibleBoolean, possibleString, possibleValues } from './values';

/** The resource a value refers to: `!Ref X`, `!GetAtt X.Attr`, `{"Fn::GetAtt": ["X", "Attr"]}`. */
export function referencedResource(node: Node | undefined, t: Template | undefined): Resource | undefined {
  const fn = intrinsicOf(node);
  if (!fn || !t) return undefined;
  if (fn.name === 'Ref' && isScalar(fn.arg)) return t.resources.get(String(fn.arg.value));
  if (fn.name === 'Fn::GetAtt') {
    if (isScalar(fn.arg)) return t.resources.get(String(fn.arg.value).split('.')[0]);
    if (fn.arg.kind === 'seq' && isScalar(fn.arg.items[0])) return t.resources.get(String(fn.arg.items[0].value));
  }
  return undefined;
}

/** Possible boolean values of a property (`true`, `"true"`, `!Ref Param`...). */
export function booleans(node: Node | undefined, ctx: ValueContext): (boolean | undefined)[] {
  if (!node) return [];
  return possibleValues(node, ctx).map(possibleBoolean);
}

/** The possible strings of a node, for messages and comparisons (unknowns skipped). */
export function strings(node: Node | undefined, ctx: ValueContext): string[] {
  if (!node) return [];
  const out: string[] = [];
  for (const v of possibleValues(node, ctx)) {
    const s = possibleString(v);
    if (s !== null) out.push(display(s));
  }
  return out;
}

export function prop(r: Resource, name: string): Node | undefined {
  return getPair(r.properties, name)?.value;
}
export function propPair(r: Resource, name: string): Pair | undefined {
  return getPair(r.properties, name);
}
