/**
 * The language-server fuzzer: random edit bursts on corpus templates, sent to the built server
 * (dist/server.js --stdio) like an editor would, and after each burst a check that what the
 * server published equals `lintText` on the same text (rule codes, ranges, messages, severities),
 * that every range lies inside its line and outside CRLFs and surrogate pairs, that no request
 * failed and that the server is alive. Update latencies and the server's RSS are recorded.
 *
 * The editor's text is kept here independently of vscode-languageserver-textdocument (positions
 * computed from a fresh line index after every edit), so a server whose document drifts from the
 * editor's shows up as a difference.
 *
 * Used by test/protocol/fuzz.test.ts (a few hundred edits) and bench/fuzz.ts (`npm run fuzz`).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  CodeAction,
  Diagnostic,
  Position,
  PublishDiagnosticsParams,
  TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol';
import { chooseFormat } from '../../server/src/engine';
import type { ServerStats } from '../../server/src/lsp/protocol';
import { LspClient, REPO, fileUri } from '../protocol/lspClient';
import { applyEdit, EditGenerator, Rng, type Edit } from './generator';
import { Lines, expectedFor, firstDifference, rangeProblems, shownFromDiagnostic } from './oracle';

export interface FuzzOptions {
  seed: number;
  /** Number of edits to send (bursts of 1-8). */
  edits: number;
  /** Stop earlier than `edits` after this long (ms). */
  maxMs?: number;
  /** Documents open at once. */
  docs?: number;
  /** Allow giant pastes (1-9 MB). */
  giant?: boolean;
  /** Hostile pastes (default true). */
  hostile?: boolean;
  /** How long to wait after closing every document before the last RSS reading (ms). */
  idleWaitMs?: number;
  /** Ask the server for verbose logs and keep them with slow updates (for outliers). */
  trace?: boolean;
  /** Write the text of each slow update and of each failing burst into this folder. */
  dumpDir?: string;
  log?: (m: string) => void;
}

export interface UpdateSample {
  ms: number;
  /** Document length at the end of the burst. */
  size: number;
  /** Analysed on the worker thread (large document). */
  worker: boolean;
  /** The largest the document was during the burst (a giant paste undone in the same burst). */
  maxSize: number;
  /** Characters of change text the burst sent. */
  sent: number;
  /**
   * Where the time went, from the server's log (ms): before the analysis of the final version
   * started (reading and applying the changes, other analyses on this thread, which `others`
   * sums), the analysis itself (null: none logged, e.g. a document that cannot be a template), and
   * after it until the publication.
   */
  parts: { before: number; analysis: number | null; after: number; others: number };
  /** Measured to the publication of that version (else to the moment nothing was pending). */
  published: boolean;
  doc: string;
  version: number;
  kinds: string[];
  /** The burst before this one (for outliers). */
  previous: string;
  /** With `trace`, for slow updates: the server's log lines during the burst (ms after its last change). */
  trace?: string[];
}

export interface FuzzReport {
  seed: number;
  edits: number;
  bursts: number;
  ms: number;
  crashed: boolean;
  errorResponses: string[];
  serverErrors: string[];
  differences: string[];
  rangeProblems: string[];
  /** Findings saying a rule threw (engine bugs). */
  internalErrors: string[];
  hangs: string[];
  updates: UpdateSample[];
  rss: { start: number; before: number; peak: number; afterClose: number; afterIdle: number };
  /** The server's main-thread V8 heap (heapUsed), at the same moments. */
  heap: { start: number; before: number; peak: number; afterClose: number; afterIdle: number };
  /** Ranges of quick-fix edits checked (they must lie inside their lines too). */
  fixEditsChecked: number;
  workerRunningAfterIdle: boolean | undefined;
}

const CORPORA = ['test/fixtures/peers', 'test/fixtures/lenient-yaml'];
const WORKER_THRESHOLD = 200_000;

function corpusFiles(): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(ya?ml|json|template)$/i.test(n) && !/expected\.json$/.test(n)) out.push(p);
    }
  };
  for (const c of CORPORA) walk(join(REPO, c));
  return out;
}

interface OpenDoc {
  uri: string;
  path: string;
  text: string;
  version: number;
}

