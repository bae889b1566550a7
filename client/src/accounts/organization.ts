/**
 * The organizations in the Accounts tree: Organization → OU tree → member accounts (name, id,
 * counts by severity), a summary on the organization node (accounts audited, failed, findings by
 * rule), "Audit all accounts" with progress (N of M, from the server's ajar/organizationProgress
 * notifications) and cancel, and a filter (accounts with errors; one rule). Nothing runs until the
 * user asks; each member account expands as any account does (its categories come from
 * ajar/auditAccount, which the server answers from the organization's audit).
 * It shows what the server says; it evaluates nothing itself.
 */
import * as vscode from 'vscode';
import { WorkDoneProgress, type LanguageClient } from 'vscode-languageclient/node';
import {
  type AccountAudit,
  AuditOrganizationRequest,
  OrganizationProgressNotification,
  type AuditOrganizationParams,
  type OrganizationAccount,
  type OrganizationAudit,
  type OrganizationInfo,
  type OrganizationProgressParams,
  type SeverityCounts,
} from '../../../server/src/lsp/protocol';
import type { AccountsNode, MemberNode, OrganizationNode, OuNode } from './nodes';
import { type OrganizationFilter, matchesFilter, ouCounts, withRefreshedMember } from './orgCounts';
import { escapeMd, severityIcon } from './render';

export { type OrganizationFilter, accountsUnder, matchesFilter } from './orgCounts';

interface OrgState {
  /** The last (or the running) audit: the tree, each account's line, the summary. */
  audit?: OrganizationAudit;
  running?: { done: number; total: number };
  filter?: OrganizationFilter;
}

export class OrganizationsData implements vscode.Disposable {
  readonly infos = new Map<string, OrganizationInfo>();
  private readonly states = new Map<string, OrgState>();
  private readonly disposables: vscode.Disposable[] = [];
  private seq = 0;

