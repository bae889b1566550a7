/**
 * The Ajar language server, wired: the state objects (`GlobalState`: settings, open documents,
 * workspace scan, finding counts, config problems, cfn-lint, worker thread, audit) and the handler
 * groups (`handlers/`) that call into them. This file owns only the lifecycle (initialize,
 * initialized, shutdown, exit) and the connection itself.
 */
import {
  DidChangeWatchedFilesNotification,
  MessageType,
  ShowMessageNotification,
  TextDocuments,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver';
import { uriToPath } from './analyzer';
import { EditorTextDocument } from './documents';
import { GlobalState } from './globalState';
import { HANDLERS, mergeCapabilities, registerCommands } from './handlers';
import {
  FindingCountNotification,
  SELECT_PLACEHOLDER_COMMAND,
  SHOW_RULE_DOCS_COMMAND,
  type AjarClientCapabilities,
  type EditorCapabilities,
} from './protocol';
import type { Publisher } from './publisher';

export interface ServerOptions {
  /** The bundle to start the analysis worker thread from (dist/server.js); without it, everything runs on the main thread. */
  workerScript?: string;
}

/** The connection as the state objects' publisher. */
export function connectionPublisher(connection: Connection): Publisher {
  return {
    diagnostics: (uri, diagnostics, version) =>
      void connection.sendDiagnostics(version === undefined ? { uri, diagnostics } : { uri, version, diagnostics }),
    findingCount: (t) => void connection.sendNotification(FindingCountNotification, t),
    // Info level: the Output channel shows what Ajar did (window/logMessage, MessageType.Info).
    log: (m) => connection.console.info(m),
    info: (m) => void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Info, message: m }),
  };
}

/** Snippet edits (LSP 3.18) and the client commands it announced (`experimental.ajar.commands`). */
export function editorCapabilities(caps: InitializeParams['capabilities']): EditorCapabilities {
  const ajar = (caps.experimental as { ajar?: AjarClientCapabilities } | undefined)?.ajar;
  const commands = Array.isArray(ajar?.commands) ? ajar.commands : [];
  const workspaceEdit = caps.workspace?.workspaceEdit as { snippetEditSupport?: boolean } | undefined;
  return {
    snippetEdits: workspaceEdit?.snippetEditSupport === true,
    selectPlaceholder: commands.includes(SELECT_PLACEHOLDER_COMMAND),
    showRuleDocs: commands.includes(SHOW_RULE_DOCS_COMMAND),
    showDocument: caps.window?.showDocument?.support === true,
  };
}

export function startServer(connection: Connection, options: ServerOptions = {}): GlobalState {
  const documents = new TextDocuments(EditorTextDocument);
  const state = new GlobalState(
    documents,
    connectionPublisher(connection),
    {
      configuration: (items) => connection.workspace.getConfiguration(items) as Promise<unknown[]>,
      createProgress: () => connection.window.createWorkDoneProgress(),
    },
    { workerScript: options.workerScript },
  );
  const capabilities = mergeCapabilities(HANDLERS);

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const caps = params.capabilities;
    state.settings.canPull = !!caps.workspace?.configuration;
    state.canWatchDynamically = !!caps.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    state.canCreateProgress = !!caps.window?.workDoneProgress;
    state.editor = editorCapabilities(caps);
    const init = params.initializationOptions as { trusted?: unknown; settings?: unknown } | undefined;
    if (init && typeof init.trusted === 'boolean') state.settings.trustedFromInit = init.trusted;
    if (init && init.settings !== undefined) state.settings.pushed = init.settings;
    const fromFolders = (params.workspaceFolders ?? [])
      .map((f) => ({ path: uriToPath(f.uri), uri: f.uri }))
      .filter((f): f is { path: string; uri: string } => !!f.path);
    const root = params.rootUri ? uriToPath(params.rootUri) : (params.rootPath ?? null);
    state.settings.setFolders(fromFolders.length ? fromFolders : root ? [{ path: root }] : []);
    return { capabilities, serverInfo: { name: 'ajar', version: '0.1.0' } };
  });

  connection.onInitialized(async () => {
    state.publisher.log(
      `Ajar language server 0.1.0 started (Node ${process.version}, pid ${process.pid}); ` +
        `${state.settings.folders.length} workspace folder${state.settings.folders.length === 1 ? '' : 's'}`,
    );
    if (state.canWatchDynamically) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [
          { globPattern: '**/*.{json,yaml,yml,template}' },
          { globPattern: '**/.ajar.{yaml,yml}' },
          // a CDK app's sources: a save moves its findings' lines or marks them stale (lsp/cdk.ts)
          { globPattern: '**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs,py}' },
        ],
      });
    }
    try {
      connection.workspace.onDidChangeWorkspaceFolders((e) => state.foldersChanged(e.added, e.removed));
    } catch {
      /* the client does not support workspace folders */
    }
    await state.refreshSettings(true);
  });

  for (const group of HANDLERS) group.register({ connection, documents, state });
  registerCommands(HANDLERS, { connection, documents, state });

  connection.onShutdown(() => state.shutdown());
  connection.onExit(() => {
    void state.cfn.dispose();
  });

  documents.listen(connection);
  connection.listen();
  return state;
}
