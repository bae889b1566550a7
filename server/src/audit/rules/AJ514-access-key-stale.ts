import { DAY, days, isoDay } from './helpers';
import type { LiveRule, UserFacts } from './rule';

export const ACCESS_KEY_STALE: LiveRule<UserFacts> = {
  scope: 'live',
  id: 'AJ514',
  slug: 'access-key-stale',
  severity: 'warning',
  title: 'Old access key not used recently',
  category: 'iam',
  docs: {
    what: "An IAM user's active access key older than 365 days and not used in the last 30 (or never used). One finding per key, on the user's ARN.",
    why: "Datadog's State of AWS Security found that 25% of IAM users held an access key older than a year and unused for 30 days. Such a key is both long exposed and, by all signs, not needed: deactivating it costs nothing and removes a credential an attacker could use unnoticed.",
    exampleLanguage: 'csv',
    insecure:
      'user,arn,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date\nreports,arn:aws:iam::111122223333:user/reports,true,2023-03-01T08:00:00+00:00,2025-04-11T06:00:00+00:00\n',
    fixed:
      'user,arn,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date\nreports,arn:aws:iam::111122223333:user/reports,false,2023-03-01T08:00:00+00:00,2025-04-11T06:00:00+00:00\n',
    fix: 'Deactivate the key; if nothing breaks for a while, delete it. If something still needs access, give it a role or federated credentials rather than a new static key.',
    cli: 'aws iam update-access-key --user-name reports --access-key-id AKIAIOSFODNN7EXAMPLE --status Inactive\n# once nothing has failed for a while\naws iam delete-access-key --user-name reports --access-key-id AKIAIOSFODNN7EXAMPLE\n',
    command:
      'aws iam list-access-keys --user-name {name}\naws iam update-access-key --user-name {name} --access-key-id <ACCESS_KEY_ID> --status Inactive',
    notes: [
      'The example is the credential report (`aws iam get-credential-report`), reduced to the columns this check reads, as of 2025-07-01.',
      'The days are the `staleKeyDays` (365) and `staleKeyUnusedDays` (30) thresholds: `.ajar.yaml` `audit:`, the settings `ajar.audit.thresholds.staleKeyDays` and `ajar.audit.thresholds.staleKeyUnusedDays`, or `ajar audit --threshold staleKeyDays=365`.',
    ],
  },
  check({ user: u, asOf, thresholds: t }, ctx) {
    const now = asOf.getTime();
    for (const k of u.keys) {
      if (!k.active || !k.created || now - k.created.getTime() <= t.staleKeyDays * DAY) continue;
      const unused = !k.lastUsed || now - k.lastUsed.getTime() > t.staleKeyUnusedDays * DAY;
      if (!unused) continue;
      const usage = k.lastUsed ? `last used ${isoDay(k.lastUsed)}` : 'never used';
      ctx.report({
        resource: u.arn,
        region: null,
        message: `access key ${k.slot} of IAM user ${u.user} is ${days(now - k.created.getTime())} days old and ${usage}; deactivate it`,
        data: { user: u.user, credential: `access_key_${k.slot}` },
      });
    }
  },
};
