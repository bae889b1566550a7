/**
 * CDK: every finding in a synthesized template at the construct in the app's own source.
 * `locate.ts` does the mapping; this file ties it to findings and the template model.
 */
import { get, isScalar } from '../parse/ast';
import type { Template } from '../model/template';
import type { Finding } from '../types';
import type { CdkLocator, ConstructInfo } from './locate';

export { CdkLocator } from './locate';
export type { ConstructInfo, ConstructSource, SourceLocation } from './locate';
export { findCdkApp, readCdkJson, type CdkApp } from './assembly';
export { constructName, sourceFindingsOf, staleNote, type SourceFinding } from './sourceFindings';

/** A resource's `Metadata` `aws:cdk:path`, as the CDK CLI writes it. */
export function cdkPathOf(template: Template | undefined, logicalId: string): string | null {
  const md = template?.resources.get(logicalId)?.metadata;
  const p = get(md, 'aws:cdk:path');
  return isScalar(p) && typeof p.value === 'string' ? p.value : null;
}

/**
 * The construct of each finding of a CDK template (by logical id, so findings on the same
 * resource share one look-up); null for findings outside any construct or with no construct path.
 */
export function constructsOf(
  locator: CdkLocator,
  fileName: string,
  template: Template | undefined,
  findings: readonly Finding[],
): Map<Finding, ConstructInfo | null> {
  return constructsByPaths(locator, fileName, cdkPathsOf(template, findings), findings);
}

/** The `aws:cdk:path` of each resource with a finding (a small map to keep instead of the template model). */
export function cdkPathsOf(template: Template | undefined, findings: readonly Finding[]): Map<string, string | null> {
  const out = new Map<string, string | null>();
  for (const f of findings)
    if (f.resource && !out.has(f.resource)) out.set(f.resource, cdkPathOf(template, f.resource));
  return out;
}

/** `constructsOf` with the construct paths read beforehand (`cdkPathsOf`); unknown ids use the assembly's. */
export function constructsByPaths(
  locator: CdkLocator,
  fileName: string,
  cdkPaths: ReadonlyMap<string, string | null>,
  findings: readonly Finding[],
): Map<Finding, ConstructInfo | null> {
  const byId = new Map<string, ConstructInfo | null>();
  const out = new Map<Finding, ConstructInfo | null>();
  for (const f of findings) {
    if (!f.resource) {
      out.set(f, null);
      continue;
    }
    let info = byId.get(f.resource);
    if (info === undefined) {
      try {
        info = locator.locate(fileName, f.resource, cdkPaths.get(f.resource) ?? null);
      } catch {
        info = null; // a mapping failure never costs the finding
      }
      byId.set(f.resource, info);
    }
    out.set(f, info);
  }
  return out;
}
