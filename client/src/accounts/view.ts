/**
 * The "Accounts" tree (Account Explorer): the TreeDataProvider and its TreeView. It wires the
 * data (`data.ts`: listing, audits, grouping), the rendering (`render.ts`) and the commands
 * (`commands.ts`), and keeps the view's state (context keys, change events, hide-clean).
 * The tree shows what the server says; it evaluates nothing itself.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { AuditCategoryId } from '../../../server/src/lsp/protocol';
import { registerAccountsCommands, type AccountsCommandHost } from './commands';
import {
  AccountsData,
  type ListOutcome,
  accountChildren,
  categoryChildren,
  groupsByRegion,
  itemNode,
  regionOf,
  visibleItems,
} from './data';
import type { AccountNode, AccountsNode } from './nodes';
import {
  OrganizationsData,
  memberItem,
  notAuditedChildren,
  organizationItem,
  ouItem,
  unitChildren,
} from './organization';
import { accountItem, categoryItem, errorItem, itemTreeItem, messageItem, regionItem } from './render';

export type { AccountsNode } from './nodes';
export type ServerState = 'starting' | 'running' | 'failed' | 'disabled';
/** Value of the `ajar.accounts.state` context key; package.json's viewsWelcome keys on it. */
type ViewState = 'starting' | 'serverFailed' | 'disabled' | ListOutcome;

