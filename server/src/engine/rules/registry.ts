/**
 * Every rule, in id order. Adding a rule: one new file, one line here.
 * Settings, the SARIF rule list and docs/rules/ are all generated from this list.
 */
import type { Rule } from './rule';
import { UNREADABLE } from './AJ000-unreadable-document';
import { SUPPRESSION_WITHOUT_REASON } from './AJ001-suppression-without-reason';
import { PLACEHOLDER_VALUE } from './AJ002-placeholder-value';
import { PUBLIC_RESOURCE_POLICY } from './AJ101-public-resource-policy';
import { PUBLIC_ROLE_TRUST } from './AJ102-public-role-trust';
import { PUBLIC_LAMBDA_INVOKE } from './AJ103-public-lambda-invoke';
import { S3_PUBLIC_ACL } from './AJ111-s3-public-acl';
import { S3_PUBLIC_ACCESS_BLOCK_DISABLED } from './AJ112-s3-public-access-block-disabled';
import { IMDSV2_NOT_ENFORCED } from './AJ201-imdsv2-not-enforced';
import { LONG_LIVED_ACCESS_KEY } from './AJ301-long-lived-access-key';
import { ACCESS_KEY_SECRET_IN_OUTPUTS } from './AJ302-access-key-secret-in-outputs';
import { HARDCODED_ACCESS_KEY } from './AJ303-hardcoded-access-key';
import { CONSOLE_USER_WITHOUT_MFA } from './AJ304-console-user-without-mfa';
import { PLAINTEXT_CONSOLE_PASSWORD } from './AJ305-plaintext-console-password';

export const RULES: readonly Rule[] = [
  UNREADABLE,
  SUPPRESSION_WITHOUT_REASON,
  PLACEHOLDER_VALUE,
  PUBLIC_RESOURCE_POLICY,
  PUBLIC_ROLE_TRUST,
  PUBLIC_LAMBDA_INVOKE,
  S3_PUBLIC_ACL,
  S3_PUBLIC_ACCESS_BLOCK_DISABLED,
  IMDSV2_NOT_ENFORCED,
  LONG_LIVED_ACCESS_KEY,
  ACCESS_KEY_SECRET_IN_OUTPUTS,
  HARDCODED_ACCESS_KEY,
  CONSOLE_USER_WITHOUT_MFA,
  PLAINTEXT_CONSOLE_PASSWORD,
];

const byKey = new Map<string, Rule>();
for (const r of RULES) {
  byKey.set(r.id, r);
  byKey.set(r.slug, r);
}

export function ruleByIdOrSlug(key: string): Rule | undefined {
  return byKey.get(key) ?? byKey.get(key.toUpperCase());
}

/** Where each rule's page lives (SARIF helpUri, LSP codeDescription). */
export const DOCS_BASE = 'https://github.com/ajar-dev/ajar/blob/main/docs/rules/';
export function ruleDocsUrl(id: string): string {
  return `${DOCS_BASE}${id}.md`;
}
