/**
 * Intrinsic functions: the one table of their names, and reading them in either form: `!Ref X`
 * (short, a tagged node) and `{Ref: X}` (long, a map with a single `Ref`/`Fn::*` key) read the same
 * through `intrinsicOf`.
 *
 * The table has no runtime imports: the parsers (which tags to keep), the model, the fixes (which
 * short form to write) and the tests of the grammar in `syntaxes/` all read it.
 */
import type { MapNode, Node, Pair } from '../parse/ast';

export interface IntrinsicName {
  /** Long-form name: `Ref`, `Fn::Sub`, `Fn::If`, ... */
  name: string;
  /** YAML short-form tag, where CloudFormation has one. */
  tag?: string;
  /**
   * How the long form is written: `value` (a map with this single key, anywhere a value goes),
   * `condition` (`{Condition: X}`, read only inside condition functions: elsewhere `Condition` is a
   * resource attribute or a policy element), `key` (`Fn::ForEach::LoopName` as a key among others,
   * in Resources, Outputs, Conditions and property maps).
   */
  long: 'value' | 'condition' | 'key';
  /** `rule`: only in the `Rules` section. `language-extensions`: needs the `AWS::LanguageExtensions` transform. */
  scope?: 'rule' | 'language-extensions';
}

export const INTRINSICS: readonly IntrinsicName[] = [
  { name: 'Ref', tag: '!Ref', long: 'value' },
  { name: 'Fn::Base64', tag: '!Base64', long: 'value' },
  { name: 'Fn::Cidr', tag: '!Cidr', long: 'value' },
  { name: 'Fn::FindInMap', tag: '!FindInMap', long: 'value' },
  { name: 'Fn::GetAtt', tag: '!GetAtt', long: 'value' },
  { name: 'Fn::GetAZs', tag: '!GetAZs', long: 'value' },
  { name: 'Fn::ImportValue', tag: '!ImportValue', long: 'value' },
  { name: 'Fn::Join', tag: '!Join', long: 'value' },
  { name: 'Fn::Select', tag: '!Select', long: 'value' },
  { name: 'Fn::Split', tag: '!Split', long: 'value' },
  { name: 'Fn::Sub', tag: '!Sub', long: 'value' },
  { name: 'Fn::Transform', tag: '!Transform', long: 'value' },
  // Condition functions.
  { name: 'Fn::And', tag: '!And', long: 'value' },
  { name: 'Fn::Equals', tag: '!Equals', long: 'value' },
  { name: 'Fn::If', tag: '!If', long: 'value' },
  { name: 'Fn::Not', tag: '!Not', long: 'value' },
  { name: 'Fn::Or', tag: '!Or', long: 'value' },
  { name: 'Condition', tag: '!Condition', long: 'condition' },
  // The AWS::LanguageExtensions transform. `Fn::ForEach` has no short form: it is a key.
  { name: 'Fn::ToJsonString', tag: '!ToJsonString', long: 'value', scope: 'language-extensions' },
  { name: 'Fn::Length', tag: '!Length', long: 'value', scope: 'language-extensions' },
  { name: 'Fn::ForEach', long: 'key', scope: 'language-extensions' },
  // Rule functions (the Rules section; AWS documents no short forms for them).
  { name: 'Fn::Contains', long: 'value', scope: 'rule' },
  { name: 'Fn::EachMemberEquals', long: 'value', scope: 'rule' },
  { name: 'Fn::EachMemberIn', long: 'value', scope: 'rule' },
  { name: 'Fn::RefAll', long: 'value', scope: 'rule' },
  { name: 'Fn::ValueOf', long: 'value', scope: 'rule' },
  { name: 'Fn::ValueOfAll', long: 'value', scope: 'rule' },
  { name: 'Fn::Implies', long: 'value', scope: 'rule' },
];

const BY_TAG = new Map<string, string>();
const TAG_OF = new Map<string, string>();
const LONG = new Set<string>();
for (const i of INTRINSICS) {
  if (i.tag) {
    BY_TAG.set(i.tag, i.name);
    TAG_OF.set(i.name, i.tag);
  }
  if (i.long === 'value') LONG.add(i.name);
}

/** The YAML tags of intrinsic functions (`!Ref`, `!Sub`, ...). */
export const INTRINSIC_TAGS: readonly string[] = [...BY_TAG.keys()];

/** Long-form name of a short-form tag: `!Sub` → `Fn::Sub`; undefined for other tags. */
export function tagToIntrinsic(tag: string): string | undefined {
  return BY_TAG.get(tag);
}

/** Short-form tag of a long-form name: `Fn::Sub` → `!Sub`; undefined where there is none. */
export function intrinsicTag(name: string): string | undefined {
  return TAG_OF.get(name);
}

/** The key prefix of a loop: `Fn::ForEach::LoopName`. */
export const FOR_EACH_PREFIX = 'Fn::ForEach::';

export interface Intrinsic {
  /** Long-form name: `Ref`, `Fn::Sub`, `Fn::If`, ... (`Fn::ForEach` for `Fn::ForEach::LoopName`). */
  name: string;
  /** The argument node (for short forms: the tagged node without its tag). */
  arg: Node;
  /** The node that is the intrinsic call as written. */
  node: Node;
}

export function intrinsicOf(node: Node | null | undefined): Intrinsic | null {
  if (!node) return null;
  if (node.tag) {
    const name = tagToIntrinsic(node.tag);
    if (!name) return null;
    const arg = { ...node } as Node;
    delete arg.tag;
    return { name, arg, node };
  }
  if (node.kind === 'map' && node.pairs.length === 1) {
    const k = node.pairs[0].key.value;
    if (typeof k !== 'string') return null;
    if (LONG.has(k)) return { name: k, arg: node.pairs[0].value, node };
    if (k.startsWith(FOR_EACH_PREFIX)) return { name: 'Fn::ForEach', arg: node.pairs[0].value, node };
  }
  return null;
}

/** A loop written as `Fn::ForEach::LoopName: [Identifier, Collection, {OutputKey: OutputValue}]`. */
export interface ForEachLoop {
  /** `LoopName`. */
  name: string;
  /** The key as written. */
  pair: Pair;
  identifier: string;
  collection: Node;
  /** The `{OutputKey: OutputValue}` map, the fragment repeated for each item. */
  fragment: MapNode;
}

/** The loop a pair writes, or null when it is not a well-formed `Fn::ForEach::LoopName` pair. */
export function forEachLoop(pair: Pair): ForEachLoop | null {
  const k = pair.key.value;
  if (typeof k !== 'string' || !k.startsWith(FOR_EACH_PREFIX) || k.length === FOR_EACH_PREFIX.length) return null;
  const v = pair.value;
  if (v.kind !== 'seq' || v.tag || v.items.length !== 3) return null;
  const [id, collection, fragment] = v.items;
  if (id.kind !== 'scalar' || typeof id.value !== 'string' || id.tag || !id.value) return null;
  if (fragment.kind !== 'map' || fragment.tag) return null;
  return { name: k.slice(FOR_EACH_PREFIX.length), pair, identifier: id.value, collection, fragment };
}

export const PSEUDO_PARAMETERS = new Set([
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);
