/**
 * The open documents: for each, the version analysed, its analysis (kept for the most recently
 * used ones), what was published, and whether it is stale (settings, `.ajar.yaml` or cfn-lint
 * changed at the same version). Scheduling is `LatestVersionQueue`'s (newest version wins);
 * documents of WORKER_THRESHOLD characters or more are analysed on the worker thread, one
 * analysis in flight per document. cfn-lint's matches are published after Ajar's, never before.
 */
import type { Diagnostic } from 'vscode-languageserver';
import { parseConfig, mergeConfig, type LintResult } from '../engine';
import type { CfnLintBridge } from './cfnlintBridge';
import type { CfnLintProgress } from './cfnlintProgress';
import type { ConfigProblems } from './configProblems';
import { configProblemDiagnostics, isConfigFileName } from './configDiagnostics';
import { cfnToDiagnostic, countFindings, findingsToDiagnostics } from './diagnostics';
import { LatestVersionQueue } from './documents';
import type { FindingCounts } from './findingCounts';
import { WORKER_THRESHOLD, type LintWorkerClient, type RemoteAnalysis } from './lintWorker';
import type { Analyzer } from './analyzer';
import { isCdkSourceName, type TemplateObserver } from './cdk';
import { fileNameOf, mayBeRelevant, uriToPath } from './analyzer';
import type { DocumentSource, Publisher } from './publisher';
import type { SettingsStore } from './settingsStore';

/** Open documents whose full analysis is kept in memory (most recently used). */
export const RETAINED_ANALYSES = 24;

/**
 * A document that was readable and no longer parses (a key typed before its colon) keeps what was
 * published until the typing pauses this long (ms); then AJ000 and the rest are published. A
 * document that was never readable shows AJ000 at once.
 */
export const UNREADABLE_DELAY_MS = 400;

/** An unreadable document's AJ000 (a parse error or a bound), not a rule's internal error. */
function unreadable(analysis: { findings: { ruleId: string; severity: string }[] } | null): boolean {
  return !!analysis?.findings.some((f) => f.ruleId === 'AJ000' && f.severity === 'error');
}

export interface OpenState {
  version: number;
  /** The analysis of `version`; null when not relevant, or dropped to save memory (`evicted`). */
  result: LintResult | null;
  evicted?: boolean;
  /** The analysis of a large document, made on the worker thread (which holds its syntax tree). */
  remote: RemoteAnalysis | null;
  ajar: Diagnostic[];
  /** Whether something non-empty was published (an empty publish is only needed then). */
  published: boolean;
  /** What is published is of a readable version (no AJ000): a parse error waits for a pause. */
  shownReadable?: boolean;
}

/** The worker thread as the open documents use it. */
export type AnalysisWorker = Pick<LintWorkerClient, 'lint' | 'forget'>;
/** cfn-lint as the open documents use it. */
export type CfnLinter = Pick<CfnLintBridge, 'status' | 'lint' | 'forget'>;

export interface OpenDocumentsDeps {
  documents: DocumentSource;
  settings: SettingsStore;
  analyzer: Analyzer;
  configProblems: ConfigProblems;
  counts: FindingCounts;
  publisher: Publisher;
  worker: AnalysisWorker | null;
  cfn: CfnLinter;
  /** Progress shown while a cfn-lint run lasts more than a couple of seconds. */
  cfnProgress?: Pick<CfnLintProgress, 'track'>;
  /** The server is shutting down: nothing more is analysed or published. */
  shuttingDown: () => boolean;
  /** Files from disk whose findings are published (an open document replaces them). */
  publishedFromDisk: (uri: string) => boolean;
  /** Hears of every analysis published (CDK templates: their findings in the app's source). */
  templates?: TemplateObserver;
  /** Instead of UNREADABLE_DELAY_MS (tests; 0: AJ000 at once). */
  unreadableDelayMs?: number;
}

