/** Finding and reading `.ajar.yaml` by walking up from a file. The only file-system code in the engine. */
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { emptyConfig, MAX_CONFIG_BYTES, parseConfig, type AjarConfig, type ConfigProblem } from './config';

export const CONFIG_NAMES = ['.ajar.yaml', '.ajar.yml'];

function exists(p: string, dir: boolean): boolean {
  try {
    const st = statSync(p);
    return dir ? st.isDirectory() || st.isFile() : st.isFile(); // `.git` is a file in a git worktree
  } catch {
    return false;
  }
}

/**
 * The `.ajar.yaml` that applies to `startPath`: the nearest one in its folder or above, looking no
 * higher than `stopAt` (the workspace folder) or the repository root (a folder holding `.git`),
 * whichever comes first. A config in a parent of the repository, or in the home folder, is not
 * the project's and never applies.
 */
export function findConfigFile(startPath: string, stopAt?: string): string | null {
  let dir = resolve(startPath);
  try {
    if (!statSync(dir).isDirectory()) dir = dirname(dir);
  } catch {
    dir = dirname(dir);
  }
  const stop = stopAt ? resolve(stopAt) : undefined;
  for (;;) {
    for (const n of CONFIG_NAMES) {
      const p = join(dir, n);
      if (exists(p, false)) return p;
    }
    if (dir === stop || exists(join(dir, '.git'), true)) return null;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

export interface LoadedConfig {
  config: AjarConfig;
  problems: ConfigProblem[];
  file: string | null;
}

const cache = new Map<string, { mtimeMs: number; size: number; loaded: LoadedConfig }>();

/** Reads and validates one config file (cached by mtime and size). Over MAX_CONFIG_BYTES it is not read. */
export function loadConfigFile(file: string): LoadedConfig {
  try {
    const st = statSync(file);
    const hit = cache.get(file);
    if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.loaded;
    let loaded: LoadedConfig;
    if (st.size > MAX_CONFIG_BYTES) {
      loaded = {
        config: emptyConfig(),
        problems: [
          {
            message: `the file is ${(st.size / 1024).toFixed(0)} KB, over the ${MAX_CONFIG_BYTES / 1024} KB a project config may be: it is ignored`,
            range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } },
            span: { start: 0, end: 1 },
            severity: 'error',
          },
        ],
        file,
      };
    } else {
      const { config, problems } = parseConfig(readFileSync(file, 'utf8'), file);
      loaded = { config, problems, file };
    }
    loaded.config.root = dirname(file);
    loaded.config.file = file;
    cache.set(file, { mtimeMs: st.mtimeMs, size: st.size, loaded });
    return loaded;
  } catch (e) {
    cache.delete(file);
    return {
      config: emptyConfig(),
      problems: [{ message: `cannot read ${file}: ${(e as Error).message}`, severity: 'error' }],
      file,
    };
  }
}

/** The config that applies to `filePath` (see findConfigFile for where it is looked for). */
export function loadConfigFor(filePath: string, stopAt?: string): LoadedConfig {
  const file = findConfigFile(filePath, stopAt);
  if (!file) return { config: emptyConfig(), problems: [], file: null };
  return loadConfigFile(file);
}
