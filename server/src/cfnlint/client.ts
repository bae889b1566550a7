/**
 * CfnLintWorker: one long-lived Python process (worker.py) that keeps cfn-lint imported and answers
 * lint requests over stdin/stdout. Pure Node: no `vscode` import, usable by the language server
 * and the CLI alike.
 *
 * - Started lazily, on the first lint(); warm-up happens in the worker before its `ready` event.
 * - One request in flight at a time (the worker is single-threaded). Per uri, a newer lint()
 *   supersedes an older one: a queued one is dropped, an in-flight one has its answer discarded.
 *   Superseded calls resolve at once with { status: 'superseded' }.
 * - A request that takes longer than its timeout (requestTimeoutMs + timeoutMsPerKB per KB: cfn-lint's
 *   own analysis grows with the template) is answered { status: 'failed', reason: 'timeout' } and
 *   the worker is killed and restarted at once (a runaway lint must not hold the queue).
 * - A superseded request still running after cancelStaleAfterMs is cancelled the same way: on a
 *   large template a restart is cheaper than finishing a lint nobody will see.
 * - If the worker dies, it is restarted with exponential backoff; the request it was working on is
 *   retried once on the new worker (a template that kills the worker twice fails 'crashed').
 *   After `maxConsecutiveFailures` failures with no success between them the worker is 'broken':
 *   lint() answers 'unavailable' until reset().
 * - dispose() asks the worker to shut down and kills it if it does not. The worker also exits by
 *   itself when its stdin closes, so it never outlives the process that started it.
 * - The child is spawned with `detached: false`, its working directory is the worker's own folder
 *   (never a workspace), and it runs exactly the interpreter it was given.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { encodeFrame, FrameDecoder } from './framing';
import { matchesToDiagnostics } from './positions';
import { tooLargeDiagnostic, tooLargeForCfnLint } from './size';
import type {
  CfnLintFailureReason,
  CfnLintLintOptions,
  CfnLintMatch,
  CfnLintResult,
  CfnLintVersionInfo,
} from './types';

export interface CfnLintWorkerOptions {
  /** The Python interpreter that can import cfnlint (see detectCfnLint). */
  interpreter: string;
  /** Extra interpreter arguments placed before the worker script (e.g. ['-3'] for the Windows `py` launcher). */
  interpreterArgs?: string[];
  /** worker.py; default: defaultWorkerPath(). */
  workerPath?: string;
  /**
   * Per-request timeout, ms (default 15000), plus `timeoutMsPerKB` for each KB of template: cfn-lint's
   * analysis grows faster than the template (bench/cfnlint.mjs, cfn-lint 1.51: about 2 s of CPU for
   * 50 KB, 130 s for 1 MB, and several times that in wall time on a busy machine).
   */
  requestTimeoutMs?: number;
  /** Added to the timeout per KB of template text (default 400: 1 MB allows about 7 minutes). */
  timeoutMsPerKB?: number;
  /**
   * A superseded request still running after this long (ms, default 4000) is cancelled by
   * restarting the worker: on a large template, a restart (~2 s) is cheaper than finishing a stale
   * lint. Restarts for this reason or for a timeout do not count as failures.
   */
  cancelStaleAfterMs?: number;
  /** Time allowed from spawn to the worker's `ready` (import + warm-up), ms (default 60000). */
  startupTimeoutMs?: number;
  /** First restart delay, ms (default 250); doubles per consecutive failure. */
  backoffInitialMs?: number;
  /** Longest restart delay, ms (default 30000). */
  backoffMaxMs?: number;
  /** Consecutive failures (crash, timeout, failed start) before giving up (default 6). */
  maxConsecutiveFailures?: number;
  /** Extra environment for the worker (merged over process.env). */
  env?: NodeJS.ProcessEnv;
}

export type CfnLintWorkerState = 'idle' | 'starting' | 'ready' | 'backoff' | 'broken' | 'disposed';

