/**
 * `ajar audit --format markdown`: the posture report for a pull request, a wiki or an issue
 * (GitHub-flavoured: tables and <details>). Account-derived strings are escaped so that a name can
 * neither break the table nor inject markup.
 */
import { CIS_BENCHMARK, type Posture, type PostureFigure } from '../audit/posture';
import { escapeControls } from './escape';
import {
  accountName,
  changeOf,
  formatReport,
  formatValue,
  fraction,
  hasOneText,
  headline,
  plural,
  scopeText,
  SOURCE_TEXT,
  thresholdNotes,
  when,
  type ReportOptions,
} from './common';

export interface MarkdownOptions extends ReportOptions {
  /** Resources listed per figure before "and N more" (default 50). */
  maxResources?: number;
}

/**
 * Escapes text for Markdown (inline and in table cells): emphasis, code, links and table
 * punctuation, HTML (as entities), line breaks (a space), other control characters (visible escapes).
 */
export function mdEscape(s: unknown): string {
  return escapeControls(String(s).replace(/\r\n?|\n/g, ' '))
    .replace(/[\\`*_{}[\]|~]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

const SUPERSCRIPT = ['', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];

const MARK: Record<PostureFigure['comparison'], string> = {
  better: '🟢 better',
  worse: '🔴 worse',
  same: '⚪ same',
  none: '',
};

function yours(f: PostureFigure): string {
  if (f.kind === 'share') return `${formatValue(f)} (${fraction(f)})`;
  if (f.kind === 'has-one') return `${formatValue(f)} (${f.numerator} of ${f.denominator ?? 0})`;
  return formatValue(f);
}

function theirs(f: PostureFigure): string {
  if (f.kind === 'count')
    return f.organizations
      .map((o) => `${Math.round(o.report.value * 100)}% ${o.question.replace(/^uses /, 'use ')}`)
      .join('; ');
  return `${formatReport(f.report)}${f.kind === 'has-one' ? ' have one' : ''}`;
}

export function renderMarkdown(p: Posture, opts: MarkdownOptions = {}): string {
  const max = opts.maxResources ?? 50;
  const history = opts.history;
  const out: string[] = [];
  out.push('# Your AWS accounts beside the State of AWS Security', '');
  out.push(`Ajar audit as of ${when(p.asOf)} · ${mdEscape(scopeText(p))}`, '');
  out.push(`**${headline(p)}** Compared with ${SOURCE_TEXT}.`, '');
  const notes = thresholdNotes(p);
  if (notes.length)
    out.push(`> Measured with your audit's thresholds, which differ from the report's: ${notes.join('; ')}.`, '');

  const withChange = !!history && history.length > 1;
  const prev = withChange ? history[history.length - 2] : undefined;
  out.push(
    `| Figure | Your scope | The report | |${withChange ? ` Since ${prev!.asOf.slice(0, 10)} |` : ''}`,
    `| --- | ---: | --- | --- |${withChange ? ' --- |' : ''}`,
  );
  const noted = p.figures.filter((f) => f.note);
  const mark = (f: PostureFigure) => SUPERSCRIPT[noted.indexOf(f) + 1] ?? `(${noted.indexOf(f) + 1})`;
  for (const f of p.figures) {
    const cis = f.cis.length ? ` (CIS ${f.cis.map((c) => c.id).join(', ')})` : '';
    const flags = [f.note ? mark(f) : '', f.incomplete ? '†' : ''].join('');
    const change = withChange ? ` ${changeOf(f, history)?.text ?? ''} |` : '';
    out.push(
      `| ${mdEscape(f.title)}${cis}${flags} | ${mdEscape(yours(f))} | ${mdEscape(theirs(f))} | ${MARK[f.comparison]} |${change}`,
    );
  }
  out.push('');
  for (const f of noted) out.push(`${mark(f)} ${mdEscape(f.title)}: ${mdEscape(f.note)}.  `);
  if (p.figures.some((f) => f.incomplete))
    out.push('† Incomplete: part of what the figure needs could not be read (see "What could not be read").  ');
  if (noted.length || p.figures.some((f) => f.incomplete)) out.push('');

  const orgs = p.figures.filter((f) => f.kind === 'share' && f.organizations.length);
  if (orgs.length) {
    out.push('**Does your scope have one?**', '');
    for (const f of orgs)
      for (const o of f.organizations)
        out.push(
          `- ${mdEscape(o.question.replace(/^has /, 'Has '))}: **${hasOneText(o.value)}** (${Math.round(o.report.value * 100)}% of ${mdEscape(o.report.population)} do)`,
        );
    out.push('');
  }

  if (p.accounts.length > 1) {
    out.push('## Account by account', '');
    out.push(
      `| Figure | The report | ${p.accounts.map((a) => mdEscape(accountName(a))).join(' | ')} |`,
      `| --- | ---: |${p.accounts.map(() => ' ---: |').join('')}`,
    );
    const byId = new Map(p.figures.map((f) => [f.id, f]));
    for (const id of p.accounts[0].figures.map((f) => f.id)) {
      const f = byId.get(id)!;
      const cells = p.accounts.map((a) => {
        const x = a.figures.find((y) => y.id === id)!;
        if (x.value === null) return '—';
        const v = formatValue({ kind: f.kind, value: x.value });
        return f.kind === 'share' && x.denominator !== null ? `${v} (${x.numerator}/${x.denominator})` : v;
      });
      out.push(`| ${mdEscape(f.title)} | ${Math.round(f.report.value * 100)}% | ${cells.map(mdEscape).join(' | ')} |`);
    }
    out.push('');
  }

  out.push('## Resources behind the figures', '');
  for (const f of p.figures) {
    if (!f.resources.length || f.id === 'accounts') continue;
    out.push(`<details><summary>${mdEscape(f.title)}: ${plural(f.resources.length, 'resource')}</summary>`, '');
    for (const r of f.resources.slice(0, max)) {
      const where = [r.accountId, r.region].filter(Boolean).join(', ');
      const why = r.detail.length ? `: ${r.detail.map(mdEscape).join('; ')}` : '';
      out.push(`- **${mdEscape(r.label)}** (${mdEscape(where)})${why}`);
    }
    if (f.resources.length > max) out.push(`- and ${f.resources.length - max} more (see the JSON output)`);
    out.push('', '</details>', '');
  }

  out.push('## The audit', '');
  out.push(`- As of: ${when(p.asOf)}`);
  for (const a of p.scope.accounts)
    out.push(
      `- Account ${mdEscape(accountName(a))}: profiles ${mdEscape(a.profiles.join(', '))}${a.regions.length ? `; regions ${mdEscape(a.regions.join(', '))}` : ''}`,
    );
  out.push(
    `- Thresholds: ${p.thresholds.map((t) => `${t.label} ${t.days} days${t.days !== t.reportDays ? ` (the report: ${t.reportDays})` : ''}`).join('; ')}`,
  );
  out.push(`- CIS controls named from the ${CIS_BENCHMARK}`);
  if (history && history.length > 1) out.push(`- Saved runs: ${history.length} (trend in the HTML report)`);
  out.push('');
  out.push('## What could not be read', '');
  const unread = [
    ...p.scope.notAudited.map(
      (n) =>
        `- ${n.accountId ? `Account ${mdEscape(n.accountId)}${n.name ? ` (${mdEscape(n.name)})` : ''}` : `Profile ${mdEscape(n.profiles.join(', '))}`}: not audited: ${mdEscape(n.message)}`,
    ),
    ...p.unread
      .filter((u) => u.accountId)
      .map(
        (u) =>
          `- ${mdEscape(u.accountId)}, ${mdEscape(u.service)}${u.region ? ` in ${mdEscape(u.region)}` : ''}: ${mdEscape(u.message)}`,
      ),
  ];
  out.push(...(unread.length ? unread : ['Everything the figures need was read.']), '');
  return out.join('\n');
}
