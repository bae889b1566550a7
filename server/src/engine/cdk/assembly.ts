/**
 * The cloud assembly the CDK writes (`cdk.out/manifest.json`, `<Stack>.metadata.json`): which
 * construct path each logical id of a stack template has, and the creation stacks recorded for
 * each construct path. Read as data, never run.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** One entry of a construct's metadata (`aws:cdk:logicalId`, `aws:cdk:creationStack`, ...). */
export interface MetadataEntry {
  type: string;
  data?: unknown;
  /** Older CDK versions (and `--debug`): the creation stack of the entry itself. */
  trace?: unknown;
}

export interface StackArtifact {
  id: string;
  /** Absolute path of the stack's template. */
  templateFile: string;
  /** Logical id (resources and outputs) → construct path, without the leading slash. */
  logicalIds: Map<string, string>;
}

export interface Assembly {
  dir: string;
  /** When the assembly was written (manifest.json's modification time, ms). */
  writtenAt: number;
  stacks: StackArtifact[];
  /** Construct path (no leading slash) → its metadata entries, over every stack of the assembly. */
  entries: Map<string, MetadataEntry[]>;
}

/** Largest manifest or metadata file read. */
const MAX_JSON_BYTES = 64 * 1024 * 1024;

function readJson(file: string): unknown {
  try {
    if (statSync(file).size > MAX_JSON_BYTES) return null;
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** Is `dir` a cloud assembly (a folder with a manifest.json that lists artifacts)? */
export function isAssemblyDir(dir: string): boolean {
  return existsSync(join(dir, 'manifest.json'));
}

export function readAssembly(dir: string): Assembly | null {
  const manifestFile = join(dir, 'manifest.json');
  const manifest = readJson(manifestFile);
  if (!isObject(manifest) || !isObject(manifest.artifacts)) return null;
  let writtenAt = 0;
  try {
    writtenAt = statSync(manifestFile).mtimeMs;
  } catch {
    return null;
  }
  const stacks: StackArtifact[] = [];
  const entries = new Map<string, MetadataEntry[]>();
  for (const [id, art] of Object.entries(manifest.artifacts)) {
    if (!isObject(art) || art.type !== 'aws:cloudformation:stack') continue;
    const props = isObject(art.properties) ? art.properties : {};
    const template = typeof props.templateFile === 'string' ? props.templateFile : `${id}.template.json`;
    const metadata: Record<string, unknown> = {};
    if (isObject(art.metadata)) Object.assign(metadata, art.metadata);
    if (typeof art.additionalMetadataFile === 'string') {
      const extra = readJson(resolve(dir, art.additionalMetadataFile));
      if (isObject(extra)) Object.assign(metadata, extra);
    }
    const logicalIds = new Map<string, string>();
    for (const [p, list] of Object.entries(metadata)) {
      if (!Array.isArray(list)) continue;
      const path = p.replace(/^\//, '');
      const kept = list.filter((e): e is MetadataEntry => isObject(e) && typeof e.type === 'string');
      const have = entries.get(path);
      if (have) have.push(...kept);
      else entries.set(path, kept);
      for (const e of kept) {
        if (e.type === 'aws:cdk:logicalId' && typeof e.data === 'string' && !logicalIds.has(e.data))
          logicalIds.set(e.data, path);
      }
    }
    stacks.push({ id, templateFile: resolve(dir, template), logicalIds });
  }
  return { dir, writtenAt, stacks, entries };
}

/** The stack artifact whose template is this file (by absolute path, then by file name). */
export function stackOf(asm: Assembly, templateFile: string): StackArtifact | undefined {
  const abs = resolve(templateFile);
  return (
    asm.stacks.find((s) => s.templateFile === abs) ?? asm.stacks.find((s) => basename(s.templateFile) === basename(abs))
  );
}

export interface CdkApp {
  /** The folder of cdk.json. */
  root: string;
  /** The app's entry source file (from cdk.json `app`), when one can be named. */
  entry: string | null;
  /** cdk.json `output`, absolute (default `cdk.out`). */
  output: string;
}

/** Reads `<dir>/cdk.json`; null when there is none. */
export function readCdkJson(dir: string): CdkApp | null {
  const file = join(dir, 'cdk.json');
  if (!existsSync(file)) return null;
  const json = readJson(file);
  const cfg = isObject(json) ? json : {};
  const output = resolve(dir, typeof cfg.output === 'string' && cfg.output ? cfg.output : 'cdk.out');
  const app = typeof cfg.app === 'string' ? cfg.app : '';
  return { root: dir, entry: entryOf(app, dir), output };
}

/** The folder of the nearest cdk.json at or above `dir` (ten levels at most). */
export function findCdkApp(dir: string): CdkApp | null {
  let d = resolve(dir);
  for (let i = 0; i < 10; i++) {
    const app = readCdkJson(d);
    if (app) return app;
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  return null;
}

const SOURCE_EXT = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs|py)$/i;

/**
 * The source file a cdk.json `app` command names: `npx ts-node --prefer-ts-exts bin/app.ts`,
 * `node dist/bin/app.js`, `python3 app.py`, `python -m app`. A compiled `.js` with a `.ts` beside it
 * (or a source map naming one) stands for the `.ts`.
 */
export function entryOf(command: string, root: string): string | null {
  const words = command.match(/"[^"]*"|'[^']*'|\S+/g)?.map((w) => w.replace(/^["']|["']$/g, '')) ?? [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w === '-m' && words[i + 1] && /python/i.test(words.slice(0, i).join(' '))) {
      const mod = resolve(root, `${words[i + 1].replace(/\./g, '/')}.py`);
      if (existsSync(mod)) return mod;
    }
    if (!SOURCE_EXT.test(w)) continue;
    const file = resolve(root, w);
    if (!existsSync(file)) continue;
    if (/\.[mc]?js$/i.test(file)) {
      const ts = file.replace(/\.([mc]?)js$/i, '.$1ts');
      if (existsSync(ts)) return ts;
    }
    return file;
  }
  return null;
}
