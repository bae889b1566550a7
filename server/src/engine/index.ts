/**
 * The engine's public surface. Shells (language server, CLI, audit) import from here only.
 */
export { lintText, fixesFor, safeFix, fixAllText, looksLikeTemplateName, chooseFormat } from './lint';
export type { FixAllResult } from './lint';
export type { LintOptions, LintResult } from './lint';
export type {
  Finding,
  Fix,
  TextEdit,
  Severity,
  Range,
  Position,
  Span,
  DocumentKind,
  LiveCategory,
  LiveRuleMeta,
  RuleScope,
} from './types';
export { RULES, ruleByIdOrSlug, ruleDocsUrl } from './rules/registry';
export type { AnyRuleMeta, Rule, RuleMeta, RuleDocs } from './rules/rule';
export { ruleScope } from './rules/rule';
export { LineIndex } from './parse/lines';
export {
  parseConfig,
  mergeConfig,
  emptyConfig,
  resolveAuditThresholds,
  DEFAULT_AUDIT,
  AUDIT_THRESHOLD_NAMES,
  MAX_CONFIG_BYTES,
} from './config/config';
export type {
  AjarConfig,
  AuditThresholds,
  ConfigProblem,
  IgnoreEntry,
  OrganizationConfig,
  RuleSetting,
} from './config/config';
export { loadConfigFor, loadConfigFile, findConfigFile, CONFIG_NAMES, type LoadedConfig } from './config/load';
export { matchGlob, globProblem } from './config/glob';
export { renderRuleDoc } from './docs';
export { publicGrantsInPolicyJson } from './policy';
export {
  CdkLocator,
  constructName,
  constructsByPaths,
  constructsOf,
  cdkPathOf,
  cdkPathsOf,
  findCdkApp,
  readCdkJson,
  sourceFindingsOf,
  staleNote,
} from './cdk';
export type { CdkApp, ConstructInfo, ConstructSource, SourceFinding, SourceLocation } from './cdk';
export { navigate, navigationOf, parametersReferenced, type NavigationResult } from './navigate';
export { Navigation } from './navigation';
export type { OutlineKind, OutlineSymbol, Declaration, DeclarationKind, Reference, ReferenceVia } from './navigation';
export {
  mapStacks,
  matchStack,
  readStackWorkspace,
  resourceSource,
  logicalIdRange,
  samconfigStacks,
  type StackInput,
  type StackMatch,
  type StackWorkspace,
  type ResourceSource,
  type WorkspaceIndex,
  liveStatus,
  liveNoteText,
  templateHasProblem,
  resourceKeyRanges,
  type LiveStatus,
  type LiveNote,
} from './stacks';
