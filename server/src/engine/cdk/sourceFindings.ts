/**
 * CDK findings as the editor shows them in the app's own source: one entry per place a finding
 * is shown (its construct's source, or each candidate when the ids are ambiguous), the message
 * naming the synthesized construct, the template node kept for `relatedInformation`. Pure: the
 * constructs come from `CdkLocator` (through `constructsOf`), paths are shown relative to the app.
 */
import { relative } from 'node:path';
import type { Finding, Range } from '../types';
import type { ConstructInfo, SourceLocation } from './locate';

/** The construct path as CDK users name it: without the library's `Resource`/`Default` child. */
export function constructName(path: string): string {
  return path.replace(/\/(Resource|Default)$/, '');
}

/** The note on a finding whose source changed after the assembly was written. */
export function staleNote(shownPath: string): string {
  return ` (synthesized before your last edit to ${shownPath})`;
}

export interface SourceFinding {
  /** The template's finding, and its index among the template's findings. */
  finding: Finding;
  index: number;
  construct: ConstructInfo;
  /** Where it is shown: the construct's source, or one of its candidates. */
  file: string;
  range: Range;
  via: 'trace' | 'id' | 'candidate';
  stale: boolean;
  /** The other candidates, when this is one of several. */
  others: SourceLocation[];
  /** `StorageStack/Reports/Policy: Anyone can s3:GetObject on bucket ...` */
  message: string;
}

/**
 * The source findings of one template: every finding with a construct whose source (or
 * candidates) is known. `root` is the app root (the folder of cdk.json) paths are shown from.
 */
export function sourceFindingsOf(
  findings: readonly Finding[],
  constructs: ReadonlyMap<Finding, ConstructInfo | null>,
  root: string,
): SourceFinding[] {
  const out: SourceFinding[] = [];
  const shown = (file: string) => relative(root, file).split('\\').join('/') || file;
  findings.forEach((finding, index) => {
    const construct = constructs.get(finding);
    if (!construct) return;
    const name = constructName(construct.path);
    if (construct.source) {
      const stale = !!construct.source.stale;
      out.push({
        finding,
        index,
        construct,
        file: construct.source.file,
        range: construct.source.range,
        via: construct.source.via,
        stale,
        others: [],
        message: `${name}: ${finding.message}${stale ? staleNote(shown(construct.source.file)) : ''}`,
      });
      return;
    }
    const cands = construct.candidates ?? [];
    for (const c of cands) {
      out.push({
        finding,
        index,
        construct,
        file: c.file,
        range: c.range,
        via: 'candidate',
        stale: false,
        others: cands.filter((o) => o !== c),
        message: `${name}: ${finding.message} (one of ${cands.length} places that create this construct id)`,
      });
    }
  });
  return out;
}
