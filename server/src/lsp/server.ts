/**
 * The Ajar language server: documents in, diagnostics, hover and quick fixes out; the workspace
 * scan; cfn-lint beside Ajar; the live audit's custom requests. The engine does the analysis,
 * this file decides when, for which document, and how the results reach the editor.
 */
import {
  CancellationTokenSource,
  CodeActionKind,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  MessageType,
  RequestType,
  RequestType0,
  ShowMessageNotification,
  TextDocumentSyncKind,
  TextDocuments,
  type CancellationToken,
  type Connection,
  type Diagnostic,
  type InitializeParams,
  type InitializeResult,
  type WorkDoneProgressServerReporter,
} from 'vscode-languageserver';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import {
  CONFIG_NAMES,
  emptyConfig,
  lintText,
  loadConfigFile,
  loadConfigFor,
  looksLikeTemplateName,
  mergeConfig,
  parseConfig,
  type AjarConfig,
  type LintResult,
  type LoadedConfig,
} from '../engine';
import { ruleDocsPage } from '../catalog';
import { AuditHandlers, type AuditProgress } from './auditHandlers';
import { CfnLintBridge } from './cfnlintBridge';
import { configProblemDiagnostics, isConfigFileName } from './configDiagnostics';
import { codeActionsFor, findingsForCodeAction, toCodeActions, type LspFix } from './codeActions';
import { LintWorkerClient, WORKER_THRESHOLD, type RemoteAnalysis } from './lintWorker';
import { cfnToDiagnostic, countFindings, findingToDiagnostic, findingsToDiagnostics, type Counts } from './diagnostics';
import { EditorTextDocument, LatestVersionQueue, yieldToEventLoop } from './documents';
import { hoverFor } from './hover';
import {
  AuditAccountRequest,
  SecurityReportRequest,
  FindingCountNotification,
  LintWorkspaceRequest,
  ListAccountsRequest,
  RuleDocsRequest,
  StatsRequest,
  type AccountAudit,
  type AuditAccountParams,
  type FindingCountParams,
  type LintWorkspaceResult,
  type ListAccountsResult,
  type RuleDocsParams,
  type SecurityReportParams,
  type SecurityReportResult,
  type ServerStats,
} from './protocol';
import { defaultSettings, normalizeSettings, settingsDiff, type ServerSettings } from './settings';
import { ignoredByProjectConfig, isScanCandidate, listWorkspaceFiles } from './workspaceScan';

/** Open documents whose full analysis is kept in memory (most recently used). */
const RETAINED_ANALYSES = 24;

/** Larger files are not read by the workspace scan (the engine reads at most 8 MB anyway). */
const MAX_DISK_BYTES = 32 * 1024 * 1024;

const ListAccounts = new RequestType0<ListAccountsResult, void>(ListAccountsRequest);
const AuditAccount = new RequestType<AuditAccountParams, AccountAudit, void>(AuditAccountRequest);
const SecurityReport = new RequestType<SecurityReportParams, SecurityReportResult, void>(SecurityReportRequest);
const LintWorkspace = new RequestType0<LintWorkspaceResult, void>(LintWorkspaceRequest);
const RuleDocs = new RequestType<RuleDocsParams, string | null, void>(RuleDocsRequest);
const Stats = new RequestType0<ServerStats, void>(StatsRequest);

interface OpenState {
  version: number;
  /** The analysis of `version`; null when not relevant, or dropped to save memory (`evicted`). */
  result: LintResult | null;
  evicted?: boolean;
  /** The analysis of a large document, made on the worker thread (which holds its syntax tree). */
  remote: RemoteAnalysis | null;
  ajar: Diagnostic[];
  /** Whether something non-empty was published (an empty publish is only needed then). */
  published: boolean;
}

/**
 * Cheap test before parsing: could the engine report anything on this document? It must be sound
 * (the editor lints every document the CLI lints), so it only rules out what the engine cannot
 * read as a template or policy: a name that does not look like one, and a text that neither names
 * a top-level key (`AWSTemplateFormatVersion`, `Resources`, `Statement`: classification, and
 * AJ000 on an unreadable document, need one) nor holds a backslash. A key's value differs from its
 * source text only through escapes (`"Resour\u0063es"` in JSON or in JSON inside a string;
 * `\x63`, `\u`, `\U` and escaped line breaks in YAML double quotes). Aliases and merge keys only
 * repeat text written elsewhere in the document, and tags do not change a key's text.
 */