  constructor(
    private readonly client: LanguageClient,
    private readonly output: vscode.OutputChannel,
    /** An organization's node changed (progress, result, filter). */
    private readonly onChanged: (orgKey: string, memberIds: string[]) => void,
  ) {
    this.disposables.push(
      client.onNotification(OrganizationProgressNotification, (p: OrganizationProgressParams) => this.progress(p)),
    );
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  /** The organizations of the last listing. */
  setListed(list: OrganizationInfo[] | undefined): void {
    this.infos.clear();
    for (const o of list ?? []) this.infos.set(o.key, o);
  }

  state(orgKey: string): OrgState {
    let s = this.states.get(orgKey);
    if (!s) {
      s = {};
      this.states.set(orgKey, s);
    }
    return s;
  }

  /** Account ids of the members of every audited organization (a root account node would repeat one). */
  memberIds(): Set<string> {
    const ids = new Set<string>();
    for (const s of this.states.values()) for (const a of s.audit?.accounts ?? []) ids.add(a.accountId);
    return ids;
  }

  /** The last audit the server holds (asked only when it says it has one: no AWS call). */
  async cached(orgKey: string): Promise<OrganizationAudit | undefined> {
    const s = this.state(orgKey);
    if (s.audit || s.running || !this.infos.get(orgKey)?.auditedAt) return s.audit;
    try {
      s.audit = await this.client.sendRequest<OrganizationAudit>(AuditOrganizationRequest, { key: orgKey });
    } catch (err) {
      this.output.appendLine(`ajar/auditOrganization ${orgKey} failed: ${err instanceof Error ? err.message : err}`);
    }
    return s.audit;
  }

  /** "Audit all accounts": the whole organization again, with N of M progress and Cancel. */
  async auditAll(orgKey: string): Promise<OrganizationAudit | undefined> {
    const s = this.state(orgKey);
    if (s.running) return s.audit;
    const info = this.infos.get(orgKey);
    const workDoneToken = `ajar-org-${process.pid}-${++this.seq}`;
    s.running = { done: 0, total: 0 };
    this.onChanged(orgKey, []);
    try {
      return await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: `Ajar: auditing ${info?.label ?? orgKey}`,
          cancellable: true,
        },
        async (progress, token) => {
          let reported = 0;
          const sub = this.client.onProgress(WorkDoneProgress.type, workDoneToken, (value) => {
            if (value.kind === 'end') return;
            const total = s.running?.total ?? 0;
            const done = s.running?.done ?? 0;
            const pct = total ? (100 * done) / total : 0;
            progress.report({ message: value.message, increment: Math.max(0, pct - reported) });
            reported = Math.max(reported, pct);
          });
          const source = new vscode.CancellationTokenSource();
          const cancelSub = token.onCancellationRequested(() => source.cancel());
          try {
            const params: AuditOrganizationParams = { key: orgKey, refresh: true, workDoneToken };
            const result = await this.client.sendRequest<OrganizationAudit>(
              AuditOrganizationRequest,
              params,
              source.token,
            );
            s.audit = result;
            return result;
          } catch (err) {
            if (!token.isCancellationRequested) {
              const text = err instanceof Error ? err.message : String(err);
              this.output.appendLine(`ajar/auditOrganization ${orgKey} failed: ${text}`);
              void vscode.window.showErrorMessage(`Ajar: the audit of ${info?.label ?? orgKey} failed: ${text}`);
            }
            return s.audit;
          } finally {
            sub.dispose();
            cancelSub.dispose();
            source.dispose();
          }
        },
      );
    } finally {
      s.running = undefined;
      this.onChanged(
        orgKey,
        (s.audit?.accounts ?? []).map((a) => a.accountId),
      );
    }
  }

  private progress(p: OrganizationProgressParams): void {
    const s = this.state(p.key);
    if (!s.running) return;
    s.running = { done: p.done, total: p.total };
    if (p.kind === 'tree' && p.tree) {
      const previous = s.audit;
      s.audit = {
        key: p.key,
        profile: previous?.profile ?? this.infos.get(p.key)?.profile ?? '',
        id: p.tree.id,
        managementAccountId: p.tree.managementAccountId,
        auditedAt: new Date().toISOString(),
        units: p.tree.units,
        accounts: p.tree.accounts,
        summary: summaryOf(p.tree.accounts, previous?.summary.listed ?? p.tree.accounts.length),
      };
    } else if (p.kind === 'account' && p.account && s.audit) {
      const line = p.account;
      s.audit.accounts = s.audit.accounts.map((a) => (a.accountId === line.accountId ? line : a));
      s.audit.summary = summaryOf(s.audit.accounts, s.audit.summary.listed);
    }
    this.onChanged(p.key, p.account ? [p.account.accountId] : []);
  }

  /**
   * A member account audited again on its own (refresh): its line and its organization's summary
   * follow, so the organization and OU lines show its new counts.
   */
  memberRefreshed(fresh: AccountAudit, previous: AccountAudit | undefined): void {
    for (const [orgKey, s] of this.states) {
      if (!s.audit || s.running) continue;
      const next = withRefreshedMember(s.audit, fresh, previous);
      if (!next) continue;
      s.audit = next;
      this.onChanged(orgKey, []);
    }
  }

  setFilter(orgKey: string, filter: OrganizationFilter | undefined): void {
    this.state(orgKey).filter = filter;
    this.onChanged(orgKey, []);
  }
}

/** The summary while the audit runs (the server's final answer replaces it). */
function summaryOf(accounts: OrganizationAccount[], listed: number): OrganizationAudit['summary'] {
  const counts: SeverityCounts = { error: 0, warning: 0, information: 0 };
  const byRule: Record<string, number> = {};
  for (const a of accounts) {
    for (const k of ['error', 'warning', 'information'] as const) counts[k] += a.counts[k];
    for (const r of a.rules) byRule[r] = (byRule[r] ?? 0) + 1;
  }
  return {
    listed,
    selected: accounts.length,
    audited: accounts.filter((a) => a.state === 'audited').length,
    failed: accounts.filter((a) => a.state === 'failed').length,
    counts,
    byRule,
  };
}

// ---- grouping (pure) ------------------------------------------------------------------------

/** The OUs and accounts directly under a unit (the root for the organization node), filtered. */
export function unitChildren(audit: OrganizationAudit, orgKey: string, unitId: string, filter?: OrganizationFilter) {
  const visible = (id: string): boolean =>
    audit.accounts.some((a) => a.ouId === id && matchesFilter(a, filter)) ||
    audit.units.some((u) => u.parentId === id && visible(u.id));
  const ous: OuNode[] = audit.units
    .filter((u) => u.parentId === unitId && (!filter || visible(u.id)))
    .map((u) => ({ kind: 'ou', orgKey, unitId: u.id }));
  const members: MemberNode[] = audit.accounts
    .filter((a) => a.ouId === unitId && matchesFilter(a, filter))
    .map((a) => ({ kind: 'member', orgKey, key: a.accountId, accountId: a.accountId }));
  return [...ous, ...members];
}

