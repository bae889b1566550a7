/**
 * `ajar audit --workspace DIR`: each live finding whose resource a stack deployed gets
 * `source: {stack, logicalId, path, range}` when the stack maps to a file of DIR (the engine's
 * stack mapping: CDK assembly, samconfig.toml, `.ajar.yaml` `stacks:`, logical ids), and the
 * SARIF form of the audit, with a physical location for each finding that maps.
 */
import { relative, sep } from 'node:path';
import type { AccountAudit, AuditReport, DeployedStack, LiveFinding } from '../audit';
import { ALL_RULES } from '../catalog';
import {
  CdkLocator,
  mapStacks,
  readStackWorkspace,
  resourceSource,
  ruleDocsUrl,
  ruleScope,
  type StackMatch,
} from '../engine';
import { artifactLocation, directoryUri } from './format';

export interface StackMapSummary {
  accountId: string;
  stack: string;
  region: string;
  /** How it mapped; absent when it did not. */
  via?: StackMatch['via'];
  path?: string;
  candidates?: string[];
}

export interface SourcesResult {
  /** Findings that got a source. */
  mapped: number;
  stacks: StackMapSummary[];
  /** Problems of the workspace's `.ajar.yaml`, as text lines. */
  problems: string[];
}

function rel(root: string, file: string): string {
  return relative(root, file).split(sep).join('/');
}

/** The account's stack a finding's `stack` names (by id, else by name and region: tags without an id). */
function stackOf(a: AccountAudit, f: LiveFinding): DeployedStack | undefined {
  const st = f.stack;
  if (!st) return undefined;
  return (
    a.stacks?.find((s) => st.id && s.id === st.id) ??
    a.stacks?.find((s) => s.name === st.name && s.region === st.region)
  );
}

/** Adds `source` to every finding of the report that maps to a file of `dir` (in place). */
export function attachSources(report: AuditReport, dir: string): SourcesResult {
  const ws = readStackWorkspace(dir);
  const locator = new CdkLocator();
  const result: SourcesResult = {
    mapped: 0,
    stacks: [],
    problems: ws.configProblems.map(
      (p) =>
        `${rel(ws.root, ws.configFile ?? '.ajar.yaml')}${p.range ? `:${p.range.start.line + 1}` : ''}: ${p.message}`,
    ),
  };
  for (const a of report.accounts) {
    if (!a.accountId || !a.stacks?.length) continue;
    const matches = mapStacks(a.stacks, ws, a.accountId);
    for (const s of a.stacks) {
      const m = matches.get(s.id);
      result.stacks.push({
        accountId: a.accountId,
        stack: s.name,
        region: s.region,
        ...(m ? { via: m.via } : {}),
        ...(m?.path ? { path: rel(ws.root, m.path) } : {}),
        ...(m?.candidates ? { candidates: m.candidates.map((c) => rel(ws.root, c)) } : {}),
      });
    }
    for (const f of a.findings) {
      const s = stackOf(a, f);
      const m = s && matches.get(s.id);
      if (!s || !m || !f.stack) continue;
      const src = resourceSource(m, f.stack.logicalId, ws, locator);
      if (!src) continue;
      f.source = { stack: s.name, logicalId: f.stack.logicalId, path: rel(ws.root, src.file), range: src.range };
      result.mapped++;
    }
  }
  return result;
}

const SARIF_LEVEL = { error: 'error', warning: 'warning', information: 'note' } as const;

/**
 * The audit as SARIF 2.1.0: one result per live finding; a finding that maps to a workspace file
 * (`--workspace`) has that file and line as its location, every finding its resource ARN (and its
 * stack and logical id) as logical locations.
 */
export function formatAuditSarif(report: AuditReport, version: string, root: string): string {
  const live = ALL_RULES.filter((r) => ruleScope(r) === 'live');
  const rules = live.map((r) => ({
    id: r.id,
    name: r.slug.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase()),
    shortDescription: { text: r.title },
    helpUri: ruleDocsUrl(r.id),
    defaultConfiguration: { level: SARIF_LEVEL[r.severity] },
  }));
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const results = report.accounts.flatMap((a) =>
    a.findings.map((f) => {
      const logicalLocations: object[] = [{ name: f.resource, kind: 'resource' }];
      if (f.stack)
        logicalLocations.push({
          name: f.stack.logicalId,
          fullyQualifiedName: `${f.stack.name}/${f.stack.logicalId}`,
          kind: 'resource',
        });
      const location: Record<string, unknown> = { logicalLocations };
      if (f.source) {
        const r = f.source.range;
        location.physicalLocation = {
          artifactLocation: artifactLocation(f.source.path, root),
          region: {
            startLine: r.start.line + 1,
            startColumn: r.start.character + 1,
            endLine: r.end.line + 1,
            endColumn: r.end.character + 1,
          },
        };
      }
      const where = [a.accountId, f.region].filter(Boolean).join(' ');
      return {
        ruleId: f.ruleId,
        ...(index.has(f.ruleId) ? { ruleIndex: index.get(f.ruleId) } : {}),
        level: SARIF_LEVEL[f.severity],
        message: {
          text: `${f.message} (live in ${where}${f.stack ? `, stack ${f.stack.name}` : ''})`,
        },
        locations: [location],
        partialFingerprints: { 'ajar/live/v1': `${f.ruleId}:${f.resource}` },
      };
    }),
  );
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'Ajar', informationUri: 'https://github.com/ajar-dev/ajar', version, rules } },
        originalUriBaseIds: { '%SRCROOT%': { uri: directoryUri(root) } },
        results,
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
