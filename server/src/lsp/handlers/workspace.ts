/** Settings changes and the workspace's custom requests: ajar/lintWorkspace, ajar/ruleDocs, ajar/stats. */
import { RequestType, RequestType0 } from 'vscode-languageserver';
import { ruleDocsPage } from '../../catalog';
import {
  LintWorkspaceRequest,
  RuleDocsRequest,
  StatsRequest,
  type LintWorkspaceResult,
  type RuleDocsParams,
  type ServerStats,
} from '../protocol';
import type { HandlerGroup } from './handler';

const LintWorkspace = new RequestType0<LintWorkspaceResult, void>(LintWorkspaceRequest);
const RuleDocs = new RequestType<RuleDocsParams, string | null, void>(RuleDocsRequest);
const Stats = new RequestType0<ServerStats, void>(StatsRequest);

export const workspaceHandlers: HandlerGroup = {
  name: 'workspace',
  capabilities: { workspace: { workspaceFolders: { supported: true, changeNotifications: true } } },
  register({ connection, state }) {
    connection.onDidChangeConfiguration(async (params) => {
      const s = params.settings as { ajar?: unknown } | null | undefined;
      if (s && typeof s === 'object' && 'ajar' in s) state.settings.pushed = s.ajar;
      await state.refreshSettings();
    });
    connection.onRequest(LintWorkspace, () => state.scanner.run());
    // The page docs/rules/<ID>.md holds, for template and live rules alike.
    connection.onRequest(RuleDocs, (params) => ruleDocsPage(params?.ruleId ?? ''));
    connection.onRequest(Stats, () => state.stats());
  },
};
