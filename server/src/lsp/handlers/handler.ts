/**
 * A handler group: the LSP methods of one feature, registered on the connection, calling into
 * the server's state (`GlobalState`). Each group lives in its own file here and is listed once in
 * `index.ts`; the capabilities it announces are merged into initialize's result.
 */
import type { Connection, ServerCapabilities, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { GlobalState } from '../globalState';

export interface HandlerContext {
  connection: Connection;
  /** The open documents' text (events: didOpen, didChangeContent, didClose). */
  documents: TextDocuments<TextDocument>;
  state: GlobalState;
}

export interface HandlerGroup {
  /** What the group is, for the reader (`hover`, `code actions`). */
  name: string;
  /** The capabilities it announces in initialize's result (deep-merged with the others'). */
  capabilities?: ServerCapabilities;
  /** Registers its handlers (called once, before the connection listens). */
  register(ctx: HandlerContext): void;
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function merge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = isPlain(out[k]) && isPlain(v) ? merge(out[k], v) : v;
  return out;
}

/** Every group's capabilities in one object (objects merged key by key, a later scalar wins). */
export function mergeCapabilities(groups: readonly HandlerGroup[]): ServerCapabilities {
  let out: Record<string, unknown> = {};
  for (const g of groups) if (g.capabilities) out = merge(out, g.capabilities as Record<string, unknown>);
  return out as ServerCapabilities;
}
