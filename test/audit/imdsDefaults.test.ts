/**
 * AJ522 against recorded EC2 answers: moto does not implement GetInstanceMetadataDefaults, so a
 * small loopback stub answers the three calls an EC2-only audit without stacks sends (sts:GetCallerIdentity,
 * ec2:DescribeInstances, ec2:GetInstanceMetadataDefaults), per region from fixtures/imds-defaults/
 * (the region is the SigV4 credential scope's). One region answers UnauthorizedOperation (an SCP),
 * one answers what moto answers (HTTP 500, an HTML page): both are "could not be read" on that
 * region, never a finding, never a crash.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { auditAccounts, toAuditJson } from '../../server/src/audit';
import { cleanEnv, writeAwsFiles, type AwsFiles } from './moto';

const ACCOUNT = '111122223333';
const FIX = join(__dirname, 'fixtures', 'imds-defaults');
/** Region -> what GetInstanceMetadataDefaults answers there. */
const ANSWERS: Record<string, { status: number; file?: string; body?: string; type?: string }> = {
  'us-east-1': { status: 200, file: 'never-set.xml' },
  'us-east-2': { status: 200, file: 'optional.xml' },
  'eu-west-1': { status: 200, file: 'required.xml' },
  'eu-central-1': { status: 200, file: 'declarative-policy.xml' },
  'ap-southeast-1': { status: 403, file: 'unauthorized.xml' },
  // moto_server 5.x: NotImplementedError becomes Flask's 500 page.
  'sa-east-1': {
    status: 500,
    type: 'text/html; charset=utf-8',
    body: '<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n<h1>Internal Server Error</h1>\n<p>The server encountered an internal error and was unable to complete your request.</p>\n',
  },
};
const REGIONS = Object.keys(ANSWERS);

let server: Server;
let endpoint: string;
let files: AwsFiles;
/** "region Action" of every request the stub saw. */
const seen: string[] = [];

