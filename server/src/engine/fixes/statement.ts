/**
 * Fixes for a public policy statement, shared by AJ101 (resource policies) and AJ102 (role trust):
 * restrict it to this account (`aws:PrincipalAccount`, or `aws:SourceAccount` for service
 * principals), to the organization (`aws:PrincipalOrgID`), or replace the `*` principal by this
 * account's root. Also the `OrganizationId` parameter that organization fixes reference.
 */
import { type MapNode, getPair, getPairCI, isMap, isScalar, isSeq } from '../parse/ast';
import type { Finding, Fix, FixContext, TextEdit } from '../types';
import { addParameter, fillEmpty, freshName, insertPair, replaceNode } from './edit';
import { plainMap } from './paths';
import { type Val, ref, sub } from './render';
import { ORG_PLACEHOLDER, type StatementHit, fix, scalarStrings, statementAt, withPlaceholder } from './common';

export { ORG_PLACEHOLDER };
const ROOT_SUB = 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root';

/** The fixes for a finding on a public statement's principal (none when the finding is elsewhere). */
export function statementFixes(finding: Finding, ctx: FixContext): Fix[] {
  const hit = statementAt(finding, ctx);
  if (!hit) return [];
  if (hit.embedded) return embeddedFixes(ctx, hit);
  const doc = ctx.doc;
  const st = hit.statement;
  const policy = ctx.kind === 'policy';
  const out: Fix[] = [];

  // This account.
  const principal = getPairCI(st, 'Principal')?.value;
  const service = isMap(principal) && !!getPairCI(principal, 'Service') && !getPairCI(principal, 'AWS');
  const key = service ? 'aws:SourceAccount' : 'aws:PrincipalAccount';
  const arn = policy ? resourceArn(st) : undefined;
  const account: Val | undefined = policy ? arn?.account : ref('AWS::AccountId');
  if (account !== undefined) {
    out.push(
      ...fix(
        `Restrict to this account (${key})`,
        'restrict-to-account',
        [addCondition(ctx, st, 'StringEquals', key, account)],
        true,
      ),
    );
  }

  // The organization.
  if (policy) {
    out.push(
      ...withPlaceholder(
        fix('Restrict to your organization (aws:PrincipalOrgID)', 'restrict-to-organization', [
          addCondition(ctx, st, 'StringEquals', 'aws:PrincipalOrgID', ORG_PLACEHOLDER),
        ]),
        ORG_PLACEHOLDER,
      ),
    );
  } else if (ctx.template) {
    const org = orgParameter(ctx);
    if (org)
      out.push(
        ...fix('Restrict to your organization (aws:PrincipalOrgID)', 'restrict-to-organization', [
          org.edits,
          addCondition(ctx, st, 'StringEquals', 'aws:PrincipalOrgID', ref(org.name)),
        ]),
      );
  }

  // Replace `*` with the account root: only a `*` written as the principal or in its AWS entry.
  const node = hit.at.node;
  if (!hit.key && !hit.viaParameter && isScalar(node) && !node.tag && String(node.value).trim() === '*') {
    const root: Val | undefined = policy
      ? arn
        ? `arn:${arn.partition}:iam::${arn.account}:root`
        : undefined
      : sub(ROOT_SUB);
    const parentStep = hit.steps[hit.steps.length - 2];
    const parent = parentStep?.node;
    let edits: TextEdit[] | null = null;
    if (root !== undefined) {
      if (parent === st && hit.at.pair && /^principal$/i.test(String(hit.at.pair.key.value)))
        edits = replaceNode(doc, node, { AWS: root });
      else if (hit.at.pair && /^aws$/i.test(String(hit.at.pair.key.value))) edits = replaceNode(doc, node, root);
      else if (
        hit.at.index !== undefined &&
        isSeq(parent) &&
        parentStep.pair &&
        /^aws$/i.test(String(parentStep.pair.key.value))
      )
        edits = replaceNode(doc, node, root);
    }
    if (edits) out.push(...fix("Replace * with this account's root principal", 'replace-with-account-root', [edits]));
  }
  return out;
}

/** Add `operator: {key: value}` to the statement's Condition, merging with what is there. */
export function addCondition(ctx: FixContext, st: MapNode, op: string, key: string, value: Val): TextEdit[] | null {
  const doc = ctx.doc;
  const cond = getPairCI(st, 'Condition');
  if (!cond) return insertPair(doc, st, 'Condition', { [op]: { [key]: value } });
  if (isScalar(cond.value) && cond.value.value === null && !cond.value.tag)
    return fillEmpty(doc, cond, { [op]: { [key]: value } });
  if (!plainMap(cond.value)) return null;
  const opPair = getPair(cond.value, op);
  if (!opPair) return insertPair(doc, cond.value, op, { [key]: value });
  if (!plainMap(opPair.value)) return null;
  const existing = opPair.value.pairs.find((p) => String(p.key.value).toLowerCase() === key.toLowerCase());
  if (existing) return replaceNode(doc, existing.value, value);
  return insertPair(doc, opPair.value, key, value);
}

