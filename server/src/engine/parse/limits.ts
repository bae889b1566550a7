/** Safety bounds for hostile input. All are enforced by the parsers and reported as AJ000. */
export interface ParseLimits {
  /** Largest document read, in UTF-16 code units (about bytes for ASCII). */
  maxChars: number;
  /** Deepest nesting of maps/sequences accepted. */
  maxDepth: number;
  /** Most nodes that alias expansion may add, across the document. */
  maxAliasExpansion: number;
}

export const DEFAULT_LIMITS: ParseLimits = {
  maxChars: 8 * 1024 * 1024,
  maxDepth: 500,
  maxAliasExpansion: 100_000,
};
