/**
 * From a logical id in a synthesized CDK template to the line of the app's own source where the
 * construct is created. Two ways, best first:
 *
 * 1. the creation stack the assembly recorded for the construct (or for its nearest ancestor, when
 *    the library made it lazily): the first frame in the app's files; moved apps are found by the
 *    longest suffix of the frame's path under the app root; compiled `.js` through its source map;
 * 2. the construct ids: from the stack down the construct path, where each id is created
 *    (`new X(this, 'Id'` / `X(self, "Id"`), following the app's own construct classes into their
 *    files. The innermost id found in the app's code wins; several equal matches are candidates.
 *
 * Only files under the app root (the folder of cdk.json) are read, and nothing is executed.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { LineIndex } from '../parse/lines';
import type { Range } from '../types';
import { type Assembly, type CdkApp, findCdkApp, isAssemblyDir, readAssembly, stackOf } from './assembly';
import { originalPosition, parseSourceMap, type SourceMapData } from './jsmap';
import { type Language, languageOf } from './lexer';
import { type ClassDef, type Creation, readSource, type SourceModel } from './sources';
import { type Frame, isLibraryFrame, parseFrames } from './trace';

export interface SourceLocation {
  /** Absolute path of the source file. */
  file: string;
  /** 0-based LSP range: the construct id's string literal, or the statement's line. */
  range: Range;
}

export interface ConstructSource extends SourceLocation {
  /** How it was found: the assembly's creation stack, or the construct ids in the sources. */
  via: 'trace' | 'id';
  /** The file changed after the assembly was written: the line may have moved. */
  stale?: boolean;
}

export interface ConstructInfo {
  /** Construct path, without the leading slash: `StorageStack/Reports/Policy/Resource`. */
  path: string;
  source: ConstructSource | null;
  /** Several places create a construct with this id: each of them, none chosen. */
  candidates?: SourceLocation[];
}

/** Largest source file read. */
const MAX_SOURCE_BYTES = 2 * 1024 * 1024;
/** Most files of an app read for the id search. */
const MAX_APP_FILES = 2000;
const SKIP_DIRS = new Set([
  'node_modules',
  '.git',
  '.hg',
  '.svn',
  '.venv',
  'venv',
  '__pycache__',
  '.aws-sam',
  'cdk.out',
  'site-packages',
]);
const TS_EXTS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

interface FileEntry {
  stamp: string;
  text: string;
  mtime: number;
  lines: LineIndex;
  model: SourceModel | null;
}

interface AppContext {
  app: CdkApp | null;
  root: string;
  asm: Assembly | null;
  /** The app's own source files: the entry and what it imports (or every source file under the root). */
  files?: string[];
}

function stampOf(file: string): { stamp: string; mtime: number; size: number } | null {
  try {
    const st = statSync(file);
    if (!st.isFile()) return null;
    return { stamp: `${st.mtimeMs}:${st.size}`, mtime: st.mtimeMs, size: st.size };
  } catch {
    return null;
  }
}

function within(file: string, root: string): boolean {
  const rel = relative(root, file);
  return rel === '' || (!!rel && !rel.startsWith('..') && !isAbsolute(rel));
}

function inSkippedDir(file: string, root: string): boolean {
  return relative(root, file)
    .split(/[\\/]/)
    .slice(0, -1)
    .some((seg) => SKIP_DIRS.has(seg));
}

/**
 * Maps findings of CDK templates to the app's source. Keeps what it read (assemblies, sources) and
 * re-reads a file only when its modification time or size changed.
 */
export class CdkLocator {
  private readonly files = new Map<string, FileEntry>();
  private readonly assemblies = new Map<string, { stamp: string; asm: Assembly | null }>();
  private readonly apps = new Map<string, AppContext & { stamp: string }>();
  /** Apps whose cdk.json names an output outside their folder (the shell found the cdk.json). */
  private readonly known: CdkApp[] = [];

