/**
 * `.ajar.yaml` problems published on the config file itself: files from disk (each workspace
 * folder's, and those the linted templates load), remembered with what was sent so a publish is
 * only made when it changes. An open config file is validated as it is typed (`OpenDocuments`).
 */
import { pathToFileURL } from 'node:url';
import { loadConfigFor, mergeConfig, type LoadedConfig } from '../engine';
import { configProblemDiagnostics } from './configDiagnostics';
import type { DocumentSource, Publisher } from './publisher';
import type { SettingsStore } from './settingsStore';

export class ConfigProblems {
  /** Config files (from disk) whose problems are published, with what was sent. */
  private readonly published = new Map<string, string>();

  constructor(
    private readonly documents: DocumentSource,
    private readonly settings: SettingsStore,
    private readonly publisher: Publisher,
  ) {}

  /** Publishes a loaded config file's problems (when it is not open and they changed). */
  publish(loaded: LoadedConfig): void {
    if (!loaded.file) return;
    const uri = pathToFileURL(loaded.file).toString();
    if (this.documents.get(uri)) return; // an open config is validated as it is typed
    const s = this.settings.settingsFor(loaded.file);
    const rules = mergeConfig(loaded.config, { rules: s.rules }).rules;
    const diagnostics = s.enable ? configProblemDiagnostics(loaded.problems, rules) : [];
    const json = JSON.stringify(diagnostics);
    if ((this.published.get(uri) ?? '[]') === json) return;
    if (diagnostics.length) this.published.set(uri, json);
    else this.published.delete(uri);
    this.publisher.diagnostics(uri, diagnostics);
  }

  /** The config file at the root of each workspace folder, validated even when no template uses it. */
  publishFolders(): void {
    for (const f of this.settings.folders) this.publish(loadConfigFor(f, f));
  }

  /** The file is opened (its problems now come from the editor's text): true if some were published from disk. */
  take(uri: string): boolean {
    return this.published.delete(uri);
  }

  /** The file was deleted: clears what was published for it. */
  deleted(uri: string): void {
    if (this.published.delete(uri)) this.publisher.diagnostics(uri, []);
  }
}
