/**
 * The Accounts tree's node kinds. A node is plain data (what the tree shows at one place); the
 * data layer (`data.ts`) builds them from the server's answers, `render.ts` turns each into a
 * vscode.TreeItem, `commands.ts` acts on them.
 *
 * To add a node kind: add its interface here and to `AccountsNode`, build it in `data.ts` (or in
 * the view's getChildren for a new root), render it in `render.ts` (`treeItem`'s switch), give its
 * parent in `view.ts` (`getParent`) if it can be revealed.
 */
import type { AuditCategory, AuditCategoryId, AuditItem, AuditSeverity } from '../../../server/src/lsp/protocol';

export interface AccountNode {
  kind: 'account';
  key: string;
}
export interface CategoryNode {
  kind: 'category';
  key: string;
  category: AuditCategory;
}
export interface RegionNode {
  kind: 'region';
  key: string;
  category: AuditCategory;
  region: string;
  items: AuditItem[];
}
export interface ItemNode {
  kind: 'item';
  key: string;
  categoryId: AuditCategoryId;
  item: AuditItem;
}
export interface ErrorNode {
  kind: 'error';
  key: string;
  id: string;
  label: string;
  detail: string;
}
export interface MessageNode {
  kind: 'message';
  key: string;
  id: string;
  label: string;
  icon: string;
}
/** An organization of `ajar.audit.organizations` (organization.ts). */
export interface OrganizationNode {
  kind: 'organization';
  orgKey: string;
}
/** An OU of an audited organization. */
export interface OuNode {
  kind: 'ou';
  orgKey: string;
  unitId: string;
}
/** A member account under its OU; `key` (its account id) is its audit's, as for an account node. */
export interface MemberNode {
  kind: 'member';
  orgKey: string;
  key: string;
  accountId: string;
}
export type AccountsNode =
  | AccountNode
  | CategoryNode
  | RegionNode
  | ItemNode
  | ErrorNode
  | MessageNode
  | OrganizationNode
  | OuNode
  | MemberNode;

export type Severity = AuditSeverity | 'pass';
export const SEVERITY_ORDER: Severity[] = ['error', 'warning', 'information', 'pass'];

export function worstOf(severities: AuditSeverity[]): AuditSeverity | undefined {
  let best: AuditSeverity | undefined;
  for (const s of severities) if (!best || SEVERITY_ORDER.indexOf(s) < SEVERITY_ORDER.indexOf(best)) best = s;
  return best;
}
