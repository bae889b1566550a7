/**
 * JSON documents written inside strings (a policy as a JSON string, in a YAML block scalar, or in a
 * JSON string with escapes), read as trees whose spans point into the outer document.
 */
import type { Node } from '../parse/ast';
import { isScalar } from '../parse/ast';
import { parseJson } from '../parse/json';
import { escapeLength, valueOffsets } from '../parse/sourcemap';

/**
 * A JSON document written inside a string (a policy as a JSON string, in a YAML block scalar or a
 * JSON string with escapes), with its spans mapped back to the outer document.
 */
export function embeddedJson(node: Node, text: string): Node | null {
  if (!isScalar(node) || typeof node.value !== 'string') return null;
  const v = node.value.trim();
  if (!v.startsWith('{') && !v.startsWith('[')) return null;
  const inner = parseJson(node.value);
  if (!inner.root || inner.errors.length) return null;
  const map = valueOffsets(node, text);
  if (!map) return null;
  const at = (o: number) => map[Math.max(0, Math.min(o, map.length - 1))];
  // End of the source text of value character o-1: a whole escape sequence (`\"`, `\u0041`), not its backslash.
  const escapes = node.style === 'json' || node.style === 'double';
  const endAt = (o: number) => {
    const s = at(o - 1);
    return escapes && text[s] === '\\' ? s + escapeLength(text, s, node.style === 'json') : s + 1;
  };
  const seen = new Set<Node>();
  const remap = (n: Node) => {
    if (seen.has(n)) return;
    seen.add(n);
    const endInner = n.span.end;
    n.span = { start: at(n.span.start), end: endInner > 0 ? endAt(endInner) : at(0) };
    if (n.kind === 'scalar' && n.contentStart !== undefined)
      n.contentStart = n.span.start + (n.style === 'json' && typeof n.value === 'string' ? 1 : 0);
    if (n.kind === 'map')
      for (const p of n.pairs) {
        p.key.span = { start: at(p.key.span.start), end: endAt(p.key.span.end) };
        p.span = { start: p.key.span.start, end: endAt(p.span.end) };
        remap(p.value);
      }
    if (n.kind === 'seq') n.items.forEach(remap);
  };
  remap(inner.root);
  return inner.root;
}
