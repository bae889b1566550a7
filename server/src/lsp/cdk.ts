/**
 * CDK apps in the editor: the findings of each synthesized template (`cdk.out/*.template.json`)
 * also shown in the app's own source (lib/*.ts, *.py) at the construct, with the synthesized
 * resource named and the template node as related information; hover there says the CDK way to
 * fix; "Show synthesized resource" opens the template at the node. Templates of a cloud assembly
 * keep their own diagnostics but get no quick fixes (the next synth rewrites them).
 *
 * State: per template of an assembly, its findings and their construct paths (never the syntax
 * tree); per source file, what was published. The server feeds it every template it lints (from
 * disk or open) and every watched-file change; it publishes source diagnostics itself.
 */
import { basename, dirname, extname, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CodeActionKind,
  MarkupKind,
  type CodeAction,
  type Diagnostic,
  type DiagnosticRelatedInformation,
  type Hover,
  type Position,
  type Range,
} from 'vscode-languageserver';
import {
  CdkLocator,
  cdkPathsOf,
  constructName,
  constructsByPaths,
  ruleByIdOrSlug,
  ruleDocsUrl,
  sourceFindingsOf,
  type Finding,
  type LintResult,
  type SourceFinding,
} from '../engine';
import { SOURCE, shiftRange, toLspSeverity } from './diagnostics';
import { ShowSynthesizedCommand, type ShowSynthesizedArgs } from './protocol';

/** What the server hands over of a template's analysis (a LintResult, or the worker's). */
export interface TemplateAnalysis {
  kind: string;
  findings: Finding[];
  bomLength: number;
  template?: LintResult['template'];
}

/** What a source diagnostic carries back to code actions. */
interface CdkDiagnosticData {
  cdk: { template: string; range: Range };
}

interface TemplateEntry {
  uri: string;
  bomLength: number;
  findings: Finding[];
  cdkPaths: Map<string, string | null>;
  root: string;
  shown: SourceFinding[];
}

/** Source files findings can be shown in (the languages `engine/cdk` reads). */
const SOURCE_FILE = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs|py)$/i;

export function isCdkSourceName(file: string): boolean {
  return SOURCE_FILE.test(file) && !/\.d\.[mc]?ts$/i.test(file);
}

function toUri(file: string): string {
  return pathToFileURL(file).toString();
}

function toPath(uri: string): string | null {
  if (!uri.startsWith('file:')) return null;
  try {
    return fileURLToPath(uri);
  } catch {
    return null;
  }
}

function contains(r: Range, p: Position): boolean {
  const afterStart = p.line > r.start.line || (p.line === r.start.line && p.character >= r.start.character);
  const beforeEnd = p.line < r.end.line || (p.line === r.end.line && p.character <= r.end.character);
  return afterStart && beforeEnd;
}

function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

function overlaps(a: Range, b: Range): boolean {
  return !before(a.end, b.start) && !before(b.end, a.start);
}

function within(file: string, root: string): boolean {
  const rel = relative(root, file);
  return rel === '' || (!!rel && !rel.startsWith('..') && !rel.startsWith(sep) && !/^[A-Za-z]:/.test(rel));
}

/**
 * The CDK way to fix a rule, from the rule's own metadata (`docs.cdk`, the "In CDK" section of its
 * page): the words, then the example in the source's language. Null for rules without one.
 */
export function cdkFixMarkdown(ruleId: string, language: 'ts' | 'py'): string | null {
  const cdk = ruleByIdOrSlug(ruleId)?.docs.cdk;
  if (!cdk) return null;
  const example = language === 'py' ? cdk.python : cdk.typescript;
  const fence = language === 'py' ? 'python' : 'ts';
  return [`**In CDK:** ${cdk.fix}`, '', '```' + fence, example.trimEnd(), '```'].join('\n');
}

/**
 * Who hears of every template analysis the server publishes (open documents and files from disk):
 * it may add related information to the template's own diagnostics before they are sent.
 */
export interface TemplateObserver {
  analysed(uri: string, analysis: TemplateAnalysis | null, diagnostics: Diagnostic[]): void;
  gone(uri: string): void;
}

export class CdkEditor implements TemplateObserver {
  readonly locator = new CdkLocator();
  /** Template file → its findings shown in sources. */
  private readonly templates = new Map<string, TemplateEntry>();
  /** Source URI → the JSON of what was published (non-empty only). */
  private readonly published = new Map<string, string>();

  constructor(private readonly publish: (uri: string, diagnostics: Diagnostic[]) => void) {}

