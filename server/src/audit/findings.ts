/**
 * Live-account findings (AJ501-AJ534): the finding, inventory and error types the audit emits.
 * The rules themselves (metadata, docs, checks) are one file each in rules/, listed in
 * rules/registry.ts. Rule ids, slugs and severities follow /shared/design/rules.md ("Live account").
 */
import type { Severity } from '../engine/types';
import { findingOf } from './rules/rule';
import { liveRuleOf } from './rules/registry';

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
  | 'AJ522'
  | 'AJ531'
  | 'AJ532'
  | 'AJ533'
  | 'AJ534';

/** AWS services the audit reads. */
export type AuditService =
  | 'sts'
  | 'iam'
  | 'ec2'
  | 's3'
  | 's3control'
  | 'sqs'
  | 'sns'
  | 'organizations'
  | 'cloudformation';

/** The CloudFormation stack that deployed a live resource, and the resource's logical id in it. */
export interface StackRef {
  name: string;
  /** The stack id (an ARN); empty when only the resource's tags named the stack and they had no id. */
  id: string;
  region: string;
  logicalId: string;
}

/**
 * Where a live finding's resource is written in a workspace (`ajar audit --workspace DIR`): the
 * template (or the CDK construct's source), the logical id, a 0-based range.
 */
export interface FindingSource {
  stack: string;
  logicalId: string;
  /** Relative to the workspace, with forward slashes. */
  path: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
}

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
  /** The stack that deployed the resource (ListStackResources, or CloudFormation's tags). */
  stack?: StackRef;
  /** Where the resource is written in the workspace, when a shell mapped the stack (`ajar audit --workspace`). */
  source?: FindingSource;
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
  /** The stack that deployed the resource (ListStackResources, or CloudFormation's tags). */
  stack?: StackRef;
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

export const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, information: 2 };

/** A finding of a live rule, made outside its check (tests, fixtures). */
export function liveFinding(
  ruleId: LiveRuleId,
  resource: string,
  region: string | null,
  message: string,
  data?: Record<string, unknown>,
): LiveFinding {
  return findingOf(liveRuleOf(ruleId), { resource, region, message, data });
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