  /**
   * An app the shell knows of (a linted project root, a cdk.json in the workspace): templates in
   * its `output` belong to it even when that folder is not under the app's own.
   */
  addApp(app: CdkApp): void {
    if (!this.known.some((a) => a.root === app.root)) this.known.push(app);
    this.apps.clear();
  }

  /** Forget everything read (the editor calls this when cdk.out or cdk.json changes). */
  clear(): void {
    this.files.clear();
    this.assemblies.clear();
    this.apps.clear();
  }

  /** Is this template part of a cloud assembly (a manifest.json beside it)? */
  isInAssembly(templateFile: string): boolean {
    return isAssemblyDir(dirname(resolve(templateFile)));
  }

  /** The app root of a template's assembly (the folder of cdk.json, else the assembly's parent): paths are shown from it. */
  rootOf(templateFile: string): string {
    return this.contextFor(resolve(templateFile)).root;
  }

  /** Every template of the assembly a file belongs to (a manifest.json that changed: all of them are redone). */
  templatesOf(assemblyDir: string): string[] {
    return this.assembly(resolve(assemblyDir))?.stacks.map((s) => s.templateFile) ?? [];
  }

  /**
   * Where the construct behind a logical id of this template is created. `cdkPath` is the
   * resource's `aws:cdk:path` metadata, when the template has it. Null when the template is not a
   * CDK template with a construct path for that id.
   */
  locate(templateFile: string, logicalId: string, cdkPath?: string | null): ConstructInfo | null {
    const ctx = this.contextFor(resolve(templateFile));
    const stack = ctx.asm ? stackOf(ctx.asm, templateFile) : undefined;
    const path = (cdkPath ?? stack?.logicalIds.get(logicalId) ?? null)?.replace(/^\//, '');
    if (!path) return null;
    const info: ConstructInfo = { path, source: null };
    const byTrace = ctx.asm ? this.byTrace(ctx, path) : null;
    if (byTrace && !byTrace.stale) {
      info.source = byTrace;
      return info;
    }
    const byId = this.byIds(ctx, path);
    if (byTrace) {
      // the file changed since synth: the ids in today's text are better than yesterday's line
      info.source = byId.length === 1 && byId[0].file === byTrace.file ? { ...byId[0], via: 'id' } : byTrace;
      info.source.stale = true;
      return info;
    }
    if (byId.length === 1)
      info.source = { ...byId[0], via: 'id', ...(this.isStale(ctx, byId[0].file) ? { stale: true } : {}) };
    else if (byId.length > 1) info.candidates = byId;
    return info;
  }

  // ---- context: assembly, cdk.json, app root ----

  private contextFor(templateFile: string): AppContext {
    const dir = dirname(templateFile);
    const manifest = stampOf(join(dir, 'manifest.json'));
    const key = dir;
    const stamp = manifest?.stamp ?? 'none';
    const have = this.apps.get(key);
    if (have && have.stamp === stamp) return have;
    const asm = manifest ? this.assembly(dir) : null;
    const app = this.known.find((a) => within(dir, a.output)) ?? findCdkApp(dir);
    // without cdk.json, the folder holding the assembly (`cdk.out`'s parent) is the best guess
    const root = app?.root ?? (basename(dir) === 'cdk.out' ? dirname(dir) : dir);
    const ctx: AppContext & { stamp: string } = { app, root, asm, stamp };
    this.apps.set(key, ctx);
    return ctx;
  }

  private assembly(dir: string): Assembly | null {
    const st = stampOf(join(dir, 'manifest.json'));
    const key = dir;
    const have = this.assemblies.get(key);
    if (have && st && have.stamp === st.stamp) return have.asm;
    const asm = readAssembly(dir);
    this.assemblies.set(key, { stamp: st?.stamp ?? 'none', asm });
    return asm;
  }

  private isStale(ctx: AppContext, file: string): boolean {
    if (!ctx.asm) return false;
    const st = stampOf(file);
    // a second of slack: file systems and copies round modification times
    return !!st && st.mtime > ctx.asm.writtenAt + 1000;
  }

  // ---- files ----

  private read(file: string): FileEntry | null {
    const st = stampOf(file);
    if (!st || st.size > MAX_SOURCE_BYTES) return null;
    const have = this.files.get(file);
    if (have && have.stamp === st.stamp) return have;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return null;
    }
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const entry: FileEntry = { stamp: st.stamp, text, mtime: st.mtime, lines: new LineIndex(text), model: null };
    this.files.set(file, entry);
    return entry;
  }

