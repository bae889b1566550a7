/**
 * Custom LSP messages between the VS Code client and the Ajar language server.
 * The client imports ONLY this file from server/src (types and method names, no logic).
 */

export type AuditSeverity = 'error' | 'warning' | 'information';

/** `ajar/listAccounts`: accounts found in the AWS shared config/credentials and the environment. No AWS call. */
export const ListAccountsRequest = 'ajar/listAccounts';
export interface ListAccountsResult {
  /** False when no shared config/credentials file and no environment credentials were found. */
  configFound: boolean;
  /** Files looked at, for the empty state ("no AWS config found in ~/.aws/config"). */
  configFiles: string[];
  accounts: AccountInfo[];
  /** Problems reading the configuration (never secrets). */
  problems: string[];
  /** The organizations of `ajar.audit.organizations` (or `.ajar.yaml`): listed, not read, until audited. */
  organizations?: OrganizationInfo[];
}
export interface OrganizationInfo {
  /** `org:<profile>`, for ajar/auditOrganization. */
  key: string;
  /** The profile that reads the organization. */
  profile: string;
  /** The role assumed in each member account. */
  roleName: string;
  label: string;
  /** ISO time of the last audit of it in this session, when one ran. */
  auditedAt?: string;
}
export interface AccountInfo {
  /** Stable key for later requests: the account id once known, else `profile:<name>`. */
  key: string;
  label: string;
  accountId?: string;
  alias?: string;
  profiles: string[];
  /** ISO time of the cached audit, when one exists. */
  auditedAt?: string;
  /**
   * Why the profile could not log in (expired SSO session, no usable credentials...; never a
   * secret): its account is unknown, so it is listed on its own (key `profile:<name>`).
   */
  error?: string;
}

/** `ajar/auditAccount`: run (or return the cached) read-only audit of one account. Supports work-done progress and cancellation. */
export const AuditAccountRequest = 'ajar/auditAccount';
export interface AuditAccountParams {
  key: string;
  /** Ignore the cache. */
  refresh?: boolean;
  /** Only this category (refresh of one node). */
  category?: AuditCategoryId;
  /**
   * Measure credential ages as of this ISO 8601 instant instead of now (as `ajar audit --as-of`);
   * such an audit is neither answered from nor stored in the cache.
   */
  asOf?: string;
  workDoneToken?: string | number;
}
export type AuditCategoryId = 'root' | 'users' | 'ec2' | 's3' | 'sqs' | 'sns';
export interface AccountAudit {
  key: string;
  accountId?: string;
  alias?: string;
  profiles: string[];
  auditedAt: string;
  categories: AuditCategory[];
  /** Account-wide failure (cannot authenticate, expired SSO token...), with what to do. */
  error?: string;
  /** No profile could log in: nothing was audited (`auditedAt` is when it was tried). */
  loginFailed?: boolean;
}
export interface AuditCategory {
  id: AuditCategoryId;
  label: string;
  items: AuditItem[];
  /** What could not be read and why (AccessDenied on s3:ListAllMyBuckets, region 500...). */
  errors: { service: string; region?: string; message: string }[];
}
export interface AuditItem {
  id: string;
  label: string;
  arn?: string;
  region?: string;
  /** The key fact ("key 412 days old, unused 45 days"). */
  description: string;
  /** The evidence, markdown. */
  tooltip: string;
  findings: {
    ruleId: string;
    rule: string;
    severity: AuditSeverity;
    message: string;
    /** The rule's remediation paragraph (markdown). */
    fix?: string;
    /** The AWS CLI command(s) that fix this finding, for the user to review and run (Ajar never runs them). */
    command?: string;
  }[];
  /** AWS console URL for the resource (opened in the browser; never a write). */
  consoleUrl?: string;
  /** The CloudFormation stack that deployed the resource, and its logical id there. */
  stack?: { name: string; id: string; region: string; logicalId: string };
  /**
   * Where the resource is written in the workspace ("Open in template"): the template at the
   * logical id, or the CDK construct's line in the app's source (`construct`).
   */
  source?: {
    uri: string;
    range: { start: { line: number; character: number }; end: { line: number; character: number } };
    construct?: boolean;
  };
}

