/**
 * "Ajar: Show Security Report": the posture report of the last audits (your accounts beside
 * Datadog's State of AWS Security) in a webview. The server builds the page (`ajar/securityReport`,
 * the same renderer as `ajar audit --format html`); the webview allows only its nonce'd script and
 * no remote content. Clicking a figure reveals its resources in the Accounts view; "Save as HTML"
 * writes the script-free page.
 */
import { randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  SecurityReportRequest,
  type SecurityReportParams,
  type SecurityReportResult,
} from '../../server/src/lsp/protocol';
import type { AccountsView } from './accounts/view';

export class SecurityReportView implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private last: SecurityReportResult | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly client: LanguageClient,
    private readonly accounts: AccountsView,
  ) {
    this.disposables.push(
      vscode.commands.registerCommand('ajar.showSecurityReport', () => this.show()),
      vscode.commands.registerCommand('ajar.saveSecurityReport', () => this.save()),
    );
  }

  dispose(): void {
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }

  private async fetch(nonce: string): Promise<SecurityReportResult | undefined> {
    if (!this.client.isRunning()) {
      void vscode.window.showWarningMessage('Ajar: the language server is not running.');
      return undefined;
    }
    const params: SecurityReportParams = { nonce };
    const r = await this.client.sendRequest<SecurityReportResult>(SecurityReportRequest, params);
    if (!r.html) {
      const open = 'Open Accounts';
      const pick = await vscode.window.showInformationMessage(
        'Ajar: no account has been audited yet. Expand an account in the Accounts view to audit it (read-only), then show the report.',
        open,
      );
      if (pick === open) await vscode.commands.executeCommand('ajar.accounts.focus');
      return undefined;
    }
    return r;
  }

  async show(): Promise<void> {
    const nonce = randomBytes(18).toString('base64url');
    const r = await this.fetch(nonce);
    if (!r?.html) return;
    this.last = r;
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel(
        'ajar.securityReport',
        'Ajar Security Report',
        vscode.ViewColumn.Active,
        // The page needs its one inline script; it loads nothing, from anywhere.
        { enableScripts: true, localResourceRoots: [], enableFindWidget: true },
      );
      this.panel.onDidDispose(() => (this.panel = undefined), undefined, this.disposables);
      this.panel.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m), undefined, this.disposables);
    }
    this.panel.title = `Ajar Security Report (${r.accounts} account${r.accounts === 1 ? '' : 's'})`;
    this.panel.webview.html = r.html;
    this.panel.reveal();
  }

  private async onMessage(m: unknown): Promise<void> {
    const msg = m as { type?: unknown; figure?: unknown };
    if (msg?.type === 'save') return this.save();
    if (msg?.type !== 'reveal' || typeof msg.figure !== 'string') return;
    const figure = this.last?.figures.find((f) => f.id === msg.figure);
    if (!figure) return;
    if (!figure.resources.length) {
      vscode.window.setStatusBarMessage(`Ajar: nothing to show for "${figure.title}"`, 4000);
      return;
    }
    await vscode.commands.executeCommand('ajar.accounts.focus');
    const shown = await this.accounts.revealResources(figure.resources);
    vscode.window.setStatusBarMessage(
      `Ajar: ${shown} of ${figure.resources.length} shown in the Accounts view (${figure.title})`,
      6000,
    );
  }

  async save(): Promise<void> {
    const r = this.last ?? (await this.fetch(randomBytes(18).toString('base64url')));
    if (!r?.file) return;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(homedir());
    const uri = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.joinPath(folder, r.fileName),
      filters: { HTML: ['html'] },
      saveLabel: 'Save Report',
    });
    if (!uri) return;
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(r.file));
    void vscode.window.showInformationMessage(`Ajar: security report saved to ${uri.fsPath}`);
  }
}