function mayBeRelevant(text: string, fileName: string): boolean {
  if (looksLikeTemplateName(fileName)) return true;
  return /AWSTemplateFormatVersion|Resources|Statement|\\/.test(text);
}

function uriToPath(uri: string): string | null {
  if (!uri.startsWith('file:')) return null;
  try {
    return fileURLToPath(uri);
  } catch {
    return null;
  }
}

/** The name the engine classifies by: the file path, or the URI's path for unsaved documents. */
function fileNameOf(uri: string): string {
  return uriToPath(uri) ?? (uri.replace(/^[a-z]+:/i, '') || uri);
}

export interface ServerOptions {
  /** The bundle to start the analysis worker thread from (dist/server.js); without it, everything runs on the main thread. */
  workerScript?: string;
}

export function startServer(connection: Connection, options: ServerOptions = {}): void {
  const documents = new TextDocuments(EditorTextDocument);
  /** The window's settings (no scopeUri): cfn-lint, trace, audit, the scan's switches, and documents outside every folder. */
  let settings: ServerSettings = defaultSettings();
  /**
   * Each workspace folder's settings (`workspace/configuration` with the folder as scopeUri), so
   * that folder settings in a multi-root workspace apply to that folder's documents: `enable`,
   * `rules`, `files.*`. Read again on every didChangeConfiguration and folder change.
   */
  let folderSettings = new Map<string, ServerSettings>();
  /** The URI each folder path came as (scopeUri is sent back exactly so). */
  const folderUris = new Map<string, string>();
  let pushedSettings: unknown;
  let canPullConfiguration = false;
  let canWatchDynamically = false;
  let canCreateProgress = false;
  let trustedFromInit: boolean | undefined;
  let folders: string[] = [];
  let shuttingDown = false;
  let lastLintMs = 0;
  let scanning = false;
  let lastScanFiles = 0;
  /** False until the first settings are read: documents opened before wait for them. */
  let settingsReady = false;

  const open = new Map<string, OpenState>();
  /** Files linted from disk with what was published for them (counts; only non-empty kept). */
  const disk = new Map<string, Counts>();
  const openCounts = new Map<string, Counts>();

  const log = (m: string) => connection.console.log(m);
  const cfn = new CfnLintBridge({
    info: (m) => log(m),
    notify: (m) =>
      void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Info, message: m }),
  });
  const audit = new AuditHandlers();
  const worker = options.workerScript ? new LintWorkerClient(options.workerScript, (m) => log(m)) : null;

  const trusted = () => trustedFromInit ?? settings.workspaceTrusted ?? false;

  function folderOf(file: string): string | undefined {
    let best: string | undefined;
    for (const f of folders)
      if ((file === f || file.startsWith(f + path.sep)) && (!best || f.length > best.length)) best = f;
    return best;
  }

  /** The settings that apply to a document: its workspace folder's, else the window's. */
  function settingsFor(file: string | null): ServerSettings {
    const folder = file ? folderOf(file) : undefined;
    return (folder && folderSettings.get(folder)) || settings;
  }

  function configFor(file: string | null): AjarConfig {
    const over = { rules: settingsFor(file).rules };
    if (!file) return mergeConfig(emptyConfig(), over);
    const loaded = loadConfigFor(file, folderOf(file));
    publishConfigProblems(loaded);
    return mergeConfig(loaded.config, over);
  }

  // ---- .ajar.yaml problems, published on the config file ----------------------------------
  /** Config files (from disk) whose problems are published, with what was sent. */
  const configPublished = new Map<string, string>();
  function publishConfigProblems(loaded: LoadedConfig): void {
    if (!loaded.file) return;
    const uri = pathToFileURL(loaded.file).toString();
    if (documents.get(uri)) return; // an open config is validated as it is typed (lintOpen)
    const s = settingsFor(loaded.file);
    const rules = mergeConfig(loaded.config, { rules: s.rules }).rules;
    const diagnostics = s.enable ? configProblemDiagnostics(loaded.problems, rules) : [];
    const json = JSON.stringify(diagnostics);
    if ((configPublished.get(uri) ?? '[]') === json) return;
    if (diagnostics.length) configPublished.set(uri, json);
    else configPublished.delete(uri);
    void connection.sendDiagnostics({ uri, diagnostics });
  }
  /** The config file at the root of each workspace folder, validated even when no template uses it. */
  function publishFolderConfigs(): void {
    for (const f of folders) publishConfigProblems(loadConfigFor(f, f));
  }
  function configDocumentState(uri: string, version: number, text: string, file: string | null): OpenState {
    const prev = open.get(uri);
    const fromDisk = configPublished.delete(uri);
    const state: OpenState = { version, result: null, remote: null, ajar: [], published: prev?.published || fromDisk };
    open.set(uri, state);
    const s = settingsFor(file);
    if (s.enable) {
      const { config, problems } = parseConfig(text, file ?? undefined);
      const rules = mergeConfig(config, { rules: s.rules }).rules;
      state.ajar = configProblemDiagnostics(problems, rules, text.charCodeAt(0) === 0xfeff ? 1 : 0);
    }
    if (state.ajar.length || state.published) {
      void connection.sendDiagnostics({ uri, version, diagnostics: state.ajar });
      state.published = state.ajar.length > 0;
    }
    return state;
  }

  function safeLint(text: string, fileName: string, config: AjarConfig): LintResult | null {
    try {
      return lintText(text, { fileName, config });
    } catch (e) {
      log(`Ajar could not analyse ${fileName}: ${(e as Error).stack ?? String(e)}`);
      return null;
    }
  }

  // ---- finding counts (ajar/findingCount) --------------------------------------------------
  let countScheduled = false;
  let lastCountJson = '';
  function totals(): FindingCountParams {
    const t: FindingCountParams = { errors: 0, warnings: 0, information: 0, files: 0 };
    const add = (c: Counts) => {
      if (c.errors + c.warnings + c.information === 0) return;
      t.errors += c.errors;
      t.warnings += c.warnings;
      t.information += c.information;
      t.files++;
    };
    for (const c of openCounts.values()) add(c);
    for (const [uri, c] of disk) if (!openCounts.has(uri)) add(c);
    return t;
  }
  function scheduleCount(): void {
    if (countScheduled || scanning) return;
    countScheduled = true;
    setImmediate(() => {
      countScheduled = false;
      const t = totals();
      const j = JSON.stringify(t);
      if (j === lastCountJson) return;
      lastCountJson = j;
      void connection.sendNotification(FindingCountNotification, t);
    });
  }

  // ---- open documents -------------------------------------------------------------------
  function lintOpen(uri: string): OpenState | undefined {
    const doc = documents.get(uri);
    if (!doc || shuttingDown) return undefined;
    const version = doc.version;
    const file = uriToPath(uri);
    const fileName = fileNameOf(uri);
    const text = doc.getText();
    if (isConfigFileName(fileName)) return configDocumentState(uri, version, text, file);
    const relevant = settingsFor(file).enable && mayBeRelevant(text, fileName);
    if (relevant && worker && text.length >= WORKER_THRESHOLD) {
      lintRemote(uri, version, text, file, fileName);
      return open.get(uri);
    }
    worker?.forget(uri); // it may hold the analysis of a larger version
    let result: LintResult | null = null;
    if (relevant) {
      const started = performance.now();
      result = safeLint(text, fileName, configFor(file));
      lastLintMs = performance.now() - started;
      if (settings.trace.server === 'verbose') log(`linted ${uri} v${version} in ${lastLintMs.toFixed(1)} ms`);
    }
    return publishAnalysis(uri, version, text, file, result, null);
  }

  /** Large documents: one analysis in flight per document on the worker; the newest version goes next. */
  const remoteInFlight = new Set<string>();
  const remoteAgain = new Set<string>();
  function lintRemote(uri: string, version: number, text: string, file: string | null, fileName: string): void {
    if (remoteInFlight.has(uri)) {
      remoteAgain.add(uri);
      return;
    }
    remoteInFlight.add(uri);
    worker!
      .lint(uri, version, text, fileName, configFor(file))
      .then(
        (analysis) => {
          lastLintMs = analysis.ms;
          if (settings.trace.server === 'verbose')
            log(`linted ${uri} v${version} in ${analysis.ms.toFixed(1)} ms (worker)`);
          if (remoteAgain.has(uri) || documents.get(uri)?.version !== version || shuttingDown) return; // a newer one is coming
          publishAnalysis(uri, version, text, file, null, analysis);
        },
        (e: Error) => log(`Ajar could not analyse ${uri}: ${e.message}`),
      )
      .finally(() => {
        remoteInFlight.delete(uri);
        if (remoteAgain.delete(uri) && documents.get(uri)) lintOpen(uri);
      });
  }

  function publishAnalysis(
    uri: string,
    version: number,
    text: string,
    file: string | null,
    result: LintResult | null,
    remote: RemoteAnalysis | null,
  ): OpenState {
    const prev = open.get(uri);
    const state: OpenState = { version, result, remote, ajar: [], published: prev?.published ?? disk.has(uri) };
    open.set(uri, state);
    const analysis = result ?? remote;
    if (result) retain(uri);
    state.ajar = analysis ? findingsToDiagnostics(analysis, version) : [];
    const counts = countFindings(analysis?.findings ?? []);
    openCounts.set(uri, counts);
    if (state.ajar.length || state.published) {
      void connection.sendDiagnostics({ uri, version, diagnostics: state.ajar });
      state.published = state.ajar.length > 0;
    }
    scheduleCount();
    // cfn-lint after Ajar, never before; only for templates.
    if (
      analysis &&
      cfn.status !== 'off' &&
      cfn.status !== 'unavailable' &&
      (analysis.kind === 'cloudformation' || analysis.kind === 'sam' || analysis.kind === 'cdk')
    ) {
      void cfn
        .lint(uri, version, text, analysis.findings, {
          filename: file ?? undefined,
          root: file ? folderOf(file) : undefined,
          ignoreChecks: settings.cfnLint.ignoreChecks,
        })
        .then((extra) => {
          const now = open.get(uri);
          if (!extra || now !== state || documents.get(uri)?.version !== version || stale.has(uri)) return; // stale
          const all = [...state.ajar, ...extra.map(cfnToDiagnostic)];
          state.published = all.length > 0;
          void connection.sendDiagnostics({ uri, version, diagnostics: all });
        });
    }
    return state;
  }

  /** Open documents whose analysis must be redone at the same version (settings, .ajar.yaml, cfn-lint changed). */
  const stale = new Set<string>();
  const queue = new LatestVersionQueue((uri) => {
    if (!settingsReady) return; // analysed when the first settings arrive (no flicker of default severities)
    const s = open.get(uri);
    // didOpen is analysed at once; the change event TextDocuments also fires for it finds it done.
    if (s && s.version === documents.get(uri)?.version && !stale.has(uri)) return;
    stale.delete(uri);
    lintOpen(uri);
  });
  function relintOpen(): void {
    for (const uri of open.keys()) {
      stale.add(uri);
      queue.schedule(uri);
    }
  }

  /**
   * The analyses (syntax tree, template model) of the most recently edited or consulted
   * documents are kept for instant hover and quick fixes; older ones are dropped and redone on
   * demand (their diagnostics stay published). 500 open templates would otherwise hold ~100 MB.
   */
  const retained = new Set<string>();
  function retain(uri: string): void {
    retained.delete(uri);
    retained.add(uri);
    while (retained.size > RETAINED_ANALYSES) {
      const oldest = retained.values().next().value as string;
      retained.delete(oldest);
      const s = open.get(oldest);
      if (s?.result && !s.remote) {
        s.result = null;
        s.evicted = true;
      }
    }
  }

  /** The current analysis of an open document, computed now if a change is still pending. */
  function current(uri: string): OpenState | undefined {
    const doc = documents.get(uri);
    if (!doc) return undefined;
    const s = open.get(uri);
    if (s?.remote || (worker && doc.getText().length >= WORKER_THRESHOLD)) {
      // Large documents are never analysed on this thread: answer from the current analysis if
      // there is one; a pending change is on its way through the worker.
      return s && s.version === doc.version ? s : undefined;
    }
    if (s && s.version === doc.version && !stale.has(uri)) {
      queue.cancel(uri);
      if (s.evicted) {
        // Same text, same settings: the same findings, in the same order (diagnostic data stays valid).
        const file = uriToPath(uri);
        s.result = mayBeRelevant(doc.getText(), fileNameOf(uri))
          ? safeLint(doc.getText(), fileNameOf(uri), configFor(file))
          : null;
        s.evicted = false;
      }
      if (s.result) retain(uri);
      return s;
    }
    queue.cancel(uri);
    stale.delete(uri);
    return lintOpen(uri);
  }

  documents.onDidOpen((e) => {
    queue.cancel(e.document.uri);
    if (!settingsReady) {
      open.set(e.document.uri, { version: -1, result: null, remote: null, ajar: [], published: false });
      return;
    }
    lintOpen(e.document.uri); // at once: the first diagnostics should not wait behind anything
  });
  documents.onDidChangeContent((e) => queue.schedule(e.document.uri));
  documents.onDidClose((e) => {
    const uri = e.document.uri;
    queue.cancel(uri);
    stale.delete(uri);
    cfn.forget(uri);
    worker?.forget(uri);
    const s = open.get(uri);
    open.delete(uri);
    retained.delete(uri);
    openCounts.delete(uri);
    if (s?.published) void connection.sendDiagnostics({ uri, diagnostics: [] });
    // A workspace file goes back to its state on disk.
    const file = uriToPath(uri);
    if (file && isConfigFileName(file)) publishConfigProblems(loadConfigFile(file));
    else if (file && scanEligible(file)) enqueueDisk(file);
    else disk.delete(uri);
    scheduleCount();
  });

  // ---- files on disk (workspace scan, watched files) -------------------------------------
  function scanEligible(file: string): boolean {
    const folder = folderOf(file);
    if (!folder) return false;
    const s = settingsFor(file);
    if (!s.enable || !settings.workspaceScan.enabled) return false;
    const rel = path.relative(folder, file);
    return isScanCandidate(s.files.include, s.files.exclude, rel) && !ignoredByProjectConfig(file, folder);
  }

  /** Lints one file from disk and publishes; returns its number of findings. */
  async function lintDisk(file: string): Promise<number> {
    const uri = pathToFileURL(file).toString();
    if (documents.get(uri)) return 0; // open documents are the truth
    let text: string;
    try {
      const st = await fs.stat(file);
      if (!st.isFile()) throw new Error('not a file');
      if (st.size > MAX_DISK_BYTES) {
        log(`workspace scan: skipped ${file} (${(st.size / 1048576).toFixed(1)} MB)`);
        return 0;
      }
      text = await fs.readFile(file, 'utf8');
    } catch {
      if (disk.delete(uri)) void connection.sendDiagnostics({ uri, diagnostics: [] });
      return 0;
    }
    if (documents.get(uri)) return 0;
    const result = mayBeRelevant(text, file) ? safeLint(text, file, configFor(file)) : null;
    const findings = result?.findings ?? [];
    const had = disk.has(uri);
    if (findings.length) disk.set(uri, countFindings(findings));
    else disk.delete(uri);
    if (findings.length || had)
      void connection.sendDiagnostics({ uri, diagnostics: result ? findingsToDiagnostics(result, null) : [] });
    return findings.length;
  }

  const diskPending = new Set<string>();
  let diskRunning = false;
  function enqueueDisk(file: string): void {
    diskPending.add(file);
    if (diskRunning) return;
    diskRunning = true;
    void (async () => {
      try {
        while (diskPending.size) {
          const next: string = diskPending.values().next().value as string;
          diskPending.delete(next);
          if (queue.size) await queue.idle(); // open documents first
          await lintDisk(next);
          await yieldToEventLoop();
        }
      } finally {
        diskRunning = false;
        scheduleCount();
      }
    })();
  }

  function clearDisk(uri: string): void {
    if (disk.delete(uri) && !documents.get(uri)) void connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  let scanSource: CancellationTokenSource | null = null;
  let scanPromise: Promise<LintWorkspaceResult> | null = null;

  /** Scans the workspace (cancelling a scan in progress). */
  function runScan(): Promise<LintWorkspaceResult> {
    scanSource?.cancel();
    const source = new CancellationTokenSource();
    scanSource = source;
    const p: Promise<LintWorkspaceResult> = scanWorkspace(source.token)
      .finally(() => {
        if (scanSource === source) {
          scanSource = null;
          scanning = false;
          scheduleCount();
        }
      })
      // Superseded by a newer scan (settings changed meanwhile): answer with the newer one's result.
      .then((r) =>
        source.token.isCancellationRequested && scanPromise && scanPromise !== p && !shuttingDown ? scanPromise : r,
      );
    scanPromise = p;
    return p;
  }

  async function scanWorkspace(token: CancellationToken): Promise<LintWorkspaceResult> {
    const previous = new Set(disk.keys());
    const scanned = folders.filter((f) => (folderSettings.get(f) ?? settings).enable);
    if (!settings.workspaceScan.enabled || scanned.length === 0) {
      for (const uri of previous) clearDisk(uri);
      return { files: 0, findings: 0 };
    }
    scanning = true;
    let progress: WorkDoneProgressServerReporter | null = null;
    if (canCreateProgress) {
      try {
        progress = await connection.window.createWorkDoneProgress();
        progress.begin('Ajar: linting workspace', 0, 'looking for templates', true);
      } catch {
        progress = null;
      }
    }
    const cancelled = () => token.isCancellationRequested || !!progress?.token.isCancellationRequested || shuttingDown;
    try {
      // Each folder with its own files.include/exclude; maxFiles bounds the whole scan.
      const maxFiles = Math.max(0, settings.workspaceScan.maxFiles);
      const listing = { files: [] as string[], truncated: false };
      const listed = new Set<string>();
      for (const folder of scanned) {
        if (cancelled()) break;
        const s = folderSettings.get(folder) ?? settings;
        const part = await listWorkspaceFiles([folder], {
          include: s.files.include,
          exclude: s.files.exclude,
          maxFiles: maxFiles - listing.files.length,
          isCancelled: cancelled,
        });
        // A file of a nested folder belongs to the innermost one (and its settings).
        for (const f of part.files)
          if (folderOf(f) === folder && !listed.has(f)) {
            listed.add(f);
            listing.files.push(f);
          }
        if (part.truncated || listing.files.length >= maxFiles) {
          listing.truncated = part.truncated || listing.files.length >= maxFiles;
          break;
        }
      }
      if (listing.truncated)
        log(`workspace scan: stopped at ${settings.workspaceScan.maxFiles} files (ajar.workspaceScan.maxFiles)`);
      let findings = 0;
      let files = 0;
      const seen = new Set<string>();
      for (const file of listing.files) {
        if (cancelled()) break;
        const uri = pathToFileURL(file).toString();
        seen.add(uri);
        if (queue.size) await queue.idle(); // typing beats scanning
        findings += await lintDisk(file);
        files++;
        if (progress && files % 10 === 0)
          progress.report(Math.round((files / listing.files.length) * 100), `${files}/${listing.files.length} files`);
        await yieldToEventLoop();
      }
      if (!cancelled()) {
        for (const uri of previous) if (!seen.has(uri)) clearDisk(uri);
        lastScanFiles = files;
      }
      for (const s of open.values()) findings += (s.result ?? s.remote)?.findings.length ?? 0;
      return { files: files + open.size, findings };
    } finally {
      progress?.done();
    }
  }

  // ---- settings ---------------------------------------------------------------------------
  interface ReadSettings {
    window: ServerSettings;
    byFolder: Map<string, ServerSettings>;
  }
  /** The window's settings and each folder's, in one workspace/configuration request (as vscode-eslint asks per resource). */
  async function readSettings(): Promise<ReadSettings> {
    const pushed = (): ReadSettings => ({ window: normalizeSettings(pushedSettings), byFolder: new Map() });
    if (canPullConfiguration) {
      try {
        const asked = [...folders];
        const items = [
          { section: 'ajar' },
          ...asked.map((f) => ({ section: 'ajar', scopeUri: folderUris.get(f) ?? pathToFileURL(f).toString() })),
        ];
        // A client that never answers must not keep the server from linting.
        const answer = connection.workspace.getConfiguration(items) as Promise<unknown[]>;
        const timeout = new Promise<null>((r) => setTimeout(() => r(null), 5000).unref());
        const got = await Promise.race([answer, timeout]);
        if (got === null) {
          log('workspace/configuration: no answer in 5 s; using the settings pushed by the client or the defaults');
          return pushed();
        }
        const byFolder = new Map<string, ServerSettings>();
        for (const [i, f] of asked.entries()) byFolder.set(f, normalizeSettings(got[i + 1] ?? got[0]));
        return { window: normalizeSettings(got[0]), byFolder };
      } catch (e) {
        log(`workspace/configuration failed: ${(e as Error).message}`);
      }
    }
    return pushed();
  }

  async function applySettings(next: ReadSettings, first = false): Promise<void> {
    const diff = settingsDiff(settings, next.window);
    // Folder settings changed: what they govern (enable, rules, files) is redone too.
    for (const f of new Set([...folders, ...folderSettings.keys()])) {
      const d = settingsDiff(folderSettings.get(f) ?? settings, next.byFolder.get(f) ?? next.window);
      diff.lint ||= d.lint;
      diff.scan ||= d.scan;
    }
    settings = next.window;
    folderSettings = next.byFolder;
    settingsReady = true;
    if (first || diff.cfnLint) {
      // Documents analysed meanwhile get cfn-lint's view once it is ready (or lose it when turned off).
      void cfn.configure(settings, trusted(), folders).then(() => relintOpen());
    }
    // Documents opened before the first settings arrived were analysed with the defaults.
    if (first || diff.lint) {
      relintOpen();
      publishFolderConfigs();
    }
    if (first || diff.scan) void runScan();
  }

  // ---- lifecycle --------------------------------------------------------------------------
  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const caps = params.capabilities;
    canPullConfiguration = !!caps.workspace?.configuration;
    canWatchDynamically = !!caps.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    canCreateProgress = !!caps.window?.workDoneProgress;
    const init = params.initializationOptions as { trusted?: unknown; settings?: unknown } | undefined;
    if (init && typeof init.trusted === 'boolean') trustedFromInit = init.trusted;
    if (init && init.settings !== undefined) pushedSettings = init.settings;
    for (const f of params.workspaceFolders ?? []) {
      const p = uriToPath(f.uri);
      if (p) folderUris.set(p, f.uri);
    }
    const fromFolders = (params.workspaceFolders ?? []).map((f) => uriToPath(f.uri)).filter((p): p is string => !!p);
    const root = params.rootUri ? uriToPath(params.rootUri) : (params.rootPath ?? null);
    folders = fromFolders.length ? fromFolders : root ? [root] : [];
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'ajar', version: '0.1.0' },
    };
  });

  connection.onInitialized(async () => {
    if (canWatchDynamically) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: '**/*.{json,yaml,yml,template}' }, { globPattern: '**/.ajar.{yaml,yml}' }],
      });
    }
    try {
      connection.workspace.onDidChangeWorkspaceFolders(async (e) => {
        const removed = new Set(e.removed.map((f) => uriToPath(f.uri)));
        for (const f of e.added) {
          const p = uriToPath(f.uri);
          if (p) folderUris.set(p, f.uri);
        }
        folders = [
          ...folders.filter((f) => !removed.has(f)),
          ...e.added.map((f) => uriToPath(f.uri)).filter((p): p is string => !!p),
        ];
        publishFolderConfigs();
        // The new folders' own settings; their documents and files are then linted with them.
        await applySettings(await readSettings());
        void runScan();
      });
    } catch {
      /* the client does not support workspace folders */
    }
    await applySettings(await readSettings(), true);
  });

  connection.onDidChangeConfiguration(async (params) => {
    const s = params.settings as { ajar?: unknown } | null | undefined;
    if (s && typeof s === 'object' && 'ajar' in s) pushedSettings = s.ajar;
    await applySettings(await readSettings());
  });

  connection.onDidChangeWatchedFiles((params) => {
    let relintAll = false;
    for (const change of params.changes) {
      const file = uriToPath(change.uri);
      if (!file) continue;
      if (CONFIG_NAMES.includes(path.basename(file))) {
        relintAll = true;
        if (documents.get(change.uri)) continue;
        if (change.type === FileChangeType.Deleted) {
          if (configPublished.delete(change.uri)) void connection.sendDiagnostics({ uri: change.uri, diagnostics: [] });
        } else publishConfigProblems(loadConfigFile(file));
        continue;
      }
      if (documents.get(change.uri)) continue;
      if (change.type === FileChangeType.Deleted) clearDisk(change.uri);
      else if (scanEligible(file)) enqueueDisk(file);
    }
    if (relintAll) {
      relintOpen();
      void runScan();
    }
    scheduleCount();
  });

  connection.onHover((params) => {
    const s = current(params.textDocument.uri);
    const analysis = s?.result ?? s?.remote;
    return analysis ? hoverFor(analysis, params.position) : null;
  });

  connection.onCodeAction(async (params) => {
    const s = current(params.textDocument.uri);
    if (s?.remote && worker) {
      const remote = s.remote;
      const pairs = findingsForCodeAction(params, remote, s.version, (f) =>
        findingToDiagnostic(f, remote.findings.indexOf(f), remote, s.version),
      );
      if (!pairs.length) return [];
      const fixes = await worker
        .fixes(
          params.textDocument.uri,
          s.version,
          pairs.map((p) => p.index),
        )
        .catch(() => []);
      const byIndex = new Map<number, LspFix[]>(fixes.map((f) => [f.index, f.fixes]));
      return toCodeActions(params.textDocument.uri, remote.bomLength, pairs, (p) => byIndex.get(p.index) ?? []);
    }
    if (!s?.result) return [];
    const result = s.result;
    return codeActionsFor(params, result, s.version, (f) =>
      findingToDiagnostic(f, result.findings.indexOf(f), result, s.version),
    );
  });

  // ---- custom requests --------------------------------------------------------------------
  connection.onRequest(LintWorkspace, async () => {
    const r = await runScan();
    return r;
  });

  // The page docs/rules/<ID>.md holds, for template and live rules alike.
  connection.onRequest(RuleDocs, (params) => ruleDocsPage(params?.ruleId ?? ''));

  const auditSettings = () => ({
    profiles: settings.audit.profiles,
    regions: settings.audit.regions,
    thresholds: settings.audit.thresholds,
  });

  connection.onRequest(ListAccounts, () => audit.listAccounts(auditSettings()));

  connection.onRequest(AuditAccount, async (params, token) => {
    const controller = new AbortController();
    const sub = token.onCancellationRequested(() => controller.abort());
    const reporter = connection.window.attachWorkDoneProgress(params.workDoneToken);
    const progress: AuditProgress = {
      begin: (title, message) => reporter.begin(title, undefined, message, true),
      report: (message) => reporter.report(message),
      done: () => reporter.done(),
    };
    const reporterToken = (reporter as { token?: CancellationToken }).token;
    const sub2 = reporterToken?.onCancellationRequested(() => controller.abort());
    const project = folders.length ? loadConfigFor(folders[0], folders[0]).config.audit : undefined;
    try {
      return await audit.auditAccount(params, auditSettings(), project, controller.signal, progress);
    } finally {
      sub.dispose();
      sub2?.dispose();
    }
  });

  connection.onRequest(SecurityReport, (params) => audit.securityReport(params));

  connection.onRequest(Stats, () => {
    const m = process.memoryUsage();
    return {
      rss: m.rss,
      heapUsed: m.heapUsed,
      openDocuments: open.size,
      diskFiles: disk.size,
      lastLintMs,
      cfnLint: cfn.status,
      scanning,
      lastScanFiles,
      pending: queue.size + remoteInFlight.size,
      analysisWorker: worker?.running ?? false,
    } satisfies ServerStats;
  });

  connection.onShutdown(async () => {
    shuttingDown = true;
    scanSource?.cancel();
    // The worker exits on its own when its stdin closes; do not hold the editor's shutdown for it.
    await Promise.race([
      Promise.all([cfn.dispose(), worker?.dispose()]),
      new Promise<void>((r) => setTimeout(r, 1000).unref()),
    ]);
  });
  connection.onExit(() => {
    void cfn.dispose();
  });

  documents.listen(connection);
  connection.listen();
  void scanPromise;
}
