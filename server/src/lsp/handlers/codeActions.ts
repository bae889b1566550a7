/**
 * textDocument/codeAction: the quick fixes of the findings in range (large documents' from the
 * worker), "Show documentation for AJxxx", and the `source.fixAll.ajar` source action. CDK: in the
 * app's source "Show synthesized resource"; in cdk.out no edits (lsp/cdk.ts), fix-all included.
 */
import { CodeActionKind, type CodeAction, type CodeActionParams } from 'vscode-languageserver';
import { fileNameOf, uriToPath } from '../analyzer';
import {
  FIX_ALL_KIND,
  codeActionsFor,
  findingsForCodeAction,
  fixAllAction,
  toCodeActions,
  wantsFixAll,
  type LspFix,
} from '../codeActions';
import { findingToDiagnostic } from '../diagnostics';
import { WORKER_THRESHOLD } from '../lintWorker';
import type { HandlerGroup } from './handler';

export const codeActionHandlers: HandlerGroup = {
  name: 'code actions',
  capabilities: { codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] } },
  register({ connection, documents, state }) {
    connection.onCodeAction((params) =>
      state.cdk.codeActionsFor(params.textDocument.uri, params.range, params.context.diagnostics, () =>
        templateActions(params),
      ),
    );
    async function templateActions(params: CodeActionParams): Promise<CodeAction[]> {
      const uri = params.textDocument.uri;
      const out: CodeAction[] = [];
      if (wantsFixAll(params)) {
        const doc = documents.get(uri);
        const file = uriToPath(uri);
        // Large documents are analysed on the worker only; fix-all would redo it here several times.
        if (doc && doc.getText().length < WORKER_THRESHOLD && state.settings.settingsFor(file).enable) {
          const text = doc.getText();
          const a = fixAllAction(
            uri,
            text,
            { fileName: fileNameOf(uri), config: state.analyzer.configFor(file) },
            (o) => doc.positionAt(o),
          );
          if (a) out.push(a);
        }
      }
      const s = state.open.current(uri);
      const worker = state.worker;
      const opts = { editor: state.editor, version: s?.version ?? null };
      if (s?.remote && worker?.fixes) {
        const remote = s.remote;
        const pairs = findingsForCodeAction(params, remote, s.version, (f) =>
          findingToDiagnostic(f, remote.findings.indexOf(f), remote, s.version),
        );
        if (!pairs.length) return out;
        const fixes = await worker
          .fixes(
            uri,
            s.version,
            pairs.map((p) => p.index),
          )
          .catch(() => []);
        const byIndex = new Map<number, LspFix[]>(fixes.map((f) => [f.index, f.fixes]));
        return [...out, ...toCodeActions(uri, remote.bomLength, pairs, (p) => byIndex.get(p.index) ?? [], opts)];
      }
      if (!s?.result) return out;
      const result = s.result;
      return [
        ...out,
        ...codeActionsFor(
          params,
          result,
          s.version,
          (f) => findingToDiagnostic(f, result.findings.indexOf(f), result, s.version),
          opts,
        ),
      ];
    }
  },
};
