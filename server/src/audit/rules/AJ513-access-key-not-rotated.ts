import { DAY, days, isoDay } from './helpers';
import { cisControl, type LiveRule, type UserFacts } from './rule';

export const ACCESS_KEY_NOT_ROTATED: LiveRule<UserFacts> = {
  scope: 'live',
  id: 'AJ513',
  slug: 'access-key-not-rotated',
  severity: 'warning',
  title: 'Access key not rotated',
  category: 'iam',
  cis: cisControl('1.14', 'Ensure access keys are rotated every 90 days or less'),
  docs: {
    what: "An IAM user's active access key older than 90 days (`access_key_N_last_rotated` in the credential report, the key's creation date). One finding per key, on the user's ARN.",
    why: "Datadog's State of AWS Security found that 76% of IAM users with an access key had one older than 90 days. The older a static key, the more places it has been copied to (laptops, CI variables, scripts, logs), and the longer a leaked copy stays valid.",
    exampleLanguage: 'csv',
    insecure:
      'user,arn,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date\nci-deploy,arn:aws:iam::111122223333:user/ci-deploy,true,2025-01-02T10:00:00+00:00,2025-06-30T23:10:00+00:00\n',
    fixed:
      'user,arn,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date\nci-deploy,arn:aws:iam::111122223333:user/ci-deploy,false,2025-01-02T10:00:00+00:00,2025-06-20T23:10:00+00:00,true,2025-06-20T11:00:00+00:00,2025-06-30T23:10:00+00:00\n',
    fix: "Best: replace the key with temporary credentials (an IAM role for workloads on AWS, IAM Identity Center for people, OIDC federation for CI such as GitHub Actions), then delete the user's keys. Otherwise rotate: create a second key, switch every consumer to it, deactivate the old key, and delete it once nothing fails.",
    cli: '# Rotate: new key, switch the consumers, then retire the old one\naws iam create-access-key --user-name ci-deploy\naws iam update-access-key --user-name ci-deploy --access-key-id AKIAIOSFODNN7EXAMPLE --status Inactive\naws iam delete-access-key --user-name ci-deploy --access-key-id AKIAIOSFODNN7EXAMPLE\n',
    command:
      'aws iam create-access-key --user-name {name}\n# once its consumers use the new key\naws iam update-access-key --user-name {name} --access-key-id <OLD_ACCESS_KEY_ID> --status Inactive',
    notes: [
      'The example is the credential report (`aws iam get-credential-report`), reduced to the columns this check reads, as of 2025-07-01.',
      'The 90 days are the `rotationDays` threshold: `.ajar.yaml` `audit: {rotationDays: 90}`, the setting `ajar.audit.thresholds.rotationDays`, or `ajar audit --threshold rotationDays=90`.',
    ],
  },
  check({ user: u, asOf, thresholds: t }, ctx) {
    const now = asOf.getTime();
    for (const k of u.keys) {
      if (!k.active || !k.created || now - k.created.getTime() <= t.rotationDays * DAY) continue;
      ctx.report({
        resource: u.arn,
        region: null,
        message: `access key ${k.slot} of IAM user ${u.user} is ${days(now - k.created.getTime())} days old (created ${isoDay(k.created)}); rotate it or replace it with temporary credentials`,
        data: { user: u.user, credential: `access_key_${k.slot}` },
      });
    }
  },
};
