import * as vscode from 'vscode';
import type { FindingCountParams } from '../../server/src/lsp/protocol';

const SOURCE = 'ajar';

/**
 * The findings count in the status bar. The server's `ajar/findingCount` notification is the
 * truth (it covers the workspace scan); until one arrives, Ajar's diagnostics are counted.
 * A click shows the Problems panel.
 */
export class FindingsStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('ajar.findings', vscode.StatusBarAlignment.Left, 10);
  private readonly listener: vscode.Disposable;
  private serverCounts: FindingCountParams | undefined;

  constructor() {
    this.item.name = 'Ajar findings';
    this.item.command = { title: 'Show Problems', command: 'workbench.actions.view.problems' };
    this.listener = vscode.languages.onDidChangeDiagnostics(() => {
      if (!this.serverCounts) this.render(countDiagnostics());
    });
    this.render(countDiagnostics());
    this.item.show();
  }

  setServerCounts(counts: FindingCountParams): void {
    this.serverCounts = counts;
    this.render(counts);
  }

  private render(c: FindingCountParams): void {
    const total = c.errors + c.warnings + c.information;
    this.item.text = total === 0 ? '$(shield) Ajar' : `$(shield) ${total}`;
    const parts = [
      `${c.errors} error${c.errors === 1 ? '' : 's'}`,
      `${c.warnings} warning${c.warnings === 1 ? '' : 's'}`,
      `${c.information} information`,
    ];
    this.item.tooltip = `Ajar: ${parts.join(', ')} in ${c.files} file${c.files === 1 ? '' : 's'}. Click to show them.`;
    this.item.backgroundColor = c.errors > 0 ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  }

  dispose(): void {
    this.listener.dispose();
    this.item.dispose();
  }
}

function countDiagnostics(): FindingCountParams {
  const c: FindingCountParams = { errors: 0, warnings: 0, information: 0, files: 0 };
  for (const [, diagnostics] of vscode.languages.getDiagnostics()) {
    let counted = false;
    for (const d of diagnostics) {
      if (d.source !== SOURCE) continue;
      counted = true;
      if (d.severity === vscode.DiagnosticSeverity.Error) c.errors++;
      else if (d.severity === vscode.DiagnosticSeverity.Warning) c.warnings++;
      else c.information++;
    }
    if (counted) c.files++;
  }
  return c;
}
