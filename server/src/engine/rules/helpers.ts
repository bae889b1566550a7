/** Small readers shared by several rules. */
import type { Node } from '../parse/ast';
import { isMap, isScalar } from '../parse/ast';
import { intrinsicOf } from '../model/intrinsics';
import { possibleString, substitute, type Possible } from '../model/values';
import { embeddedJson } from '../model/embedded';

export { booleans, prop, propPair, referencedResource, strings } from '../model/read';

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

/**
 * The first value that names something, for messages: a half-typed `Action: ""` or `BucketName: ''`
 * names nothing, and a message must not read "anyone can  on bucket ".
 */
export function named(values: readonly string[]): string | undefined {
  return values.find((v) => v.trim() !== '');
}

/** A short quoted form of a value for messages. */
export function quote(s: string): string {
  return JSON.stringify(s.length > 80 ? s.slice(0, 77) + '...' : s);
}
