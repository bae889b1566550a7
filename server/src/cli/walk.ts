/** Which files `ajar lint` looks at: folders walked, globs expanded, the usual noise skipped. */
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { matchGlob } from '../engine';

const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', '.venv', '__pycache__', '.aws-sam']);
const CANDIDATE = /\.(ya?ml|json|template)$/i;

export interface WalkOptions {
  exclude?: string[];
  maxFiles?: number;
}

function isSkippedDir(name: string, parent: string): boolean {
  if (SKIP_DIRS.has(name)) return true;
  // CDK asset folders hold bundled code and copies of other templates.
  return /(^|[\\/])cdk\.out$/.test(parent) && name.startsWith('asset.');
}

export function collectFiles(
  args: string[],
  cwd: string,
  opts: WalkOptions = {},
): { files: string[]; missing: string[] } {
  const files = new Set<string>();
  const missing: string[] = [];
  const max = opts.maxFiles ?? 100_000;
  const excluded = (abs: string) => (opts.exclude ?? []).some((g) => matchGlob(g, relative(cwd, abs)));
  const walk = (dir: string) => {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of entries.sort()) {
      if (files.size >= max) return;
      const p = join(dir, name);
      let st: ReturnType<typeof statSync>;
      try {
        st = statSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) {
        if (!isSkippedDir(name, dir) && !excluded(p)) walk(p);
      } else if (CANDIDATE.test(name) && !excluded(p)) files.add(p);
    }
  };
  for (const a of args.length ? args : ['.']) {
    const abs = resolve(cwd, a);
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(abs);
    } catch {
      st = undefined;
    }
    if (st?.isDirectory()) walk(abs);
    else if (st?.isFile()) files.add(abs);
    else if (/[*?{]/.test(a)) {
      // A glob: walk from its fixed prefix and match.
      const base = resolve(cwd, a.split(/[*?{]/)[0].replace(/[^/\\]*$/, '') || '.');
      const before = new Set(files);
      const all = new Set<string>();
      const saved = [...files];
      files.clear();
      walk(base);
      for (const f of files) if (matchGlob(a.replace(/^\.\//, ''), relative(cwd, f))) all.add(f);
      files.clear();
      for (const f of saved) files.add(f);
      for (const f of all) files.add(f);
      if (all.size === 0 && before.size === files.size) missing.push(a);
    } else missing.push(a);
  }
  return { files: [...files], missing };
}
