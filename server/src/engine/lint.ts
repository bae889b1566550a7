/**
 * The engine's entry point: text in, findings out.
 * parse → classify → model → rules → suppressions/config → findings (with LSP ranges).
 */
import { classify, isForeignText, isTemplateRoot, mentionsTemplateKeys } from './classify';
import { parseJson } from './parse/json';
import { parseYaml } from './parse/yaml';
import { LineIndex } from './parse/lines';
import { DEFAULT_LIMITS, type ParseLimits } from './parse/limits';
import type { Node, ParsedDocument } from './parse/ast';
import { get, getPair, isMap, isScalar, isSeq, toPlain } from './parse/ast';
import { buildTemplate, type Template } from './model/template';
import { describeLoopItems, type LoopBinding } from './model/foreach';
import type { ValueContext } from './model/values';
import type { DocumentKind, Finding, Fix, Severity, Span } from './types';
import { emptyConfig, isPlaceholderReason, type AjarConfig } from './config/config';
import { matchGlob } from './config/glob';
import { RULES, ruleByIdOrSlug } from './rules/registry';
import type { FixContext, Report, Rule, RuleContext } from './rules/rule';
import { UNREADABLE } from './rules/AJ000-unreadable-document';
import { SUPPRESSION_WITHOUT_REASON } from './rules/AJ001-suppression-without-reason';
import { suppressFix } from './fixes';

export interface LintOptions {
  /** Path or URI path of the document; used for classification (cdk.out) and config paths. */
  fileName: string;
  config?: AjarConfig;
  limits?: ParseLimits;
}

export interface LintResult {
  kind: DocumentKind;
  findings: Finding[];
  /** Findings removed by a suppression (for reports and tests). */
  suppressed: { finding: Finding; reason?: string; by: 'metadata' | 'config' }[];
  /** The analysed text (BOM removed); spans and fix edits refer to it. */
  text: string;
  /** 1 when a BOM was removed from the input. */
  bomLength: number;
  doc: ParsedDocument | null;
  template?: Template;
  lines: LineIndex;
}

const TEMPLATE_NAME =
  /(\.template(\.(json|ya?ml))?|\.cfn\.(json|ya?ml)|(^|[\\/])template\.(json|ya?ml)|(^|[\\/])cdk\.out[\\/].*\.json|\.policy\.json|(^|[\\/])policy\.json)$/i;

/** Does the file's name say it is a template or a policy? */
export function looksLikeTemplateName(fileName: string): boolean {
  return TEMPLATE_NAME.test(fileName);
}

export function chooseFormat(text: string, fileName: string): 'json' | 'yaml' {
  if (/\.json$/i.test(fileName)) return 'json';
  if (/\.ya?ml$/i.test(fileName)) return 'yaml';
  const m = /^\s*(\S)/.exec(text);
  return m && (m[1] === '{' || m[1] === '[') ? 'json' : 'yaml';
}