  private model(file: string): SourceModel | null {
    const lang = languageOf(file);
    if (!lang) return null;
    const e = this.read(file);
    if (!e) return null;
    if (!e.model) e.model = readSource(e.text, lang);
    return e.model;
  }

  /** A source file of the app: under the root, outside node_modules and the assembly. */
  private isAppFile(ctx: AppContext, file: string): boolean {
    return within(file, ctx.root) && !inSkippedDir(file, ctx.root) && !(ctx.asm && within(file, ctx.asm.dir));
  }

  // ---- 1. creation stacks ----

  private byTrace(ctx: AppContext, path: string): ConstructSource | null {
    const asm = ctx.asm!;
    const ids = new Set(path.split('/'));
    // the construct, then its ancestors, each with its default child (`Resource`, `Default`)
    const segs = path.split('/');
    for (let n = segs.length; n >= 1; n--) {
      const p = segs.slice(0, n).join('/');
      for (const q of n === segs.length ? [p] : [p, `${p}/Resource`, `${p}/Default`]) {
        for (const e of asm.entries.get(q) ?? []) {
          // only a creation stack says where the construct was made: the trace of a warning or an
          // acknowledgement on an ancestor (a stack) says where that was added (a Vpc in it)
          const frames =
            e.type === 'aws:cdk:creationStack'
              ? parseFrames(e.data)
              : e.type === 'aws:cdk:logicalId' && e.trace
                ? parseFrames(e.trace)
                : [];
          for (const f of frames) {
            if (isLibraryFrame(f)) continue;
            const loc = this.frameLocation(ctx, f, ids);
            if (loc) return { ...loc, via: 'trace', ...(this.isStale(ctx, loc.file) ? { stale: true } : {}) };
          }
        }
      }
    }
    return null;
  }

  /** The app file and range a frame names, or null when it is not in the app's files. */
  private frameLocation(ctx: AppContext, f: Frame, ids: Set<string>): SourceLocation | null {
    const file = this.resolveMoved(ctx, f.file);
    if (!file) return null;
    let line = f.line - 1;
    let column = Math.max(0, f.column - 1);
    let target = file;
    if (/\.[mc]?js$/i.test(file)) {
      const mapped = this.throughSourceMap(ctx, file, line, column);
      if (mapped) ({ file: target, line, column } = mapped);
      // compiled output without a map, beside its TypeScript: the line is not the source's
      else if (existsSync(file.replace(/\.([mc]?)js$/i, '.$1ts'))) return null;
    }
    const e = this.read(target);
    if (!e || line >= e.lines.lineCount) return null;
    return { file: target, range: this.rangeAt(target, e, line, column, ids) };
  }

  /** A frame's file, or where it is now: the longest suffix of its path that exists under the app root. */
  private resolveMoved(ctx: AppContext, framePath: string): string | null {
    const abs = framePath.replace(/\\/g, sep === '\\' ? '\\' : '/');
    if (isAbsolute(abs) && within(abs, ctx.root) && stampOf(abs)) return this.isAppFile(ctx, abs) ? abs : null;
    const segs = framePath.split(/[\\/]/).filter((s) => s && !/^[A-Za-z]:$/.test(s));
    for (let k = segs.length - 1; k >= 1; k--) {
      const candidate = join(ctx.root, ...segs.slice(segs.length - k));
      if (stampOf(candidate)) return this.isAppFile(ctx, candidate) ? candidate : null;
    }
    return null;
  }

