/**
 * The report formats of `ajar audit` (json, html, markdown) and `--save DIR`: the CLI calls
 * `renderAudit` once the audit is done.
 */
import type { AuditReport } from '../audit';
import { auditDocument } from './document';
import { loadHistory, saveRun } from './history';
import { renderHtml } from './html';
import { renderMarkdown } from './markdown';

export type ReportFormat = 'json' | 'html' | 'markdown';
export const REPORT_FORMATS: ReportFormat[] = ['json', 'html', 'markdown'];

export interface RenderedAudit {
  /** The document for stdout (undefined for formats the CLI renders itself, such as text). */
  output?: string;
  /** The saved run's path (with --save). */
  saved?: string;
  /** Files in the save directory that are not readable Ajar runs. */
  skipped: string[];
}

export function renderAudit(
  report: AuditReport,
  format: ReportFormat | 'text',
  opts: { saveDir?: string; now?: Date } = {},
): RenderedAudit {
  const doc = auditDocument(report);
  let saved: string | undefined;
  let skipped: string[] = [];
  let history: ReturnType<typeof loadHistory>['runs'] | undefined;
  if (opts.saveDir) {
    saved = saveRun(opts.saveDir, doc, opts.now);
    ({ runs: history, skipped } = loadHistory(opts.saveDir));
  }
  let output: string | undefined;
  if (format === 'json') output = `${JSON.stringify(doc, null, 2)}\n`;
  else if (format === 'html') output = renderHtml(doc.posture, { history });
  else if (format === 'markdown') output = renderMarkdown(doc.posture, { history });
  return { output, saved, skipped };
}
