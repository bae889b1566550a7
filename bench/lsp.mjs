/**
 * Language-server benchmark (run `npm run build` first):
 *   node bench/lsp.mjs [--edits N] [--large-edits N] [--cfn-edits N] [--large-cfn-edits N] [--files N]
 *                      [--no-cfn-lint] [--only k50,m1,cfn,mem] [--json]
 *
 * 1. Keystroke latency: `node dist/server.js --stdio`, one template open (50 KB and 1 MB, from
 *    bench/generate.mjs), a few hundred single-character edits, one at a time; the time from
 *    sending didChange to receiving publishDiagnostics for that version. p50/p95/max.
 * 2. The same with cfn-lint on (trusted workspace): Ajar's publication (unchanged path) and the
 *    later one that includes cfn-lint's diagnostics for the same version.
 * 3. Memory: a workspace of 500 generated templates (4-18 KB each) scanned in the background,
 *    then the same 500 opened in the editor; the server's RSS (ajar/stats and /proc VmHWM).
 *
 * Goals on a 2-core machine: p95 < 30 ms at 50 KB, < 150 ms at 1 MB, RSS < 150 MB.
 * `export async function runLspBench(options)` returns the numbers for a top-level runner.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { GENERATED, yamlTemplate } from './generate.mjs';

const require = createRequire(import.meta.url);
const { createMessageConnection, StreamMessageReader, StreamMessageWriter } = require('vscode-jsonrpc/node');

const here = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(here, '..');
const SERVER = join(REPO, 'dist', 'server.js');

class Server {
  constructor({ rootDir, settings = {}, trusted = false }) {
    this.settings = settings;
    this.proc = spawn(process.execPath, [SERVER, '--stdio'], { cwd: rootDir ?? REPO, stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stderr.on('data', () => {});
    this.conn = createMessageConnection(
      new StreamMessageReader(this.proc.stdout),
      new StreamMessageWriter(this.proc.stdin),
    );
    this.waiters = [];
    this.conn.onNotification('textDocument/publishDiagnostics', (p) => {
      const t = performance.now();
      this.waiters = this.waiters.filter((w) => (w.match(p) ? (w.resolve({ p, t }), false) : true));
    });
    this.conn.onNotification('$/progress', (p) => {
      if (p.value?.kind === 'end') for (const w of this.progressEnd.splice(0)) w();
    });
    this.progressEnd = [];
    this.conn.onRequest('workspace/configuration', (p) =>
      p.items.map((i) => (i.section === 'ajar' ? this.settings : null)),
    );
    this.conn.onRequest('window/workDoneProgress/create', () => null);
    this.conn.onRequest('client/registerCapability', () => null);
    this.conn.onNotification(() => {});
    this.conn.listen();
    this.rootDir = rootDir;
    this.trusted = trusted;
  }
  async init() {
    const root = this.rootDir;
    await this.conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: root ? pathToFileURL(root).toString() : null,
      workspaceFolders: root ? [{ uri: pathToFileURL(root).toString(), name: 'ws' }] : null,
      initializationOptions: { trusted: this.trusted },
      capabilities: {
        workspace: { configuration: true },
        window: { workDoneProgress: true },
        textDocument: { publishDiagnostics: { versionSupport: true } },
      },
    });
    await this.conn.sendNotification('initialized', {});
    return this;
  }
  diagnostics(uri, match, timeoutMs = 300_000) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timeout waiting for diagnostics of ${uri}`)), timeoutMs);
      this.waiters.push({ match: (p) => p.uri === uri && match(p), resolve: (v) => (clearTimeout(timer), resolve(v)) });
    });
  }
  scanEnd() {
    return new Promise((r) => this.progressEnd.push(r));
  }
  stats() {
    return this.conn.sendRequest('ajar/stats');
  }
  vmHWM() {
    try {
      const s = readFileSync(`/proc/${this.proc.pid}/status`, 'utf8');
      const kb = (k) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? NaN);
      return { rss: kb('VmRSS') * 1024, hwm: kb('VmHWM') * 1024 };
    } catch {
      return { rss: NaN, hwm: NaN };
    }
  }
  async stop() {
    try {
      await Promise.race([this.conn.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 10_000))]);
      await this.conn.sendNotification('exit');
    } catch {
      /* gone */
    }
    await new Promise((r) => {
      if (this.proc.exitCode !== null) return r();
      const t = setTimeout(() => this.proc.kill('SIGKILL'), 10_000);
      this.proc.once('exit', () => (clearTimeout(t), r()));
    });
    this.conn.dispose();
  }
}

function pct(sorted, p) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
function summary(samples) {
  const s = [...samples].sort((a, b) => a - b);
  return { n: s.length, p50: pct(s, 50), p95: pct(s, 95), max: s[s.length - 1] ?? NaN };
}

