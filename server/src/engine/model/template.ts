/**
 * The template model: resources, parameters, conditions, mappings and outputs by logical id, with
 * the nodes they were read from. Built once per analysis; rules only read it.
 */
import type { MapNode, Node, Pair, ParsedDocument, ScalarNode } from '../parse/ast';
import { get, getPair, isMap, isScalar, isSeq, scalarString } from '../parse/ast';
import type { DocumentKind } from '../types';

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

  for (const p of entries(get(root, 'Resources'))) {
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
    ['Outputs', outputs],
  ] as const) {
    for (const p of entries(get(root, section)))
      map.set(String(p.key.value), { id: String(p.key.value), key: p.key, node: p.value });
  }

  // Owner lookup: sorted spans of resources and outputs.
  const owners: { start: number; end: number; id: string }[] = [];
  for (const r of resources.values()) owners.push({ start: r.pair.span.start, end: r.pair.span.end, id: r.id });
  for (const o of outputs.values()) owners.push({ start: o.key.span.start, end: o.node.span.end, id: o.id });
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
