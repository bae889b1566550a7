/**
 * Navigation for a document: parse, classify, model, then the outline and the references of
 * `engine/navigation`. Offsets refer to the text without its BOM, like the findings' spans.
 */
import { classify } from './classify';
import { chooseFormat, type LintResult } from './lint';
import type { ParsedDocument } from './parse/ast';
import { isMap } from './parse/ast';
import { parseJson } from './parse/json';
import { LineIndex } from './parse/lines';
import { DEFAULT_LIMITS, type ParseLimits } from './parse/limits';
import { parseYaml } from './parse/yaml';
import { buildTemplate, type Template } from './model/template';
import type { Span } from './types';
import { Navigation } from './navigation';

export interface NavigationResult {
  /** null when the document is not a template (a policy, any other YAML or JSON, unreadable). */
  navigation: Navigation | null;
  /** The analysed text (BOM removed): the offsets refer to it. */
  text: string;
  /** 1 when a BOM was removed from the input. */
  bomLength: number;
  lines: LineIndex;
}

const TEMPLATE_KINDS = new Set(['cloudformation', 'sam', 'cdk']);

/** Navigation of `input` (the editor's text) named `fileName`. A partly readable template navigates too. */
export function navigate(input: string, fileName: string, limits: ParseLimits = DEFAULT_LIMITS): NavigationResult {
  const bomLength = input.charCodeAt(0) === 0xfeff ? 1 : 0;
  const text = bomLength ? input.slice(1) : input;
  const lines = new LineIndex(text);
  const result: NavigationResult = { navigation: null, text, bomLength, lines };
  if (text.length > limits.maxChars || text.indexOf('\u0000') >= 0 || !/\S/.test(text)) return result;
  const doc: ParsedDocument =
    chooseFormat(text, fileName) === 'json' ? parseJson(text, limits) : parseYaml(text, limits);
  const cls = classify(doc, fileName);
  if (!TEMPLATE_KINDS.has(cls.kind) || !isMap(doc.root)) return result;
  result.navigation = new Navigation(buildTemplate(doc, doc.root, cls.kind), text);
  return result;
}

/** Navigation from an analysis already made (the same text, no second parse). */
export function navigationOf(result: LintResult): NavigationResult {
  const t: Template | undefined = result.template;
  const navigation = t && TEMPLATE_KINDS.has(result.kind) ? new Navigation(t, result.text) : null;
  return { navigation, text: result.text, bomLength: result.bomLength, lines: result.lines };
}

/**
 * The parameters the node at a finding's span refers to (`!Ref P`, `${P}` inside it), for merging
 * cfn-lint's diagnostics at a parameter's declaration with Ajar's at its use. The text is parsed on
 * the first call only: a merge asks only when cfn-lint reported on a parameter.
 */
export function parametersReferenced(input: string, fileName: string): (finding: { span: Span }) => string[] {
  let nav: Navigation | null | undefined;
  return (f) => {
    if (nav === undefined) nav = navigate(input, fileName).navigation;
    if (!nav) return [];
    return nav
      .referencesWithin(f.span)
      .filter((r) => r.target?.kind === 'parameter')
      .map((r) => r.name);
  };
}
