/** Lookups shared by the fix functions: the finding's resource, statement, and placeholders. */
import type { MapNode, Node, Pair, ScalarNode } from '../parse/ast';
import { embeddedJson } from '../model/embedded';
import { getPairCI, isMap, isScalar, isSeq } from '../parse/ast';
import type { Resource } from '../model/template';
import type { Finding, Fix, FixContext, TextEdit } from '../types';
import { pathTo, plainMap, type Step } from './paths';

/** The template resource a finding belongs to. */
export function resourceOf(finding: Finding, ctx: FixContext): Resource | undefined {
  if (!finding.resource || !ctx.template) return undefined;
  return ctx.template.resources.get(finding.resource);
}

/** Is the finding's node inside this resource's source text (not e.g. a parameter's Default)? */
export function within(finding: Finding, node: Node | Pair): boolean {
  return node.span.start <= finding.span.start && finding.span.end <= node.span.end;
}

/** A fix from edits, or nothing when the edits could not be made. */
export function fix(title: string, kind: string, edits: (TextEdit[] | null)[], preferred?: boolean): Fix[] {
  if (edits.some((e) => e === null)) return [];
  const all = normalize(edits.flat() as TextEdit[]);
  if (!all || all.length === 0) return [];
  const f: Fix = { title, kind, edits: all };
  if (preferred) f.preferred = true;
  return [f];
}

export interface StatementHit {
  /** The statement map (a real node of the document). */
  statement: MapNode;
  steps: Step[];
  /** The steps from the root to the finding's node (the deepest one). */
  at: Step;
  /** The key pair when the finding is on a key (`NotPrincipal`). */
  key?: Pair;
  /** Found through the parameter whose value makes the principal public (no `*` node to replace). */
  viaParameter?: boolean;
  /** The statement is in a policy written as JSON text in a YAML block literal (`|`). */
  embedded?: { scalar: ScalarNode; outer: Step[] };
}

/**
 * The policy statement holding the finding's node, found by offset in the document tree. Null
 * when the finding is elsewhere (a parameter's value, a policy written as a JSON string).
 */
export function statementAt(finding: Finding, ctx: FixContext): StatementHit | null {
  const { steps, key } = pathTo(ctx.doc.root, finding.span);
  // A parameter's Default/AllowedValues that makes a principal `*`: the statement is the one in
  // the finding's resource whose principal refers to that parameter.
  if (steps[1]?.pair?.key.value === 'Parameters' && steps[2]?.pair) {
    const param = String(steps[2].pair.key.value);
    const r = resourceOf(finding, ctx);
    return r ? statementReferring(r.node, param) : null;
  }
  const last = steps[steps.length - 1]?.node;
  if (!key && last && isScalar(last) && last.style === 'block-literal') {
    // JSON text in a `|` block: offsets map one to one, so the JSON can be edited in place.
    const inner = embeddedJson(last, ctx.doc.text);
    if (!inner) return null;
    const hit = statementAt(finding, { ...ctx, doc: { ...ctx.doc, root: inner } });
    return hit ? { ...hit, embedded: { scalar: last, outer: steps } } : null;
  }
  for (let i = steps.length - 1; i >= 0; i--) {
    const n = steps[i].node;
    if (!isMap(n) || !plainMap(n)) continue;
    const isStatement = getPairCI(n, 'Effect') && (getPairCI(n, 'Principal') || getPairCI(n, 'NotPrincipal'));
    if (!isStatement) continue;
    // The finding must be within the statement's Principal/NotPrincipal.
    const pr = getPairCI(n, 'Principal') ?? getPairCI(n, 'NotPrincipal');
    const np = getPairCI(n, 'NotPrincipal');
    const inPrincipal = (pr && within(finding, pr)) || (np && within(finding, np));
    if (!inPrincipal) return null;
    return { statement: n, steps, at: steps[steps.length - 1], key };
  }
  return null;
}

/** Scalar strings of a node (a scalar or a list of them). */
export function scalarStrings(n: Node | undefined): string[] {
  if (!n) return [];
  const items = isSeq(n) ? n.items : [n];
  return items
    .filter((i) => isScalar(i) && !i.tag && typeof i.value === 'string')
    .map((i) => String((i as { value: unknown }).value));
}

/** The reason "Suppress with a reason" writes: AJ001 reports it until a person replaces it. */
export const PLACEHOLDER_REASON = 'TODO: explain why this is acceptable';
/** The organization id "Restrict to your organization" writes in a policy document: AJ002 reports it. */
export const ORG_PLACEHOLDER = 'o-xxxxxxxxxx';
/** Placeholder values fixes insert into a document (AJ002 `placeholder-value` looks for them). */
export const PLACEHOLDER_VALUES: readonly string[] = [ORG_PLACEHOLDER];

/**
 * Mark the first occurrence of `value` in each fix's inserted text as its placeholder: editors
 * select it after applying (a snippet tab stop), and fix-all leaves such fixes out.
 */
export function withPlaceholder(fixes: Fix[], value: string): Fix[] {
  for (const f of fixes) {
    for (const e of f.edits) {
      const i = e.newText.indexOf(value);
      if (i < 0) continue;
      e.placeholder = { start: i, end: i + value.length };
      f.placeholder = true;
      break;
    }
  }
  return fixes;
}

/**
 * Sort edits and merge the ones that touch (an insertion at the start or end of a replaced span),
 * so that editors never see overlapping or order-dependent edits. Merging needs the text between
 * them, which is empty for touching edits.
 */
export function normalize(edits: TextEdit[]): TextEdit[] | null {
  const sorted = [...edits].sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  const out: TextEdit[] = [];
  for (const e of sorted) {
    const prev = out[out.length - 1];
    if (prev && e.span.start < prev.span.end) return null; // overlapping: not a fix we can offer
    if (prev && e.span.start === prev.span.end && (prev.span.end > prev.span.start || e.span.end > e.span.start)) {
      out[out.length - 1] = { span: { start: prev.span.start, end: e.span.end }, newText: prev.newText + e.newText };
    } else out.push({ span: { ...e.span }, newText: e.newText });
  }
  return out;
}

/** The first statement under `node` whose Principal refers to parameter `param` (`!Ref`/`{Ref:}`). */
function statementReferring(node: Node, param: string, steps: Step[] = [{ node }]): StatementHit | null {
  if (isMap(node)) {
    if (plainMap(node) && getPairCI(node, 'Effect')) {
      const pr = getPairCI(node, 'Principal');
      if (pr && refersTo(pr.value, param))
        return { statement: node, steps, at: steps[steps.length - 1], key: undefined, viaParameter: true };
    }
    for (const p of node.pairs) {
      const hit = statementReferring(p.value, param, [...steps, { node: p.value, pair: p }]);
      if (hit) return hit;
    }
  } else if (isSeq(node)) {
    for (let i = 0; i < node.items.length; i++) {
      const hit = statementReferring(node.items[i], param, [...steps, { node: node.items[i], index: i }]);
      if (hit) return hit;
    }
  }
  return null;
}

function refersTo(n: Node, param: string): boolean {
  if (isScalar(n)) return n.tag === '!Ref' && String(n.value) === param;
  if (isMap(n))
    return n.pairs.some(
      (p) =>
        (p.key.value === 'Ref' && isScalar(p.value) && String(p.value.value) === param) || refersTo(p.value, param),
    );
  return n.items.some((i) => refersTo(i, param));
}