function positionAt(lines: Lines, offset: number): Position {
  let lo = 0;
  let hi = lines.starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lines.starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, character: offset - lines.starts[lo] };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function latencySummary(samples: UpdateSample[]): { n: number; p50: number; p95: number; max: number } {
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
  return { n: ms.length, p50: percentile(ms, 50), p95: percentile(ms, 95), max: ms[ms.length - 1] ?? 0 };
}

export async function runFuzz(opts: FuzzOptions): Promise<FuzzReport> {
  const log = opts.log ?? (() => {});
  const rng = new Rng(opts.seed);
  const gen = new EditGenerator(rng, { giant: opts.giant ?? false, hostile: opts.hostile ?? true });
  const corpus = corpusFiles();
  const dir = mkdtempSync(join(tmpdir(), `ajar-fuzz-${opts.seed}-`));
  const started = performance.now();
  const report: FuzzReport = {
    seed: opts.seed,
    edits: 0,
    bursts: 0,
    ms: 0,
    crashed: false,
    errorResponses: [],
    serverErrors: [],
    differences: [],
    rangeProblems: [],
    internalErrors: [],
    hangs: [],
    updates: [],
    rss: { start: 0, before: 0, peak: 0, afterClose: 0, afterIdle: 0 },
    heap: { start: 0, before: 0, peak: 0, afterClose: 0, afterIdle: 0 },
    fixEditsChecked: 0,
    workerRunningAfterIdle: undefined,
  };
  const note = (list: string[], m: string) => {
    if (list.length < 50) list.push(m);
    log(m);
  };

  // Verbose: the server logs how long each analysis took, which the slow-update causes use.
  const settings = { workspaceScan: { enabled: false }, trace: { server: 'verbose' } };
  const client = await LspClient.start({ rootDir: dir, settings });
  const request = async <R>(method: string, params?: unknown): Promise<R | undefined> => {
    try {
      return await client.request<R>(method, params);
    } catch (e) {
      note(report.errorResponses, `${method}: ${(e as Error).message}`);
      return undefined;
    }
  };
  const peaks = (s: ServerStats | undefined) => {
    if (s && s.rss > report.rss.peak) report.rss.peak = s.rss;
    if (s && s.heapUsed > report.heap.peak) report.heap.peak = s.heapUsed;
    return s;
  };
  const stats = async () => peaks(await request<ServerStats>('ajar/stats'));
  const memNow = async (at: 'start' | 'before' | 'afterClose' | 'afterIdle') => {
    const s = await stats();
    report.rss[at] = s?.rss ?? 0;
    report.heap[at] = s?.heapUsed ?? 0;
    return s;
  };
  /** Until the server has published every analysis it owes. */
  const settle = async (): Promise<boolean> => {
    const deadline = performance.now() + 180_000;
    for (let wait = 1; performance.now() < deadline; wait = Math.min(wait * 2, 25)) {
      const s = await stats();
      if (!s) return false;
      if (!s.pending) return true;
      await sleep(wait);
    }
    return false;
  };

  const failures = () =>
    report.differences.length + report.rangeProblems.length + report.errorResponses.length + report.serverErrors.length;
  let docCounter = 0;
  const openDocs: OpenDoc[] = [];
  const openOne = async () => {
    const src = rng.pick(corpus);
    const text = readFileSync(src, 'utf8');
    const format = chooseFormat(text, src);
    const n = docCounter++;
    // Half under a name that says nothing, half under a template's name.
    const name = rng.chance(0.5) ? `doc${n}.${format}` : `doc${n}.template.${format === 'json' ? 'json' : 'yaml'}`;
    const path = join(dir, name);
    const d: OpenDoc = { uri: fileUri(path), path, text, version: 1 };
    await client.open(d.uri, text, format);
    openDocs.push(d);
    log(`open ${name} from ${src.slice(REPO.length + 1)}`);
  };

  try {
    await memNow('start');
    const warm = fileUri(join(dir, 'warm.template.yaml'));
    await client.open(
      warm,
      'Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicRead\n',
    );
    await client.diagnostics(warm);
    await client.close(warm);

    // Publication times, for latencies (the client's own handler is replaced; its list kept up).
    const arrived = new Map<string, number>();
    client.conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      // The first publication of a version is what the editor shows first.
      const k = `${p.uri}@${p.version}`;
      if (!arrived.has(k)) arrived.set(k, performance.now());
      const l = client.published.get(p.uri) ?? [];
      l.push(p);
      if (l.length > 4) l.splice(0, l.length - 4);
      client.published.set(p.uri, l);
    });
    /** The server's log lines, with their arrival times. */
    let logs: { t: number; type: number; message: string }[] = [];
    client.conn.onNotification('window/logMessage', (p: { type: number; message: string }) => {
      logs.push({ t: performance.now(), ...p });
    });
    for (let i = 0; i < (opts.docs ?? 3); i++) await openOne();
    await settle();
    await memNow('before');

    let previous = '(open)';
    const maxMs = opts.maxMs ?? Number.POSITIVE_INFINITY;
    while (report.edits < opts.edits && performance.now() - started < maxMs) {
      if (client.exited) {
        report.crashed = true;
        note(report.serverErrors, `server exited; stderr: ${client.stderr.slice(-2000)}`);
        break;
      }
      const failuresBefore = failures();
      const d = rng.pick(openDocs);
      const burst = Math.min(rng.int(1, 8), opts.edits - report.edits);
      const kinds: string[] = [];
      let sent = 0;
      let maxSize = d.text.length;
      const requests: Promise<unknown>[] = [];
      for (let i = 0; i < burst; ) {
        // Sometimes several changes in one didChange (applied in order, as LSP says).
        const inOne = rng.chance(0.2) ? Math.min(rng.int(2, 3), burst - i) : 1;
        const changes: TextDocumentContentChangeEvent[] = [];
        for (let j = 0; j < inOne; j++, i++) {
          const e: Edit = gen.next(d.text);
          kinds.push(e.kind);
          const lines = new Lines(d.text);
          changes.push({ range: { start: positionAt(lines, e.start), end: positionAt(lines, e.end) }, text: e.text });
          d.text = applyEdit(d.text, e);
          sent += e.text.length;
          maxSize = Math.max(maxSize, d.text.length);
        }
        d.version++;
        await client.change(d.uri, d.version, changes);
        report.edits += inOne;
        // Requests while analyses are pending: answered, never an error.
        if (rng.chance(0.1)) {
          const lines = new Lines(d.text);
          const pos = positionAt(lines, rng.int(0, d.text.length));
          requests.push(request('textDocument/hover', { textDocument: { uri: d.uri }, position: pos }));
        }
      }
      const t0 = performance.now();
      const settled = await settle();
      const tSettled = performance.now();
      await Promise.all(requests);
      report.bursts++;
      const label = `seed ${opts.seed} burst ${report.bursts} ${d.path.slice(dir.length + 1)} v${d.version} (${kinds.join(',')}, ${d.text.length} chars)`;
      if (!settled) {
        note(report.hangs, `${label}: analyses still pending after 180 s`);
        continue;
      }
      const t1 = arrived.get(`${d.uri}@${d.version}`);
      const ms = (t1 ?? tSettled) - t0;
      const end = t0 + ms;
      const lintLine = new RegExp(`^linted ${escapeRe(d.uri)} v${d.version} in ([0-9.]+) ms`);
      const own = logs.find((l) => l.t <= end + 1 && lintLine.test(l.message));
      const analysis = own ? Number(lintLine.exec(own.message)![1]) : null;
      const started = own ? Math.max(0, own.t - t0 - (analysis ?? 0)) : ms;
      let others = 0;
      for (const l of logs) {
        const m = /^linted .* in ([0-9.]+) ms$/.exec(l.message);
        if (m && l !== own && l.t >= t0 && l.t - Number(m[1]) < t0 + started) others += Number(m[1]);
      }
      report.updates.push({
        ms,
        size: d.text.length,
        worker: d.text.length >= WORKER_THRESHOLD,
        maxSize,
        sent,
        parts: {
          before: started,
          analysis,
          after: Math.max(0, ms - started - (analysis ?? 0)),
          others: Math.min(others, started),
        },
        published: t1 !== undefined,
        doc: d.path.slice(dir.length + 1),
        version: d.version,
        kinds,
        previous,
      });
      previous = `${kinds.join(',')} on ${d.text.length} chars`;

      // What the editor shows now, against lintText on the same text.
      const last = client.latest(d.uri);
      const shown: Diagnostic[] = last?.diagnostics ?? [];
      if (shown.length && last?.version !== d.version)
        note(report.differences, `${label}: diagnostics of version ${last?.version} still shown`);
      let want: ReturnType<typeof expectedFor> | null = null;
      try {
        want = expectedFor(d.text, d.path);
      } catch (e) {
        // The engine threw in this process: the server, which catches it, shows nothing for it.
        note(report.internalErrors, `${label}: lintText threw ${(e as Error).stack?.slice(0, 400)}`);
        report.crashed = true;
        if (opts.dumpDir) {
          mkdirSync(opts.dumpDir, { recursive: true });
          writeFileSync(
            join(opts.dumpDir, `seed${opts.seed}-burst${report.bursts}-throw.json`),
            JSON.stringify(d.text),
          );
        }
      }
      const diff = want && firstDifference(shown.map(shownFromDiagnostic), want);
      if (diff) note(report.differences, `${label}: ${diff}`);
      const lines = new Lines(d.text);
      for (const s of shown)
        for (const p of rangeProblems(lines, s.range)) note(report.rangeProblems, `${label}: ${s.code} ${p}`);
      for (const w of want ?? [])
        if (/^internal error in /.test(w.message)) note(report.internalErrors, `${label}: ${w.message}`);

      // Quick fixes and hover on what is shown.
      if (shown.length && rng.chance(0.3)) {
        const diag = rng.pick(shown);
        const actions = await request<CodeAction[]>('textDocument/codeAction', {
          textDocument: { uri: d.uri },
          range: diag.range,
          context: { diagnostics: [diag] },
        });
        if (actions && !Array.isArray(actions))
          note(report.errorResponses, `${label}: codeAction answered ${typeof actions}`);
        // A fix's edits are ranges too: inside their lines, never inside a CRLF or a pair.
        for (const a of Array.isArray(actions) ? actions : [])
          for (const edits of Object.values(a.edit?.changes ?? {}))
            for (const e of edits) {
              report.fixEditsChecked++;
              for (const p of rangeProblems(lines, e.range))
                note(report.rangeProblems, `${label}: fix "${a.title}" edit ${p}`);
            }
        await request('textDocument/hover', { textDocument: { uri: d.uri }, position: diag.range.start });
      }
      // Now and then a document is closed and another one opened.
      if (rng.chance(0.03)) {
        openDocs.splice(openDocs.indexOf(d), 1);
        await client.close(d.uri);
        await openOne();
      }
      for (const { type, message } of logs)
        if (type <= 2 || /uncaught|unhandled|could not analyse|stopped/i.test(message))
          note(report.serverErrors, `${label}: ${message.slice(0, 500)}`);
      const sample = report.updates[report.updates.length - 1];
      const slow = sample?.version === d.version && !sample.worker && sample.ms > 150;
      if (opts.trace && slow) sample.trace = logs.map((l) => `${(l.t - t0).toFixed(0)} ms: ${l.message.slice(0, 200)}`);
      if (opts.dumpDir && (slow || failuresBefore !== failures())) {
        mkdirSync(opts.dumpDir, { recursive: true });
        const file = join(opts.dumpDir, `seed${opts.seed}-burst${report.bursts}-${d.path.slice(dir.length + 1)}`);
        // JSON: lone surrogates survive (UTF-8 would turn them into U+FFFD).
        writeFileSync(`${file}.json`, JSON.stringify(d.text));
        log(`wrote ${file}`);
      }
      logs = [];
      client.notifications.splice(0);
    }
    // Memory once every document is closed, and after the server has been idle a while.
    for (const d of openDocs.splice(0)) await client.close(d.uri);
    await settle();
    await memNow('afterClose');
    await sleep(opts.idleWaitMs ?? 5000);
    const s = await memNow('afterIdle');
    report.workerRunningAfterIdle = s?.analysisWorker;
    if (client.exited) report.crashed = true;
  } finally {
    report.ms = performance.now() - started;
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return report;
}

