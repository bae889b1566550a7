/**
 * Possible values of a node, following rules.md "Values and intrinsic functions":
 * - `Ref` to a parameter: its Default, and each of its AllowedValues;
 * - `Fn::If`: both branches;
 * - `Fn::Sub`: `${X}` is filled in by CloudFormation at deploy time: a fixed (never wildcard) part;
 *   `${!Literal}` stays literal;
 * - `Ref`/`GetAtt` of a resource, `ImportValue`, dynamic references: fixed but unknown;
 * - `Join`/`Select`/`Split`/`FindInMap`: evaluated where the inputs are known.
 *
 * A fixed-but-unknown part inside a string is written as FIXED_OPEN name FIXED_CLOSE, characters
 * that no wildcard test matches; `display()` turns them back into `${name}`.
 */
import type { Node, Scalar } from '../parse/ast';
import { get, isMap, isScalar, isSeq } from '../parse/ast';
import { intrinsicOf } from './intrinsics';
import type { Template } from './template';

export const FIXED_OPEN = '\uE000';
export const FIXED_CLOSE = '\uE001';

export type Possible =
  /** A node as written (a map, a sequence or a literal scalar). */
  | { kind: 'node'; node: Node; at: Node; via?: string }
  /** A value computed from intrinsics (a parameter's default, a Sub or Join result). */
  | { kind: 'value'; value: Scalar; at: Node; via?: string }
  /** Fixed at deploy time but not known here. Never a wildcard. */
  | { kind: 'unknown'; at: Node; via?: string; reason: string }
  /** `!Ref AWS::NoValue`: the property is removed. */
  | { kind: 'novalue'; at: Node; via?: string };

export interface ValueContext {
  template?: Template;
}

const MAX_POSSIBLE = 64;
const PARAMETER_VALUES = new WeakMap<object, Possible[]>();
const MAX_DEPTH = 32;

function joinVia(a: string | undefined, b: string | undefined): string | undefined {
  if (!a) return b;
  if (!b) return a;
  return `${a}, ${b}`;
}

