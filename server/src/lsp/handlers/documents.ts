/** Document sync: didOpen, didChange, didClose (through `TextDocuments`) and watched files. */
import { FileChangeType, TextDocumentSyncKind } from 'vscode-languageserver';
import type { HandlerGroup } from './handler';

export const documentHandlers: HandlerGroup = {
  name: 'document sync',
  capabilities: { textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental } },
  register({ connection, documents, state }) {
    // didOpen is analysed at once: the first diagnostics should not wait behind anything.
    documents.onDidOpen((e) => state.open.opened(e.document.uri));
    documents.onDidChangeContent((e) => state.open.changed(e.document.uri));
    documents.onDidClose((e) => state.documentClosed(e.document.uri));
    connection.onDidChangeWatchedFiles((params) =>
      state.filesChanged(params.changes.map((c) => ({ uri: c.uri, deleted: c.type === FileChangeType.Deleted }))),
    );
  },
};
