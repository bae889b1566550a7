/**
 * The posture reports from a hand-built audit: the HTML page parses (parse5), references nothing
 * outside itself, escapes every account-derived string; the webview variant has exactly one nonce'd
 * script; the Markdown matches its golden file (UPDATE_GOLDEN=1 to write it); saved runs round-trip.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'parse5';
import { computePosture, type PostureInput } from '../../server/src/audit/posture';
import { changeOf, pointOf, type RunPoint } from '../../server/src/report/common';
import { loadHistory, runFileName, saveRun } from '../../server/src/report/history';
import { esc, renderHtml, sparkline } from '../../server/src/report/html';
import { mdEscape, renderMarkdown } from '../../server/src/report/markdown';
import type { AuditDocument } from '../../server/src/report/document';
import { A, postureInput } from './fixture';

const GOLDEN = resolve(__dirname, 'golden');

interface Node {
  nodeName: string;
  tagName?: string;
  attrs?: { name: string; value: string }[];
  childNodes?: Node[];
  content?: Node;
  value?: string;
}
function walk(n: Node, visit: (n: Node) => void) {
  visit(n);
  for (const c of n.childNodes ?? []) walk(c, visit);
  if (n.content) walk(n.content, visit);
}
function elements(html: string): Node[] {
  const out: Node[] = [];
  walk(parse(html) as unknown as Node, (n) => {
    if (n.tagName) out.push(n);
  });
  return out;
}
function text(html: string): string {
  let s = '';
  walk(parse(html) as unknown as Node, (n) => {
    if (n.nodeName === '#text') s += n.value;
  });
  return s;
}

/** Three saved runs: two older ones with worse figures, then the current one. */
function history(p: ReturnType<typeof computePosture>): RunPoint[] {
  const now = pointOf(p, 'ajar-audit-3.json');
  const mid = structuredClone(now);
  mid.asOf = '2024-12-01T00:00:00.000Z';
  mid.file = 'ajar-audit-2.json';
  mid.figures['iam-users-console-no-mfa']!.value = 0.4;
  mid.figures['instances-imdsv1']!.value = 0.75;
  mid.figures['sqs-queues-public']!.value = true;
  const old = structuredClone(mid);
  old.asOf = '2024-11-01T00:00:00.000Z';
  old.file = 'ajar-audit-1.json';
  old.figures['iam-users-console-no-mfa']!.value = 0.6;
  return [old, mid, now];
}

/** The fixture with hostile names everywhere a template or an account can put a string. */
function hostile(): PostureInput {
  const input = postureInput();
  const a = input.accounts[0];
  a.alias = '"><svg onload=alert(1)>';
  a.profiles = ['<b>prof</b>'];
  const u1 = a.resources.find((r) => r.label === 'u1')!;
  u1.label = '</details><script>alert(1)</script>';
  const f = a.findings.find((x) => x.ruleId === 'AJ511')!;
  f.message = 'IAM user | **x** [y](https://evil.example) <img src=x onerror=alert(1)> can sign in';
  a.errors.push({
    service: 's3',
    region: null,
    message: '<iframe src="https://evil.example/"></iframe> & friends',
  });
  return input;
}

