/**
 * cfn-lint's own size limit. cfn-lint reports E1002 on a template file over 1,000,000 bytes (the
 * CloudFormation template body limit, `cfnlint.helpers.LIMITS['template']['body']`), but only
 * after running every other rule on it: minutes on a 1 MB template, with nothing to show for it
 * but "too large". Ajar does not start it on such a text and says so with one information
 * diagnostic on the first line instead: it stays with the document (in Problems, where cfn-lint's
 * findings would be) and goes away when the file shrinks, where a pop-up would repeat per edit.
 */
import type { CfnDiag } from './types';

/** cfn-lint's limit, bytes of the file (UTF-8). */
export const CFN_LINT_MAX_BYTES = 1_000_000;

const LIMITS_DOCS = 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html';

/** UTF-8 length of `text` as the file on disk has it (a BOM is 3 bytes there too). */
export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Why cfn-lint is not run on `text`, as one line; null when it is within the limit. */
export function tooLargeForCfnLint(text: string): string | null {
  if (text.length <= CFN_LINT_MAX_BYTES / 3) return null; // at most 3 bytes per UTF-16 unit
  const bytes = utf8Bytes(text);
  if (bytes <= CFN_LINT_MAX_BYTES) return null;
  return `cfn-lint was not run on this template: it is ${bytes.toLocaleString('en-US')} bytes, over the ${CFN_LINT_MAX_BYTES.toLocaleString('en-US')} bytes cfn-lint reads (its E1002, also CloudFormation's limit for a template body). Ajar's own findings cover the whole file.`;
}

/** The information diagnostic saying so, on the first line of `text`. */
export function tooLargeDiagnostic(text: string, message: string): CfnDiag {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const eol = body.search(/\r|\n/);
  const end = Math.max(0, Math.min(eol < 0 ? body.length : eol, 200));
  return {
    code: 'E1002',
    message,
    severity: 'information',
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: end } },
    source: 'cfn-lint',
    href: LIMITS_DOCS,
  };
}
