/**
 * Navigation in a template: the outline, go to definition and find references. Built from the
 * parsed document and its model; every answer is in offsets of the analysed text.
 */
import type { Template } from '../model/template';
import type { Span } from '../types';
import { outline, type OutlineSymbol } from './outline';
import { type Declaration, indexReferences, type Reference } from './references';

export type { OutlineKind, OutlineSymbol } from './outline';
export type { Declaration, DeclarationKind, Reference, ReferenceVia } from './references';

export class Navigation {
  readonly declarations: Declaration[];
  readonly references: Reference[];
  private outlineCache: OutlineSymbol[] | undefined;

  constructor(
    private readonly template: Template,
    private readonly text: string,
  ) {
    const idx = indexReferences(template, text);
    this.declarations = idx.declarations;
    this.references = idx.references;
  }

  /** The document outline: top-level sections, their entries by logical id. */
  outline(): OutlineSymbol[] {
    this.outlineCache ??= outline(this.template.root, this.text);
    return this.outlineCache;
  }

  /** The innermost reference whose name holds `offset` (its end included: the cursor after a name). */
  referenceAt(offset: number): Reference | undefined {
    let best: Reference | undefined;
    for (const r of this.references)
      if (within(r.span, offset) && (!best || r.span.end - r.span.start < best.span.end - best.span.start)) best = r;
    return best;
  }

  /** Declarations whose key holds `offset` (a loop's key declares one name per copy). */
  declarationsAt(offset: number): Declaration[] {
    return this.declarations.filter((d) => within(d.span, offset));
  }

  /** The references written inside `span` (a finding's node), in document order. */
  referencesWithin(span: Span): Reference[] {
    return this.references.filter((r) => span.start <= r.span.start && r.span.end <= span.end);
  }

  /**
   * Where the name at `offset` is declared: the declaration a reference names, or the declaration
   * under the cursor itself. Empty for pseudo parameters and undeclared names.
   */
  definitionAt(offset: number): Declaration[] {
    const r = this.referenceAt(offset);
    if (r) return r.target ? [r.target] : [];
    return this.declarationsAt(offset);
  }

  /**
   * Every use of the name at `offset` (on a use or on its declaration), in document order, with
   * the declarations first when `includeDeclaration`.
   */
  referencesAt(offset: number, includeDeclaration: boolean): Span[] {
    const targets = this.definitionAt(offset);
    if (!targets.length) return [];
    const set = new Set(targets);
    const out: Span[] = [];
    const seen = new Set<string>();
    const add = (s: Span) => {
      const k = `${s.start}:${s.end}`;
      if (seen.has(k)) return;
      seen.add(k);
      out.push(s);
    };
    if (includeDeclaration) for (const d of targets) add(d.span);
    for (const r of this.references) if (r.target && set.has(r.target)) add(r.span);
    return out;
  }
}

function within(s: Span, offset: number): boolean {
  return s.start <= offset && offset <= s.end;
}
