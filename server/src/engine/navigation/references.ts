/**
 * What names a template declares and where it uses them: `Ref`, `Fn::GetAtt` (`A.B` and `[A, B]`),
 * `${X}` and `${X.Attr}` in `Fn::Sub` (its own variables first), condition names (a resource's or
 * output's `Condition`, `Fn::If`, `Condition` inside `Fn::And`/`Fn::Or`/`Fn::Not`), `DependsOn` and
 * `Fn::FindInMap`'s map name; short and long forms, YAML and JSON (one tree). Pseudo parameters
 * (`AWS::Region`) are references without a declaration.
 */
import type { MapNode, Node, Pair, ScalarNode } from '../parse/ast';
import { getPair, isMap, isScalar, isSeq } from '../parse/ast';
import { forEachLoop, intrinsicOf, PSEUDO_PARAMETERS } from '../model/intrinsics';
import type { Template } from '../model/template';
import type { Span } from '../types';
import { keySpan, valueSpan } from './spans';

export type DeclarationKind = 'parameter' | 'resource' | 'condition' | 'mapping' | 'sub-variable';

export interface Declaration {
  name: string;
  kind: DeclarationKind;
  /** The key's name, without quotes. */
  span: Span;
  /** The whole `key: value` text. */
  extent: Span;
}

/** How a name is used. */
export type ReferenceVia = 'Ref' | 'GetAtt' | 'Sub' | 'Condition' | 'If' | 'DependsOn' | 'FindInMap';

export interface Reference {
  name: string;
  via: ReferenceVia;
  /** The name as written (`A` of `!GetAtt A.Arn`, `X` of `${X}`). */
  span: Span;
  /** What it names; null for pseudo parameters and names the template does not declare. */
  target: Declaration | null;
  /** `AWS::Region` and the other pseudo parameters. */
  pseudo?: boolean;
}

export interface ReferenceIndex {
  declarations: Declaration[];
  /** In document order. */
  references: Reference[];
}

/** Loops and intrinsics nest; past this depth nothing is read (hostile input is bounded). */
const MAX_DEPTH = 200;

