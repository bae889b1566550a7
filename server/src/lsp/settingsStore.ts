/**
 * The settings store: the window's settings, each workspace folder's, the folders themselves and
 * what the client said about configuration at initialize. Settings are pulled with one
 * `workspace/configuration` request (the window, then each folder as scopeUri, as vscode-eslint
 * asks per resource), or taken from what the client pushed. No connection: the request is a
 * function given to `read`.
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ConfigurationItem } from 'vscode-languageserver';
import { defaultSettings, normalizeSettings, settingsDiff, type ServerSettings } from './settings';

/** The window's settings and each folder's, as read in one request. */
export interface ReadSettings {
  window: ServerSettings;
  byFolder: Map<string, ServerSettings>;
}

/** What a settings change redoes (`settingsDiff` over the window and every folder). */
export interface SettingsChange {
  lint: boolean;
  scan: boolean;
  cfnLint: boolean;
  /** The settings read at `initialized`: everything is done once. */
  first: boolean;
}

/** `workspace/configuration`; resolves with one value per item. */
export type ConfigurationRequest = (items: ConfigurationItem[]) => Promise<unknown[]>;

/** A client that never answers must not keep the server from linting. */
export const CONFIGURATION_TIMEOUT_MS = 5000;

export class SettingsStore {
  /** The window's settings (no scopeUri): cfn-lint, trace, audit, the scan's switches, and documents outside every folder. */
  window: ServerSettings = defaultSettings();
  /**
   * Each workspace folder's settings, so that folder settings in a multi-root workspace apply to
   * that folder's documents: `enable`, `rules`, `files.*`. Read again on every change.
   */
  private byFolder = new Map<string, ServerSettings>();
  /** The URI each folder path came as (scopeUri is sent back exactly so). */
  private readonly folderUris = new Map<string, string>();
  /** The workspace folders (paths). */
  folders: string[] = [];
  /** What the client pushed (initializationOptions.settings, didChangeConfiguration's `ajar`). */
  pushed: unknown;
  /** The client answers `workspace/configuration`. */
  canPull = false;
  /** `initializationOptions.trusted`, which wins over the settings' `workspaceTrusted`. */
  trustedFromInit: boolean | undefined;
  /** False until the first settings are applied: documents opened before wait for them. */
  ready = false;

  /** Whether the workspace is trusted (Restricted Mode keeps cfn-lint off). */
  trusted(): boolean {
    return this.trustedFromInit ?? this.window.workspaceTrusted ?? false;
  }

  /** The innermost workspace folder holding `file`. */
  folderOf(file: string): string | undefined {
    let best: string | undefined;
    for (const f of this.folders)
      if ((file === f || file.startsWith(f + path.sep)) && (!best || f.length > best.length)) best = f;
    return best;
  }

  /** The settings of a workspace folder (the window's when it has none of its own). */
  folderSettings(folder: string): ServerSettings {
    return this.byFolder.get(folder) ?? this.window;
  }

  /** The settings that apply to a document: its workspace folder's, else the window's. */
  settingsFor(file: string | null): ServerSettings {
    const folder = file ? this.folderOf(file) : undefined;
    return (folder && this.byFolder.get(folder)) || this.window;
  }

  /** Folders as initialize gave them (paths with the URIs they came as). */
  setFolders(folders: { path: string; uri?: string }[]): void {
    for (const f of folders) if (f.uri) this.folderUris.set(f.path, f.uri);
    this.folders = folders.map((f) => f.path);
  }

  /** workspace/didChangeWorkspaceFolders. */
  changeFolders(added: { path: string; uri: string }[], removed: string[]): void {
    const gone = new Set(removed);
    for (const f of added) this.folderUris.set(f.path, f.uri);
    this.folders = [...this.folders.filter((f) => !gone.has(f)), ...added.map((f) => f.path)];
  }

  /** The window's settings and each folder's: pulled when the client can answer, else what it pushed. */
  async read(
    request: ConfigurationRequest | null,
    log: (m: string) => void,
    timeoutMs = CONFIGURATION_TIMEOUT_MS,
  ): Promise<ReadSettings> {
    const pushed = (): ReadSettings => ({ window: normalizeSettings(this.pushed), byFolder: new Map() });
    if (this.canPull && request) {
      try {
        const asked = [...this.folders];
        const items: ConfigurationItem[] = [
          { section: 'ajar' },
          ...asked.map((f) => ({ section: 'ajar', scopeUri: this.folderUris.get(f) ?? pathToFileURL(f).toString() })),
        ];
        const timeout = new Promise<null>((r) => setTimeout(() => r(null), timeoutMs).unref());
        const got = await Promise.race([request(items), timeout]);
        if (got === null) {
          log(
            `workspace/configuration: no answer in ${timeoutMs / 1000} s; using the settings pushed by the client or the defaults`,
          );
          return pushed();
        }
        const byFolder = new Map<string, ServerSettings>();
        for (const [i, f] of asked.entries()) byFolder.set(f, normalizeSettings(got[i + 1] ?? got[0]));
        return { window: normalizeSettings(got[0]), byFolder };
      } catch (e) {
        log(`workspace/configuration failed: ${(e as Error).message}`);
      }
    }
    return pushed();
  }

  /**
   * Takes the settings read; says what they change (folder settings count for what they govern).
   * `first`: the settings read at `initialized`, after which everything is done once.
   */
  apply(next: ReadSettings, first = false): SettingsChange {
    const diff = settingsDiff(this.window, next.window);
    for (const f of new Set([...this.folders, ...this.byFolder.keys()])) {
      const d = settingsDiff(this.byFolder.get(f) ?? this.window, next.byFolder.get(f) ?? next.window);
      diff.lint ||= d.lint;
      diff.scan ||= d.scan;
    }
    this.window = next.window;
    this.byFolder = next.byFolder;
    this.ready = true;
    return { ...diff, first };
  }
}