/** All possible values of `node`. `at` is the node a finding on that value should point at. */
export function possibleValues(node: Node, ctx: ValueContext, depth = 0, at: Node = node): Possible[] {
  if (depth > MAX_DEPTH) return [{ kind: 'unknown', at, reason: 'too deeply nested intrinsics' }];
  const fn = intrinsicOf(node);
  if (!fn) {
    if (isScalar(node) && typeof node.value === 'string' && node.value.includes('{{resolve:')) {
      return [{ kind: 'unknown', at, reason: 'dynamic reference' }];
    }
    return [{ kind: 'node', node, at }];
  }
  const t = ctx.template;
  switch (fn.name) {
    case 'Ref': {
      const name = isScalar(fn.arg) ? String(fn.arg.value) : '';
      if (name === 'AWS::NoValue') return [{ kind: 'novalue', at }];
      const p = t?.parameters.get(name);
      if (p) {
        // A parameter's values do not depend on where it is used: computed once per parameter, so
        // chains of parameters (or `!If [C, !Ref P, !Ref P]`) stay linear, not exponential.
        const cached = PARAMETER_VALUES.get(p);
        if (cached) return cached.map((v) => ({ ...v, at }) as Possible);
        const out: Possible[] = [];
        if (p.default) {
          for (const v of possibleValues(p.default, ctx, depth + 1, at)) {
            out.push({ ...v, at, via: joinVia(`parameter ${name} default ${describeShort(v)}`, v.via) } as Possible);
          }
        }
        for (const a of p.allowedValues) {
          if (out.length >= MAX_POSSIBLE) break;
          if (p.default && isScalar(p.default) && isScalar(a) && a.value === p.default.value) continue;
          out.push({ kind: 'node', node: a, at, via: `parameter ${name} = ${isScalar(a) ? String(a.value) : '...'}` });
        }
        if (!p.default && p.allowedValues.length === 0) out.push({ kind: 'unknown', at, reason: `parameter ${name}` });
        const result: Possible[] = out.length
          ? out.slice(0, MAX_POSSIBLE)
          : [{ kind: 'unknown', at, reason: `parameter ${name}` }];
        PARAMETER_VALUES.set(p, result);
        return result;
      }
      return [{ kind: 'unknown', at, reason: t?.resources.has(name) ? `resource ${name}` : name }];
    }
    case 'Fn::If': {
      if (!isSeq(fn.arg) || fn.arg.items.length !== 3) return [{ kind: 'unknown', at, reason: 'malformed Fn::If' }];
      const cond = isScalar(fn.arg.items[0]) ? String(fn.arg.items[0].value) : '?';
      const out: Possible[] = [];
      for (const [i, label] of [
        [1, 'true'],
        [2, 'false'],
      ] as const) {
        const branch = fn.arg.items[i];
        for (const v of possibleValues(branch, ctx, depth + 1, branch)) {
          out.push({ ...v, via: joinVia(`condition ${cond} is ${label} (${label} branch of !If)`, v.via) } as Possible);
        }
      }
      return out.slice(0, MAX_POSSIBLE);
    }
    case 'Fn::Sub': {
      return subValues(fn.arg, ctx, depth, at);
    }
    case 'Fn::Join': {
      if (!isSeq(fn.arg) || fn.arg.items.length !== 2) return [{ kind: 'unknown', at, reason: 'malformed Fn::Join' }];
      const delim = stringsOf(fn.arg.items[0], ctx, depth + 1);
      const list = listItems(fn.arg.items[1], ctx, depth + 1);
      if (delim.length !== 1 || delim[0] === null || list === null)
        return [{ kind: 'unknown', at, reason: 'Fn::Join of unknown values' }];
      const parts: string[] = [];
      for (const item of list) {
        const s = stringsOf(item, ctx, depth + 1);
        parts.push(s.length === 1 && s[0] !== null ? s[0] : `${FIXED_OPEN}…${FIXED_CLOSE}`);
      }
      return [{ kind: 'value', value: parts.join(delim[0]), at }];
    }
    case 'Fn::Select': {
      if (!isSeq(fn.arg) || fn.arg.items.length !== 2) return [{ kind: 'unknown', at, reason: 'malformed Fn::Select' }];
      const idx = stringsOf(fn.arg.items[0], ctx, depth + 1);
      const list = listItems(fn.arg.items[1], ctx, depth + 1);
      const i = idx.length === 1 && idx[0] !== null ? Number(idx[0]) : NaN;
      if (list && Number.isInteger(i) && i >= 0 && i < list.length) return possibleValues(list[i], ctx, depth + 1, at);
      return [{ kind: 'unknown', at, reason: 'Fn::Select of unknown values' }];
    }
    case 'Fn::FindInMap': {
      if (!isSeq(fn.arg) || fn.arg.items.length < 3)
        return [{ kind: 'unknown', at, reason: 'malformed Fn::FindInMap' }];
      const mapName = stringsOf(fn.arg.items[0], ctx, depth + 1);
      const mapping = mapName.length === 1 && mapName[0] !== null ? t?.mappings.get(mapName[0]) : undefined;
      if (!mapping || !isMap(mapping.node))
        return [{ kind: 'unknown', at, reason: 'Fn::FindInMap of an unknown mapping' }];
      const top = stringsOf(fn.arg.items[1], ctx, depth + 1);
      const second = stringsOf(fn.arg.items[2], ctx, depth + 1);
      const out: Possible[] = [];
      for (const tp of mapping.node.pairs) {
        const tk = String(tp.key.value);
        if (!(top.includes(null) || top.includes(tk))) continue;
        if (!isMap(tp.value)) continue;
        for (const sp of tp.value.pairs) {
          const sk = String(sp.key.value);
          if (!(second.includes(null) || second.includes(sk))) continue;
          for (const v of possibleValues(sp.value, ctx, depth + 1, at)) {
            out.push({ ...v, at, via: joinVia(`mapping ${mapping.id}.${tk}.${sk}`, v.via) } as Possible);
            if (out.length >= MAX_POSSIBLE) return out;
          }
        }
      }
      return out.length ? out : [{ kind: 'unknown', at, reason: 'Fn::FindInMap with no match' }];
    }
    default:
      return [{ kind: 'unknown', at, reason: fn.name }];
  }
}

