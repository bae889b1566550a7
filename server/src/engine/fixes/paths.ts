/**
 * Path queries over the Ajar tree: the ancestors of a span (with the pair or index that leads to
 * each), the deepest node at an offset, whether a path crosses a flow collection, plain-data maps.
 */
import type { MapNode, Node, Pair } from '../parse/ast';
import { isMap } from '../parse/ast';
import { intrinsicOf } from '../model/intrinsics';
import type { Span } from '../types';

// ---------------------------------------------------------------------------------------------
// Finding nodes by offset

export interface Step {
  node: Node;
  /** The pair (of the parent map) whose value is `node`. */
  pair?: Pair;
  /** The index of `node` in the parent sequence. */
  index?: number;
}

/**
 * Ancestors of a span, from the root down to the deepest node that contains it. A span on a key
 * ends the path at the map holding the key, with `key` set to that pair.
 */
export function pathTo(root: Node | null, span: Span): { steps: Step[]; key?: Pair } {
  const steps: Step[] = [];
  if (!root || !contains(root.span, span)) return { steps };
  let cur: Step = { node: root };
  steps.push(cur);
  for (;;) {
    const n = cur.node;
    let next: Step | undefined;
    if (n.kind === 'map') {
      for (const p of n.pairs) {
        if (contains(p.key.span, span) && p.key.span.end > p.key.span.start) return { steps, key: p };
        if (contains(p.value.span, span)) {
          next = { node: p.value, pair: p };
          break;
        }
      }
    } else if (n.kind === 'seq') {
      n.items.forEach((it, i) => {
        if (!next && contains(it.span, span)) next = { node: it, index: i };
      });
    }
    if (!next || next.node === n) return { steps };
    steps.push(next);
    cur = next;
  }
}
function contains(outer: Span, inner: Span): boolean {
  return outer.start <= inner.start && inner.end <= outer.end;
}

/** The deepest node containing the offset. */
export function nodeAt(root: Node | null, offset: number): Node | undefined {
  const { steps } = pathTo(root, { start: offset, end: offset });
  return steps.length ? steps[steps.length - 1].node : undefined;
}

/** Is any of the steps a flow collection (YAML `{}`/`[]`, or JSON)? */
export function inFlow(steps: Step[]): boolean {
  return steps.some((s) => s.node.kind !== 'scalar' && s.node.flow);
}

/** A map that is plain data (not an intrinsic such as `{Ref: X}` or `!If`). */
export function plainMap(n: Node | undefined): n is MapNode {
  return isMap(n) && !n.tag && !intrinsicOf(n);
}
