/**
 * cfn-lint beside Ajar: a warm Python worker, its results as engine-neutral diagnostics, and the
 * merge with Ajar's own findings. Pure Node (no `vscode`), for the language server and the CLI.
 *
 * Typical use (language server):
 *
 *   const found = await detectCfnLint({ enabled, path, workspaceTrusted, allowInRestrictedMode, workspaceFolders });
 *   if (!found.available) { if (found.reason === 'not-found') notifyOnce(found.message + ' ' + found.installHint); }
 *   else worker = new CfnLintWorker({ interpreter: found.interpreter, interpreterArgs: found.interpreterArgs });
 *   ...
 *   publish(uri, ajarDiagnostics);                       // Ajar's own first, never waiting for cfn-lint
 *   const r = await worker.lint(uri, version, text, { filename, root, ignoreChecks, regions });
 *   if (r.status === 'ok' && stillCurrent(uri, r.version))
 *     publish(uri, [...ajarDiagnostics, ...mergeWithAjar(ajarFindings, r.diagnostics)]);
 *   // 'superseded': a newer version is on its way, publish nothing. 'failed': keep Ajar's only.
 *   worker.forget(uri);                                  // when the document closes
 *   ...
 *   await worker.dispose();                              // on shutdown
 *
 * Typical use (CLI, `ajar lint --with-cfn-lint`):
 *   const r = await lintFilesWithCfnLint([{ path, text }, ...], { enabled: 'on' }, { ignoreChecks });
 *   if (!r.available) warn(r.detection.message + ' ' + r.detection.installHint);
 *   else for each file: mergeWithAjar(findings, r.results.get(path).diagnostics) after Ajar's findings.
 * (or createCfnLint() and drive the worker yourself: lint(file, 0, text, { filename }), then dispose()).
 *
 * API
 *   detectCfnLint(settings: CfnLintSettings): Promise<CfnLintAvailability>
 *       Finds an interpreter that can import cfnlint: ajar.cfnLint.path (interpreter or cfn-lint
 *       executable) -> python3/python on PATH -> the shebang of cfn-lint on PATH. Off when
 *       enabled is 'off', and in Restricted Mode unless allowInRestrictedMode. Unavailable results
 *       carry `reason`, a one-line `message` and an `installHint`.
 *   new CfnLintWorker(options: CfnLintWorkerOptions)
 *       .lint(uri, version, text, options?: CfnLintLintOptions): Promise<CfnLintResult>  (never rejects)
 *           { status: 'ok', diagnostics: CfnDiag[], notices, configFile, workerMs, workerCpuMs, elapsedMs }
 *           | { status: 'superseded' } | { status: 'failed', reason: 'timeout'|'crashed'|'unavailable'|'disposed'|'error', message }
 *       .forget(uri)  .start()  .reset()  .dispose(): Promise<void>  .timeoutFor(text): number
 *       .state  .pid  .restarts  .versionInfo;  events: 'ready', 'exit', 'restart', 'cancel', 'broken', 'log'
 *   createCfnLint(settings, workerOptions?): detect + construct in one call.
 *   mergeWithAjar(ajar: {ruleId, range, resource?}[], cfn: CfnDiag[]): CfnDiag[]
 *       cfn-lint's diagnostics less those duplicating an Ajar finding (table OVERLAPS).
 *   matchesToDiagnostics(text, matches): CfnDiag[]   cfn-lint positions -> LSP ranges.
 *   lintAjarThenCfnLint({worker, uri, version, text, options, ajarFindings, publish, isCurrent})
 *       publishes Ajar's findings at once, then (if still current) Ajar's + merged cfn-lint's.
 *   lintFilesWithCfnLint(files: {path, text}[], settings?, options?)
 *       -> { available: true, version, results: Map<path, CfnLintResult> } | { available: false, detection }
 *       one warm worker for a whole CLI run, disposed at the end.
 *
 * CfnDiag: { code: 'E3012', message, severity: 'error'|'warning'|'information',
 *            range: {start:{line,character}, end:{line,character}} (0-based, UTF-16, LSP),
 *            source: 'cfn-lint', href: rule documentation URL, description?, path? }
 *
 * The worker (worker.py, shipped as dist/cfnlint-worker.py) documents the wire protocol at its top.
 */
import { detectCfnLint, type CfnLintAvailability, type CfnLintSettings } from './availability';
import { CfnLintWorker, type CfnLintWorkerOptions } from './client';

export { CfnLintWorker, defaultWorkerPath } from './client';
export type { CfnLintWorkerOptions, CfnLintWorkerState } from './client';
export { detectCfnLint, INSTALL_HINT, interpretersOfScript, probeInterpreter, which } from './availability';
export type { CfnLintAvailability, CfnLintEnabled, CfnLintSettings, ProbeResult } from './availability';
export { mergeWithAjar, OVERLAPS, rangesOverlap } from './merge';
export type { AjarFindingLike, MergeOptions, Overlap, SamePlace } from './merge';
export { cfnRangeToLsp, LineTable, mapSeverity, matchesToDiagnostics, severityOfRuleId } from './positions';
export { encodeFrame, FrameDecoder } from './framing';
export { CFN_LINT_MAX_BYTES, tooLargeDiagnostic, tooLargeForCfnLint, utf8Bytes } from './size';
export { lintAjarThenCfnLint, lintFilesWithCfnLint } from './pipeline';
export type { CfnLintFile, LintBothArgs } from './pipeline';
export type {
  CfnDiag,
  CfnLintFailureReason,
  CfnLintLintOptions,
  CfnLintMatch,
  CfnLintResult,
  CfnLintVersionInfo,
} from './types';

/** Detects cfn-lint and, when available, makes a (not yet started) worker for it. */
export async function createCfnLint(
  settings: CfnLintSettings,
  workerOptions: Omit<CfnLintWorkerOptions, 'interpreter' | 'interpreterArgs'> = {},
): Promise<
  | { available: true; worker: CfnLintWorker; detection: Extract<CfnLintAvailability, { available: true }> }
  | { available: false; detection: Extract<CfnLintAvailability, { available: false }> }
> {
  const detection = await detectCfnLint(settings);
  if (!detection.available) return { available: false, detection };
  const worker = new CfnLintWorker({
    ...workerOptions,
    interpreter: detection.interpreter,
    interpreterArgs: detection.interpreterArgs,
  });
  return { available: true, worker, detection };
}
