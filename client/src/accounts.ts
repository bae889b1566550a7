/**
 * The "Accounts" tree (Account Explorer): accounts from `ajar/listAccounts`, audited with
 * `ajar/auditAccount` only when the user expands an account or asks for a refresh (credentials
 * may cost money or prompt for MFA). Results are cached per account with their age.
 * The tree shows what the server says; it evaluates nothing itself.
 */
import * as vscode from 'vscode';
import { WorkDoneProgress, type LanguageClient } from 'vscode-languageclient/node';
import {
  AuditAccountRequest,
  ListAccountsRequest,
  type AccountAudit,
  type AccountInfo,
  type AuditAccountParams,
  type AuditCategory,
  type AuditCategoryId,
  type AuditItem,
  type AuditSeverity,
  type ListAccountsResult,
} from '../../server/src/lsp/protocol';

export type ServerState = 'starting' | 'running' | 'failed' | 'disabled';
/** Value of the `ajar.accounts.state` context key; package.json's viewsWelcome keys on it. */
type ViewState = 'starting' | 'serverFailed' | 'disabled' | 'listFailed' | 'noConfig' | 'noAccess' | 'ready';

interface AccountNode {
  kind: 'account';
  key: string;
}
interface CategoryNode {
  kind: 'category';
  key: string;
  category: AuditCategory;
}
interface RegionNode {
  kind: 'region';
  key: string;
  category: AuditCategory;
  region: string;
  items: AuditItem[];
}
interface ItemNode {
  kind: 'item';
  key: string;
  categoryId: AuditCategoryId;
  item: AuditItem;
}
interface ErrorNode {
  kind: 'error';
  key: string;
  id: string;
  label: string;
  detail: string;
}
interface MessageNode {
  kind: 'message';
  key: string;
  id: string;
  label: string;
  icon: string;
}
export type AccountsNode = AccountNode | CategoryNode | RegionNode | ItemNode | ErrorNode | MessageNode;

type Severity = AuditSeverity | 'pass';
const SEVERITY_ORDER: Severity[] = ['error', 'warning', 'information', 'pass'];

