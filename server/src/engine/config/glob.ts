/**
 * Glob matching for config paths (`.ajar.yaml` `ignorePaths` and `ignores[].path`,
 * `ajar.files.include`/`exclude`, `ajar lint --exclude`), in VS Code's glob dialect: `*` and `?`
 * within a path segment, `**` across segments, `{a,b}` alternatives (nested too), `[jt]` and
 * `[!a]` character classes. `*` matches dot files, as in VS Code. Extglobs (`@(a|b)`) and a
 * leading `!` are not VS Code syntax and are matched literally. picomatch does the work.
 */
import picomatch from 'picomatch';

type Matcher = (path: string) => boolean;

const OPTIONS: picomatch.PicomatchOptions = { dot: true, noextglob: true, nonegate: true };
const BASENAME_OPTIONS: picomatch.PicomatchOptions = { ...OPTIONS, basename: true };

const cache = new Map<string, Matcher>();
const MAX_CACHED = 2000;

function normalizeGlob(glob: string): string {
  return glob.replace(/\\/g, '/').replace(/^\.\//, '');
}

function compile(glob: string): Matcher {
  const hit = cache.get(glob);
  if (hit) return hit;
  const g = normalizeGlob(glob);
  let m: Matcher;
  try {
    // A glob without `/` also matches the base name anywhere (`*.json` matches `a/b.json`).
    m = picomatch(g, g.includes('/') ? OPTIONS : BASENAME_OPTIONS);
  } catch {
    m = () => false; // reported by globProblem; never a throw in the middle of a lint
  }
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(glob, m);
  return m;
}

/** Does `path` (relative, `/`- or `\`-separated) match the glob? */
export function matchGlob(glob: string, path: string): boolean {
  const p = path.replace(/\\/g, '/').replace(/^\.\//, '');
  return compile(glob)(p);
}

/** Why this glob cannot be used, or null when it can (for config validation messages). */
export function globProblem(glob: string): string | null {
  if (!glob.trim()) return 'an empty glob matches nothing';
  try {
    picomatch.makeRe(normalizeGlob(glob), OPTIONS);
    return null;
  } catch (e) {
    return `not a valid glob: ${(e as Error).message}`;
  }
}
