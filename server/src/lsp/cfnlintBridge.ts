/**
 * cfn-lint beside Ajar in the language server. Ajar's diagnostics are published first and never
 * wait; cfn-lint's arrive later and are published merged with Ajar's (its duplicates of Ajar's
 * findings dropped), only if the document is still at the version they were computed for.
 *
 * Trust: cfn-lint runs a Python interpreter, so it is off unless the client says the workspace is
 * trusted (initializationOptions.trusted, or the `workspaceTrusted` the VS Code client adds to
 * the settings). Nothing is run from the workspace (detectCfnLint refuses interpreters inside it).
 */
import { createCfnLint, mergeWithAjar, type CfnDiag, type CfnLintWorker } from '../cfnlint';
import { type Finding, parametersReferenced } from '../engine';
import type { AjarSettings } from './settings';

export interface CfnLintLog {
  info(message: string): void;
  /** A one-time notice the user should see (window/showMessage Information). */
  notify(message: string): void;
}

export type CfnLintStatus = 'off' | 'detecting' | 'ready' | 'unavailable';

export class CfnLintBridge {
  private worker: CfnLintWorker | null = null;
  private _status: CfnLintStatus = 'off';
  private configKey = '';
  private detecting: Promise<void> | null = null;
  private noticeShown = false;
  private generation = 0;
  /** Documents told they are too large for cfn-lint (told once, until they shrink or close). */
  private readonly tooLargeTold = new Set<string>();

  constructor(private readonly log: CfnLintLog) {}

  get status(): CfnLintStatus {
    return this._status;
  }
  get pid(): number | undefined {
    return this.worker?.pid;
  }

  /** (Re)configures from settings; detection runs in the background. */
  configure(settings: AjarSettings, trusted: boolean, workspaceFolders: string[]): Promise<void> {
    const key = JSON.stringify([settings.cfnLint.enabled, settings.cfnLint.path, trusted, workspaceFolders]);
    if (key === this.configKey && this.detecting) return this.detecting;
    this.configKey = key;
    const gen = ++this.generation;
    const old = this.worker;
    this.worker = null;
    if (old) void old.dispose();
    if (settings.cfnLint.enabled === 'off') {
      this._status = 'off';
      this.detecting = Promise.resolve();
      return this.detecting;
    }
    if (!trusted) {
      this._status = 'off';
      this.log.info('cfn-lint is off: the workspace is not trusted (the client did not say it is).');
      this.detecting = Promise.resolve();
      return this.detecting;
    }
    this._status = 'detecting';
    this.detecting = (async () => {
      const found = await createCfnLint(
        { enabled: settings.cfnLint.enabled, path: settings.cfnLint.path, workspaceTrusted: trusted, workspaceFolders },
        { requestTimeoutMs: 30_000 },
      ).catch((e: unknown) => ({
        available: false as const,
        detection: { reason: 'not-found', message: String(e), installHint: '' },
      }));
      if (gen !== this.generation) {
        if (found.available) void found.worker.dispose();
        return;
      }
      if (!found.available) {
        this._status = 'unavailable';
        const d = found.detection;
        const text = `cfn-lint is not available (${d.message}) ${d.installHint}`.trim();
        // What was looked at, in the log only (the notice stays one sentence).
        const tried = 'tried' in d && d.tried.length ? d.tried : [];
        this.log.info(
          `cfn-lint detection: ${d.reason}${tried.length ? `; tried ${tried.join('; ')}` : '; nothing to try'}`,
        );
        if (d.reason === 'disabled' || d.reason === 'restricted') this.log.info(text);
        else if (!this.noticeShown) {
          this.noticeShown = true;
          if (settings.cfnLint.enabled === 'on') this.log.notify(`Ajar: ${text}`);
          else this.log.info(text);
        }
        return;
      }
      this.worker = found.worker;
      this.worker.on('log', (m: unknown) => this.log.info(`cfn-lint: ${String(m)}`));
      this._status = 'ready';
      this.log.info(
        `cfn-lint ${found.detection.version} (Python ${found.detection.python}, ${found.detection.interpreter}) will lint templates after Ajar.`,
      );
      void this.worker.start();
    })();
    return this.detecting;
  }

  /** Waits for detection (tests, benchmark). */
  ready(): Promise<void> {
    return this.detecting ?? Promise.resolve();
  }

  /**
   * Asks cfn-lint about `text` (document `uri` at `version`); resolves with its diagnostics less
   * the ones duplicating Ajar's findings, or null (off, superseded, failed, not a template).
   */
  async lint(
    uri: string,
    version: number,
    text: string,
    ajarFindings: readonly Finding[],
    options: { filename?: string; root?: string; ignoreChecks: string[] },
  ): Promise<CfnDiag[] | null> {
    if (this.detecting) await this.detecting;
    const worker = this.worker;
    if (!worker) return null;
    const r = await worker.lint(uri, version, text, {
      filename: options.filename,
      root: options.root,
      ignoreChecks: options.ignoreChecks,
    });
    if (r.status === 'failed') {
      if (r.reason !== 'disposed') this.log.info(`cfn-lint failed on ${uri}: ${r.message}`);
      return null;
    }
    if (r.status !== 'ok') return null;
    if (r.skipped === 'too-large') {
      if (!this.tooLargeTold.has(uri)) this.log.info(`${uri}: ${r.diagnostics[0]?.message}`);
      this.tooLargeTold.add(uri);
    } else this.tooLargeTold.delete(uri);
    for (const n of r.notices) this.log.info(`cfn-lint: ${n}`);
    return mergeWithAjar(ajarFindings, r.diagnostics, {
      parametersOf: parametersReferenced(text, options.filename ?? uri),
    });
  }

  forget(uri: string): void {
    this.tooLargeTold.delete(uri);
    this.worker?.forget(uri);
  }

  async dispose(): Promise<void> {
    this.generation++;
    const w = this.worker;
    this.worker = null;
    if (w) await w.dispose();
  }
}
