import type { Rule } from './rule';
import { ALL_KINDS } from './rule';

/** Reported by the engine itself (lint.ts) when a template or policy cannot be read. */
export const UNREADABLE: Rule = {
  id: 'AJ000',
  slug: 'unreadable-document',
  severity: 'error',
  title: 'Template or policy cannot be read',
  appliesTo: ALL_KINDS,
  docs: {
    what: "A document that looks like a template or policy (by its file name, or by what could be read of it) but cannot be parsed, or exceeds a safety bound: 8 MB of text, 500 levels of nesting, or 100,000 nodes added by YAML alias expansion. The finding carries the parser's message at the parser's position. What can still be read of a partly broken template is still linted. A key written twice in one mapping is reported at the repeat, naming the line of the first, and the template is linted with the last value, as cfn-lint and PyYAML read it. A file that is not YAML or JSON at all (a Visual Studio `.sln.template`, a Jinja or cookiecutter file) is not a template, whatever its name: no finding.",
    why: 'A template Ajar cannot read is a template Ajar cannot vouch for. Silently skipping it would hide every other finding; crashing or hanging on it would take the editor down with it. Hostile input (alias bombs, deep nesting, binary files) is treated as normal input.',
    insecure: 'Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n    Properties: {BucketName: [unclosed\n',
    fixed: 'Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n    Properties: {BucketName: my-bucket}\n',
    fix: 'Fix the syntax error at the reported position; split very large generated templates; remove alias chains that expand exponentially.',
  },
  check() {
    /* engine-level */
  },
};
