/**
 * Every rule Ajar reports, template (engine/rules) and live (audit/rules), in id order: the one
 * list behind `ajar rules`, the SARIF rule list, docs/rules/ and the server's ajar/ruleDocs.
 * Loads no AWS SDK: live rules import SDK types only.
 */
import { type AnyRuleMeta, RULES, renderRuleDoc, ruleByIdOrSlug } from './engine';
import { LIVE_RULES, liveRule } from './audit/rules/registry';

export const ALL_RULES: readonly AnyRuleMeta[] = [...RULES, ...LIVE_RULES].sort((a, b) => a.id.localeCompare(b.id));

/** A rule, template or live, by id (any case) or slug. */
export function catalogRule(key: string): AnyRuleMeta | undefined {
  return ruleByIdOrSlug(key) ?? liveRule(key);
}

/** A rule's docs page (the text of docs/rules/<ID>.md), or null for an unknown id. */
export function ruleDocsPage(key: string): string | null {
  const rule = catalogRule(key);
  return rule ? renderRuleDoc(rule) : null;
}
