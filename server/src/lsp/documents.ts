/**
 * Scheduling of open-document analysis: per document, the latest version wins.
 *
 * A change marks the document dirty and asks for a turn on the next `setImmediate`. Messages
 * already read from the client (a burst of keystrokes, a hover for another file) are handled
 * first: vscode-jsonrpc handles one message per `setImmediate`, so a turn that finds a change
 * arrived since the previous turn waits one more (for at most MAX_DEFER_MS), and only the newest
 * version of a document is analysed, not each version of a burst in turn. One document is
 * analysed per turn, so requests for other documents are answered between two analyses. There is
 * no fixed debounce: when the server is idle, a change is analysed at once (one turn later).
 */

import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Range, TextDocumentContentChangeEvent } from 'vscode-languageserver';

export type Job = (uri: string) => void;

/** A flood of changes delays analysis by at most this long (ms) before one is analysed anyway. */
export const MAX_DEFER_MS = 100;

export class LatestVersionQueue {
  private readonly dirty = new Set<string>();
  private scheduled = false;
  /** A change arrived since the last turn. */
  private changed = false;
  /** When the current run of deferred turns started (0: none). */
  private deferredSince = 0;
  private readonly idleWaiters: (() => void)[] = [];

  constructor(private readonly run: Job) {}

  /** The document changed: analyse its newest version on the next turn. */
  schedule(uri: string): void {
    // Re-inserting moves the document to the back: documents changed less recently go first.
    this.dirty.delete(uri);
    this.dirty.add(uri);
    this.changed = true;
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
    if (this.changed && this.dirty.size) {
      // More of the burst may be waiting in the connection's queue: let it in first.
      const now = performance.now();
      if (!this.deferredSince) this.deferredSince = now;
      if (now - this.deferredSince < MAX_DEFER_MS) {
        this.changed = false;
        this.kick();
        return;
      }
    }
    this.changed = false;
    this.deferredSince = 0;
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

/** Is there a CR at `offset - 1` and a LF at `offset` (one line end, split by an edit's boundary)? */
function crlfAt(text: string, offset: number): boolean {
  return offset > 0 && text.charCodeAt(offset - 1) === 13 && text.charCodeAt(offset) === 10;
}

function startOf(doc: TextDocument, r: Range): number {
  return Math.min(doc.offsetAt(r.start), doc.offsetAt(r.end));
}

/**
 * The open documents' text model (for `TextDocuments`): vscode-languageserver-textdocument, whose
 * incremental update counts the line ends of the inserted text on their own. An edit that makes
 * a CRLF across its boundary (a LF typed after a lone CR, a CR before a LF, a deletion of what
 * stood between them) leaves a line start inside that CRLF, and every later edit by position
 * lands elsewhere than in the editor's text. After such an edit the line offsets are recomputed
 * from the text (the edits that cause it are rare, so this costs nothing in the common case).
 */
export const EditorTextDocument = {
  create: TextDocument.create,
  update(doc: TextDocument, changes: TextDocumentContentChangeEvent[], version: number): TextDocument {
    let d = doc;
    for (const change of changes) {
      if (!('range' in change) || !change.range) {
        d = TextDocument.update(d, [change], version);
        continue;
      }
      const start = startOf(d, change.range);
      d = TextDocument.update(d, [change], version);
      const text = d.getText();
      if (crlfAt(text, start) || crlfAt(text, start + change.text.length))
        d = TextDocument.create(d.uri, d.languageId, version, text);
    }
    return d;
  },
};