export class AccountsView implements vscode.TreeDataProvider<AccountsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<AccountsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly view: vscode.TreeView<AccountsNode>;
  private readonly disposables: vscode.Disposable[] = [];

  private serverState: ServerState = 'starting';
  private listing: Promise<AccountInfo[]> | undefined;
  private accounts = new Map<string, AccountInfo>();
  /** One node object per account, so that a change event can name it. */
  private accountNodes = new Map<string, AccountNode>();
  private audits = new Map<string, AccountAudit>();
  private running = new Map<string, Promise<AccountAudit | undefined>>();
  private cancelled = new Set<string>();
  private hideClean: boolean;
  private progressSeq = 0;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly client: LanguageClient,
    private readonly output: vscode.OutputChannel,
  ) {
    this.hideClean = context.workspaceState.get<boolean>('ajar.accounts.hideClean', false);
    void vscode.commands.executeCommand('setContext', 'ajar.accounts.hideClean', this.hideClean);
    this.setViewState('starting');
    this.view = vscode.window.createTreeView('ajar.accounts', { treeDataProvider: this, showCollapseAll: true });
    const ageTimer = setInterval(() => this.refreshAges(), 60_000);
    this.disposables.push(
      this.view,
      this.changed,
      { dispose: () => clearInterval(ageTimer) },
      vscode.commands.registerCommand('ajar.accounts.refresh', () => this.refreshAll()),
      vscode.commands.registerCommand('ajar.accounts.refreshNode', (n?: AccountsNode) => this.refreshNode(n)),
      vscode.commands.registerCommand('ajar.accounts.toggleClean', () => this.toggleClean()),
      vscode.commands.registerCommand('ajar.accounts.copyId', (n?: AccountsNode) => this.copyId(n)),
      vscode.commands.registerCommand('ajar.accounts.copyArn', (n?: AccountsNode) => this.copyArn(n)),
      vscode.commands.registerCommand('ajar.accounts.openConsole', (n?: AccountsNode) => this.openConsole(n)),
      vscode.commands.registerCommand('ajar.accounts.showRuleDocs', (n?: AccountsNode) => this.showRuleDocs(n)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('ajar.audit')) void this.refreshAll({ reaudit: false });
      }),
    );
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  setServerState(state: ServerState): void {
    this.serverState = state;
    this.listing = undefined;
    this.setViewState(state === 'running' ? 'starting' : state === 'failed' ? 'serverFailed' : state);
    this.changed.fire(undefined);
  }

  // ---- TreeDataProvider -------------------------------------------------------------------

  async getChildren(node?: AccountsNode): Promise<AccountsNode[]> {
    if (!node) return this.rootChildren();
    switch (node.kind) {
      case 'account':
        return this.accountChildren(node.key);
      case 'category':
        return this.categoryChildren(node.key, node.category);
      case 'region':
        return this.visibleItems(node.items).map((item) => this.itemNode(node.key, node.category.id, item));
      default:
        return [];
    }
  }

  getTreeItem(node: AccountsNode): vscode.TreeItem {
    switch (node.kind) {
      case 'account':
        return this.accountItem(node.key);
      case 'category':
        return categoryItem(node);
      case 'region':
        return regionItem(node);
      case 'item':
        return itemTreeItem(node);
      case 'error': {
        const t = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
        t.id = node.id;
        t.iconPath = severityIcon('warning');
        t.tooltip = new vscode.MarkdownString().appendText(node.detail);
        t.contextValue = 'auditError';
        return t;
      }
      case 'message': {
        const t = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
        t.id = node.id;
        t.iconPath = new vscode.ThemeIcon(node.icon);
        t.contextValue = 'message';
        return t;
      }
    }
  }

  /** Parents for TreeView.reveal (the security report reveals a figure's items). */
  getParent(node: AccountsNode): AccountsNode | undefined {
    if (node.kind === 'account') return undefined;
    if (node.kind === 'category') return this.accountNode(node.key);
    const category = (id: AuditCategoryId) => this.audits.get(node.key)?.categories.find((c) => c.id === id);
    if (node.kind === 'region') return { kind: 'category', key: node.key, category: node.category };
    if (node.kind === 'item') {
      const c = category(node.categoryId);
      if (!c) return this.accountNode(node.key);
      if (c.id === 'ec2') {
        const region = node.item.region ?? 'unknown region';
        const items = c.items.filter((i) => (i.region ?? 'unknown region') === region);
        return { kind: 'region', key: node.key, category: c, region, items };
      }
      return { kind: 'category', key: node.key, category: c };
    }
    return this.accountNode(node.key);
  }

  /**
   * Reveals the tree items of these resources (an account id reveals the account); the first is
   * selected. Returns how many were found among the audited accounts.
   */
  async revealResources(targets: { accountId: string; id: string }[]): Promise<number> {
    let shown = 0;
    for (const t of targets) {
      const key = [...this.audits].find(([, a]) => a.accountId === t.accountId)?.[0];
      const audit = key ? this.audits.get(key) : undefined;
      if (!key || !audit) continue;
      let node: AccountsNode | undefined = t.id === t.accountId ? this.accountNode(key) : undefined;
      for (const c of node ? [] : audit.categories) {
        const item = c.items.find((i) => i.id === t.id);
        if (item) {
          node = this.itemNode(key, c.id, item);
          break;
        }
      }
      if (!node) continue;
      await this.view.reveal(node, { select: shown === 0, focus: shown === 0, expand: false });
      shown++;
    }
    return shown;
  }

  // ---- children -------------------------------------------------------------------------------

  private async rootChildren(): Promise<AccountsNode[]> {
    if (this.serverState !== 'running') return [];
    this.listing ??= this.listAccounts();
    const accounts = await this.listing;
    return accounts.map((a) => this.accountNode(a.key));
  }

  private async listAccounts(): Promise<AccountInfo[]> {
    let result: ListAccountsResult;
    try {
      result = await this.client.sendRequest<ListAccountsResult>(ListAccountsRequest);
    } catch (err) {
      this.output.appendLine(`ajar/listAccounts failed: ${errorText(err)}`);
      this.setViewState('listFailed');
      return [];
    }
    for (const p of result.problems) this.output.appendLine(`AWS configuration: ${p}`);
    this.accounts = new Map(result.accounts.map((a) => [a.key, a]));
    for (const key of [...this.accountNodes.keys()]) if (!this.accounts.has(key)) this.accountNodes.delete(key);
    this.setViewState(!result.configFound ? 'noConfig' : result.accounts.length === 0 ? 'noAccess' : 'ready');
    return result.accounts;
  }

  private async accountChildren(key: string): Promise<AccountsNode[]> {
    // Expanding the account is what starts its first audit.
    const audit = this.audits.get(key) ?? (await this.audit(key, { refresh: false }, { expanding: true }));
    if (!audit) {
      return [
        {
          kind: 'message',
          key,
          id: `${key}/not-audited`,
          icon: 'debug-pause',
          label: this.cancelled.has(key) ? 'Audit cancelled: refresh to audit' : 'Not audited: refresh to audit',
        },
      ];
    }
    const nodes: AccountsNode[] = [];
    if (audit.error) {
      nodes.push({ kind: 'error', key, id: `${key}/error`, label: audit.error, detail: audit.error });
    }
    const categories = audit.categories.filter(
      (c) => !this.hideClean || c.errors.length > 0 || c.items.some((i) => i.findings.length > 0),
    );
    for (const category of categories) nodes.push({ kind: 'category', key, category });
    if (nodes.length === 0 && audit.categories.length > 0) {
      nodes.push({
        kind: 'message',
        key,
        id: `${key}/all-clean`,
        icon: 'pass',
        label: 'No findings (clean items hidden)',
      });
    }
    return nodes;
  }

  private categoryChildren(key: string, category: AuditCategory): AccountsNode[] {
    const nodes: AccountsNode[] = category.errors.map((e, i) => ({
      kind: 'error' as const,
      key,
      id: `${key}/${category.id}/error/${i}`,
      label: /^could not/i.test(e.message) ? e.message : `could not read: ${e.message}`,
      detail: [e.service, e.region, e.message].filter(Boolean).join(' · '),
    }));
    if (category.id === 'ec2') {
      const byRegion = new Map<string, AuditItem[]>();
      for (const item of category.items) {
        const region = item.region ?? 'unknown region';
        byRegion.set(region, [...(byRegion.get(region) ?? []), item]);
      }
      for (const [region, items] of [...byRegion].sort(([a], [b]) => a.localeCompare(b))) {
        if (this.visibleItems(items).length === 0) continue;
        nodes.push({ kind: 'region', key, category, region, items });
      }
      return nodes;
    }
    return nodes.concat(this.visibleItems(category.items).map((item) => this.itemNode(key, category.id, item)));
  }

  private visibleItems(items: AuditItem[]): AuditItem[] {
    return this.hideClean ? items.filter((i) => i.findings.length > 0) : items;
  }

  private itemNode(key: string, categoryId: AuditCategoryId, item: AuditItem): ItemNode {
    return { kind: 'item', key, categoryId, item };
  }

  private accountNode(key: string): AccountNode {
    let node = this.accountNodes.get(key);
    if (!node) {
      node = { kind: 'account', key };
      this.accountNodes.set(key, node);
    }
    return node;
  }

  private accountItem(key: string): vscode.TreeItem {
    const info = this.accounts.get(key);
    const audit = this.audits.get(key);
    const alias = audit?.alias ?? info?.alias;
    const accountId = audit?.accountId ?? info?.accountId;
    const profiles = audit?.profiles ?? info?.profiles ?? [];
    const auditedAt = audit?.auditedAt ?? info?.auditedAt;
    const label = alias ?? accountId ?? info?.label ?? key;
    const t = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Collapsed);
    t.id = `account/${key}`;
    const parts = [profiles.filter((p) => p !== label).join(', ')];
    if (this.running.has(key)) parts.push('auditing…');
    else if (auditedAt) parts.push(`audited ${age(auditedAt)}`);
    else parts.push('not audited');
    t.description = parts.filter(Boolean).join(' · ');
    const tip = new vscode.MarkdownString();
    tip.appendMarkdown(`**${escapeMd(alias ?? accountId ?? info?.label ?? key)}**\n\n`);
    if (accountId) tip.appendMarkdown(`Account id: \`${accountId}\`\n\n`);
    if (profiles.length) tip.appendMarkdown(`Profiles: ${profiles.map((p) => `\`${p}\``).join(', ')}\n\n`);
    tip.appendMarkdown(
      auditedAt ? `Audited ${new Date(auditedAt).toLocaleString()}` : 'Not audited yet: expand to audit (read-only).',
    );
    t.tooltip = tip;
    const worst = audit
      ? worstOf(audit.categories.flatMap((c) => c.items.flatMap((i) => i.findings.map((f) => f.severity))))
      : undefined;
    t.iconPath = audit?.error ? severityIcon('warning') : worst ? severityIcon(worst) : new vscode.ThemeIcon('account');
    t.contextValue = 'account';
    return t;
  }

  // ---- auditing -------------------------------------------------------------------------------

  /** Runs (or joins) an audit with cancellable progress; merges a one-category audit into the cache. */
  private audit(
    key: string,
    opts: { refresh: boolean; category?: AuditCategoryId },
    from: { expanding?: boolean } = {},
  ): Promise<AccountAudit | undefined> {
    const runKey = opts.category ? `${key}#${opts.category}` : key;
    const existing = this.running.get(runKey);
    if (existing) return existing;
    const label = this.accounts.get(key)?.label ?? key;
    const promise = Promise.resolve(
      vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: `Ajar: auditing ${label}${opts.category ? ` (${opts.category})` : ''}`,
          cancellable: true,
        },
        (progress, token) => this.sendAudit(key, opts, progress, token),
      ),
    );
    this.running.set(runKey, promise);
    this.cancelled.delete(key);
    const node = this.accountNodes.get(key);
    // Re-rendering the account ("auditing…") while VS Code waits for its children would make it
    // ask again and register the children twice: only when the audit is not that request.
    if (node && !from.expanding) this.fireLater(node);
    void promise.finally(() => {
      this.running.delete(runKey);
      if (node) this.fireLater(node);
    });
    return promise;
  }

  private async sendAudit(
    key: string,
    opts: { refresh: boolean; category?: AuditCategoryId },
    progress: vscode.Progress<{ message?: string; increment?: number }>,
    token: vscode.CancellationToken,
  ): Promise<AccountAudit | undefined> {
    if (!this.client.isRunning()) return undefined;
    const workDoneToken = `ajar-audit-${process.pid}-${++this.progressSeq}`;
    let reported = 0;
    const sub = this.client.onProgress(WorkDoneProgress.type, workDoneToken, (value) => {
      if (value.kind === 'end') return;
      const increment = value.percentage !== undefined ? Math.max(0, value.percentage - reported) : undefined;
      if (value.percentage !== undefined) reported = Math.max(reported, value.percentage);
      progress.report({ message: value.message, increment });
    });
    const params: AuditAccountParams = { key, refresh: opts.refresh, workDoneToken };
    if (opts.category) params.category = opts.category;
    const source = new vscode.CancellationTokenSource();
    const cancelled = new Promise<undefined>((resolve) =>
      token.onCancellationRequested(() => {
        source.cancel(); // sends $/cancelRequest to the server
        resolve(undefined);
      }),
    );
    try {
      const result = await Promise.race([
        this.client.sendRequest<AccountAudit>(AuditAccountRequest, params, source.token),
        cancelled,
      ]);
      if (!result) {
        this.cancelled.add(key);
        return undefined;
      }
      const merged = opts.category ? mergeCategory(this.audits.get(key), result, opts.category) : result;
      this.audits.set(key, merged);
      return merged;
    } catch (err) {
      if (token.isCancellationRequested) return undefined;
      this.output.appendLine(`ajar/auditAccount ${key} failed: ${errorText(err)}`);
      void vscode.window.showErrorMessage(`Ajar: the audit of ${key} failed: ${errorText(err)}`);
      return undefined;
    } finally {
      sub.dispose();
      source.dispose();
    }
  }

  // ---- commands -------------------------------------------------------------------------------

  private async refreshAll(opts: { reaudit: boolean } = { reaudit: true }): Promise<void> {
    const audited = [...this.audits.keys()];
    if (!opts.reaudit) this.audits.clear();
    this.listing = undefined;
    this.changed.fire(undefined);
    if (this.serverState !== 'running') return;
    this.listing = this.listAccounts();
    const accounts = await this.listing;
    this.changed.fire(undefined);
    if (!opts.reaudit) return;
    const keys = audited.filter((k) => accounts.some((a) => a.key === k));
    await Promise.all(keys.map((k) => this.audit(k, { refresh: true })));
    for (const k of keys) this.changed.fire(this.accountNode(k));
  }

  private async refreshNode(node?: AccountsNode): Promise<void> {
    node ??= this.view.selection[0];
    if (!node) return this.refreshAll();
    const category =
      node.kind === 'category' || node.kind === 'region'
        ? node.category.id
        : node.kind === 'item'
          ? node.categoryId
          : undefined;
    await this.audit(node.key, { refresh: true, category });
    this.changed.fire(this.accountNode(node.key));
  }

  private async toggleClean(): Promise<void> {
    this.hideClean = !this.hideClean;
    await this.context.workspaceState.update('ajar.accounts.hideClean', this.hideClean);
    await vscode.commands.executeCommand('setContext', 'ajar.accounts.hideClean', this.hideClean);
    this.changed.fire(undefined);
  }

  private async copyId(node?: AccountsNode): Promise<void> {
    node ??= this.view.selection[0];
    const text =
      node?.kind === 'account'
        ? (this.audits.get(node.key)?.accountId ?? this.accounts.get(node.key)?.accountId ?? node.key)
        : node?.kind === 'item'
          ? node.item.id
          : undefined;
    if (!text)
      return void vscode.window.showInformationMessage('Ajar: select an account or a resource in the Accounts view.');
    await vscode.env.clipboard.writeText(text);
  }

  private async copyArn(node?: AccountsNode): Promise<void> {
    node ??= this.view.selection[0];
    const arn = node?.kind === 'item' ? node.item.arn : undefined;
    if (!arn) return void vscode.window.showInformationMessage('Ajar: select a resource that has an ARN.');
    await vscode.env.clipboard.writeText(arn);
  }

  /** Opens the resource in the AWS console (the browser): read-only from Ajar's side. */
  private async openConsole(node?: AccountsNode): Promise<void> {
    node ??= this.view.selection[0];
    const url = node?.kind === 'item' ? node.item.consoleUrl : undefined;
    if (!url || !/^https:\/\//.test(url))
      return void vscode.window.showInformationMessage('Ajar: no console page for this item.');
    await vscode.env.openExternal(vscode.Uri.parse(url, true));
  }

  private async showRuleDocs(node?: AccountsNode): Promise<void> {
    node ??= this.view.selection[0];
    const ids = node?.kind === 'item' ? [...new Set(node.item.findings.map((f) => f.ruleId))] : [];
    const id =
      ids.length <= 1
        ? ids[0]
        : (
            await vscode.window.showQuickPick(
              ids.map((ruleId) => ({
                label: ruleId,
                description:
                  node?.kind === 'item' ? node.item.findings.find((f) => f.ruleId === ruleId)?.rule : undefined,
              })),
              { title: 'Ajar: rule documentation' },
            )
          )?.label;
    await vscode.commands.executeCommand('ajar.showRuleDocs', id);
  }

  // ---- helpers --------------------------------------------------------------------------------

  private setViewState(state: ViewState): void {
    void vscode.commands.executeCommand('setContext', 'ajar.accounts.state', state);
  }

  private refreshAges(): void {
    for (const [key, node] of this.accountNodes)
      if (this.audits.has(key) || this.accounts.get(key)?.auditedAt) this.changed.fire(node);
  }

  /** A change event fired from inside getChildren must wait for it to return. */
  private fireLater(node: AccountsNode): void {
    setTimeout(() => this.changed.fire(node), 0);
  }
}

