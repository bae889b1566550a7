import { DAY, days, isoDay } from './helpers';
import { cisControl, type LiveRule, type UserFacts } from './rule';

export const USER_CREDENTIALS_UNUSED: LiveRule<UserFacts> = {
  scope: 'live',
  id: 'AJ512',
  slug: 'user-credentials-unused',
  severity: 'warning',
  title: 'IAM user credential unused',
  category: 'iam',
  cis: cisControl('1.12', 'Ensure credentials unused for 45 days or greater are disabled'),
  docs: {
    what: "An IAM user's active console password or active access key not used for 90 days (`password_last_used`, `access_key_N_last_used_date` in the credential report). A credential never used counts from when it was set or created. One finding per credential, on the user's ARN; `data.credential` says which (`password`, `access_key_1`, `access_key_2`).",
    why: "Datadog's State of AWS Security found 40% of IAM users with a credential unused for 90 days (70% of organizations had one). Nobody notices when an unused credential leaks: it is pure risk, with no work depending on it.",
    exampleLanguage: 'csv',
    insecure:
      'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date\nbob,arn:aws:iam::111122223333:user/bob,2024-01-10T09:00:00+00:00,true,2025-01-15T12:00:00+00:00,2024-01-10T09:00:00+00:00,true,2024-01-10T09:05:00+00:00,N/A\n',
    fixed:
      'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date\nbob,arn:aws:iam::111122223333:user/bob,2024-01-10T09:00:00+00:00,false,2025-01-15T12:00:00+00:00,N/A,false,2024-01-10T09:05:00+00:00,N/A\n',
    fix: 'Remove what is not used: delete the console password of a user who no longer signs in, and deactivate an unused access key (then delete it once nothing has complained). If the person or system has left, delete the user.',
    cli: '# An unused console password\naws iam delete-login-profile --user-name bob\n\n# An unused access key: deactivate, wait, delete\naws iam list-access-keys --user-name bob\naws iam update-access-key --user-name bob --access-key-id AKIAIOSFODNN7EXAMPLE --status Inactive\naws iam delete-access-key --user-name bob --access-key-id AKIAIOSFODNN7EXAMPLE\n',
    command:
      '# An unused password\naws iam delete-login-profile --user-name {name}\n# An unused access key: find its id, then deactivate it\naws iam list-access-keys --user-name {name}\naws iam update-access-key --user-name {name} --access-key-id <ACCESS_KEY_ID> --status Inactive',
    notes: [
      'The example is the credential report (`aws iam get-credential-report`), reduced to the columns this check reads, as of 2025-07-01.',
      'CIS 1.12 asks for 45 days; the report and the default here are 90.',
      'The 90 days are the `unusedDays` threshold: `.ajar.yaml` `audit: {unusedDays: 90}`, the setting `ajar.audit.thresholds.unusedDays`, or `ajar audit --threshold unusedDays=90`.',
    ],
  },
  check({ user: u, asOf, thresholds: t }, ctx) {
    const now = asOf.getTime();
    if (u.passwordEnabled) {
      const since = u.passwordLastUsed ?? u.passwordCreated;
      if (since && now - since.getTime() > t.unusedDays * DAY) {
        const message = u.passwordLastUsed
          ? `console password of IAM user ${u.user} not used for ${days(now - since.getTime())} days (last used ${isoDay(since)})`
          : `console password of IAM user ${u.user} never used in the ${days(now - since.getTime())} days since it was set (${isoDay(since)})`;
        ctx.report({ resource: u.arn, region: null, message, data: { user: u.user, credential: 'password' } });
      }
    }
    for (const k of u.keys) {
      if (!k.active) continue;
      const label = `access key ${k.slot} of IAM user ${u.user}`;
      const since = k.lastUsed ?? k.created;
      if (since && now - since.getTime() > t.unusedDays * DAY) {
        const message = k.lastUsed
          ? `${label} not used for ${days(now - since.getTime())} days (last used ${isoDay(since)})`
          : `${label} never used in the ${days(now - since.getTime())} days since it was created (${isoDay(since)})`;
        ctx.report({
          resource: u.arn,
          region: null,
          message,
          data: { user: u.user, credential: `access_key_${k.slot}` },
        });
      }
    }
  },
};