/** Edits the end of line 1 (the Description): insert a character, then delete it, alternately. */
function editAt(text, i) {
  const line1 = text.split('\n')[1];
  const col = line1.length;
  return i % 2 === 0
    ? { range: { start: { line: 1, character: col }, end: { line: 1, character: col } }, text: 'x' }
    : { range: { start: { line: 1, character: col }, end: { line: 1, character: col + 1 } }, text: '' };
}

async function keystrokes(file, edits, { cfnLint = false } = {}) {
  const dir = dirname(file);
  const s = await new Server({
    rootDir: dir,
    trusted: cfnLint,
    settings: { workspaceScan: { enabled: false }, cfnLint: { enabled: cfnLint ? 'on' : 'off' } },
  }).init();
  const text = readFileSync(file, 'utf8');
  const uri = pathToFileURL(file).toString();
  const hasCfn = (p) => p.diagnostics.some((d) => d.source === 'cfn-lint');
  const first = s.diagnostics(uri, (p) => p.version === 1 && (!cfnLint || hasCfn(p)), cfnLint ? 180_000 : 600_000);
  await s.conn.sendNotification('textDocument/didOpen', {
    textDocument: { uri, languageId: 'yaml', version: 1, text },
  });
  let opened;
  try {
    opened = await first;
  } catch {
    await s.stop();
    throw new Error(
      `${cfnLint ? 'cfn-lint' : 'Ajar'} gave no diagnostics for ${file} in time (cfn-lint's worker gives up after 30 s per request)`,
    );
  }
  const ajar = [];
  const withCfn = [];
  const engine = [];
  let findings = opened.p.diagnostics.filter((d) => d.source === 'ajar').length;
  for (let i = 0; i < edits; i++) {
    const version = i + 2;
    const ajarP = s.diagnostics(uri, (p) => p.version === version);
    const cfnP = cfnLint ? s.diagnostics(uri, (p) => p.version === version && hasCfn(p), 120_000) : null;
    const t0 = performance.now();
    await s.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [editAt(text, i)],
    });
    const a = await ajarP;
    ajar.push(a.t - t0);
    if (!cfnLint) engine.push((await s.stats()).lastLintMs); // after the measurement: the engine's share
    findings = a.p.diagnostics.length;
    if (cfnP) {
      const c = await cfnP;
      withCfn.push(c.t - t0);
    }
  }
  const stats = await s.stats();
  await s.stop();
  return {
    ajar: summary(ajar),
    engine: engine.length ? summary(engine) : null,
    cfn: cfnLint ? summary(withCfn) : null,
    findings,
    lastLintMs: stats.lastLintMs,
    rss: stats.rss,
  };
}

function makeWorkspace(n) {
  const ws = join(GENERATED, `lsp-ws-${n}`);
  if (!existsSync(join(ws, `stack-${String(n - 1).padStart(3, '0')}.template.yaml`))) {
    rmSync(ws, { recursive: true, force: true });
    mkdirSync(ws, { recursive: true });
    for (let i = 0; i < n; i++)
      writeFileSync(
        join(ws, `stack-${String(i).padStart(3, '0')}.template.yaml`),
        yamlTemplate(4_000 + (i % 10) * 1_500),
      );
  }
  return ws;
}

async function memory(n) {
  const ws = makeWorkspace(n);
  // (a) Workspace scan: the 500 templates are linted from disk, not opened.
  const s = await new Server({ rootDir: ws, settings: { cfnLint: { enabled: 'off' } } }).init();
  const t0 = performance.now();
  let st = await s.stats();
  while (st.scanning || st.lastScanFiles < n) {
    await new Promise((r) => setTimeout(r, 100));
    st = await s.stats();
  }
  const scanMs = performance.now() - t0;
  const scanned = { rss: st.rss, heapUsed: st.heapUsed, files: st.lastScanFiles, ...s.vmHWM(), scanMs };
  // (b) The same 500 opened in the editor (each keeps its text and its analysis).
  const files = Array.from({ length: n }, (_, i) => join(ws, `stack-${String(i).padStart(3, '0')}.template.yaml`));
  const last = pathToFileURL(files[files.length - 1]).toString();
  const done = s.diagnostics(last, () => true);
  for (const f of files)
    await s.conn.sendNotification('textDocument/didOpen', {
      textDocument: { uri: pathToFileURL(f).toString(), languageId: 'yaml', version: 1, text: readFileSync(f, 'utf8') },
    });
  await done;
  const st2 = await s.stats();
  const opened = { rss: st2.rss, heapUsed: st2.heapUsed, open: st2.openDocuments, ...s.vmHWM() };
  await s.stop();
  return { scanned, opened };
}

