/**
 * Source maps (revision 3) for frames that point at compiled JavaScript: the generated line and
 * column back to the original file. Only `mappings`, `sources` and `sourceRoot` are read.
 */

export interface SourceMapData {
  sources: string[];
  sourceRoot?: string;
  /** Per generated line: segments [generatedColumn, sourceIndex, originalLine, originalColumn]. */
  lines: number[][][];
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_VALUE = new Map([...B64].map((c, i) => [c, i]));

/** Reads a source map's JSON; null when it is not one. */
export function parseSourceMap(json: string): SourceMapData | null {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return null;
  }
  if (!raw || typeof raw !== 'object') return null;
  const m = raw as { sources?: unknown; sourceRoot?: unknown; mappings?: unknown };
  if (!Array.isArray(m.sources) || typeof m.mappings !== 'string') return null;
  const sources = m.sources.map((s) => (typeof s === 'string' ? s : ''));
  const lines: number[][][] = [];
  let src = 0;
  let origLine = 0;
  let origCol = 0;
  for (const line of m.mappings.split(';')) {
    const segs: number[][] = [];
    let genCol = 0;
    for (const seg of line.split(',')) {
      if (!seg) continue;
      const v = decodeVlq(seg);
      if (!v || v.length === 0) continue;
      genCol += v[0];
      if (v.length >= 4) {
        src += v[1];
        origLine += v[2];
        origCol += v[3];
        segs.push([genCol, src, origLine, origCol]);
      }
    }
    lines.push(segs);
  }
  return { sources, sourceRoot: typeof m.sourceRoot === 'string' ? m.sourceRoot : undefined, lines };
}

function decodeVlq(seg: string): number[] | null {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const c of seg) {
    const d = B64_VALUE.get(c);
    if (d === undefined) return null;
    value += (d & 31) << shift;
    if (d & 32) shift += 5;
    else {
      out.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return out;
}

/**
 * The original position of a generated one (0-based line and column): the last segment at or
 * before the column on that line, else the line's first segment.
 */
export function originalPosition(
  map: SourceMapData,
  line: number,
  column: number,
): { source: string; line: number; column: number } | null {
  const segs = map.lines[line];
  if (!segs || segs.length === 0) return null;
  let best = segs[0];
  for (const s of segs) if (s[0] <= column) best = s;
  const source = map.sources[best[1]];
  if (source === undefined) return null;
  return { source, line: best[2], column: best[3] };
}
