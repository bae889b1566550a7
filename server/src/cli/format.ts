/** Output formats of `ajar lint`: text, JSON (version 1) and SARIF 2.1.0. */
import { constructName, ruleDocsUrl, staleNote, type DocumentKind, type Finding, type Severity } from '../engine';
import { isAbsolute, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ALL_RULES } from '../catalog';
import { escapeControls } from '../report/escape';

export interface FileReport {
  /** Path as given to the user (relative to the working directory where possible). */
  path: string;
  kind: DocumentKind;
  findings: Finding[];
  /** Findings from cfn-lint (with --with-cfn-lint), already converted. */
  external?: ExternalFinding[];
  /** CDK templates: the construct of each finding, in the app's source (null: none known). */
  constructs?: Map<Finding, ReportConstruct | null>;
}

/** Where a CDK finding's construct is created, with paths as shown to the user. */
export interface ReportConstruct {
  /** Construct path: `StorageStack/Reports/Policy/Resource`. */
  path: string;
  source: { path: string; range: Finding['range']; via: 'trace' | 'id'; stale?: boolean } | null;
  candidates?: { path: string; range: Finding['range'] }[];
}

function staleNoteOf(c: ReportConstruct): string {
  return c.source?.stale ? staleNote(c.source.path) : '';
}

export interface ExternalFinding {
  ruleId: string;
  severity: Severity;
  message: string;
  range: Finding['range'];
  source: string;
  href?: string;
}

export const SEVERITY_RANK: Record<Severity | 'none', number> = { error: 3, warning: 2, information: 1, none: 99 };

export function formatJson(files: FileReport[]): string {
  return (
    JSON.stringify(
      {
        version: 1,
        files: files.map((f) => ({
          path: f.path,
          kind: f.kind,
          findings: [
            ...f.findings.map((x) => ({
              ruleId: x.ruleId,
              rule: x.rule,
              severity: x.severity,
              message: x.message,
              resource: x.resource,
              range: x.range,
              ...(f.constructs ? { construct: f.constructs.get(x) ?? null } : {}),
            })),
            ...(f.external ?? []).map((x) => ({
              ruleId: x.ruleId,
              rule: x.ruleId,
              severity: x.severity,
              message: x.message,
              resource: null,
              range: x.range,
              source: x.source,
            })),
          ],
        })),
      },
      null,
      2,
    ) + '\n'
  );
}

const COLORS: Record<Severity, string> = { error: '\x1b[31m', warning: '\x1b[33m', information: '\x1b[36m' };