// ---- tree items (pure) ------------------------------------------------------------------------

function categoryItem(node: CategoryNode): vscode.TreeItem {
  const { category } = node;
  const findings = category.items.reduce((n, i) => n + i.findings.length, 0);
  const flagged = category.items.filter((i) => i.findings.length > 0).length;
  const t = new vscode.TreeItem(
    category.label,
    findings > 0 || category.errors.length > 0
      ? vscode.TreeItemCollapsibleState.Expanded
      : vscode.TreeItemCollapsibleState.Collapsed,
  );
  t.id = `${node.key}/${category.id}`;
  const n = category.items.length;
  const parts = [
    findings > 0 ? `${findings} finding${findings === 1 ? '' : 's'} on ${flagged} of ${n}` : n ? `${n} clean` : 'none',
  ];
  if (category.errors.length) parts.push(`${category.errors.length} unreadable`);
  t.description = parts.join(' · ');
  const worst = worstOf(category.items.flatMap((i) => i.findings.map((f) => f.severity)));
  t.iconPath = worst ? severityIcon(worst) : category.errors.length ? severityIcon('warning') : severityIcon('pass');
  t.contextValue = 'category';
  return t;
}

function regionItem(node: RegionNode): vscode.TreeItem {
  const findings = node.items.reduce((n, i) => n + i.findings.length, 0);
  const t = new vscode.TreeItem(
    node.region,
    findings ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed,
  );
  t.id = `${node.key}/${node.category.id}/region/${node.region}`;
  t.description = `${node.items.length} instance${node.items.length === 1 ? '' : 's'}${findings ? ` · ${findings} finding${findings === 1 ? '' : 's'}` : ''}`;
  t.iconPath = new vscode.ThemeIcon('globe');
  t.contextValue = 'region';
  return t;
}

