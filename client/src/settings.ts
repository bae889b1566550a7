import * as vscode from 'vscode';
import { type ConfigurationRequest, ResponseError } from 'vscode-languageclient';
import { SETTINGS, SETTINGS_SECTION, type ClientSettings, type SettingName } from '../../server/src/lsp/protocol';

/**
 * Answers the server's `workspace/configuration` requests for the `ajar` section the way
 * vscode-eslint does: the settings as they apply to the requested resource (a workspace folder's
 * settings for that folder), plus what only the client knows (the resource's workspace folder,
 * whether the workspace is trusted). Every setting of the table is read, by its name.
 * In Restricted Mode VS Code itself withholds workspace values of `ajar.cfnLint.path` and
 * `ajar.cfnLint.enabled` (see `capabilities.untrustedWorkspaces` in package.json).
 */
export const configurationMiddleware: ConfigurationRequest.MiddlewareSignature = async (params, token, next) => {
  const result = await next(params, token);
  if (result instanceof ResponseError || !Array.isArray(result)) return result;
  return params.items.map((item, i) =>
    item.section === SETTINGS_SECTION
      ? readSettings(item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined)
      : result[i],
  );
};

export function readSettings(resource: vscode.Uri | undefined): ClientSettings {
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION, resource);
  const folder = resource ? vscode.workspace.getWorkspaceFolder(resource) : undefined;
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(SETTINGS) as SettingName[]) {
    // An optional setting (an audit threshold) is sent only where it is set somewhere, so that an
    // unset one leaves `.ajar.yaml`'s value or the default in force.
    const value = SETTINGS[name].optional ? explicit(config, name) : config.get(name, SETTINGS[name].default);
    if (value !== undefined) setPath(out, name, value);
  }
  out.workspaceFolder = folder ? { name: folder.name, uri: folder.uri.toString() } : null;
  out.workspaceTrusted = vscode.workspace.isTrusted;
  return out as unknown as ClientSettings;
}

/** The value of a setting where the user set it (folder, workspace or user settings), else undefined. */
function explicit(config: vscode.WorkspaceConfiguration, key: string): unknown {
  const i = config.inspect(key);
  return i?.workspaceFolderValue ?? i?.workspaceValue ?? i?.globalValue;
}

function setPath(target: Record<string, unknown>, name: string, value: unknown): void {
  const parts = name.split('.');
  let cur = target;
  for (const p of parts.slice(0, -1)) {
    const next = cur[p];
    cur = cur[p] = typeof next === 'object' && next !== null ? (next as Record<string, unknown>) : {};
  }
  cur[parts[parts.length - 1]] = value;
}
