/**
 * `ajar.*` settings as the server sees them, from the one table in settingsTable.ts. Pulled with
 * `workspace/configuration` (section `ajar`, once for the window and once per workspace folder)
 * when the client supports it, else taken from `workspace/didChangeConfiguration`'s `settings.ajar`.
 * Accepts the VS Code client's nested shape (`files: {include}`) and flat dotted keys
 * (`"files.include"`), as other editors often send them; anything of the wrong type is the default.
 */
import type { AuditThresholds } from '../engine';
import {
  SETTINGS,
  type AjarSettings,
  type RuleLevel,
  type SettingName,
  type SettingRow,
  type ThresholdSettings,
} from './settingsTable';

export type { AjarSettings, CfnLintMode } from './settingsTable';
export { DEFAULT_EXCLUDE, DEFAULT_INCLUDE } from './settingsTable';

/** The settings server-side: the table's, plus the trust the VS Code client reports with them. */
export type ServerSettings = AjarSettings & {
  /** Sent by the VS Code client with the settings (vscode.workspace.isTrusted). */
  workspaceTrusted?: boolean;
};

// The thresholds the settings may set are exactly the engine's (compile-time check, both ways).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _thresholdsMatch: Same<Required<ThresholdSettings>, AuditThresholds> = true;
void _thresholdsMatch;

const NAMES = Object.keys(SETTINGS) as SettingName[];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function setPath(target: Record<string, unknown>, name: string, value: unknown): void {
  const parts = name.split('.');
  let cur = target;
  for (const p of parts.slice(0, -1)) {
    if (!isObject(cur[p])) cur[p] = {};
    cur = cur[p] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]] = value;
}

function getPath(source: Record<string, unknown>, name: string): unknown {
  let cur: unknown = source;
  for (const p of name.split('.')) {
    if (!isObject(cur)) return undefined;
    cur = cur[p];
  }
  return cur;
}

function copyDefault(row: SettingRow): unknown {
  if (row.optional) return undefined;
  const d = row.default;
  return Array.isArray(d) ? [...d] : isObject(d) ? { ...d } : d;
}

/** Complete settings with every default of the table. */
export function defaultSettings(): ServerSettings {
  const s: Record<string, unknown> = {};
  for (const n of NAMES) {
    const v = copyDefault(SETTINGS[n]);
    if (v !== undefined || SETTINGS[n].optional) setPath(s, n, v);
  }
  // Optional leaves are absent, not `undefined`, so that settings compare as JSON.
  const t = (s.audit as { thresholds: Record<string, unknown> }).thresholds;
  for (const k of Object.keys(t)) if (t[k] === undefined) delete t[k];
  return s as unknown as ServerSettings;
}

/** Expands `{"files.include": x}` into `{files: {include: x}}` (one level of nesting per dot). */
function expandDotted(raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    const parts = k.replace(/^ajar\./, '').split('.');
    let cur = out;
    for (let i = 0; i < parts.length - 1; i++) {
      const next = cur[parts[i]];
      cur = cur[parts[i]] = isObject(next) ? next : {};
    }
    const last = parts[parts.length - 1];
    const prev = cur[last];
    cur[last] =
      isObject(prev) && isObject(v)
        ? { ...prev, ...expandDotted(v) }
        : isObject(v) && last !== 'rules'
          ? expandDotted(v)
          : v;
  }
  return out;
}

const LEVELS = new Set<string>(['off', 'error', 'warning', 'information']);

/** A value of the row's type, or undefined when the client sent something else. */
function coerce(name: SettingName, row: SettingRow, v: unknown): unknown {
  if (v === undefined || v === null) return undefined;
  switch (row.type) {
    case 'boolean':
      return typeof v === 'boolean' ? v : undefined;
    case 'number': {
      const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() ? Number(v) : Number.NaN;
      if (!Number.isFinite(n) || (row.minimum !== undefined && n < row.minimum)) return undefined;
      return row.integer ? Math.floor(n) : n;
    }
    case 'string':
      // `ajar.cfnLint.enabled` was a boolean once: true and false still mean on and off.
      if (name === 'cfnLint.enabled' && typeof v === 'boolean') return v ? 'on' : 'off';
      if (typeof v !== 'string') return undefined;
      return !row.enum || (row.enum as readonly string[]).includes(v) ? v : undefined;
    case 'array': {
      if (!Array.isArray(v)) return undefined;
      if ('items' in row) return coerceObjects(row.items, v);
      const list = v.filter((x): x is string => typeof x === 'string');
      // An empty include list from a client that has no defaults means "the defaults".
      return name === 'files.include' && list.length === 0 ? undefined : list;
    }
    case 'object': {
      if (!isObject(v)) return undefined;
      const out: Record<string, RuleLevel> = {};
      for (const [k, level] of Object.entries(v)) {
        const l =
          typeof level === 'string' ? (level.toLowerCase() === 'info' ? 'information' : level.toLowerCase()) : '';
        if (LEVELS.has(l)) out[k] = l as RuleLevel;
      }
      return out;
    }
  }
}

/**
 * The entries of a list-of-objects setting that fit its item schema: the required keys present as
 * non-empty strings, string-list keys as lists of strings; unknown keys dropped, broken entries skipped.
 */
function coerceObjects(
  schema: { required: readonly string[]; properties: Record<string, { type: 'string' | 'array' }> },
  list: unknown[],
): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const entry of list) {
    if (!isObject(entry)) continue;
    const o: Record<string, unknown> = {};
    for (const [k, p] of Object.entries(schema.properties)) {
      const x = entry[k];
      if (p.type === 'string' && typeof x === 'string' && x.trim()) o[k] = x.trim();
      else if (p.type === 'array' && Array.isArray(x)) {
        const items = x.filter((y): y is string => typeof y === 'string' && !!y.trim()).map((y) => y.trim());
        if (items.length) o[k] = items;
      }
    }
    if (schema.required.every((k) => typeof o[k] === 'string')) out.push(o);
  }
  return out;
}

/** Normalises whatever the client sent (null, partial, wrong types) into complete settings. */
export function normalizeSettings(input: unknown): ServerSettings {
  const s = defaultSettings();
  if (!isObject(input)) return s;
  const raw = expandDotted(input);
  for (const n of NAMES) {
    const v = coerce(n, SETTINGS[n], getPath(raw, n));
    if (v !== undefined) setPath(s as unknown as Record<string, unknown>, n, v);
  }
  if (typeof raw.workspaceTrusted === 'boolean') s.workspaceTrusted = raw.workspaceTrusted;
  return s;
}

/** What changed between two settings, so a change only redoes the work it affects. */
export function settingsDiff(a: ServerSettings, b: ServerSettings): { lint: boolean; scan: boolean; cfnLint: boolean } {
  const j = (x: unknown) => JSON.stringify(x);
  const lint = a.enable !== b.enable || j(a.rules) !== j(b.rules);
  const scan = lint || j(a.files) !== j(b.files) || j(a.workspaceScan) !== j(b.workspaceScan);
  const cfnLint = j(a.cfnLint) !== j(b.cfnLint) || a.workspaceTrusted !== b.workspaceTrusted;
  return { lint, scan, cfnLint };
}
