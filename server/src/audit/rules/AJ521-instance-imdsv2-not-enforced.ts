import type { Instance } from '@aws-sdk/client-ec2';
import { cisControl, type LiveRule } from './rule';

export interface InstanceFacts {
  accountId: string;
  region: string;
  instance: Instance;
}

/** Instances that are gone or going: not judged, not listed. */
export const SKIPPED_STATES = new Set(['terminated', 'shutting-down']);

export const INSTANCE_IMDSV2_NOT_ENFORCED: LiveRule<InstanceFacts> = {
  scope: 'live',
  id: 'AJ521',
  slug: 'instance-imdsv2-not-enforced',
  severity: 'warning',
  title: 'EC2 instance does not require IMDSv2',
  category: 'ec2',
  cis: cisControl('5.6', 'Ensure that EC2 Metadata Service only allows IMDSv2'),
  docs: {
    what: '`DescribeInstances` shows an instance (not terminated or shutting down) whose `MetadataOptions.HttpTokens` is not `required` while `HttpEndpoint` is enabled: the instance metadata service answers IMDSv1 requests. On the instance ARN, in its region.',
    why: "Datadog's State of AWS Security found that 93% of EC2 instances did not enforce IMDSv2 (95% of organizations had one). With IMDSv1, a server-side request forgery bug or an open proxy on the instance is enough to read the instance role's credentials from `169.254.169.254`.",
    exampleLanguage: 'json',
    insecure:
      '{\n  "InstanceId": "i-0123456789abcdef0",\n  "State": { "Name": "running" },\n  "MetadataOptions": {\n    "HttpTokens": "optional",\n    "HttpEndpoint": "enabled",\n    "HttpPutResponseHopLimit": 1\n  }\n}\n',
    fixed:
      '{\n  "InstanceId": "i-0123456789abcdef0",\n  "State": { "Name": "running" },\n  "MetadataOptions": {\n    "HttpTokens": "required",\n    "HttpEndpoint": "enabled",\n    "HttpPutResponseHopLimit": 1\n  }\n}\n',
    fix: "Require IMDSv2 on the instance (it takes effect at once, no restart). Check first that the software on it uses IMDSv2 (current AWS SDKs and the CLI do; the `MetadataNoToken` CloudWatch metric counts IMDSv1 calls). Then make it the default: require tokens in launch templates (AJ201 for templates) and in the account's per-region instance metadata defaults.",
    cli: 'aws ec2 modify-instance-metadata-options --region us-east-1 \\\n  --instance-id i-0123456789abcdef0 --http-tokens required --http-endpoint enabled\n\n# New instances in the region default to IMDSv2\naws ec2 modify-instance-metadata-defaults --region us-east-1 --http-tokens required\n',
    command:
      'aws ec2 modify-instance-metadata-options --region {region} --instance-id {name} \\\n  --http-tokens required --http-endpoint enabled',
    notes: [
      'The example is one instance of `aws ec2 describe-instances` output (trimmed).',
      '`HttpEndpoint: disabled` passes: without a metadata service there is nothing to steal. Stopped instances are reported too: they keep their setting when started.',
    ],
  },
  check({ accountId, region, instance: inst }, ctx) {
    if (!inst.InstanceId || SKIPPED_STATES.has(inst.State?.Name ?? '')) return;
    const mo = inst.MetadataOptions;
    if (!mo) return; // AWS always returns it; without it we cannot tell.
    if (mo.HttpEndpoint === 'disabled' || mo.HttpTokens === 'required') return;
    const name = inst.Tags?.find((t) => t.Key === 'Name')?.Value;
    const label = name ? `${inst.InstanceId} (${name})` : inst.InstanceId;
    ctx.report({
      resource: `arn:aws:ec2:${region}:${accountId}:instance/${inst.InstanceId}`,
      region,
      message: `EC2 instance ${label} accepts IMDSv1 (HttpTokens is ${mo.HttpTokens ?? 'not set'}); require IMDSv2 tokens`,
      data: { instanceId: inst.InstanceId, httpTokens: mo.HttpTokens ?? null },
    });
  },
};