export function lintText(input: string, opts: LintOptions): LintResult {
  const config = opts.config ?? emptyConfig();
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const bomLength = input.charCodeAt(0) === 0xfeff ? 1 : 0;
  const text = bomLength ? input.slice(1) : input;
  const lines = new LineIndex(text);
  const result: LintResult = { kind: 'other', findings: [], suppressed: [], text, bomLength, doc: null, lines };

  if (config.ignorePaths.some((g) => matchGlob(g, relativeTo(config, opts.fileName)))) return result;

  const byName = looksLikeTemplateName(opts.fileName);
  const unreadable = (message: string, span: Span) => {
    result.findings.push(makeFinding(UNREADABLE, { span, message, resource: null }, lines, null));
  };

  // Bounds before any parsing.
  if (text.length > limits.maxChars) {
    if (byName || mentionsTemplateKeys(text)) {
      unreadable(
        `document is ${(text.length / 1048576).toFixed(1)} MB, over the ${(limits.maxChars / 1048576).toFixed(0)} MB limit Ajar reads`,
        { start: 0, end: firstLineEnd(text) },
      );
      result.kind = guessKind(opts.fileName);
    }
    return applyConfig(result, config, opts.fileName);
  }
  const nul = text.indexOf('\u0000');
  if (nul >= 0) {
    if (byName || mentionsTemplateKeys(text)) {
      unreadable('binary content (NUL byte): not a text template', { start: nul, end: nul + 1 });
      result.kind = guessKind(opts.fileName);
    }
    return applyConfig(result, config, opts.fileName);
  }
  if (!/\S/.test(text)) return result;

  const format = chooseFormat(text, opts.fileName);
  const doc = format === 'json' ? parseJson(text, limits) : parseYaml(text, limits);
  result.doc = doc;
  // Not YAML or JSON at all (a `.sln.template`, a Jinja file): `other`, whatever the name says.
  if (isForeignText(doc)) return applyConfig(result, config, opts.fileName);
  const cls = classify(doc, opts.fileName);
  result.kind = cls.kind;

  if (doc.errors.length) {
    const relevant =
      byName ||
      isTemplateRoot(doc.root) ||
      cls.kind !== 'other' ||
      (doc.root === null && mentionsTemplateKeys(text) && !doc.multiDocument);
    if (relevant) {
      const e = doc.errors[0];
      const more = doc.errors.length > 1 ? ` (and ${doc.errors.length - 1} more)` : '';
      unreadable(`cannot read this ${format === 'json' ? 'JSON' : 'YAML'} document: ${e.message}${more}`, {
        start: e.span.start,
        end: Math.max(e.span.end, e.span.start + 1),
      });
      if (result.kind === 'other') result.kind = guessKind(opts.fileName);
    }
  }
  // A key written twice in one mapping (rules.md AJ000): the tree holds the last value, as PyYAML
  // and cfn-lint read it; each repeat is reported where it is, naming the line of the first.
  if (doc.duplicateKeys && (byName || isTemplateRoot(doc.root) || cls.kind !== 'other')) {
    for (const d of doc.duplicateKeys) {
      const key = d.key.length > 80 ? `${d.key.slice(0, 80)}…` : d.key;
      unreadable(
        `duplicate key ${JSON.stringify(key)} (first on line ${lines.position(d.first.start).line + 1}): cfn-lint rejects this, and only the last value is read`,
        { start: d.span.start, end: Math.max(d.span.end, d.span.start + 1) },
      );
    }
    if (result.kind === 'other') result.kind = guessKind(opts.fileName);
  }
  if (cls.kind === 'other' || !doc.root) return applyConfig(result, config, opts.fileName);

  const template = cls.kind !== 'policy' && isMap(doc.root) ? buildTemplate(doc, doc.root, cls.kind) : undefined;
  result.template = template;
  const values: ValueContext = { template };
  for (const rule of RULES) {
    if (!rule.appliesTo.includes(cls.kind)) continue;
    const setting = ruleSetting(config, rule);
    if (setting === 'off') continue;
    const ctx: RuleContext = {
      fileName: opts.fileName,
      doc,
      kind: cls.kind,
      template,
      policy: cls.policy,
      values,
      report: (r) => result.findings.push(makeFinding(rule, r, lines, template ?? null)),
    };
    try {
      rule.check(ctx);
    } catch (e) {
      // A rule bug must not take the others down: say so where people look.
      result.findings.push(
        makeFinding(
          UNREADABLE,
          {
            span: { start: 0, end: firstLineEnd(text) },
            message: `internal error in ${rule.id}: ${(e as Error).message}`,
            resource: null,
            severity: 'information',
          },
          lines,
          null,
        ),
      );
    }
  }
  if (template) {
    applyMetadataSuppressions(result, template, lines);
    result.findings = collapseLoopCopies(result.findings, template);
  }
  return applyConfig(result, config, opts.fileName);
}

/**
 * The copies a `Fn::ForEach` makes of its body share its nodes: the same finding on each copy is
 * one finding, in the body, whose message names the loop and the items it holds for.
 */
