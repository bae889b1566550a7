/**
 * Files on disk: the workspace scan (every folder's templates, each with its folder's settings,
 * `maxFiles` for the whole scan, work-done progress, cancelled by a newer scan) and the files the
 * watcher reports, linted one at a time after the open documents (typing beats scanning). Findings
 * of files from disk are published without a version and counted in `FindingCounts`.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CancellationTokenSource,
  type CancellationToken,
  type WorkDoneProgressServerReporter,
} from 'vscode-languageserver';
import type { Analyzer } from './analyzer';
import type { TemplateObserver } from './cdk';
import { findingsToDiagnostics, countFindings } from './diagnostics';
import { yieldToEventLoop } from './documents';
import type { FindingCounts } from './findingCounts';
import type { OpenDocuments } from './openDocuments';
import type { LintWorkspaceResult } from './protocol';
import type { DocumentSource, Publisher } from './publisher';
import type { SettingsStore } from './settingsStore';
import { ignoredByProjectConfig, isScanCandidate, listWorkspaceFiles } from './workspaceScan';

/** Larger files are not read by the workspace scan (the engine reads at most 8 MB anyway). */
export const MAX_DISK_BYTES = 32 * 1024 * 1024;

/** The scan's work-done progress, when the client shows one. */
export type ScanProgress = Pick<WorkDoneProgressServerReporter, 'begin' | 'report' | 'done' | 'token'>;

export interface WorkspaceScannerDeps {
  documents: DocumentSource;
  settings: SettingsStore;
  analyzer: Analyzer;
  counts: FindingCounts;
  publisher: Publisher;
  open: Pick<OpenDocuments, 'queued' | 'idle' | 'size' | 'findingCount'>;
  /** A work-done progress for the scan, or null (the client cannot show one, or refused). */
  createProgress: () => Promise<ScanProgress | null>;
  shuttingDown: () => boolean;
  /** Hears of every analysis published (CDK templates: their findings in the app's source). */
  templates?: TemplateObserver;
}

export class WorkspaceScanner {
  private readonly pending = new Set<string>();
  private running = false;
  private source: CancellationTokenSource | null = null;
  private promise: Promise<LintWorkspaceResult> | null = null;
  /** A scan is running. */
  scanning = false;
  /** Files the last complete scan linted. */
  lastScanFiles = 0;

  constructor(private readonly d: WorkspaceScannerDeps) {}

  /** Would the scan lint this file (inside a folder, enabled, included, not ignored by `.ajar.yaml`)? */
  eligible(file: string): boolean {
    const folder = this.d.settings.folderOf(file);
    if (!folder) return false;
    const s = this.d.settings.settingsFor(file);
    if (!s.enable || !this.d.settings.window.workspaceScan.enabled) return false;
    const rel = path.relative(folder, file);
    return isScanCandidate(s.files.include, s.files.exclude, rel) && !ignoredByProjectConfig(file, folder);
  }

  /**
   * Lints one file from disk and publishes; returns its number of findings, or null when it was
   * not linted from disk (open: the open document is the truth and counts as linted; too large;
   * unreadable).
   */
  async lintFile(file: string): Promise<number | null> {
    const { documents, publisher, counts } = this.d;
    const uri = pathToFileURL(file).toString();
    if (documents.get(uri)) return null; // open documents are the truth
    let text: string;
    try {
      const st = await fs.stat(file);
      if (!st.isFile()) throw new Error('not a file');
      if (st.size > MAX_DISK_BYTES) {
        publisher.log(`workspace scan: skipped ${file} (${(st.size / 1048576).toFixed(1)} MB)`);
        return null;
      }
      text = await fs.readFile(file, 'utf8');
    } catch {
      this.d.templates?.gone(uri);
      if (counts.deleteDisk(uri)) publisher.diagnostics(uri, []);
      return null;
    }
    if (documents.get(uri)) return null;
    const result = this.d.analyzer.analyse(text, file, file);
    const findings = result?.findings ?? [];
    const had = counts.hasDisk(uri);
    counts.setDisk(uri, findings.length ? countFindings(findings) : null);
    const diagnostics = result ? findingsToDiagnostics(result, null) : [];
    this.d.templates?.analysed(uri, result, diagnostics);
    if (findings.length || had) publisher.diagnostics(uri, diagnostics);
    return findings.length;
  }

  /** Lints a file from disk soon (a watched file changed, an open one was closed), after the open documents. */
  enqueue(file: string): void {
    this.pending.add(file);
    if (this.running) return;
    this.running = true;
    void (async () => {
      try {
        while (this.pending.size) {
          const next: string = this.pending.values().next().value as string;
          this.pending.delete(next);
          if (this.d.open.queued) await this.d.open.idle(); // open documents first
          await this.lintFile(next);
          await yieldToEventLoop();
        }
      } finally {
        this.running = false;
        this.d.counts.schedule();
      }
    })();
  }