/**
 * `ajar/auditOrganization`: read the organization (OUs, member accounts) and audit every selected
 * ACTIVE account, a few at a time, each by assuming the role (the reader's own account through its
 * profile). Work-done progress ("N of M accounts") and cancellation; while it runs the server sends
 * `ajar/organizationProgress` notifications. Each account's categories are then what
 * `ajar/auditAccount` answers for `key: <account id>` (refresh re-audits that one account).
 * Answered from the last audit unless `refresh`.
 */
export const AuditOrganizationRequest = 'ajar/auditOrganization';
export interface AuditOrganizationParams {
  key: string;
  refresh?: boolean;
  workDoneToken?: string | number;
}
export interface SeverityCounts {
  error: number;
  warning: number;
  information: number;
}
export interface OrganizationUnit {
  id: string;
  name: string;
  /** null for the root. */
  parentId: string | null;
  /** "Root/Workloads/Prod". */
  path: string;
}
export interface OrganizationAccount {
  accountId: string;
  name: string;
  /** The OU (or root) it sits in, and its path. */
  ouId: string;
  ou: string;
  /** pending: not audited yet; audited; failed: nothing could be read (the role could not be assumed, cancelled). */
  state: 'pending' | 'audited' | 'failed';
  counts: SeverityCounts;
  /** Rule ids with at least one finding (the explorer's rule filter). */
  rules: string[];
  /** Why nothing could be read (state failed). */
  error?: string;
  /** What could not be read (a service, a region), when something could not. */
  unread: number;
}
export interface OrganizationAudit {
  key: string;
  profile: string;
  id?: string;
  managementAccountId?: string;
  auditedAt: string;
  /** The root and every OU, parents before children. */
  units: OrganizationUnit[];
  /** The selected ACTIVE accounts, sorted by OU path then name. */
  accounts: OrganizationAccount[];
  summary: {
    /** Accounts in the organization, whatever their status, and those selected for the audit. */
    listed: number;
    selected: number;
    audited: number;
    failed: number;
    counts: SeverityCounts;
    /** Rule id -> findings, over every account. */
    byRule: Record<string, number>;
  };
  /** The organization could not be read, or include/exclude name ids it does not have. */
  error?: string;
  /** Stopped before every account was audited. */
  cancelled?: boolean;
}

/** `ajar/organizationProgress` (server → client notification) while ajar/auditOrganization runs. */
export const OrganizationProgressNotification = 'ajar/organizationProgress';
export interface OrganizationProgressParams {
  key: string;
  /** `tree`: the organization was read (`tree`, every account pending); `account`: one more account done. */
  kind: 'tree' | 'account';
  done: number;
  total: number;
  tree?: Pick<OrganizationAudit, 'id' | 'managementAccountId' | 'units' | 'accounts'>;
  account?: OrganizationAccount;
}

/** `ajar/lintWorkspace`: re-scan the workspace now. Returns the number of files linted. */
export const LintWorkspaceRequest = 'ajar/lintWorkspace';
export interface LintWorkspaceResult {
  files: number;
  findings: number;
}

/** `ajar/ruleDocs`: the markdown documentation of a rule (AJxxx), or null. */
export const RuleDocsRequest = 'ajar/ruleDocs';
export interface RuleDocsParams {
  ruleId: string;
}

/** `ajar/findingCount` (server → client notification): findings across the workspace, for the status bar. */
export const FindingCountNotification = 'ajar/findingCount';
export interface FindingCountParams {
  /** What the Problems panel shows from the server: Ajar's findings plus cfn-lint's (after the merge). */
  errors: number;
  warnings: number;
  information: number;
  /** Files with at least one of those. */
  files: number;
  /** The part of the counts above that cfn-lint reported; absent from servers that count Ajar's findings only. */
  cfnLint?: { errors: number; warnings: number; information: number };
}

/**
 * `ajar/stats` (added for the benchmark and tests): the server's memory and what it holds.
 * Not used by the VS Code client.
 */
export const StatsRequest = 'ajar/stats';
export interface ServerStats {
  /** Resident set size, bytes. */
  rss: number;
  heapUsed: number;
  openDocuments: number;
  /** Files linted from disk (workspace scan) whose diagnostics are published. */
  diskFiles: number;
  /** Duration of the last open-document analysis, ms. */
  lastLintMs: number;
  cfnLint: 'off' | 'detecting' | 'ready' | 'unavailable';
  /** True while a workspace scan runs. */
  scanning: boolean;
  /** Files the last complete workspace scan linted. */
  lastScanFiles: number;
  /** Open-document analyses not yet published (queued, or running on the worker thread). */
  pending?: number;
  /** Whether the analysis thread for large documents is running. */
  analysisWorker?: boolean;
}