function itemTreeItem(node: ItemNode): vscode.TreeItem {
  const { item } = node;
  const t = new vscode.TreeItem(item.label, vscode.TreeItemCollapsibleState.None);
  t.id = `${node.key}/${node.categoryId}/item/${item.region ?? ''}/${item.id}`;
  t.description = item.description;
  const tip = new vscode.MarkdownString();
  tip.appendMarkdown(item.tooltip);
  // The server's evidence usually names the findings and the ARN already; add what it leaves out.
  const unnamed = item.findings.filter((f) => !item.tooltip.includes(f.ruleId));
  if (unnamed.length) {
    tip.appendMarkdown('\n\n---\n\n');
    for (const f of unnamed) {
      tip
        .appendMarkdown(`- **${f.ruleId}** \`${f.rule}\` (${f.severity}): `)
        .appendText(f.message)
        .appendMarkdown('\n');
    }
  }
  if (item.arn && !item.tooltip.includes(item.arn)) tip.appendMarkdown(`\n\n\`${item.arn}\``);
  t.tooltip = tip;
  t.iconPath = severityIcon(worstOf(item.findings.map((f) => f.severity)) ?? 'pass');
  const flags = ['item'];
  if (item.arn) flags.push('arn');
  if (item.consoleUrl) flags.push('console');
  if (item.findings.length) flags.push('rules');
  t.contextValue = flags.join(' ');
  return t;
}