export function countsText(c: SeverityCounts): string {
  const parts: string[] = [];
  if (c.error) parts.push(`${c.error} error${c.error === 1 ? '' : 's'}`);
  if (c.warning) parts.push(`${c.warning} warning${c.warning === 1 ? '' : 's'}`);
  if (c.information) parts.push(`${c.information} info`);
  return parts.length ? parts.join(', ') : 'no findings';
}

function worstIcon(c: SeverityCounts): vscode.ThemeIcon {
  return c.error
    ? severityIcon('error')
    : c.warning
      ? severityIcon('warning')
      : c.information
        ? severityIcon('information')
        : severityIcon('pass');
}

export function filterText(f: OrganizationFilter | undefined): string | undefined {
  return !f ? undefined : f.kind === 'errors' ? 'accounts with errors' : `rule ${f.ruleId}`;
}

// ---- rendering ------------------------------------------------------------------------------

export function organizationItem(
  node: OrganizationNode,
  info: OrganizationInfo | undefined,
  s: OrgState,
): vscode.TreeItem {
  const a = s.audit;
  const label = a?.id ? `Organization ${a.id}` : (info?.label ?? node.orgKey);
  const t = new vscode.TreeItem(
    label,
    a ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed,
  );
  // A new id once audited, so that the tree opens on its OUs (VS Code keeps the state of a known id).
  t.id = `organization/${node.orgKey}${a ? '/audited' : ''}`;
  const parts: string[] = [];
  if (s.running)
    parts.push(s.running.total ? `auditing ${s.running.done} of ${s.running.total}` : 'reading the organization…');
  else if (!a) parts.push(`${info?.profile ?? ''} · not audited`);
  if (a && !s.running) {
    parts.push(`${a.summary.audited} audited${a.summary.failed ? `, ${a.summary.failed} failed` : ''}`);
    parts.push(countsText(a.summary.counts));
    if (a.cancelled) parts.push('cancelled');
  }
  const f = filterText(s.filter);
  if (f) parts.push(`filter: ${f}`);
  t.description = parts.join(' · ');
  const tip = new vscode.MarkdownString();
  tip.appendMarkdown(`**${escapeMd(label)}**\n\n`);
  if (info) tip.appendMarkdown(`Read with profile \`${info.profile}\`; role \`${info.roleName}\` in each member\n\n`);
  if (a?.managementAccountId) tip.appendMarkdown(`Management account: \`${a.managementAccountId}\`\n\n`);
  if (a) {
    tip.appendMarkdown(
      `Accounts: ${a.summary.selected} selected of ${a.summary.listed}; ${a.summary.audited} audited, ${a.summary.failed} failed\n\n`,
    );
    tip.appendMarkdown(`Findings: ${countsText(a.summary.counts)}\n\n`);
    const rules = Object.entries(a.summary.byRule);
    if (rules.length) {
      tip.appendMarkdown('| rule | findings |\n| --- | --- |\n');
      for (const [r, n] of rules) tip.appendMarkdown(`| ${r} | ${n} |\n`);
    }
    if (a.error) tip.appendMarkdown('\n\n').appendText(a.error);
  } else tip.appendMarkdown('Not audited yet: **Audit all accounts** reads it (read-only; assumes the role).');
  t.tooltip = tip;
  t.iconPath = new vscode.ThemeIcon('organization');
  t.contextValue = `organization ${s.running ? 'running' : 'idle'}${a ? ' audited' : ''}`;
  return t;
}

/** An OU's line: its accounts (with a filter on, those shown) and their findings. */
export function ouItem(node: OuNode, audit: OrganizationAudit, filter?: OrganizationFilter): vscode.TreeItem {
  const u = audit.units.find((x) => x.id === node.unitId);
  const t = new vscode.TreeItem(u?.name ?? node.unitId, vscode.TreeItemCollapsibleState.Expanded);
  t.id = `organization/${node.orgKey}/ou/${node.unitId}`;
  const { accounts, counts } = ouCounts(audit, node.unitId, filter);
  t.description = `${accounts} account${accounts === 1 ? '' : 's'} · ${countsText(counts)}`;
  t.tooltip = new vscode.MarkdownString().appendMarkdown(
    `**${escapeMd(u?.path ?? node.unitId)}**\n\n\`${node.unitId}\``,
  );
  t.iconPath = new vscode.ThemeIcon('symbol-namespace');
  t.contextValue = 'ou';
  return t;
}

