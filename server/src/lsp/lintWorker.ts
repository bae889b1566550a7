/**
 * Large documents are analysed on a worker thread, so that a 1 MB template being re-analysed
 * never holds up requests (hover, quick fixes, other documents' changes) on the main thread.
 * The worker runs the same bundle (dist/server.js) with `workerData.ajarLintWorker`; it keeps the
 * last analysis per document and answers quick-fix and navigation requests from it. Small documents stay on the
 * main thread: they take a few milliseconds and a second V8 isolate costs memory.
 *
 * An isolate keeps the heap its largest analysis grew (a hostile 8 MB paste: 60-220 MB) after the
 * document is gone, so an idle worker is stopped and started again on the next large document:
 * RELEASE_EMPTY_MS after it holds no document's analysis any more, RELEASE_IDLE_MS after its last
 * request while it still does (a quick-fix request then redoes the analysis first).
 */
import { Worker, parentPort, workerData, isMainThread } from 'node:worker_threads';
import {
  lintText,
  navigationOf,
  type AjarConfig,
  type DocumentKind,
  type Finding,
  type LintResult,
  type NavigationResult,
} from '../engine';
import { lspFixes, type LspFix } from './fixEdits';
import { answerNavigation, type NavigationAnswer, type NavigationQuery } from './navigation';

/** Documents at least this long (UTF-16 units) are analysed on the worker. */
export const WORKER_THRESHOLD = 200_000;

/** The worker holds no analysis: stop it after this long without a request (ms). */
export const RELEASE_EMPTY_MS = 2_000;
/** The worker holds analyses of open documents: stop it after this long without a request (ms). */
export const RELEASE_IDLE_MS = Number(process.env.AJAR_LINT_WORKER_IDLE_MS) || 60_000;

export interface RemoteAnalysis {
  kind: DocumentKind;
  findings: Finding[];
  bomLength: number;
  /** Duration of lintText in the worker, ms. */
  ms: number;
}

export interface RemoteFix {
  index: number;
  fixes: LspFix[];
}

type LintRequest = { type: 'lint'; uri: string; version: number; text: string; fileName: string; config: AjarConfig };
type FixesRequest = { type: 'fixes'; uri: string; version: number; indices: number[] };
/** Outline, definition or references, answered from the analysis the worker holds (null: it holds another version). */
type NavigateRequest = { type: 'navigate'; uri: string; version: number; query: NavigationQuery };
type Request = ((LintRequest | FixesRequest | NavigateRequest) & { id: number }) | { type: 'forget'; uri: string };

type Response = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

export function isLintWorker(): boolean {
  return !isMainThread && !!(workerData as { ajarLintWorker?: boolean } | null)?.ajarLintWorker;
}

/** The worker side: analyses and keeps the last result per document. */
export function runLintWorker(): void {
  const results = new Map<
    string,
    { version: number; result: LintResult; nav?: NavigationResult; outline?: NavigationAnswer }
  >();
  parentPort!.on('message', (m: Request) => {
    if (m.type === 'forget') {
      results.delete(m.uri);
      return;
    }
    let reply: Response;
    try {
      if (m.type === 'lint') {
        const started = performance.now();
        const result = lintText(m.text, { fileName: m.fileName, config: m.config });
        const ms = performance.now() - started;
        results.set(m.uri, { version: m.version, result });
        const value: RemoteAnalysis = { kind: result.kind, findings: result.findings, bomLength: result.bomLength, ms };
        reply = { id: m.id, ok: true, value };
      } else if (m.type === 'navigate') {
        const held = results.get(m.uri);
        let value: { answer: NavigationAnswer } | null = null;
        if (held && held.version === m.version) {
          held.nav ??= navigationOf(held.result);
          // The outline is asked after every change (outline view, breadcrumbs): made once per version.
          const answer =
            m.query.what === 'outline'
              ? (held.outline ??= answerNavigation(held.nav, m.query))
              : answerNavigation(held.nav, m.query);
          value = { answer };
        }
        reply = { id: m.id, ok: true, value };
      } else {
        const held = results.get(m.uri);
        const value: RemoteFix[] = [];
        if (held && held.version === m.version) {
          for (const i of m.indices) {
            const f = held.result.findings[i];
            if (!f) continue;
            value.push({ index: i, fixes: lspFixes(held.result, f) });
          }
        }
        reply = { id: m.id, ok: true, value };
      }
    } catch (e) {
      reply = { id: m.id, ok: false, error: (e as Error).stack ?? String(e) };
    }
    parentPort!.postMessage(reply);
  });
}