/** The `OrganizationId` parameter to reference: an existing String one, or a new one. */
export function orgParameter(ctx: FixContext): { name: string; edits: TextEdit[] } | null {
  const t = ctx.template;
  if (!t) return null;
  const existing = t.parameters.get('OrganizationId');
  if (existing && (existing.type ?? 'String') === 'String') return { name: 'OrganizationId', edits: [] };
  const name = freshName(t, 'OrganizationId');
  const edits = addParameter(ctx.doc, t, name, {
    Type: 'String',
    Description: 'Your AWS Organizations organization id (o-...): only principals of this organization are allowed',
    AllowedPattern: '^o-[a-z0-9]{10,32}$',
  });
  return edits ? { name, edits } : null;
}

/** Partition and account of the statement's first resource ARN that has a 12-digit account. */
function resourceArn(st: MapNode): { partition: string; account: string } | undefined {
  for (const s of scalarStrings(getPairCI(st, 'Resource')?.value)) {
    const parts = s.split(':');
    if (parts.length >= 6 && parts[0] === 'arn' && /^\d{12}$/.test(parts[4]))
      return { partition: parts[1] || 'aws', account: parts[4] };
  }
  return undefined;
}

/**
 * A policy written as JSON text in a YAML `|` block: the edits are JSON inside the block (at the
 * block's indentation), with `${AWS::AccountId}`/`${OrganizationId}` in a Sub. A block that is not
 * a Sub body becomes one (`!Sub |`) when it holds no `${` (IAM policy variables) already.
 */
function embeddedFixes(ctx: FixContext, hit: StatementHit): Fix[] {
  if (ctx.kind === 'policy' || !ctx.template || !hit.embedded) return [];
  const { scalar, outer } = hit.embedded;
  const jdoc = { ...ctx.doc, format: 'json' as const };
  const jctx = { ...ctx, doc: jdoc };
  const lastOuter = outer[outer.length - 1];
  const parentOuter = outer[outer.length - 2];
  const inSub =
    scalar.tag === '!Sub' ||
    lastOuter?.pair?.key.value === 'Fn::Sub' ||
    (lastOuter?.index === 0 && (parentOuter?.node.tag === '!Sub' || parentOuter?.pair?.key.value === 'Fn::Sub'));
  let toSub: TextEdit[] = [];
  if (!inSub) {
    if (scalar.tag || String(scalar.value).includes('${')) return [];
    toSub = [{ span: { start: scalar.span.start, end: scalar.span.start }, newText: '!Sub ' }];
  }
  const st = hit.statement;
  const out: Fix[] = [];
  const principal = getPairCI(st, 'Principal')?.value;
  const service = isMap(principal) && !!getPairCI(principal, 'Service') && !getPairCI(principal, 'AWS');
  const key = service ? 'aws:SourceAccount' : 'aws:PrincipalAccount';
  out.push(
    ...fix(
      `Restrict to this account (${key})`,
      'restrict-to-account',
      [toSub, addCondition(jctx, st, 'StringEquals', key, '${AWS::AccountId}')],
      true,
    ),
  );
  const org = orgParameter(ctx);
  if (org)
    out.push(
      ...fix('Restrict to your organization (aws:PrincipalOrgID)', 'restrict-to-organization', [
        org.edits,
        toSub,
        addCondition(jctx, st, 'StringEquals', 'aws:PrincipalOrgID', '${' + org.name + '}'),
      ]),
    );
  const node = hit.at.node;
  if (!hit.key && isScalar(node) && String(node.value).trim() === '*') {
    const parentStep = hit.steps[hit.steps.length - 2];
    let edits: TextEdit[] | null = null;
    if (parentStep?.node === st && hit.at.pair && /^principal$/i.test(String(hit.at.pair.key.value)))
      edits = replaceNode(jdoc, node, { AWS: ROOT_SUB });
    else if (hit.at.pair && /^aws$/i.test(String(hit.at.pair.key.value))) edits = replaceNode(jdoc, node, ROOT_SUB);
    else if (
      hit.at.index !== undefined &&
      isSeq(parentStep?.node) &&
      parentStep.pair &&
      /^aws$/i.test(String(parentStep.pair.key.value))
    )
      edits = replaceNode(jdoc, node, ROOT_SUB);
    if (edits)
      out.push(...fix("Replace * with this account's root principal", 'replace-with-account-root', [toSub, edits]));
  }
  return out;
}
