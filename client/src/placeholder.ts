/**
 * Placeholders of quick fixes: after "Restrict to your organization" or "Suppress with a reason" is
 * applied, the server's code action runs `ajar.selectPlaceholder`, which selects the value to fill
 * in (vscode-languageclient 9 passes no snippet edits). The feature also tells the server, at
 * initialize, which client commands it may attach to code actions (`experimental.ajar.commands`).
 */
import * as vscode from 'vscode';
import type { ClientCapabilities, FeatureState, StaticFeature } from 'vscode-languageclient/node';
import {
  SELECT_PLACEHOLDER_COMMAND,
  SHOW_RULE_DOCS_COMMAND,
  type AjarClientCapabilities,
  type SelectPlaceholderArgs,
} from '../../server/src/lsp/protocol';

function isArgs(v: unknown): v is SelectPlaceholderArgs {
  const a = v as SelectPlaceholderArgs | undefined;
  return (
    !!a &&
    typeof a.uri === 'string' &&
    typeof a.range?.start?.line === 'number' &&
    typeof a.range?.end?.line === 'number'
  );
}

/** Selects the placeholder in the editor of its document (shown if it is not the active one). */
async function selectPlaceholder(args: unknown): Promise<boolean> {
  if (!isArgs(args)) return false;
  const uri = vscode.Uri.parse(args.uri);
  const { start, end } = args.range;
  const range = new vscode.Range(start.line, start.character, end.line, end.character);
  const open = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
  const editor = open ?? (await vscode.window.showTextDocument(uri, { preserveFocus: false }));
  // Only a range that still holds text (the edit was applied to this version).
  if (range.end.line >= editor.document.lineCount) return false;
  editor.selection = new vscode.Selection(range.start, range.end);
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  if (open && vscode.window.activeTextEditor !== open)
    await vscode.window.showTextDocument(open.document, open.viewColumn);
  return true;
}

export class PlaceholderFeature implements StaticFeature, vscode.Disposable {
  private readonly command = vscode.commands.registerCommand(SELECT_PLACEHOLDER_COMMAND, selectPlaceholder);

  fillClientCapabilities(capabilities: ClientCapabilities): void {
    const ajar: AjarClientCapabilities = { commands: [SELECT_PLACEHOLDER_COMMAND, SHOW_RULE_DOCS_COMMAND] };
    capabilities.experimental = { ...(capabilities.experimental as object | undefined), ajar };
  }
  initialize(): void {}
  getState(): FeatureState {
    return { kind: 'static' };
  }
  clear(): void {}
  dispose(): void {
    this.command.dispose();
  }
}

/** Registers the feature on the client (before it starts) and returns what to dispose. */
export function registerPlaceholders(client: { registerFeature(f: StaticFeature): void }): vscode.Disposable {
  const feature = new PlaceholderFeature();
  client.registerFeature(feature);
  return feature;
}
