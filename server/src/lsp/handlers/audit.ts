/** The live audit's custom requests: ajar/listAccounts, ajar/auditAccount (progress, cancellation), ajar/securityReport. */
import { RequestType, RequestType0, type CancellationToken } from 'vscode-languageserver';
import type { AuditProgress } from '../auditHandlers';
import {
  AuditAccountRequest,
  ListAccountsRequest,
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

export const auditHandlers: HandlerGroup = {
  name: 'audit',
  register({ connection, state }) {
    connection.onRequest(ListAccounts, () => state.audit.listAccounts(state.auditSettings()));

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
        return await state.audit.auditAccount(
          params,
          state.auditSettings(),
          state.projectAuditConfig(),
          controller.signal,
          progress,
        );
      } finally {
        sub.dispose();
        sub2?.dispose();
      }
    });

    connection.onRequest(SecurityReport, (params) => state.audit.securityReport(params));
  },
};
