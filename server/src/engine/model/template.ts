/**
 * The template model: resources, parameters, conditions, mappings and outputs by logical id, with
 * the nodes they were read from. Built once per analysis; rules only read it.
 */
import type { MapNode, Node, Pair, ParsedDocument, ScalarNode } from '../parse/ast';
import { get, getPair, isMap, isScalar, isSeq, scalarString } from '../parse/ast';
import type { DocumentKind } from '../types';
import { expandSection, type LoopBinding } from './foreach';

export interface Resource {
  id: string;
  /** The logical-id key as written (range for "something is missing" findings). */
  key: ScalarNode;
  pair: Pair;
  node: MapNode;
  type: string;
  properties?: MapNode;
  /** The `Properties` pair, when present. */
  propertiesPair?: Pair;
  metadata?: Node;
  /** For a resource a `Fn::ForEach` generated: its loops and items, outermost first. */
  loop?: LoopBinding[];
}

export interface Parameter {
  id: string;
  key: ScalarNode;
  node: MapNode;
  type?: string;
  default?: Node;
  allowedValues: Node[];
  noEcho: boolean;
}

export interface Entry {
  id: string;
  key: ScalarNode;
  node: Node;
  /** For an output a `Fn::ForEach` generated: its loops and items, outermost first. */
  loop?: LoopBinding[];
}

export interface Template {
  doc: ParsedDocument;
  root: MapNode;
  kind: DocumentKind;
  resources: Map<string, Resource>;
  parameters: Map<string, Parameter>;
  conditions: Map<string, Entry>;
  mappings: Map<string, Entry>;
  outputs: Map<string, Entry>;
  /** Resources by type, in document order. */
  byType(type: string): Resource[];
  /** The resource or output whose subtree holds `offset`, for findings' `resource` field. */
  ownerAt(offset: number): string | null;
}

function entries(section: Node | undefined): Pair[] {
  return isMap(section) ? section.pairs : [];
}

export function buildTemplate(doc: ParsedDocument, root: MapNode, kind: DocumentKind): Template {
  const resources = new Map<string, Resource>();
  const parameters = new Map<string, Parameter>();
  const conditions = new Map<string, Entry>();
  const mappings = new Map<string, Entry>();
  const outputs = new Map<string, Entry>();
  const byTypeIndex = new Map<string, Resource[]>();

  // Loops (`Fn::ForEach::Name`) generate resources and outputs: each copy is an entry of its own.
  for (const { pair: p, loop } of expandSection(entries(get(root, 'Resources')))) {
    if (!isMap(p.value)) continue;
    const id = String(p.key.value);
    const typeNode = get(p.value, 'Type');
    const type = scalarString(typeNode) ?? '';
    const propsPair = getPair(p.value, 'Properties');
    const r: Resource = {
      id,
      key: p.key,
      pair: p,
      node: p.value,
      type,
      properties: isMap(propsPair?.value) ? propsPair.value : undefined,
      propertiesPair: propsPair,
      metadata: get(p.value, 'Metadata'),
    };
    if (loop.length) r.loop = loop;
    resources.set(id, r);
    let list = byTypeIndex.get(type);
    if (!list) byTypeIndex.set(type, (list = []));
    list.push(r);
  }
  for (const p of entries(get(root, 'Parameters'))) {
    if (!isMap(p.value)) continue;
    const allowed = get(p.value, 'AllowedValues');
    const noEcho = get(p.value, 'NoEcho');
    parameters.set(String(p.key.value), {
      id: String(p.key.value),
      key: p.key,
      node: p.value,
      type: scalarString(get(p.value, 'Type')),
      default: get(p.value, 'Default'),
      allowedValues: isSeq(allowed) ? allowed.items : [],
      noEcho: isScalar(noEcho) && (noEcho.value === true || String(noEcho.value).toLowerCase() === 'true'),
    });
  }
  for (const [section, map] of [
    ['Conditions', conditions],
    ['Mappings', mappings],
  ] as const) {
    for (const p of entries(get(root, section)))
      map.set(String(p.key.value), { id: String(p.key.value), key: p.key, node: p.value });
  }
  for (const { pair: p, loop } of expandSection(entries(get(root, 'Outputs')))) {
    const o: Entry = { id: String(p.key.value), key: p.key, node: p.value };
    if (loop.length) o.loop = loop;
    outputs.set(o.id, o);
  }

  // Owner lookup: sorted spans of resources and outputs. The copies a loop makes share the spans of
  // its body: the first copy owns them.
  const owners: { start: number; end: number; id: string }[] = [];
  const seen = new Set<string>();
  const own = (start: number, end: number, id: string) => {
    if (seen.has(`${start}:${end}`)) return;
    seen.add(`${start}:${end}`);
    owners.push({ start, end, id });
  };
  for (const r of resources.values()) own(r.pair.span.start, r.pair.span.end, r.id);
  for (const o of outputs.values()) own(o.key.span.start, o.node.span.end, o.id);
  owners.sort((a, b) => a.start - b.start);

  return {
    doc,
    root,
    kind,
    resources,
    parameters,
    conditions,
    mappings,
    outputs,
    byType: (t) => byTypeIndex.get(t) ?? [],
    ownerAt(offset) {
      let lo = 0;
      let hi = owners.length - 1;
      let found: string | null = null;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (owners[mid].start <= offset) {
          if (offset <= owners[mid].end) found = owners[mid].id;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      return found;
    },
  };
}
