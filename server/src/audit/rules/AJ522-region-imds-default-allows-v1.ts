import type { InstanceMetadataDefaultsResponse } from '@aws-sdk/client-ec2';
import { fixCommand, type LiveRule } from './rule';

export interface RegionImdsDefaultsFacts {
  accountId: string;
  region: string;
  /** `GetInstanceMetadataDefaults` `AccountLevel` in the region (absent: no default is set). */
  accountLevel: InstanceMetadataDefaultsResponse | undefined;
}

export const REGION_IMDS_DEFAULT_ALLOWS_V1: LiveRule<RegionImdsDefaultsFacts> = {
  scope: 'live',
  id: 'AJ522',
  slug: 'region-imds-default-allows-v1',
  severity: 'warning',
  title: 'Region default lets new EC2 instances accept IMDSv1',
  category: 'ec2',
  docs: {
    what: '`GetInstanceMetadataDefaults` in an audited region shows an account-level default whose `AccountLevel.HttpTokens` is not `required` (an absent `AccountLevel` or `HttpTokens`, the state of every account until someone sets it, counts): an instance launched in that region without its own metadata options accepts IMDSv1. One finding per region, on the account id.',
    why: "Datadog's State of AWS Security found that 93% of EC2 instances did not enforce IMDSv2, and blamed the missing secure default: an instance accepts IMDSv1 unless whoever launches it asks otherwise. The account-level default (per region) turns that around for every instance launched afterwards, whatever tool launches it. AJ521 finds the instances that already accept IMDSv1; this rule finds the regions that keep making new ones.",
    exampleLanguage: 'json',
    insecure: '{\n  "AccountLevel": {\n    "HttpPutResponseHopLimit": 2,\n    "ManagedBy": "account"\n  }\n}\n',
    fixed:
      '{\n  "AccountLevel": {\n    "HttpTokens": "required",\n    "HttpPutResponseHopLimit": 2,\n    "ManagedBy": "account"\n  }\n}\n',
    fix: 'Make IMDSv2 the default in every region the account uses (and in those it does not, so that nothing launched there by mistake accepts IMDSv1). It changes nothing for running instances and for launches that set their own metadata options; check first that the software on new instances uses IMDSv2 (current AWS SDKs and the CLI do). With AWS Organizations, an EC2 declarative policy (`ec2_attributes.instance_metadata_defaults.http_tokens: required`) sets it for every account, and then the account itself can no longer change it.',
    cli: 'aws ec2 modify-instance-metadata-defaults --http-tokens required --region us-east-1\n\n# Every enabled region of the account\nfor r in $(aws ec2 describe-regions --query "Regions[].RegionName" --output text); do\n  aws ec2 modify-instance-metadata-defaults --http-tokens required --region "$r"\ndone\n',
    command: 'aws ec2 modify-instance-metadata-defaults --http-tokens required --region {region}',
    notes: [
      'The example is `aws ec2 get-instance-metadata-defaults --region us-east-1` output; an account that never set a default answers `{"AccountLevel": {}}`.',
      'A default that also disables the metadata endpoint (`HttpEndpoint: disabled`) is still reported when `HttpTokens` is not `required`: an instance launched with the endpoint turned on takes its tokens setting from the default.',
      "When a declarative policy manages the default (`ManagedBy: declarative-policy`), the message says so: the fix is in the organization's policy, not in the account.",
      'Where the defaults cannot be read (access denied, an emulator that does not implement the call), nothing is reported and the region shows the error. Instances launched from an AMI whose `ImdsSupport` is `v2.0` require IMDSv2 whatever the default: this rule does not look at AMIs.',
    ],
  },
  check({ accountId, region, accountLevel }, ctx) {
    const tokens = accountLevel?.HttpTokens;
    if (tokens === 'required') return;
    const byPolicy = accountLevel?.ManagedBy === 'declarative-policy';
    const fix = fixCommand(REGION_IMDS_DEFAULT_ALLOWS_V1, { resource: accountId, region, accountId });
    const state = tokens ? `HttpTokens is ${tokens}` : 'HttpTokens is not set';
    const remedy = byPolicy
      ? 'a declarative policy of the organization manages this default: set its ec2_attributes.instance_metadata_defaults.http_tokens to required'
      : `make IMDSv2 the default: ${fix}`;
    ctx.report({
      resource: accountId,
      region,
      message: `new EC2 instances in ${region} accept IMDSv1 unless launched with their own setting: the account's instance metadata default does not require IMDSv2 (${state}); ${remedy}`,
      data: {
        httpTokens: tokens ?? null,
        ...(accountLevel?.HttpEndpoint ? { httpEndpoint: accountLevel.HttpEndpoint } : {}),
        ...(accountLevel?.ManagedBy ? { managedBy: accountLevel.ManagedBy } : {}),
        ...(byPolicy ? {} : { fix }),
      },
    });
  },
};
