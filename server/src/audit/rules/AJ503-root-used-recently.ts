import { reportDate } from '../credentialReport';
import { DAY, isoDay } from './helpers';
import { cisControl, type LiveRule, type RootFacts } from './rule';

export const ROOT_USED_RECENTLY: LiveRule<RootFacts> = {
  scope: 'live',
  id: 'AJ503',
  slug: 'root-used-recently',
  severity: 'warning',
  title: 'The root user was used recently',
  category: 'root',
  cis: cisControl('1.7', "Eliminate use of the 'root' user for administrative and daily tasks"),
  docs: {
    what: "The credential report's `<root_account>` row shows the root password (`password_last_used`) or a root access key (`access_key_N_last_used_date`) used within the last 30 days. On the root user's ARN; the message lists each use.",
    why: "Datadog's State of AWS Security found root credentials used in the last 30 days in 23-25% of organizations. Day-to-day work as root leaves no role boundary, no session policy and no per-person audit trail; every such sign-in is a chance to phish or leak the most powerful credential there is.",
    exampleLanguage: 'csv',
    insecure:
      'user,arn,password_last_used,access_key_1_active,access_key_1_last_used_date,access_key_2_active,access_key_2_last_used_date\n<root_account>,arn:aws:iam::111122223333:root,2025-06-20T08:15:00+00:00,false,N/A,false,N/A\n',
    fixed:
      'user,arn,password_last_used,access_key_1_active,access_key_1_last_used_date,access_key_2_active,access_key_2_last_used_date\n<root_account>,arn:aws:iam::111122223333:root,2024-11-02T10:00:00+00:00,false,N/A,false,N/A\n',
    fix: "Find out who signed in as root and why (CloudTrail `ConsoleLogin` events with `userIdentity.type` = `Root`). Give that work an IAM role or an IAM Identity Center permission set, keep the root password and MFA device locked away for the few tasks that require root, and delete any root access key (AJ501). With AWS Organizations, centralized root access removes member accounts' root credentials so nobody can use them.",
    cli: "# Who used root, and when (CloudTrail, last 90 days)\naws cloudtrail lookup-events --lookup-attributes AttributeKey=Username,AttributeValue=root --max-results 50\n\n# With AWS Organizations, from the management account: manage member accounts' root centrally\naws iam enable-organizations-root-credentials-management\naws iam enable-organizations-root-sessions\n",
    command:
      '# Who used the root user of {account}, and when (CloudTrail, last 90 days)\naws cloudtrail lookup-events --lookup-attributes AttributeKey=Username,AttributeValue=root --max-results 50',
    notes: [
      'The example is the credential report (`aws iam get-credential-report`), reduced to the columns this check reads, as of 2025-07-01.',
      'The 30 days are fixed: they are the report\'s "last 30 days" (the `ajar.audit.thresholds` settings govern AJ512-AJ514).',
    ],
  },
  check(f, ctx) {
    if (!f.root) return;
    const root = f.root;
    const arn = root.arn || `arn:aws:iam::${f.accountId}:root`;
    const now = f.asOf.getTime();
    const days = f.thresholds.rootRecentUseDays;
    const uses: string[] = [];
    const pw = reportDate(root.password_last_used);
    if (pw && now - pw.getTime() <= days * DAY) uses.push(`password on ${isoDay(pw)}`);
    for (const s of [1, 2]) {
      const d = reportDate(root[`access_key_${s}_last_used_date`]);
      if (d && now - d.getTime() <= days * DAY) uses.push(`access key ${s} on ${isoDay(d)}`);
    }
    if (uses.length) {
      ctx.report({
        resource: arn,
        region: null,
        message: `the root user of account ${f.accountId} was used within the last ${days} days: ${uses.join(', ')}`,
      });
    }
  },
};