  /** Is this a template of a cloud assembly (a manifest.json beside it): nothing may edit it. */
  isAssemblyTemplate(file: string | null): boolean {
    if (!file) return false;
    // anything under cdk.out is rewritten by the next synth, with or without its manifest
    if (/[\\/]cdk\.out[\\/]/.test(file)) return true;
    if (!/\.json$/i.test(file)) return false;
    try {
      return this.locator.isInAssembly(file);
    } catch {
      return false;
    }
  }

  /** An analysis is about to be published: a CDK template's findings go to the source, and the way back to its diagnostics. */
  analysed(uri: string, analysis: TemplateAnalysis | null, diagnostics: Diagnostic[]): void {
    const file = toPath(uri);
    if (!file) return;
    if (isCdkSourceName(file) && !this.templates.has(file)) return;
    this.templateLinted(file, analysis);
    if (!this.templates.has(file)) return;
    for (const d of diagnostics) {
      const i = (d.data as { i?: unknown } | undefined)?.i;
      if (typeof i !== 'number') continue;
      const related = this.templateRelated(file, i);
      if (related.length) d.relatedInformation = [...(d.relatedInformation ?? []), ...related];
    }
  }

  /** A template's diagnostics were withdrawn (deleted, no longer scanned). */
  gone(uri: string): void {
    const file = toPath(uri);
    if (file) this.templateGone(file);
  }

  /** A template was linted (from disk or open): its findings at the constructs of the app's source. */
  templateLinted(file: string, analysis: TemplateAnalysis | null): void {
    if (analysis?.kind !== 'cdk' || !this.isAssemblyTemplate(file)) {
      this.templateGone(file);
      return;
    }
    const before = this.templates.get(file);
    const entry: TemplateEntry = {
      uri: toUri(file),
      bomLength: analysis.bomLength,
      findings: analysis.findings,
      cdkPaths: cdkPathsOf(analysis.template, analysis.findings),
      root: this.locator.rootOf(file),
      shown: [],
    };
    this.map(file, entry);
    this.templates.set(file, entry);
    this.republish(new Set([...(before?.shown ?? []), ...entry.shown].map((s) => s.file)));
  }

  /** The template was deleted or is no CDK template any more. */
  templateGone(file: string): void {
    const had = this.templates.get(file);
    if (!had) return;
    this.templates.delete(file);
    this.republish(new Set(had.shown.map((s) => s.file)));
  }

  /**
   * A watched file changed. The assembly's manifest or metadata: its templates are mapped again
   * (the template files themselves come back through `templateLinted`). A source file of an app:
   * the templates of that app are mapped again (moved lines, stale marks).
   * Returns the assembly's templates when a manifest changed, for the server to lint again.
   */
  fileChanged(file: string): string[] {
    const name = basename(file);
    if (name === 'cdk.json') {
      this.refreshAll();
      return [];
    }
    if (name === 'manifest.json' || name.endsWith('.metadata.json')) {
      const dir = dirname(file);
      const redo = [...this.templates.keys()].filter((t) => dirname(t) === dir);
      this.remap(redo);
      try {
        return this.locator.templatesOf(dir);
      } catch {
        return [];
      }
    }
    if (!isCdkSourceName(file) || /[\\/](node_modules|cdk\.out)[\\/]/.test(file)) return [];
    this.remap([...this.templates].filter(([, e]) => within(file, e.root)).map(([t]) => t));
    return [];
  }

  /** Everything again (cdk.json or settings changed). */
  refreshAll(): void {
    this.locator.clear();
    this.remap([...this.templates.keys()]);
  }

  /** The source diagnostics of a file (what was last published for it). */
  diagnosticsFor(uri: string): Diagnostic[] {
    const file = toPath(uri);
    return file ? this.diagnosticsOfFile(file) : [];
  }

  /** Does the editor show CDK findings in this source document? */
  hasSource(uri: string): boolean {
    return this.published.has(uri);
  }

