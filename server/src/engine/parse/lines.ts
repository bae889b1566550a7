/**
 * Offset ↔ LSP position (0-based line, UTF-16 character), for LF, CRLF and lone CR line ends.
 *
 * Every range Ajar publishes is made here, and no range may name a place an editor cannot: past
 * its line's end, between the CR and LF of a line end, or between the halves of a surrogate pair.
 * Offsets there are moved to the nearest place that can be named (see `range`).
 */
import type { Position, Range, Span } from '../types';

export class LineIndex {
  private starts: number[];
  constructor(private text: string) {
    const starts = [0];
    if (text.indexOf('\r') < 0) {
      // LF only (the common case): let the native search find the line ends.
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
      this.starts = starts;
      return;
    }
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    this.starts = starts;
  }
  get lineCount(): number {
    return this.starts.length;
  }
  /**
   * The position of an offset. An offset between CR and LF is the end of its line; one between
   * the halves of a surrogate pair is the pair's start (`range` moves an end past the pair).
   */
  position(offset: number): Position {
    return this.at(this.clamp(offset, false));
  }
  /**
   * The range of a span: its start moved back and its end forward out of a surrogate pair (the
   * whole character is covered), both moved back out of a CRLF (the line ends before it). An
   * empty span stays empty.
   */
  range(span: Span): Range {
    const s = this.clamp(span.start, false);
    // An empty span (an insertion) stays empty.
    const e = span.end <= span.start ? s : Math.max(s, this.clamp(span.end, true));
    return { start: this.at(s), end: this.at(e) };
  }
  /** The offset of a position; a character past its line's end means the line's end (as LSP says). */
  offset(pos: Position): number {
    if (pos.line >= this.starts.length) return this.text.length;
    if (pos.line < 0) return 0;
    const lineStart = this.starts[pos.line];
    return Math.min(lineStart + Math.max(0, pos.character), this.contentEnd(pos.line));
  }
  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line, this.starts.length - 1))];
  }

  /** The offset where a line's content ends (before its CR, LF or CRLF). */
  private contentEnd(line: number): number {
    if (line + 1 >= this.starts.length) return this.text.length;
    let e = this.starts[line + 1];
    if (this.text.charCodeAt(e - 1) === 10) e--;
    if (this.text.charCodeAt(e - 1) === 13) e--;
    return e;
  }

  /** An offset inside the text, out of a CRLF (back) and a surrogate pair (forward for an end). */
  private clamp(offset: number, end: boolean): number {
    const t = this.text;
    let o = Math.max(0, Math.min(offset, t.length));
    if (o <= 0 || o >= t.length) return o;
    const before = t.charCodeAt(o - 1);
    const after = t.charCodeAt(o);
    if (before === 13 && after === 10) return o - 1;
    if (before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff) o += end ? 1 : -1;
    return o;
  }

  private at(o: number): Position {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - this.starts[lo] };
  }
}