/**
 * `ajar/securityReport`: the posture report (your accounts beside Datadog's State of AWS Security)
 * of the audits the server ran last, one per account, as HTML built by the CLI's renderer.
 */
export const SecurityReportRequest = 'ajar/securityReport';
export interface SecurityReportParams {
  /** The webview's script nonce (the page's CSP allows only that script). */
  nonce: string;
}
export interface SecurityReportResult {
  /** null when no account has been audited yet. */
  html: string | null;
  /** The same page without any script, for "Save as HTML". */
  file: string | null;
  /** The suggested file name ("ajar-security-report-2025-01-31.html"). */
  fileName: string;
  /** Accounts in the report. */
  accounts: number;
  /** Each figure's resources, for revealing them in the Accounts view. */
  figures: { id: string; title: string; resources: { accountId: string; id: string; label: string }[] }[];
}

/**
 * `ajar.showSynthesizedResource` (workspace/executeCommand, from a CDK finding's code action): the
 * server asks the client to show the document at the range (`window/showDocument`): the template
 * node in cdk.out from the app's source, or the construct in the source from the template.
 */
export const ShowSynthesizedCommand = 'ajar.showSynthesizedResource';
export interface ShowSynthesizedArgs {
  uri: string;
  /** 0-based LSP range to select. */
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
}

/**
 * `ajar.revealLiveResource` (a client command; the server's live CodeLens on a template resource
 * names it): reveal the live resource's item in the Accounts view.
 */
export const RevealLiveResourceCommand = 'ajar.revealLiveResource';
export interface RevealLiveResourceArgs {
  accountId: string;
  /** The item's id (the resource ARN). */
  id: string;
}

/**
 * The `ajar.*` settings: their one table (name, type, default, scope, order, description) and the
 * settings type the client answers `workspace/configuration` with and the server reads.
 */
/**
 * Placeholders and rule docs in code actions (see /work/wt/EDITOR_CONTRACT.md). A client announces
 * the commands it implements in `initialize`'s `capabilities.experimental.ajar.commands`; the
 * server then attaches them to code actions:
 * - `ajar.selectPlaceholder` with one `SelectPlaceholderArgs`: run after a quick fix's edit is
 *   applied, selects the value the user must fill in (an organization id, a suppression reason).
 *   A client announcing LSP 3.18 `workspace.workspaceEdit.snippetEditSupport` gets a snippet edit
 *   (`${1:placeholder}`) instead; any other client gets the plain edit.
 * - `ajar.showRuleDocs` with the rule id (a string): "Show documentation for AJxxx". A client
 *   without it that announces `window.showDocument` gets the server's `ajar.openRuleDocs`
 *   (`OPEN_RULE_DOCS_COMMAND`) instead; others follow the diagnostic's `codeDescription.href`.
 */
export const SELECT_PLACEHOLDER_COMMAND = 'ajar.selectPlaceholder';
export interface SelectPlaceholderArgs {
  uri: string;
  /** The placeholder's range in the document after the edit. */
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
}
export const SHOW_RULE_DOCS_COMMAND = 'ajar.showRuleDocs';
/**
 * `ajar.openRuleDocs` (workspace/executeCommand, arguments `[ruleId]`): the server asks the client
 * to show the rule's page (`window/showDocument`: the shipped docs/rules/<ID>.md, else its web
 * page, external). Answers whether the client showed it.
 */
export const OPEN_RULE_DOCS_COMMAND = 'ajar.openRuleDocs';
/** `initialize` → `capabilities.experimental.ajar`. */
export interface AjarClientCapabilities {
  /** Client-side commands the server may attach to code actions. */
  commands?: string[];
}
/** What the server makes of the client's capabilities for code actions. */
export interface EditorCapabilities {
  snippetEdits: boolean;
  selectPlaceholder: boolean;
  showRuleDocs: boolean;
  /** `window.showDocument` (LSP 3.16): the server's `ajar.openRuleDocs` can show a page. */
  showDocument: boolean;
}
export const NO_EDITOR_CAPABILITIES: EditorCapabilities = {
  snippetEdits: false,
  selectPlaceholder: false,
  showRuleDocs: false,
  showDocument: false,
};

export * from './settingsTable';
