/**
 * Read-only by construction: the audit sources construct only Get*, List*, Describe*,
 * GenerateCredentialReport and GetCallerIdentity commands (static scan), every one of them is on
 * the guard's explicit allowlist (and nothing else is), and the clients refuse anything else at
 * runtime, before a byte leaves the process. The one exception, sts:AssumeRole into the members of
 * an organization, is constructed in organizations.ts only and passes only the role assumer's guard.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CreateUserCommand, DeleteAccessKeyCommand, ListUsersCommand } from '@aws-sdk/client-iam';
import { PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import { ModifyInstanceMetadataOptionsCommand } from '@aws-sdk/client-ec2';
import {
  AssumeRoleCommand,
  GetCallerIdentityCommand,
  GetFederationTokenCommand,
  GetSessionTokenCommand,
} from '@aws-sdk/client-sts';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { GetPasswordDataCommand } from '@aws-sdk/client-ec2';
import { CreateAccountCommand } from '@aws-sdk/client-organizations';
import { CreateStackCommand, DeleteStackCommand } from '@aws-sdk/client-cloudformation';
import {
  createAuditClients,
  createRoleAssumer,
  isReadOnlyCommand,
  MutatingCommandRefused,
  READ_ONLY_OPERATIONS,
  ROLE_ASSUMER_OPERATIONS,
} from '../../server/src/audit/clients';

const AUDIT_DIR = resolve(__dirname, '../../server/src/audit');
// Independent of the implementation's own check on purpose.
const ALLOWED = /^(Get[A-Z]\w*|List[A-Z]\w*|Describe[A-Z]\w*|GenerateCredentialReport|GetCallerIdentity)Command$/;
/** The one file that may construct sts:AssumeRole (for the members of an organization). */
const ASSUME_ROLE_FILE = join(AUDIT_DIR, 'organizations.ts');
const allowedIn = (file: string, command: string) =>
  ALLOWED.test(command) || (command === 'AssumeRoleCommand' && file === ASSUME_ROLE_FILE);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('read-only audit', () => {
  test('the audit sources only import and construct read-only commands', () => {
    const files = sources(AUDIT_DIR);
    assert.ok(files.length >= 8);
    const seen = new Set<string>();
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      // Commands imported from the SDK, by their real names (aliases resolved).
      for (const m of text.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'@aws-sdk\/client-[a-z0-9-]+'/g)) {
        for (const spec of m[1].split(',')) {
          const real = spec
            .trim()
            .replace(/^type\s+/, '')
            .split(/\s+as\s+/)[0];
          if (!/Command$/.test(real)) continue;
          seen.add(real);
          assert.ok(allowedIn(file, real), `${file} imports ${real}`);
        }
      }
      // Anything constructed as `new XxxCommand(` (also catches non-imported or aliased names).
      for (const m of text.matchAll(/new\s+([A-Za-z0-9_]+Command)\s*\(/g)) {
        const aliasTarget = new RegExp(`([A-Za-z0-9_]+Command)\\s+as\\s+${m[1]}\\b`).exec(text)?.[1] ?? m[1];
        assert.ok(allowedIn(file, aliasTarget), `${file} constructs ${m[1]}`);
      }
      // No SDK "send anything" escape hatches, and no editor dependency.
      assert.doesNotMatch(text, /from 'vscode'|require\('vscode'\)/, file);
      assert.doesNotMatch(
        text,
        /\b(paginate[A-Z]\w*|waitUntil[A-Z]\w*)\b/,
        `${file} uses an SDK paginator/waiter (commands hidden from this scan)`,
      );
    }
    // The scan sees the audit's real vocabulary.
    for (const c of [
      'GenerateCredentialReportCommand',
      'GetCallerIdentityCommand',
      'DescribeInstancesCommand',
      'GetInstanceMetadataDefaultsCommand',
      'GetBucketPolicyCommand',
      'ListQueuesCommand',
      'GetTopicAttributesCommand',
      'ListAccountAliasesCommand',
      'ListAccountsForParentCommand',
      'AssumeRoleCommand',
      'ListStacksCommand',
      'ListStackResourcesCommand',
      'GetTemplateCommand',
    ]) {
      assert.ok(seen.has(c), `expected the scan to see ${c}`);
    }
  });

  test('isReadOnlyCommand allows the read vocabulary only', () => {
    for (const ok of [
      'ListUsersCommand',
      'ListAccountAliasesCommand',
      'GetBucketAclCommand',
      'DescribeRegionsCommand',
      'GetInstanceMetadataDefaultsCommand',
      'GenerateCredentialReportCommand',
      'GetCallerIdentityCommand',
    ]) {
      assert.equal(isReadOnlyCommand(ok), true, ok);
    }
    for (const bad of [
      'CreateUserCommand',
      'PutBucketPolicyCommand',
      'DeleteQueueCommand',
      'ModifyInstanceMetadataOptionsCommand',
      'ModifyInstanceMetadataDefaultsCommand',
      'AssumeRoleCommand',
      'GetSessionTokenCommand',
      'GetFederationTokenCommand',
      'GetObjectCommand',
      'GetPasswordDataCommand',
      'GetAccountAuthorizationDetailsCommand',
      'Getaway',
      'SetTopicAttributesCommand',
      '',
    ]) {
      assert.equal(isReadOnlyCommand(bad), false, bad);
    }
  });

  test('the allowlist is exactly the operations the audit sources construct, per client', () => {
    // SDK package -> the client class name the middleware context carries.
    const CLIENT_OF: Record<string, string> = {
      'client-sts': 'STSClient',
      'client-iam': 'IAMClient',
      'client-ec2': 'EC2Client',
      'client-s3': 'S3Client',
      'client-s3-control': 'S3ControlClient',
      'client-sqs': 'SQSClient',
      'client-sns': 'SNSClient',
      'client-organizations': 'OrganizationsClient',
      'client-cloudformation': 'CloudFormationClient',
    };
    const constructed = new Set<string>();
    for (const file of sources(AUDIT_DIR)) {
      const text = readFileSync(file, 'utf8');
      // local name -> [real command name, client class]
      const imported = new Map<string, [string, string]>();
      for (const m of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*'@aws-sdk\/(client-[a-z0-9-]+)'/g)) {
        const client = CLIENT_OF[m[2]];
        for (const spec of m[1].split(',')) {
          const [real, local = real] = spec
            .trim()
            .replace(/^type\s+/, '')
            .split(/\s+as\s+/);
          if (!/Command$/.test(real)) continue;
          assert.ok(client, `${file}: commands from @aws-sdk/${m[2]} are not known to this test`);
          imported.set(local, [real, client]);
        }
      }
      for (const m of text.matchAll(/new\s+([A-Za-z0-9_]+Command)\s*\(/g)) {
        const hit = imported.get(m[1]);
        assert.ok(hit, `${file} constructs ${m[1]}, which is not imported from an SDK client`);
        const [real, client] = hit;
        const list = real === 'AssumeRoleCommand' ? ROLE_ASSUMER_OPERATIONS : READ_ONLY_OPERATIONS;
        assert.equal(isReadOnlyCommand(real, client, list), true, `${file}: ${client} ${real} is not on the allowlist`);
        constructed.add(`${client}:${real.replace(/Command$/, '')}`);
      }
    }
    const allowed = new Set(
      [READ_ONLY_OPERATIONS, ROLE_ASSUMER_OPERATIONS].flatMap((table) =>
        Object.entries(table).flatMap(([c, ops]) => ops.map((o) => `${c}:${o}`)),
      ),
    );
    assert.deepEqual(
      [...allowed].sort(),
      [...constructed].sort(),
      'the allowlist has operations the audit never sends',
    );
    assert.ok(constructed.size >= 20);
  });

  test('credential-minting and data-reading Get* operations are refused', () => {
    for (const [client, bad] of [
      ['STSClient', 'GetSessionTokenCommand'],
      ['STSClient', 'GetFederationTokenCommand'],
      ['S3Client', 'GetObjectCommand'],
      ['EC2Client', 'GetPasswordDataCommand'],
      ['STSClient', 'AssumeRoleCommand'],
      ['STSClient', 'ListUsersCommand'], // an IAM operation sent through another client
      ['S3Client', 'GetCallerIdentityCommand'],
      ['NoSuchClient', 'GetCallerIdentityCommand'],
      ['', 'GetCallerIdentityCommand'], // no client name in the context: refused
      ['STSClient', 'GetCallerIdentity'], // not a command class name
      ['toString', 'toStringCommand'],
    ]) {
      assert.equal(isReadOnlyCommand(bad, client), false, `${client} ${bad}`);
    }
  });

  test('the clients refuse mutating commands before sending them', async () => {
    // Nothing listens on port 1: a command that got past the guard would fail with a network error instead.
    const endpoint = 'http://127.0.0.1:1';
    const clients = createAuditClients({
      profile: 'test',
      region: 'us-east-1',
      credentials: async () => ({ accessKeyId: 'testing', secretAccessKey: 'testing' }),
      endpoints: {
        iam: endpoint,
        s3: endpoint,
        ec2: endpoint,
        sts: endpoint,
        s3control: endpoint,
        sqs: endpoint,
        sns: endpoint,
        cloudformation: endpoint,
      },
      maxAttempts: 1,
      requestTimeout: 2000,
    });
    try {
      const attempts: [string, Promise<unknown>][] = [
        ['CreateUser', clients.iam().send(new CreateUserCommand({ UserName: 'x' }))],
        ['DeleteAccessKey', clients.iam().send(new DeleteAccessKeyCommand({ AccessKeyId: 'AKIAEXAMPLE' }))],
        ['PutBucketPolicy', clients.s3().send(new PutBucketPolicyCommand({ Bucket: 'b', Policy: '{}' }))],
        [
          'ModifyInstanceMetadataOptions',
          clients
            .ec2('eu-west-1')
            .send(new ModifyInstanceMetadataOptionsCommand({ InstanceId: 'i-1', HttpTokens: 'required' })),
        ],
        [
          'AssumeRole',
          clients.sts().send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::1:role/r', RoleSessionName: 's' })),
        ],
        ['GetSessionToken', clients.sts().send(new GetSessionTokenCommand({}))],
        ['GetFederationToken', clients.sts().send(new GetFederationTokenCommand({ Name: 'x' }))],
        ['GetObject', clients.s3().send(new GetObjectCommand({ Bucket: 'b', Key: 'k' }))],
        ['GetPasswordData', clients.ec2('eu-west-1').send(new GetPasswordDataCommand({ InstanceId: 'i-1' }))],
        [
          'CreateAccount',
          clients.organizations().send(new CreateAccountCommand({ AccountName: 'x', Email: 'x@example.com' })),
        ],
        ['CreateStack', clients.cloudformation('eu-west-1').send(new CreateStackCommand({ StackName: 'x' }))],
        ['DeleteStack', clients.cloudformation('eu-west-1').send(new DeleteStackCommand({ StackName: 'x' }))],
      ];
      for (const [name, p] of attempts) {
        await assert.rejects(p, (err: unknown) => {
          assert.ok(err instanceof MutatingCommandRefused, `${name}: ${String(err)}`);
          assert.match((err as Error).message, new RegExp(`refused to send ${name}Command`));
          return true;
        });
      }
      // A read command passes the guard and fails on the network, as it should here.
      await assert.rejects(
        clients.iam().send(new ListUsersCommand({})),
        (err: unknown) => !(err instanceof MutatingCommandRefused),
      );
    } finally {
      clients.destroy();
    }
  });

  test('AssumeRole passes only the role assumer, which sends nothing else', async () => {
    assert.deepEqual(ROLE_ASSUMER_OPERATIONS, { STSClient: ['AssumeRole'] });
    assert.equal(isReadOnlyCommand('AssumeRoleCommand', 'STSClient'), false, 'not on the audit clients');
    assert.equal(isReadOnlyCommand('AssumeRoleCommand', 'STSClient', ROLE_ASSUMER_OPERATIONS), true);
    for (const bad of [
      'GetSessionTokenCommand',
      'GetFederationTokenCommand',
      'AssumeRoleWithSAMLCommand',
      'AssumeRoleWithWebIdentityCommand',
      'AssumeRootCommand',
      'GetCallerIdentityCommand',
    ])
      assert.equal(isReadOnlyCommand(bad, 'STSClient', ROLE_ASSUMER_OPERATIONS), false, bad);
    assert.equal(isReadOnlyCommand('AssumeRoleCommand', 'IAMClient', ROLE_ASSUMER_OPERATIONS), false);
    // At runtime: the assumer refuses the other STS calls before sending; AssumeRole gets through
    // the guard (and fails on the network: nothing listens on port 1).
    const assumer = createRoleAssumer({
      profile: 'test',
      region: 'us-east-1',
      credentials: async () => ({ accessKeyId: 'testing', secretAccessKey: 'testing' }),
      endpoints: { sts: 'http://127.0.0.1:1' },
      maxAttempts: 1,
      requestTimeout: 2000,
    });
    try {
      for (const [name, cmd] of [
        ['GetSessionToken', new GetSessionTokenCommand({})],
        ['GetFederationToken', new GetFederationTokenCommand({ Name: 'x' })],
        ['GetCallerIdentity', new GetCallerIdentityCommand({})],
      ] as const) {
        await assert.rejects(assumer.send(cmd as never), (err: unknown) => {
          assert.ok(err instanceof MutatingCommandRefused, `${name}: ${String(err)}`);
          return true;
        });
      }
      await assert.rejects(
        assumer.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::111111111111:role/r', RoleSessionName: 's' })),
        (err: unknown) => !(err instanceof MutatingCommandRefused),
      );
    } finally {
      assumer.destroy();
    }
  });
});