/** Main-thread updates whose document stayed small through the whole burst. */
export function smallThroughout(u: UpdateSample): boolean {
  return !u.worker && u.maxSize < WORKER_THRESHOLD;
}

/** What most of a slow update's time went to. */
export function slowCause(u: UpdateSample): string {
  const p = u.parts;
  const analysis = p.analysis ?? 0;
  if (p.after > p.before && p.after > analysis) return 'after the analysis, until the publication';
  if (analysis >= p.before) return 'its analysis';
  if (p.others >= p.before / 2) return 'other analyses on the main thread first';
  return u.sent >= 1_000_000
    ? `reading and applying ${(u.sent / 1048576).toFixed(1)} MB of changes`
    : 'before its analysis (not other analyses: reading the changes, GC or a busy machine)';
}

function describeUpdate(u: UpdateSample): string {
  const p = u.parts;
  return (
    `${u.ms.toFixed(0)} ms ${u.doc} v${u.version} ${u.size} chars (${u.kinds.join(',')}): ` +
    `before the analysis ${p.before.toFixed(0)} ms (other analyses ${p.others.toFixed(0)} ms), analysis ${p.analysis === null ? 'none' : `${p.analysis.toFixed(1)} ms`}, after ${p.after.toFixed(0)} ms; ` +
    `sent ${u.sent} chars, largest ${u.maxSize} chars; ${u.published ? 'published' : 'nothing published'}; mostly ${slowCause(u)}`
  );
}