export class AccountsView implements vscode.TreeDataProvider<AccountsNode>, AccountsCommandHost, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<AccountsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  readonly data: AccountsData;
  readonly orgs: OrganizationsData;
  private readonly view: vscode.TreeView<AccountsNode>;
  private readonly disposables: vscode.Disposable[] = [];

  private serverState: ServerState = 'starting';
  /** One node object per account, so that a change event can name it. */
  private accountNodes = new Map<string, AccountNode>();
  private hideClean: boolean;

  constructor(
    private readonly context: vscode.ExtensionContext,
    client: LanguageClient,
    output: vscode.OutputChannel,
  ) {
    this.data = new AccountsData(
      client,
      output,
      (outcome) => {
        for (const key of [...this.accountNodes.keys()])
          if (!this.data.accounts.has(key)) this.accountNodes.delete(key);
        this.setViewState(outcome);
      },
      (key, phase, expanding) => {
        // Re-rendering the account ("auditing…") while VS Code waits for its children would make it
        // ask again and register the children twice: only when the audit is not that request.
        const node = this.accountNodes.get(key);
        if (node && (phase === 'end' || !expanding)) this.fireLater(node);
      },
    );
    this.orgs = new OrganizationsData(client, output, (_orgKey, memberIds) => {
      // A member's categories are the server's again after a new audit of its organization.
      for (const id of memberIds) this.data.audits.delete(id);
      this.fireOrganizations();
    });
    this.hideClean = context.workspaceState.get<boolean>('ajar.accounts.hideClean', false);
    void vscode.commands.executeCommand('setContext', 'ajar.accounts.hideClean', this.hideClean);
    this.setViewState('starting');
    this.view = vscode.window.createTreeView('ajar.accounts', { treeDataProvider: this, showCollapseAll: true });
    const ageTimer = setInterval(() => this.refreshAges(), 60_000);
    this.disposables.push(
      this.view,
      this.changed,
      this.orgs,
      { dispose: () => clearInterval(ageTimer) },
      ...registerAccountsCommands(this),
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
    this.data.forget({ keepAudits: true });
    this.setViewState(state === 'running' ? 'starting' : state === 'failed' ? 'serverFailed' : state);
    this.changed.fire(undefined);
  }

  selection(): AccountsNode | undefined {
    return this.view.selection[0];
  }

  // ---- TreeDataProvider -------------------------------------------------------------------

  async getChildren(node?: AccountsNode): Promise<AccountsNode[]> {
    if (!node) return this.rootChildren();
    switch (node.kind) {
      case 'account':
        return this.accountChildren(node.key);
      case 'category':
        return categoryChildren(node.key, node.category, this.hideClean);
      case 'region':
        return visibleItems(node.items, this.hideClean).map((item) => itemNode(node.key, node.category.id, item));
      case 'organization': {
        const audit = await this.orgs.cached(node.orgKey);
        const s = this.orgs.state(node.orgKey);
        if (!audit) return notAuditedChildren(node.orgKey, !!s.running);
        const root = audit.units.find((u) => u.parentId === null);
        const nodes: AccountsNode[] = [];
        if (audit.error)
          nodes.push({
            kind: 'error',
            key: node.orgKey,
            id: `${node.orgKey}/error`,
            label: audit.error,
            detail: audit.error,
          });
        return root ? nodes.concat(unitChildren(audit, node.orgKey, root.id, s.filter)) : nodes;
      }
      case 'ou': {
        const s = this.orgs.state(node.orgKey);
        return s.audit ? unitChildren(s.audit, node.orgKey, node.unitId, s.filter) : [];
      }
      case 'member': {
        const line = this.orgs.state(node.orgKey).audit?.accounts.find((a) => a.accountId === node.accountId);
        if (line?.state === 'failed')
          return [
            {
              kind: 'error',
              key: node.key,
              id: `${node.orgKey}/${node.key}/failed`,
              label: line.error ?? 'not audited',
              detail: line.error ?? 'not audited',
            },
          ];
        if (!line || line.state === 'pending')
          return [
            {
              kind: 'message',
              key: node.key,
              id: `${node.orgKey}/${node.key}/pending`,
              icon: 'debug-pause',
              label: 'Not audited yet: run "Audit All Accounts"',
            },
          ];
        return this.accountChildren(node.key);
      }
      default:
        return [];
    }
  }

  getTreeItem(node: AccountsNode): vscode.TreeItem {
    switch (node.kind) {
      case 'account':
        return accountItem({
          key: node.key,
          info: this.data.accounts.get(node.key),
          audit: this.data.audits.get(node.key),
          auditing: this.data.isAuditing(node.key),
        });
      case 'category':
        return categoryItem(node);
      case 'region':
        return regionItem(node);
      case 'item':
        return itemTreeItem(node);
      case 'error':
        return errorItem(node);
      case 'message':
        return messageItem(node);
      case 'organization':
        return organizationItem(node, this.orgs.infos.get(node.orgKey), this.orgs.state(node.orgKey));
      case 'ou': {
        const audit = this.orgs.state(node.orgKey).audit;
        return audit ? ouItem(node, audit, this.orgs.state(node.orgKey).filter) : new vscode.TreeItem(node.unitId);
      }
      case 'member': {
        const s = this.orgs.state(node.orgKey);
        return memberItem(
          node,
          s.audit?.accounts.find((a) => a.accountId === node.accountId),
          !!s.running,
        );
      }
    }
  }

  /** Parents for TreeView.reveal (the security report reveals a figure's items). */
  getParent(node: AccountsNode): AccountsNode | undefined {
    if (node.kind === 'account' || node.kind === 'organization' || node.kind === 'ou' || node.kind === 'member')
      return undefined;
    if (node.kind === 'category') return this.accountNode(node.key);
    if (node.kind === 'region') return { kind: 'category', key: node.key, category: node.category };
    if (node.kind === 'item') {
      const c = this.data.audits.get(node.key)?.categories.find((c) => c.id === node.categoryId);
      if (!c) return this.accountNode(node.key);
      if (groupsByRegion(c.id)) {
        const region = regionOf(node.item);
        const items = c.items.filter((i) => regionOf(i) === region);
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
      const key = this.data.keyOfAccountId(t.accountId);
      const audit = key ? this.data.audits.get(key) : undefined;
      if (!key || !audit) continue;
      let node: AccountsNode | undefined = t.id === t.accountId ? this.accountNode(key) : undefined;
      for (const c of node ? [] : audit.categories) {
        const item = c.items.find((i) => i.id === t.id);
        if (item) {
          node = itemNode(key, c.id, item);
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
    const accounts = await this.data.list();
    this.orgs.setListed(this.data.organizations);
    const orgNodes: AccountsNode[] = [...this.orgs.infos.keys()].map((orgKey) => ({ kind: 'organization', orgKey }));
    // One node per account: an account that is a member of an audited organization sits under its OU.
    const members = this.orgs.memberIds();
    return orgNodes.concat(
      accounts.filter((a) => !a.accountId || !members.has(a.accountId)).map((a) => this.accountNode(a.key)),
    );
  }

  private async accountChildren(key: string): Promise<AccountsNode[]> {
    // Expanding the account is what starts its first audit.
    const audit = this.data.audits.get(key) ?? (await this.data.audit(key, { refresh: false }, { expanding: true }));
    if (!audit) {
      const label = this.data.wasCancelled(key) ? 'Audit cancelled: refresh to audit' : 'Not audited: refresh to audit';
      return [{ kind: 'message', key, id: `${key}/not-audited`, icon: 'debug-pause', label }];
    }
    return accountChildren(key, audit, this.hideClean);
  }

  private accountNode(key: string): AccountNode {
    let node = this.accountNodes.get(key);
    if (!node) {
      node = { kind: 'account', key };
      this.accountNodes.set(key, node);
    }
    return node;
  }

  // ---- refresh (the commands' host) -----------------------------------------------------------

  async refreshAll(opts: { reaudit: boolean } = { reaudit: true }): Promise<void> {
    const audited = [...this.data.audits.keys()];
    this.data.forget({ keepAudits: opts.reaudit });
    this.changed.fire(undefined);
    if (this.serverState !== 'running') return;
    const accounts = await this.data.list();
    this.changed.fire(undefined);
    if (!opts.reaudit) return;
    const keys = audited.filter((k) => accounts.some((a) => a.key === k));
    await Promise.all(keys.map((k) => this.data.audit(k, { refresh: true })));
    for (const k of keys) this.changed.fire(this.accountNode(k));
  }

  async refreshNode(node: AccountsNode | undefined): Promise<void> {
    if (!node) return this.refreshAll();
    if (node.kind === 'organization' || node.kind === 'ou') return void (await this.orgs.auditAll(node.orgKey));
    const category: AuditCategoryId | undefined =
      node.kind === 'category' || node.kind === 'region'
        ? node.category.id
        : node.kind === 'item'
          ? node.categoryId
          : undefined;
    const previous = this.data.audits.get(node.key);
    const fresh = await this.data.audit(node.key, { refresh: true, category });
    // A member of an organization: its counts on the organization and OU lines follow.
    if (fresh) this.orgs.memberRefreshed(fresh, previous);
    this.changed.fire(node.kind === 'member' ? undefined : this.accountNode(node.key));
  }

  async toggleClean(): Promise<void> {
    this.hideClean = !this.hideClean;
    await this.context.workspaceState.update('ajar.accounts.hideClean', this.hideClean);
    await vscode.commands.executeCommand('setContext', 'ajar.accounts.hideClean', this.hideClean);
    this.changed.fire(undefined);
  }

  // ---- helpers --------------------------------------------------------------------------------

  private setViewState(state: ViewState): void {
    void vscode.commands.executeCommand('setContext', 'ajar.accounts.state', state);
  }

  private refreshAges(): void {
    for (const [key, node] of this.accountNodes)
      if (this.data.audits.has(key) || this.data.accounts.get(key)?.auditedAt) this.changed.fire(node);
  }

  private orgTimer: NodeJS.Timeout | undefined;
  /** Organization changes come with every account done: one tree refresh per 250 ms at most. */
  private fireOrganizations(): void {
    this.orgTimer ??= setTimeout(() => {
      this.orgTimer = undefined;
      this.changed.fire(undefined);
    }, 250);
  }

  /** A change event fired from inside getChildren must wait for it to return. */
  private fireLater(node: AccountsNode): void {
    setTimeout(() => this.changed.fire(node), 0);
  }
}