export async function runLspBench(opts = {}) {
  if (!existsSync(SERVER)) throw new Error(`${SERVER} missing: npm run build`);
  mkdirSync(GENERATED, { recursive: true });
  const f50 = join(GENERATED, 'lsp', 'medium-50k.yaml');
  const f1m = join(GENERATED, 'lsp', 'large-1mb.yaml');
  mkdirSync(dirname(f50), { recursive: true });
  if (!existsSync(f50)) writeFileSync(f50, yamlTemplate(50_000));
  if (!existsSync(f1m)) writeFileSync(f1m, yamlTemplate(1_000_000));
  const out = {};
  const phase = (m) => process.stderr.write(`[lsp bench] ${new Date().toISOString().slice(11, 19)} ${m}\n`);
  const only = opts.only ? new Set(opts.only) : null;
  const want = (k) => !only || only.has(k);
  if (want('k50')) {
    phase('50 KB keystrokes');
    out.k50 = await keystrokes(f50, opts.edits ?? 300);
  }
  if (want('m1')) {
    phase('1 MB keystrokes');
    out.m1 = await keystrokes(f1m, opts.largeEdits ?? 200);
  }
  if (opts.cfnLint !== false && want('cfn')) {
    try {
      phase('50 KB keystrokes with cfn-lint');
      out.k50cfn = await keystrokes(f50, opts.cfnEdits ?? 30, { cfnLint: true });
    } catch (e) {
      out.cfnError = String(e);
    }
    try {
      phase('1 MB keystrokes with cfn-lint');
      out.m1cfn = await keystrokes(f1m, opts.largeCfnEdits ?? 5, { cfnLint: true });
    } catch (e) {
      out.cfnError = (out.cfnError ? out.cfnError + '; ' : '') + String(e);
    }
  }
  if (want('mem')) {
    phase(`memory, ${opts.files ?? 500} templates`);
    out.mem = await memory(opts.files ?? 500);
  }
  phase('done');
  return out;
}

const fmt = (n) => (Number.isFinite(n) ? (n >= 100 ? n.toFixed(0) : n.toFixed(1)) : '-');
const mb = (b) => (Number.isFinite(b) ? (b / 1048576).toFixed(0) : '-');

export function printLspBench(r) {
  console.log('| didChange -> publishDiagnostics (stdio) | edits | p50 ms | p95 ms | max ms | goal p95 |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  const row = (name, s, goal) =>
    console.log(`| ${name} | ${s.n} | ${fmt(s.p50)} | ${fmt(s.p95)} | ${fmt(s.max)} | ${goal} |`);
  if (r.k50) row('50 KB, Ajar', r.k50.ajar, '< 30 ms');
  if (r.k50?.engine) row('50 KB, of which lintText (engine)', r.k50.engine, '-');
  if (r.m1) row('1 MB, Ajar', r.m1.ajar, '< 150 ms');
  if (r.m1?.engine) row('1 MB, of which lintText (engine)', r.m1.engine, '-');
  if (r.k50cfn) {
    row('50 KB, Ajar (cfn-lint on)', r.k50cfn.ajar, '< 30 ms');
    row('50 KB, Ajar + cfn-lint merged', r.k50cfn.cfn, '-');
  }
  if (r.m1cfn) {
    row('1 MB, Ajar (cfn-lint on)', r.m1cfn.ajar, '< 150 ms');
    row('1 MB, Ajar + cfn-lint merged', r.m1cfn.cfn, '-');
  }
  if (r.cfnError) console.log(`\ncfn-lint runs failed: ${r.cfnError}`);
  if (!r.mem) return;
  console.log('');
  console.log('| memory, 500 templates | RSS MB | peak RSS (VmHWM) MB | heap MB | notes | goal |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  const m = r.mem;
  console.log(
    `| workspace scan (not open) | ${mb(m.scanned.rss)} | ${mb(m.scanned.hwm)} | ${mb(m.scanned.heapUsed)} | ${m.scanned.files} files in ${fmt(m.scanned.scanMs)} ms | < 150 MB |`,
  );
  console.log(
    `| then all 500 open | ${mb(m.opened.rss)} | ${mb(m.opened.hwm)} | ${mb(m.opened.heapUsed)} | ${m.opened.open} open documents | < 150 MB |`,
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const num = (flag) => {
    const i = args.indexOf(flag);
    return i >= 0 ? Number(args[i + 1]) : undefined;
  };
  const r = await runLspBench({
    edits: num('--edits'),
    largeEdits: num('--large-edits'),
    cfnEdits: num('--cfn-edits'),
    files: num('--files'),
    largeCfnEdits: num('--large-cfn-edits'),
    only: args.includes('--only') ? args[args.indexOf('--only') + 1].split(',') : undefined,
    cfnLint: !args.includes('--no-cfn-lint'),
  });
  printLspBench(r);
  if (args.includes('--json')) console.log(JSON.stringify(r));
}