const xml = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const action = form.get('Action') ?? '(none)';
      const scope = /Credential=[^/]+\/\d+\/([^/]+)\/([^/]+)\/aws4_request/.exec(String(req.headers.authorization));
      const region = scope?.[1] ?? '(unsigned)';
      seen.push(`${region} ${action}`);
      const send = (status: number, body: string, type = 'text/xml;charset=UTF-8') => {
        res.writeHead(status, { 'content-type': type });
        res.end(body);
      };
      if (scope?.[2] === 'sts' && action === 'GetCallerIdentity') {
        send(
          200,
          xml(
            `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::${ACCOUNT}:user/auditor</Arn><UserId>AIDAEXAMPLEUSERID0001</UserId><Account>${ACCOUNT}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r-sts</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
          ),
        );
        return;
      }
      if (scope?.[2] === 'ec2' && action === 'DescribeInstances') {
        send(
          200,
          xml(
            '<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r-di</requestId><reservationSet/></DescribeInstancesResponse>',
          ),
        );
        return;
      }
      const answer = ANSWERS[region];
      if (scope?.[2] === 'ec2' && action === 'GetInstanceMetadataDefaults' && answer) {
        send(answer.status, answer.file ? readFileSync(join(FIX, answer.file), 'utf8') : answer.body!, answer.type);
        return;
      }
      send(
        400,
        xml(
          `<Response><Errors><Error><Code>InvalidAction</Code><Message>the stub does not answer ${action}</Message></Error></Errors><RequestID>r-x</RequestID></Response>`,
        ),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  files = writeAwsFiles(
    `[profile stub]\nregion = us-east-1\nendpoint_url = ${endpoint}\n`,
    '[stub]\naws_access_key_id = testing\naws_secret_access_key = testing\n',
  );
});
after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  files?.cleanup();
});

const env = () => cleanEnv(files);

describe('AJ522 region-imds-default-allows-v1 against recorded responses', () => {
  test('one finding per region whose default does not require IMDSv2; unreadable regions are errors', async () => {
    seen.length = 0;
    const report = await auditAccounts({ env: env(), services: ['ec2'], regions: REGIONS, stacks: false });
    assert.equal(report.accounts.length, 1);
    const a = report.accounts[0];
    assert.equal(a.accountId, ACCOUNT);
    const fix = (r: string) => `aws ec2 modify-instance-metadata-defaults --http-tokens required --region ${r}`;
    const msg = (r: string, state: string, remedy: string) =>
      `new EC2 instances in ${r} accept IMDSv1 unless launched with their own setting: the account's instance metadata default does not require IMDSv2 (${state}); ${remedy}`;
    assert.deepEqual(
      a.findings.map((f) => [f.ruleId, f.rule, f.severity, f.resource, f.region, f.message, f.data]),
      [
        [
          'AJ522',
          'region-imds-default-allows-v1',
          'warning',
          ACCOUNT,
          'eu-central-1',
          msg(
            'eu-central-1',
            'HttpTokens is optional',
            'a declarative policy of the organization manages this default: set its ec2_attributes.instance_metadata_defaults.http_tokens to required',
          ),
          { httpTokens: 'optional', managedBy: 'declarative-policy' },
        ],
        [
          'AJ522',
          'region-imds-default-allows-v1',
          'warning',
          ACCOUNT,
          'us-east-1',
          msg('us-east-1', 'HttpTokens is not set', `make IMDSv2 the default: ${fix('us-east-1')}`),
          { httpTokens: null, fix: fix('us-east-1') },
        ],
        [
          'AJ522',
          'region-imds-default-allows-v1',
          'warning',
          ACCOUNT,
          'us-east-2',
          msg('us-east-2', 'HttpTokens is optional', `make IMDSv2 the default: ${fix('us-east-2')}`),
          { httpTokens: 'optional', httpEndpoint: 'enabled', managedBy: 'account', fix: fix('us-east-2') },
        ],
      ],
    );
    const what = "could not read the account's instance metadata defaults (GetInstanceMetadataDefaults)";
    assert.deepEqual(
      a.errors.map((e) => [e.service, e.region, e.message, e.code]),
      [
        [
          'ec2',
          'ap-southeast-1',
          `${what}: access denied (UnauthorizedOperation): You are not authorized to perform this operation. User: arn:aws:iam::${ACCOUNT}:user/auditor is not authorized to perform: ec2:GetInstanceMetadataDefaults with an explicit deny in a service control policy`,
          'UnauthorizedOperation',
        ],
        ['ec2', 'sa-east-1', `${what}: the service answered HTTP 500 with a body that is not an AWS response`, 'Error'],
      ],
    );
    // Every region asked once (the 500 retried by the SDK: three attempts), DescribeInstances beside it.
    const count = (r: string, action: string) => seen.filter((s) => s === `${r} ${action}`).length;
    for (const r of REGIONS) {
      assert.equal(count(r, 'GetInstanceMetadataDefaults'), r === 'sa-east-1' ? 3 : 1, r);
      assert.equal(count(r, 'DescribeInstances'), 1, r);
    }
    assert.deepEqual([...new Set(seen.map((s) => s.split(' ')[1]))].sort(), [
      'DescribeInstances',
      'GetCallerIdentity',
      'GetInstanceMetadataDefaults',
    ]);
    // The JSON document carries the same findings.
    assert.deepEqual(
      toAuditJson(report).accounts[0].findings.map((f) => `${f.ruleId} ${f.region}`),
      ['AJ522 eu-central-1', 'AJ522 us-east-1', 'AJ522 us-east-2'],
    );
  });

  test('a region that requires IMDSv2 by default is quiet', async () => {
    const report = await auditAccounts({ env: env(), services: ['ec2'], regions: ['eu-west-1'], stacks: false });
    assert.deepEqual(report.accounts[0].findings, []);
    assert.deepEqual(report.accounts[0].errors, []);
  });
});
