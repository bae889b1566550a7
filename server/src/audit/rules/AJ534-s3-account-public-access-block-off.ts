import { PAB_FLAGS, type PabState } from './helpers';
import { cisControl, type LiveRule } from './rule';

export interface AccountPabFacts {
  accountId: string;
  /** S3 Control `GetPublicAccessBlock` for the account. */
  pab: PabState;
}

export const S3_ACCOUNT_PUBLIC_ACCESS_BLOCK_OFF: LiveRule<AccountPabFacts> = {
  scope: 'live',
  id: 'AJ534',
  slug: 's3-account-public-access-block-off',
  severity: 'warning',
  title: 'Account-level S3 Block Public Access is off',
  category: 's3',
  cis: cisControl('2.1.4', "Ensure that S3 Buckets are configured with 'Block public access (bucket settings)'"),
  docs: {
    what: 'The account has no account-level S3 Block Public Access configuration (S3 Control `GetPublicAccessBlock` answers `NoSuchPublicAccessBlockConfiguration`), or one of its four flags (`BlockPublicAcls`, `IgnorePublicAcls`, `BlockPublicPolicy`, `RestrictPublicBuckets`) is false. One finding per account, on the account id; `data.flagsOff` lists the flags.',
    why: 'The account-level block is the net under every bucket: with it on, no bucket policy or ACL can make a bucket public, whatever a template or a hurried console change says (36% of organizations had a public bucket, per Datadog).',
    exampleLanguage: 'json',
    insecure:
      '{\n  "PublicAccessBlockConfiguration": {\n    "BlockPublicAcls": true,\n    "IgnorePublicAcls": true,\n    "BlockPublicPolicy": false,\n    "RestrictPublicBuckets": false\n  }\n}\n',
    fixed:
      '{\n  "PublicAccessBlockConfiguration": {\n    "BlockPublicAcls": true,\n    "IgnorePublicAcls": true,\n    "BlockPublicPolicy": true,\n    "RestrictPublicBuckets": true\n  }\n}\n',
    fix: 'Turn on all four flags for the account, unless it deliberately serves public buckets (then keep those in a dedicated account and document why). With AWS Organizations, a service control policy can stop anyone from turning the block off again.',
    cli: 'aws s3control put-public-access-block --account-id 111122223333 \\\n  --public-access-block-configuration \\\n  BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true\n',
    command:
      'aws s3control put-public-access-block --account-id {account} --public-access-block-configuration \\\n  BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true',
    notes: [
      'The example is `aws s3control get-public-access-block --account-id 111122223333` output.',
      'Where the configuration cannot be read (access denied), nothing is reported here and the Accounts view shows the error.',
    ],
  },
  check({ accountId, pab }, ctx) {
    if (pab.kind === 'unknown') return;
    if (pab.kind === 'none') {
      ctx.report({
        resource: accountId,
        region: null,
        message: `account ${accountId} has no account-level S3 Block Public Access configuration`,
      });
      return;
    }
    const off = PAB_FLAGS.filter((f) => !pab.flags[f]);
    if (!off.length) return;
    ctx.report({
      resource: accountId,
      region: null,
      message: `account-level S3 Block Public Access of account ${accountId} has ${off.join(', ')} off`,
      data: { flagsOff: off },
    });
  },
};
