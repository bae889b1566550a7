/**
 * The server's state, owned by a few objects (rust-analyzer's GlobalState): the settings store,
 * the open documents, the files on disk and the workspace scan, the finding counts, the config
 * files' problems, cfn-lint, the worker thread and the audit. What crosses them (a settings
 * change, a document closed, watched files) is decided here; handlers (`handlers/`) only call in.
 * No connection: what goes to the client goes through `Publisher` and `ClientRequests`, so the
 * whole of it runs in a unit test with fakes.
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CONFIG_NAMES, loadConfigFile, loadConfigFor, type AuditThresholds } from '../engine';
import { Analyzer, uriToPath } from './analyzer';
import { AuditHandlers, type AuditSettings } from './auditHandlers';
import { CdkEditor } from './cdk';
import { CfnLintBridge } from './cfnlintBridge';
import { CfnLintProgress } from './cfnlintProgress';
import { ConfigProblems } from './configProblems';
import { isConfigFileName } from './configDiagnostics';
import { FindingCounts } from './findingCounts';
import { LiveState } from './liveState';
import { LintWorkerClient } from './lintWorker';
import { OpenDocuments, type AnalysisWorker, type CfnLinter } from './openDocuments';
import { NO_EDITOR_CAPABILITIES, type EditorCapabilities, type ServerStats } from './protocol';
import type { DocumentSource, Publisher } from './publisher';
import { SettingsStore, type ConfigurationRequest, type ReadSettings } from './settingsStore';
import { WorkspaceScanner, type ScanProgress } from './workspaceScanner';

/** What the state asks of the client (requests, as opposed to what it publishes). */
export interface ClientRequests {
  /** workspace/configuration. */
  configuration: ConfigurationRequest;
  /** window/workDoneProgress/create (called only when the client announced it can). */
  createProgress(): Promise<ScanProgress>;
}

/** cfn-lint as the server uses it (CfnLintBridge; a fake in tests). */
export type CfnLintService = CfnLinter & Pick<CfnLintBridge, 'configure' | 'dispose'>;

/** A file event, as workspace/didChangeWatchedFiles sends it. */
export interface FileChange {
  uri: string;
  /** Deleted, else created or changed. */
  deleted: boolean;
}

export interface GlobalStateOptions {
  /** The bundle to start the analysis worker thread from; without it, everything runs on the main thread. */
  workerScript?: string;
  /** Instead of a worker started from `workerScript` (tests). */
  worker?: (AnalysisWorker & Partial<Pick<LintWorkerClient, 'fixes' | 'navigate' | 'dispose' | 'running'>>) | null;
  /** Instead of the real cfn-lint bridge (tests). */
  cfn?: CfnLintService;
  /** Instead of the real audit (tests). */
  audit?: AuditHandlers;
}

export class GlobalState {
  readonly settings = new SettingsStore();
  readonly counts: FindingCounts;
  readonly configProblems: ConfigProblems;
  readonly analyzer: Analyzer;
  readonly open: OpenDocuments;
  readonly scanner: WorkspaceScanner;
  readonly cfn: CfnLintService;
  readonly audit: AuditHandlers;
  /** CDK apps: findings of cdk.out templates in the app's source, hover and actions there. */
  readonly cdk: CdkEditor;
  /** The last audits beside the workspace: items' template locations, the templates' live lenses. */
  readonly live: LiveState;
  readonly worker:
    | (AnalysisWorker & Partial<Pick<LintWorkerClient, 'fixes' | 'navigate' | 'dispose' | 'running'>>)
    | null;
  /** Client capabilities read at initialize. */
  canCreateProgress = false;
  canWatchDynamically = false;
  /** What the client does with placeholders and rule docs in code actions. */
  editor: EditorCapabilities = NO_EDITOR_CAPABILITIES;
  shuttingDown = false;

  constructor(
    readonly documents: DocumentSource,
    readonly publisher: Publisher,
    private readonly client: ClientRequests,
    options: GlobalStateOptions = {},
  ) {
    const log = (m: string) => publisher.log(m);
    this.counts = new FindingCounts((t) => publisher.findingCount(t));
    this.configProblems = new ConfigProblems(documents, this.settings, publisher);
    this.analyzer = new Analyzer(this.settings, this.configProblems, log);
    this.cfn = options.cfn ?? new CfnLintBridge({ info: log, notify: (m) => publisher.info(m) });
    this.audit = options.audit ?? new AuditHandlers(process.env, log);
    this.live = new LiveState(() => this.settings.folders, log);
    this.audit.onAudited = (live, auditedAt) => this.live.update(live, auditedAt);
    this.worker =
      options.worker !== undefined
        ? options.worker
        : options.workerScript
          ? new LintWorkerClient(options.workerScript, log)
          : null;
    const shuttingDown = () => this.shuttingDown;
    this.cdk = new CdkEditor((uri, diagnostics) => publisher.diagnostics(uri, diagnostics));
    this.open = new OpenDocuments({
      templates: this.cdk,
      documents,
      settings: this.settings,
      analyzer: this.analyzer,
      configProblems: this.configProblems,
      counts: this.counts,
      publisher,
      worker: this.worker,
      cfn: this.cfn,
      cfnProgress: new CfnLintProgress(() =>
        this.canCreateProgress ? this.client.createProgress() : Promise.resolve(null),
      ),
      shuttingDown,
      publishedFromDisk: (uri) => this.counts.hasDisk(uri),
    });
    this.scanner = new WorkspaceScanner({
      documents,
      settings: this.settings,
      analyzer: this.analyzer,
      counts: this.counts,
      publisher,
      open: this.open,
      templates: this.cdk,
      createProgress: () => (this.canCreateProgress ? this.client.createProgress() : Promise.resolve(null)),
      shuttingDown,
    });
  }

