/**
 * The one escaping function for everything the CLI writes to a terminal (or a log a terminal will
 * show). File names, logical ids, messages and service errors are data: an ESC, OSC or BEL in them
 * must not reach the terminal (colour or no colour), and a newline in a file name must not fake a
 * finding line.
 */

/**
 * C0 controls (tab and newline included), DEL, C1 controls, and the Unicode controls that change
 * how a line is shown: bidi embeddings and overrides (U+202A-202E), isolates (U+2066-2069), the
 * marks LRM, RLM and ALM, and the line and paragraph separators.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_KEEP_NEWLINES =
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const SHORT: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function escapeOne(c: string): string {
  return SHORT[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * `s` with every unsafe character written as a JSON-style escape (`\t`, `\n`, `\r`, `\u001b`,
 * `\u202e`): visible, one line, and still valid inside a JSON string. With `keepNewlines`, line
 * feeds stay (for a whole report whose lines the caller built; its fields must have been escaped
 * without it).
 */
export function escapeControls(s: string, opts: { keepNewlines?: boolean } = {}): string {
  return s.replace(opts.keepNewlines ? UNSAFE_KEEP_NEWLINES : UNSAFE, escapeOne);
}
