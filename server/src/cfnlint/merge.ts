/**
 * Where cfn-lint and Ajar report the same problem at the same place, show one: Ajar's (it comes
 * first, carries quick fixes and follows Ajar's suppressions). Everything else from cfn-lint stays.
 *
 * "The same problem" is an explicit table: a cfn-lint rule counts as a duplicate only of the Ajar
 * rules listed here, never by message similarity. "The same place" depends on how the two tools
 * point at it:
 *   - 'line'     the ranges overlap, or start on the same line (cfn-lint often marks the key,
 *                Ajar the value: `Password: hunter2` is one place);
 *   - 'nearby'   within one line (two parsers point at a syntax error a line apart);
 *   - 'resource' the same resource (cfn-lint marks the resource's Properties, Ajar the property).
 * Whatever the place, a cfn-lint diagnostic on the declaration of parameter P (path
 * `['Parameters', P]`) is the same place as an Ajar finding whose node refers to P (`parametersOf`):
 * W2501 says "parameter P used as Password should be NoEcho" at P, AJ305 says "the password comes
 * from parameter P, which has no NoEcho" at the `!Ref P`: one problem, shown once, at Ajar's place.
 */
import type { CfnDiag, Range } from './types';

export type SamePlace = 'line' | 'nearby' | 'resource';

export interface Overlap {
  ajar: string;
  cfnLint: string[];
  place: SamePlace;
  why: string;
}

export const OVERLAPS: readonly Overlap[] = [
  {
    ajar: 'AJ000',
    cfnLint: ['E0000'],
    place: 'nearby',
    why: 'both: the document cannot be parsed',
  },
  {
    ajar: 'AJ111',
    cfnLint: ['E3045'],
    place: 'resource',
    why: "a public AccessControl on a bucket without OwnershipControls: Ajar's message already says S3's defaults make the deployment fail",
  },
  {
    ajar: 'AJ305',
    cfnLint: ['W2501', 'W1011'],
    place: 'line',
    why: 'a console password readable in the template or the stack (hard-coded, or a parameter without NoEcho)',
  },
];

/** The minimum an Ajar finding needs for merging (the engine's Finding fits). */
export interface AjarFindingLike {
  ruleId: string;
  range: Range;
  /** Logical id of the resource holding the finding, when known. */
  resource?: string | null;
}

const byCfnRule = new Map<string, Overlap[]>();
for (const o of OVERLAPS) for (const r of o.cfnLint) byCfnRule.set(r, [...(byCfnRule.get(r) ?? []), o]);

export interface MergeOptions<F extends AjarFindingLike> {
  /** The parameters an Ajar finding's node refers to (`!Ref P` inside it); asked only when needed. */
  parametersOf?: (finding: F) => readonly string[];
}

/** cfn-lint's diagnostics less those that duplicate an Ajar finding. */
export function mergeWithAjar<D extends CfnDiag, F extends AjarFindingLike = AjarFindingLike>(
  ajar: readonly F[],
  cfn: readonly D[],
  options: MergeOptions<F> = {},
): D[] {
  if (ajar.length === 0) return [...cfn];
  return cfn.filter((d) => {
    const overlaps = byCfnRule.get(d.code);
    if (!overlaps) return true;
    const param = parameterOf(d);
    return !overlaps.some((o) =>
      ajar.some(
        (f) =>
          f.ruleId === o.ajar &&
          ((param !== null && !!options.parametersOf?.(f).includes(param)) || samePlace(o.place, f, d)),
      ),
    );
  });
}

/** The parameter whose declaration a cfn-lint diagnostic is on, or null. */
function parameterOf(d: CfnDiag): string | null {
  const p = d.path;
  return p && p.length === 2 && p[0] === 'Parameters' && typeof p[1] === 'string' ? p[1] : null;
}

function samePlace(place: SamePlace, f: AjarFindingLike, d: CfnDiag): boolean {
  switch (place) {
    case 'line':
      return rangesOverlap(f.range, d.range) || f.range.start.line === d.range.start.line;
    case 'nearby':
      return rangesOverlap(f.range, d.range) || Math.abs(f.range.start.line - d.range.start.line) <= 1;
    case 'resource': {
      const res = resourceOf(d);
      if (f.resource && res) return f.resource === res;
      return rangesOverlap(f.range, d.range) || f.range.start.line === d.range.start.line;
    }
  }
}

function resourceOf(d: CfnDiag): string | null {
  const p = d.path;
  return p && p[0] === 'Resources' && typeof p[1] === 'string' ? p[1] : null;
}

function before(a: { line: number; character: number }, b: { line: number; character: number }): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

/** Ranges share at least a point (touching ranges count). */
export function rangesOverlap(a: Range, b: Range): boolean {
  return !before(a.end, b.start) && !before(b.end, a.start);
}
