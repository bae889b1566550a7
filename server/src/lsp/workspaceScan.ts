/**
 * Finding the workspace files to lint in the background: a bounded, cancellable walk of the
 * workspace folders that keeps files matching `ajar.files.include`, skips `ajar.files.exclude`
 * and `.ajar.yaml` `ignorePaths`, never follows symbolic links and never runs anything.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { loadConfigFor, matchGlob } from '../engine';
import { yieldToEventLoop } from './documents';

export interface ScanOptions {
  include: string[];
  exclude: string[];
  maxFiles: number;
  isCancelled: () => boolean;
  /** Called every few hundred directory entries (progress). */
  onProgress?: (visited: number, found: number) => void;
}

export interface ScanListing {
  files: string[];
  /** The walk stopped at maxFiles. */
  truncated: boolean;
  cancelled: boolean;
  visited: number;
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

export function matchesAny(globs: readonly string[], rel: string): boolean {
  for (const g of globs) if (matchGlob(g, rel)) return true;
  return false;
}

/** Is a directory (relative path) excluded? Globs like `** /node_modules/**` match `node_modules/`. */
function dirExcluded(exclude: readonly string[], rel: string): boolean {
  return matchesAny(exclude, rel + '/') || matchesAny(exclude, rel + '/x');
}

/** Does this workspace file (relative to its folder) belong to the workspace scan? */
export function isScanCandidate(include: readonly string[], exclude: readonly string[], rel: string): boolean {
  const r = toPosix(rel);
  return matchesAny(include, r) && !matchesAny(exclude, r);
}

/** `.ajar.yaml` ignorePaths of the config that applies to the file. */
export function ignoredByProjectConfig(file: string, folder: string): boolean {
  const { config } = loadConfigFor(file, folder);
  if (!config.ignorePaths.length) return false;
  const root = config.root ?? folder;
  const rel = toPosix(path.relative(root, file));
  return config.ignorePaths.some((g) => matchGlob(g, rel));
}

const MAX_DEPTH = 40;

export async function listWorkspaceFiles(folders: readonly string[], opts: ScanOptions): Promise<ScanListing> {
  const out: ScanListing = { files: [], truncated: false, cancelled: false, visited: 0 };
  const seen = new Set<string>();
  for (const folder of folders) {
    const stack: { dir: string; depth: number }[] = [{ dir: folder, depth: 0 }];
    while (stack.length) {
      if (opts.isCancelled()) {
        out.cancelled = true;
        return out;
      }
      const { dir, depth } = stack.pop()!;
      let entries: import('node:fs').Dirent[];
      try {
        entries = await fs.readdir(dir, { withFileTypes: true });
      } catch {
        continue; // unreadable folder: skip it
      }
      entries.sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
      for (const e of entries) {
        out.visited++;
        const abs = path.join(dir, e.name);
        const rel = toPosix(path.relative(folder, abs));
        if (e.isSymbolicLink()) continue;
        if (e.isDirectory()) {
          if (depth < MAX_DEPTH && !dirExcluded(opts.exclude, rel)) stack.push({ dir: abs, depth: depth + 1 });
          continue;
        }
        if (!e.isFile() || seen.has(abs)) continue;
        if (!isScanCandidate(opts.include, opts.exclude, rel)) continue;
        if (ignoredByProjectConfig(abs, folder)) continue;
        seen.add(abs);
        out.files.push(abs);
        if (out.files.length >= opts.maxFiles) {
          out.truncated = true;
          return out;
        }
      }
      opts.onProgress?.(out.visited, out.files.length);
      await yieldToEventLoop();
    }
  }
  return out;
}