interface Job {
  uri: string;
  version: number;
  text: string;
  options: CfnLintLintOptions;
  resolve: (r: CfnLintResult) => void;
  settled: boolean;
  attempts: number;
  queuedAt: number;
  sentAt?: number;
  id?: number;
  timer?: NodeJS.Timeout;
  cancelTimer?: NodeJS.Timeout;
}

/** Where worker.py is: beside the bundle (dist/cfnlint-worker.py) or beside this source file. */
export function defaultWorkerPath(): string {
  const dirs: string[] = [];
  if (typeof __dirname !== 'undefined') dirs.push(__dirname);
  const candidates = [
    ...dirs.map((d) => path.join(d, 'cfnlint-worker.py')),
    ...dirs.map((d) => path.join(d, 'worker.py')),
    ...dirs.map((d) => path.join(d, '..', 'server', 'src', 'cfnlint', 'worker.py')),
    path.join(process.cwd(), 'server', 'src', 'cfnlint', 'worker.py'),
    path.join(process.cwd(), 'dist', 'cfnlint-worker.py'),
  ];
  for (const c of candidates) if (existsSync(c)) return c;
  return candidates[0] ?? 'cfnlint-worker.py';
}

const STDERR_KEEP = 8192;

export class CfnLintWorker extends EventEmitter {
  readonly interpreter: string;
  readonly workerPath: string;
  private readonly opts: Required<Omit<CfnLintWorkerOptions, 'env' | 'workerPath' | 'interpreter'>> & {
    env?: NodeJS.ProcessEnv;
  };

  private proc: ChildProcess | null = null;
  private ready = false;
  private _state: CfnLintWorkerState = 'idle';
  private decoder = new FrameDecoder();
  private readonly queue = new Map<string, Job>();
  private inflight: Job | null = null;
  private readonly latest = new Map<string, number>();
  private seq = 0;
  private failures = 0;
  private nextStartAt = 0;
  private startTimer: NodeJS.Timeout | null = null;
  private startupTimer: NodeJS.Timeout | null = null;
  private expectedExit = new WeakSet<ChildProcess>();
  private stderrTail = '';
  private lastError = '';
  private info: CfnLintVersionInfo | null = null;
  private readyWaiters: Array<(info: CfnLintVersionInfo | null) => void> = [];
  private _restarts = 0;

  constructor(options: CfnLintWorkerOptions) {
    super();
    this.interpreter = options.interpreter;
    this.workerPath = options.workerPath ?? defaultWorkerPath();
    this.opts = {
      interpreterArgs: options.interpreterArgs ?? [],
      requestTimeoutMs: options.requestTimeoutMs ?? 15_000,
      timeoutMsPerKB: options.timeoutMsPerKB ?? 400,
      cancelStaleAfterMs: options.cancelStaleAfterMs ?? 4000,
      startupTimeoutMs: options.startupTimeoutMs ?? 60_000,
      backoffInitialMs: options.backoffInitialMs ?? 250,
      backoffMaxMs: options.backoffMaxMs ?? 30_000,
      maxConsecutiveFailures: options.maxConsecutiveFailures ?? 6,
      env: options.env,
    };
  }

  get state(): CfnLintWorkerState {
    return this._state;
  }
  /** The worker's process id while it runs. */
  get pid(): number | undefined {
    return this.proc?.pid ?? undefined;
  }
  /** How many times the worker was (re)spawned after the first start. */
  get restarts(): number {
    return this._restarts;
  }
  /** cfn-lint and Python versions, once the worker has been ready. */
  get versionInfo(): CfnLintVersionInfo | null {
    return this.info;
  }

