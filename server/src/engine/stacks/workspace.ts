/**
 * Reads what map.ts needs from a workspace folder: the CDK cloud assemblies (`manifest.json` in a
 * `cdk.out`, or in the `output` folder a `cdk.json` names), every `samconfig.toml`, the `.ajar.yaml`
 * `stacks:` entries, and the templates (candidates for the logical-id match). Bounded: at most
 * {@link MAX_FILES} entries walked, files over {@link MAX_TEMPLATE_BYTES} skipped, symbolic links
 * not followed, nothing outside the folder read, nothing executed.
 *
 * Then, for a stack's match and a logical id, where the resource is written: the construct's line
 * in a CDK app's source (through the CdkLocator) or the logical id's key in the template.
 */
import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { cdkPathOf } from '../cdk';
import type { CdkLocator } from '../cdk/locate';
import { findConfigFile, loadConfigFile } from '../config/load';
import type { ConfigProblem } from '../config/config';
import { isMap } from '../parse/ast';
import { parseJson } from '../parse/json';
import { buildTemplate } from '../model/template';
import type { Range } from '../types';
import {
  logicalIdRange,
  type CdkStackEntry,
  type ConfigStackEntry,
  type SamStackEntry,
  type StackMatch,
  type WorkspaceIndex,
  type WorkspaceTemplate,
} from './map';
import { SAM_DEFAULT_TEMPLATES, samconfigStacks } from './samconfig';

/** Most directory entries looked at. */
export const MAX_FILES = 20000;
/** Largest template read. */
export const MAX_TEMPLATE_BYTES = 2 * 1024 * 1024;

const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', '.venv', 'venv', '__pycache__', '.aws-sam']);
const TEMPLATE_EXT = /\.(ya?ml|json|template)$/i;

