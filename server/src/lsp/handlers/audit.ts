/**
 * The live audit's custom requests: ajar/listAccounts, ajar/auditAccount and ajar/auditOrganization
 * (progress, cancellation; the organization's per-account progress as ajar/organizationProgress
 * notifications), ajar/securityReport.
 */
import {
  NotificationType,
  RequestType,
  RequestType0,
  type CancellationToken,
  type Connection,
} from 'vscode-languageserver';
import type { AuditProgress } from '../auditHandlers';
import {
  AuditAccountRequest,
  AuditOrganizationRequest,
  ListAccountsRequest,
  OrganizationProgressNotification,
  type AuditOrganizationParams,
  type OrganizationAudit,
  type OrganizationProgressParams,
  SecurityReportRequest,
  type AccountAudit,
  type AuditAccountParams,
  type ListAccountsResult,
  type SecurityReportParams,
  type SecurityReportResult,
} from '../protocol';
import type { HandlerGroup } from './handler';

const ListAccounts = new RequestType0<ListAccountsResult, void>(ListAccountsRequest);
const AuditAccount = new RequestType<AuditAccountParams, AccountAudit, void>(AuditAccountRequest);
const SecurityReport = new RequestType<SecurityReportParams, SecurityReportResult, void>(SecurityReportRequest);
const AuditOrganization = new RequestType<AuditOrganizationParams, OrganizationAudit, void>(AuditOrganizationRequest);
const OrganizationProgress = new NotificationType<OrganizationProgressParams>(OrganizationProgressNotification);

/** An AbortSignal for a request: aborted by its cancellation token or its work-done progress's Cancel. */
function requestRun(connection: Connection, token: CancellationToken, workDoneToken: string | number | undefined) {
  const controller = new AbortController();
  const sub = token.onCancellationRequested(() => controller.abort());
  const reporter = connection.window.attachWorkDoneProgress(workDoneToken);
  const progress: AuditProgress = {
    begin: (title, message) => reporter.begin(title, undefined, message, true),
    report: (message) => reporter.report(message),
    done: () => reporter.done(),
  };
  const reporterToken = (reporter as { token?: CancellationToken }).token;
  const sub2 = reporterToken?.onCancellationRequested(() => controller.abort());
  return {
    signal: controller.signal,
    progress,
    dispose() {
      sub.dispose();
      sub2?.dispose();
    },
  };
}

export const auditHandlers: HandlerGroup = {
  name: 'audit',
  register({ connection, state }) {
    connection.onRequest(ListAccounts, async () => {
      await state.settingsLoaded;
      return state.audit.listAccounts(state.auditSettings());
    });

    connection.onRequest(AuditAccount, async (params, token) => {
      const controller = new AbortController();
      const sub = token.onCancellationRequested(() => controller.abort());
      const reporter = connection.window.attachWorkDoneProgress(params.workDoneToken);
      const progress: AuditProgress = {
        begin: (title, message) => reporter.begin(title, undefined, message, true),
        report: (message) => reporter.report(message),
        done: () => reporter.done(),
      };
      const reporterToken = (reporter as { token?: CancellationToken }).token;
      const sub2 = reporterToken?.onCancellationRequested(() => controller.abort());
      try {
        // The items' "Open in template" locations, from the live state (lsp/liveState.ts).
        return state.live.decorate(
          await state.audit.auditAccount(
            params,
            state.auditSettings(),
            state.projectAuditConfig(),
            controller.signal,
            progress,
          ),
        );
      } finally {
        sub.dispose();
        sub2?.dispose();
      }
    });

    connection.onRequest(AuditOrganization, async (params, token) => {
      const run = requestRun(connection, token, params.workDoneToken);
      try {
        await state.settingsLoaded;
        return await state.audit.auditOrganization(
          params,
          state.auditSettings(),
          state.projectAuditConfig(),
          run.signal,
          run.progress,
          (p) => void connection.sendNotification(OrganizationProgress, p),
        );
      } finally {
        run.dispose();
      }
    });

    connection.onRequest(SecurityReport, (params) => state.audit.securityReport(params));
  },
};