  /**
   * Lints `text` (the document `uri` at `version`) with cfn-lint. Never rejects: the result says
   * ok, superseded (a newer version of the same uri came in) or failed (with the reason).
   */
  lint(uri: string, version: number, text: string, options: CfnLintLintOptions = {}): Promise<CfnLintResult> {
    if (this._state === 'disposed')
      return Promise.resolve(failed(uri, version, 'disposed', 'cfn-lint worker disposed'));
    if (this._state === 'broken')
      return Promise.resolve(failed(uri, version, 'unavailable', `cfn-lint worker stopped: ${this.lastError}`));
    const latest = this.latest.get(uri);
    if (latest !== undefined && version < latest) return Promise.resolve({ status: 'superseded', uri, version });
    this.latest.set(uri, version);
    const tooLarge = tooLargeForCfnLint(text);
    if (tooLarge) {
      // Not started at all (see size.ts); an older version's lint of this uri is superseded.
      this.forgetPending(uri);
      return Promise.resolve({
        status: 'ok',
        uri,
        version,
        diagnostics: [tooLargeDiagnostic(text, tooLarge)],
        notices: [],
        configFile: null,
        workerMs: 0,
        workerCpuMs: 0,
        elapsedMs: 0,
        skipped: 'too-large',
      });
    }

    return new Promise<CfnLintResult>((resolve) => {
      const job: Job = { uri, version, text, options, resolve, settled: false, attempts: 0, queuedAt: Date.now() };
      const queued = this.queue.get(uri);
      if (queued) settle(queued, { status: 'superseded', uri, version: queued.version });
      if (this.inflight && this.inflight.uri === uri) {
        settle(this.inflight, { status: 'superseded', uri, version: this.inflight.version });
        this.cancelStaleInflight();
      }
      this.queue.set(uri, job); // replacing keeps the uri's place in line
      this.pump();
    });
  }

  /** Forgets a closed document (its pending lint is dropped). */
  forget(uri: string): void {
    this.forgetPending(uri);
    this.latest.delete(uri);
  }

  /** Settles the uri's queued and in-flight lints as superseded. */
  private forgetPending(uri: string): void {
    const queued = this.queue.get(uri);
    if (queued) {
      this.queue.delete(uri);
      settle(queued, { status: 'superseded', uri, version: queued.version });
    }
    if (this.inflight?.uri === uri) {
      settle(this.inflight, { status: 'superseded', uri, version: this.inflight.version });
      this.cancelStaleInflight();
    }
  }

  /** Starts the worker now (instead of on the first lint) and waits until it is ready. */
  async start(): Promise<CfnLintVersionInfo | null> {
    if (this._state === 'disposed' || this._state === 'broken') return null;
    if (this.ready && this.info) return this.info;
    const p = new Promise<CfnLintVersionInfo | null>((r) => this.readyWaiters.push(r));
    this.ensureStarted();
    return p;
  }

  /** Leaves the 'broken' state (e.g. after the user changed the interpreter setting). */
  reset(): void {
    if (this._state !== 'broken') return;
    this.failures = 0;
    this.nextStartAt = 0;
    this._state = 'idle';
  }

  /** Shuts the worker down; pending lints resolve 'disposed'. */
  async dispose(): Promise<void> {
    if (this._state === 'disposed') return;
    this._state = 'disposed';
    this.clearTimers();
    for (const job of this.queue.values())
      settle(job, failed(job.uri, job.version, 'disposed', 'cfn-lint worker disposed'));
    this.queue.clear();
    if (this.inflight) {
      clearJobTimers(this.inflight);
      settle(this.inflight, failed(this.inflight.uri, this.inflight.version, 'disposed', 'cfn-lint worker disposed'));
      this.inflight = null;
    }
    this.wakeReadyWaiters(null);
    const proc = this.proc;
    if (!proc) return;
    this.expectedExit.add(proc);
    for (const h of [proc, proc.stdin, proc.stdout, proc.stderr] as Array<{ ref?: () => void } | null>) h?.ref?.();
    await new Promise<void>((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
      const kill = setTimeout(() => proc.kill('SIGKILL'), 2000);
      proc.once('close', () => {
        clearTimeout(kill);
        resolve();
      });
      try {
        proc.stdin?.write(encodeFrame({ id: ++this.seq, method: 'shutdown' }));
        proc.stdin?.end();
      } catch {
        proc.kill('SIGKILL');
      }
    });
    this.proc = null;
  }

