/**
 * What a rule is. A rule file reads like its docs page: metadata, the check, the fixes.
 * The registry, settings, SARIF rule list and docs/rules pages are all made from this metadata.
 */
import type { Node, ParsedDocument } from '../parse/ast';
import type { Template } from '../model/template';
import type { ValueContext } from '../model/values';
import type {
  DocumentKind,
  Finding,
  Fix,
  FixContext,
  LiveRuleMeta,
  RuleDocs,
  RuleScope,
  Severity,
  Span,
} from '../types';

export type { FixContext, RuleDocs };

/** A template rule's metadata; `LiveRuleMeta` (engine/types.ts) is its live-account counterpart. */
export interface RuleMeta {
  /** Template rules may leave it out: a rule without `scope` is a template rule. */
  scope?: 'template';
  id: string;
  slug: string;
  /** Default severity (some findings of the rule may use another, as rules.md says). */
  severity: Severity;
  title: string;
  docs: RuleDocs;
  /** Kinds of documents the rule looks at. */
  appliesTo: readonly DocumentKind[];
  /** Fix kinds this rule offers (for docs). */
  fixTitles?: readonly string[];
}

/** Any rule's metadata, template or live: what docs pages, `ajar rules` and SARIF are made from. */
export type AnyRuleMeta = RuleMeta | LiveRuleMeta;

export function ruleScope(rule: AnyRuleMeta): RuleScope {
  return rule.scope ?? 'template';
}

export interface Report {
  /** The offending node; its span is the finding's range. */
  node?: Node;
  span?: Span;
  message: string;
  severity?: Severity;
  /** Overrides the owner found from the position (e.g. `null` for top-level strings). */
  resource?: string | null;
  data?: Record<string, unknown>;
}

export interface RuleContext {
  fileName: string;
  doc: ParsedDocument;
  kind: DocumentKind;
  /** Present for templates (CloudFormation, SAM, CDK). */
  template?: Template;
  /** The policy document node, for standalone policies. */
  policy?: Node;
  values: ValueContext;
  report(r: Report): void;
}

export interface Rule extends RuleMeta {
  check(ctx: RuleContext): void;
  /** Quick fixes for one of this rule's findings (edits on the analysed text). */
  fixes?(finding: Finding, ctx: FixContext): Fix[];
}

export const TEMPLATE_KINDS: readonly DocumentKind[] = ['cloudformation', 'sam', 'cdk'];
export const ALL_KINDS: readonly DocumentKind[] = ['cloudformation', 'sam', 'cdk', 'policy'];
