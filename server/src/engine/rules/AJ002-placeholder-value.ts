import { type Node, type Pair, type ScalarNode, isScalar } from '../parse/ast';
import { valueOffsets } from '../parse/sourcemap';
import { ALL_KINDS, type FixContext, type Rule, type RuleContext } from './rule';
import type { Finding, Fix } from '../types';
import { replaceNode } from '../fixes/edit';
import { pathTo } from '../fixes/paths';
import { ref } from '../fixes/render';
import { ORG_PLACEHOLDER, PLACEHOLDER_VALUES, fix } from '../fixes/common';
import { orgParameter } from '../fixes/statement';

/**
 * AJ002: a placeholder one of Ajar's quick fixes inserted is still in the document. The
 * placeholder reason of "Suppress with a reason" is AJ001's (a suppression without a reason).
 */
export const PLACEHOLDER_VALUE: Rule = {
  id: 'AJ002',
  slug: 'placeholder-value',
  severity: 'information',
  title: 'Placeholder left by a quick fix',
  appliesTo: ALL_KINDS,
  fixTitles: ['Use an OrganizationId parameter'],
  docs: {
    what: `A placeholder that one of Ajar's quick fixes inserted and that is still in the document: the organization id \`${ORG_PLACEHOLDER}\` that "Restrict to your organization" writes into an \`aws:PrincipalOrgID\` condition of a policy document, wherever it is written (also inside a policy written as a JSON string). Range: the placeholder text. The placeholder reason of "Suppress with a reason" (\`TODO: ...\`) is AJ001, not AJ002.`,
    why: `A quick fix that needs a value only you know inserts a placeholder and selects it for typing. Left in place it silently changes what the policy means: \`aws:PrincipalOrgID: ${ORG_PLACEHOLDER}\` matches no organization, so the statement allows no one, and the public-access finding it replaced is gone. This reminder stays until the fix is finished.`,
    insecure:
      'Statement:\n  - Effect: Allow\n    Principal: "*"\n    Action: s3:GetObject\n    Resource: arn:aws:s3:::site-assets/*\n    Condition:\n      StringEquals:\n        aws:PrincipalOrgID: o-xxxxxxxxxx\n',
    fixed:
      'Statement:\n  - Effect: Allow\n    Principal: "*"\n    Action: s3:GetObject\n    Resource: arn:aws:s3:::site-assets/*\n    Condition:\n      StringEquals:\n        aws:PrincipalOrgID: o-a1b2c3d4e5\n',
    fix: 'Replace the placeholder with the real value: your organization id (`aws organizations describe-organization --query Organization.Id`). In a template, reference an `OrganizationId` parameter instead (the quick fix adds one), so that each deployment supplies it.',
    notes: [
      'Information, not a warning: the placeholder makes the policy stricter than intended (it allows no one), never more open.',
      'Only the exact placeholder texts Ajar writes are reported; an id that merely looks made up is yours to judge.',
      'No "Suppress" quick fix: the way to clear it is to finish the fix.',
    ],
  },
  fixes: (finding, ctx) => fixesAJ002(finding, ctx),
  check(ctx) {
    const root = ctx.doc.root;
    if (!root) return;
    const stack: { node: Node; pair?: Pair }[] = [{ node: root }];
    let visited = 0;
    while (stack.length) {
      const { node, pair } = stack.pop()!;
      // The parser bounds alias expansion; this bounds the walk whatever the tree holds.
      if (++visited > 2_000_000) return;
      if (node.kind === 'map')
        for (let i = node.pairs.length - 1; i >= 0; i--) stack.push({ node: node.pairs[i].value, pair: node.pairs[i] });
      else if (node.kind === 'seq')
        for (let i = node.items.length - 1; i >= 0; i--) stack.push({ node: node.items[i], pair });
      else if (typeof node.value === 'string' && !node.aliasOf) scan(node, pair, ctx);
    }
  },
};

function scan(node: ScalarNode, pair: Pair | undefined, ctx: RuleContext): void {
  const value = node.value as string;
  for (const p of PLACEHOLDER_VALUES) {
    let i = value.indexOf(p);
    if (i < 0) continue;
    const whole = value.trim() === p;
    const offsets = whole ? null : valueOffsets(node, ctx.doc.text);
    for (; i >= 0; i = value.indexOf(p, i + p.length)) {
      const span = whole
        ? node.span
        : offsets
          ? { start: offsets[i], end: Math.max(offsets[i] + 1, offsets[i + p.length - 1] + 1) }
          : node.span;
      const key = pair && isScalar(pair.key) && whole ? String(pair.key.value) : undefined;
      ctx.report({
        span,
        message:
          p === ORG_PLACEHOLDER
            ? `${p} is a placeholder${key ? ` in ${key}` : ''}, not your organization id: replace it with yours (o-...); until then the condition matches no organization and the statement allows no one`
            : `${p} is a placeholder a quick fix inserted: replace it with the real value`,
        data: { placeholder: p, ...(key ? { key } : {}) },
      });
      if (whole || !offsets) break;
    }
  }
}

/** In a template: reference an `OrganizationId` parameter instead of the placeholder. */
function fixesAJ002(finding: Finding, ctx: FixContext): Fix[] {
  if (!ctx.template || finding.data?.placeholder !== ORG_PLACEHOLDER) return [];
  const { steps } = pathTo(ctx.doc.root, finding.span);
  const node = steps[steps.length - 1]?.node;
  // Only a scalar that is the placeholder itself, not one inside a longer string.
  if (
    !node ||
    !isScalar(node) ||
    node.tag ||
    node.span.start !== finding.span.start ||
    node.span.end !== finding.span.end
  )
    return [];
  if (steps[1]?.pair?.key.value === 'Parameters') return [];
  const org = orgParameter(ctx);
  if (!org) return [];
  return fix(`Use the ${org.name} parameter`, 'use-organization-parameter', [
    org.edits,
    replaceNode(ctx.doc, node, ref(org.name)),
  ]);
}
