/**
 * One analysis on this thread: the `.ajar.yaml` and settings that apply to a file, and `lintText`
 * guarded so that a bug in the engine is logged, not a dead server. Also the URI helpers the
 * state objects share.
 */
import { fileURLToPath } from 'node:url';
import {
  emptyConfig,
  lintText,
  loadConfigFor,
  looksLikeTemplateName,
  mergeConfig,
  type AjarConfig,
  type LintResult,
} from '../engine';
import type { ConfigProblems } from './configProblems';
import type { SettingsStore } from './settingsStore';

/**
 * Cheap test before parsing: could the engine report anything on this document? It must be sound
 * (the editor lints every document the CLI lints), so it only rules out what the engine cannot
 * read as a template or policy: a name that does not look like one, and a text that neither names
 * a top-level key (`AWSTemplateFormatVersion`, `Resources`, `Statement`: classification, and
 * AJ000 on an unreadable document, need one) nor holds a backslash. A key's value differs from its
 * source text only through escapes (`"Resour\u0063es"` in JSON or in JSON inside a string;
 * `\x63`, `\u`, `\U` and escaped line breaks in YAML double quotes). Aliases and merge keys only
 * repeat text written elsewhere in the document, and tags do not change a key's text.
 */
export function mayBeRelevant(text: string, fileName: string): boolean {
  if (looksLikeTemplateName(fileName)) return true;
  return /AWSTemplateFormatVersion|Resources|Statement|\\/.test(text);
}

export function uriToPath(uri: string): string | null {
  if (!uri.startsWith('file:')) return null;
  try {
    return fileURLToPath(uri);
  } catch {
    return null;
  }
}

/** The name the engine classifies by: the file path, or the URI's path for unsaved documents. */
export function fileNameOf(uri: string): string {
  return uriToPath(uri) ?? (uri.replace(/^[a-z]+:/i, '') || uri);
}

export class Analyzer {
  constructor(
    private readonly settings: SettingsStore,
    private readonly configProblems: ConfigProblems,
    private readonly log: (m: string) => void,
  ) {}

  /** The file's `.ajar.yaml` (walked up to its workspace folder) under the settings' rules; its problems are published. */
  configFor(file: string | null): AjarConfig {
    const over = { rules: this.settings.settingsFor(file).rules };
    if (!file) return mergeConfig(emptyConfig(), over);
    const loaded = loadConfigFor(file, this.settings.folderOf(file));
    this.configProblems.publish(loaded);
    return mergeConfig(loaded.config, over);
  }

  /** `lintText`, or null (logged) when the engine throws. */
  lint(text: string, fileName: string, config: AjarConfig): LintResult | null {
    try {
      return lintText(text, { fileName, config });
    } catch (e) {
      this.log(`Ajar could not analyse ${fileName}: ${(e as Error).stack ?? String(e)}`);
      return null;
    }
  }

  /** The analysis of a file as its settings and config say, or null when it cannot be relevant. */
  analyse(text: string, fileName: string, file: string | null): LintResult | null {
    return mayBeRelevant(text, fileName) ? this.lint(text, fileName, this.configFor(file)) : null;
  }
}
