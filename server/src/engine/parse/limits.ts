import type { Node } from './ast';

/** Safety bounds for hostile input. All are enforced by the parsers and reported as AJ000. */
export interface ParseLimits {
  /** Largest document read, in UTF-16 code units (about bytes for ASCII). */
  maxChars: number;
  /** Deepest nesting of maps/sequences accepted. */
  maxDepth: number;
  /** Most nodes that alias expansion may add, across the document. */
  maxAliasExpansion: number;
}

export const DEFAULT_LIMITS: ParseLimits = {
  maxChars: 8 * 1024 * 1024,
  maxDepth: 500,
  maxAliasExpansion: 100_000,
};

/**
 * Number of nodes under `n` once aliases are expanded, memoised per node object: what alias
 * expansion would add, for the maxAliasExpansion bound (shared by both YAML readers).
 */
export function expandedSize(n: Node, memo: Map<Node, number>): number {
  const cached = memo.get(n);
  if (cached !== undefined) return cached;
  let s = 1;
  if (n.kind === 'map') for (const p of n.pairs) s += 1 + expandedSize(p.value, memo);
  else if (n.kind === 'seq') for (const i of n.items) s += expandedSize(i, memo);
  memo.set(n, s);
  return s;
}