  /** The window's settings and each folder's, from the client. */
  readSettings(): Promise<ReadSettings> {
    return this.settings.read(this.client.configuration, (m) => this.publisher.log(m));
  }

  /** Takes new settings and redoes what they change; `first` at `initialized`. */
  async applySettings(next: ReadSettings, first = false): Promise<void> {
    const diff = this.settings.apply(next, first);
    if (first || diff.cfnLint) {
      // Documents analysed meanwhile get cfn-lint's view once it is ready (or lose it when turned off).
      void this.cfn
        .configure(this.settings.window, this.settings.trusted(), this.settings.folders)
        .then(() => this.open.relintAll());
    }
    // Documents opened before the first settings arrived were analysed with the defaults.
    if (first || diff.lint) {
      this.open.relintAll();
      this.configProblems.publishFolders();
    }
    if (first || diff.scan) void this.scanner.run();
  }

  /** Reads the settings again and applies them. */
  async refreshSettings(first = false): Promise<void> {
    try {
      await this.applySettings(await this.readSettings(), first);
    } finally {
      if (first) this.markSettingsLoaded();
    }
  }

  private markSettingsLoaded: () => void = () => {};
  /** Resolves once the first settings are in (requests served right after `initialized` wait for them; at most 5 s). */
  readonly settingsLoaded: Promise<void> = Promise.race([
    new Promise<void>((resolve) => (this.markSettingsLoaded = resolve)),
    new Promise<void>((resolve) => setTimeout(resolve, 5000).unref()),
  ]);

  /** Workspace folders added or removed: their config files, their settings, then a scan. */
  async foldersChanged(added: { uri: string }[], removed: { uri: string }[]): Promise<void> {
    this.settings.changeFolders(
      added
        .map((f) => ({ path: uriToPath(f.uri), uri: f.uri }))
        .filter((f): f is { path: string; uri: string } => !!f.path),
      removed.map((f) => uriToPath(f.uri)).filter((p): p is string => !!p),
    );
    this.configProblems.publishFolders();
    // The new folders' own settings; their documents and files are then linted with them.
    await this.refreshSettings();
    void this.scanner.run();
  }

  /** A document was closed: a workspace file goes back to its state on disk. */
  documentClosed(uri: string): void {
    this.open.closed(uri);
    const file = uriToPath(uri);
    if (file && isConfigFileName(file)) this.configProblems.publish(loadConfigFile(file));
    else if (file && this.scanner.eligible(file)) this.scanner.enqueue(file);
    else this.counts.deleteDisk(uri);
    this.counts.schedule();
  }

  /** Watched files changed on disk: config files redo everything, templates are linted again. */
  filesChanged(changes: FileChange[]): void {
    let relintAll = false;
    for (const change of changes) {
      const file = uriToPath(change.uri);
      if (!file) continue;
      if (CONFIG_NAMES.includes(path.basename(file))) {
        relintAll = true;
        if (this.documents.get(change.uri)) continue;
        if (change.deleted) this.configProblems.deleted(change.uri);
        else this.configProblems.publish(loadConfigFile(file));
        continue;
      }
      // cdk synth: a new manifest maps the assembly's templates again (and lints them if scanned);
      // a saved source of a CDK app moves its findings' lines or marks them stale
      for (const t of this.cdk.fileChanged(file)) {
        if (!this.documents.get(pathToFileURL(t).toString()) && this.scanner.eligible(t)) this.scanner.enqueue(t);
      }
      if (this.documents.get(change.uri)) continue;
      if (change.deleted) this.scanner.clear(change.uri);
      else if (this.scanner.eligible(file)) this.scanner.enqueue(file);
    }
    if (relintAll) {
      this.open.relintAll();
      void this.scanner.run();
    }
    this.counts.schedule();
  }

  /** The audit's settings (the window's). */
  auditSettings(): AuditSettings {
    const a = this.settings.window.audit;
    return {
      profiles: a.profiles,
      regions: a.regions,
      thresholds: a.thresholds,
      organizations: a.organizations.length ? a.organizations : this.projectOrganizations(),
    };
  }

  /**
   * The first workspace folder's `.ajar.yaml` `audit.organizations`, in a trusted workspace only:
   * an untrusted folder does not get to choose which roles the user's credentials assume.
   */
  projectOrganizations(): NonNullable<AuditSettings['organizations']> {
    const f = this.settings.folders[0];
    if (!f || !this.settings.trusted()) return [];
    return loadConfigFor(f, f).config.organizations ?? [];
  }

  /** The first workspace folder's `.ajar.yaml` `audit:` block. */
  projectAuditConfig(): Partial<AuditThresholds> | undefined {
    const f = this.settings.folders[0];
    return f ? loadConfigFor(f, f).config.audit : undefined;
  }

  stats(): ServerStats {
    const m = process.memoryUsage();
    return {
      rss: m.rss,
      heapUsed: m.heapUsed,
      openDocuments: this.open.size,
      diskFiles: this.counts.diskSize,
      lastLintMs: this.open.lastLintMs,
      cfnLint: this.cfn.status,
      scanning: this.scanner.scanning,
      lastScanFiles: this.scanner.lastScanFiles,
      pending: this.open.pending,
      analysisWorker: this.worker?.running ?? false,
    };
  }

  /** Stops scanning and analysing; cfn-lint and the worker get a second to exit. */
  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    this.scanner.cancel();
    // The worker exits on its own when its stdin closes; do not hold the editor's shutdown for it.
    await Promise.race([
      Promise.all([this.cfn.dispose(), this.worker?.dispose?.()]),
      new Promise<void>((r) => setTimeout(r, 1000).unref()),
    ]);
  }
}
