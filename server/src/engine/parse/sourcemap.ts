/**
 * Where each character of a scalar's value stands in the source: block scalars, quoted YAML and
 * JSON strings with escapes. Used to point inside strings (a key in a multi-line `UserData`, a `*`
 * in a policy written as a JSON string).
 */
import type { ScalarNode } from './ast';

/** offsets[i] = source offset of value character i; offsets[value.length] = end of the content. */
export function valueOffsets(node: ScalarNode, text: string): Int32Array | null {
  if (node.aliasOf) return valueOffsets(node.aliasOf, text);
  if (typeof node.value !== 'string') return null;
  const v = node.value;
  const start = node.contentStart ?? node.span.start;
  const end = node.span.end;
  const out = new Int32Array(v.length + 1);
  const escapes = node.style === 'json' || node.style === 'double';
  let j = start;
  for (let i = 0; i < v.length; i++) {
    // Block scalars begin with a header line (`|`, `>-`, ...): skip to the content.
    if (i === 0 && (node.style === 'block-literal' || node.style === 'block-folded')) {
      while (j < end && text[j] !== '\n') j++;
      j++;
    }
    while (j < end) {
      const c = text[j];
      if (c === v[i]) break;
      if (escapes && c === '\\') break;
      j++;
    }
    if (j >= end) {
      // Could not align (folded whitespace at the end): point at the end.
      for (; i < v.length; i++) out[i] = end;
      break;
    }
    out[i] = j;
    if (escapes && text[j] === '\\' && text[j] !== v[i]) j += escapeLength(text, j, node.style === 'json');
    else if (escapes && text[j] === '\\' && v[i] === '\\') j += 2;
    else j++;
  }
  out[v.length] = Math.min(j, end);
  return out;
}

export function escapeLength(text: string, j: number, json: boolean): number {
  const c = text[j + 1];
  if (c === 'u') return 6;
  if (!json && c === 'x') return 4;
  if (!json && c === 'U') return 10;
  return 2;
}
