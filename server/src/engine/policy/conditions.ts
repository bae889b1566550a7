/**
 * Condition semantics for "is this statement public?" (rules.md AJ101): which operators and keys
 * restrict who can call, and when a value counts as fixed.
 */

import { FIXED_CLOSE, FIXED_OPEN } from '../model/values';

export const FIXED_PART = new RegExp(`${FIXED_OPEN}[^${FIXED_CLOSE}]*${FIXED_CLOSE}`, 'g');

/** Keys that identify who is calling (lower case: condition keys are case-insensitive). */
export const RESTRICTING_KEYS = new Set(
  [
    'aws:SourceArn',
    'aws:SourceAccount',
    'aws:SourceOwner',
    'aws:SourceVpc',
    'aws:SourceVpce',
    'aws:SourceOrgID',
    'aws:SourceOrgPaths',
    'aws:SourceIp',
    'aws:PrincipalArn',
    'aws:PrincipalAccount',
    'aws:PrincipalOrgID',
    'aws:PrincipalOrgPaths',
    'aws:VpceAccount',
    'aws:VpceOrgID',
    'aws:VpceOrgPaths',
    'aws:userid',
    's3:DataAccessPointAccount',
    's3:DataAccessPointArn',
    'kms:CallerAccount',
    'lambda:EventSourceToken',
  ].map((k) => k.toLowerCase()),
);

const POSITIVE = new Set(
  ['StringEquals', 'StringEqualsIgnoreCase', 'StringLike', 'ArnEquals', 'ArnLike', 'IpAddress'].map((o) =>
    o.toLowerCase(),
  ),
);
const NEGATED = new Set(
  ['StringNotEquals', 'StringNotEqualsIgnoreCase', 'StringNotLike', 'ArnNotEquals', 'ArnNotLike', 'NotIpAddress'].map(
    (o) => o.toLowerCase(),
  ),
);

export interface OperatorInfo {
  /** The base operator without set qualifier or IfExists, lower case. */
  base: string;
  qualifier: 'ForAnyValue' | 'ForAllValues' | null;
  ifExists: boolean;
}

export function parseOperator(op: string): OperatorInfo {
  let rest = op;
  let qualifier: OperatorInfo['qualifier'] = null;
  const m = /^(ForAnyValue|ForAllValues):(.*)$/i.exec(rest);
  if (m) {
    qualifier = m[1].toLowerCase() === 'foranyvalue' ? 'ForAnyValue' : 'ForAllValues';
    rest = m[2];
  }
  let ifExists = false;
  if (/IfExists$/i.test(rest)) {
    ifExists = true;
    rest = rest.slice(0, -'IfExists'.length);
  }
  return { base: rest.toLowerCase(), qualifier, ifExists };
}

/** A positive operator that restricts an Allow (no IfExists, no ForAllValues). */
export function isRestrictingOperator(op: string): boolean {
  const o = parseOperator(op);
  return POSITIVE.has(o.base) && !o.ifExists && o.qualifier !== 'ForAllValues';
}

/** A negated operator, as a Deny uses to confine access ("deny unless from our VPC endpoint"). */
export function isNegatedOperator(op: string): boolean {
  const o = parseOperator(op);
  return NEGATED.has(o.base) && o.qualifier !== 'ForAllValues';
}

export function isRestrictingKey(key: string, extra: readonly string[] = []): boolean {
  const k = key.toLowerCase();
  return RESTRICTING_KEYS.has(k) || extra.some((e) => e.toLowerCase() === k);
}

/**
 * A condition value that pins the caller: no `*`/`?` (an ARN pattern may wildcard only its
 * resource part after a fixed account), no IAM policy variable, not an open CIDR.
 * `null` stands for a value fixed at deploy time but unknown here (a `!Ref AWS::AccountId`): fixed.
 */
export function isFixedValue(key: string, raw: string | null): boolean {
  if (raw === null) return true;
  // Parts CloudFormation fills in (`${AWS::AccountId}` in a Sub) are fixed; their names hold colons
  // that must not be read as ARN field separators.
  const value = raw.replace(FIXED_PART, 'FIXED');
  if (value.includes('${')) return false;
  const k = key.toLowerCase();
  if (k === 'aws:sourceip') {
    const v = value.trim();
    if (v === '0.0.0.0/0' || v === '::/0' || v === '::0/0') return false;
    return !/[*?]/.test(v);
  }
  // `""` (a parameter's empty Default) is a fixed value: it matches nobody, so it still restricts.
  if (!/[*?]/.test(value)) return true;
  if (k.endsWith('orgpaths')) {
    // `o-a1b2c3/r-ab12/ou-ab12-1111/*` is how AWS documents aws:PrincipalOrgPaths: like an ARN that
    // wildcards only its resource part, a path whose organization id is fixed stays in that organization.
    const org = value.split('/')[0];
    return /^o-[a-z0-9]+$/i.test(org) && value.includes('/');
  }
  if (value.startsWith('arn:')) {
    const parts = value.split(':');
    if (parts.length < 6) return false;
    const head = parts.slice(0, 5);
    // partition, service and region may not wildcard into another account; the account must be fixed.
    if (head.some((p) => /[*?]/.test(p))) return false;
    return parts[4].length > 0;
  }
  return false;
}
