/**
 * A small LSP client for protocol tests and the benchmark: spawns `node dist/server.js --stdio`
 * and speaks JSON-RPC through vscode-jsonrpc. It answers the server's requests the way an editor
 * would (workspace/configuration from `settings`, progress creation, registrations) and records
 * every notification, so tests wait for messages instead of sleeping.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import type {
  Diagnostic,
  PublishDiagnosticsParams,
  TextDocumentContentChangeEvent,
  InitializeResult,
} from 'vscode-languageserver-protocol';

export const REPO = resolve(__dirname, '../..');
export const SERVER = resolve(REPO, 'dist/server.js');

export function fileUri(p: string): string {
  return pathToFileURL(p).toString();
}

interface Waiter<T> {
  match: (v: T) => boolean;
  resolve: (v: T) => void;
}

export interface StartOptions {
  rootDir?: string;
  /** The `ajar` section answered to workspace/configuration. */
  settings?: Record<string, unknown>;
  /** Per resource: the `ajar` section for a scopeUri (a workspace folder), instead of `settings` for all. */
  settingsFor?: (scopeUri: string | undefined) => Record<string, unknown>;
  /** Workspace folders (default: rootDir alone). */
  folders?: string[];
  initializationOptions?: Record<string, unknown>;
  /** Advertise window.workDoneProgress (default true). */
  progress?: boolean;
  /** `capabilities.experimental` (an editor's own extensions, e.g. `{ajar: {commands: [...]}}`). */
  experimental?: Record<string, unknown>;
  /** Advertise LSP 3.18 `workspace.workspaceEdit.snippetEditSupport`. */
  snippetEdits?: boolean;
  /** Advertise `window.showDocument` (answered `{success: true}`, recorded in `shownDocuments`). */
  showDocument?: boolean;
  env?: NodeJS.ProcessEnv;
}

export class LspClient {
  readonly proc: ChildProcess;
  readonly conn: MessageConnection;
  settings: Record<string, unknown>;
  settingsFor?: (scopeUri: string | undefined) => Record<string, unknown>;
  /** Every workspace/configuration item the server asked for. */
  readonly configurationItems: { section?: string; scopeUri?: string }[] = [];
  readonly published = new Map<string, PublishDiagnosticsParams[]>();
  readonly notifications: { method: string; params: unknown }[] = [];
  /** Every window/showDocument request the server sent. */
  readonly shownDocuments: { uri: string; external?: boolean }[] = [];
  readonly progress: {
    token: unknown;
    value: { kind: string; title?: string; message?: string; percentage?: number };
  }[] = [];
  stderr = '';
  private diagWaiters: Waiter<PublishDiagnosticsParams>[] = [];
  private noteWaiters: Waiter<{ method: string; params: unknown }>[] = [];
  exited = false;
  initializeResult?: InitializeResult;

  private constructor(opts: StartOptions) {
    if (!existsSync(SERVER)) throw new Error(`${SERVER} is missing: run npm run build first`);
    this.settings = opts.settings ?? {};
    this.settingsFor = opts.settingsFor;
    this.proc = spawn(process.execPath, [SERVER, '--stdio'], {
      cwd: opts.rootDir ?? REPO,
      env: opts.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.proc.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.proc.on('exit', () => (this.exited = true));
    this.conn = createMessageConnection(
      new StreamMessageReader(this.proc.stdout!),
      new StreamMessageWriter(this.proc.stdin!),
    );
    this.conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      const list = this.published.get(p.uri) ?? [];
      list.push(p);
      this.published.set(p.uri, list);
      this.diagWaiters = this.diagWaiters.filter((w) => {
        if (w.match(p)) {
          w.resolve(p);
          return false;
        }
        return true;
      });
    });
    this.conn.onNotification((method: string, params: unknown) => {
      const n = { method, params };
      this.notifications.push(n);
      this.noteWaiters = this.noteWaiters.filter((w) => {
        if (w.match(n)) {
          w.resolve(n);
          return false;
        }
        return true;
      });
    });
    this.conn.onNotification('$/progress', (p: { token: unknown; value: never }) => this.progress.push(p));
    this.conn.onRequest('workspace/configuration', (p: { items: { section?: string; scopeUri?: string }[] }) => {
      this.configurationItems.push(...p.items);
      return p.items.map((i) =>
        i.section === 'ajar' ? (this.settingsFor ? this.settingsFor(i.scopeUri) : this.settings) : null,
      );
    });
    this.conn.onRequest('window/workDoneProgress/create', () => null);
    this.conn.onRequest('client/registerCapability', () => null);
    this.conn.onRequest('window/showMessageRequest', () => null);
    this.conn.onRequest('window/showDocument', (p: { uri: string; external?: boolean }) => {
      this.shownDocuments.push(p);
      return { success: true };
    });
    this.conn.listen();
  }

