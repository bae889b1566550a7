/**
 * What the HTML and Markdown reports share: saved-run history points, the change since the previous
 * run, and the wording of scope, dates and values. Pure (no I/O): history.ts reads the saved runs.
 */
import {
  differingThresholds,
  formatReport,
  formatValue,
  type Posture,
  type PostureFigure,
  type PostureFigureId,
} from '../audit/posture';

/** One saved run, as the trend needs it. */
export interface RunPoint {
  asOf: string;
  /** The saved file's name, when read from --save DIR. */
  file?: string;
  figures: Partial<
    Record<PostureFigureId, { value: number | boolean | null; numerator: number; denominator: number | null }>
  >;
}

export interface ReportOptions {
  /** Saved runs, oldest first, the current run last (ajar audit --save DIR). */
  history?: RunPoint[];
}

export function pointOf(p: Posture, file?: string): RunPoint {
  return {
    asOf: p.asOf,
    ...(file ? { file } : {}),
    figures: Object.fromEntries(
      p.figures.map((f) => [f.id, { value: f.value, numerator: f.numerator, denominator: f.denominator }]),
    ),
  };
}

/** The figure's value as a number for trends (shares 0..1, yes 1 / no 0, counts as is). */
export function numeric(v: number | boolean | null | undefined): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return v;
}

export interface Change {
  /** "+5 pts", "−1", "was no", "no change". */
  text: string;
  /** better: the figure improved; worse: it got worse; same; none: nothing to compare. */
  direction: 'better' | 'worse' | 'same' | 'none';
  since: string;
}

/** The change of a figure since the previous saved run (the run before the last point). */
export function changeOf(f: PostureFigure, history: RunPoint[] | undefined): Change | undefined {
  if (!history || history.length < 2) return undefined;
  const prev = history[history.length - 2];
  const before = prev.figures[f.id];
  const since = day(prev.asOf);
  if (!before || before.value === null || f.value === null) return { text: 'not comparable', direction: 'none', since };
  if (f.kind === 'share') {
    const d = Math.round((f.value as number) * 100) - Math.round((before.value as number) * 100);
    if (d === 0) return { text: 'no change', direction: 'same', since };
    return { text: `${d > 0 ? '+' : '−'}${Math.abs(d)} pts`, direction: d < 0 ? 'better' : 'worse', since };
  }
  if (f.kind === 'has-one') {
    if (before.value === f.value) return { text: 'no change', direction: 'same', since };
    return { text: `was ${before.value ? 'yes' : 'no'}`, direction: f.value ? 'worse' : 'better', since };
  }
  const d = (f.value as number) - (before.value as number);
  if (d === 0) return { text: 'no change', direction: 'same', since };
  return { text: `${d > 0 ? '+' : '−'}${Math.abs(d)}`, direction: 'none', since };
}

/** The figure's values over the saved runs (null where a run could not tell). */
export function seriesOf(f: PostureFigure, history: RunPoint[] | undefined): (number | null)[] {
  return (history ?? []).map((h) => numeric(h.figures[f.id]?.value));
}

/** "2025-01-01". */
export function day(iso: string): string {
  return iso.slice(0, 10);
}
/** "2025-01-01 09:30 UTC". */
export function when(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "prod (111111111111)" or "111111111111". */
export function accountName(a: { accountId: string; alias?: string }): string {
  return a.alias ? `${a.alias} (${a.accountId})` : a.accountId;
}

/** "3 of 9 IAM users", "1 of 2 queues public", "2 accounts". */
export function fraction(f: PostureFigure): string {
  if (f.kind === 'count') return plural(f.numerator, 'account');
  if (f.denominator === null) return String(f.numerator);
  return `${f.numerator} of ${f.denominator}`;
}

/** The headline: "Better than the report on 5 of 11 figures, worse on 6." */
export function headline(p: Posture): string {
  const compared = p.summary.better + p.summary.worse + p.summary.same;
  if (!compared) return 'Nothing could be compared with the report yet.';
  const parts = [`Better than the report on ${p.summary.better} of ${plural(compared, 'figure')}`];
  if (p.summary.worse) parts.push(`worse on ${p.summary.worse}`);
  if (p.summary.same) parts.push(`the same on ${p.summary.same}`);
  return `${parts.join(', ')}.`;
}

/** "2 accounts: prod (111111111111), 222222222222". */
export function scopeText(p: Posture): string {
  const n = p.scope.accounts.length;
  if (!n) return 'no account could be audited';
  return `${plural(n, 'account')}: ${p.scope.accounts.map(accountName).join(', ')}`;
}

export function thresholdNotes(p: Posture): string[] {
  return differingThresholds(p).map((t) => `${t.label} ${t.days} days (the report: ${t.reportDays} days)`);
}

/** The scope's answer to an "organizations have one" question. */
export function hasOneText(v: boolean | null): string {
  return v === null ? 'could not be told' : v ? 'yes' : 'no';
}

export const SOURCE_TEXT = 'Datadog, “State of AWS Security” (600+ organizations, data of September 2022)';

export { formatReport, formatValue };