describe('HTML report', () => {
  test('one self-contained page: parses, no script, no reference outside itself, a CSP that forbids them', () => {
    const p = computePosture(postureInput());
    const html = renderHtml(p, { history: history(p) });
    const els = elements(html);
    assert.ok(els.some((e) => e.tagName === 'main'));
    assert.equal(els.filter((e) => e.tagName === 'script').length, 0);
    assert.ok(!/https?:/i.test(html), 'no http(s): anywhere');
    assert.ok(!/<script/i.test(html));
    for (const e of els)
      for (const a of e.attrs ?? []) {
        if (['src', 'href', 'xlink:href', 'action', 'srcset', 'poster'].includes(a.name))
          assert.match(a.value, /^data:/, `${e.tagName} ${a.name}=${a.value}`);
        assert.ok(!/^on/i.test(a.name), `event handler ${a.name} on ${e.tagName}`);
      }
    assert.ok(!/@import|url\(/i.test(html), 'no CSS import or url()');
    const csp = els.find((e) => e.tagName === 'meta' && e.attrs?.some((a) => a.value === 'Content-Security-Policy'));
    assert.match(
      csp?.attrs?.find((a) => a.name === 'content')?.value ?? '',
      /^default-src 'none'; style-src 'unsafe-inline'/,
    );
    // Inline SVG charts: a bar chart per figure, a sparkline per figure with history.
    assert.equal(els.filter((e) => e.tagName === 'svg' && e.attrs?.some((a) => a.value === 'bars')).length, 12);
    assert.ok(els.filter((e) => e.tagName === 'polyline').length >= 11);
    assert.ok(/@media print/.test(html) && /@page \{ size: A4/.test(html));
  });

  test('every figure is a card: yours beside the report, green when better, resources in a collapsed <details>', () => {
    const p = computePosture(postureInput());
    const html = renderHtml(p);
    const cards = elements(html).filter((e) => e.tagName === 'article');
    assert.deepEqual(
      cards.map((c) => c.attrs?.find((a) => a.name === 'data-figure')?.value),
      p.figures.map((f) => f.id),
    );
    const cls = (id: string) =>
      cards.find((c) => c.attrs?.some((a) => a.value === id))?.attrs?.find((a) => a.name === 'class')?.value;
    assert.equal(cls('iam-users-stale-key'), 'card better');
    assert.equal(cls('iam-users-console-no-mfa'), 'card worse');
    assert.equal(cls('accounts'), 'card none');
    const details = elements(html).filter((e) => e.tagName === 'details');
    assert.ok(details.length >= 10);
    assert.ok(details.every((d) => !d.attrs?.some((a) => a.name === 'open')));
    const t = text(html);
    assert.match(t, /Better than the report on 5 of 11 figures, worse on 6\./);
    assert.match(t, /CIS 1\.10/);
    assert.match(t, /CIS Amazon Web Services Foundations Benchmark v3\.0\.0/);
    assert.match(t, /Account by account/);
    assert.match(t, /could not list EC2 instances \(DescribeInstances\): boom/);
    assert.match(t, /profile broken: not audited/);
  });

  test('every account-derived string is escaped (names, aliases, profiles, messages)', () => {
    const html = renderHtml(computePosture(hostile()));
    const els = elements(html);
    assert.equal(els.filter((e) => e.tagName === 'script').length, 0);
    assert.equal(els.filter((e) => ['iframe', 'img'].includes(e.tagName!)).length, 0);
    assert.ok(!els.some((e) => e.tagName === 'b' && e.childNodes?.[0]?.value === 'prof'));
    for (const e of els) for (const a of e.attrs ?? []) assert.ok(!/^on/i.test(a.name), `${e.tagName} ${a.name}`);
    // Only our own <details> and <svg>: the hostile ones are text.
    const t = text(html);
    assert.ok(t.includes('</details><script>alert(1)</script>'));
    assert.ok(t.includes('"><svg onload=alert(1)>'));
    assert.ok(t.includes('<iframe src="https://evil.example/"></iframe> & friends'));
    assert.equal(esc(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    assert.equal(esc('bell\u0007 esc\u001b[31m rtl\u202e'), 'bell\\u0007 esc\\u001b[31m rtl\\u202e');
  });

  test("the webview page: one script with the CSP's nonce, clickable figures and the save button", () => {
    const p = computePosture(postureInput());
    const html = renderHtml(p, { webview: { nonce: 'n0nce' } });
    const scripts = elements(html).filter((e) => e.tagName === 'script');
    assert.equal(scripts.length, 1);
    assert.deepEqual(scripts[0].attrs, [{ name: 'nonce', value: 'n0nce' }]);
    assert.match(html, /script-src 'nonce-n0nce'/);
    assert.ok(!/https?:/i.test(html));
    assert.ok(elements(html).some((e) => e.tagName === 'button' && e.attrs?.some((a) => a.value === 'save')));
  });

  test('sparklines and the change since the previous run', () => {
    assert.equal(sparkline([0.5]), '');
    assert.equal(sparkline([null, null]), '');
    const s = sparkline([0.6, 0.4, 0.2], { reference: 0.11 });
    const poly = elements(s).find((e) => e.tagName === 'polyline')!;
    assert.equal(poly.attrs?.find((a) => a.name === 'points')?.value.split(' ').length, 3);
    assert.ok(
      elements(s).some((e) => e.tagName === 'line'),
      'the report value, dashed',
    );
    // A gap where a run could not tell.
    assert.equal(elements(sparkline([0.1, null, 0.3, 0.2])).filter((e) => e.tagName === 'polyline').length, 1);
    const p = computePosture(postureInput());
    const h = history(p);
    const by = Object.fromEntries(p.figures.map((f) => [f.id, f]));
    assert.deepEqual(changeOf(by['iam-users-console-no-mfa'], h), {
      text: '−20 pts',
      direction: 'better',
      since: '2024-12-01',
    });
    assert.deepEqual(changeOf(by['instances-imdsv1'], h), {
      text: '−25 pts',
      direction: 'better',
      since: '2024-12-01',
    });
    assert.deepEqual(changeOf(by['sqs-queues-public'], h), {
      text: 'was yes',
      direction: 'better',
      since: '2024-12-01',
    });
    assert.deepEqual(changeOf(by['iam-users-stale-key'], h)?.text, 'no change');
    assert.equal(changeOf(by['iam-users-stale-key'], h.slice(-1)), undefined);
  });
});

describe('Markdown report', () => {
  test('matches the golden file', () => {
    const p = computePosture(postureInput());
    const md = renderMarkdown(p, { history: history(p) });
    const file = join(GOLDEN, 'report.md');
    if (process.env.UPDATE_GOLDEN === '1') {
      mkdirSync(GOLDEN, { recursive: true });
      writeFileSync(file, md);
    }
    assert.ok(existsSync(file), `missing golden ${file} (run with UPDATE_GOLDEN=1 to write it)`);
    assert.equal(md, readFileSync(file, 'utf8'));
  });

  test('escapes names so they neither break the tables nor inject markup', () => {
    const md = renderMarkdown(computePosture(hostile()));
    assert.ok(!md.includes('<script'));
    assert.ok(!md.includes('<img'));
    assert.ok(!md.includes('<iframe'));
    assert.ok(!md.includes('<svg'));
    assert.ok(md.includes('\\[y\\](https://evil.example)'), 'no link');
    assert.ok(md.includes('IAM user \\| \\*\\*x\\*\\*'));
    // Every table row has as many unescaped pipes as its header.
    const rows = md.split('\n').filter((l) => l.startsWith('|'));
    const pipes = (l: string) => (l.replace(/\\\|/g, '').match(/\|/g) ?? []).length;
    const tables: number[][] = [];
    let prev = '';
    for (const l of md.split('\n')) {
      if (l.startsWith('|')) {
        if (!prev.startsWith('|')) tables.push([]);
        tables[tables.length - 1].push(pipes(l));
      }
      prev = l;
    }
    assert.ok(rows.length > 10);
    for (const t of tables)
      assert.ok(
        t.every((n) => n === t[0]),
        `pipes per row: ${t}`,
      );
    assert.equal(mdEscape('a|b*c_d`e[f]<g>&\nh'), 'a\\|b\\*c\\_d\\`e\\[f\\]&lt;g&gt;&amp; h');
    assert.equal(mdEscape('x\u001b[2Jy'), 'x\\\\u001b\\[2Jy');
  });
});

describe('saved runs (--save DIR)', () => {
  test('timestamped files, read back oldest first by the instant they measure; other files skipped', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ajar-runs-'));
    try {
      const doc = (asOf: string): AuditDocument => {
        const input = postureInput();
        input.asOf = asOf;
        return { version: 1, accounts: [], posture: computePosture(input) };
      };
      const t = new Date('2025-02-01T10:00:00.000Z');
      const first = saveRun(dir, doc('2025-01-15T00:00:00.000Z'), t);
      const second = saveRun(dir, doc('2025-01-01T00:00:00.000Z'), t);
      assert.match(first, /ajar-audit-2025-02-01T10-00-00-000Z\.json$/);
      assert.match(second, /ajar-audit-2025-02-01T10-00-00-000Z-2\.json$/);
      saveRun(dir, doc('2025-02-01T00:00:00.000Z'), new Date('2025-02-02T00:00:00.000Z'));
      writeFileSync(join(dir, 'ajar-audit-broken.json'), '{');
      writeFileSync(join(dir, 'notes.txt'), 'not a run');
      const { runs, skipped } = loadHistory(dir);
      assert.deepEqual(
        runs.map((r) => r.asOf.slice(0, 10)),
        ['2025-01-01', '2025-01-15', '2025-02-01'],
      );
      assert.deepEqual(skipped, ['ajar-audit-broken.json']);
      assert.deepEqual(runs[0].figures['iam-users-console-no-mfa'], { value: 0.2, numerator: 1, denominator: 5 });
      assert.equal(runFileName(t, new Set()), 'ajar-audit-2025-02-01T10-00-00-000Z.json');
      assert.deepEqual(loadHistory(join(dir, 'missing')), { runs: [], skipped: [] });
      assert.equal(A, '111111111111');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
