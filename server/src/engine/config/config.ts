/**
 * Project configuration (`.ajar.yaml`) and editor settings, merged into one resolved config.
 * Pure: reading files is the caller's business (see load.ts).
 *
 * ```yaml
 * rules:                 # by id or slug: off | error | warning | information
 *   public-lambda-invoke: warning
 *   AJ301: {severity: off, reason: CI users are created by the platform team's stack}
 * ignorePaths:           # files not linted at all; a reason is required, as for any suppression
 *   - path: "test/fixtures/**"
 *     reason: deliberately insecure templates for the tests
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
 *   organizations:       # audit every member account, by assuming roleName from profile
 *     - profile: mgmt
 *       roleName: AjarAudit
 *       externalId: ...    # optional
 *       include: [ou-ab12-prod0001]   # optional: OU ids (with their child OUs) or account ids
 *       exclude: ["111122223333"]     # optional, wins over include
 * stacks:                # deployed stack name (or glob) → the template it was deployed from
 *   web-prod: sam/template.yaml
 *   "alerts-*": infra/alerts.yaml
 * ```
 *
 * Every mistake is reported, never thrown and never silently ignored: YAML errors, wrong types,
 * unknown keys and rule ids, bad globs, a file over {@link MAX_CONFIG_BYTES}. A suppression (a rule
 * turned off, an `ignorePaths` entry, an `ignores` entry) without a reason, or with the `TODO:`
 * placeholder a quick fix writes, is reported as AJ001 `suppression-without-reason`; it still applies.
 */
import { parseYaml } from '../parse/yaml';
import { LineIndex } from '../parse/lines';
import { isMap, isScalar, isSeq, type MapNode, type Node } from '../parse/ast';
import { RULES, ruleByIdOrSlug } from '../rules/registry';
import type { Range, Severity, Span } from '../types';
import { globProblem } from './glob';

export type RuleSetting = 'off' | Severity;

export interface IgnoreEntry {
  rule: string;
  path?: string;
  resource?: string;
  reason?: string;
  /** Where it was written, for "suppression without reason" findings. */
  source?: { file: string; span?: Span };
}

/** Day thresholds of the live audit (AJ512-AJ514); the same names in `.ajar.yaml`, settings and flags. */
export interface AuditThresholds {
  /** AJ512: an active password or access key unused for this many days. */
  unusedDays: number;
  /** AJ513: an active access key older than this many days. */
  rotationDays: number;
  /** AJ514: an active access key older than this many days ... */
  staleKeyDays: number;
  /** ... and not used for this many days. */
  staleKeyUnusedDays: number;
}

/** A `stacks:` entry: deployed stacks whose name matches `pattern` come from `template`. */
export interface StackMapping {
  /** A stack name or a glob of stack names (`web-*`). */
  pattern: string;
  /** The template's path, relative to the folder of the config file. */
  template: string;
  span?: Span;
}

/**
 * An organization to audit (`.ajar.yaml` `audit.organizations`, the `ajar.audit.organizations`
 * setting): the audit module's OrganizationSpec, as configuration.
 */
export interface OrganizationConfig {
  /** The profile that reads the organization (its management account or a delegated administrator). */
  profile: string;
  /** The role assumed in each member account (a path may precede the name). */
  roleName: string;
  externalId?: string;
  /** OU ids (`ou-...`, `r-...`; with their descendants) or 12-digit account ids; empty: all. */
  include?: string[];
  /** The same kinds of ids, never audited; wins over include. */
  exclude?: string[];
}

export const ORGANIZATION_KEYS = ['profile', 'roleName', 'externalId', 'include', 'exclude'] as const;

