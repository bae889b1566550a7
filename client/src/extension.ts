/**
 * Ajar's VS Code client: a thin shell around the language server (dist/server.js).
 * It starts the server, shows its findings count in the status bar, offers the commands and the
 * Accounts view. Everything it shows comes from the server through LSP; it imports only the
 * protocol's method names and types from server/src.
 */
import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import {
  FindingCountNotification,
  LintWorkspaceRequest,
  RevealLiveResourceCommand,
  type FindingCountParams,
  type LintWorkspaceResult,
  type RevealLiveResourceArgs,
} from '../../server/src/lsp/protocol';
import { AccountsView } from './accounts/view';
import { configurationMiddleware } from './settings';
import { FindingsStatus } from './statusBar';
import { ruleDocsProvider, showRuleDocs } from './ruleDocs';
import { SecurityReportView } from './report';
import { registerPlaceholders } from './placeholder';

let client: LanguageClient | undefined;

/** Languages of CDK apps' sources (the server lints none of them; it shows synthesized findings in them). */
const CDK_SOURCE_LANGUAGES = ['typescript', 'typescriptreact', 'javascript', 'javascriptreact', 'python'];

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('Ajar');
  context.subscriptions.push(output);

  const serverModule = vscode.Uri.joinPath(context.extensionUri, 'dist', 'server.js').fsPath;
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: {
      module: serverModule,
      transport: TransportKind.ipc,
      options: { execArgv: ['--nolazy', '--inspect=6011'] },
    },
  };
  const documentSelector = [
    ...['yaml', 'json'].flatMap((language) => ['file', 'untitled'].map((scheme) => ({ language, scheme }))),
    // `*.template` files open as plain text in VS Code; the server reads them as YAML or JSON by content.
    { scheme: 'file', pattern: '**/*.template' },
    // A CDK app's sources: the server shows cdk.out's findings there (hover, "Show synthesized resource").
    ...CDK_SOURCE_LANGUAGES.map((language) => ({ scheme: 'file', language })),
  ];
  const clientOptions: LanguageClientOptions = {
    documentSelector,
    outputChannel: output,
    synchronize: {
      configurationSection: 'ajar',
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*.{yaml,yml,json,template}'),
    },
    middleware: { workspace: { configuration: configurationMiddleware } },
  };
  // The language client reads `ajar.trace.server` itself (id `ajar`) and traces into the output channel.
  const languageClient = new LanguageClient('ajar', 'Ajar', serverOptions, clientOptions);
  client = languageClient;
  context.subscriptions.push(registerPlaceholders(languageClient));

  const status = new FindingsStatus();
  const accounts = new AccountsView(context, languageClient, output);
  context.subscriptions.push(status, accounts, new SecurityReportView(languageClient, accounts));

  context.subscriptions.push(
    ruleDocsProvider(languageClient),
    vscode.commands.registerCommand('ajar.lintWorkspace', () => lintWorkspace(languageClient)),
    vscode.commands.registerCommand('ajar.showRuleDocs', (ruleId?: unknown) =>
      showRuleDocs(context, languageClient, typeof ruleId === 'string' ? ruleId : undefined),
    ),
    // From a live CodeLens on a template resource: its item in the Accounts view.
    vscode.commands.registerCommand(RevealLiveResourceCommand, async (args?: RevealLiveResourceArgs) => {
      if (!args?.accountId || !args.id) return;
      await vscode.commands.executeCommand('ajar.accounts.focus');
      if (!(await accounts.revealResources([{ accountId: args.accountId, id: args.id }])))
        void vscode.window.showInformationMessage(
          `Ajar: ${args.id} is not in the Accounts view; audit account ${args.accountId} again.`,
        );
    }),
    vscode.commands.registerCommand('ajar.openSettings', () =>
      vscode.commands.executeCommand('workbench.action.openSettings', '@ext:ajar.ajar'),
    ),
  );

  languageClient.onNotification(FindingCountNotification, (counts: FindingCountParams) =>
    status.setServerCounts(counts),
  );

  if (!vscode.workspace.getConfiguration('ajar').get<boolean>('enable', true)) {
    output.appendLine('Ajar is disabled (ajar.enable is false); the language server is not started.');
    accounts.setServerState('disabled');
    return;
  }
  try {
    await languageClient.start();
    accounts.setServerState('running');
  } catch (err) {
    output.appendLine(`Could not start the Ajar language server (${serverModule}): ${String(err)}`);
    accounts.setServerState('failed');
    void vscode.window.showErrorMessage('Ajar: the language server did not start. See the "Ajar" output.');
  }
}

export async function deactivate(): Promise<void> {
  if (client?.isRunning()) await client.stop();
  client = undefined;
}

async function lintWorkspace(languageClient: LanguageClient): Promise<void> {
  if (!languageClient.isRunning()) {
    void vscode.window.showWarningMessage('Ajar: the language server is not running.');
    return;
  }
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: 'Ajar: linting workspace' },
    () => languageClient.sendRequest<LintWorkspaceResult>(LintWorkspaceRequest),
  );
  // What the Problems panel shows now (the scan's diagnostics arrive before its answer), not the
  // number of files read: those without a finding are not in Problems.
  const shown = problemsCount();
  vscode.window.setStatusBarMessage(
    `Ajar: ${shown.problems} problem${shown.problems === 1 ? '' : 's'} in ${shown.files} file${shown.files === 1 ? '' : 's'} (${result.files} file${result.files === 1 ? '' : 's'} linted)`,
    8000,
  );
}

/** Ajar's and cfn-lint's diagnostics as the Problems panel lists them (hints are not listed). */
function problemsCount(): { problems: number; files: number } {
  let problems = 0;
  let files = 0;
  for (const [, diagnostics] of vscode.languages.getDiagnostics()) {
    const n = diagnostics.filter(
      (d) => (d.source === 'ajar' || d.source === 'cfn-lint') && d.severity !== vscode.DiagnosticSeverity.Hint,
    ).length;
    problems += n;
    if (n) files++;
  }
  return { problems, files };
}
