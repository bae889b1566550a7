/**
 * Every live rule, in id order. Adding a live check: one new file here, one line in this list,
 * and a call from the collector that reads its facts. The CLI, the SARIF rule list, docs/rules/
 * and the language server's ajar/ruleDocs all read this list (through server/src/catalog.ts).
 */
import type { LiveRuleId } from '../findings';
import type { LiveRule } from './rule';
import { ROOT_ACCESS_KEY_PRESENT } from './AJ501-root-access-key-present';
import { ROOT_MFA_DISABLED } from './AJ502-root-mfa-disabled';
import { ROOT_USED_RECENTLY } from './AJ503-root-used-recently';
import { USER_CONSOLE_WITHOUT_MFA } from './AJ511-user-console-without-mfa';
import { USER_CREDENTIALS_UNUSED } from './AJ512-user-credentials-unused';
import { ACCESS_KEY_NOT_ROTATED } from './AJ513-access-key-not-rotated';
import { ACCESS_KEY_STALE } from './AJ514-access-key-stale';
import { INSTANCE_IMDSV2_NOT_ENFORCED } from './AJ521-instance-imdsv2-not-enforced';
import { REGION_IMDS_DEFAULT_ALLOWS_V1 } from './AJ522-region-imds-default-allows-v1';
import { S3_BUCKET_PUBLIC } from './AJ531-s3-bucket-public';
import { SQS_QUEUE_PUBLIC } from './AJ532-sqs-queue-public';
import { SNS_TOPIC_PUBLIC } from './AJ533-sns-topic-public';
import { S3_ACCOUNT_PUBLIC_ACCESS_BLOCK_OFF } from './AJ534-s3-account-public-access-block-off';

export const LIVE_RULES: readonly LiveRule[] = [
  ROOT_ACCESS_KEY_PRESENT,
  ROOT_MFA_DISABLED,
  ROOT_USED_RECENTLY,
  USER_CONSOLE_WITHOUT_MFA,
  USER_CREDENTIALS_UNUSED,
  ACCESS_KEY_NOT_ROTATED,
  ACCESS_KEY_STALE,
  INSTANCE_IMDSV2_NOT_ENFORCED,
  REGION_IMDS_DEFAULT_ALLOWS_V1,
  S3_BUCKET_PUBLIC,
  SQS_QUEUE_PUBLIC,
  SNS_TOPIC_PUBLIC,
  S3_ACCOUNT_PUBLIC_ACCESS_BLOCK_OFF,
];

const byKey = new Map<string, LiveRule>();
for (const r of LIVE_RULES) {
  byKey.set(r.id, r);
  byKey.set(r.slug, r);
}

/** A live rule by id (`AJ501`, any case) or slug (`root-access-key-present`). */
export function liveRule(key: string): LiveRule | undefined {
  return byKey.get(key) ?? byKey.get(key.toUpperCase());
}

/** The live rule of an id the audit emits. */
export function liveRuleOf(id: LiveRuleId): LiveRule {
  return byKey.get(id)!;
}
