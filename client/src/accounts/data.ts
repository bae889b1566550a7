/**
 * The Accounts tree's data: the account list (`ajar/listAccounts`), the audits
 * (`ajar/auditAccount`, started only when the user expands an account or asks for a refresh:
 * credentials may cost money or prompt for MFA), cached per account with their age, and the
 * grouping of an audit into the tree's nodes (categories, EC2 regions, items).
 * It shows what the server says; it evaluates nothing itself.
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
  type ListAccountsResult,
} from '../../../server/src/lsp/protocol';
import type { AccountsNode, ItemNode } from './nodes';

/** How the last listing went; the view turns it into the `ajar.accounts.state` context key. */
export type ListOutcome = 'listFailed' | 'noConfig' | 'noAccess' | 'ready';

export interface AuditOptions {
  refresh: boolean;
  category?: AuditCategoryId;
}

export class AccountsData {
  private listing: Promise<AccountInfo[]> | undefined;
  readonly accounts = new Map<string, AccountInfo>();
  /** The organizations of the last listing (organization.ts shows them). */
  organizations: ListAccountsResult['organizations'] = [];
  readonly audits = new Map<string, AccountAudit>();
  private readonly running = new Map<string, Promise<AccountAudit | undefined>>();
  private readonly cancelled = new Set<string>();
  private progressSeq = 0;

  constructor(
    private readonly client: LanguageClient,
    private readonly output: vscode.OutputChannel,
    /** Called when the listing ends (with its outcome). */
    private readonly onListed: (outcome: ListOutcome) => void,
    /**
     * Called when an account's audit starts or ends (re-render its node); `expanding` when the
     * audit is VS Code's request for the account's children.
     */
    private readonly onAuditState: (key: string, phase: 'start' | 'end', expanding: boolean) => void,
  ) {}

  /** The accounts, listed once until `forget()`. */
  list(): Promise<AccountInfo[]> {
    this.listing ??= this.listAccounts();
    return this.listing;
  }

  /** Drops the listing (and the audits unless `keepAudits`); the next `list()` asks again. */
  forget(opts: { keepAudits: boolean }): void {
    this.listing = undefined;
    if (!opts.keepAudits) this.audits.clear();
  }

  isAuditing(key: string): boolean {
    return this.running.has(key);
  }

  wasCancelled(key: string): boolean {
    return this.cancelled.has(key);
  }

  /** The key of the audited account with this account id. */
  keyOfAccountId(accountId: string): string | undefined {
    return [...this.audits].find(([, a]) => a.accountId === accountId)?.[0];
  }

  private async listAccounts(): Promise<AccountInfo[]> {
    let result: ListAccountsResult;
    try {
      result = await this.client.sendRequest<ListAccountsResult>(ListAccountsRequest);
    } catch (err) {
      this.output.appendLine(`ajar/listAccounts failed: ${errorText(err)}`);
      this.onListed('listFailed');
      return [];
    }
    for (const p of result.problems) this.output.appendLine(`AWS configuration: ${p}`);
    this.organizations = result.organizations ?? [];
    this.accounts.clear();
    for (const a of result.accounts) this.accounts.set(a.key, a);
    this.onListed(!result.configFound ? 'noConfig' : result.accounts.length === 0 ? 'noAccess' : 'ready');
    return result.accounts;
  }

  /** Runs (or joins) an audit with cancellable progress; merges a one-category audit into the cache. */
  audit(key: string, opts: AuditOptions, from: { expanding?: boolean } = {}): Promise<AccountAudit | undefined> {
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
    this.onAuditState(key, 'start', from.expanding === true);
    void promise.finally(() => {
      this.running.delete(runKey);
      this.onAuditState(key, 'end', from.expanding === true);
    });
    return promise;
  }

  private async sendAudit(
    key: string,
    opts: AuditOptions,
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
}

// ---- grouping: an audit into the tree's nodes (pure) ------------------------------------------

/** The children of an audited account: its error, its categories (clean ones hidden on request). */
export function accountChildren(key: string, audit: AccountAudit, hideClean: boolean): AccountsNode[] {
  const nodes: AccountsNode[] = [];
  if (audit.error) {
    const label = audit.loginFailed ? `Login failed: ${audit.error}` : audit.error;
    nodes.push({ kind: 'error', key, id: `${key}/error`, label, detail: audit.error });
  }
  const categories = audit.categories.filter(
    (c) => !hideClean || c.errors.length > 0 || c.items.some((i) => i.findings.length > 0),
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

/** The children of a category: what could not be read, then its items (EC2: by region). */
export function categoryChildren(key: string, category: AuditCategory, hideClean: boolean): AccountsNode[] {
  const nodes: AccountsNode[] = category.errors.map((e, i) => ({
    kind: 'error' as const,
    key,
    id: `${key}/${category.id}/error/${i}`,
    // Several regions fail alike: the label says which.
    label: `${e.region ? `${e.region}: ` : ''}${/^could not/i.test(e.message) ? e.message : `could not read: ${e.message}`}`,
    detail: [e.service, e.region, e.message].filter(Boolean).join(' · '),
  }));
  if (groupsByRegion(category.id)) {
    const byRegion = new Map<string, AuditItem[]>();
    for (const item of category.items) {
      const region = regionOf(item);
      byRegion.set(region, [...(byRegion.get(region) ?? []), item]);
    }
    for (const [region, items] of [...byRegion].sort(([a], [b]) => a.localeCompare(b))) {
      if (visibleItems(items, hideClean).length === 0) continue;
      nodes.push({ kind: 'region', key, category, region, items });
    }
    return nodes;
  }
  return nodes.concat(visibleItems(category.items, hideClean).map((item) => itemNode(key, category.id, item)));
}

/** Categories whose items sit under a region node. */
export function groupsByRegion(id: AuditCategoryId): boolean {
  return id === 'ec2';
}

export function regionOf(item: AuditItem): string {
  return item.region ?? 'unknown region';
}

export function visibleItems(items: AuditItem[], hideClean: boolean): AuditItem[] {
  return hideClean ? items.filter((i) => i.findings.length > 0) : items;
}

export function itemNode(key: string, categoryId: AuditCategoryId, item: AuditItem): ItemNode {
  return { kind: 'item', key, categoryId, item };
}

export function mergeCategory(
  previous: AccountAudit | undefined,
  result: AccountAudit,
  id: AuditCategoryId,
): AccountAudit {
  if (!previous) return result;
  const fresh = result.categories.find((c) => c.id === id);
  if (!fresh) return previous;
  const categories = previous.categories.some((c) => c.id === id)
    ? previous.categories.map((c) => (c.id === id ? fresh : c))
    : [...previous.categories, fresh];
  return { ...previous, categories };
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