  private throughSourceMap(
    ctx: AppContext,
    jsFile: string,
    line: number,
    column: number,
  ): { file: string; line: number; column: number } | null {
    const e = this.read(jsFile);
    if (!e) return null;
    let map: SourceMapData | null = null;
    let mapDir = dirname(jsFile);
    const url = /\/\/[#@]\s*sourceMappingURL=(\S+)\s*$/.exec(e.text.slice(-4096))?.[1];
    if (url?.startsWith('data:')) {
      const b64 = /^data:application\/json[^,]*;base64,(.*)$/.exec(url)?.[1];
      if (b64) map = parseSourceMap(Buffer.from(b64, 'base64').toString('utf8'));
    } else {
      let mapFile = `${jsFile}.map`;
      if (url) {
        try {
          mapFile = resolve(dirname(jsFile), decodeURIComponent(url));
        } catch {
          mapFile = `${jsFile}.map`;
        }
      }
      if (this.isAppFile(ctx, mapFile) || within(mapFile, ctx.root)) {
        const m = this.read(mapFile);
        if (m) map = parseSourceMap(m.text);
        mapDir = dirname(mapFile);
      }
    }
    if (!map) return null;
    const pos = originalPosition(map, line, column);
    if (!pos) return null;
    const file = resolve(mapDir, map.sourceRoot ?? '', pos.source);
    const found = this.resolveMoved(ctx, file);
    return found ? { file: found, line: pos.line, column: pos.column } : null;
  }

  /**
   * The range to show for a frame: the construct id literal of the call at the frame's position
   * (when it is one of the path's ids), else the statement's line without its indentation.
   */
  private rangeAt(file: string, e: FileEntry, line: number, column: number, ids: Set<string>): Range {
    const lineStart = e.lines.lineStart(line);
    const next = line + 1 < e.lines.lineCount ? e.lines.lineStart(line + 1) : e.text.length;
    const at = Math.min(lineStart + column, next);
    const model = this.model(file);
    const c = model?.creations.find(
      (x) =>
        x.start >= at &&
        x.start < next &&
        (ids.has(x.id) || (!!x.pattern && [...ids].some((id) => x.pattern!.test(id)))),
    );
    if (c) return e.lines.range({ start: c.idStart, end: c.idEnd });
    const text = e.text.slice(lineStart, next).replace(/\r?\n$/, '');
    const lead = text.length - text.trimStart().length;
    return e.lines.range({ start: lineStart + lead, end: lineStart + text.trimEnd().length });
  }

  // ---- 2. construct ids ----

  private appFiles(ctx: AppContext): string[] {
    if (ctx.files) return ctx.files;
    const files: string[] = [];
    const seen = new Set<string>();
    const entry = ctx.app?.entry;
    if (entry && this.isAppFile(ctx, entry)) {
      // the entry and what it imports, under the root
      const queue = [entry];
      while (queue.length && files.length < MAX_APP_FILES) {
        const f = queue.shift()!;
        if (seen.has(f)) continue;
        seen.add(f);
        const m = this.model(f);
        if (!m) continue;
        files.push(f);
        for (const s of m.specs) {
          for (const target of this.resolveModule(ctx, f, s, m.lang)) if (!seen.has(target)) queue.push(target);
        }
      }
    } else {
      const walk = (dir: string, depth: number) => {
        if (depth > 12 || files.length >= MAX_APP_FILES) return;
        let names: string[];
        try {
          names = readdirSync(dir).sort();
        } catch {
          return;
        }
        for (const name of names) {
          if (files.length >= MAX_APP_FILES) return;
          const p = join(dir, name);
          let st: ReturnType<typeof statSync>;
          try {
            st = statSync(p);
          } catch {
            continue;
          }
          if (st.isDirectory()) {
            if (!SKIP_DIRS.has(name) && !name.startsWith('.') && !(ctx.asm && p === ctx.asm.dir)) walk(p, depth + 1);
          } else if (languageOf(p) && !(/\.[mc]?js$/.test(p) && existsSync(p.replace(/\.([mc]?)js$/, '.$1ts'))))
            files.push(p);
        }
      };
      walk(ctx.root, 0);
    }
    ctx.files = files;
    return files;
  }

  /** The app files a module specifier names (none for a package). */
  private resolveModule(ctx: AppContext, from: string, spec: string, lang: Language): string[] {
    if (lang === 'py') {
      const dots = /^\.*/.exec(spec)![0].length;
      const rest = spec.slice(dots).split('.').filter(Boolean);
      const bases: string[] = [];
      if (dots > 0) {
        let d = dirname(from);
        for (let k = 1; k < dots; k++) d = dirname(d);
        bases.push(d);
      } else bases.push(ctx.root, dirname(from), ...(ctx.app?.entry ? [dirname(ctx.app.entry)] : []));
      const out: string[] = [];
      for (const b of bases) {
        const p = join(b, ...rest);
        for (const c of rest.length ? [`${p}.py`, join(p, '__init__.py')] : [join(p, '__init__.py')]) {
          if (stampOf(c) && this.isAppFile(ctx, c) && !out.includes(c)) out.push(c);
        }
        if (out.length) break;
      }
      return out;
    }
    if (!spec.startsWith('.') && !spec.startsWith('/')) return [];
    const base = resolve(dirname(from), spec);
    const candidates = [
      base.replace(/\.([mc]?)js$/, '.$1ts'),
      base.replace(/\.jsx$/, '.tsx'),
      base,
      ...TS_EXTS.map((x) => base + x),
      ...TS_EXTS.map((x) => join(base, `index${x}`)),
    ];
    for (const c of candidates) if (languageOf(c) && stampOf(c) && this.isAppFile(ctx, c)) return [c];
    return [];
  }

  /** The app class a callee names, seen from a file: its file and body; 'library' for a package's. */
  private classOf(ctx: AppContext, file: string, callee: string[]): { file: string; def: ClassDef } | 'library' | null {
    const m = this.model(file);
    if (!m) return null;
    if (callee[0] === 'this' || callee[0] === 'self') return null;
    if (callee.length === 1) {
      const def = m.classes.get(callee[0]);
      if (def) return { file, def };
    }
    // the longest prefix of the callee that is an imported name
    for (let k = callee.length; k >= 1; k--) {
      const local = callee.slice(0, k).join('.');
      const imp = m.imports.get(local);
      if (!imp) continue;
      const rest = callee.slice(k);
      const targets = this.resolveModule(ctx, file, imp.spec, m.lang);
      if (targets.length === 0) {
        // `from . import site` names a module of the package
        if (m.lang === 'py' && imp.name !== '*') {
          const mod = this.resolveModule(ctx, file, `${imp.spec}${imp.spec.endsWith('.') ? '' : '.'}${imp.name}`, 'py');
          if (mod.length && rest.length === 1) return this.exportedClass(ctx, mod[0], rest[0], 0);
        }
        return isRelativeSpec(imp.spec, m.lang) ? null : 'library';
      }
      const name = imp.name === '*' ? rest[0] : imp.name;
      if (imp.name !== '*' && rest.length > 0) {
        // `from . import site` then `site.StaticSite`
        if (m.lang === 'py') {
          const mod = this.resolveModule(ctx, file, `${imp.spec}${imp.spec.endsWith('.') ? '' : '.'}${imp.name}`, 'py');
          if (mod.length && rest.length === 1) return this.exportedClass(ctx, mod[0], rest[0], 0);
        }
        return null;
      }
      if (!name) return null;
      return this.exportedClass(ctx, targets[0], name, 0);
    }
    // not imported and not defined here: a class of the app by that name, if exactly one
    const last = callee[callee.length - 1];
    if (callee.length === 1) {
      const found: { file: string; def: ClassDef }[] = [];
      for (const f of this.appFiles(ctx)) {
        const def = this.model(f)?.classes.get(last);
        if (def) found.push({ file: f, def });
      }
      if (found.length === 1) return found[0];
    }
    return null;
  }

  private exportedClass(
    ctx: AppContext,
    file: string,
    name: string,
    depth: number,
  ): { file: string; def: ClassDef } | 'library' | null {
    if (depth > 8) return null;
    const m = this.model(file);
    if (!m) return null;
    const own = name === 'default' ? m.defaultClass : (m.localExports.get(name) ?? name);
    const def = own ? m.classes.get(own) : undefined;
    if (def) return { file, def };
    const via = m.reexports.get(name) ?? (own ? m.imports.get(own) : undefined);
    if (via) {
      const t = this.resolveModule(ctx, file, via.spec, m.lang);
      if (t.length === 0) return isRelativeSpec(via.spec, m.lang) ? null : 'library';
      return via.name === '*' ? null : this.exportedClass(ctx, t[0], via.name, depth + 1);
    }
    for (const s of m.star) {
      for (const t of this.resolveModule(ctx, file, s, m.lang)) {
        const r = this.exportedClass(ctx, t, name, depth + 1);
        if (r) return r;
      }
    }
    return null;
  }

  /**
   * The innermost places the app's code creates this construct path's ids: one place, or several
   * equal candidates, or none.
   */
  private byIds(ctx: AppContext, path: string): SourceLocation[] {
    const files = this.appFiles(ctx);
    if (files.length === 0) return [];
    const segs = path.split('/');
    type Scope = { file: string; start: number; end: number };
    const whole = (f: string): Scope => ({ file: f, start: 0, end: Number.MAX_SAFE_INTEGER });
    const entry = ctx.app?.entry && files.includes(ctx.app.entry) ? ctx.app.entry : null;
    let scopes: Scope[] = entry ? [whole(entry)] : files.map(whole);
    let best: { file: string; c: Creation }[] = [];
    const find = (list: Scope[], id: string) => {
      let out: { file: string; c: Creation }[] = [];
      for (const s of list) {
        for (const c of this.model(s.file)?.creations ?? []) {
          if ((c.id === id || c.pattern?.test(id)) && c.start >= s.start && c.start < s.end)
            out.push({ file: s.file, c });
        }
      }
      // the id written out beats a template literal that can make it
      if (out.some((o) => !o.c.pattern) && out.some((o) => o.c.pattern)) out = out.filter((o) => !o.c.pattern);
      // `new X(...)` beats a helper call with the same id in the same scope
      return out.some((o) => o.c.isNew || this.model(o.file)?.lang === 'py') && out.some((o) => !o.c.isNew)
        ? out.filter((o) => o.c.isNew || this.model(o.file)?.lang === 'py')
        : out;
    };
    for (const id of segs) {
      let found = find(scopes, id);
      if (found.length === 0 && best.length > 0) {
        // created outside the class body (a helper function in the file), or elsewhere in the app
        const inFiles = find([...new Set(scopes.map((s) => s.file))].map(whole), id);
        found = inFiles.length ? inFiles : find(files.map(whole), id);
      }
      if (found.length === 0) {
        // an id the sources do not spell (a computed stack name): look for the next one anywhere
        if (best.length === 0) {
          scopes = files.map(whole);
          continue;
        }
        break;
      }
      best = found;
      const next: Scope[] = [];
      for (const f of found) {
        const cls = this.classOf(ctx, f.file, f.c.callee);
        if (cls && cls !== 'library') next.push({ file: cls.file, start: cls.def.start, end: cls.def.end });
      }
      if (next.length === 0) break; // a library construct: its children are the library's
      scopes = next;
    }
    const seen = new Set<string>();
    const out: SourceLocation[] = [];
    for (const b of best) {
      const k = `${b.file}:${b.c.idStart}`;
      if (seen.has(k)) continue;
      seen.add(k);
      const e = this.read(b.file)!;
      out.push({ file: b.file, range: e.lines.range({ start: b.c.idStart, end: b.c.idEnd }) });
    }
    return out;
  }
}

function isRelativeSpec(spec: string, lang: Language): boolean {
  return spec.startsWith('.') || (lang === 'ts' && spec.startsWith('/'));
}
