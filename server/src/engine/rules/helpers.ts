/** Small readers shared by several rules. */
import type { Node, Pair } from '../parse/ast';
import { getPair, isMap, isScalar } from '../parse/ast';
import { intrinsicOf } from '../model/intrinsics';
import type { Resource, Template } from '../model/template';
import {
  possibleValues,
  possibleString,
  possibleBoolean,
  display,
  substitute,
  type Possible,
  type ValueContext,
} from '../model/values';
import { embeddedJson } from '../classify';

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

/**
 * A policy document held by a property: a map, or a JSON string (plain or under `Fn::Sub`),
 * with positions inside the string mapped back to the template.
 */
export function policyDocument(node: Node | undefined, text: string): Node | undefined {
  if (!node) return undefined;
  if (isMap(node) && !intrinsicOf(node)) return node;
  const fn = intrinsicOf(node);
  if (fn && fn.name === 'Fn::Sub') {
    const body = fn.arg.kind === 'seq' ? fn.arg.items[0] : fn.arg;
    const inner = body ? embeddedJson(body, text) : null;
    if (inner) markSubstitutions(inner);
    return inner ?? undefined;
  }
  if (isScalar(node)) return embeddedJson(node, text) ?? undefined;
  return undefined;
}

/** Inside a `Fn::Sub` body, `${X}` is filled in at deploy time: mark it as a fixed part. */
function markSubstitutions(n: Node): void {
  if (n.kind === 'scalar') {
    if (typeof n.value === 'string' && n.value.includes('${')) n.value = substitute(n.value);
  } else if (n.kind === 'map') for (const p of n.pairs) markSubstitutions(p.value);
  else for (const item of n.items) markSubstitutions(item);
}

export function prop(r: Resource, name: string): Node | undefined {
  return getPair(r.properties, name)?.value;
}
export function propPair(r: Resource, name: string): Pair | undefined {
  return getPair(r.properties, name);
}

/**
 * Possible values with one entry per node and value: several `!If` branches or parameter values
 * that lead to the same value at the same place are one finding (the first path named), not many.
 */
export function distinct(vs: Possible[]): Possible[] {
  const seen = new Set<string>();
  return vs.filter((v) => {
    const k = `${v.at.span.start}:${v.at.span.end}:${v.kind}:${possibleString(v)}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** A short quoted form of a value for messages. */
export function quote(s: string): string {
  return JSON.stringify(s.length > 80 ? s.slice(0, 77) + '...' : s);
}
