/**
 * The order the language server follows: Ajar's own diagnostics are published at once, never
 * waiting for cfn-lint; cfn-lint's arrive later and are published together with Ajar's, minus
 * duplicates, only if the document has not changed meanwhile.
 */
import * as path from 'node:path';
import { detectCfnLint, type CfnLintAvailability, type CfnLintSettings } from './availability';
import { CfnLintWorker, type CfnLintWorkerOptions } from './client';
import { mergeWithAjar, type AjarFindingLike } from './merge';
import type { CfnDiag, CfnLintLintOptions, CfnLintResult } from './types';

export interface LintBothArgs<F extends AjarFindingLike> {
  worker: CfnLintWorker | null;
  uri: string;
  version: number;
  text: string;
  options?: CfnLintLintOptions;
  /** Ajar's findings for this version, already computed. */
  ajarFindings: readonly F[];
  /**
   * Publishes the document's diagnostics: first ('ajar') with no cfn-lint diagnostics, then
   * ('cfn-lint') with cfn-lint's, deduplicated against `ajarFindings`.
   */
  publish: (phase: 'ajar' | 'cfn-lint', ajar: readonly F[], cfnLint: CfnDiag[]) => void;
  /** Still the document's current version? (checked before the second publish) */
  isCurrent?: () => boolean;
}

/** Publishes Ajar's findings now and cfn-lint's when they come; returns cfn-lint's result (null without a worker). */
export async function lintAjarThenCfnLint<F extends AjarFindingLike>(
  args: LintBothArgs<F>,
): Promise<CfnLintResult | null> {
  args.publish('ajar', args.ajarFindings, []);
  if (!args.worker) return null;
  const result = await args.worker.lint(args.uri, args.version, args.text, args.options);
  if (result.status === 'ok' && (args.isCurrent?.() ?? true))
    args.publish('cfn-lint', args.ajarFindings, mergeWithAjar(args.ajarFindings, result.diagnostics));
  return result;
}

export interface CfnLintFile {
  /** Path as given (used as the result key and the uri). */
  path: string;
  text: string;
}

/**
 * For `ajar lint --with-cfn-lint`: detects cfn-lint, lints the files one after another in one warm
 * worker, and shuts it down. Unavailable cfn-lint is an answer, not an exception.
 */
export async function lintFilesWithCfnLint(
  files: readonly CfnLintFile[],
  settings: CfnLintSettings = { enabled: 'on' },
  options: Omit<CfnLintLintOptions, 'filename'> & {
    workerOptions?: Omit<CfnLintWorkerOptions, 'interpreter' | 'interpreterArgs'>;
  } = {},
): Promise<
  | { available: true; version: string; results: Map<string, CfnLintResult> }
  | { available: false; detection: Extract<CfnLintAvailability, { available: false }> }
> {
  const detection = await detectCfnLint(settings);
  if (!detection.available) return { available: false, detection };
  const { workerOptions, ...lintOptions } = options;
  const worker = new CfnLintWorker({
    ...workerOptions,
    interpreter: detection.interpreter,
    interpreterArgs: detection.interpreterArgs,
  });
  const results = new Map<string, CfnLintResult>();
  try {
    for (const f of files) {
      const filename = path.resolve(f.path);
      results.set(f.path, await worker.lint(f.path, 0, f.text, { root: process.cwd(), ...lintOptions, filename }));
    }
  } finally {
    await worker.dispose();
  }
  return { available: true, version: detection.version, results };
}