export interface AjarConfig {
  rules: Record<string, RuleSetting>;
  ignorePaths: string[];
  ignores: IgnoreEntry[];
  audit: AuditThresholds;
  /** `stacks:`: the escape hatch that maps deployed stacks to templates, in file order. */
  stacks?: StackMapping[];
  /** `audit.organizations`, when the file has it. */
  organizations?: OrganizationConfig[];
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

export const AUDIT_THRESHOLD_NAMES = Object.keys(DEFAULT_AUDIT) as (keyof AuditThresholds)[];

/**
 * The audit's thresholds, resolved in one place for the editor and `ajar audit`: the defaults,
 * then the `.ajar.yaml` `audit:` block, then editor settings or command-line flags (each layer
 * only where it sets a value).
 */
export function resolveAuditThresholds(
  project?: Partial<AuditThresholds>,
  overrides?: Partial<AuditThresholds>,
): AuditThresholds {
  const t = { ...DEFAULT_AUDIT };
  for (const layer of [project, overrides])
    for (const k of AUDIT_THRESHOLD_NAMES) {
      const v = layer?.[k];
      if (typeof v === 'number' && Number.isFinite(v) && v > 0) t[k] = v;
    }
  return t;
}

/** Above this size a `.ajar.yaml` is not read at all (one problem, the file is ignored). */
export const MAX_CONFIG_BYTES = 256 * 1024;

export function emptyConfig(): AjarConfig {
  return { rules: {}, ignorePaths: [], ignores: [], audit: { ...DEFAULT_AUDIT } };
}

export interface ConfigProblem {
  message: string;
  span?: Span;
  /** The span as an LSP range in the config file's text. */
  range?: Range;
  severity: Severity;
  /** `AJ001` for a suppression without a reason; absent for a mistake in the file. */
  ruleId?: 'AJ001';
}

const SEVERITIES: Record<string, RuleSetting> = {
  off: 'off',
  error: 'error',
  warning: 'warning',
  information: 'information',
  info: 'information',
};

const RULE_NAMES = () => RULES.flatMap((r) => [r.id, r.slug]);
const TOP_KEYS = ['rules', 'ignorePaths', 'ignores', 'audit', 'stacks'];
const RULE_KEYS = ['severity', 'reason'];
const PATH_KEYS = ['path', 'reason'];
const IGNORE_KEYS = ['rule', 'path', 'resource', 'reason'];

/** A reason is missing when absent, blank, or still the `TODO:` placeholder a quick fix inserted. */
export function isPlaceholderReason(reason: string | undefined): boolean {
  return !reason?.trim() || /^\s*TODO\b/i.test(reason ?? '');
}

function levenshtein(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const t = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = t;
    }
  }
  return d[b.length];
}

/** Names that other places used for the same thing (the audit API's old threshold names). */
const ALIASES: Record<string, string> = {
  credentialsUnusedDays: 'unusedDays',
  accessKeyRotationDays: 'rotationDays',
  staleKeyAgeDays: 'staleKeyDays',
  ignore: 'ignores',
  ignorePath: 'ignorePaths',
};

function didYouMean(word: string, candidates: readonly string[]): string {
  const alias = ALIASES[word];
  if (alias && candidates.includes(alias)) return ` (did you mean ${alias}?)`;
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestD = Math.max(2, Math.floor(w.length / 3)) + 1; // a third of the word may be wrong
  for (const c of candidates) {
    const dist = levenshtein(w, c.toLowerCase());
    if (dist < bestD || (w.length > 4 && c.toLowerCase().startsWith(w))) {
      best = c;
      bestD = Math.min(dist, bestD);
    }
  }
  return best ? ` (did you mean ${best}?)` : '';
}

function expected(keys: readonly string[]): string {
  return keys.length > 1 ? `${keys.slice(0, -1).join(', ')} or ${keys[keys.length - 1]}` : keys[0];
}

function describe(n: Node): string {
  if (n.kind === 'map') return 'a mapping';
  if (n.kind === 'seq') return 'a list';
  if (n.value === null) return 'empty';
  return typeof n.value === 'string' ? `"${n.value}"` : `${typeof n.value} ${String(n.value)}`;
}

/** A plain string scalar (not a number, a boolean, a tag or null). */
function str(n: Node | undefined): string | undefined {
  return isScalar(n) && typeof n.value === 'string' && !n.tag ? n.value : undefined;
}

