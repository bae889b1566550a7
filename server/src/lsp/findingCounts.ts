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
  /** cfn-lint's diagnostics published beside an open document's findings (after the merge). */
  private readonly openCfnLint = new Map<string, Counts>();
  /** Files linted from disk that have findings (what was published for them; only non-empty kept). */
  private readonly disk = new Map<string, Counts>();
  private scheduled = false;
  private last = '';
  /** The workspace scan runs: counts are sent when it ends. */
  paused = false;

  constructor(private readonly send: (totals: FindingCountParams) => void) {}

  /** Ajar's findings of an open document, published alone: cfn-lint's part is gone until it answers again. */
  setOpen(uri: string, counts: Counts): void {
    this.open.set(uri, counts);
    this.openCfnLint.delete(uri);
  }
  /** cfn-lint's diagnostics, published beside the document's findings. */
  setOpenCfnLint(uri: string, counts: Counts): void {
    this.openCfnLint.set(uri, counts);
  }
  deleteOpen(uri: string): void {
    this.open.delete(uri);
    this.openCfnLint.delete(uri);
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

  /**
   * What Problems shows: open documents count as they are (Ajar's findings and cfn-lint's
   * diagnostics beside them), a file on disk only while it is not open; `cfnLint` is cfn-lint's part.
   */
  totals(): FindingCountParams {
    const cfnLint = { errors: 0, warnings: 0, information: 0 };
    const t: FindingCountParams = { errors: 0, warnings: 0, information: 0, files: 0, cfnLint };
    const add = (c: Counts, cfn?: Counts) => {
      const all = cfn
        ? {
            errors: c.errors + cfn.errors,
            warnings: c.warnings + cfn.warnings,
            information: c.information + cfn.information,
          }
        : c;
      if (all.errors + all.warnings + all.information === 0) return;
      t.errors += all.errors;
      t.warnings += all.warnings;
      t.information += all.information;
      t.files++;
      if (cfn) {
        cfnLint.errors += cfn.errors;
        cfnLint.warnings += cfn.warnings;
        cfnLint.information += cfn.information;
      }
    };
    for (const [uri, c] of this.open) add(c, this.openCfnLint.get(uri));
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
