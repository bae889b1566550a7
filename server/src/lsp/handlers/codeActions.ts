/** textDocument/codeAction: the quick fixes of the findings in range (large documents' from the worker). */
import { CodeActionKind, type CodeActionParams } from 'vscode-languageserver';
import { codeActionsFor, findingsForCodeAction, toCodeActions, type LspFix } from '../codeActions';
import { findingToDiagnostic } from '../diagnostics';
import type { HandlerGroup } from './handler';

export const codeActionHandlers: HandlerGroup = {
  name: 'code actions',
  capabilities: { codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] } },
  register({ connection, state }) {
    // CDK: in the app's source "Show synthesized resource"; in cdk.out no edits (lsp/cdk.ts)
    connection.onCodeAction((params) =>
      state.cdk.codeActionsFor(params.textDocument.uri, params.range, params.context.diagnostics, () =>
        templateActions(params),
      ),
    );
    async function templateActions(params: CodeActionParams) {
      const s = state.open.current(params.textDocument.uri);
      const worker = state.worker;
      if (s?.remote && worker?.fixes) {
        const remote = s.remote;
        const pairs = findingsForCodeAction(params, remote, s.version, (f) =>
          findingToDiagnostic(f, remote.findings.indexOf(f), remote, s.version),
        );
        if (!pairs.length) return [];
        const fixes = await worker
          .fixes(
            params.textDocument.uri,
            s.version,
            pairs.map((p) => p.index),
          )
          .catch(() => []);
        const byIndex = new Map<number, LspFix[]>(fixes.map((f) => [f.index, f.fixes]));
        return toCodeActions(params.textDocument.uri, remote.bomLength, pairs, (p) => byIndex.get(p.index) ?? []);
      }
      if (!s?.result) return [];
      const result = s.result;
      return codeActionsFor(params, result, s.version, (f) =>
        findingToDiagnostic(f, result.findings.indexOf(f), result, s.version),
      );
    }
  },
};
