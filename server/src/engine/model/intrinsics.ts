/**
 * Intrinsic functions in either form: `!Ref X` (short, a tagged node) and `{Ref: X}` (long, a map
 * with a single `Ref`/`Fn::*` key) read the same through `intrinsicOf`.
 */
import type { Node } from '../parse/ast';
import { tagToIntrinsic } from '../parse/ast';

export interface Intrinsic {
  /** Long-form name: `Ref`, `Fn::Sub`, `Fn::If`, ... */
  name: string;
  /** The argument node (for short forms: the tagged node without its tag). */
  arg: Node;
  /** The node that is the intrinsic call as written. */
  node: Node;
}

const LONG = new Set([
  'Ref',
  'Fn::Sub',
  'Fn::GetAtt',
  'Fn::If',
  'Fn::Join',
  'Fn::Select',
  'Fn::Split',
  'Fn::FindInMap',
  'Fn::ImportValue',
  'Fn::Base64',
  'Fn::Cidr',
  'Fn::GetAZs',
  'Fn::Equals',
  'Fn::And',
  'Fn::Or',
  'Fn::Not',
  'Fn::Transform',
  'Fn::ToJsonString',
  'Fn::Length',
]);

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
    if (typeof k === 'string' && LONG.has(k)) return { name: k, arg: node.pairs[0].value, node };
  }
  return null;
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
