/**
 * Live-account findings (AJ501-AJ534): the finding type the audit emits and the rule metadata
 * (id, slug, severity, title, docs) shared by the CLI, the language server and the Accounts view.
 * Rule ids, slugs and severities follow /shared/design/rules.md ("Live account").
 */
import type { Severity } from '../engine/types';

export type { Severity };

export type LiveRuleId =
  | 'AJ501'
  | 'AJ502'
  | 'AJ503'
  | 'AJ511'
  | 'AJ512'
  | 'AJ513'
  | 'AJ514'
  | 'AJ521'
  | 'AJ531'
  | 'AJ532'
  | 'AJ533'
  | 'AJ534';

/** AWS services the audit reads. */
export type AuditService = 'sts' | 'iam' | 'ec2' | 's3' | 's3control' | 'sqs' | 'sns';

export interface LiveFinding {
  ruleId: LiveRuleId;
  rule: string; // slug
  severity: Severity;
  message: string;
  /** ARN of the resource (user, root, instance, bucket, queue, topic) or the account id. */
  resource: string;
  /** Region of the resource; null for global resources (IAM, account-level S3 settings). */
  region: string | null;
  /** Extra facts for tests and machine output; never secrets. */
  data?: Record<string, unknown>;
}

/** Services whose resources the audit inventories (IAM covers the root user and the users). */
export type InventoryService = 'iam' | 'ec2' | 's3' | 'sqs' | 'sns';

/** One resource the audit inspected, clean or not: what the Accounts view lists. */
export interface InventoryResource {
  /** ARN, or the account id for account-level settings (S3 Block Public Access). */
  id: string;
  arn?: string;
  label: string;
  /** The key fact: "console, MFA; key 412 days old, unused 45 days", "t3.micro, IMDSv2 required". */
  description: string;
  /** What the description is based on, one fact per line (never secrets). */
  evidence?: string[];
  /** Facts the posture figures count by (audit/posture.ts), where the description alone is not enough. */
  facts?: InventoryFacts;
}
/** Structured facts about an inventoried resource (never secrets). */
export interface InventoryFacts {
  /** IAM users: active access keys. */
  activeKeys?: number;
  /** The root user: whether its credential report row (last use of password and keys) was read. */
  rootUsageRead?: boolean;
  /** EC2 instances: the instance state (running, stopped, pending, stopping). */
  state?: string;
  /** What the resource is judged on (policy, ACL, metadata options) could not be read. */
  unread?: boolean;
}
export interface InventoryItem extends InventoryResource {
  service: InventoryService;
  /** null for global resources (IAM, account settings) and buckets whose region was not read. */
  region: string | null;
}

/** Something the audit could not read: the node it belongs to says what and why. */
export interface AuditError {
  service: AuditService;
  region: string | null;
  message: string;
  /** SDK error name or code when known (AccessDenied, ThrottlingException, ...). */
  code?: string;
}

export interface LiveRule {
  id: LiveRuleId;
  slug: string;
  severity: Severity;
  title: string;
  service: AuditService;
  /** Why it matters and how to fix it (plain text, a few sentences). */
  docs: string;
}

