/**
 * `ajar audit --save DIR`: each run's JSON document kept as a timestamped file, and the saved runs
 * read back (oldest first) for the change since the previous run and the trend.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditDocument } from './document';
import { pointOf, type RunPoint } from './common';

const PREFIX = 'ajar-audit-';

/** "ajar-audit-2025-01-31T09-30-00-000Z.json" (the run's wall-clock time; a suffix if taken). */
export function runFileName(now: Date, taken: Set<string> = new Set()): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  let name = `${PREFIX}${stamp}.json`;
  for (let i = 2; taken.has(name); i++) name = `${PREFIX}${stamp}-${i}.json`;
  return name;
}

/** Writes the run's document into DIR (created if needed); returns the file's path. */
export function saveRun(dir: string, doc: AuditDocument, now = new Date()): string {
  mkdirSync(dir, { recursive: true });
  const name = runFileName(now, new Set(readdirSync(dir)));
  const path = join(dir, name);
  writeFileSync(path, `${JSON.stringify(doc, null, 2)}\n`, { flag: 'wx' });
  return path;
}

/**
 * The saved runs of DIR, ordered by the instant they measure (asOf), then by file name. Files that
 * are not Ajar audit documents with a posture block are skipped and named in `skipped`.
 */
export function loadHistory(dir: string): { runs: RunPoint[]; skipped: string[] } {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.startsWith(PREFIX) && n.endsWith('.json'));
  } catch {
    return { runs: [], skipped: [] };
  }
  const runs: RunPoint[] = [];
  const skipped: string[] = [];
  for (const name of names.sort()) {
    try {
      const doc = JSON.parse(readFileSync(join(dir, name), 'utf8')) as Partial<AuditDocument>;
      if (!doc.posture || !Array.isArray(doc.posture.figures) || typeof doc.posture.asOf !== 'string')
        throw new Error('no posture block');
      runs.push(pointOf(doc.posture, name));
    } catch {
      skipped.push(name);
    }
  }
  runs.sort((a, b) => a.asOf.localeCompare(b.asOf) || (a.file ?? '').localeCompare(b.file ?? ''));
  return { runs, skipped };
}