  /** A file from disk is gone (deleted, or no longer scanned): its diagnostics are cleared unless it is open. */
  clear(uri: string): void {
    if (!this.d.documents.get(uri)) this.d.templates?.gone(uri);
    if (this.d.counts.deleteDisk(uri) && !this.d.documents.get(uri)) this.d.publisher.diagnostics(uri, []);
  }

  /** Scans the workspace (cancelling a scan in progress, whose callers get this scan's answer). */
  run(): Promise<LintWorkspaceResult> {
    this.source?.cancel();
    const source = new CancellationTokenSource();
    this.source = source;
    const p: Promise<LintWorkspaceResult> = this.scan(source.token)
      .finally(() => {
        if (this.source === source) {
          this.source = null;
          this.setScanning(false);
          this.d.counts.schedule();
        }
      })
      // Superseded by a newer scan (settings changed meanwhile): answer with the newer one's result.
      .then((r) =>
        source.token.isCancellationRequested && this.promise && this.promise !== p && !this.d.shuttingDown()
          ? this.promise
          : r,
      );
    this.promise = p;
    return p;
  }

  /** Stops a scan in progress (shutdown). */
  cancel(): void {
    this.source?.cancel();
  }

  private setScanning(on: boolean): void {
    this.scanning = on;
    this.d.counts.paused = on;
  }

  private async scan(token: CancellationToken): Promise<LintWorkspaceResult> {
    const { settings, publisher } = this.d;
    const previous = new Set(this.d.counts.diskUris());
    const scanned = settings.folders.filter((f) => settings.folderSettings(f).enable);
    if (!settings.window.workspaceScan.enabled || scanned.length === 0) {
      for (const uri of previous) this.clear(uri);
      return { files: 0, findings: 0 };
    }
    this.setScanning(true);
    let progress: ScanProgress | null = null;
    try {
      progress = await this.d.createProgress();
      progress?.begin('Ajar: linting workspace', 0, 'looking for templates', true);
    } catch {
      progress = null;
    }
    const cancelled = () =>
      token.isCancellationRequested || !!progress?.token.isCancellationRequested || this.d.shuttingDown();
    try {
      // Each folder with its own files.include/exclude; maxFiles bounds the whole scan.
      const maxFiles = Math.max(0, settings.window.workspaceScan.maxFiles);
      const listing = { files: [] as string[], truncated: false };
      const listed = new Set<string>();
      for (const folder of scanned) {
        if (cancelled()) break;
        const s = settings.folderSettings(folder);
        const part = await listWorkspaceFiles([folder], {
          include: s.files.include,
          exclude: s.files.exclude,
          maxFiles: maxFiles - listing.files.length,
          isCancelled: cancelled,
        });
        // A file of a nested folder belongs to the innermost one (and its settings).
        for (const f of part.files)
          if (settings.folderOf(f) === folder && !listed.has(f)) {
            listed.add(f);
            listing.files.push(f);
          }
        if (part.truncated || listing.files.length >= maxFiles) {
          listing.truncated = part.truncated || listing.files.length >= maxFiles;
          break;
        }
      }
      if (listing.truncated)
        publisher.log(
          `workspace scan: stopped at ${settings.window.workspaceScan.maxFiles} files (ajar.workspaceScan.maxFiles)`,
        );
      let findings = 0;
      /** Files linted from disk (an open one counts once, among the open documents). */
      let files = 0;
      let done = 0;
      let withFindings = 0;
      const started = Date.now();
      const seen = new Set<string>();
      for (const file of listing.files) {
        if (cancelled()) break;
        const uri = pathToFileURL(file).toString();
        seen.add(uri);
        if (this.d.open.queued) await this.d.open.idle(); // typing beats scanning
        const n = await this.lintFile(file);
        if (n !== null) {
          findings += n;
          if (n > 0) withFindings++;
          files++;
        }
        done++;
        if (progress && done % 10 === 0)
          progress.report(Math.round((done / listing.files.length) * 100), `${done}/${listing.files.length} files`);
        await yieldToEventLoop();
      }
      if (!cancelled()) {
        for (const uri of previous) if (!seen.has(uri)) this.clear(uri);
        this.lastScanFiles = files;
        publisher.log(
          `workspace scan: ${files} file${files === 1 ? '' : 's'} linted in ${scanned.length} folder${scanned.length === 1 ? '' : 's'} ` +
            `in ${Date.now() - started} ms; ${findings} finding${findings === 1 ? '' : 's'} in ${withFindings} file${withFindings === 1 ? '' : 's'}`,
        );
      } else publisher.log(`workspace scan: cancelled after ${done} of ${listing.files.length} files`);
      findings += this.d.open.findingCount();
      return { files: files + this.d.open.size, findings };
    } finally {
      progress?.done();
    }
  }
}
