/**
 * Public API of the live-account audit, for the language server, the Accounts view and the CLI.
 * Pure Node + AWS SDK v3: nothing here imports vscode.
 */
export {
  auditAccounts,
  auditAccount,
  auditEvents,
  toAuditJson,
  type AuditOptions,
  type AuditReport,
  type AccountAudit,
  type AuditEvent,
  type AccountTarget,
  type AuditScopeService,
  type AuditJson,
} from './audit';
export {
  discoverProfiles,
  resolveIdentity,
  groupByAccount,
  clientContext,
  sharedConfigPaths,
  defaultChainProfile,
  ENV_PROFILE,
  DEFAULT_CHAIN_PROFILE,
  type ProfileInfo,
  type ProfileKind,
  type ProfileResolution,
  type ProfileIdentity,
  type ProfileFailure,
  type AccountGroup,
  type DiscoveredProfiles,
  type SharedConfigPaths,
} from './accounts';
export {
  selectMembers,
  ROLE_SESSION_NAME,
  type OrganizationSpec,
  type OrganizationTree,
  type OrgAccount,
  type OrgUnit,
} from './organizations';
export { LIVE_RULES, liveRule } from './rules/registry';
export type { LiveRule } from './rules/rule';
export {
  SEVERITY_ORDER,
  compareFindings,
  type LiveFinding,
  type LiveRuleId,
  type AuditError,
  type AuditService,
  type Severity,
  type InventoryItem,
  type InventoryResource,
  type InventoryService,
  type StackRef,
  type FindingSource,
} from './findings';
export type { DeployedStack, StackResource } from './stacks';
export { DEFAULT_THRESHOLDS, type AgeThresholds } from './iamChecks';
export { isReadOnlyCommand, MutatingCommandRefused, type ClientContext } from './clients';
export {
  computePosture,
  CIS_BENCHMARK,
  CIS_CONTROLS,
  type Posture,
  type PostureFigure,
  type PostureFigureId,
  type PostureInput,
} from './posture';