  /** Hover in a source file: each finding shown there, with the CDK fix and the synthesized resource. */
  hover(uri: string, position: Position): Hover | null {
    const file = toPath(uri);
    if (!file) return null;
    const hits = this.shownIn(file).filter(({ s }) => contains(s.range, position));
    if (hits.length === 0) return null;
    const language = extname(file).toLowerCase() === '.py' ? 'py' : 'ts';
    const parts = hits.map(({ s, entry }) => {
      const f = s.finding;
      const rule = ruleByIdOrSlug(f.ruleId);
      const at = shiftRange(f.range, entry.bomLength);
      const link = `${entry.uri}#L${at.start.line + 1}`;
      const how =
        s.via === 'trace'
          ? 'found by its creation stack'
          : s.via === 'id'
            ? 'found by its construct id'
            : `one of ${s.others.length + 1} places that create this construct id`;
      // the fix first: the message is the diagnostic's, which editors show beside the hover
      const lines = [`**Ajar ${f.ruleId}** \`${f.rule}\` (${f.severity}): ${s.message}`];
      const fix = cdkFixMarkdown(f.ruleId, language);
      if (fix) lines.push('', fix);
      else if (rule) lines.push('', `**Fix:** ${rule.docs.fix}`);
      lines.push(
        '',
        `Synthesized as \`${f.resource ?? 'resource'}\` (\`${s.construct.path}\`) in [${relative(entry.root, fileURLToPath(entry.uri)) || basename(entry.uri)}](${link}), ${how}.`,
        '',
        `[${f.ruleId} documentation](${ruleDocsUrl(f.ruleId)})`,
      );
      return lines.join('\n');
    });
    return { contents: { kind: MarkupKind.Markdown, value: parts.join('\n\n---\n\n') }, range: hits[0].s.range };
  }

  /** Code actions in a source file: "Show synthesized resource" for each finding shown in the range. */
  codeActions(uri: string, range: Range, diagnostics: readonly Diagnostic[] = []): CodeAction[] {
    const file = toPath(uri);
    if (!file) return [];
    const out: CodeAction[] = [];
    const seen = new Set<string>();
    for (const { s, entry } of this.shownIn(file)) {
      if (!overlaps(s.range, range)) continue;
      const target = shiftRange(s.finding.range, entry.bomLength);
      const key = `${entry.uri}#${target.start.line}:${target.start.character}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const args: ShowSynthesizedArgs = { uri: entry.uri, range: target };
      const diag = diagnostics.filter(
        (d) =>
          d.source === SOURCE &&
          d.code === s.finding.ruleId &&
          (d.data as CdkDiagnosticData | undefined)?.cdk?.template === entry.uri,
      );
      out.push({
        title: `Show synthesized resource ${s.finding.resource ?? ''} (${constructName(s.construct.path)})`.replace(
          '  ',
          ' ',
        ),
        kind: CodeActionKind.QuickFix,
        ...(diag.length ? { diagnostics: diag } : {}),
        command: { title: 'Show synthesized resource', command: ShowSynthesizedCommand, arguments: [args] },
      });
    }
    return out;
  }

  /** Code actions in an assembly's template: the construct's place in the app's source, and nothing that edits. */
  templateCodeActions(file: string, range: Range): CodeAction[] {
    const entry = this.templates.get(file);
    if (!entry) return [];
    const out: CodeAction[] = [];
    const seen = new Set<string>();
    for (const s of entry.shown) {
      if (!overlaps(shiftRange(s.finding.range, entry.bomLength), range)) continue;
      const key = `${s.file}#${s.range.start.line}:${s.range.start.character}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const args: ShowSynthesizedArgs = { uri: toUri(s.file), range: s.range };
      out.push({
        title: `Show construct in ${relative(entry.root, s.file)}:${s.range.start.line + 1}`,
        kind: CodeActionKind.QuickFix,
        command: { title: 'Show construct in the app source', command: ShowSynthesizedCommand, arguments: [args] },
      });
    }
    return out;
  }

  /** Related information for a template's diagnostics: where each finding's construct is in the app. */
  templateRelated(file: string, index: number): DiagnosticRelatedInformation[] {
    const entry = this.templates.get(file);
    if (!entry) return [];
    return entry.shown
      .filter((s) => s.index === index)
      .map((s) => ({
        location: { uri: toUri(s.file), range: s.range },
        message: `${constructName(s.construct.path)} in ${relative(entry.root, s.file)}${s.via === 'candidate' ? ' (one of several candidates)' : ''}`,
      }));
  }

  /**
   * A hover as the server answers it for any document: in a CDK app's source, the findings shown
   * there; in an assembly's template, the template's hover with the CDK way to fix added.
   */
  hoverFor(uri: string, position: Position, templateHover: () => Hover | null): Hover | null {
    if (this.hasSource(uri)) return this.hover(uri, position);
    const h = templateHover();
    const file = toPath(uri);
    if (!h || !file || !this.templates.has(file)) return h;
    const entry = this.templates.get(file)!;
    const ids = entry.findings
      .filter((f) => contains(shiftRange(f.range, entry.bomLength), position))
      .map((f) => f.ruleId);
    const extra = this.templateHoverExtra(ids);
    if (!extra || typeof h.contents !== 'object' || !('kind' in h.contents)) return h;
    return {
      ...h,
      contents: {
        kind: MarkupKind.Markdown,
        value: `${h.contents.value}\n\n---\n\nThis template is synthesized by CDK: make the fix in the app (\`cdk synth\` rewrites cdk.out).\n\n${extra}`,
      },
    };
  }