export const LIVE_RULES: Record<LiveRuleId, LiveRule> = {
  AJ501: {
    id: 'AJ501',
    slug: 'root-access-key-present',
    severity: 'error',
    title: 'The root user has an access key',
    service: 'iam',
    docs:
      "Evidence: GetAccountSummary AccountAccessKeysPresent, or an active key on the credential report's <root_account> row. " +
      'A root access key has unrestricted power over the account and cannot be limited by IAM policies. ' +
      'Delete it (Security credentials page of the root user) and use IAM roles or IAM Identity Center instead.',
  },
  AJ502: {
    id: 'AJ502',
    slug: 'root-mfa-disabled',
    severity: 'error',
    title: 'The root user has no MFA',
    service: 'iam',
    docs:
      'Evidence: GetAccountSummary AccountMFAEnabled = 0. Anyone with the root password controls the account. ' +
      'Enable a hardware or virtual MFA device (or passkey) for the root user. When the credential report has no ' +
      '<root_account> row (emulators), the root MFA state is reported as unreadable instead of guessed.',
  },
  AJ503: {
    id: 'AJ503',
    slug: 'root-used-recently',
    severity: 'warning',
    title: 'The root user was used recently',
    service: 'iam',
    docs:
      "Evidence: the credential report's <root_account> row shows the password or an access key used within the " +
      'configured number of days (default 30). Day-to-day work should use IAM roles or IAM Identity Center; keep root for ' +
      'the few tasks that require it.',
  },
  AJ511: {
    id: 'AJ511',
    slug: 'user-console-without-mfa',
    severity: 'error',
    title: 'IAM user with console access and no MFA',
    service: 'iam',
    docs:
      'Evidence: credential report password_enabled = true and mfa_active = false. A leaked password alone opens the ' +
      'console. Assign an MFA device to the user, or remove the console password, or move people to IAM Identity Center.',
  },
  AJ512: {
    id: 'AJ512',
    slug: 'user-credentials-unused',
    severity: 'warning',
    title: 'IAM user credential unused',
    service: 'iam',
    docs:
      'Evidence: an active console password or access key not used for the configured number of days (default 90); a ' +
      'credential never used counts from its creation. Unused credentials are pure risk: deactivate or delete them.',
  },
  AJ513: {
    id: 'AJ513',
    slug: 'access-key-not-rotated',
    severity: 'warning',
    title: 'Access key not rotated',
    service: 'iam',
    docs:
      'Evidence: an active access key older than the configured number of days (default 90, credential report ' +
      'access_key_N_last_rotated). Rotate it, or better replace it with temporary credentials (roles, IAM Identity ' +
      'Center, OIDC federation for CI).',
  },
  AJ514: {
    id: 'AJ514',
    slug: 'access-key-stale',
    severity: 'warning',
    title: 'Old access key not used recently',
    service: 'iam',
    docs:
      'Evidence: an active access key older than the configured number of days (default 365) and not used within the ' +
      'configured number of days (default 30). Nobody depends on it: deactivate it, then delete it.',
  },
  AJ521: {
    id: 'AJ521',
    slug: 'instance-imdsv2-not-enforced',
    severity: 'warning',
    title: 'EC2 instance does not require IMDSv2',
    service: 'ec2',
    docs:
      'Evidence: DescribeInstances MetadataOptions.HttpTokens is not "required" while the metadata endpoint is enabled. ' +
      "IMDSv1 lets SSRF bugs read the instance role's credentials. Fix: aws ec2 modify-instance-metadata-options " +
      '--instance-id ID --http-tokens required (and require IMDSv2 in launch templates).',
  },
  AJ531: {
    id: 'AJ531',
    slug: 's3-bucket-public',
    severity: 'error',
    title: 'S3 bucket is public',
    service: 's3',
    docs:
      "Evidence: the bucket policy is public under AJ101's rules (same policy evaluator), or the bucket ACL grants to " +
      "AllUsers or AuthenticatedUsers, and neither the bucket's nor the account's public access block neutralises it " +
      '(RestrictPublicBuckets for policies, IgnorePublicAcls for ACLs). Remove the grant, or turn on Block Public Access.',
  },
  AJ532: {
    id: 'AJ532',
    slug: 'sqs-queue-public',
    severity: 'error',
    title: 'SQS queue policy is public',
    service: 'sqs',
    docs:
      "Evidence: the queue's Policy attribute is public under AJ101's rules. Restrict the principal to accounts you " +
      'trust, or add a condition such as aws:SourceArn or aws:SourceAccount.',
  },
  AJ533: {
    id: 'AJ533',
    slug: 'sns-topic-public',
    severity: 'error',
    title: 'SNS topic policy is public',
    service: 'sns',
    docs:
      "Evidence: the topic's Policy attribute is public under AJ101's rules. The default topic policy (AWS:* limited by " +
      'AWS:SourceOwner) is not public. Restrict the principal, or add a condition such as aws:SourceArn or ' +
      'aws:SourceAccount.',
  },
  AJ534: {
    id: 'AJ534',
    slug: 's3-account-public-access-block-off',
    severity: 'warning',
    title: 'Account-level S3 Block Public Access is off',
    service: 's3control',
    docs:
      'Evidence: S3 Control GetPublicAccessBlock for the account is missing or has a flag set to false. Turn on all four ' +
      'flags unless the account deliberately serves public buckets.',
  },
};

export const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, information: 2 };

export function liveFinding(
  ruleId: LiveRuleId,
  resource: string,
  region: string | null,
  message: string,
  data?: Record<string, unknown>,
): LiveFinding {
  const rule = LIVE_RULES[ruleId];
  const f: LiveFinding = { ruleId, rule: rule.slug, severity: rule.severity, message, resource, region };
  if (data && Object.keys(data).length) f.data = data;
  return f;
}

/** Stable order: rule id, then resource, region and message. */
export function compareFindings(a: LiveFinding, b: LiveFinding): number {
  return (
    cmp(a.ruleId, b.ruleId) ||
    cmp(a.resource, b.resource) ||
    cmp(a.region ?? '', b.region ?? '') ||
    cmp(a.message, b.message)
  );
}

export function compareErrors(a: AuditError, b: AuditError): number {
  return cmp(a.service, b.service) || cmp(a.region ?? '', b.region ?? '') || cmp(a.message, b.message);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
