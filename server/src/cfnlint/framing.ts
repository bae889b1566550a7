/**
 * The worker's wire format: `Content-Length: N\r\n\r\n` followed by N bytes of UTF-8 JSON, as LSP
 * frames its messages. Used in both directions.
 */

export function encodeFrame(message: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]);
}

/** Incremental decoder: push chunks as they arrive, get whole messages back. */
export class FrameDecoder {
  private buffer: Buffer = Buffer.alloc(0);

  /** Returns the messages completed by this chunk. Throws on a malformed header. */
  push(chunk: Buffer): unknown[] {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const out: unknown[] = [];
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) break;
      const header = this.buffer.subarray(0, headerEnd).toString('ascii');
      const m = /(?:^|\r\n)content-length:\s*(\d+)/i.exec(header);
      if (!m) throw new Error(`cfn-lint worker: bad frame header ${JSON.stringify(header.slice(0, 80))}`);
      const length = Number(m[1]);
      const bodyStart = headerEnd + 4;
      if (this.buffer.length < bodyStart + length) break;
      const body = this.buffer.subarray(bodyStart, bodyStart + length).toString('utf8');
      this.buffer = this.buffer.subarray(bodyStart + length);
      out.push(JSON.parse(body));
    }
    return out;
  }

  reset(): void {
    this.buffer = Buffer.alloc(0);
  }
}
