/**
 * Where a name stands in the source: a key or a scalar without its quotes and tag, a part of a
 * string (`A` of `A.Arn`, `X` in `${X}`) through the parser's value offsets.
 */
import type { ScalarNode } from '../parse/ast';
import { escapeLength, valueOffsets } from '../parse/sourcemap';
import type { Span } from '../types';

/** The characters [from, to) of a scalar's string value, in the source. */
export function valueSpan(node: ScalarNode, text: string, from: number, to: number): Span {
  if (node.aliasOf || typeof node.value !== 'string' || to <= from) return { ...node.span };
  const offsets = valueOffsets(withContentStart(node, text), text);
  if (!offsets) return { ...node.span };
  const start = offsets[from];
  const last = offsets[to - 1];
  const escapes = node.style === 'json' || node.style === 'double';
  const end = escapes && text[last] === '\\' ? last + escapeLength(text, last, node.style === 'json') : last + 1;
  // The parser's offsets stop at the content's end; never point past the node.
  return { start: Math.min(start, node.span.end), end: Math.min(Math.max(end, start), node.span.end) };
}

/** The whole string value of a scalar (a key, a `!Ref` argument) without quotes or tag. */
export function keySpan(node: ScalarNode, text: string): Span {
  const v = node.value;
  if (typeof v === 'string' && v.length > 0) return valueSpan(node, text, 0, v.length);
  // Numbers, booleans, null, the empty string: the scalar as written, after its tag.
  const start = node.tag && node.contentStart !== undefined ? node.contentStart : node.span.start;
  return { start, end: Math.max(start, node.span.end) };
}

/** A tagged scalar's content begins after its tag (`!GetAtt A.Arn`: not the `A` of the tag). */
function withContentStart(node: ScalarNode, text: string): ScalarNode {
  if (node.contentStart !== undefined || !node.tag || !text.startsWith(node.tag, node.span.start)) return node;
  let i = node.span.start + node.tag.length;
  while (i < node.span.end && (text[i] === ' ' || text[i] === '\t' || text[i] === '\r' || text[i] === '\n')) i++;
  return { ...node, contentStart: i };
}
