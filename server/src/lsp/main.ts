/**
 * Entry of the language server (bundled to dist/server.js). The transport comes from argv:
 * `--stdio` (Neovim and other editors), `--node-ipc` (VS Code), `--socket=<port>` or `--pipe=<name>`.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';
import { isLintWorker, runLintWorker } from './lintWorker';
import { routeProcessOutput } from './processOutput';

if (isLintWorker()) {
  // The same bundle, started as the analysis thread for large documents.
  runLintWorker();
} else {
  const connection = createConnection(ProposedFeatures.all);

  // A bug in one handler must not take the editor's linting down with it.
  process.on('uncaughtException', (e) => connection.console.error(`Ajar server: uncaught ${e?.stack ?? String(e)}`));
  process.on('unhandledRejection', (e) =>
    connection.console.error(`Ajar server: unhandled rejection ${(e as Error)?.stack ?? String(e)}`),
  );

  routeProcessOutput(connection.console);

  startServer(connection, { workerScript: __filename });
}
