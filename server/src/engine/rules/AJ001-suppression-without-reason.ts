import type { Rule } from './rule';
import { TEMPLATE_KINDS } from './rule';

/** Reported by the engine (lint.ts) for `Metadata.ajar.ignore` entries that lack a reason. */
export const SUPPRESSION_WITHOUT_REASON: Rule = {
  id: 'AJ001',
  slug: 'suppression-without-reason',
  severity: 'warning',
  title: 'Suppression without a reason',
  appliesTo: TEMPLATE_KINDS,
  docs: {
    what: 'A resource\'s `Metadata: {ajar: {ignore: [...]}}` entry that names a rule but gives no `reason`, a blank one, or still the placeholder `TODO: ...` that "Suppress with a reason" inserts (the same for `.ajar.yaml` `ignores`, `ignorePaths` and rules turned `off`). The suppression still applies; this finding asks for the reason. Range: the entry\'s `rule` value.',
    why: 'Suppressions are security decisions. A reviewer must be able to see why a public bucket policy or a static key was accepted; an unexplained suppression is indistinguishable from a mistake.',
    insecure:
      'Resources:\n  SiteBucketPolicy:\n    Type: AWS::S3::BucketPolicy\n    Metadata:\n      ajar:\n        ignore:\n          - rule: AJ101\n',
    fixed:
      'Resources:\n  SiteBucketPolicy:\n    Type: AWS::S3::BucketPolicy\n    Metadata:\n      ajar:\n        ignore:\n          - rule: AJ101\n            reason: Public static website, objects are public by design\n',
    fix: 'Add a `reason` that says why the finding is acceptable (replace the `TODO: ...` placeholder the quick fix wrote).',
    notes: [
      "A reason that starts with `TODO` is the quick fix's placeholder, not a reason: the quick fix selects it for typing, and AJ001 stays until it is replaced.",
    ],
  },
  check() {
    /* engine-level */
  },
};
