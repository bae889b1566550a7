/**
 * Deployed CloudFormation stacks to workspace files. Pure: the workspace comes in as data (see
 * workspace.ts for reading it), nothing here touches the file system or the network.
 *
 * A stack maps to a file in this order, the first way that names it winning:
 * 1. a CDK cloud assembly (`cdk.out/manifest.json`): the artifact whose stack name is the stack's;
 * 2. a `samconfig.toml`: the environment whose `stack_name` is the stack's, its `template_file`
 *    (or SAM's default, `template.yaml`);
 * 3. `.ajar.yaml` `stacks:`: the first entry whose stack name or glob matches;
 * 4. the logical ids and types: those of the deployed template (GetTemplate) when the audit read
 *    it, else those of the stack's resources (ListStackResources), against every workspace
 *    template's. The score is the Dice coefficient of the two sets of (logical id, type) pairs;
 *    the best template at or above {@link MATCH_THRESHOLD} wins, and equal best scores give
 *    candidates, none chosen.
 * An assembly, a samconfig.toml or a `.ajar.yaml` entry that says where the stack lives but whose
 * region (or account) is not the stack's does not name it.
 */
import { matchGlob } from '../config/glob';
import { isMap, type ParsedDocument } from '../parse/ast';
import { parseJson } from '../parse/json';
import { LineIndex } from '../parse/lines';
import { parseYaml } from '../parse/yaml';
import { buildTemplate, type Template } from '../model/template';
import type { Range } from '../types';

/** The stack as the audit read it (structurally the audit's DeployedStack). */
export interface StackInput {
  name: string;
  id: string;
  region: string;
  resources: readonly { logicalId: string; type: string }[];
  /** The deployed template, when the audit read it. */
  template?: string;
}

/** A CDK stack artifact of a cloud assembly. */
export interface CdkStackEntry {
  /** `properties.stackName`, else the artifact id (what `cdk deploy` names the stack). */
  stackName: string;
  artifactId: string;
  /** Absolute path of the synthesized template. */
  templateFile: string;
  /** From `environment: aws://ACCOUNT/REGION`, when not `unknown-*`. */
  region?: string;
  account?: string;
}

export interface SamStackEntry {
  stackName: string;
  /** Absolute path of the template. */
  templateFile: string;
  region?: string;
  /** The samconfig.toml it came from. */
  configFile: string;
}

export interface ConfigStackEntry {
  /** A stack name or a glob of stack names. */
  pattern: string;
  /** Absolute path of the template. */
  templateFile: string;
}

export interface WorkspaceTemplate {
  /** Absolute path. */
  path: string;
  text: string;
}

export interface WorkspaceIndex {
  root: string;
  cdk: CdkStackEntry[];
  sam: SamStackEntry[];
  config: ConfigStackEntry[];
  /** Every template of the workspace (candidates for the logical-id match). */
  templates: WorkspaceTemplate[];
}

export type MatchVia = 'cdk' | 'samconfig' | 'config' | 'logical-ids';

export interface StackMatch {
  via: MatchVia;
  /** The template (absolute); undefined when several templates match equally well. */
  path?: string;
  /** The CDK artifact (via 'cdk'): the construct's source is looked up from its template. */
  cdk?: CdkStackEntry;
  /** The logical-id match's score (0..1). */
  score?: number;
  /** Equal best matches, none chosen (via 'logical-ids'). */
  candidates?: string[];
}

/** The lowest score a logical-id match needs. */
export const MATCH_THRESHOLD = 0.6;

/** The (logical id, type) pairs of a template's resources; null when it is not a template. */
export function templateResources(text: string): Map<string, string> | null {
  const t = parseTemplate(text);
  if (!t) return null;
  const out = new Map<string, string>();
  for (const r of t.resources.values()) if (r.type) out.set(r.id, r.type);
  return out;
}

function parseTemplate(text: string): Template | undefined {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const doc: ParsedDocument = /^\s*[{[]/.test(body) ? parseJson(body) : parseYaml(body);
  if (!isMap(doc.root)) return undefined;
  return buildTemplate(doc, doc.root, 'cloudformation');
}

/** The Dice coefficient of two sets of (logical id, type) pairs. */
export function matchScore(deployed: ReadonlyMap<string, string>, workspace: ReadonlyMap<string, string>): number {
  if (!deployed.size || !workspace.size) return 0;
  let same = 0;
  for (const [id, type] of deployed) if (workspace.get(id) === type) same++;
  return (2 * same) / (deployed.size + workspace.size);
}

function regionFits(entryRegion: string | undefined, stack: StackInput): boolean {
  return !entryRegion || entryRegion === stack.region;
}

/**
 * Which workspace file deployed this stack (see the file comment for the order), or null when
 * nothing names it and no template matches well enough. `accountId` is the audited account
 * (a CDK environment of another account does not name the stack).
 */
export function matchStack(
  stack: StackInput,
  ws: WorkspaceIndex,
  accountId?: string,
  cache: Map<string, Map<string, string> | null> = new Map(),
): StackMatch | null {
  const cdk = ws.cdk.find(
    (c) =>
      c.stackName === stack.name &&
      regionFits(c.region, stack) &&
      (!c.account || !accountId || c.account === accountId),
  );
  if (cdk) return { via: 'cdk', path: cdk.templateFile, cdk };
  const sam = ws.sam.find((s) => s.stackName === stack.name && regionFits(s.region, stack));
  if (sam) return { via: 'samconfig', path: sam.templateFile };
  const conf = ws.config.find((c) => c.pattern === stack.name || matchGlob(c.pattern, stack.name));
  if (conf) return { via: 'config', path: conf.templateFile };

  let deployed: Map<string, string> | null = stack.template ? templateResources(stack.template) : null;
  if (!deployed?.size) deployed = new Map(stack.resources.map((r) => [r.logicalId, r.type]));
  if (!deployed.size) return null;
  let best = 0;
  let bestPaths: string[] = [];
  for (const t of ws.templates) {
    let res = cache.get(t.path);
    if (res === undefined) {
      res = templateResources(t.text);
      cache.set(t.path, res);
    }
    if (!res) continue;
    const score = matchScore(deployed, res);
    if (score < MATCH_THRESHOLD) continue;
    if (score > best + 1e-9) {
      best = score;
      bestPaths = [t.path];
    } else if (Math.abs(score - best) <= 1e-9) bestPaths.push(t.path);
  }
  if (!bestPaths.length) return null;
  const score = Math.round(best * 1000) / 1000;
  if (bestPaths.length > 1) return { via: 'logical-ids', score, candidates: bestPaths.sort() };
  return { via: 'logical-ids', path: bestPaths[0], score };
}

/** Every stack's match, by stack id. */
export function mapStacks(
  stacks: readonly StackInput[],
  ws: WorkspaceIndex,
  accountId?: string,
): Map<string, StackMatch> {
  const cache = new Map<string, Map<string, string> | null>();
  const out = new Map<string, StackMatch>();
  for (const s of stacks) {
    const m = matchStack(s, ws, accountId, cache);
    if (m) out.set(s.id, m);
  }
  return out;
}

/**
 * The range of a resource's logical id key in a template (0-based LSP positions), or null when
 * the template has no such resource.
 */
export function logicalIdRange(text: string, logicalId: string): Range | null {
  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const body = bom ? text.slice(1) : text;
  const t = parseTemplate(body);
  const r = t?.resources.get(logicalId);
  if (!r) return null;
  return new LineIndex(body).range(r.key.span);
}