/** A few lines for a person. */
export function formatReport(r: FuzzReport): string {
  const mb = (b: number) => `${(b / 1048576).toFixed(0)} MB`;
  const main = r.updates.filter((u) => !u.worker);
  const small = latencySummary(main.filter(smallThroughout));
  const swollen = latencySummary(main.filter((u) => !smallThroughout(u)));
  const large = latencySummary(r.updates.filter((u) => u.worker));
  const f = (x: { n: number; p50: number; p95: number; max: number }) =>
    `n=${x.n} p50 ${x.p50.toFixed(1)} ms, p95 ${x.p95.toFixed(1)} ms, max ${x.max.toFixed(0)} ms`;
  const mem = (m: FuzzReport['rss']) =>
    `start ${mb(m.start)}, before ${mb(m.before)}, peak ${mb(m.peak)}, after close ${mb(m.afterClose)}, after idle ${mb(m.afterIdle)}`;
  const lines = [
    `seed ${r.seed}: ${r.edits} edits in ${r.bursts} bursts, ${(r.ms / 1000).toFixed(0)} s`,
    `  crashed: ${r.crashed}; error responses: ${r.errorResponses.length}; server errors: ${r.serverErrors.length}; hangs: ${r.hangs.length}`,
    `  server/lintText differences: ${r.differences.length}; bad ranges: ${r.rangeProblems.length} (of diagnostics and ${r.fixEditsChecked} fix edits); rule internal errors: ${r.internalErrors.length}`,
    `  update latency, main thread, small document: ${f(small)}`,
    `  update latency, main thread, small at the end of a burst that held >= 200 KB: ${f(swollen)}`,
    `  update latency, worker (>= 200 KB): ${f(large)}`,
    `  RSS: ${mem(r.rss)} (worker running: ${r.workerRunningAfterIdle})`,
    `  heap (main thread): ${mem(r.heap)}`,
  ];
  const slow = main.sort((a, b) => b.ms - a.ms).slice(0, 3);
  for (const u of slow) {
    lines.push(`  slow: ${describeUpdate(u)}; before: ${u.previous}`);
    for (const t of u.trace ?? []) lines.push(`    ${t}`);
  }
  const slowSmall = main.filter(smallThroughout).slice(0, 1);
  for (const u of slowSmall) lines.push(`  slowest small-throughout: ${describeUpdate(u)}`);
  for (const [name, list] of [
    ['difference', r.differences],
    ['range', r.rangeProblems],
    ['error response', r.errorResponses],
    ['server error', r.serverErrors],
    ['internal error', r.internalErrors],
    ['hang', r.hangs],
  ] as const)
    for (const m of list.slice(0, 5)) lines.push(`  ${name}: ${m.slice(0, 600)}`);
  return lines.join('\n');
}
