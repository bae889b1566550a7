/** Finding and reading `.ajar.yaml` by walking up from a file. The only file-system code in the engine. */
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { emptyConfig, parseConfig, type AjarConfig, type ConfigProblem } from './config';

export const CONFIG_NAMES = ['.ajar.yaml', '.ajar.yml'];

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
      try {
        if (statSync(p).isFile()) return p;
      } catch {
        /* not here */
      }
    }
    if (dir === stop) return null;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

const cache = new Map<string, { mtimeMs: number; config: AjarConfig; problems: ConfigProblem[] }>();

/** The config that applies to `filePath` (cached by mtime). */
export function loadConfigFor(
  filePath: string,
  stopAt?: string,
): { config: AjarConfig; problems: ConfigProblem[]; file: string | null } {
  const file = findConfigFile(filePath, stopAt);
  if (!file) return { config: emptyConfig(), problems: [], file: null };
  try {
    const st = statSync(file);
    const hit = cache.get(file);
    if (hit && hit.mtimeMs === st.mtimeMs) return { config: hit.config, problems: hit.problems, file };
    const { config, problems } = parseConfig(readFileSync(file, 'utf8'), file);
    config.root = dirname(file);
    cache.set(file, { mtimeMs: st.mtimeMs, config, problems });
    return { config, problems, file };
  } catch (e) {
    return { config: emptyConfig(), problems: [{ message: `cannot read ${file}: ${(e as Error).message}` }], file };
  }
}