  // ------------------------------------------------------------------------------- internals

  private pump(): void {
    if (this.inflight || this._state === 'disposed' || this._state === 'broken') return;
    if (this.queue.size === 0) {
      // start() callers wait for a worker even with nothing to lint (e.g. after a crash at start-up).
      if (this.readyWaiters.length > 0 && !this.ready) this.ensureStarted();
      else this.setRef(false);
      return;
    }
    if (!this.proc || !this.ready) {
      this.ensureStarted();
      return;
    }
    const [uri, job] = this.queue.entries().next().value as [string, Job];
    this.queue.delete(uri);
    if (job.settled) {
      this.pump();
      return;
    }
    this.send(job);
  }

  private send(job: Job): void {
    const proc = this.proc!;
    job.id = ++this.seq;
    job.attempts++;
    this.inflight = job;
    this.setRef(true);
    const { timeoutMs, ...params } = job.options;
    const timeout = timeoutMs ?? this.timeoutFor(job.text);
    job.sentAt = Date.now();
    job.timer = setTimeout(() => this.onTimeout(job, timeout), timeout);
    try {
      proc.stdin!.write(encodeFrame({ id: job.id, method: 'lint', params: { ...params, text: job.text } }));
    } catch {
      // The close handler deals with a worker that is gone.
    }
  }

  /** The default timeout for a template: requestTimeoutMs + timeoutMsPerKB per KB. */
  timeoutFor(text: string): number {
    return Math.round(this.opts.requestTimeoutMs + (Buffer.byteLength(text, 'utf8') / 1024) * this.opts.timeoutMsPerKB);
  }

  private onTimeout(job: Job, timeout: number): void {
    if (this.inflight !== job) return;
    this.inflight = null;
    clearJobTimers(job);
    settle(job, failed(job.uri, job.version, 'timeout', `cfn-lint took longer than ${timeout} ms; worker restarted`));
    this.lastError = `request timed out after ${timeout} ms`;
    // Not a failure of the worker (the template is just slow): restart at once, no backoff.
    this.killWorker();
    this.emit('cancel', { uri: job.uri, version: job.version, reason: 'timeout' });
    this.pump();
  }

  /** Cancels a superseded in-flight lint that has run (or once it has run) cancelStaleAfterMs. */
  private cancelStaleInflight(): void {
    const job = this.inflight;
    if (!job?.settled || job.cancelTimer) return;
    const wait = this.opts.cancelStaleAfterMs - (Date.now() - (job.sentAt ?? Date.now()));
    if (wait > 0) {
      job.cancelTimer = setTimeout(() => {
        job.cancelTimer = undefined;
        if (this.inflight === job) this.cancelStaleInflight();
      }, wait);
      return;
    }
    clearJobTimers(job);
    this.inflight = null;
    this.killWorker();
    this.emit('cancel', { uri: job.uri, version: job.version, reason: 'superseded' });
    this.pump();
  }

  private ensureStarted(): void {
    if (this.proc || this.startTimer || this._state === 'disposed' || this._state === 'broken') return;
    const delay = Math.max(0, this.nextStartAt - Date.now());
    if (delay > 0) {
      this._state = 'backoff';
      this.emit('restart', { delayMs: delay, failures: this.failures });
      this.startTimer = setTimeout(() => {
        this.startTimer = null;
        this.spawnWorker();
      }, delay);
      return;
    }
    this.spawnWorker();
  }

