import * as vscode from 'vscode';
import { type ConfigurationRequest, ResponseError } from 'vscode-languageclient';

/**
 * Answers the server's `workspace/configuration` requests for the `ajar` section the way
 * vscode-eslint does: the settings as they apply to the requested resource, plus what only the
 * client knows (the resource's workspace folder, whether the workspace is trusted).
 * In Restricted Mode VS Code itself withholds workspace values of `ajar.cfnLint.path` and
 * `ajar.cfnLint.enabled` (see `capabilities.untrustedWorkspaces` in package.json).
 */
export const configurationMiddleware: ConfigurationRequest.MiddlewareSignature = async (params, token, next) => {
  const result = await next(params, token);
  if (result instanceof ResponseError || !Array.isArray(result)) return result;
  return params.items.map((item, i) =>
    item.section === 'ajar' ? readSettings(item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined) : result[i],
  );
};

export function readSettings(resource: vscode.Uri | undefined): Record<string, unknown> {
  const config = vscode.workspace.getConfiguration('ajar', resource);
  const folder = resource ? vscode.workspace.getWorkspaceFolder(resource) : undefined;
  return {
    enable: config.get<boolean>('enable', true),
    rules: config.get<Record<string, string>>('rules', {}),
    files: {
      include: config.get<string[]>('files.include', []),
      exclude: config.get<string[]>('files.exclude', []),
    },
    workspaceScan: {
      enabled: config.get<boolean>('workspaceScan.enabled', true),
      maxFiles: config.get<number>('workspaceScan.maxFiles', 5000),
    },
    audit: {
      // Only the thresholds set somewhere: an unset one leaves `.ajar.yaml`'s value (or the default) in force.
      thresholds: {
        unusedDays: explicit<number>(config, 'audit.thresholds.unusedDays'),
        rotationDays: explicit<number>(config, 'audit.thresholds.rotationDays'),
        staleKeyDays: explicit<number>(config, 'audit.thresholds.staleKeyDays'),
        staleKeyUnusedDays: explicit<number>(config, 'audit.thresholds.staleKeyUnusedDays'),
      },
      regions: config.get<string[]>('audit.regions', []),
      profiles: config.get<string[]>('audit.profiles', []),
    },
    cfnLint: {
      enabled: config.get<string>('cfnLint.enabled', 'auto'),
      path: config.get<string>('cfnLint.path', ''),
      ignoreChecks: config.get<string[]>('cfnLint.ignoreChecks', []),
    },
    trace: config.get<string>('trace.server', 'off'),
    workspaceFolder: folder ? { name: folder.name, uri: folder.uri.toString() } : null,
    workspaceTrusted: vscode.workspace.isTrusted,
  };
}

/** The value of a setting where the user set it (folder, workspace or user settings), else undefined. */
function explicit<T>(config: vscode.WorkspaceConfiguration, key: string): T | undefined {
  const i = config.inspect<T>(key);
  return i?.workspaceFolderValue ?? i?.workspaceValue ?? i?.globalValue;
}
