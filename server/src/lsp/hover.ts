/** Hover on a finding's range: the finding, the rule's explanation and fix, and a link to its page. */
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
  for (const f of hits) {
    const rule = ruleByIdOrSlug(f.ruleId);
    const lines = [`**Ajar ${f.ruleId}** \`${f.rule}\` (${f.severity}): ${f.message}`];
    if (rule) {
      lines.push('', `*${rule.title}*`, '', rule.docs.why, '', `**Fix:** ${rule.docs.fix}`);
    }
    lines.push('', `[${f.ruleId} documentation](${ruleDocsUrl(f.ruleId)})`);
    parts.push(lines.join('\n'));
  }
  const first = shiftRange(hits[0].range, result.bomLength);
  return { contents: { kind: MarkupKind.Markdown, value: parts.join('\n\n---\n\n') }, range: first };
}
