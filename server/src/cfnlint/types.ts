/**
 * Engine-neutral types for cfn-lint results. Positions are LSP positions (0-based lines,
 * UTF-16 code units), the same as the engine's `Range`, so the language server and the CLI can
 * treat cfn-lint diagnostics like Ajar's own.
 */
import type { Range, Severity } from '../engine/types';

export type { Range, Severity };

/** One cfn-lint match as the worker sends it (cfn-lint's own positions: 1-based, end-exclusive, code points). */
export interface CfnLintMatch {
  rule: string;
  level: 'error' | 'warning' | 'informational' | string;
  message: string;
  start: { line: number; column: number };
  end: { line: number; column: number };
  docs?: string;
  description?: string;
  /** Where in the template, e.g. ['Resources', 'Queue', 'Properties', 'DelaySeconds']. */
  path?: Array<string | number> | null;
}

/** A cfn-lint match converted to an editor diagnostic. */
export interface CfnDiag {
  /** cfn-lint rule id, e.g. 'E3012'. */
  code: string;
  message: string;
  severity: Severity;
  range: Range;
  source: 'cfn-lint';
  /** The rule's documentation. */
  href: string;
  /** cfn-lint's short description of the rule. */
  description?: string;
  /** Where in the template cfn-lint found it, e.g. ['Resources', 'Queue', 'Properties', 'DelaySeconds']. */
  path?: Array<string | number>;
}

/** Per-request cfn-lint settings (the editor's `ajar.cfnLint.*` settings, the CLI's flags). */
export interface CfnLintLintOptions {
  /** Absolute path of the template: used to find .cfnlintrc and shown in cfn-lint's messages. */
  filename?: string;
  /** Workspace folder holding the template: the .cfnlintrc search stops there. */
  root?: string;
  /** An explicit .cfnlintrc (like `cfn-lint --config-file`). */
  configFile?: string;
  /** false: ignore ~/.cfnlintrc and the project's .cfnlintrc. Default true. */
  useConfigFiles?: boolean;
  /** Regions to validate against when neither .cfnlintrc nor the template's Metadata name any. */
  regions?: string[];
  /** Rule ids or prefixes to skip, added to those of .cfnlintrc and the template (ajar.cfnLint.ignoreChecks). */
  ignoreChecks?: string[];
  /** Rule ids or prefixes to add (e.g. ['I'] for informational rules). */
  includeChecks?: string[];
  mandatoryChecks?: string[];
  /** Rule configuration defaults, e.g. { E3012: { strict: true } }; .cfnlintrc/Metadata may override. */
  configureRules?: Record<string, Record<string, unknown>>;
  includeExperimental?: boolean;
  /** Overrides the worker's request timeout for this request. */
  timeoutMs?: number;
}

export type CfnLintFailureReason = 'timeout' | 'crashed' | 'unavailable' | 'disposed' | 'error';

export type CfnLintResult =
  | {
      status: 'ok';
      uri: string;
      version: number;
      diagnostics: CfnDiag[];
      /** Things the user may want to know (e.g. append_rules ignored). */
      notices: string[];
      /** The project .cfnlintrc that applied, if any. */
      configFile: string | null;
      /** cfn-lint's own time in the worker, ms. */
      workerMs: number;
      /** CPU time the worker spent on it, ms (load-independent). */
      workerCpuMs: number;
      /** From lint() to the answer, ms (includes queueing and a cold start). */
      elapsedMs: number;
      /** cfn-lint was not run: the text is over its size limit (`diagnostics` holds the one notice saying so). */
      skipped?: 'too-large';
    }
  /** A newer lint of the same uri replaced this one: publish nothing for it. */
  | { status: 'superseded'; uri: string; version: number }
  | { status: 'failed'; uri: string; version: number; reason: CfnLintFailureReason; message: string };

export interface CfnLintVersionInfo {
  version: string;
  python: string;
  executable: string;
}
