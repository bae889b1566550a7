/**
 * "Suppress with reason": an entry in the resource's `Metadata.ajar.ignore` list. The reason is a
 * placeholder ("TODO: explain why this is acceptable"), marked as the fix's placeholder so that the
 * editor selects it for typing; until it is replaced, AJ001 reports the suppression as one without
 * a reason (rules.md).
 */
import { get, getPair, isScalar, isSeq } from '../parse/ast';
import type { Finding, Fix, FixContext, TextEdit } from '../types';
import { appendItem, ensurePath, fillEmpty, insertPair, replaceNode } from './edit';
import { plainMap } from './paths';
import type { Val } from './render';
import { PLACEHOLDER_REASON, fix, resourceOf, withPlaceholder } from './common';

/** Not suppressible by a quick fix: unreadable documents, suppressions, and unfinished fixes. */
const NO_SUPPRESS = new Set(['AJ000', 'AJ001', 'AJ002']);

export function suppressFix(finding: Finding, ctx: FixContext): Fix[] {
  if (NO_SUPPRESS.has(finding.ruleId)) return [];
  const r = resourceOf(finding, ctx);
  if (!r) return [];
  const entry: Val = { rule: finding.ruleId, reason: PLACEHOLDER_REASON };
  const doc = ctx.doc;
  const title = `Suppress ${finding.ruleId} on ${r.id} with a reason`;
  let edits: TextEdit[] | null = null;
  const md = getPair(r.node, 'Metadata');
  if (!md) {
    edits = insertPair(doc, r.node, 'Metadata', { ajar: { ignore: [entry] } }, { after: getPair(r.node, 'Type') });
  } else if (isScalar(md.value) && md.value.value === null && !md.value.tag) {
    edits = fillEmpty(doc, md, { ajar: { ignore: [entry] } });
  } else if (plainMap(md.value)) {
    const ajar = get(md.value, 'ajar');
    const ignorePair = plainMap(ajar) ? getPair(ajar, 'ignore') : undefined;
    if (!ignorePair) edits = ensurePath(doc, md.value, ['ajar'], 'ignore', [entry]);
    else if (isSeq(ignorePair.value) && !ignorePair.value.tag) edits = appendItem(doc, ignorePair.value, entry);
    else if (isScalar(ignorePair.value) && !ignorePair.value.tag && ignorePair.value.value !== null) {
      edits = replaceNode(doc, ignorePair.value, [String(ignorePair.value.value), entry]);
    } else if (isScalar(ignorePair.value) && ignorePair.value.value === null)
      edits = fillEmpty(doc, ignorePair, [entry]);
  }
  return withPlaceholder(fix(title, 'suppress', [edits]), PLACEHOLDER_REASON);
}
