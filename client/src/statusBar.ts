import * as vscode from 'vscode';
import type { FindingCountParams } from '../../server/src/lsp/protocol';

/** The sources of the diagnostics the server publishes: Ajar's own and cfn-lint's. */
const SOURCES = new Set(['ajar', 'cfn-lint']);

/**
 * The findings count in the status bar: what the Problems panel shows from the server, Ajar's
 * findings and cfn-lint's. The server's `ajar/findingCount` notification is the truth (it covers
 * the workspace scan); until one arrives, the diagnostics of both sources are counted. A server
 * that does not say how many are cfn-lint's counts Ajar's only: the tooltip says so.
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
    this.item.tooltip = statusTooltip(c);
    this.item.backgroundColor = c.errors > 0 ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  }

  dispose(): void {
    this.listener.dispose();
    this.item.dispose();
  }
}

/** "Ajar: 3 errors, 2 warnings, 0 information in 2 files (of which cfn-lint: 1 warning)". */
export function statusTooltip(c: FindingCountParams): string {
  const counts = (n: { errors: number; warnings: number; information: number }) => [
    `${n.errors} error${n.errors === 1 ? '' : 's'}`,
    `${n.warnings} warning${n.warnings === 1 ? '' : 's'}`,
    `${n.information} information`,
  ];
  const files = `${c.files} file${c.files === 1 ? '' : 's'}`;
  const cfn = c.cfnLint;
  let share = ' (Ajar only: cfn-lint not counted)';
  if (cfn) {
    const some = counts(cfn).filter((_, i) => [cfn.errors, cfn.warnings, cfn.information][i] > 0);
    share = some.length ? ` (of which cfn-lint: ${some.join(', ')})` : ' (none from cfn-lint)';
  }
  return `Ajar: ${counts(c).join(', ')} in ${files}${share}. Click to show them in Problems.`;
}

function countDiagnostics(): FindingCountParams {
  const c: FindingCountParams = {
    errors: 0,
    warnings: 0,
    information: 0,
    files: 0,
    cfnLint: { errors: 0, warnings: 0, information: 0 },
  };
  for (const [, diagnostics] of vscode.languages.getDiagnostics()) {
    let counted = false;
    for (const d of diagnostics) {
      // Hints are not in the Problems panel.
      if (!d.source || !SOURCES.has(d.source) || d.severity === vscode.DiagnosticSeverity.Hint) continue;
      counted = true;
      const key =
        d.severity === vscode.DiagnosticSeverity.Error
          ? 'errors'
          : d.severity === vscode.DiagnosticSeverity.Warning
            ? 'warnings'
            : 'information';
      c[key]++;
      if (d.source === 'cfn-lint' && c.cfnLint) c.cfnLint[key]++;
    }
    if (counted) c.files++;
  }
  return c;
}
