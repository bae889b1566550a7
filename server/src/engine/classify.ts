/**
 * Which kind of document is this? rules.md "Documents Ajar reads".
 */
import type { MapNode, Node, Pair, ParsedDocument } from './parse/ast';
import { get, getPair, isMap, isScalar, isSeq, scalarString } from './parse/ast';
import { embeddedJson } from './model/embedded';
import { forEachLoop } from './model/intrinsics';
import type { DocumentKind } from './types';

export interface Classification {
  kind: DocumentKind;
  /** For policies: the policy document node (inside a CLI wrapper where there is one). */
  policy?: Node;
}

const SAM_TRANSFORM = 'AWS::Serverless-2016-10-31';

export function isTemplateRoot(root: Node | null): root is MapNode {
  if (!isMap(root)) return false;
  if (getPair(root, 'AWSTemplateFormatVersion')) return true;
  const res = get(root, 'Resources');
  if (!isMap(res) || res.pairs.length === 0) return false;
  return hasTypedEntry(res.pairs, 0);
}

/** Some entry is a map with a string `Type`, written or in the body of a `Fn::ForEach` loop. */
function hasTypedEntry(pairs: Pair[], depth: number): boolean {
  return pairs.some((p) => {
    const loop = depth < 8 ? forEachLoop(p) : null;
    if (loop) return hasTypedEntry(loop.fragment.pairs, depth + 1);
    const type = get(p.value, 'Type');
    return isMap(p.value) && isScalar(type) && typeof type.value === 'string';
  });
}

export function classify(doc: ParsedDocument, fileName: string): Classification {
  const root = doc.root;
  if (!root || doc.multiDocument) return { kind: 'other' };
  if (isTemplateRoot(root)) {
    const transform = get(root, 'Transform');
    const names = isSeq(transform) ? transform.items.map(scalarString) : [scalarString(transform)];
    if (names.includes(SAM_TRANSFORM)) return { kind: 'sam' };
    if (isCdk(root, fileName)) return { kind: 'cdk' };
    return { kind: 'cloudformation' };
  }
  const policy = policyNode(root, doc);
  if (policy) return { kind: 'policy', policy };
  return { kind: 'other' };
}

/**
 * Template-language markup that YAML and JSON cannot hold outside a string: Jinja or cookiecutter
 * statements `{% ... %}`, comments `{# ... #}`, expressions `{{ x }}` (spaced: a dynamic reference
 * `{{resolve:...}}` or SSM's `{{Param}}` is not markup).
 */
const TEMPLATE_MARKUP = /\{%[^\n]*%\}|\{#[^\n]*#\}|\{\{-?[ \t]+[^{}\n]*[ \t]-?\}\}/;

/**
 * A document that is not YAML or JSON at all (rules.md AJ000): a Visual Studio `.sln.template`, a
 * Jinja file. It failed to parse, and either carries template-language markup, or what could be
 * read of it is not a mapping (templates and policies are; a scalar or a list is what YAML makes of
 * prose or an INI file) and its text names nothing a template or policy holds. Such a file is
 * `other`, whatever its name. A parser that read nothing (`root` null: a safety bound, an error on
 * the first character) tells nothing: the caller decides as before.
 */
export function isForeignText(doc: ParsedDocument): boolean {
  if (doc.errors.length === 0) return false;
  if (TEMPLATE_MARKUP.test(doc.text)) return true;
  return doc.root !== null && !isMap(doc.root) && !mentionsTemplateKeys(doc.text);
}

/** Does the text's head name a template's or policy's top-level key? (for documents that cannot be read) */
export function mentionsTemplateKeys(text: string): boolean {
  const head = text.slice(0, 65536);
  return /AWSTemplateFormatVersion|["']?Resources["']?\s*:|"Statement"\s*:|^Statement\s*:/m.test(head);
}

function isCdk(root: MapNode, fileName: string): boolean {
  const f = fileName.replace(/\\/g, '/');
  if (/(^|\/)cdk\.out\/.*\.template\.json$/.test(f)) return true;
  const res = get(root, 'Resources');
  if (!isMap(res)) return false;
  for (const p of res.pairs) {
    if (scalarString(get(p.value, 'Type')) === 'AWS::CDK::Metadata') return true;
    if (getPair(get(p.value, 'Metadata'), 'aws:cdk:path')) return true;
  }
  return false;
}

/** The policy document of a standalone policy file, with the AWS CLI wrappers unwrapped. */
export function policyNode(root: Node, doc: ParsedDocument): Node | null {
  if (!isMap(root)) return null;
  if (getPair(root, 'Statement')) return root;
  const wrapped =
    get(root, 'Policy') ?? get(get(root, 'PolicyVersion'), 'Document') ?? get(root, 'AssumeRolePolicyDocument');
  if (!wrapped) return null;
  if (isMap(wrapped) && getPair(wrapped, 'Statement')) return wrapped;
  if (isScalar(wrapped) && typeof wrapped.value === 'string') {
    const inner = embeddedJson(wrapped, doc.text);
    if (inner && isMap(inner) && getPair(inner, 'Statement')) return inner;
  }
  return null;
}
