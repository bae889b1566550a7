/**
 * Which files `ajar lint` looks at: folders walked, globs expanded, the usual noise skipped.
 *
 * A checkout is hostile input. The walk never follows a symbolic link out of the roots it was
 * given (the folders named on the command line, or the fixed prefix of a glob), walks each folder
 * once whatever the number of links to it (device + inode: link loops end), returns each file once
 * (real paths before paths through links), and never returns anything but regular files: FIFOs,
 * sockets and devices are reported as skipped, never opened.
 */
import { existsSync, lstatSync, readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { matchGlob } from '../engine';

const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', '.venv', '__pycache__', '.aws-sam']);
const CANDIDATE = /\.(ya?ml|json|template)$/i;

export interface WalkOptions {
  exclude?: string[];
  maxFiles?: number;
}

/** A file the walk found: its path (as the walk reached it) and identity. */
export interface WalkedFile {
  path: string;
  dev: number;
  ino: number;
}

/** Something the walk did not take, and why (reported on stderr, never silently dropped). */
export interface Skipped {
  path: string;
  reason: string;
}

export interface WalkResult {
  files: WalkedFile[];
  /** Arguments that name nothing. */
  missing: string[];
  skipped: Skipped[];
}

function isSkippedDir(name: string, parent: string): boolean {
  if (SKIP_DIRS.has(name)) return true;
  // CDK asset folders hold bundled code and copies of other templates (in cdk.out, or in the
  // assembly cdk.json's `output` names: a folder with a manifest.json).
  if (!name.startsWith('asset.')) return false;
  return /(^|[\\/])cdk\.out$/.test(parent) || existsSync(join(parent, 'manifest.json'));
}

const idOf = (st: Stats) => `${st.dev}:${st.ino}`;
const errCode = (e: unknown) => (e as NodeJS.ErrnoException).code ?? String(e);

function kindOf(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

function isWithin(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

export function collectFiles(args: string[], cwd: string, opts: WalkOptions = {}): WalkResult {
  const max = opts.maxFiles ?? 100_000;
  const files: WalkedFile[] = [];
  const fileIds = new Set<string>();
  const missing: string[] = [];
  const skipped: Skipped[] = [];
  let truncated = false;
  const excluded = (abs: string) => (opts.exclude ?? []).some((g) => matchGlob(g, relative(cwd, abs)));

  const addFile = (path: string, st: Stats) => {
    const id = idOf(st);
    if (fileIds.has(id)) return;
    if (files.length >= max) {
      truncated = true;
      return;
    }
    fileIds.add(id);
    files.push({ path, dev: st.dev, ino: st.ino });
  };

  /**
   * Walks `start` (whose real path is inside one of `roots`) and returns how many files it
   * accepted (duplicates included). Links are taken after everything reachable without them, so a
   * file is named by its real path when it has one in the roots.
   */
  const walkTree = (start: string, roots: string[], accept: (path: string) => boolean): number => {
    const walkedDirs = new Set<string>();
    const linked: { path: string; st: Stats }[] = [];
    let accepted = 0;
    const take = (path: string, st: Stats) => {
      accepted++;
      addFile(path, st);
    };
    const visit = (dir: string) => {
      let st: Stats;
      try {
        st = statSync(dir);
      } catch {
        return;
      }
      if (walkedDirs.has(idOf(st))) return; // a loop, or reached before through another path
      walkedDirs.add(idOf(st));
      let names: string[];
      try {
        names = readdirSync(dir);
      } catch (e) {
        skipped.push({ path: dir, reason: `cannot list this folder (${errCode(e)})` });
        return;
      }
      for (const name of names.sort()) {
        const p = join(dir, name);
        let lst: Stats;
        try {
          lst = lstatSync(p);
        } catch {
          continue; // gone since readdir
        }
        if (lst.isSymbolicLink()) {
          let real: string;
          let target: Stats;
          try {
            real = realpathSync(p);
            target = statSync(real);
          } catch (e) {
            if (CANDIDATE.test(name)) skipped.push({ path: p, reason: `broken symbolic link (${errCode(e)})` });
            continue;
          }
          if (!roots.some((r) => isWithin(real, r))) {
            if (target.isDirectory() || CANDIDATE.test(name))
              skipped.push({ path: p, reason: 'symbolic link to outside the folders being linted' });
          } else if (target.isDirectory() ? !isSkippedDir(name, dir) && !excluded(p) : accept(p)) {
            linked.push({ path: p, st: target });
          }
          continue;
        }
        if (lst.isDirectory()) {
          if (!isSkippedDir(name, dir) && !excluded(p)) visit(p);
        } else if (!accept(p)) {
          // not a candidate, or excluded
        } else if (lst.isFile()) {
          take(p, lst);
        } else {
          skipped.push({ path: p, reason: `${kindOf(lst)}, not a regular file` });
        }
      }
    };
    visit(start);
    for (let next = linked.shift(); next; next = linked.shift()) {
      if (next.st.isDirectory()) visit(next.path);
      else if (next.st.isFile()) take(next.path, next.st);
      else skipped.push({ path: next.path, reason: `${kindOf(next.st)}, not a regular file` });
    }
    return accepted;
  };

  const candidate = (p: string) => CANDIDATE.test(p) && !excluded(p);
  for (const a of args.length ? args : ['.']) {
    const abs = resolve(cwd, a);
    let st: Stats | undefined;
    try {
      st = statSync(abs);
    } catch {
      st = undefined;
    }
    if (st?.isDirectory()) {
      let root: string;
      try {
        root = realpathSync(abs);
      } catch (e) {
        skipped.push({ path: abs, reason: `cannot resolve this folder (${errCode(e)})` });
        continue;
      }
      walkTree(abs, [root], candidate);
    } else if (st?.isFile()) {
      addFile(abs, st); // named on the command line: linted whatever its name
    } else if (st) {
      skipped.push({ path: abs, reason: `${kindOf(st)}, not a regular file` });
    } else if (/[*?{[]/.test(a)) {
      // A glob: walk from its fixed prefix and match.
      const pattern = a.replace(/^\.\//, '');
      const base = resolve(cwd, a.split(/[*?{[]/)[0].replace(/[^/\\]*$/, '') || '.');
      let root: string;
      try {
        root = realpathSync(base);
      } catch {
        missing.push(a);
        continue;
      }
      if (walkTree(base, [root], (p) => candidate(p) && matchGlob(pattern, relative(cwd, p))) === 0) missing.push(a);
    } else missing.push(a);
  }
  if (truncated) skipped.push({ path: cwd, reason: `stopped after ${max} files; the rest were not linted` });
  return { files, missing, skipped };
}
