/**
 * The engine's public surface. Shells (language server, CLI, audit) import from here only.
 */
export { lintText, fixesFor, looksLikeTemplateName, chooseFormat } from './lint';
export type { LintOptions, LintResult } from './lint';
export type { Finding, Fix, TextEdit, Severity, Range, Position, Span, DocumentKind } from './types';
export { RULES, ruleByIdOrSlug, ruleDocsUrl } from './rules/registry';
export type { Rule, RuleMeta, RuleDocs } from './rules/rule';
export { LineIndex } from './parse/lines';
export { parseConfig, mergeConfig, emptyConfig, DEFAULT_AUDIT } from './config/config';
export type { AjarConfig, AuditThresholds, IgnoreEntry, RuleSetting } from './config/config';
export { loadConfigFor, findConfigFile, CONFIG_NAMES } from './config/load';
export { matchGlob } from './config/glob';
export { renderRuleDoc } from './docs';
export { publicGrantsInPolicyJson } from './policy';
