/**
 * Spell the keys that make a document a template or policy (`AWSTemplateFormatVersion`,
 * `Resources`, `Statement`) with escapes, so that the raw text no longer contains them though
 * the parsed document does: `"Resour\u0063es"` in JSON; `"Resour\x63es"`, `\u0063`,
 * `\U00000063` in YAML double quotes. A filter on the raw text would miss such a document.
 */

const MARKERS = ['AWSTemplateFormatVersion', 'Resources', 'Statement'];

/** The escapes YAML double quotes understand, rotated by `n`; JSON has only `\uXXXX`. */
function escapeChar(c: string, format: 'json' | 'yaml', n: number): string {
  const hex = c.charCodeAt(0).toString(16).padStart(2, '0');
  if (format === 'json') return `\\u${hex.padStart(4, '0')}`;
  return [`\\x${hex}`, `\\u${hex.padStart(4, '0')}`, `\\U${hex.padStart(8, '0')}`][n % 3];
}

function escaped(word: string, format: 'json' | 'yaml', n: number): string {
  // Escape one letter (which one varies), so the word is never written out.
  const i = 1 + (n % (word.length - 1));
  return `"${word.slice(0, i)}${escapeChar(word[i], format, n)}${word.slice(i + 1)}"`;
}

/** The text with every key spelling a marker escaped (values and other words are left alone). */
export function escapeKeys(text: string, format: 'json' | 'yaml'): string {
  let n = 0;
  const words = MARKERS.join('|');
  if (format === 'json') {
    return text.replace(new RegExp(`"(${words})"(\\s*:)`, 'g'), (_m, w: string, colon: string) => {
      return escaped(w, 'json', n++) + colon;
    });
  }
  // A YAML key: at the start of a line (after indentation or `- `), or after `{` / `,` in flow style.
  return text.replace(
    new RegExp(`(^[ \\t]*(?:- +)*|[{,][ \\t]*)(["']?)(${words})\\2([ \\t]*:(?=[\\s]|$))`, 'gm'),
    (_m, before: string, _q: string, w: string, colon: string) => before + escaped(w, 'yaml', n++) + colon,
  );
}

/** Does the raw text still name a marker? */
export function mentionsMarker(text: string): boolean {
  return /AWSTemplateFormatVersion|Resources|Statement/.test(text);
}