export class OpenDocuments {
  private readonly open = new Map<string, OpenState>();
  /** Open documents whose analysis must be redone at the same version. */
  private readonly stale = new Set<string>();
  private readonly queue: LatestVersionQueue;
  /** The most recently edited or consulted documents, whose analyses are kept. */
  private readonly retained = new Set<string>();
  /** Large documents: one analysis in flight per document on the worker; the newest version goes next. */
  private readonly remoteInFlight = new Set<string>();
  private readonly remoteAgain = new Set<string>();
  /** Unreadable versions of documents that were readable: published when typing pauses. */
  private readonly deferred = new Map<string, NodeJS.Timeout>();
  /** How long the last analysis took (ms), on either thread. */
  lastLintMs = 0;

  constructor(private readonly d: OpenDocumentsDeps) {
    this.queue = new LatestVersionQueue((uri) => {
      if (!d.settings.ready) return; // analysed when the first settings arrive (no flicker of default severities)
      const s = this.open.get(uri);
      // didOpen is analysed at once; the change event TextDocuments also fires for it finds it done.
      if (s && s.version === d.documents.get(uri)?.version && !this.stale.has(uri)) return;
      this.stale.delete(uri);
      this.lint(uri);
    });
  }

  /** Number of open documents known. */
  get size(): number {
    return this.open.size;
  }
  /** Open documents whose analysis is due on this thread (the workspace scan waits for them). */
  get queued(): number {
    return this.queue.size;
  }
  /** Analyses due on either thread, and unreadable versions waiting for typing to pause. */
  get pending(): number {
    return this.queue.size + this.remoteInFlight.size + this.deferred.size;
  }
  /** Resolves when no open document waits for analysis on this thread. */
  idle(): Promise<void> {
    return this.queue.idle();
  }
  /** Findings of the open documents' current analyses (for the workspace scan's answer). */
  findingCount(): number {
    let n = 0;
    for (const s of this.open.values()) n += (s.result ?? s.remote)?.findings.length ?? 0;
    return n;
  }
  /** The state as it is, without analysing (tests, stats). */
  peek(uri: string): OpenState | undefined {
    return this.open.get(uri);
  }

  /** didOpen: analysed at once (the first diagnostics should not wait behind anything). */
  opened(uri: string): void {
    this.queue.cancel(uri);
    if (!this.d.settings.ready) {
      this.open.set(uri, { version: -1, result: null, remote: null, ajar: [], published: false });
      return;
    }
    this.lint(uri);
  }

  /** didChangeContent: the newest version is analysed on a later turn. */
  changed(uri: string): void {
    this.queue.schedule(uri);
  }

  /** didClose: forgets the document; clears its diagnostics when something was published. */
  closed(uri: string): void {
    this.queue.cancel(uri);
    this.cancelDeferred(uri);
    this.stale.delete(uri);
    this.d.cfn.forget(uri);
    this.d.worker?.forget(uri);
    const s = this.open.get(uri);
    this.open.delete(uri);
    this.retained.delete(uri);
    this.d.counts.deleteOpen(uri);
    if (s?.published) this.d.publisher.diagnostics(uri, []);
  }

  /** Every open document is analysed again at its version (settings, `.ajar.yaml`, cfn-lint changed). */
  relintAll(): void {
    for (const uri of this.open.keys()) {
      this.stale.add(uri);
      this.queue.schedule(uri);
    }
  }

  /** The current analysis of an open document, computed now if a change is still pending. */
  current(uri: string): OpenState | undefined {
    const doc = this.d.documents.get(uri);
    if (!doc) return undefined;
    const s = this.open.get(uri);
    if (s?.remote || (this.d.worker && doc.getText().length >= WORKER_THRESHOLD)) {
      // Large documents are never analysed on this thread: answer from the current analysis if
      // there is one; a pending change is on its way through the worker.
      return s && s.version === doc.version ? s : undefined;
    }
    if (s && s.version === doc.version && !this.stale.has(uri)) {
      this.queue.cancel(uri);
      if (s.evicted) {
        // Same text, same settings: the same findings, in the same order (diagnostic data stays valid).
        s.result = this.d.analyzer.analyse(doc.getText(), fileNameOf(uri), uriToPath(uri));
        s.evicted = false;
      }
      if (s.result) this.retain(uri);
      return s;
    }
    this.queue.cancel(uri);
    this.stale.delete(uri);
    return this.lint(uri);
  }

