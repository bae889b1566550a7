/**
 * Creation stacks: the frames the CDK recorded when a construct was made, parsed, and the first
 * one in the app's own files (not node_modules, not node internals, not the jsii runtime).
 */

export interface Frame {
  functionName: string;
  file: string;
  /** 1-based, as V8 writes them. */
  line: number;
  /** 1-based; 0 when the frame has none (Python frames from jsii). */
  column: number;
}

/** Frames of a creation stack entry: strings like `new Site (/app/lib/site.ts:9:19)` or `at /a.js:1:2`. */
export function parseFrames(data: unknown): Frame[] {
  if (!Array.isArray(data)) return [];
  const out: Frame[] = [];
  for (const item of data) {
    if (typeof item !== 'string') continue;
    const f = parseFrame(item);
    if (f) out.push(f);
  }
  return out;
}

export function parseFrame(text: string): Frame | null {
  const s = text.trim().replace(/^at\s+/, '');
  if (s.startsWith('...') || s.startsWith('(')) return null; // "...aws-cdk-lib...", "(no user code ...)"
  const m = /^(?:(.*?)\s+\()?(.+?):(\d+)(?::(\d+))?\)?$/.exec(s);
  if (!m) return null;
  let file = m[2];
  if (file.startsWith('file://')) {
    try {
      file = decodeURIComponent(file.slice(7).replace(/^\/([A-Za-z]:)/, '$1'));
    } catch {
      return null;
    }
  }
  return { functionName: m[1] ?? '', file, line: Number(m[3]), column: m[4] ? Number(m[4]) : 0 };
}

/** A frame in a dependency or the runtime, never the app's own code. */
export function isLibraryFrame(f: Frame): boolean {
  const file = f.file;
  if (/(^|[\\/])node_modules[\\/]/.test(file)) return true;
  if (/[\\/](site|dist)-packages[\\/]/.test(file)) return true;
  if (file.startsWith('node:') || file.startsWith('internal/') || file.startsWith('<')) return true;
  if (/jsii-runtime|jsii[\\/]_embedded|[\\/]jsii[\\/]/.test(file)) return true;
  // only absolute paths name files (Windows paths included)
  return !(file.startsWith('/') || /^[A-Za-z]:[\\/]/.test(file) || file.startsWith('\\\\'));
}
