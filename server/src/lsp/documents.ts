/**
 * Scheduling of open-document analysis: per document, the latest version wins.
 *
 * A change marks the document dirty and asks for a turn on the next `setImmediate`: messages
 * already read from the client (a burst of keystrokes, a hover for another file) are handled
 * first, so only the newest version of a document is analysed and a newer version replaces an
 * older one that has not started yet. One document is analysed per turn, so requests for other
 * documents are answered between two analyses. There is no fixed debounce: when the server is
 * idle, a change is analysed at once.
 */

export type Job = (uri: string) => void;

export class LatestVersionQueue {
  private readonly dirty = new Set<string>();
  private scheduled = false;
  private readonly idleWaiters: (() => void)[] = [];

  constructor(private readonly run: Job) {}

  /** The document changed: analyse its newest version on the next turn. */
  schedule(uri: string): void {
    // Re-inserting moves the document to the back: documents changed less recently go first.
    this.dirty.delete(uri);
    this.dirty.add(uri);
    this.kick();
  }

  /** The document was closed or a request already analysed its newest version. */
  cancel(uri: string): void {
    this.dirty.delete(uri);
  }

  isPending(uri: string): boolean {
    return this.dirty.has(uri);
  }

  get size(): number {
    return this.dirty.size;
  }

  /** Resolves when nothing is pending (for tests and the workspace scan, which yields to open documents). */
  idle(): Promise<void> {
    if (this.dirty.size === 0 && !this.scheduled) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private kick(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.turn());
  }

  private turn(): void {
    this.scheduled = false;
    const next = this.dirty.values().next();
    if (!next.done) {
      const uri = next.value;
      this.dirty.delete(uri);
      try {
        this.run(uri);
      } catch {
        /* the job reports its own failures */
      }
    }
    if (this.dirty.size) this.kick();
    else for (const w of this.idleWaiters.splice(0)) w();
  }
}

/** Gives the event loop a turn (pending messages are handled before the promise resolves). */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