  static async start(opts: StartOptions = {}): Promise<LspClient> {
    const c = new LspClient(opts);
    const root = opts.rootDir;
    const initialize = c.conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: root ? fileUri(root) : null,
      workspaceFolders: opts.folders
        ? opts.folders.map((f, i) => ({ uri: fileUri(f), name: `ws${i}` }))
        : root
          ? [{ uri: fileUri(root), name: 'ws' }]
          : null,
      initializationOptions: opts.initializationOptions,
      capabilities: {
        workspace: {
          configuration: true,
          didChangeConfiguration: { dynamicRegistration: true },
          didChangeWatchedFiles: { dynamicRegistration: true },
          workspaceFolders: true,
          ...(opts.snippetEdits ? { workspaceEdit: { documentChanges: true, snippetEditSupport: true } } : {}),
        },
        textDocument: {
          synchronization: { dynamicRegistration: false },
          publishDiagnostics: {
            relatedInformation: true,
            versionSupport: true,
            codeDescriptionSupport: true,
            dataSupport: true,
          },
          codeAction: {
            codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } },
            isPreferredSupport: true,
            dataSupport: true,
          },
          hover: { contentFormat: ['markdown', 'plaintext'] },
        },
        window: {
          workDoneProgress: opts.progress ?? true,
          ...(opts.showDocument ? { showDocument: { support: true } } : {}),
        },
        ...(opts.experimental ? { experimental: opts.experimental } : {}),
      },
    }) as Promise<InitializeResult>;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer to initialize in 60 s; server stderr: ${c.stderr.slice(-2000)}`)),
        60_000,
      );
    });
    try {
      c.initializeResult = await Promise.race([initialize, timeout]);
    } finally {
      clearTimeout(timer);
    }
    await c.conn.sendNotification('initialized', {});
    return c;
  }

  open(uri: string, text: string, languageId = 'yaml', version = 1): Promise<void> {
    return this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
  }
  change(uri: string, version: number, changes: TextDocumentContentChangeEvent[]): Promise<void> {
    return this.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: changes,
    });
  }
  close(uri: string): Promise<void> {
    return this.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }
  changeSettings(settings: Record<string, unknown>): Promise<void> {
    this.settings = settings;
    return this.conn.sendNotification('workspace/didChangeConfiguration', { settings: { ajar: settings } });
  }
  request<R>(method: string, params?: unknown): Promise<R> {
    return this.conn.sendRequest(method, params) as Promise<R>;
  }

  latest(uri: string): PublishDiagnosticsParams | undefined {
    const l = this.published.get(uri);
    return l?.[l.length - 1];
  }

  /** The next publication for `uri` that matches (or the latest one, if it already matches). */
  diagnostics(
    uri: string,
    match: (p: PublishDiagnosticsParams) => boolean = () => true,
    timeoutMs = 20_000,
    includeLatest = true,
  ): Promise<PublishDiagnosticsParams> {
    const last = this.latest(uri);
    if (includeLatest && last && match(last)) return Promise.resolve(last);
    return this.wait(this.diagWaiters, (p) => p.uri === uri && match(p), timeoutMs, `diagnostics for ${uri}`);
  }

  /** A notification already received that matches, or the next one. */
  notification(
    method: string,
    match: (p: unknown) => boolean = () => true,
    timeoutMs = 20_000,
    includePast = true,
  ): Promise<unknown> {
    const past = includePast ? this.notifications.find((n) => n.method === method && match(n.params)) : undefined;
    if (past) return Promise.resolve(past.params);
    return this.wait(this.noteWaiters, (n) => n.method === method && match(n.params), timeoutMs, method).then(
      (n) => n.params,
    );
  }

  private wait<T>(list: Waiter<T>[], match: (v: T) => boolean, timeoutMs: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = list.indexOf(w);
        if (i >= 0) list.splice(i, 1);
        reject(
          new Error(`timed out after ${timeoutMs} ms waiting for ${what}; server stderr: ${this.stderr.slice(-2000)}`),
        );
      }, timeoutMs);
      const w: Waiter<T> = {
        match,
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
      };
      list.push(w);
    });
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    try {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.conn.sendRequest('shutdown'), new Promise((r) => (timer = setTimeout(r, 5000)))]);
      clearTimeout(timer);
      await this.conn.sendNotification('exit');
    } catch {
      /* already gone */
    }
    const exited = new Promise<void>((r) => (this.exited ? r() : this.proc.once('exit', () => r())));
    const t = setTimeout(() => this.proc.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(t);
    this.conn.dispose();
  }
}

export function codes(diags: Diagnostic[]): string[] {
  return diags.map(
    (d) => `${d.code}@${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}`,
  );
}