export function formatText(files: FileReport[], color: boolean): string {
  const out: string[] = [];
  const totals = { error: 0, warning: 0, information: 0 };
  for (const f of files) {
    const all = [
      ...f.findings.map((x) => ({
        line: x.range.start.line,
        col: x.range.start.character,
        sev: x.severity,
        id: x.ruleId,
        slug: x.rule,
        msg: x.message,
        construct: f.constructs?.get(x) ?? null,
      })),
      ...(f.external ?? []).map((x) => ({
        line: x.range.start.line,
        col: x.range.start.character,
        sev: x.severity,
        id: x.ruleId,
        slug: x.source,
        msg: x.message,
        construct: null,
      })),
    ].sort((a, b) => a.line - b.line || a.col - b.col);
    if (all.length === 0) continue;
    // Every field from a file name or a template is escaped: no control character reaches the
    // terminal and each finding is one line, whatever the colour setting.
    const path = escapeControls(f.path);
    if (color) out.push(`\x1b[1m${path}\x1b[0m`);
    for (const x of all) {
      totals[x.sev]++;
      const sev = color ? `${COLORS[x.sev]}${x.sev}\x1b[0m` : x.sev;
      const [id, slug, msg] = [x.id, x.slug, x.msg].map((v) => escapeControls(v));
      const at = `${path}:${x.line + 1}:${x.col + 1}`;
      const c = x.construct;
      if (!c) {
        out.push(`${color ? '  ' : ''}${at} ${sev} ${id} ${slug} ${msg}`);
        continue;
      }
      // CDK: where the construct is created first (that is where the fix goes), then the template
      const name = escapeControls(constructName(c.path));
      const where = (l: { path: string; range: Finding['range'] }) =>
        `${escapeControls(l.path)}:${l.range.start.line + 1}:${l.range.start.character + 1}`;
      const note = escapeControls(staleNoteOf(c));
      if (c.source)
        out.push(
          `${color ? '  ' : ''}${where(c.source)} ${sev} ${id} ${slug} ${name}: ${msg}${note} (synthesized: ${at})`,
        );
      else {
        const one = c.candidates?.length ? `; created at one of ${c.candidates.map(where).join(', ')}` : '';
        out.push(`${color ? '  ' : ''}${at} ${sev} ${id} ${slug} ${name}: ${msg}${one}`);
      }
    }
  }
  const n = totals.error + totals.warning + totals.information;
  out.push(
    n === 0
      ? `No findings in ${files.length} file${files.length === 1 ? '' : 's'}.`
      : `${n} finding${n === 1 ? '' : 's'} (${totals.error} error, ${totals.warning} warning, ${totals.information} information) in ${files.length} file${files.length === 1 ? '' : 's'}.`,
  );
  return out.join('\n') + '\n';
}

const SARIF_LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', information: 'note' };

export interface SarifOptions {
  /** The folder %SRCROOT% names, which relative paths are relative to (default: the working directory). */
  root?: string;
  /** cfn-lint ran (--with-cfn-lint): its findings (FileReport.external) become a second run. */
  cfnLint?: { version: string };
}

