/**
 * A handler group: the LSP methods of one feature, registered on the connection, calling into
 * the server's state (`GlobalState`). Each group lives in its own file here and is listed once in
 * `index.ts`; the capabilities it announces are merged into initialize's result. Its
 * `workspace/executeCommand` commands are declared in `commands` (never with
 * `connection.onExecuteCommand`, which only one handler can hold): `registerCommands` installs the
 * one dispatcher and `executeCommandProvider.commands` is every group's ids.
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

/** A `workspace/executeCommand` command of a group: its id and what it does with the request's arguments. */
export interface GroupCommand {
  id: string;
  run(args: readonly unknown[], ctx: HandlerContext): unknown;
}

export interface HandlerGroup {
  /** What the group is, for the reader (`hover`, `code actions`). */
  name: string;
  /** The capabilities it announces in initialize's result (deep-merged with the others'). */
  capabilities?: ServerCapabilities;
  /** Its `workspace/executeCommand` commands (announced in `executeCommandProvider.commands`). */
  commands?: readonly GroupCommand[];
  /** Registers its handlers (called once, before the connection listens). */
  register(ctx: HandlerContext): void;
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function merge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    if (isPlain(prev) && isPlain(v)) out[k] = merge(prev, v);
    else if (Array.isArray(prev) && Array.isArray(v)) out[k] = [...new Set([...prev, ...v])];
    else out[k] = v;
  }
  return out;
}

/** Every group's commands by id; a command id declared twice is an error (thrown at start-up). */
export function commandTable(groups: readonly HandlerGroup[]): Map<string, { group: string; command: GroupCommand }> {
  const table = new Map<string, { group: string; command: GroupCommand }>();
  for (const g of groups) {
    for (const c of g.commands ?? []) {
      const prev = table.get(c.id);
      if (prev)
        throw new Error(`command ${c.id} is declared by both the ${prev.group} and the ${g.name} handler groups`);
      table.set(c.id, { group: g.name, command: c });
    }
  }
  return table;
}

/**
 * Every group's capabilities in one object (objects merged key by key, arrays joined without
 * repeats, a later scalar wins), `executeCommandProvider.commands` being every group's commands.
 */
export function mergeCapabilities(groups: readonly HandlerGroup[]): ServerCapabilities {
  let out: Record<string, unknown> = {};
  for (const g of groups) if (g.capabilities) out = merge(out, g.capabilities as Record<string, unknown>);
  const commands = [...commandTable(groups).keys()];
  if (commands.length) out = merge(out, { executeCommandProvider: { commands } });
  return out as ServerCapabilities;
}

/** The one `workspace/executeCommand` handler: the command's group runs it; an unknown id answers null. */
export function registerCommands(groups: readonly HandlerGroup[], ctx: HandlerContext): void {
  const table = commandTable(groups);
  if (!table.size) return;
  ctx.connection.onExecuteCommand(async (params) => {
    const entry = table.get(params.command);
    if (!entry) return null;
    return (await entry.command.run(params.arguments ?? [], ctx)) ?? null;
  });
}