  /** Analyses the document's current version now (or sends it to the worker) and publishes. */
  lint(uri: string): OpenState | undefined {
    const doc = this.d.documents.get(uri);
    if (!doc || this.d.shuttingDown()) return undefined;
    const version = doc.version;
    const file = uriToPath(uri);
    const fileName = fileNameOf(uri);
    const text = doc.getText();
    if (isConfigFileName(fileName)) return this.configDocument(uri, version, text, file);
    // a CDK app's source (lib/*.ts, app.py) is no template: its findings come from cdk.out (lsp/cdk.ts)
    const relevant =
      this.d.settings.settingsFor(file).enable && !isCdkSourceName(fileName) && mayBeRelevant(text, fileName);
    if (relevant && this.d.worker && text.length >= WORKER_THRESHOLD) {
      this.lintRemote(uri, version, text, file, fileName);
      return this.open.get(uri);
    }
    this.d.worker?.forget(uri); // it may hold the analysis of a larger version
    // The newest version is analysed now: a larger one still on the worker needs no analysis after it.
    this.remoteAgain.delete(uri);
    let result: LintResult | null = null;
    if (relevant) {
      const started = performance.now();
      result = this.d.analyzer.lint(text, fileName, this.d.analyzer.configFor(file));
      this.lastLintMs = performance.now() - started;
      if (this.d.settings.window.trace.server === 'verbose')
        this.d.publisher.log(`linted ${uri} v${version} in ${this.lastLintMs.toFixed(1)} ms`);
    }
    return this.publish(uri, version, text, file, result, null);
  }

  private configDocument(uri: string, version: number, text: string, file: string | null): OpenState {
    const prev = this.open.get(uri);
    const fromDisk = this.d.configProblems.take(uri);
    const state: OpenState = { version, result: null, remote: null, ajar: [], published: prev?.published || fromDisk };
    this.open.set(uri, state);
    const s = this.d.settings.settingsFor(file);
    if (s.enable) {
      const { config, problems } = parseConfig(text, file ?? undefined);
      const rules = mergeConfig(config, { rules: s.rules }).rules;
      state.ajar = configProblemDiagnostics(problems, rules, text.charCodeAt(0) === 0xfeff ? 1 : 0);
    }
    if (state.ajar.length || state.published) {
      this.d.publisher.diagnostics(uri, state.ajar, version);
      state.published = state.ajar.length > 0;
    }
    return state;
  }

  private lintRemote(uri: string, version: number, text: string, file: string | null, fileName: string): void {
    const worker = this.d.worker;
    if (!worker) return;
    if (this.remoteInFlight.has(uri)) {
      this.remoteAgain.add(uri);
      return;
    }
    this.remoteInFlight.add(uri);
    worker
      .lint(uri, version, text, fileName, this.d.analyzer.configFor(file))
      .then(
        (analysis) => {
          this.lastLintMs = analysis.ms;
          if (this.d.settings.window.trace.server === 'verbose')
            this.d.publisher.log(`linted ${uri} v${version} in ${analysis.ms.toFixed(1)} ms (worker)`);
          if (this.remoteAgain.has(uri) || this.d.documents.get(uri)?.version !== version || this.d.shuttingDown())
            return; // a newer one is coming
          this.publish(uri, version, text, file, null, analysis);
        },
        (e: Error) => this.d.publisher.log(`Ajar could not analyse ${uri}: ${e.message}`),
      )
      .finally(() => {
        this.remoteInFlight.delete(uri);
        if (this.remoteAgain.delete(uri) && this.d.documents.get(uri)) this.lint(uri);
      });
  }