export function formatSarif(files: FileReport[], version: string, opts: SarifOptions = {}): string {
  const rules = ALL_RULES.map((r) => ({
    id: r.id,
    name: r.slug.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase()),
    shortDescription: { text: r.title },
    fullDescription: { text: r.docs.what.replace(/`/g, '') },
    help: { text: `${r.docs.why}\n\nFix: ${r.docs.fix}`, markdown: `${r.docs.why}\n\n**Fix:** ${r.docs.fix}` },
    helpUri: ruleDocsUrl(r.id),
    defaultConfiguration: { level: SARIF_LEVEL[r.severity] },
    properties: {
      tags: ['security'],
      'security-severity': r.severity === 'error' ? '8.0' : r.severity === 'warning' ? '5.0' : '2.0',
    },
  }));
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const root = opts.root ?? process.cwd();
  const results = files.flatMap((f) =>
    f.findings.map((x) => sarifResult(f.path, root, x, index.get(x.ruleId), f.constructs?.get(x) ?? null)),
  );
  const srcRoot = { '%SRCROOT%': { uri: directoryUri(root) } };
  const runs: object[] = [
    {
      tool: {
        driver: {
          name: 'Ajar',
          informationUri: 'https://github.com/ajar-dev/ajar',
          version,
          semanticVersion: version,
          rules,
        },
      },
      originalUriBaseIds: srcRoot,
      results,
    },
  ];
  if (opts.cfnLint) {
    // cfn-lint's findings are its own tool's run: its rule ids, its version, its documentation links.
    const external = files.flatMap((f) => (f.external ?? []).map((x) => ({ path: f.path, x })));
    const ids = [...new Set(external.map((e) => e.x.ruleId))].sort();
    const cfnRules = ids.map((id) => {
      const href = external.find((e) => e.x.ruleId === id && e.x.href)?.x.href;
      return { id, ...(href && isPlainHttpUri(href) ? { helpUri: href } : {}) };
    });
    const cfnIndex = new Map(ids.map((id, i) => [id, i]));
    runs.push({
      tool: {
        driver: {
          name: 'cfn-lint',
          informationUri: 'https://github.com/aws-cloudformation/cfn-lint',
          version: opts.cfnLint.version,
          rules: cfnRules,
        },
      },
      originalUriBaseIds: srcRoot,
      results: external.map((e) => sarifResult(e.path, root, { ...e.x, resource: null }, cfnIndex.get(e.x.ruleId))),
    });
  }
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs,
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}

type SarifFinding = Pick<Finding, 'ruleId' | 'severity' | 'message' | 'range' | 'resource'>;

function physicalLocation(path: string, root: string, range: Finding['range']) {
  return {
    artifactLocation: artifactLocation(path, root),
    region: {
      startLine: range.start.line + 1,
      startColumn: range.start.character + 1,
      endLine: range.end.line + 1,
      endColumn: range.end.character + 1,
    },
  };
}

/**
 * One result. For a CDK finding whose construct is found in the app's source, the source is the
 * primary location (where the fix goes) and the template node a related location; candidates are
 * related locations too.
 */
function sarifResult(
  path: string,
  root: string,
  x: SarifFinding,
  ruleIndex: number | undefined,
  construct: ReportConstruct | null = null,
) {
  const logical = x.resource
    ? {
        logicalLocations: [
          { name: x.resource, kind: 'resource', ...(construct ? { fullyQualifiedName: construct.path } : {}) },
        ],
      }
    : {};
  const template = { physicalLocation: physicalLocation(path, root, x.range), ...logical };
  const related: object[] = [];
  let primary = template;
  let text = x.message;
  if (construct) {
    text = `${constructName(construct.path)}: ${x.message}${staleNoteOf(construct)}`;
    if (construct.source) {
      primary = { physicalLocation: physicalLocation(construct.source.path, root, construct.source.range), ...logical };
      related.push({
        id: 0,
        physicalLocation: template.physicalLocation,
        message: { text: `synthesized ${x.resource ?? 'resource'} (${construct.path})` },
      });
    }
    for (const c of construct.candidates ?? [])
      related.push({
        id: related.length,
        physicalLocation: physicalLocation(c.path, root, c.range),
        message: { text: `may be created here (${construct.path})` },
      });
  }
  return {
    ruleId: x.ruleId,
    ...(ruleIndex !== undefined ? { ruleIndex } : {}),
    level: SARIF_LEVEL[x.severity],
    message: { text },
    locations: [primary],
    ...(related.length ? { relatedLocations: related } : {}),
    partialFingerprints: { 'ajar/v1': `${x.ruleId}:${x.resource ?? ''}:${x.message.length}` },
  };
}

/** Lone surrogates cannot be percent-encoded (encodeURIComponent throws): U+FFFD instead. */
function wellFormed(s: string): string {
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/**
 * An artifactLocation for a path as shown to the user: relative paths become a relative URI
 * reference against %SRCROOT%, each segment percent-encoded (spaces, `#`, `%`, `?`, `:`, controls),
 * so the result is a valid `uri-reference` whatever the file is called; absolute paths (another
 * drive) become a file: URI.
 */
export function artifactLocation(path: string, root: string): { uri: string; uriBaseId?: string } {
  if (isAbsolute(path)) return { uri: pathToFileURL(wellFormed(resolve(root, path))).href };
  const uri = path
    .split(sep === '\\' ? /[\\/]/ : '/') // a backslash is part of a POSIX file name
    .map((seg) => encodeURIComponent(wellFormed(seg)))
    .join('/');
  return { uri, uriBaseId: '%SRCROOT%' };
}

/** The file: URI of a folder, ending in a slash (SARIF §3.14.14), percent-encoded. */
export function directoryUri(dir: string): string {
  const href = pathToFileURL(wellFormed(resolve(dir))).href;
  return href.endsWith('/') ? href : `${href}/`;
}

function isPlainHttpUri(s: string): boolean {
  return /^https?:\/\/[\x21-\x7e]+$/.test(s) && !/["<>\\^`{|}]/.test(s);
}