/** Parse `.ajar.yaml` text. Problems are returned, never thrown. */
export function parseConfig(text: string, file?: string): { config: AjarConfig; problems: ConfigProblem[] } {
  const config = emptyConfig();
  config.file = file;
  const problems: ConfigProblem[] = [];
  const src = text.replace(/^\uFEFF/, '');
  const lines = new LineIndex(src);
  const report = (span: Span | undefined, message: string, severity: Severity = 'warning', ruleId?: 'AJ001') =>
    problems.push({
      message,
      span,
      range: span ? lines.range(span) : undefined,
      severity,
      ...(ruleId ? { ruleId } : {}),
    });
  const firstLine = (): Span => {
    const nl = src.search(/\r|\n/);
    return { start: 0, end: Math.max(1, Math.min(nl < 0 ? src.length : nl, 200)) };
  };
  if (src.length > MAX_CONFIG_BYTES) {
    report(
      firstLine(),
      `the file is ${(src.length / 1024).toFixed(0)} KB, over the ${MAX_CONFIG_BYTES / 1024} KB a project config may be: it is ignored`,
      'error',
    );
    return { config, problems };
  }
  const doc = parseYaml(src);
  for (const e of doc.errors) report(e.span, `cannot read this YAML: ${e.message}`, 'error');
  // A key written twice in one mapping: the tree keeps the last value, silently dropping the first.
  for (const d of doc.duplicateKeys ?? []) {
    const key = d.key.length > 80 ? `${d.key.slice(0, 80)}…` : d.key;
    report(
      { start: d.span.start, end: Math.max(d.span.end, d.span.start + 1) },
      `${key}: repeated key (first on line ${lines.position(d.first.start).line + 1}): only this last value is read, the first is ignored`,
    );
  }
  const root = doc.root;
  if (!root || (isScalar(root) && root.value === null)) return { config, problems };
  if (!isMap(root)) {
    report(root.span, `a project config must be a mapping with ${expected(TOP_KEYS)}, not ${describe(root)}`, 'error');
    return { config, problems };
  }
  const unknownKeys = (map: MapNode, known: readonly string[], where: string) => {
    for (const p of map.pairs) {
      const k = String(p.key.value);
      if (!known.includes(k))
        report(p.key.span, `${where}${k}: unknown key, ignored${didYouMean(k, known)}; expected ${expected(known)}`);
    }
  };
  unknownKeys(root, TOP_KEYS, '');
  const top = (k: string) => root.pairs.find((p) => p.key.value === k)?.value;

  // rules
  const rules = top('rules');
  if (rules && !(isScalar(rules) && rules.value === null)) {
    if (!isMap(rules))
      report(rules.span, `rules must be a mapping of rule id or slug to a severity, not ${describe(rules)}`);
    else
      for (const p of rules.pairs) {
        const key = String(p.key.value);
        const where = `rules.${key}`;
        const rule = ruleByIdOrSlug(key);
        if (!rule) {
          const live = /^AJ5\d\d$/i.test(key);
          report(
            p.key.span,
            live
              ? `${where}: live-account rules (AJ5xx) cannot be configured here, only template rules (AJ000-AJ399): ignored`
              : `${where}: unknown rule id or slug, ignored${didYouMean(key, RULE_NAMES())}; run \`ajar rules\` for the list`,
          );
          continue;
        }
        let sevNode: Node | undefined = p.value;
        let reason: string | undefined;
        let reasonNode: Node | undefined;
        if (isMap(p.value)) {
          unknownKeys(p.value, RULE_KEYS, `${where}.`);
          sevNode = p.value.pairs.find((x) => x.key.value === 'severity')?.value;
          reasonNode = p.value.pairs.find((x) => x.key.value === 'reason')?.value;
          reason = str(reasonNode);
          if (reasonNode && reason === undefined)
            report(reasonNode.span, `${where}.reason must be text, not ${describe(reasonNode)}`);
          if (!sevNode) {
            report(p.value.span, `${where}: a severity is required (off, error, warning or information)`);
            continue;
          }
        }
        const sevText = str(sevNode);
        const sev = sevText === undefined ? undefined : SEVERITIES[sevText.toLowerCase()];
        if (!sev) {
          report(
            sevNode?.span ?? p.value.span,
            `${where}: expected off, error, warning or information, not ${sevNode ? describe(sevNode) : 'nothing'}`,
          );
          continue;
        }
        config.rules[rule.id] = sev;
        if (sev === 'off' && isPlaceholderReason(reason))
          report(
            reasonNode && reason !== undefined ? reasonNode.span : p.key.span,
            `${rule.id} (${rule.slug}) is turned off for every file ${reason ? 'with a placeholder reason' : 'without a reason'}: write why, as \`${key}: {severity: off, reason: ...}\`, so that reviewers can judge it`,
            'warning',
            'AJ001',
          );
      }
  }

  // ignorePaths
  const paths = top('ignorePaths');
  if (paths && !(isScalar(paths) && paths.value === null)) {
    if (!isSeq(paths)) report(paths.span, `ignorePaths must be a list of globs, not ${describe(paths)}`);
    else
      for (const item of paths.items) {
        let glob = str(item);
        let reason: string | undefined;
        let reasonNode: Node | undefined;
        if (isMap(item)) {
          unknownKeys(item, PATH_KEYS, 'ignorePaths[].');
          const pathNode = item.pairs.find((x) => x.key.value === 'path')?.value;
          glob = str(pathNode);
          reasonNode = item.pairs.find((x) => x.key.value === 'reason')?.value;
          reason = str(reasonNode);
          if (reasonNode && reason === undefined)
            report(reasonNode.span, `ignorePaths[].reason must be text, not ${describe(reasonNode)}`);
        }
        if (glob === undefined) {
          report(
            item.span,
            `each ignorePaths entry must be a glob or {path: glob, reason: text}, not ${describe(item)}`,
          );
          continue;
        }
        const bad = globProblem(glob);
        if (bad) {
          report(item.span, `ignorePaths: "${glob}": ${bad}`);
          continue;
        }
        config.ignorePaths.push(glob);
        if (isPlaceholderReason(reason)) {
          const all = /^(\.\/)?\*\*?(\/\*\*?)*\/?$/.test(glob.trim());
          report(
            reasonNode && reason !== undefined ? reasonNode.span : item.span,
            `ignorePaths "${glob}" ${all ? 'skips every file' : 'skips files'} ${reason ? 'with a placeholder reason' : 'without a reason'}: write why, as \`{path: "${glob}", reason: ...}\`, so that reviewers can judge it`,
            'warning',
            'AJ001',
          );
        }
      }
  }

  // ignores
  const ignores = top('ignores');
  if (ignores && !(isScalar(ignores) && ignores.value === null)) {
    if (!isSeq(ignores))
      report(ignores.span, `ignores must be a list of {rule, path, resource, reason}, not ${describe(ignores)}`);
    else
      for (const item of ignores.items) {
        if (!isMap(item)) {
          report(
            item.span,
            `each ignores entry must be a mapping with rule, path, resource and reason, not ${describe(item)}`,
          );
          continue;
        }
        unknownKeys(item, IGNORE_KEYS, 'ignores[].');
        const field = (k: string) => item.pairs.find((x) => x.key.value === k)?.value;
        const text = (k: string): string | undefined | null => {
          const n = field(k);
          if (!n || (isScalar(n) && n.value === null)) return undefined;
          if (isScalar(n) && !n.tag && n.value !== null && typeof n.value !== 'boolean') return String(n.value);
          report(n.span, `ignores[].${k} must be text, not ${describe(n)}`);
          return null;
        };
        const ruleText = text('rule');
        const path = text('path');
        const resource = text('resource');
        const reason = text('reason');
        if (ruleText === null || path === null || resource === null) continue;
        if (!ruleText) {
          report(item.span, 'each ignores entry needs a rule (an id, a slug, or "*" for every rule)');
          continue;
        }
        const rule = ruleText === '*' ? undefined : ruleByIdOrSlug(ruleText);
        if (ruleText !== '*' && !rule) {
          report(field('rule')?.span, `ignores[].rule: unknown rule id or slug "${ruleText}", ignored`);
          continue;
        }
        if (path !== undefined) {
          const bad = globProblem(path);
          if (bad) {
            report(field('path')?.span, `ignores[].path: "${path}": ${bad}`);
            continue;
          }
        }
        if (isPlaceholderReason(reason ?? undefined)) {
          const scope =
            `${resource ? ` on ${resource}` : ''}${path ? ` in ${path}` : ''}` ||
            (ruleText === '*' ? ' everywhere' : '');
          report(
            field('reason')?.span ?? field('rule')?.span ?? item.span,
            `ignore of ${ruleText === '*' ? 'every rule' : ruleText}${scope} has ${reason ? 'a placeholder reason' : 'no reason'}: write why it is acceptable, so that reviewers can judge it`,
            'warning',
            'AJ001',
          );
        }
        config.ignores.push({
          rule: rule ? rule.id : '*',
          path,
          resource,
          reason: reason ?? undefined,
          source: { file: file ?? '.ajar.yaml', span: item.span },
        });
      }
  }

  // audit
  const audit = top('audit');
  const AUDIT_KEYS = [...AUDIT_THRESHOLD_NAMES, 'organizations'];
  if (audit && !(isScalar(audit) && audit.value === null)) {
    if (!isMap(audit)) report(audit.span, `audit must be a mapping of ${expected(AUDIT_KEYS)}, not ${describe(audit)}`);
    else {
      unknownKeys(audit, AUDIT_KEYS, 'audit.');
      const orgs = audit.pairs.find((p) => p.key.value === 'organizations')?.value;
      if (orgs && !(isScalar(orgs) && orgs.value === null)) {
        if (!isSeq(orgs))
          report(
            orgs.span,
            `audit.organizations must be a list of {profile, roleName, externalId?, include?, exclude?}, not ${describe(orgs)}`,
          );
        else config.organizations = parseOrganizations(orgs.items, report, unknownKeys);
      }
      for (const k of AUDIT_THRESHOLD_NAMES) {
        const n = audit.pairs.find((p) => p.key.value === k)?.value;
        if (!n) continue;
        const v = isScalar(n) && !n.tag ? n.value : undefined;
        const num =
          typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(v) ? Number(v) : NaN;
        if (Number.isFinite(num) && num > 0) config.audit[k] = num;
        else report(n.span, `audit.${k} must be a positive number of days, not ${describe(n)}`);
      }
    }
  }
  // stacks
  const stacks = top('stacks');
  if (stacks && !(isScalar(stacks) && stacks.value === null)) {
    if (!isMap(stacks))
      report(stacks.span, `stacks must be a mapping of stack name (or glob) to template path, not ${describe(stacks)}`);
    else {
      config.stacks = [];
      for (const p of stacks.pairs) {
        const pattern = String(p.key.value ?? '').trim();
        const where = `stacks.${pattern}`;
        if (!pattern) {
          report(p.key.span, 'stacks: a stack name or glob may not be empty');
          continue;
        }
        const bad = globProblem(pattern);
        if (bad) {
          report(p.key.span, `${where}: "${pattern}": ${bad}`);
          continue;
        }
        const path = str(p.value);
        if (path === undefined || !path.trim()) {
          report(p.value.span, `${where} must be a template path, not ${describe(p.value)}`);
          continue;
        }
        const norm = path.trim().replace(/\\/g, '/');
        if (/^([a-zA-Z]:)?\//.test(norm) || norm.split('/').includes('..')) {
          report(
            p.value.span,
            `${where}: "${path}" must be a path inside the folder of this file (relative, without ..): ignored`,
          );
          continue;
        }
        config.stacks.push({ pattern, template: norm.replace(/^\.\//, ''), span: p.span });
      }
    }
  }
  problems.sort((a, b) => (a.span?.start ?? 0) - (b.span?.start ?? 0));
  return { config, problems };
}

const ID_PATTERN = /^(\d{12}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/;

/** `audit.organizations` entries: each needs a profile and a role name; a broken entry is reported and skipped. */
function parseOrganizations(
  items: Node[],
  report: (span: Span | undefined, message: string) => void,
  unknownKeys: (map: MapNode, known: readonly string[], where: string) => void,
): OrganizationConfig[] {
  const out: OrganizationConfig[] = [];
  items.forEach((item, i) => {
    const where = `audit.organizations[${i}]`;
    if (!isMap(item)) {
      report(item.span, `${where} must be a mapping with profile and roleName, not ${describe(item)}`);
      return;
    }
    unknownKeys(item, ORGANIZATION_KEYS, `${where}.`);
    const field = (k: string) => item.pairs.find((p) => p.key.value === k)?.value;
    const text = (k: string, required: boolean): string | undefined | null => {
      const n = field(k);
      if (!n) {
        if (required) report(item.span, `${where} has no ${k}: the entry is ignored`);
        return required ? null : undefined;
      }
      // Account ids are often written unquoted: a number of 12 digits is one.
      const v = str(n) ?? (isScalar(n) && typeof n.value === 'number' && !n.tag ? String(n.value) : undefined);
      if (v === undefined || !v.trim()) {
        report(n.span, `${where}.${k} must be a string, not ${describe(n)}`);
        return required ? null : undefined;
      }
      return v.trim();
    };
    const ids = (k: string): string[] | undefined => {
      const n = field(k);
      if (!n || (isScalar(n) && n.value === null)) return undefined;
      const list = isSeq(n) ? n.items : [n];
      const got: string[] = [];
      for (const x of list) {
        const v = str(x) ?? (isScalar(x) && typeof x.value === 'number' && !x.tag ? String(x.value) : undefined);
        if (v !== undefined && ID_PATTERN.test(v.trim())) got.push(v.trim());
        else
          report(
            x.span,
            `${where}.${k}: ${describe(x)} is not an OU id (ou-...), a root id (r-...) or a 12-digit account id; ignored`,
          );
      }
      return got;
    };
    const profile = text('profile', true);
    const roleName = text('roleName', true);
    const externalId = text('externalId', false);
    const include = ids('include');
    const exclude = ids('exclude');
    if (!profile || !roleName) return;
    out.push({
      profile,
      roleName,
      ...(externalId ? { externalId } : {}),
      ...(include?.length ? { include } : {}),
      ...(exclude?.length ? { exclude } : {}),
    });
  });
  return out;
}

/** Rule keys by canonical id, so that `AJ301` and `long-lived-access-key` are the same key. */
function canonicalRules(rules: Record<string, RuleSetting> | undefined): Record<string, RuleSetting> {
  const out: Record<string, RuleSetting> = {};
  for (const [k, v] of Object.entries(rules ?? {})) out[ruleByIdOrSlug(k)?.id ?? k] = v;
  return out;
}

/** Editor settings (`ajar.rules`) on top of the project file: settings win per rule. */
export function mergeConfig(base: AjarConfig, over: Partial<AjarConfig>): AjarConfig {
  return {
    ...base,
    rules: { ...canonicalRules(base.rules), ...canonicalRules(over.rules) },
    ignorePaths: [...base.ignorePaths, ...(over.ignorePaths ?? [])],
    ignores: [...base.ignores, ...(over.ignores ?? [])],
    audit: { ...base.audit, ...(over.audit ?? {}) },
    ...(base.stacks || over.stacks ? { stacks: [...(base.stacks ?? []), ...(over.stacks ?? [])] } : {}),
    // Organizations set in the settings replace the file's.
    ...(over.organizations?.length
      ? { organizations: over.organizations }
      : base.organizations
        ? { organizations: base.organizations }
        : {}),
  };
}