export function indexReferences(t: Template, text: string): ReferenceIndex {
  const declarations: Declaration[] = [];
  const declare = (name: string, kind: DeclarationKind, key: ScalarNode, extentEnd: number): Declaration => {
    const span = keySpan(key, text);
    const d: Declaration = { name, kind, span, extent: { start: key.span.start, end: Math.max(extentEnd, span.end) } };
    declarations.push(d);
    return d;
  };
  // Parameters and resources share one namespace (logical ids); conditions and mappings have theirs.
  const logical = new Map<string, Declaration>();
  const resources = new Map<string, Declaration>();
  const conditions = new Map<string, Declaration>();
  const mappings = new Map<string, Declaration>();
  for (const p of t.parameters.values()) logical.set(p.id, declare(p.id, 'parameter', p.key, p.node.span.end));
  // The copies a loop makes share the body's key: one declaration per written key and name.
  for (const r of t.resources.values()) {
    const d = declare(r.id, 'resource', r.key, r.pair.span.end);
    resources.set(r.id, d);
    if (!logical.has(r.id)) logical.set(r.id, d);
  }
  for (const c of t.conditions.values()) conditions.set(c.id, declare(c.id, 'condition', c.key, c.node.span.end));
  for (const m of t.mappings.values()) mappings.set(m.id, declare(m.id, 'mapping', m.key, m.node.span.end));

  const references: Reference[] = [];
  const refer = (node: ScalarNode, via: ReferenceVia, target: Map<string, Declaration>, from = 0, to?: number) => {
    if (typeof node.value !== 'string') return;
    const name = node.value.slice(from, to ?? node.value.length);
    if (!name) return;
    const span = to === undefined && from === 0 ? keySpan(node, text) : valueSpan(node, text, from, to ?? name.length);
    const pseudo = (via === 'Ref' || via === 'Sub') && PSEUDO_PARAMETERS.has(name);
    const r: Reference = { name, via, span, target: pseudo ? null : (target.get(name) ?? null) };
    if (pseudo) r.pseudo = true;
    references.push(r);
  };

  const sub = (str: Node, vars: MapNode | undefined) => {
    if (!isScalar(str) || typeof str.value !== 'string') return;
    const local = new Map<string, Declaration>();
    if (vars)
      for (const p of vars.pairs)
        local.set(String(p.key.value), declare(String(p.key.value), 'sub-variable', p.key, p.span.end));
    const s = str.value;
    for (let i = s.indexOf('${'); i >= 0; i = s.indexOf('${', i + 2)) {
      const close = s.indexOf('}', i + 2);
      if (close < 0) break;
      let a = i + 2;
      let b = close;
      // `${!Literal}` is written as is.
      if (s[a] === '!') continue;
      while (a < b && /\s/.test(s[a])) a++;
      while (b > a && /\s/.test(s[b - 1])) b--;
      if (a === b) continue;
      const name = s.slice(a, b);
      const localDecl = local.get(name);
      if (localDecl) {
        references.push({ name, via: 'Sub', span: valueSpan(str, text, a, b), target: localDecl });
        continue;
      }
      const dot = name.indexOf('.');
      if (dot > 0) refer(str, 'GetAtt', resources, a, a + dot);
      else refer(str, 'Sub', logical, a, b);
    }
  };

  const walk = (node: Node | undefined, depth: number): void => {
    if (!node || depth > MAX_DEPTH) return;
    const fn = intrinsicOf(node);
    if (fn) {
      const arg = fn.arg;
      switch (fn.name) {
        case 'Ref':
          if (isScalar(arg)) refer(arg, 'Ref', logical);
          return;
        case 'Fn::GetAtt':
          if (isScalar(arg) && typeof arg.value === 'string') {
            const dot = arg.value.indexOf('.');
            if (dot > 0) refer(arg, 'GetAtt', resources, 0, dot);
            else refer(arg, 'GetAtt', resources);
            return;
          }
          if (isSeq(arg) && isScalar(arg.items[0])) {
            refer(arg.items[0], 'GetAtt', resources);
            for (const item of arg.items.slice(1)) walk(item, depth + 1);
            return;
          }
          break;
        case 'Fn::Sub':
          if (isScalar(arg)) {
            sub(arg, undefined);
            return;
          }
          if (isSeq(arg)) {
            const vars = isMap(arg.items[1]) && !intrinsicOf(arg.items[1]) ? arg.items[1] : undefined;
            sub(arg.items[0], vars);
            if (!isScalar(arg.items[0])) walk(arg.items[0], depth + 1);
            if (vars) for (const p of vars.pairs) walk(p.value, depth + 1);
            else walk(arg.items[1], depth + 1);
            return;
          }
          break;
        case 'Fn::If':
          if (isSeq(arg) && isScalar(arg.items[0])) {
            refer(arg.items[0], 'If', conditions);
            for (const item of arg.items.slice(1)) walk(item, depth + 1);
            return;
          }
          break;
        case 'Condition':
          if (isScalar(arg)) {
            refer(arg, 'Condition', conditions);
            return;
          }
          break;
        case 'Fn::And':
        case 'Fn::Or':
        case 'Fn::Not':
          if (isSeq(arg)) {
            for (const item of arg.items) {
              const c = conditionKey(item);
              if (c) refer(c, 'Condition', conditions);
              else walk(item, depth + 1);
            }
            return;
          }
          break;
        case 'Fn::FindInMap':
          if (isSeq(arg) && isScalar(arg.items[0])) {
            refer(arg.items[0], 'FindInMap', mappings);
            for (const item of arg.items.slice(1)) walk(item, depth + 1);
            return;
          }
          break;
      }
      walk(arg, depth + 1);
      return;
    }
    if (isMap(node)) for (const p of node.pairs) walk(p.value, depth + 1);
    else if (isSeq(node)) for (const item of node.items) walk(item, depth + 1);
  };

  /** A resource's or output's `Condition` and `DependsOn`, then its body; loops' bodies alike. */
  const entry = (p: Pair, depth: number, section: 'Resources' | 'Outputs'): void => {
    if (depth > MAX_DEPTH) return;
    const loop = forEachLoop(p);
    if (loop) {
      walk(loop.collection, depth + 1);
      for (const q of loop.fragment.pairs) entry(q, depth + 1, section);
      return;
    }
    if (!isMap(p.value)) {
      walk(p.value, depth + 1);
      return;
    }
    for (const q of p.value.pairs) {
      const k = q.key.value;
      if (k === 'Condition' && isScalar(q.value) && !q.value.tag) {
        refer(q.value, 'Condition', conditions);
        continue;
      }
      if (k === 'DependsOn' && section === 'Resources') {
        if (isScalar(q.value) && !q.value.tag) refer(q.value, 'DependsOn', resources);
        else if (isSeq(q.value) && !q.value.tag)
          for (const item of q.value.items) {
            if (isScalar(item) && !item.tag) refer(item, 'DependsOn', resources);
            else walk(item, depth + 1);
          }
        else walk(q.value, depth + 1);
        continue;
      }
      walk(q.value, depth + 1);
    }
  };

  for (const p of t.root.pairs) {
    const k = p.key.value;
    if ((k === 'Resources' || k === 'Outputs') && isMap(p.value)) {
      for (const q of p.value.pairs) entry(q, 1, k);
    } else walk(p.value, 0);
  }

  return { declarations: dedupe(declarations), references };
}

/** `{Condition: Name}` inside a condition function. */
function conditionKey(item: Node): ScalarNode | undefined {
  if (!isMap(item) || item.tag || item.pairs.length !== 1) return undefined;
  const v = getPair(item, 'Condition')?.value;
  return isScalar(v) && !v.tag ? v : undefined;
}

/** Loop copies declare the same key more than once; keep the first of each place and name. */
function dedupe(ds: Declaration[]): Declaration[] {
  const seen = new Set<string>();
  return ds.filter((d) => {
    const k = `${d.kind} ${d.name} ${d.span.start}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