  /**
   * Code actions as the server answers them: in a CDK app's source, "Show synthesized resource";
   * in an assembly's template, none that edits (the next synth rewrites it) and the way to the source.
   */
  codeActionsFor<T extends { edit?: unknown; kind?: string }>(
    uri: string,
    range: Range,
    diagnostics: readonly Diagnostic[],
    templateActions: () => Promise<T[]> | T[],
  ): Promise<(T | CodeAction)[]> | (T | CodeAction)[] {
    if (this.hasSource(uri)) return this.codeActions(uri, range, diagnostics);
    const file = toPath(uri);
    if (!this.isAssemblyTemplate(file)) return templateActions();
    const back = this.templateCodeActions(file!, range);
    return Promise.resolve(templateActions()).then((actions) => [
      ...actions.filter((a) => !a.edit && !a.kind?.startsWith('source.fixAll')),
      ...back,
    ]);
  }

  /** The CDK way to fix, appended to a hover on an assembly template's findings. */
  templateHoverExtra(ruleIds: readonly string[]): string | null {
    const parts = [...new Set(ruleIds)].map((id) => cdkFixMarkdown(id, 'ts')).filter((x): x is string => !!x);
    return parts.length ? parts.join('\n\n') : null;
  }

  // ---- internals ----

  private map(file: string, entry: TemplateEntry): void {
    try {
      const constructs = constructsByPaths(this.locator, file, entry.cdkPaths, entry.findings);
      entry.shown = sourceFindingsOf(entry.findings, constructs, entry.root);
    } catch {
      entry.shown = []; // a mapping failure never costs the template's own diagnostics
    }
  }

  private remap(templates: string[]): void {
    const touched = new Set<string>();
    for (const t of templates) {
      const entry = this.templates.get(t);
      if (!entry) continue;
      for (const s of entry.shown) touched.add(s.file);
      entry.root = this.locator.rootOf(t);
      this.map(t, entry);
      for (const s of entry.shown) touched.add(s.file);
    }
    this.republish(touched);
  }

  private shownIn(file: string): { s: SourceFinding; entry: TemplateEntry }[] {
    const out: { s: SourceFinding; entry: TemplateEntry }[] = [];
    for (const entry of this.templates.values())
      for (const s of entry.shown) if (s.file === file) out.push({ s, entry });
    return out;
  }

  private diagnosticsOfFile(file: string): Diagnostic[] {
    const out: Diagnostic[] = [];
    for (const { s, entry } of this.shownIn(file)) {
      const f = s.finding;
      const templateRange = shiftRange(f.range, entry.bomLength);
      const related: DiagnosticRelatedInformation[] = [
        {
          location: { uri: entry.uri, range: templateRange },
          message: `synthesized ${f.resource ?? 'resource'} (${s.construct.path}) in ${basename(fileURLToPath(entry.uri))}`,
        },
        ...s.others.map((o) => ({
          location: { uri: toUri(o.file), range: o.range },
          message: `also creates ${constructName(s.construct.path).split('/').pop()}`,
        })),
      ];
      const data: CdkDiagnosticData = { cdk: { template: entry.uri, range: templateRange } };
      out.push({
        range: s.range,
        severity: toLspSeverity(f.severity),
        code: f.ruleId,
        codeDescription: { href: ruleDocsUrl(f.ruleId) },
        source: SOURCE,
        message: s.message,
        relatedInformation: related,
        data,
      });
    }
    out.sort(
      (a, b) =>
        a.range.start.line - b.range.start.line ||
        a.range.start.character - b.range.start.character ||
        String(a.code).localeCompare(String(b.code)) ||
        a.message.localeCompare(b.message),
    );
    return out;
  }

  private republish(files: Set<string>): void {
    for (const file of files) {
      const uri = toUri(file);
      const diagnostics = this.diagnosticsOfFile(file);
      const json = JSON.stringify(diagnostics);
      if ((this.published.get(uri) ?? '[]') === json) continue;
      if (diagnostics.length) this.published.set(uri, json);
      else this.published.delete(uri);
      this.publish(uri, diagnostics);
    }
  }
}
