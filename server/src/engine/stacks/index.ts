/** Deployed stacks to workspace files: see map.ts (the order, the logical-id match) and workspace.ts. */
export {
  mapStacks,
  matchStack,
  matchScore,
  templateResources,
  logicalIdRange,
  MATCH_THRESHOLD,
  type StackInput,
  type StackMatch,
  type MatchVia,
  type WorkspaceIndex,
  type WorkspaceTemplate,
  type CdkStackEntry,
  type SamStackEntry,
  type ConfigStackEntry,
} from './map';
export { samconfigStacks, SAM_DEFAULT_TEMPLATES, type SamStack } from './samconfig';
export {
  readStackWorkspace,
  resourceSource,
  workspaceTemplate,
  cdkStacksOf,
  type StackWorkspace,
  type ResourceSource,
} from './workspace';
export {
  TEMPLATE_RULES_OF_LIVE,
  findingIsAbout,
  templateHasProblem,
  liveStatus,
  liveNoteText,
  auditTime,
  resourceKeyRanges,
  type LiveStatus,
  type LiveNote,
} from './live';
