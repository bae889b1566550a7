/**
 * `.ajar.yaml` problems as LSP diagnostics on the config file itself: mistakes (YAML errors, wrong
 * types, unknown keys and rule ids, bad globs, a file too large to read) and AJ001 for a suppression
 * without a reason. AJ001 follows the rule settings like any finding (`off`, another severity).
 */
import type { Diagnostic } from 'vscode-languageserver';
import { CONFIG_NAMES, ruleDocsUrl, type ConfigProblem, type RuleSetting } from '../engine';
import { shiftRange, SOURCE, toLspSeverity } from './diagnostics';

const ZERO = { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } };

/** Is this path or URI a project config file (`.ajar.yaml`, `.ajar.yml`)? */
export function isConfigFileName(fileName: string): boolean {
  const base = fileName.replace(/\\/g, '/').split('/').pop() ?? '';
  return CONFIG_NAMES.includes(base);
}

/**
 * @param rules the rule settings in force for the config file (`AJ001`/`suppression-without-reason`).
 * @param bomLength 1 when the editor's text starts with a BOM (problem ranges refer to the text without it).
 */
export function configProblemDiagnostics(
  problems: readonly ConfigProblem[],
  rules: Record<string, RuleSetting>,
  bomLength = 0,
): Diagnostic[] {
  const aj001 = rules.AJ001 ?? rules['suppression-without-reason'];
  const out: Diagnostic[] = [];
  for (const p of problems) {
    if (p.ruleId && aj001 === 'off') continue;
    const severity = p.ruleId && aj001 && aj001 !== 'off' ? aj001 : p.severity;
    const d: Diagnostic = {
      range: shiftRange(p.range ?? ZERO, bomLength),
      severity: toLspSeverity(severity),
      source: SOURCE,
      message: p.message,
    };
    if (p.ruleId) {
      d.code = p.ruleId;
      d.codeDescription = { href: ruleDocsUrl(p.ruleId) };
    }
    out.push(d);
  }
  return out;
}
