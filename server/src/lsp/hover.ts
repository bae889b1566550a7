/**
 * Hover on a finding's range: the rule behind it (title, why it matters, how to fix it) and a link
 * to its page. Not the finding's message: editors show the diagnostic's message above the hover
 * already, and saying it twice pushes the explanation out of view.
 */
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver';
import { ruleByIdOrSlug, ruleDocsUrl, type Finding } from '../engine';
import { shiftRange } from './diagnostics';

function contains(r: { start: Position; end: Position }, p: Position): boolean {
  const afterStart = p.line > r.start.line || (p.line === r.start.line && p.character >= r.start.character);
  const beforeEnd = p.line < r.end.line || (p.line === r.end.line && p.character <= r.end.character);
  return afterStart && beforeEnd;
}

export function hoverFor(result: { findings: Finding[]; bomLength: number }, position: Position): Hover | null {
  const hits = result.findings.filter((f) => contains(shiftRange(f.range, result.bomLength), position));
  if (hits.length === 0) return null;
  const parts: string[] = [];
  const seen = new Set<string>();
  for (const f of hits) {
    // Two findings of one rule here (two principals of a statement): one explanation.
    if (seen.has(f.ruleId)) continue;
    seen.add(f.ruleId);
    const rule = ruleByIdOrSlug(f.ruleId);
    const lines = [`**Ajar ${f.ruleId}** \`${f.rule}\`${rule ? `: ${rule.title}` : ''}`];
    if (rule) lines.push('', rule.docs.why, '', `**Fix:** ${rule.docs.fix}`);
    lines.push('', `[${f.ruleId} documentation](${ruleDocsUrl(f.ruleId)})`);
    parts.push(lines.join('\n'));
  }
  const first = shiftRange(hits[0].range, result.bomLength);
  return { contents: { kind: MarkupKind.Markdown, value: parts.join('\n\n---\n\n') }, range: first };
}
