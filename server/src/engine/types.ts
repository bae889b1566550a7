/**
 * The engine's public vocabulary: severities, positions, findings and document kinds.
 * Nothing here knows about editors, the network or the file system.
 */
import type { ParsedDocument } from './parse/ast';
import type { Template } from './model/template';
import type { ValueContext } from './model/values';

export type Severity = 'error' | 'warning' | 'information';

/** 0-based, UTF-16 code units, LSP style. */
export interface Position {
  line: number;
  character: number;
}
export interface Range {
  start: Position;
  end: Position;
}

/** Offsets into the (BOM-stripped) document text: [start, end). */
export interface Span {
  start: number;
  end: number;
}

export type DocumentKind = 'cloudformation' | 'sam' | 'cdk' | 'policy' | 'other';

/** A text edit expressed on offsets of the analysed text. */
export interface TextEdit {
  span: Span;
  newText: string;
  /**
   * A value the user must still fill in (an organization id, a suppression reason), as offsets
   * into `newText` [start, end): editors select it after applying the fix (a snippet placeholder).
   */
  placeholder?: Span;
}

export interface Fix {
  title: string;
  /** Rule-independent identifier of the fix ("restrict-to-account", "suppress", ...). */
  kind: string;
  edits: TextEdit[];
  /** Preferred fix for the finding (VS Code's isPreferred). */
  preferred?: boolean;
  /** True when one of the edits carries a `placeholder`: the fix is not finished until it is filled in. */
  placeholder?: boolean;
}

export interface Finding {
  ruleId: string; // 'AJ101'
  rule: string; // 'public-resource-policy'
  severity: Severity;
  message: string;
  /** Logical id of the resource or output holding the node; null outside Resources/Outputs. */
  resource: string | null;
  span: Span;
  range: Range;
  /** Extra facts for tests and machine output (bucket, via, deployRejected...). */
  data?: Record<string, unknown>;
  /** Quick fixes, computed lazily by the caller through rule.fixes when possible. */
  fixes?: Fix[];
}

/** What a fix function reads: the analysed document and, for templates, its model. */
export interface FixContext {
  fileName: string;
  doc: ParsedDocument;
  kind: DocumentKind;
  template?: Template;
  values: ValueContext;
}

/** Where a rule looks: documents (templates and policies) or live AWS accounts (the audit). */
export type RuleScope = 'template' | 'live';

/** What a live rule is about: the Accounts view's categories. */
export type LiveCategory = 'root' | 'iam' | 'ec2' | 's3' | 'sqs' | 'sns';

/**
 * The sections of a rule's docs page (docs/rules/<ID>.md), the same for template and live rules.
 * Examples are YAML templates for template rules; for live rules, what the audit reads (an API
 * response, a credential report row) before and after the fix.
 */
export interface RuleDocs {
  /** Why it matters; cites the report figure where one applies. */
  why: string;
  /** What exactly is reported (semantics, range or evidence). */
  what: string;
  /** An insecure example. */
  insecure: string;
  /** The same example, fixed. */
  fixed: string;
  /** The examples' language (code fence): `yaml` unless said otherwise. */
  exampleLanguage?: 'yaml' | 'json' | 'csv';
  /** How to fix it, in words (for live rules: the remediation paragraph). */
  fix: string;
  /** Live rules: the AWS CLI command(s) that fix it, as text to review and run yourself (Ajar never runs them). */
  cli?: string;
  /** Template rules: the fix in CDK's words, where CDK users make it (hover in the app's source, the page's "In CDK"). */
  cdk?: CdkDocs;
  /** Decisions where rules.md is silent. */
  notes?: string[];
}

/** How to fix a rule's finding in a CDK app: in words, then the fixed construct in TypeScript and Python. */
export interface CdkDocs {
  fix: string;
  typescript: string;
  python: string;
}

/** A live-account rule's metadata (AJ5xx): the same page shape as a template rule, plus its category. */
export interface LiveRuleMeta {
  scope: 'live';
  id: string;
  slug: string;
  severity: Severity;
  title: string;
  category: LiveCategory;
  /**
   * `cli`: the commands on the rule's page, for an example resource. `command`: the command(s) for
   * one finding, shown (never run) beside it in the Accounts view; `{name}` (the resource's name:
   * user, instance id, bucket, queue, topic), `{arn}`, `{region}` and `{account}` are filled from the
   * finding, `<UPPER_CASE>` is left for the reader (a key id the audit does not read).
   */
  docs: RuleDocs & { cli: string; command: string };
  /** The CIS benchmark control the rule matches, where one does (named on its page and in reports). */
  cis?: { benchmark: string; id: string; title: string };
}