export function memberItem(node: MemberNode, a: OrganizationAccount | undefined, auditing: boolean): vscode.TreeItem {
  const name = a?.name ?? node.accountId;
  const t = new vscode.TreeItem(name, vscode.TreeItemCollapsibleState.Collapsed);
  t.id = `organization/${node.orgKey}/account/${node.accountId}`;
  const parts = [node.accountId];
  if (!a || a.state === 'pending') parts.push(auditing ? 'waiting…' : 'not audited');
  else if (a.state === 'failed') parts.push('failed');
  else {
    parts.push(countsText(a.counts));
    if (a.unread) parts.push(`${a.unread} unreadable`);
  }
  t.description = parts.join(' · ');
  const tip = new vscode.MarkdownString();
  tip.appendMarkdown(`**${escapeMd(name)}**\n\nAccount id: \`${node.accountId}\`\n\n`);
  if (a?.ou) tip.appendMarkdown(`OU: ${escapeMd(a.ou)}\n\n`);
  if (a?.state === 'audited') {
    tip.appendMarkdown(`Findings: ${countsText(a.counts)}${a.rules.length ? ` (${a.rules.join(', ')})` : ''}`);
    if (a.unread)
      tip.appendMarkdown(`\n\n${a.unread} thing${a.unread === 1 ? '' : 's'} could not be read: expand to see what`);
  }
  if (a?.error) tip.appendMarkdown('\n\n').appendText(a.error);
  t.tooltip = tip;
  t.iconPath =
    !a || a.state === 'pending'
      ? new vscode.ThemeIcon('account')
      : a.state === 'failed'
        ? severityIcon('error')
        : worstIcon(a.counts);
  t.contextValue = `member${a?.state === 'audited' ? ' audited' : ''}`;
  return t;
}

/** The children of an organization node before any audit: what to do. */
export function notAuditedChildren(orgKey: string, running: boolean): AccountsNode[] {
  return [
    {
      kind: 'message',
      key: orgKey,
      id: `${orgKey}/not-audited`,
      icon: running ? 'loading~spin' : 'debug-pause',
      label: running ? 'Reading the organization…' : 'Not audited: run "Audit All Accounts" (read-only)',
    },
  ];
}

// ---- commands -------------------------------------------------------------------------------

function orgKeyOf(orgs: OrganizationsData, node: AccountsNode | undefined): string | undefined {
  if (node?.kind === 'organization' || node?.kind === 'ou' || node?.kind === 'member') return node.orgKey;
  return orgs.infos.size === 1 ? [...orgs.infos.keys()][0] : undefined;
}

/** "Audit All Accounts" on an organization node (or the only organization). */
export async function auditOrganizationCommand(orgs: OrganizationsData, node: AccountsNode | undefined): Promise<void> {
  const key = orgKeyOf(orgs, node);
  if (!key) return void vscode.window.showInformationMessage('Ajar: select an organization in the Accounts view.');
  await orgs.auditAll(key);
}

/** The filter: every account, the accounts with errors, or those with findings of one rule. */
export async function filterOrganizationCommand(
  orgs: OrganizationsData,
  node: AccountsNode | undefined,
): Promise<void> {
  const key = orgKeyOf(orgs, node);
  if (!key) return void vscode.window.showInformationMessage('Ajar: select an organization in the Accounts view.');
  const s = orgs.state(key);
  const byRule = Object.entries(s.audit?.summary.byRule ?? {});
  type Pick = vscode.QuickPickItem & { filter: OrganizationFilter | undefined };
  const items: Pick[] = [
    { label: 'All accounts', filter: undefined },
    {
      label: 'Accounts with errors',
      description: 'failed, or something could not be read',
      filter: { kind: 'errors' },
    },
    ...byRule.map(([ruleId, n]) => ({
      label: ruleId,
      description: `accounts with findings of this rule (${n} finding${n === 1 ? '' : 's'})`,
      filter: { kind: 'rule' as const, ruleId },
    })),
  ];
  const picked = await vscode.window.showQuickPick(items, { title: 'Ajar: show which accounts of the organization' });
  if (picked) orgs.setFilter(key, picked.filter);
}
