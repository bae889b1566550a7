/** Helpers for the fix tests: apply a fix's edits, and compare findings before and after. */
import type { Finding, TextEdit } from '../../server/src/engine/types';

/** Apply non-overlapping edits to a text (the way an editor applies a WorkspaceEdit). */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.span.start - b.span.start);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].span.start < sorted[i - 1].span.end) throw new Error('overlapping edits');
  }
  let out = '';
  let at = 0;
  for (const e of sorted) {
    out += text.slice(at, e.span.start) + e.newText;
    at = e.span.end;
  }
  return out + text.slice(at);
}

/** `rule@resource` counts. */
export function tally(findings: Finding[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const f of findings) {
    const k = `${f.ruleId}@${f.resource}`;
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

/** Keys whose count grew from `before` to `after`. */
export function grown(before: Map<string, number>, after: Map<string, number>): string[] {
  const out: string[] = [];
  for (const [k, n] of after) if (n > (before.get(k) ?? 0)) out.push(k);
  return out;
}
