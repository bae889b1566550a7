import { cisControl, type LiveRule, type UserFacts } from './rule';

export const USER_CONSOLE_WITHOUT_MFA: LiveRule<UserFacts> = {
  scope: 'live',
  id: 'AJ511',
  slug: 'user-console-without-mfa',
  severity: 'error',
  title: 'IAM user with console access and no MFA',
  category: 'iam',
  cis: cisControl(
    '1.10',
    'Ensure multi-factor authentication (MFA) is enabled for all IAM users that have a console password',
  ),
  docs: {
    what: "An IAM user with a console password (`password_enabled` true in the credential report, or a login profile) and no MFA device (`mfa_active` false). On the user's ARN.",
    why: "Datadog's State of AWS Security found console access without MFA for 11% of IAM users (40% of organizations had one). A password alone, phished, reused or guessed, opens the console with every permission the user has.",
    exampleLanguage: 'csv',
    insecure: 'user,arn,password_enabled,mfa_active\nalice,arn:aws:iam::111122223333:user/alice,true,false\n',
    fixed: 'user,arn,password_enabled,mfa_active\nalice,arn:aws:iam::111122223333:user/alice,true,true\n',
    fix: 'Assign an MFA device to the user (a passkey or security key, or a virtual authenticator app), and require it with a policy that denies everything but MFA setup when `aws:MultiFactorAuthPresent` is false. If the user does not need the console, delete the login profile instead. Better still, move people to IAM Identity Center and keep IAM users for nothing.',
    cli: '# A virtual MFA device for alice (scan the QR code, then enter two consecutive codes)\naws iam create-virtual-mfa-device --virtual-mfa-device-name alice \\\n  --outfile alice-mfa.png --bootstrap-method QRCodePNG\naws iam enable-mfa-device --user-name alice \\\n  --serial-number arn:aws:iam::111122223333:mfa/alice \\\n  --authentication-code1 123456 --authentication-code2 789012\n\n# Or, if alice does not need the console\naws iam delete-login-profile --user-name alice\n',
    command:
      'aws iam create-virtual-mfa-device --virtual-mfa-device-name {name} --outfile {name}-mfa.png --bootstrap-method QRCodePNG\naws iam enable-mfa-device --user-name {name} --serial-number arn:aws:iam::{account}:mfa/{name} \\\n  --authentication-code1 <CODE1> --authentication-code2 <CODE2>',
    notes: [
      'The example is the credential report (`aws iam get-credential-report`), reduced to the columns this check reads. Users created after the report was generated are read with `GetLoginProfile` and `ListMFADevices` instead.',
    ],
  },
  check({ user: u }, ctx) {
    if (u.passwordEnabled && u.mfaActive === false) {
      ctx.report({
        resource: u.arn,
        region: null,
        message: `IAM user ${u.user} can sign in to the console without MFA`,
        data: { user: u.user },
      });
    }
  },
};