/** The main-thread side: one worker, started on the first large document and stopped when idle. */
export class LintWorkerClient {
  private worker: Worker | null = null;
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  /** The version of each document whose analysis the running worker holds. */
  private readonly held = new Map<string, number>();
  /** The last analysis asked for, per document: redone when a quick fix needs it after a restart. */
  private readonly last = new Map<string, LintRequest>();
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly script: string,
    private readonly log: (m: string) => void,
  ) {}

  get running(): boolean {
    return this.worker !== null;
  }

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(this.script, { workerData: { ajarLintWorker: true }, argv: [], execArgv: [] });
    w.unref();
    w.on('message', (r: Response) => {
      const p = this.pending.get(r.id);
      if (!p) return;
      this.pending.delete(r.id);
      if (r.ok) p.resolve(r.value);
      else p.reject(new Error(r.error));
      if (this.pending.size === 0) this.armRelease();
    });
    const fail = (why: string) => {
      if (this.worker !== w) return; // stopped on purpose
      this.worker = null;
      this.held.clear();
      this.log(`Ajar analysis worker stopped (${why}); it restarts on the next large document`);
      for (const p of this.pending.values()) p.reject(new Error(why));
      this.pending.clear();
    };
    w.on('error', (e) => fail(e.message));
    w.on('exit', (code) => fail(`exit code ${code}`));
    this.worker = w;
    return w;
  }

  private armRelease(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (!this.worker) return;
    const ms = this.held.size ? RELEASE_IDLE_MS : RELEASE_EMPTY_MS;
    this.idleTimer = setTimeout(() => this.release(), ms);
    this.idleTimer.unref();
  }

  /** Stops an idle worker: the memory of its isolate goes back to the system. */
  private release(): void {
    this.idleTimer = null;
    const w = this.worker;
    if (!w || this.pending.size) return;
    this.worker = null;
    this.held.clear();
    void w.terminate();
  }

  private call<T>(msg: LintRequest | FixesRequest | NavigateRequest): Promise<T> {
    const w = this.ensure();
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    const id = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      w.postMessage({ ...msg, id });
    });
  }

  async lint(
    uri: string,
    version: number,
    text: string,
    fileName: string,
    config: AjarConfig,
  ): Promise<RemoteAnalysis> {
    const req: LintRequest = { type: 'lint', uri, version, text, fileName, config };
    this.last.set(uri, req);
    const value = await this.call<RemoteAnalysis>(req);
    // Unless the document was forgotten meanwhile (closed, or now small enough for the main thread).
    if (this.last.get(uri) === req && this.worker) this.held.set(uri, version);
    return value;
  }

  async fixes(uri: string, version: number, indices: number[]): Promise<RemoteFix[]> {
    const req = this.last.get(uri);
    if (this.held.get(uri) !== version && req?.version === version) {
      // The worker was stopped (idle) or restarted since: analyse again, then answer.
      await this.call<RemoteAnalysis>(req);
      if (this.worker) this.held.set(uri, version);
    }
    return this.call<RemoteFix[]>({ type: 'fixes', uri, version, indices });
  }

  /**
   * The outline, a definition or references of a large document, from the worker's analysis of
   * `version` (redone first if the worker was stopped since); null when it has no such analysis.
   */
  async navigate(uri: string, version: number, query: NavigationQuery): Promise<{ answer: NavigationAnswer } | null> {
    const req = this.last.get(uri);
    if (this.held.get(uri) !== version) {
      if (req?.version !== version) return null;
      await this.call<RemoteAnalysis>(req);
      if (this.worker) this.held.set(uri, version);
    }
    return this.call<{ answer: NavigationAnswer } | null>({ type: 'navigate', uri, version, query });
  }

  /** The document was closed or is analysed on the main thread now. */
  forget(uri: string): void {
    const had = this.last.delete(uri);
    if (!(this.held.delete(uri) || had) || !this.worker) return;
    this.worker.postMessage({ type: 'forget', uri } satisfies Request);
    if (this.pending.size === 0) this.armRelease();
  }

  async dispose(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    const w = this.worker;
    this.worker = null;
    this.held.clear();
    this.last.clear();
    if (w) await w.terminate();
  }
}