  private spawnWorker(): void {
    if (this.proc || this._state === 'disposed' || this._state === 'broken') return;
    if (this.info || this.failures > 0) this._restarts++;
    this._state = 'starting';
    this.ready = false;
    this.decoder = new FrameDecoder();
    this.stderrTail = '';
    let proc: ChildProcess;
    try {
      proc = spawn(this.interpreter, [...this.opts.interpreterArgs, this.workerPath], {
        cwd: path.dirname(this.workerPath),
        detached: false,
        stdio: ['pipe', 'pipe', 'pipe'],
        windowsHide: true,
        env: {
          ...process.env,
          ...this.opts.env,
          PYTHONIOENCODING: 'utf-8',
          PYTHONDONTWRITEBYTECODE: '1',
          PYTHONUNBUFFERED: '1',
        },
      });
    } catch (e) {
      this.lastError = `could not start ${this.interpreter}: ${(e as Error).message}`;
      this.recordFailure();
      this.pump();
      return;
    }
    this.proc = proc;
    this.setRef(true);
    this.startupTimer = setTimeout(() => {
      this.startupTimer = null;
      if (this.proc !== proc || this.ready) return;
      this.lastError = `cfn-lint worker not ready after ${this.opts.startupTimeoutMs} ms`;
      this.killWorker();
      this.recordFailure();
      this.pump();
    }, this.opts.startupTimeoutMs);

    proc.stdout!.on('data', (chunk: Buffer) => {
      if (this.proc !== proc) return;
      let messages: unknown[];
      try {
        messages = this.decoder.push(chunk);
      } catch (e) {
        this.lastError = (e as Error).message;
        this.emit('log', this.lastError);
        this.killWorker();
        return;
      }
      for (const m of messages) this.onMessage(m as WorkerMessage);
    });
    proc.stderr!.on('data', (chunk: Buffer) => {
      const s = chunk.toString('utf8');
      this.stderrTail = (this.stderrTail + s).slice(-STDERR_KEEP);
      this.emit('log', s);
    });
    proc.stdin!.on('error', () => {
      /* EPIPE when the worker died: handled on close */
    });
    let gone = false;
    const onGone = (code: number | null, signal: NodeJS.Signals | null, err?: Error) => {
      if (gone) return;
      gone = true;
      this.onWorkerGone(proc, code, signal, err);
    };
    proc.on('error', (err) => onGone(null, null, err));
    proc.on('close', (code, signal) => onGone(code, signal));
  }

  private onMessage(msg: WorkerMessage): void {
    if (msg.event === 'ready') {
      this.ready = true;
      this._state = 'ready';
      if (this.startupTimer) clearTimeout(this.startupTimer);
      this.startupTimer = null;
      this.info = { version: String(msg.version), python: String(msg.python), executable: String(msg.executable) };
      this.emit('ready', { ...this.info, warmupMs: msg.warmupMs });
      this.wakeReadyWaiters(this.info);
      this.pump();
      return;
    }
    const job = this.inflight;
    if (!job || msg.id !== job.id) return; // an answer to a request we gave up on
    clearJobTimers(job);
    this.inflight = null;
    this.failures = 0;
    if (msg.error) {
      settle(job, failed(job.uri, job.version, 'error', String(msg.error.message ?? 'cfn-lint worker error')));
    } else if (!job.settled) {
      const r = msg.result ?? {};
      let diagnostics: ReturnType<typeof matchesToDiagnostics>;
      try {
        diagnostics = matchesToDiagnostics(job.text, (r.matches ?? []) as CfnLintMatch[]);
      } catch (e) {
        settle(job, failed(job.uri, job.version, 'error', `bad answer from cfn-lint worker: ${(e as Error).message}`));
        this.pump();
        return;
      }
      settle(job, {
        status: 'ok',
        uri: job.uri,
        version: job.version,
        diagnostics,
        notices: Array.isArray(r.notices) ? r.notices.map(String) : [],
        configFile: typeof r.config === 'string' ? r.config : null,
        workerMs: typeof r.ms === 'number' ? r.ms : 0,
        workerCpuMs: typeof r.cpuMs === 'number' ? r.cpuMs : 0,
        elapsedMs: Date.now() - job.queuedAt,
      });
    }
    this.pump();
  }

