/**
 * The Accounts view's commands (title bar and item context menus; package.json hides the
 * item ones from the Command Palette). A command given no node acts on the selection.
 *
 * To add a command: add it to `package.json` (`contributes.commands`, a `view/item/context` menu
 * entry keyed on the node's contextValue from `render.ts`, and a `commandPalette` entry with
 * `"when": "false"` if it needs a node), then one `register(...)` line below with its handler.
 */
import * as vscode from 'vscode';
import type { AccountsData } from './data';
import type { AccountsNode } from './nodes';
import { auditOrganizationCommand, filterOrganizationCommand, type OrganizationsData } from './organization';

/** What the commands need from the view. */
export interface AccountsCommandHost {
  readonly data: AccountsData;
  readonly orgs: OrganizationsData;
  selection(): AccountsNode | undefined;
  refreshAll(): Promise<void>;
  refreshNode(node: AccountsNode | undefined): Promise<void>;
  toggleClean(): Promise<void>;
}

export function registerAccountsCommands(host: AccountsCommandHost): vscode.Disposable[] {
  const register = (id: string, run: (node: AccountsNode | undefined) => unknown) =>
    vscode.commands.registerCommand(id, (n?: AccountsNode) => run(n ?? host.selection()));
  return [
    vscode.commands.registerCommand('ajar.accounts.refresh', () => host.refreshAll()),
    vscode.commands.registerCommand('ajar.accounts.toggleClean', () => host.toggleClean()),
    register('ajar.accounts.refreshNode', (n) => host.refreshNode(n)),
    register('ajar.accounts.copyId', (n) => copyId(host.data, n)),
    register('ajar.accounts.copyArn', (n) => copyArn(n)),
    register('ajar.accounts.openConsole', (n) => openConsole(n)),
    register('ajar.accounts.openInTemplate', (n) => openInTemplate(n)),
    register('ajar.accounts.showRuleDocs', (n) => showRuleDocs(n)),
    register('ajar.accounts.auditOrganization', (n) => auditOrganizationCommand(host.orgs, n)),
    register('ajar.accounts.filterOrganization', (n) => filterOrganizationCommand(host.orgs, n)),
  ];
}

async function copyId(data: AccountsData, node: AccountsNode | undefined): Promise<void> {
  const text =
    node?.kind === 'account'
      ? (data.audits.get(node.key)?.accountId ?? data.accounts.get(node.key)?.accountId ?? node.key)
      : node?.kind === 'item'
        ? node.item.id
        : undefined;
  if (!text)
    return void vscode.window.showInformationMessage('Ajar: select an account or a resource in the Accounts view.');
  await vscode.env.clipboard.writeText(text);
}

async function copyArn(node: AccountsNode | undefined): Promise<void> {
  const arn = node?.kind === 'item' ? node.item.arn : undefined;
  if (!arn) return void vscode.window.showInformationMessage('Ajar: select a resource that has an ARN.');
  await vscode.env.clipboard.writeText(arn);
}

/** Opens the resource in the AWS console (the browser): read-only from Ajar's side. */
async function openConsole(node: AccountsNode | undefined): Promise<void> {
  const url = node?.kind === 'item' ? node.item.consoleUrl : undefined;
  if (!url || !/^https:\/\//.test(url))
    return void vscode.window.showInformationMessage('Ajar: no console page for this item.');
  await vscode.env.openExternal(vscode.Uri.parse(url, true));
}

/** Opens the template (or the CDK construct's source) at the resource's logical id. */
async function openInTemplate(node: AccountsNode | undefined): Promise<void> {
  const src = node?.kind === 'item' ? node.item.source : undefined;
  if (!src)
    return void vscode.window.showInformationMessage(
      'Ajar: this resource maps to no file of the workspace (no stack deployed it, or its stack maps to no template).',
    );
  const r = src.range;
  const selection = new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
  await vscode.window.showTextDocument(vscode.Uri.parse(src.uri, true), { selection, preview: false });
}

async function showRuleDocs(node: AccountsNode | undefined): Promise<void> {
  const item = node?.kind === 'item' ? node.item : undefined;
  const ids = item ? [...new Set(item.findings.map((f) => f.ruleId))] : [];
  const id =
    ids.length <= 1
      ? ids[0]
      : (
          await vscode.window.showQuickPick(
            ids.map((ruleId) => ({
              label: ruleId,
              description: item?.findings.find((f) => f.ruleId === ruleId)?.rule,
            })),
            { title: 'Ajar: rule documentation' },
          )
        )?.label;
  await vscode.commands.executeCommand('ajar.showRuleDocs', id);
}
