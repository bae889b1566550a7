/**
 * Work-done progress while cfn-lint runs long. cfn-lint takes from a fraction of a second to
 * minutes (a large template); Ajar's findings are already shown, so a run that ends quickly shows
 * nothing, and one still going after `delayMs` (2 s) shows one "cfn-lint" progress, naming the
 * document (and how many more wait), until every such run has ended.
 */
import type { ScanProgress } from './workspaceScanner';

export const CFN_LINT_PROGRESS_DELAY_MS = 2000;

export class CfnLintProgress {
  private seq = 0;
  /** Runs still going after the delay, by id: their document's name. */
  private readonly slow = new Map<number, string>();
  private reporter: Promise<ScanProgress | null> | null = null;
  private lastMessage = '';

  constructor(
    /** window/workDoneProgress/create, or null when the client cannot show progress. */
    private readonly create: () => Promise<ScanProgress | null>,
    private readonly delayMs = CFN_LINT_PROGRESS_DELAY_MS,
  ) {}

  /** Shows progress for `run` (cfn-lint on `uri`) if it lasts longer than the delay; returns `run`. */
  track<T>(uri: string, run: Promise<T>): Promise<T> {
    const id = ++this.seq;
    const timer = setTimeout(() => {
      this.slow.set(id, nameOf(uri));
      this.update();
    }, this.delayMs);
    timer.unref?.();
    const end = () => {
      clearTimeout(timer);
      if (this.slow.delete(id)) this.update();
    };
    run.then(end, end);
    return run;
  }

  /** Whether a progress is shown (for tests). */
  get showing(): boolean {
    return this.reporter !== null;
  }

  private update(): void {
    if (this.slow.size === 0) {
      const r = this.reporter;
      this.reporter = null;
      this.lastMessage = '';
      void r?.then((p) => p?.done());
      return;
    }
    const names = [...this.slow.values()];
    const message = names.length === 1 ? `Linting ${names[0]}` : `Linting ${names[0]} and ${names.length - 1} more`;
    if (!this.reporter) {
      this.lastMessage = message;
      this.reporter = this.create()
        .then((p) => {
          p?.begin('cfn-lint', undefined, message, false);
          return p;
        })
        .catch(() => null);
      return;
    }
    if (message === this.lastMessage) return;
    this.lastMessage = message;
    void this.reporter.then((p) => p?.report(message));
  }
}

function nameOf(uri: string): string {
  const path = uri.replace(/[?#].*$/, '');
  const i = path.lastIndexOf('/');
  try {
    return decodeURIComponent(i >= 0 ? path.slice(i + 1) : path) || uri;
  } catch {
    return path.slice(i + 1) || uri;
  }
}