  private onWorkerGone(proc: ChildProcess, code: number | null, signal: NodeJS.Signals | null, err?: Error): void {
    const expected = this.expectedExit.has(proc);
    if (this.proc === proc) {
      this.proc = null;
      this.ready = false;
      if (this.startupTimer) clearTimeout(this.startupTimer);
      this.startupTimer = null;
    }
    this.emit('exit', { code, signal, expected, error: err?.message });
    if (this._state === 'disposed' || expected) return;

    const tail = this.stderrTail.trim().split('\n').slice(-3).join(' | ');
    this.lastError = err
      ? `could not start ${this.interpreter}: ${err.message}`
      : `cfn-lint worker exited (${signal ?? `code ${code}`})${tail ? `: ${tail}` : ''}`;
    const job = this.inflight;
    this.inflight = null;
    if (job) {
      clearJobTimers(job);
      if (!job.settled && job.attempts < 2) {
        // Retry once on the next worker, ahead of the rest of the queue, unless a newer version came in.
        if (!this.queue.has(job.uri)) {
          const rest = [...this.queue.entries()];
          this.queue.clear();
          this.queue.set(job.uri, job);
          for (const [k, v] of rest) this.queue.set(k, v);
        } else settle(job, { status: 'superseded', uri: job.uri, version: job.version });
      } else {
        settle(job, failed(job.uri, job.version, 'crashed', this.lastError));
      }
    }
    this.recordFailure();
    this.pump();
  }

  private recordFailure(): void {
    this.failures++;
    if (this.failures >= this.opts.maxConsecutiveFailures) {
      this._state = 'broken';
      this.emit('broken', this.lastError);
      for (const job of this.queue.values())
        settle(job, failed(job.uri, job.version, 'unavailable', `cfn-lint worker stopped: ${this.lastError}`));
      this.queue.clear();
      this.wakeReadyWaiters(null);
      this.setRef(false);
      return;
    }
    const delay = Math.min(this.opts.backoffInitialMs * 2 ** (this.failures - 1), this.opts.backoffMaxMs);
    this.nextStartAt = Date.now() + delay;
    if (!this.proc) this._state = 'idle';
  }

  private killWorker(): void {
    const proc = this.proc;
    if (!proc) return;
    this.expectedExit.add(proc);
    this.proc = null;
    this.ready = false;
    if (this.startupTimer) clearTimeout(this.startupTimer);
    this.startupTimer = null;
    this._state = 'idle';
    proc.kill('SIGKILL');
  }

  private clearTimers(): void {
    if (this.startTimer) clearTimeout(this.startTimer);
    if (this.startupTimer) clearTimeout(this.startupTimer);
    this.startTimer = null;
    this.startupTimer = null;
  }

  private wakeReadyWaiters(info: CfnLintVersionInfo | null): void {
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const w of waiters) w(info);
  }

  /** Keeps the Node process alive only while the worker has work (an idle worker never holds up exit). */
  private setRef(busy: boolean): void {
    const proc = this.proc;
    if (!proc) return;
    const busyNow = busy || this.readyWaiters.length > 0;
    for (const h of [proc, proc.stdin, proc.stdout, proc.stderr] as Array<{
      ref?: () => void;
      unref?: () => void;
    } | null>) {
      if (!h) continue;
      if (busyNow) h.ref?.();
      else h.unref?.();
    }
  }
}

interface WorkerMessage {
  id?: number;
  event?: string;
  version?: unknown;
  python?: unknown;
  executable?: unknown;
  warmupMs?: number;
  result?: { matches?: unknown[]; notices?: unknown[]; config?: unknown; ms?: unknown; cpuMs?: unknown } | null;
  error?: { message?: unknown };
}

function clearJobTimers(job: Job): void {
  clearTimeout(job.timer);
  clearTimeout(job.cancelTimer);
  job.timer = undefined;
  job.cancelTimer = undefined;
}

function settle(job: Job, result: CfnLintResult): void {
  if (job.settled) return;
  job.settled = true;
  job.resolve(result);
}

function failed(uri: string, version: number, reason: CfnLintFailureReason, message: string): CfnLintResult {
  return { status: 'failed', uri, version, reason, message };
}
