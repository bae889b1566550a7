/**
 * `ajar audit --format html`: one self-contained page (inline CSS and SVG; no script, no font,
 * image or link to anywhere; a CSP that forbids them) that reads well on screen and prints on A4.
 * Every string that comes from an account (names, aliases, messages) is escaped.
 *
 * The same renderer builds the VS Code webview page (`webview` option): there, and only there, a
 * small inline script with a nonce posts clicks on a figure and the "Save as HTML" button.
 */
import { CIS_BENCHMARK, type Posture, type PostureFigure } from '../audit/posture';
import { escapeControls } from './escape';
import {
  accountName,
  changeOf,
  day,
  formatReport,
  formatValue,
  fraction,
  hasOneText,
  headline,
  plural,
  scopeText,
  seriesOf,
  SOURCE_TEXT,
  thresholdNotes,
  when,
  type ReportOptions,
  type RunPoint,
} from './common';

export interface HtmlOptions extends ReportOptions {
  /** Render for a VS Code webview: a nonce'd script for clicks and the save button. */
  webview?: { nonce: string };
  /** Resources listed per figure before "and N more" (default 1000). */
  maxResources?: number;
}

/** Escapes text and attribute values (& < > " '); control characters become visible escapes. */
export function esc(s: unknown): string {
  return escapeControls(String(s)).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

const COLORS = {
  better: '#1a7f37',
  worse: '#cf222e',
  same: '#6e7781',
  none: '#6e7781',
  report: '#8c959f',
  track: '#eaeef2',
};

const HAS_ONE_NOUN: Partial<Record<PostureFigure['id'], string>> = {
  'root-used-30-days': 'account',
  'sns-topics-public': 'topic',
  'sqs-queues-public': 'queue',
};

const VERDICT: Record<PostureFigure['comparison'], string> = {
  better: 'better than the report',
  worse: 'worse than the report',
  same: 'same as the report',
  none: '',
};

const CSS = `
@page { size: A4; margin: 14mm 12mm; }
:root { --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #f6f8fa; --better: ${COLORS.better}; --worse: ${COLORS.worse}; --same: ${COLORS.same}; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; color: var(--fg); background: #fff; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 28px 28px 40px; }
h1 { font-size: 26px; line-height: 1.2; margin: 0 0 4px; letter-spacing: -0.01em; }
h2 { font-size: 17px; margin: 32px 0 12px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
h3 { font-size: 14px; margin: 0; font-weight: 600; }
.sub { color: var(--muted); margin: 0 0 18px; }
.hero { display: grid; grid-template-columns: 1fr auto; gap: 18px; align-items: center; background: var(--bg); border: 1px solid var(--line); border-radius: 10px; padding: 16px 20px; }
.hero p { margin: 0; }
.hero .lead { font-size: 19px; font-weight: 600; }
.hero .meta { color: var(--muted); margin-top: 4px; }
.tally { display: flex; gap: 10px; }
.tally div { text-align: center; min-width: 74px; padding: 6px 10px; border-radius: 8px; background: #fff; border: 1px solid var(--line); }
.tally b { display: block; font-size: 24px; line-height: 1.1; }
.tally .better b { color: var(--better); } .tally .worse b { color: var(--worse); } .tally .same b { color: var(--same); }
.tally span { font-size: 12px; color: var(--muted); }
.notice { margin: 12px 0 0; padding: 8px 12px; border-radius: 8px; background: #fff8c5; border: 1px solid #d4a72c66; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(330px, 1fr)); gap: 14px; }
.card { border: 1px solid var(--line); border-left: 4px solid var(--same); border-radius: 8px; padding: 12px 14px 10px; background: #fff; break-inside: avoid; page-break-inside: avoid; }
.card.better { border-left-color: var(--better); } .card.worse { border-left-color: var(--worse); }
.webview .card { cursor: pointer; } .webview .card:hover { box-shadow: 0 1px 6px #1f232826; }
.card header { display: flex; justify-content: space-between; gap: 8px; align-items: flex-start; min-height: 38px; }
.tags { display: flex; gap: 4px; flex-wrap: wrap; justify-content: flex-end; flex-shrink: 0; }
.tag { font-size: 11px; padding: 1px 6px; border-radius: 10px; border: 1px solid var(--line); color: var(--muted); white-space: nowrap; }
.tag.cis { border-color: #0969da55; color: #0969da; }
.big { display: flex; align-items: baseline; gap: 8px; flex-wrap: wrap; margin: 6px 0 2px; }
.value { font-size: 30px; font-weight: 700; line-height: 1.1; font-variant-numeric: tabular-nums; }
.better .value { color: var(--better); } .worse .value { color: var(--worse); }
.frac { color: var(--muted); }
.verdict { margin-left: auto; font-size: 12px; font-weight: 600; padding: 1px 8px; border-radius: 10px; }
.verdict.better { color: var(--better); background: #dafbe1; } .verdict.worse { color: var(--worse); background: #ffebe9; }
.verdict.same { color: var(--same); background: var(--bg); }
svg.bars { display: block; width: 100%; height: auto; margin: 6px 0 4px; }
svg text { font: 11px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; fill: #59636e; }
svg text.v { fill: #1f2328; font-weight: 600; }
.line { margin: 4px 0 0; font-size: 13px; }
.muted { color: var(--muted); }
.trend { display: flex; align-items: center; gap: 10px; margin-top: 8px; font-size: 11px; line-height: 1.3; color: var(--muted); }
.trend svg { flex-shrink: 0; }
.chg { font-weight: 600; } .chg.better { color: var(--better); } .chg.worse { color: var(--worse); }
.note { font-size: 12px; color: #9a6700; margin: 6px 0 0; }
details { margin-top: 8px; border-top: 1px dashed var(--line); padding-top: 6px; }
summary { cursor: pointer; color: #0969da; font-size: 13px; }
ul.res { margin: 6px 0 0; padding: 0 0 0 16px; font-size: 12px; max-height: 320px; overflow: auto; }
ul.res li { margin: 0 0 4px; overflow-wrap: anywhere; }
.res .where { color: var(--muted); }
.res .why { display: block; color: var(--muted); }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--bg); font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.better { color: var(--better); font-weight: 600; } td.worse { color: var(--worse); font-weight: 600; }
.facts { display: grid; grid-template-columns: 170px 1fr; gap: 4px 14px; margin: 0; }
.facts dt { color: var(--muted); } .facts dd { margin: 0; overflow-wrap: anywhere; }
ul.unread { margin: 0; padding-left: 18px; font-size: 13px; } ul.unread li { margin-bottom: 4px; overflow-wrap: anywhere; }
footer { margin-top: 28px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--line); padding-top: 10px; }
.actions { float: right; }
.actions button { font: inherit; padding: 4px 12px; border-radius: 6px; border: 1px solid var(--line); background: #fff; cursor: pointer; }
@media (max-width: 640px) { .hero { grid-template-columns: 1fr; } .facts { grid-template-columns: 1fr; } }
@media print {
  main { max-width: none; padding: 0; }
  body { font-size: 11px; }
  .grid { grid-template-columns: 1fr 1fr; gap: 8px; }
  .card { padding: 8px 10px; }
  .value { font-size: 22px; }
  h2 { break-after: avoid; page-break-after: avoid; }
  summary { color: var(--muted); }
  details::details-content { content-visibility: visible; display: block; }
  ul.res { max-height: none; overflow: visible; }
  .actions { display: none; }
  table { break-inside: auto; } tr { break-inside: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
`;

/** Two labelled horizontal bars (yours, the report's), 0..1 each; null draws an empty track. */
function bars(
  rows: { label: string; value: number | null; text: string; color: string }[],
  { labelW = 78, valueW = 54 } = {},
): string {
  const W = 320;
  const barW = W - labelW - valueW;
  const rowH = 18;
  const H = rows.length * rowH + 2;
  const parts = rows.map((r, i) => {
    const y = i * rowH + 3;
    const w = r.value === null ? 0 : Math.max(r.value > 0 ? 2 : 0, Math.round(barW * Math.min(1, r.value)));
    return (
      `<text x="0" y="${y + 10}">${esc(r.label)}</text>` +
      `<rect x="${labelW}" y="${y}" width="${barW}" height="12" rx="3" fill="${COLORS.track}"/>` +
      (w ? `<rect x="${labelW}" y="${y}" width="${w}" height="12" rx="3" fill="${r.color}"/>` : '') +
      `<text class="v" x="${W}" y="${y + 10}" text-anchor="end">${esc(r.text)}</text>`
    );
  });
  return `<svg class="bars" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(rows.map((r) => `${r.label} ${r.text}`).join(', '))}">${parts.join('')}</svg>`;
}

/** A small line chart of the figure over the saved runs, with the report's value dashed. */
export function sparkline(series: (number | null)[], opts: { reference?: number; color?: string } = {}): string {
  const W = 120;
  const H = 28;
  const pad = 3;
  const known = series.filter((v): v is number => v !== null);
  if (series.length < 2 || !known.length) return '';
  const all = opts.reference === undefined ? known : [...known, opts.reference];
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  if (hi === lo) {
    lo -= 0.5;
    hi += 0.5;
  }
  const x = (i: number) => pad + (i * (W - 2 * pad)) / (series.length - 1);
  const y = (v: number) => H - pad - ((v - lo) * (H - 2 * pad)) / (hi - lo);
  const segs: string[] = [];
  let cur: string[] = [];
  series.forEach((v, i) => {
    if (v === null) {
      if (cur.length) segs.push(cur.join(' '));
      cur = [];
    } else cur.push(`${x(i).toFixed(1)},${y(v).toFixed(1)}`);
  });
  if (cur.length) segs.push(cur.join(' '));
  const color = opts.color ?? COLORS.same;
  const ref =
    opts.reference === undefined
      ? ''
      : `<line x1="${pad}" x2="${W - pad}" y1="${y(opts.reference).toFixed(1)}" y2="${y(opts.reference).toFixed(1)}" stroke="${COLORS.report}" stroke-dasharray="3 2" stroke-width="1"/>`;
  const last = series.length - 1;
  const lastV = series[last];
  const dot =
    lastV === null ? '' : `<circle cx="${x(last).toFixed(1)}" cy="${y(lastV).toFixed(1)}" r="2.5" fill="${color}"/>`;
  return (
    `<svg class="spark" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="trend over ${series.length} runs">` +
    ref +
    segs
      .map((p) =>
        p.includes(' ')
          ? `<polyline points="${p}" fill="none" stroke="${color}" stroke-width="1.6" stroke-linejoin="round" stroke-linecap="round"/>`
          : `<circle cx="${p.split(',')[0]}" cy="${p.split(',')[1]}" r="1.5" fill="${color}"/>`,
      )
      .join('') +
    dot +
    `</svg>`
  );
}

function pctText(v: number): string {
  return `${Math.round(v * 100)}%`;
}

function figureBars(f: PostureFigure): string {
  const yours = COLORS[f.comparison];
  if (f.kind === 'share') {
    return bars([
      {
        label: 'Your scope',
        value: f.value as number | null,
        text: f.value === null ? 'n/a' : pctText(f.value as number),
        color: yours,
      },
      { label: 'The report', value: f.report.value, text: pctText(f.report.value), color: COLORS.report },
    ]);
  }
  if (f.kind === 'has-one') {
    return bars([
      {
        label: 'Your scope',
        value: f.value === true ? 1 : f.value === false ? 0 : null,
        text: formatValue(f),
        color: yours,
      },
      { label: 'Organizations', value: f.report.value, text: pctText(f.report.value), color: COLORS.report },
    ]);
  }
  return bars(
    f.organizations.map((o) => ({
      label: o.question.includes('ten') ? '10+ accounts' : '2+ accounts',
      value: o.report.value,
      text: pctText(o.report.value),
      color: COLORS.report,
    })),
    { labelW: 78, valueW: 40 },
  );
}

function figureCard(f: PostureFigure, history: RunPoint[] | undefined, max: number): string {
  const cis = f.cis
    .map((c) => `<span class="tag cis" title="${esc(`${CIS_BENCHMARK} ${c.id}: ${c.title}`)}">CIS ${esc(c.id)}</span>`)
    .join('');
  const rules = f.rules.map((r) => `<span class="tag">${esc(r)}</span>`).join('');
  const frac =
    f.kind === 'share'
      ? `${fraction(f)} ${esc(f.report.population)}`
      : f.kind === 'has-one'
        ? `${f.numerator} of ${plural(f.denominator ?? 0, HAS_ONE_NOUN[f.id] ?? 'resource')}`
        : '';
  const verdict = VERDICT[f.comparison] ? `<span class="verdict ${f.comparison}">${VERDICT[f.comparison]}</span>` : '';
  const lines: string[] = [];
  // A share's bars say the report's value and the fraction its population; the rest say it here.
  if (f.kind === 'has-one') lines.push(`<p class="line muted">${esc(formatReport(f.report))} have one.</p>`);
  if (f.kind === 'count')
    lines.push(
      `<p class="line">Your scope: ${f.organizations.map((o) => `${esc(o.question)}: <b>${esc(hasOneText(o.value))}</b>`).join('; ')}.</p>`,
    );
  for (const o of f.kind === 'count' ? [] : f.organizations)
    lines.push(
      `<p class="line">Your scope ${esc(o.question)}: <b>${esc(hasOneText(o.value))}</b> <span class="muted">(${esc(pctText(o.report.value))} of ${esc(o.report.population)} do)</span></p>`,
    );
  const differ = f.thresholds.filter((t) => t.days !== t.reportDays);
  if (differ.length)
    lines.push(
      `<p class="note">Measured with your thresholds: ${differ.map((t) => `${t.days} days (the report: ${t.reportDays})`).join(', ')}.</p>`,
    );
  if (f.note) lines.push(`<p class="note">${esc(f.note)}.</p>`);
  if (f.unknown && !f.note)
    lines.push(
      `<p class="note">${esc(plural(f.unknown, 'resource'))} could not be read and ${f.unknown === 1 ? 'is' : 'are'} not counted.</p>`,
    );
  if (f.incomplete)
    lines.push('<p class="note">Incomplete: part of what this figure needs could not be read (below).</p>');

  const change = changeOf(f, history);
  const series = seriesOf(f, history);
  const spark = sparkline(series, {
    reference: f.kind === 'share' ? f.report.value : undefined,
    color: COLORS[f.comparison === 'none' ? 'same' : f.comparison],
  });
  const trend =
    change || spark
      ? `<div class="trend">${spark}<span>${change ? `<span class="chg ${change.direction}">${esc(change.text)}</span> since ${esc(change.since)}` : ''}${series.length > 1 ? `<br>${esc(plural(series.length, 'run'))}` : ''}</span></div>`
      : '';

  const shown = f.resources.slice(0, max);
  const noun =
    f.id === 'accounts'
      ? 'account'
      : f.id.startsWith('accounts-root') || f.id.startsWith('root')
        ? 'root user'
        : 'resource';
  const details = f.resources.length
    ? `<details><summary>${esc(plural(f.resources.length, noun))} behind this figure</summary><ul class="res">${shown
        .map(
          (r) =>
            `<li><b>${esc(r.label)}</b> <span class="where">${esc(r.accountId)}${r.region ? ` · ${esc(r.region)}` : ''}</span>${
              r.id !== r.label && r.id !== r.accountId ? `<span class="why">${esc(r.id)}</span>` : ''
            }${r.detail.map((d) => `<span class="why">${esc(d)}</span>`).join('')}</li>`,
        )
        .join(
          '',
        )}${f.resources.length > shown.length ? `<li>and ${f.resources.length - shown.length} more (see the JSON output)</li>` : ''}</ul></details>`
    : '';

  return `<article class="card ${f.comparison}" id="fig-${esc(f.id)}" data-figure="${esc(f.id)}" title="${esc(f.id)}">
<header><h3>${esc(f.title)}</h3><span class="tags">${cis}${rules}</span></header>
<div class="big"><span class="value">${esc(formatValue(f))}</span><span class="frac">${frac}</span>${verdict}</div>
${figureBars(f)}
${lines.join('\n')}
${trend}
${details}
</article>`;
}

function accountTable(p: Posture): string {
  if (p.accounts.length < 2) return '';
  const ids = p.accounts[0].figures.map((f) => f.id);
  const byId = new Map(p.figures.map((f) => [f.id, f]));
  const head = `<tr><th>Figure</th><th>The report</th><th>Your scope</th>${p.accounts.map((a) => `<th>${esc(accountName(a))}</th>`).join('')}</tr>`;
  const rows = ids.map((id) => {
    const f = byId.get(id)!;
    const cells = p.accounts.map((a) => {
      const x = a.figures.find((y) => y.id === id)!;
      const v = x.value === null ? '—' : formatValue({ kind: f.kind, value: x.value });
      const frac =
        x.value !== null && x.denominator !== null && f.kind === 'share'
          ? ` <span class="muted">${x.numerator}/${x.denominator}</span>`
          : '';
      return `<td class="num ${x.comparison}">${esc(v)}${frac}</td>`;
    });
    return `<tr><td>${esc(f.title)}</td><td class="num">${esc(pctText(f.report.value))}</td><td class="num ${f.comparison}">${esc(formatValue(f))}</td>${cells.join('')}</tr>`;
  });
  return `<h2>Account by account</h2><table><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>`;
}

function auditFacts(p: Posture): string {
  const rows: [string, string][] = [
    ['As of', esc(when(p.asOf))],
    ['Scope', esc(scopeText(p))],
  ];
  const regions = [...new Set(p.scope.accounts.flatMap((a) => a.regions))].sort();
  if (regions.length) rows.push(['Regions', esc(regions.join(', '))]);
  for (const a of p.scope.accounts) rows.push([esc(accountName(a)), `profiles: ${esc(a.profiles.join(', '))}`]);
  rows.push([
    'Thresholds',
    p.thresholds
      .map(
        (t) =>
          `${esc(t.label)} ${t.days} days${t.days !== t.reportDays ? ` <b>(the report: ${t.reportDays})</b>` : ''}`,
      )
      .join('<br>'),
  ]);
  rows.push(['Compared with', esc(SOURCE_TEXT)]);
  rows.push(['Controls named', esc(CIS_BENCHMARK)]);
  return `<dl class="facts">${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>`;
}

function unreadList(p: Posture): string {
  const items = [
    ...p.scope.notAudited.map(
      (n) =>
        `<li><b>${n.accountId ? `account ${esc(n.accountId)}${n.name ? ` (${esc(n.name)})` : ''}` : `profile ${esc(n.profiles.join(', '))}`}</b>: not audited: ${esc(n.message)}</li>`,
    ),
    ...p.unread
      .filter((u) => u.accountId)
      .map(
        (u) =>
          `<li><b>${esc(u.accountId)}</b> · ${esc(u.service)}${u.region ? ` · ${esc(u.region)}` : ''}: ${esc(u.message)}</li>`,
      ),
  ];
  return items.length
    ? `<ul class="unread">${items.join('')}</ul>`
    : '<p class="muted">Everything the figures need was read.</p>';
}

/** The report page. */
export function renderHtml(p: Posture, opts: HtmlOptions = {}): string {
  const max = opts.maxResources ?? 1000;
  const webview = opts.webview;
  const csp = webview
    ? `default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'nonce-${esc(webview.nonce)}'`
    : "default-src 'none'; style-src 'unsafe-inline'; img-src data:";
  const notes = thresholdNotes(p);
  const runs = opts.history && opts.history.length > 1 ? ` · ${plural(opts.history.length, 'saved run')}` : '';
  const script = webview
    ? `<script nonce="${esc(webview.nonce)}">(function(){var vscode=acquireVsCodeApi();document.addEventListener('click',function(e){var t=e.target;if(t.closest('summary,details'))return;if(t.closest('#save')){vscode.postMessage({type:'save'});return;}var c=t.closest('[data-figure]');if(c)vscode.postMessage({type:'reveal',figure:c.getAttribute('data-figure')});});})();</script>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Ajar security report, ${esc(day(p.asOf))}</title>
<style>${CSS}</style>
</head>
<body${webview ? ' class="webview"' : ''}>
<main>
${webview ? '<div class="actions"><button id="save" type="button">Save as HTML</button></div>' : ''}
<h1>Your AWS accounts beside the State of AWS Security</h1>
<p class="sub">Ajar audit as of ${esc(when(p.asOf))} · ${esc(scopeText(p))}${esc(runs)}</p>
<section class="hero">
<div><p class="lead">${esc(headline(p))}</p><p class="meta">Compared with ${esc(SOURCE_TEXT)}. Green where you do better.${webview ? ' Click a figure to show its resources in the Accounts view.' : ''}</p></div>
<div class="tally"><div class="better"><b>${p.summary.better}</b><span>better</span></div><div class="worse"><b>${p.summary.worse}</b><span>worse</span></div><div class="same"><b>${p.summary.same}</b><span>same</span></div></div>
</section>
${notes.length ? `<p class="notice">Measured with your audit's thresholds, which differ from the report's: ${esc(notes.join('; '))}.</p>` : ''}
<h2>The figures</h2>
<div class="grid">
${p.figures.map((f) => figureCard(f, opts.history, max)).join('\n')}
</div>
${accountTable(p)}
<h2>The audit</h2>
${auditFacts(p)}
<h2>What could not be read</h2>
${unreadList(p)}
<footer>Generated by Ajar from a read-only audit (Get*, List*, Describe* calls only). Figures follow the definitions of the report; the resources behind each are listed under it. The report's values are shares of the organizations, accounts and resources it measured.</footer>
</main>
${script}
</body>
</html>
`;
}
