/**
 * A hand-built audit of two accounts and a failed profile, with known posture counts: shared by
 * the posture unit tests and the report renderer tests.
 */
import { liveFinding, type InventoryItem, type LiveRuleId } from '../../server/src/audit/findings';
import type { PostureInput } from '../../server/src/audit/posture';

export const A = '111111111111';
export const B = '222222222222';

const user = (acct: string, name: string, activeKeys: number): InventoryItem => ({
  service: 'iam',
  region: null,
  id: `arn:aws:iam::${acct}:user/${name}`,
  arn: `arn:aws:iam::${acct}:user/${name}`,
  label: name,
  description: '',
  facts: { activeKeys },
});
export const root = (acct: string, rootUsageRead: boolean): InventoryItem => ({
  service: 'iam',
  region: null,
  id: `arn:aws:iam::${acct}:root`,
  label: 'root',
  description: '',
  facts: { rootUsageRead },
});
const instance = (acct: string, id: string, state: string, unread = false): InventoryItem => ({
  service: 'ec2',
  region: 'us-east-1',
  id: `arn:aws:ec2:us-east-1:${acct}:instance/${id}`,
  label: id,
  description: '',
  facts: { state, ...(unread ? { unread: true } : {}) },
});
const bucket = (name: string, unread = false): InventoryItem => ({
  service: 's3',
  region: null,
  id: `arn:aws:s3:::${name}`,
  label: name,
  description: '',
  ...(unread ? { facts: { unread: true } } : {}),
});
const policyResource = (service: 'sns' | 'sqs', acct: string, name: string): InventoryItem => ({
  service,
  region: 'us-east-1',
  id: `arn:aws:${service}:us-east-1:${acct}:${name}`,
  label: name,
  description: '',
});
const f = (rule: LiveRuleId, resource: string, message = `${rule} on ${resource}`, region: string | null = null) =>
  liveFinding(rule, resource, region, message);

export function postureInput(): PostureInput {
  const u = (acct: string, n: string) => `arn:aws:iam::${acct}:user/${n}`;
  return {
    asOf: '2025-01-01T00:00:00.000Z',
    accounts: [
      {
        accountId: A,
        alias: 'prod',
        profiles: ['prod'],
        regions: ['us-east-1'],
        resources: [
          root(A, true),
          user(A, 'u1', 0),
          user(A, 'u2', 1),
          user(A, 'u3', 2),
          user(A, 'u4', 1),
          instance(A, 'i-1', 'running'),
          instance(A, 'i-2', 'stopped'),
          instance(A, 'i-3', 'pending'),
          instance(A, 'i-4', 'running', true),
          bucket('b1'),
          bucket('b2'),
          bucket('b3', true),
          { service: 's3', region: null, id: A, label: 'Account Block Public Access', description: '' },
          policyResource('sns', A, 't1'),
        ],
        findings: [
          f('AJ501', `arn:aws:iam::${A}:root`),
          f('AJ503', `arn:aws:iam::${A}:root`),
          f('AJ511', u(A, 'u1')),
          f('AJ512', u(A, 'u2'), 'access key 1 of IAM user u2 not used'),
          f('AJ513', u(A, 'u2')),
          f('AJ512', u(A, 'u3'), 'access key 1 of IAM user u3 not used'),
          f('AJ512', u(A, 'u3'), 'access key 2 of IAM user u3 not used'),
          f('AJ513', u(A, 'u3')),
          f('AJ514', u(A, 'u3')),
          f('AJ521', `arn:aws:ec2:us-east-1:${A}:instance/i-1`, 'i-1 accepts IMDSv1', 'us-east-1'),
          f('AJ521', `arn:aws:ec2:us-east-1:${A}:instance/i-3`, 'i-3 accepts IMDSv1', 'us-east-1'),
          f('AJ531', 'arn:aws:s3:::b1', 'policy public', 'us-east-1'),
          f('AJ531', 'arn:aws:s3:::b1', 'ACL public', 'us-east-1'),
          f('AJ534', A),
          f('AJ533', `arn:aws:sns:us-east-1:${A}:t1`, 'topic public', 'us-east-1'),
        ],
        errors: [
          { service: 'ec2', region: 'eu-west-1', message: 'could not list EC2 instances (DescribeInstances): boom' },
        ],
      },
      {
        accountId: B,
        profiles: ['dev'],
        regions: ['us-east-1'],
        resources: [root(B, false), user(B, 'v1', 0), policyResource('sqs', B, 'q1')],
        findings: [],
        errors: [],
      },
      {
        accountId: null,
        profiles: ['broken'],
        resources: [],
        findings: [],
        errors: [{ service: 'sts', region: 'us-east-1', message: 'no usable credentials for profile "broken"' }],
      },
    ],
  };
}
