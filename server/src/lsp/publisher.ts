/**
 * What the state objects need from the outside world, as small interfaces: the connection's
 * publishing (diagnostics, the finding count, the log) and the open documents' text. `server.ts`
 * gives the real connection; unit tests give fakes that record what was sent.
 */
import type { Diagnostic } from 'vscode-languageserver';
import type { FindingCountParams } from './protocol';

export interface Publisher {
  /** textDocument/publishDiagnostics (`version` for open documents only). */
  diagnostics(uri: string, diagnostics: Diagnostic[], version?: number): void;
  /** ajar/findingCount. */
  findingCount(totals: FindingCountParams): void;
  /** The server's output channel. */
  log(message: string): void;
  /** window/showMessage (information). */
  info(message: string): void;
}

/** An open document as the state objects read it (`TextDocuments` gives these). */
export interface OpenText {
  readonly version: number;
  getText(): string;
}

/** The open documents' text, by URI (`TextDocuments`). */
export interface DocumentSource {
  get(uri: string): OpenText | undefined;
}