  private publish(
    uri: string,
    version: number,
    text: string,
    file: string | null,
    result: LintResult | null,
    remote: RemoteAnalysis | null,
  ): OpenState {
    const prev = this.open.get(uri);
    const state: OpenState = {
      version,
      result,
      remote,
      ajar: [],
      published: prev?.published ?? this.d.publishedFromDisk(uri),
    };
    this.open.set(uri, state);
    const analysis = result ?? remote;
    if (result) this.retain(uri);
    this.cancelDeferred(uri);
    const delay = this.d.unreadableDelayMs ?? UNREADABLE_DELAY_MS;
    if (delay > 0 && prev?.shownReadable && unreadable(analysis)) {
      // Typing: what was published stays (the editor moves its ranges with the edits) until a pause.
      state.ajar = prev.ajar;
      state.shownReadable = true;
      const timer = setTimeout(() => {
        this.deferred.delete(uri);
        if (this.open.get(uri) !== state || this.d.documents.get(uri)?.version !== version || this.d.shuttingDown())
          return;
        this.show(uri, state, version, text, file);
      }, delay);
      this.deferred.set(uri, timer);
      return state;
    }
    return this.show(uri, state, version, text, file);
  }

  private cancelDeferred(uri: string): void {
    const t = this.deferred.get(uri);
    if (t) clearTimeout(t);
    this.deferred.delete(uri);
  }

  /** Publishes an analysis: Ajar's diagnostics and counts now, cfn-lint's after them. */
  private show(uri: string, state: OpenState, version: number, text: string, file: string | null): OpenState {
    const analysis = state.result ?? state.remote;
    state.shownReadable = !unreadable(analysis);
    state.ajar = analysis ? findingsToDiagnostics(analysis, version) : [];
    this.d.templates?.analysed(uri, analysis, state.ajar);
    this.d.counts.setOpen(uri, countFindings(analysis?.findings ?? []));
    if (state.ajar.length || state.published) {
      this.d.publisher.diagnostics(uri, state.ajar, version);
      state.published = state.ajar.length > 0;
    }
    this.d.counts.schedule();
    // cfn-lint after Ajar, never before; only for templates.
    const cfn = this.d.cfn;
    if (
      analysis &&
      cfn.status !== 'off' &&
      cfn.status !== 'unavailable' &&
      (analysis.kind === 'cloudformation' || analysis.kind === 'sam' || analysis.kind === 'cdk')
    ) {
      const run = cfn.lint(uri, version, text, analysis.findings, {
        filename: file ?? undefined,
        root: file ? this.d.settings.folderOf(file) : undefined,
        ignoreChecks: this.d.settings.window.cfnLint.ignoreChecks,
      });
      void (this.d.cfnProgress ? this.d.cfnProgress.track(uri, run) : run).then((extra) => {
        const now = this.open.get(uri);
        if (!extra || now !== state || this.d.documents.get(uri)?.version !== version || this.stale.has(uri)) return; // stale
        const all = [...state.ajar, ...extra.map(cfnToDiagnostic)];
        state.published = all.length > 0;
        this.d.publisher.diagnostics(uri, all, version);
        // The status bar counts what Problems shows: cfn-lint's too.
        this.d.counts.setOpenCfnLint(uri, countFindings(extra));
        this.d.counts.schedule();
      });
    }
    return state;
  }

  /**
   * The analyses (syntax tree, template model) of the most recently edited or consulted
   * documents are kept for instant hover and quick fixes; older ones are dropped and redone on
   * demand (their diagnostics stay published). 500 open templates would otherwise hold ~100 MB.
   */
  private retain(uri: string): void {
    this.retained.delete(uri);
    this.retained.add(uri);
    while (this.retained.size > RETAINED_ANALYSES) {
      const oldest = this.retained.values().next().value as string;
      this.retained.delete(oldest);
      const s = this.open.get(oldest);
      if (s?.result && !s.remote) {
        s.result = null;
        s.evicted = true;
      }
    }
  }
}
