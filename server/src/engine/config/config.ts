/**
 * Project configuration (`.ajar.yaml`) and editor settings, merged into one resolved config.
 * Pure: reading files is the caller's business (see load.ts).
 *
 * ```yaml
 * rules:                 # by id or slug: off | error | warning | information
 *   AJ301: off
 *   public-lambda-invoke: warning
 * ignorePaths: ["test/fixtures/**"]
 * ignores:               # reviewed exceptions; a reason is required
 *   - rule: AJ101
 *     path: "site/*.yaml"
 *     resource: WebsiteBucketPolicy
 *     reason: public website
 * audit:
 *   unusedDays: 90
 *   rotationDays: 90
 *   staleKeyDays: 365
 *   staleKeyUnusedDays: 30
 * ```
 */
import { parseYaml } from '../parse/yaml';
import { toPlain, isMap, get, type Node } from '../parse/ast';
import type { Severity, Span } from '../types';

export type RuleSetting = 'off' | Severity;

export interface IgnoreEntry {
  rule: string;
  path?: string;
  resource?: string;
  reason?: string;
  /** Where it was written, for "suppression without reason" findings. */
  source?: { file: string; span?: Span };
}

export interface AuditThresholds {
  unusedDays: number;
  rotationDays: number;
  staleKeyDays: number;
  staleKeyUnusedDays: number;
}

export interface AjarConfig {
  rules: Record<string, RuleSetting>;
  ignorePaths: string[];
  ignores: IgnoreEntry[];
  audit: AuditThresholds;
  /** Folder the config file lives in; paths in it are relative to this. */
  root?: string;
  /** The config file itself. */
  file?: string;
}

export const DEFAULT_AUDIT: AuditThresholds = {
  unusedDays: 90,
  rotationDays: 90,
  staleKeyDays: 365,
  staleKeyUnusedDays: 30,
};

export function emptyConfig(): AjarConfig {
  return { rules: {}, ignorePaths: [], ignores: [], audit: { ...DEFAULT_AUDIT } };
}

const SEVERITIES = new Set(['off', 'error', 'warning', 'information', 'info']);

export interface ConfigProblem {
  message: string;
  span?: Span;
}

/** Parse `.ajar.yaml` text. Problems (unknown values, bad types) are returned, never thrown. */
export function parseConfig(text: string, file?: string): { config: AjarConfig; problems: ConfigProblem[] } {
  const config = emptyConfig();
  config.file = file;
  const problems: ConfigProblem[] = [];
  const doc = parseYaml(text.replace(/^\uFEFF/, ''));
  for (const e of doc.errors) problems.push({ message: e.message, span: e.span });
  const root = doc.root;
  if (!root) return { config, problems };
  if (!isMap(root)) {
    problems.push({ message: '.ajar.yaml must be a mapping', span: root.span });
    return { config, problems };
  }
  const rules = get(root, 'rules');
  if (isMap(rules)) {
    for (const p of rules.pairs) {
      const v = String(toPlain(p.value)).toLowerCase();
      if (!SEVERITIES.has(v))
        problems.push({
          message: `rules.${p.key.value}: expected off, error, warning or information`,
          span: p.value.span,
        });
      else config.rules[String(p.key.value)] = (v === 'info' ? 'information' : v) as RuleSetting;
    }
  }
  const paths = get(root, 'ignorePaths');
  if (paths) {
    const v = toPlain(paths);
    if (Array.isArray(v)) config.ignorePaths = v.map(String);
    else problems.push({ message: 'ignorePaths must be a list of globs', span: paths.span });
  }
  const ignores = get(root, 'ignores');
  if (ignores && ignores.kind === 'seq') {
    for (const item of ignores.items) {
      const v = toPlain(item) as Record<string, unknown>;
      if (!v || typeof v !== 'object' || !v.rule) {
        problems.push({ message: 'each ignore needs a rule', span: item.span });
        continue;
      }
      if (v.reason === undefined || v.reason === null || !String(v.reason).trim()) {
        problems.push({
          message: `ignore of ${String(v.rule)}${v.resource ? ` on ${String(v.resource)}` : ''} has no reason: write why it is acceptable, so that reviewers can judge it`,
          span: item.span,
        });
      }
      config.ignores.push({
        rule: String(v.rule),
        path: v.path === undefined ? undefined : String(v.path),
        resource: v.resource === undefined ? undefined : String(v.resource),
        reason: v.reason === undefined || v.reason === null ? undefined : String(v.reason),
        source: { file: file ?? '.ajar.yaml', span: item.span },
      });
    }
  }
  const audit = get(root, 'audit');
  if (isMap(audit)) {
    for (const k of Object.keys(DEFAULT_AUDIT) as (keyof AuditThresholds)[]) {
      const n = get(audit, k);
      if (!n) continue;
      const num = Number(toPlain(n as Node));
      if (Number.isFinite(num) && num >= 0) config.audit[k] = num;
      else problems.push({ message: `audit.${k} must be a number of days`, span: n.span });
    }
  }
  return { config, problems };
}

/** Editor settings (`ajar.rules`) on top of the project file: settings win per rule. */
export function mergeConfig(base: AjarConfig, over: Partial<AjarConfig>): AjarConfig {
  return {
    ...base,
    rules: { ...base.rules, ...(over.rules ?? {}) },
    ignorePaths: [...base.ignorePaths, ...(over.ignorePaths ?? [])],
    ignores: [...base.ignores, ...(over.ignores ?? [])],
    audit: { ...base.audit, ...(over.audit ?? {}) },
  };
}
