/**
 * Finding counts (`ajar/findingCount`): per open document and per file linted from disk, summed
 * into one notification for the status bar. A flood of changes sends one notification per event
 * loop turn at most, none while the workspace scan runs (it sends one at the end), and none that
 * repeats the previous one.
 */
import type { FindingCountParams } from './protocol';
import type { Counts } from './diagnostics';

export class FindingCounts {
  private readonly open = new Map<string, Counts>();
  /** Files linted from disk that have findings (what was published for them; only non-empty kept). */
  private readonly disk = new Map<string, Counts>();
  private scheduled = false;
  private last = '';
  /** The workspace scan runs: counts are sent when it ends. */
  paused = false;

  constructor(private readonly send: (totals: FindingCountParams) => void) {}

  setOpen(uri: string, counts: Counts): void {
    this.open.set(uri, counts);
  }
  deleteOpen(uri: string): void {
    this.open.delete(uri);
  }

  /** A file from disk: its counts when it has findings, else it is forgotten. */
  setDisk(uri: string, counts: Counts | null): void {
    if (counts && counts.errors + counts.warnings + counts.information > 0) this.disk.set(uri, counts);
    else this.disk.delete(uri);
  }
  /** Forgets a file from disk; true when it had findings (published, so an empty publish is due). */
  deleteDisk(uri: string): boolean {
    return this.disk.delete(uri);
  }
  /** Whether findings were published for this file from disk. */
  hasDisk(uri: string): boolean {
    return this.disk.has(uri);
  }
  diskUris(): string[] {
    return [...this.disk.keys()];
  }
  get diskSize(): number {
    return this.disk.size;
  }

  /** Open documents count as they are; a file on disk only while it is not open. */
  totals(): FindingCountParams {
    const t: FindingCountParams = { errors: 0, warnings: 0, information: 0, files: 0 };
    const add = (c: Counts) => {
      if (c.errors + c.warnings + c.information === 0) return;
      t.errors += c.errors;
      t.warnings += c.warnings;
      t.information += c.information;
      t.files++;
    };
    for (const c of this.open.values()) add(c);
    for (const [uri, c] of this.disk) if (!this.open.has(uri)) add(c);
    return t;
  }

  /** Sends the totals on the next turn if they changed. */
  schedule(): void {
    if (this.scheduled || this.paused) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const t = this.totals();
      const j = JSON.stringify(t);
      if (j === this.last) return;
      this.last = j;
      this.send(t);
    });
  }
}
