/**
 * `ajar.*` settings as the server sees them. Pulled with `workspace/configuration` (section `ajar`)
 * when the client supports it, else taken from `workspace/didChangeConfiguration`'s `settings.ajar`.
 * Accepts the VS Code client's nested shape (`files: {include}`) and flat dotted keys
 * (`"files.include"`), as other editors often send them.
 */
import type { AjarConfig, RuleSetting } from '../engine';

export type CfnLintMode = 'auto' | 'on' | 'off';

export interface AjarSettings {
  enable: boolean;
  /** Rule id or slug -> off | error | warning | information; merged over `.ajar.yaml` rules. */
  rules: Record<string, RuleSetting>;
  files: { include: string[]; exclude: string[] };
  workspaceScan: { enabled: boolean; maxFiles: number };
  audit: {
    thresholds: Partial<AjarConfig['audit']>;
    regions: string[];
    profiles: string[];
  };
  cfnLint: { enabled: CfnLintMode; path: string; ignoreChecks: string[] };
  trace: 'off' | 'messages' | 'verbose';
  /** Sent by the VS Code client with the settings (vscode.workspace.isTrusted). */
  workspaceTrusted?: boolean;
}

/** Defaults: the same as package.json's `contributes.configuration`. */
export const DEFAULT_INCLUDE = [
  '**/*.template',
  '**/*.template.{json,yaml,yml}',
  '**/template.{json,yaml,yml}',
  '**/cdk.out/*.template.json',
  '**/{templates,cloudformation,cfn}/**/*.{json,yaml,yml}',
  '**/policies/**/*.json',
  '**/*policy*.json',
  '**/*.cfn.{json,yaml,yml}',
];
export const DEFAULT_EXCLUDE = ['**/node_modules/**', '**/.git/**', '**/cdk.out/asset.*/**'];

export function defaultSettings(): AjarSettings {
  return {
    enable: true,
    rules: {},
    files: { include: [...DEFAULT_INCLUDE], exclude: [...DEFAULT_EXCLUDE] },
    workspaceScan: { enabled: true, maxFiles: 5000 },
    audit: { thresholds: {}, regions: [], profiles: [] },
    cfnLint: { enabled: 'auto', path: '', ignoreChecks: [] },
    trace: 'off',
  };
}

const SEVERITIES = new Set(['off', 'error', 'warning', 'information']);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
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

function strings(v: unknown, fallback: string[]): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : fallback;
}

/** Normalises whatever the client sent (null, partial, wrong types) into complete settings. */
export function normalizeSettings(input: unknown): AjarSettings {
  const s = defaultSettings();
  if (!isObject(input)) return s;
  const raw = expandDotted(input);
  if (typeof raw.enable === 'boolean') s.enable = raw.enable;
  if (isObject(raw.rules)) {
    for (const [k, v] of Object.entries(raw.rules)) {
      const sev = typeof v === 'string' ? (v.toLowerCase() === 'info' ? 'information' : v.toLowerCase()) : '';
      if (SEVERITIES.has(sev)) s.rules[k] = sev as RuleSetting;
    }
  }
  if (isObject(raw.files)) {
    // An empty include list from a client that has no defaults means "the defaults".
    const inc = strings(raw.files.include, s.files.include);
    s.files.include = inc.length ? inc : s.files.include;
    s.files.exclude = strings(raw.files.exclude, s.files.exclude);
  }
  if (isObject(raw.workspaceScan)) {
    if (typeof raw.workspaceScan.enabled === 'boolean') s.workspaceScan.enabled = raw.workspaceScan.enabled;
    const m = Number(raw.workspaceScan.maxFiles);
    if (Number.isFinite(m) && m >= 0) s.workspaceScan.maxFiles = Math.floor(m);
  }
  if (isObject(raw.audit)) {
    if (isObject(raw.audit.thresholds)) {
      for (const k of ['unusedDays', 'rotationDays', 'staleKeyDays', 'staleKeyUnusedDays'] as const) {
        const n = Number(raw.audit.thresholds[k]);
        if (raw.audit.thresholds[k] !== undefined && Number.isFinite(n) && n > 0) s.audit.thresholds[k] = n;
      }
    }
    s.audit.regions = strings(raw.audit.regions, []);
    s.audit.profiles = strings(raw.audit.profiles, []);
  }
  if (isObject(raw.cfnLint)) {
    const e = raw.cfnLint.enabled;
    if (e === 'auto' || e === 'on' || e === 'off') s.cfnLint.enabled = e;
    else if (e === true) s.cfnLint.enabled = 'on';
    else if (e === false) s.cfnLint.enabled = 'off';
    if (typeof raw.cfnLint.path === 'string') s.cfnLint.path = raw.cfnLint.path;
    s.cfnLint.ignoreChecks = strings(raw.cfnLint.ignoreChecks, []);
  }
  if (isObject(raw.trace) && (raw.trace.server === 'messages' || raw.trace.server === 'verbose'))
    s.trace = raw.trace.server;
  if (typeof raw.workspaceTrusted === 'boolean') s.workspaceTrusted = raw.workspaceTrusted;
  return s;
}

/** What changed between two settings, so a change only redoes the work it affects. */
export function settingsDiff(a: AjarSettings, b: AjarSettings): { lint: boolean; scan: boolean; cfnLint: boolean } {
  const j = (x: unknown) => JSON.stringify(x);
  const lint = a.enable !== b.enable || j(a.rules) !== j(b.rules);
  const scan = lint || j(a.files) !== j(b.files) || j(a.workspaceScan) !== j(b.workspaceScan);
  const cfnLint = j(a.cfnLint) !== j(b.cfnLint) || a.workspaceTrusted !== b.workspaceTrusted;
  return { lint, scan, cfnLint };
}