function readText(file: string, max = MAX_TEMPLATE_BYTES): string | null {
  try {
    const st = statSync(file);
    if (!st.isFile() || st.size > max) return null;
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function within(file: string, root: string): boolean {
  const rel = relative(root, file);
  return rel === '' || (!!rel && !rel.startsWith('..') && !isAbsolute(rel));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** The stack artifacts of a cloud assembly's manifest.json. */
export function cdkStacksOf(manifestText: string, assemblyDir: string): CdkStackEntry[] {
  let manifest: unknown;
  try {
    manifest = JSON.parse(manifestText);
  } catch {
    return [];
  }
  if (!isObject(manifest) || !isObject(manifest.artifacts)) return [];
  const out: CdkStackEntry[] = [];
  for (const [id, art] of Object.entries(manifest.artifacts)) {
    if (!isObject(art) || art.type !== 'aws:cloudformation:stack') continue;
    const props = isObject(art.properties) ? art.properties : {};
    const template = typeof props.templateFile === 'string' ? props.templateFile : `${id}.template.json`;
    const templateFile = resolve(assemblyDir, template);
    if (!within(templateFile, assemblyDir)) continue;
    const stackName = typeof props.stackName === 'string' && props.stackName ? props.stackName : id;
    const env = typeof art.environment === 'string' ? /^aws:\/\/([^/]+)\/([^/]+)$/.exec(art.environment) : null;
    const account = env && !env[1].startsWith('unknown-') ? env[1] : undefined;
    const region = env && !env[2].startsWith('unknown-') ? env[2] : undefined;
    out.push({
      stackName,
      artifactId: id,
      templateFile,
      ...(region ? { region } : {}),
      ...(account ? { account } : {}),
    });
  }
  return out;
}

export interface StackWorkspace extends WorkspaceIndex {
  /** Problems of the `.ajar.yaml` read (its file and problems), for the shell to show. */
  configFile?: string;
  configProblems: ConfigProblem[];
  /** The walk stopped at MAX_FILES. */
  truncated: boolean;
}

/** Reads the workspace folder `root` (see the file comment). */
export function readStackWorkspace(rootDir: string): StackWorkspace {
  const root = resolve(rootDir);
  const ws: StackWorkspace = {
    root,
    cdk: [],
    sam: [],
    config: [],
    templates: [],
    configProblems: [],
    truncated: false,
  };
  const assemblyDirs = new Set<string>();
  const samconfigs: string[] = [];
  const cdkJsons: string[] = [];
  let seen = 0;
  const walk = (dir: string, inAssembly: boolean) => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of names) {
      if (++seen > MAX_FILES) {
        ws.truncated = true;
        return;
      }
      const p = join(dir, name);
      let st: ReturnType<typeof lstatSync>;
      try {
        st = lstatSync(p);
      } catch {
        continue;
      }
      if (st.isSymbolicLink()) continue;
      if (st.isDirectory()) {
        if (SKIP_DIRS.has(name)) continue;
        walk(p, inAssembly || name === 'cdk.out');
        continue;
      }
      if (!st.isFile()) continue;
      if (name === 'manifest.json' && (inAssembly || basenameOf(dir) === 'cdk.out')) assemblyDirs.add(dir);
      else if (name === 'samconfig.toml') samconfigs.push(p);
      else if (name === 'cdk.json') cdkJsons.push(p);
      // Synthesized templates are named by their assembly; the workspace's own are the candidates.
      else if (!inAssembly && TEMPLATE_EXT.test(name) && st.size <= MAX_TEMPLATE_BYTES) {
        const text = readText(p);
        if (text && looksLikeTemplate(text)) ws.templates.push({ path: p, text });
      }
    }
  };
  walk(root, false);
  // cdk.json `output` folders other than cdk.out.
  for (const file of cdkJsons) {
    const text = readText(file, 256 * 1024);
    let out = 'cdk.out';
    try {
      const j = text ? JSON.parse(text) : null;
      if (isObject(j) && typeof j.output === 'string' && j.output) out = j.output;
    } catch {
      // not JSON: the default output
    }
    const dir = resolve(dirname(file), out);
    if (within(dir, root) && existsSync(join(dir, 'manifest.json'))) assemblyDirs.add(dir);
  }
  for (const dir of [...assemblyDirs].sort()) {
    const text = readText(join(dir, 'manifest.json'), 64 * 1024 * 1024);
    if (text) ws.cdk.push(...cdkStacksOf(text, dir));
  }
  for (const file of samconfigs) {
    const text = readText(file, 256 * 1024);
    if (!text) continue;
    const dir = dirname(file);
    for (const s of samconfigStacks(text)) {
      const candidates = s.templateFile ? [s.templateFile] : SAM_DEFAULT_TEMPLATES;
      const templateFile = candidates.map((c) => resolve(dir, c)).find((f) => within(f, root) && existsSync(f));
      if (!templateFile) continue;
      const entry: SamStackEntry = { stackName: s.stackName, templateFile, configFile: file };
      if (s.region) entry.region = s.region;
      ws.sam.push(entry);
    }
  }
  const configFile = findConfigFile(root, root);
  if (configFile) {
    const loaded = loadConfigFile(configFile);
    ws.configFile = configFile;
    ws.configProblems = loaded.problems;
    const base = dirname(configFile);
    for (const m of loaded.config.stacks ?? []) {
      const templateFile = resolve(base, m.template);
      if (!within(templateFile, root)) continue;
      const entry: ConfigStackEntry = { pattern: m.pattern, templateFile };
      ws.config.push(entry);
    }
  }
  return ws;
}

function basenameOf(dir: string): string {
  return dir.split(/[\\/]/).pop() ?? '';
}

/** A file worth parsing as a template: it names resources of an AWS type. */
function looksLikeTemplate(text: string): boolean {
  return /\bResources\b/.test(text) && /AWS::|Alexa::|Custom::/.test(text);
}

/** Where a resource of a mapped stack is written. */
export interface ResourceSource {
  /** Absolute path of the template, or of the CDK app's source file. */
  file: string;
  range: Range;
  /** The template itself (for a CDK source: the synthesized template in the assembly). */
  templateFile: string;
  /** The logical id's range in the template. */
  templateRange: Range;
  /** Found in a CDK app's source (the construct), not in the template. */
  construct?: boolean;
}

/**
 * Where the resource `logicalId` of a matched stack is written: for a CDK stack, the construct's
 * line in the app's source when the locator finds exactly one; else the logical id in the template.
 * Null when the template does not have that logical id (or cannot be read).
 */
export function resourceSource(
  match: StackMatch,
  logicalId: string,
  ws: Pick<WorkspaceIndex, 'templates'>,
  locator?: CdkLocator,
): ResourceSource | null {
  if (!match.path) return null;
  const text = ws.templates.find((t) => t.path === match.path)?.text ?? readText(match.path);
  if (!text) return null;
  const templateRange = logicalIdRange(text, logicalId);
  if (!templateRange) return null;
  const out: ResourceSource = { file: match.path, range: templateRange, templateFile: match.path, templateRange };
  if (match.via === 'cdk' && locator) {
    try {
      const doc = parseJson(text.replace(/^\uFEFF/, ''));
      const t = isMap(doc.root) ? buildTemplate(doc, doc.root, 'cdk') : undefined;
      const info = locator.locate(match.path, logicalId, cdkPathOf(t, logicalId));
      if (info?.source && !info.candidates?.length) {
        out.file = info.source.file;
        out.range = info.source.range;
        out.construct = true;
      }
    } catch {
      // The template's line is still right.
    }
  }
  return out;
}

/** A workspace template by path (read on demand), for callers that hold only the match. */
export function workspaceTemplate(ws: WorkspaceIndex, path: string): WorkspaceTemplate | null {
  const have = ws.templates.find((t) => t.path === path);
  if (have) return have;
  const text = readText(path);
  return text === null ? null : { path, text };
}