function collapseLoopCopies(findings: Finding[], t: Template): Finding[] {
  const loopOf = (id: string | null) => (id ? (t.resources.get(id)?.loop ?? t.outputs.get(id)?.loop) : undefined);
  const groups = new Map<string, { finding: Finding; copies: LoopBinding[][] }>();
  const out: Finding[] = [];
  for (const f of findings) {
    const loop = loopOf(f.resource);
    if (!loop) {
      out.push(f);
      continue;
    }
    const k = `${f.ruleId} ${f.severity} ${f.span.start} ${f.span.end}`;
    const g = groups.get(k);
    if (g) g.copies.push(loop);
    else {
      groups.set(k, { finding: f, copies: [loop] });
      out.push(f);
    }
  }
  for (const g of groups.values()) g.finding.message += ` (${describeLoopItems(g.copies)})`;
  return out;
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function guessKind(fileName: string): DocumentKind {
  if (/cdk\.out/.test(fileName)) return 'cdk';
  if (/policy/i.test(fileName)) return 'policy';
  return 'cloudformation';
}

function firstLineEnd(text: string): number {
  const i = text.search(/\r|\n/);
  return Math.max(1, i < 0 ? Math.min(text.length, 200) : Math.min(i, 200));
}

function makeFinding(
  rule: Pick<Rule, 'id' | 'slug' | 'severity'>,
  r: Report,
  lines: LineIndex,
  template: Template | null,
): Finding {
  const span = r.node ? r.node.span : (r.span ?? { start: 0, end: 1 });
  const resource = r.resource !== undefined ? r.resource : template ? template.ownerAt(span.start) : null;
  const f: Finding = {
    ruleId: rule.id,
    rule: rule.slug,
    severity: r.severity ?? rule.severity,
    message: r.message,
    resource,
    span,
    range: lines.range(span),
  };
  if (r.data) f.data = r.data;
  return f;
}

function ruleSetting(config: AjarConfig, rule: Pick<Rule, 'id' | 'slug'>): 'off' | Severity | undefined {
  return config.rules[rule.id] ?? config.rules[rule.slug];
}

function relativeTo(config: AjarConfig, fileName: string): string {
  const f = fileName.replace(/\\/g, '/');
  if (config.root) {
    const root = config.root.replace(/\\/g, '/').replace(/\/$/, '') + '/';
    if (f.startsWith(root)) return f.slice(root.length);
  }
  return f;
}

/** Config: rule severities and `off`, and reviewed `ignores` entries. */
function applyConfig(result: LintResult, config: AjarConfig, fileName: string): LintResult {
  const rel = relativeTo(config, fileName);
  const kept: Finding[] = [];
  for (const f of result.findings) {
    const rule = ruleByIdOrSlug(f.ruleId);
    const setting = rule ? ruleSetting(config, rule) : undefined;
    if (setting === 'off') continue;
    if (setting) f.severity = setting;
    const ig = config.ignores.find(
      (i) =>
        (i.rule === f.ruleId || i.rule === f.rule || i.rule === '*') &&
        (!i.path || matchGlob(i.path, rel)) &&
        (!i.resource || i.resource === f.resource),
    );
    if (ig) {
      result.suppressed.push({ finding: f, reason: ig.reason, by: 'config' });
      continue;
    }
    kept.push(f);
  }
  kept.sort((a, b) => a.span.start - b.span.start || a.ruleId.localeCompare(b.ruleId));
  result.findings = kept;
  return result;
}

/** `Metadata: {ajar: {ignore: [{rule: AJ101, reason: "..."}]}}` on a resource. */
function applyMetadataSuppressions(result: LintResult, template: Template, lines: LineIndex): void {
  const byResource = new Map<string, { rule: string; reason?: string; node: Node }[]>();
  for (const r of template.resources.values()) {
    const ignore = get(get(r.metadata, 'ajar'), 'ignore');
    if (!ignore) continue;
    const items = isSeq(ignore) ? ignore.items : [ignore];
    const list: { rule: string; reason?: string; node: Node }[] = [];
    for (const item of items) {
      if (isScalar(item)) list.push({ rule: String(item.value), node: item });
      else if (isMap(item)) {
        const rule = toPlain(get(item, 'rule') ?? { kind: 'scalar', value: '', span: item.span });
        const reason = get(item, 'reason');
        const reasonText =
          reason && isScalar(reason) && reason.value !== null && String(reason.value).trim()
            ? String(reason.value)
            : undefined;
        list.push({ rule: String(rule), reason: reasonText, node: item });
      }
    }
    for (const e of list) {
      if (isPlaceholderReason(e.reason)) {
        const what = e.reason
          ? `still has the placeholder reason ${JSON.stringify(clip(e.reason.trim()))}`
          : 'has no reason';
        result.findings.push(
          makeFinding(
            SUPPRESSION_WITHOUT_REASON,
            {
              node: getPair(e.node, 'rule')?.value ?? e.node,
              message: `${e.rule.trim() ? `suppression of ${e.rule} on ${r.id}` : `suppression on ${r.id} (no rule named yet)`} ${what}: write why this is acceptable, so that reviewers can judge it`,
              resource: r.id,
            },
            lines,
            template,
          ),
        );
      }
    }
    byResource.set(r.id, list);
  }
  if (byResource.size === 0) return;
  result.findings = result.findings.filter((f) => {
    if (!f.resource || f.ruleId === SUPPRESSION_WITHOUT_REASON.id) return true;
    const list = byResource.get(f.resource);
    const hit = list?.find((e) => e.rule === f.ruleId || e.rule === f.rule);
    if (!hit) return true;
    result.suppressed.push({ finding: f, reason: hit.reason, by: 'metadata' });
    return false;
  });
}

/** Quick fixes for a finding of a lint result (computed on demand: only when the editor asks). */
export function fixesFor(result: LintResult, finding: Finding, fileName = ''): Fix[] {
  const rule = ruleByIdOrSlug(finding.ruleId);
  if (!rule || !result.doc) return [];
  const ctx: FixContext = {
    fileName,
    doc: result.doc,
    kind: result.kind,
    template: result.template,
    values: { template: result.template },
  };
  // A rule fix that throws must not take "Suppress with reason" down with it.
  let own: Fix[] = [];
  try {
    own = rule.fixes?.(finding, ctx) ?? [];
  } catch {
    own = [];
  }
  let suppress: Fix[] = [];
  try {
    suppress = suppressFix(finding, ctx);
  } catch {
    suppress = [];
  }
  return [...own, ...suppress];
}

/**
 * A fix that "fix all" may apply without a person looking: the finding's preferred fix, when it
 * leaves no placeholder to fill in and suppresses nothing.
 */
export function safeFix(result: LintResult, finding: Finding, fileName = ''): Fix | undefined {
  const f = fixesFor(result, finding, fileName).find((x) => x.preferred);
  return f && !f.placeholder && f.kind !== 'suppress' ? f : undefined;
}

export interface FixAllResult {
  /** The fixed text (with the input's BOM, if it had one). */
  text: string;
  /** The fixes applied, in order. */
  applied: { ruleId: string; resource: string | null; title: string }[];
}

/**
 * Apply every safe fix (`safeFix`) to a document: each round lints, takes the safe fixes whose
 * edits neither overlap nor touch one another's, applies them, and lints again, until none is
 * left. A document that does not parse is left as it is (its tree is partial: an edit could land
 * anywhere), and a round that would make it unreadable is not kept. Bounded by `maxRounds`.
 */
export function fixAllText(input: string, opts: LintOptions, maxRounds = 20): FixAllResult {
  const bom = input.charCodeAt(0) === 0xfeff ? '\ufeff' : '';
  let text = bom ? input.slice(1) : input;
  let result = lintText(text, opts);
  const applied: FixAllResult['applied'] = [];
  const unreadable = (r: LintResult) =>
    (r.doc?.errors.length ?? 0) > 0 || r.findings.some((f) => f.ruleId === UNREADABLE.id);
  if (unreadable(result)) return { text: input, applied };
  for (let round = 0; round < maxRounds; round++) {
    const taken: Span[] = [];
    const edits: { span: Span; newText: string }[] = [];
    const roundApplied: FixAllResult['applied'] = [];
    for (const finding of result.findings) {
      const fx = safeFix(result, finding, opts.fileName);
      if (!fx) continue;
      // Touching edits (two insertions at one offset) have no defined order: the next round.
      const clash = fx.edits.some((e) => taken.some((t) => e.span.start <= t.end && t.start <= e.span.end));
      if (clash) continue;
      for (const e of fx.edits) {
        taken.push(e.span);
        edits.push({ span: e.span, newText: e.newText });
      }
      roundApplied.push({ ruleId: finding.ruleId, resource: finding.resource, title: fx.title });
    }
    if (edits.length === 0) break;
    edits.sort((a, b) => b.span.start - a.span.start);
    let next = text;
    for (const e of edits) next = next.slice(0, e.span.start) + e.newText + next.slice(e.span.end);
    if (next === text) break;
    const nextResult = lintText(next, opts);
    if (unreadable(nextResult)) break;
    text = next;
    result = nextResult;
    applied.push(...roundApplied);
  }
  return { text: bom + text, applied };
}
