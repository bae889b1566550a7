import { reportBool } from '../credentialReport';
import { cisControl, type LiveRule, type RootFacts } from './rule';

export const ROOT_ACCESS_KEY_PRESENT: LiveRule<RootFacts> = {
  scope: 'live',
  id: 'AJ501',
  slug: 'root-access-key-present',
  severity: 'error',
  title: 'The root user has an access key',
  category: 'root',
  cis: cisControl('1.4', "Ensure no 'root' user account access key exists"),
  docs: {
    what: "The account's root user has an access key: `GetAccountSummary` reports `AccountAccessKeysPresent` above 0, or the credential report's `<root_account>` row has `access_key_1_active` or `access_key_2_active` true. One finding per account, on the root user's ARN.",
    why: "Datadog's State of AWS Security found an active root access key in 3% of accounts (10% of organizations). A root key has unrestricted power over the account, cannot be limited by IAM policies or permission boundaries, and never expires: whoever reads it owns the account.",
    exampleLanguage: 'json',
    insecure: '{\n  "SummaryMap": {\n    "AccountAccessKeysPresent": 1,\n    "AccountMFAEnabled": 1\n  }\n}\n',
    fixed: '{\n  "SummaryMap": {\n    "AccountAccessKeysPresent": 0,\n    "AccountMFAEnabled": 1\n  }\n}\n',
    fix: "Find out what uses the key (the credential report shows when and for which service it was last used), move that work to an IAM role or IAM Identity Center, then deactivate the key, wait, and delete it. With AWS Organizations, centralized root access lets the management account delete member accounts' root credentials without signing in as root.",
    cli: "# With the root user's credentials (no --user-name: the calling user's keys)\naws iam list-access-keys\naws iam update-access-key --access-key-id AKIAIOSFODNN7EXAMPLE --status Inactive\naws iam delete-access-key --access-key-id AKIAIOSFODNN7EXAMPLE\n\n# Or, with AWS Organizations centralized root access, from the management account\naws sts assume-root --target-principal 111122223333 \\\n  --task-policy-arn arn=arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials\n# then, with the returned credentials: aws iam delete-access-key --access-key-id AKIAIOSFODNN7EXAMPLE\n",
    command:
      '# As the root user of {account}: find the key, then deactivate it (delete it once nothing fails)\naws iam list-access-keys\naws iam update-access-key --access-key-id <ROOT_ACCESS_KEY_ID> --status Inactive',
    notes: [
      'The example is `aws iam get-account-summary` output (trimmed). Either source is enough: the summary when the credential report is unavailable, the report row when the summary is.',
    ],
  },
  check(f, ctx) {
    const arn = f.root?.arn || `arn:aws:iam::${f.accountId}:root`;
    const activeKeys = f.root ? [1, 2].filter((s) => reportBool(f.root![`access_key_${s}_active`]) === true) : [];
    if ((f.summary?.AccountAccessKeysPresent ?? 0) > 0 || activeKeys.length > 0) {
      const which = activeKeys.length ? ` (active: ${activeKeys.map((s) => `access key ${s}`).join(', ')})` : '';
      ctx.report({
        resource: arn,
        region: null,
        message: `the root user of account ${f.accountId} has an access key${which}; delete it`,
      });
    }
  },
};
