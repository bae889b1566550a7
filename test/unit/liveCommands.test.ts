/**
 * Each live rule's `docs.command`: the AWS CLI command(s) the Accounts view shows beside a finding,
 * filled from it (never run). Placeholders are the known ones; a hostile resource name cannot end
 * the shell word it is put in.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LIVE_RULES, liveRule } from '../../server/src/audit/rules/registry';
import { COMMAND_PLACEHOLDERS, fixCommand } from '../../server/src/audit/rules/rule';

test('every live rule has a command that starts with aws and uses only the known placeholders', () => {
  for (const r of LIVE_RULES) {
    const cmd = r.docs.command;
    assert.ok(cmd.trim().length > 0, `${r.id}: no command`);
    assert.match(cmd, /^aws /m, `${r.id}: no line starts with "aws "`);
    for (const [, name] of cmd.matchAll(/\{(\w+)\}/g))
      assert.ok((COMMAND_PLACEHOLDERS as readonly string[]).includes(name), `${r.id}: unknown placeholder {${name}}`);
    // Never a placeholder left once filled.
    const filled = fixCommand(r, {
      resource: 'arn:aws:iam::123456789012:user/alice',
      region: 'eu-west-1',
      accountId: '123456789012',
    });
    assert.doesNotMatch(filled, /\{\w+\}/, `${r.id}: ${filled}`);
  }
});

test('the command names the finding own resource, region and account', () => {
  const bucket = fixCommand(liveRule('AJ531')!, {
    resource: 'arn:aws:s3:::ajar-e2e-public-assets',
    region: 'us-east-1',
    accountId: '123456789012',
  });
  assert.match(bucket, /^aws s3api put-public-access-block --bucket ajar-e2e-public-assets /);
  const queue = fixCommand(liveRule('AJ532')!, {
    resource: 'arn:aws:sqs:eu-west-1:123456789012:orders',
    region: 'eu-west-1',
    accountId: '123456789012',
  });
  assert.match(queue, /--region eu-west-1 /);
  assert.match(queue, /--queue-url https:\/\/sqs\.eu-west-1\.amazonaws\.com\/123456789012\/orders /);
  const topic = fixCommand(liveRule('AJ533')!, {
    resource: 'arn:aws:sns:ap-southeast-2:123456789012:alerts',
    region: 'ap-southeast-2',
    accountId: '123456789012',
  });
  assert.match(topic, /--topic-arn arn:aws:sns:ap-southeast-2:123456789012:alerts /);
  const instance = fixCommand(liveRule('AJ521')!, {
    resource: 'arn:aws:ec2:us-west-2:123456789012:instance/i-0abc',
    region: 'us-west-2',
    accountId: '123456789012',
  });
  assert.match(instance, /--region us-west-2 --instance-id i-0abc /);
  // A user on a path: the user name is the last segment.
  const user = fixCommand(liveRule('AJ511')!, {
    resource: 'arn:aws:iam::123456789012:user/team/ops/carol',
    region: null,
    accountId: '123456789012',
  });
  assert.match(user, /--user-name carol /);
  assert.match(user, /arn:aws:iam::123456789012:mfa\/carol/);
  const account = fixCommand(liveRule('AJ534')!, { resource: '123456789012', region: null, accountId: '123456789012' });
  assert.match(account, /--account-id 123456789012 /);
});

test('a name with shell characters is single-quoted, quotes included', () => {
  const cmd = fixCommand(liveRule('AJ531')!, {
    resource: "arn:aws:s3:::a$(touch x)'b",
    region: 'us-east-1',
    accountId: '1',
  });
  assert.match(cmd, /--bucket 'a\$\(touch x\)'\\''b' /);
});
