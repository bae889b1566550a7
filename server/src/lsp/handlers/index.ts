/**
 * Every handler group the server registers, in order. A new LSP feature: a file in this folder
 * exporting a `HandlerGroup` (its capabilities and `register`), and one line here.
 */
import { auditHandlers } from './audit';
import { cdkHandlers } from './cdk';
import { codeActionHandlers } from './codeActions';
import { documentHandlers } from './documents';
import type { HandlerGroup } from './handler';
import { hoverHandlers } from './hover';
import { liveHandlers } from './live';
import { navigationHandlers } from './navigation';
import { ruleDocsHandlers } from './ruleDocs';
import { workspaceHandlers } from './workspace';

export type { GroupCommand, HandlerContext, HandlerGroup } from './handler';
export { commandTable, mergeCapabilities, registerCommands } from './handler';

export const HANDLERS: readonly HandlerGroup[] = [
  documentHandlers,
  hoverHandlers,
  codeActionHandlers,
  navigationHandlers,
  workspaceHandlers,
  auditHandlers,
  cdkHandlers,
  liveHandlers,
  ruleDocsHandlers,
];
