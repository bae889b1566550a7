/**
 * The Accounts tree's rendering: one vscode.TreeItem per node (label, description, tooltip, icon,
 * contextValue for the menus). Pure: everything it shows comes in through its arguments.
 *
 * To add a tooltip line: the account's is `accountTooltip`, a resource's `itemTooltip`.
 * A new contextValue flag (for a `view/item/context` menu `when`) goes in `itemTreeItem`.
 */
import * as vscode from 'vscode';
import type { AccountAudit, AccountInfo, AuditCategoryId } from '../../../server/src/lsp/protocol';
import {
  type CategoryNode,
  type ErrorNode,
  type ItemNode,
  type MessageNode,
  type RegionNode,
  type Severity,
  worstOf,
} from './nodes';

export interface AccountState {
  key: string;
  info: AccountInfo | undefined;
  audit: AccountAudit | undefined;
  auditing: boolean;
}

export function accountItem({ key, info, audit, auditing }: AccountState, now = Date.now()): vscode.TreeItem {
  const alias = audit?.alias ?? info?.alias;
  const accountId = audit?.accountId ?? info?.accountId;
  const profiles = audit?.profiles ?? info?.profiles ?? [];
  // A login that failed audited nothing: its time is when it was tried, never "audited".
  const loginError = audit ? (audit.loginFailed ? audit.error : undefined) : info?.error;
  const auditedAt = audit?.loginFailed ? undefined : (audit?.auditedAt ?? info?.auditedAt);
  const label = alias ?? accountId ?? info?.label ?? key;
  const t = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Collapsed);
  t.id = `account/${key}`;
  const parts = [profiles.filter((p) => p !== label).join(', ')];
  if (auditing) parts.push('auditing…');
  else if (loginError) parts.push(audit ? `login failed ${age(audit.auditedAt, now)}` : 'login failed');
  else if (auditedAt) parts.push(`audited ${age(auditedAt, now)}`);
  else parts.push('not audited');
  t.description = parts.filter(Boolean).join(' · ');
  const worst = audit
    ? worstOf(audit.categories.flatMap((c) => c.items.flatMap((i) => i.findings.map((f) => f.severity))))
    : undefined;
  t.tooltip = accountTooltip({ label, accountId, profiles, auditedAt, loginError, worst, error: audit?.error });
  t.iconPath = loginError
    ? severityIcon('error')
    : worst
      ? severityIcon(worst)
      : audit?.error
        ? severityIcon('warning')
        : audit
          ? severityIcon('pass')
          : new vscode.ThemeIcon('account');
  t.contextValue = loginError ? 'account loginFailed' : 'account';
  return t;
}

function accountTooltip(a: {
  label: string;
  accountId: string | undefined;
  profiles: string[];
  auditedAt: string | undefined;
  loginError: string | undefined;
  worst: Severity | undefined;
  error: string | undefined;
}): vscode.MarkdownString {
  const tip = new vscode.MarkdownString();
  tip.appendMarkdown(`**${escapeMd(a.label)}**\n\n`);
  if (a.accountId) tip.appendMarkdown(`Account id: \`${a.accountId}\`\n\n`);
  if (a.profiles.length)
    tip.appendMarkdown(
      `Profile${a.profiles.length === 1 ? '' : 's'}: ${a.profiles.map((p) => `\`${p}\``).join(', ')}\n\n`,
    );
  if (a.loginError) {
    tip.appendMarkdown('**Login failed**: ').appendText(a.loginError);
    tip.appendMarkdown('\n\nNothing was audited. Fix the login, then Refresh.');
    return tip;
  }
  if (a.auditedAt) {
    tip.appendMarkdown(`Audited ${new Date(a.auditedAt).toLocaleString()}`);
    tip.appendMarkdown(a.worst ? ` · worst finding: ${a.worst}` : ' · no findings');
  } else tip.appendMarkdown('Not audited yet: expand to audit (read-only).');
  if (a.error) tip.appendMarkdown('\n\n').appendText(a.error);
  return tip;
}

export function categoryItem(node: CategoryNode): vscode.TreeItem {
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

export function regionItem(node: RegionNode): vscode.TreeItem {
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

export function itemTreeItem(node: ItemNode): vscode.TreeItem {
  const { item } = node;
  const t = new vscode.TreeItem(item.label, vscode.TreeItemCollapsibleState.None);
  t.id = `${node.key}/${node.categoryId}/item/${item.region ?? ''}/${item.id}`;
  // Queues and topics of the same name in several regions look alike: say where each one is.
  t.description =
    item.region && showsRegion(node.categoryId) ? `${item.region} · ${item.description}` : item.description;
  t.tooltip = itemTooltip(node);
  t.iconPath = severityIcon(worstOf(item.findings.map((f) => f.severity)) ?? 'pass');
  const flags = ['item'];
  if (item.arn) flags.push('arn');
  if (item.consoleUrl) flags.push('console');
  if (item.findings.length) flags.push('rules');
  // Deployed by a stack that maps to a workspace file: "Open in template".
  if (item.source) flags.push('template');
  t.contextValue = flags.join(' ');
  return t;
}

function itemTooltip({ item }: ItemNode): vscode.MarkdownString {
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
  return tip;
}

/** Categories whose items name their region (EC2 has region nodes; IAM is global). */
function showsRegion(id: AuditCategoryId): boolean {
  return id === 'sqs' || id === 'sns' || id === 's3';
}

export function errorItem(node: ErrorNode): vscode.TreeItem {
  const t = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
  t.id = node.id;
  t.iconPath = severityIcon('warning');
  t.tooltip = new vscode.MarkdownString().appendText(node.detail);
  t.contextValue = 'auditError';
  return t;
}

export function messageItem(node: MessageNode): vscode.TreeItem {
  const t = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
  t.id = node.id;
  t.iconPath = new vscode.ThemeIcon(node.icon);
  t.contextValue = 'message';
  return t;
}

export function severityIcon(severity: Severity): vscode.ThemeIcon {
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

export function escapeMd(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
