/**
 * The IAM credential report: an RFC 4180 CSV parser (quoted fields, escaped quotes, CRLF, commas
 * and newlines inside quotes) and the typed view of each row the IAM checks read.
 */

/** Parses CSV text into rows of fields. Empty trailing lines are dropped. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let fieldStarted = false;
  let i = 0;
  if (text.charCodeAt(0) === 0xfeff) i = 1; // BOM
  for (; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
      continue;
    }
    if (c === '"' && !fieldStarted) {
      quoted = true;
      fieldStarted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
      fieldStarted = false;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      fieldStarted = false;
    } else {
      field += c;
      fieldStarted = true;
    }
  }
  if (fieldStarted || field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}

/** One credential report row, keyed by the header's column names. */
export type CredentialReportRow = Record<string, string>;

export function parseCredentialReport(content: string | Uint8Array): CredentialReportRow[] {
  const text = typeof content === 'string' ? content : new TextDecoder('utf-8').decode(content);
  const rows = parseCsv(text);
  if (rows.length === 0) return [];
  const header = rows[0].map((h) => h.trim());
  if (!header.includes('user') || !header.includes('arn')) {
    throw new Error('the credential report has no "user"/"arn" header row');
  }
  return rows.slice(1).map((cells) => {
    const r: CredentialReportRow = {};
    header.forEach((h, idx) => {
      r[h] = (cells[idx] ?? '').trim();
    });
    return r;
  });
}

export const ROOT_USER = '<root_account>';

/** A report date column: a Date, or null for N/A, no_information, not_supported, empty or unparsable. */
export function reportDate(value: string | undefined): Date | null {
  if (!value) return null;
  const v = value.trim();
  if (!/^\d{4}-\d{2}-\d{2}/.test(v)) return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** A report boolean column: true/false, or null when not_supported / N/A / missing. */
export function reportBool(value: string | undefined): boolean | null {
  if (value === undefined) return null;
  const v = value.trim().toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  return null;
}