function severityIcon(severity: Severity): vscode.ThemeIcon {
  switch (severity) {
    case 'error':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'));
    case 'warning':
      return new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
    case 'information':
      return new vscode.ThemeIcon('info', new vscode.ThemeColor('problemsInfoIcon.foreground'));
    case 'pass':
      return new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
  }
}

function worstOf(severities: AuditSeverity[]): AuditSeverity | undefined {
  let best: AuditSeverity | undefined;
  for (const s of severities) if (!best || SEVERITY_ORDER.indexOf(s) < SEVERITY_ORDER.indexOf(best)) best = s;
  return best;
}

function mergeCategory(previous: AccountAudit | undefined, result: AccountAudit, id: AuditCategoryId): AccountAudit {
  if (!previous) return result;
  const fresh = result.categories.find((c) => c.id === id);
  if (!fresh) return previous;
  const categories = previous.categories.some((c) => c.id === id)
    ? previous.categories.map((c) => (c.id === id ? fresh : c))
    : [...previous.categories, fresh];
  return { ...previous, categories };
}

/** "just now", "3 min ago", "2 h ago", "5 days ago". */
export function age(iso: string, now = Date.now()): string {
  const seconds = Math.max(0, (now - Date.parse(iso)) / 1000);
  if (!Number.isFinite(seconds)) return 'at an unknown time';
  if (seconds < 60) return 'just now';
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  const days = Math.floor(seconds / 86400);
  return `${days} day${days === 1 ? '' : 's'} ago`;
}

function escapeMd(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