function subValues(arg: Node, ctx: ValueContext, depth: number, at: Node): Possible[] {
  let body: Node | undefined = arg;
  let vars: Node | undefined;
  if (isSeq(arg)) {
    body = arg.items[0];
    vars = arg.items[1];
  }
  if (!isScalar(body) || typeof body.value !== 'string')
    return [{ kind: 'unknown', at, reason: 'Fn::Sub of a non-string' }];
  const local = new Map<string, string | null>();
  if (isMap(vars)) {
    for (const p of vars.pairs) {
      const s = stringsOf(p.value, ctx, depth + 1);
      local.set(String(p.key.value), s.length === 1 ? s[0] : null);
    }
  }
  return [{ kind: 'value', value: substitute(body.value, local), at }];
}

/** Fill in `${X}` of a Sub body: local variables by value where known, anything else as a fixed part. */
export function substitute(body: string, local: Map<string, string | null> = new Map()): string {
  return body.replace(/\$\{(!?)([^}]*)\}/g, (_m, bang: string, name: string) => {
    if (bang) return '${' + name + '}';
    const v = local.get(name.trim());
    if (v !== undefined && v !== null) return v;
    return FIXED_OPEN + name.trim() + FIXED_CLOSE;
  });
}

/** Possible string values of a node; `null` stands for an unknown (fixed) value. */
export function stringsOf(node: Node, ctx: ValueContext, depth = 0): (string | null)[] {
  const out: (string | null)[] = [];
  for (const v of possibleValues(node, ctx, depth)) {
    if (v.kind === 'value') out.push(v.value === null ? null : String(v.value));
    else if (v.kind === 'node' && isScalar(v.node)) out.push(v.node.value === null ? null : String(v.node.value));
    else out.push(null);
  }
  return out;
}

/** The items of a list value when it is a literal sequence (possibly through a single-valued intrinsic). */
function listItems(node: Node, ctx: ValueContext, depth: number): Node[] | null {
  const vs = possibleValues(node, ctx, depth);
  if (vs.length === 1 && vs[0].kind === 'node' && isSeq(vs[0].node)) return vs[0].node.items;
  if (vs.length === 1 && vs[0].kind === 'value' && typeof vs[0].value === 'string' && isScalar(node)) return null;
  return null;
}

/**
 * Possible scalar elements of a value that may be a single scalar or a list (Principal AWS,
 * Action, condition values): each element with the node to point at and the branch that makes it.
 */
export function possibleElements(node: Node, ctx: ValueContext): Possible[] {
  const out: Possible[] = [];
  for (const v of possibleValues(node, ctx)) {
    if (v.kind === 'node' && isSeq(v.node)) {
      for (const item of v.node.items) {
        for (const e of possibleValues(item, ctx, 1, item)) out.push({ ...e, via: joinVia(v.via, e.via) } as Possible);
      }
    } else out.push(v);
  }
  return out;
}

/** The string of a possible value, or null when unknown/not a string. */
export function possibleString(v: Possible): string | null {
  if (v.kind === 'value') return v.value === null ? null : String(v.value);
  if (v.kind === 'node' && isScalar(v.node) && v.node.value !== null) return String(v.node.value);
  return null;
}

/** Human text of a computed string: fixed parts back as `${name}`. */
export function display(s: string): string {
  return s.split(FIXED_OPEN).join('${').split(FIXED_CLOSE).join('}');
}

function describeShort(v: Possible): string {
  const s = possibleString(v);
  return s === null ? '(unknown)' : JSON.stringify(display(s));
}

/** Boolean reading of a possible value: true/false/'true'/'false', else undefined. */
export function possibleBoolean(v: Possible): boolean | undefined {
  const s = possibleString(v);
  if (s === null) return undefined;
  const l = s.toLowerCase();
  return l === 'true' ? true : l === 'false' ? false : undefined;
}

export { get };
