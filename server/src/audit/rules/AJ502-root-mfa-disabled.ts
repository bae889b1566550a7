import { reportBool } from '../credentialReport';
import { cisControl, type LiveRule, type RootFacts } from './rule';

export const ROOT_MFA_DISABLED: LiveRule<RootFacts> = {
  scope: 'live',
  id: 'AJ502',
  slug: 'root-mfa-disabled',
  severity: 'error',
  title: 'The root user has no MFA',
  category: 'root',
  cis: cisControl('1.5', "Ensure MFA is enabled for the 'root' user account"),
  docs: {
    what: "The root user has no MFA device: `GetAccountSummary` reports `AccountMFAEnabled` = 0 (and the credential report's `<root_account>` row does not say `mfa_active` true), or, without the summary, the report row says `mfa_active` false. On the root user's ARN.",
    why: 'Anyone with the root password (phished, reused, or reset through the account e-mail) controls the account, including billing and closing it. MFA is the one control that stands between a leaked root password and a lost account.',
    exampleLanguage: 'json',
    insecure: '{\n  "SummaryMap": {\n    "AccountAccessKeysPresent": 0,\n    "AccountMFAEnabled": 0\n  }\n}\n',
    fixed: '{\n  "SummaryMap": {\n    "AccountAccessKeysPresent": 0,\n    "AccountMFAEnabled": 1\n  }\n}\n',
    fix: "Sign in as the root user, open Security credentials, and assign an MFA device: a passkey or security key, or a virtual authenticator app. Register a second device as a backup. With AWS Organizations centralized root access you can instead delete member accounts' root passwords altogether.",
    cli: '# Root MFA is assigned in the console (root user > Security credentials > Assign MFA device).\n# The CLI can confirm the result (1 = MFA on):\naws iam get-account-summary --query SummaryMap.AccountMFAEnabled\n',
    command:
      '# In the console, as the root user of {account}: Security credentials > Assign MFA device; then check (1 = on)\naws iam get-account-summary --query SummaryMap.AccountMFAEnabled',
    notes: [
      'The example is `aws iam get-account-summary` output (trimmed).',
      'When the credential report has no `<root_account>` row (emulators) and the summary says 0, the root MFA state is reported as unreadable instead of guessed.',
    ],
  },
  check(f, ctx) {
    const arn = f.root?.arn || `arn:aws:iam::${f.accountId}:root`;
    const rootMfa = f.root ? reportBool(f.root.mfa_active) : null;
    const report = () =>
      ctx.report({ resource: arn, region: null, message: `the root user of account ${f.accountId} has no MFA device` });
    if (f.summary && f.summary.AccountMFAEnabled !== undefined) {
      if (f.summary.AccountMFAEnabled === 0 && rootMfa !== true) {
        if (f.root || !f.reportRead) report();
        else {
          ctx.unreadable({
            service: 'iam',
            region: null,
            message:
              'could not tell whether the root user has MFA: GetAccountSummary says AccountMFAEnabled = 0 but the credential report has no <root_account> row (an emulator that does not model the root user?)',
            code: 'RootNotModelled',
          });
        }
      }
    } else if (rootMfa === false) report();
  },
};
