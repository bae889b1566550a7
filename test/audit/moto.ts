/**
 * Test support: one moto_server per test file on 127.0.0.1 (free port, own process group, killed
 * at the end), reset between tests, SDK clients for seeding, temp AWS config files, and a small
 * fault-injecting proxy (HTTP 500 for a region, AccessDenied for a service).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';

export const ACCOUNT_ID = '123456789012';
export const DUMMY = { accessKeyId: 'testing', secretAccessKey: 'testing' };

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export interface Moto {
  port: number;
  endpoint: string;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export async function startMoto(): Promise<Moto> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PYENV_VERSION: process.env.PYENV_VERSION,
    PYENV_ROOT: process.env.PYENV_ROOT,
  };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  // The audit never reads AMIs: skip loading moto's AMI catalogue into every region's EC2 backend
  // (the bulk of the cost of touching a region after each reset).
  env.MOTO_EC2_LOAD_DEFAULT_AMIS = 'false';
  // moto logs every request on stderr: to a file, so a busy or blocked test process never stalls it.
  const logDir = mkdtempSync(join(tmpdir(), 'ajar-moto-'));
  const logFile = join(logDir, 'moto.log');
  const logFd = openSync(logFile, 'w');
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    detached: true, // own process group
    stdio: ['ignore', 'ignore', logFd],
    env,
  });
  closeSync(logFd);
  // Even if the test process dies early, the server goes with it.
  const onExit = () => killGroup(child, 'SIGKILL');
  process.once('exit', onExit);
  const log = () => {
    try {
      return readFileSync(logFile, 'utf8').slice(0, 4000);
    } catch {
      return '';
    }
  };
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited: ${log()}`);
    try {
      const r = await fetch(`${endpoint}/moto-api/`);
      if (r.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      killGroup(child);
      throw new Error(`moto_server did not start: ${log()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    endpoint,
    async reset() {
      const r = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      if (!r.ok) throw new Error(`moto reset failed: ${r.status}`);
    },
    async stop() {
      process.removeListener('exit', onExit);
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      killGroup(child);
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null && child.signalCode === null) killGroup(child, 'SIGKILL');
      rmSync(logDir, { recursive: true, force: true });
    },
  };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM') {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    /* already gone */
  }
}

/** Temp dir with AWS config/credentials files. */
export interface AwsFiles {
  dir: string;
  configFile: string;
  credentialsFile: string;
  cleanup(): void;
}
export function writeAwsFiles(config: string, credentials: string): AwsFiles {
  const dir = mkdtempSync(join(tmpdir(), 'ajar-audit-'));
  const configFile = join(dir, 'config');
  const credentialsFile = join(dir, 'credentials');
  writeFileSync(configFile, config);
  writeFileSync(credentialsFile, credentials);
  return { dir, configFile, credentialsFile, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A clean environment: no AWS_* from the outside, only what the test sets. */
export function cleanEnv(files: AwsFiles, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_')) env[k] = v;
  env.HOME = files.dir; // no ~/.aws/sso cache, no real ~/.aws
  env.AWS_CONFIG_FILE = files.configFile;
  env.AWS_SHARED_CREDENTIALS_FILE = files.credentialsFile;
  env.AWS_EC2_METADATA_DISABLED = 'true';
  return { ...env, ...extra };
}

/**
 * A proxy in front of moto that injects faults by the SigV4 credential scope
 * (Credential=<key>/<date>/<region>/<service>/aws4_request).
 */
export interface FaultProxy {
  endpoint: string;
  /** Regions that answer HTTP 500 with an HTML body (as a broken emulator would). */
  failRegions: Set<string>;
  /** Services (signing names: s3, iam, ec2, ...) that answer 403 AccessDenied. */
  denyServices: Set<string>;
  /** Per service, how many of the next requests answer 503 RequestLimitExceeded (throttling). */
  throttle: Map<string, number>;
  /** Requests throttled so far. */
  throttled: number;
  /**
   * Accounts into which sts:AssumeRole answers AccessDenied (moto lets any AssumeRole through: it
   * does not check trust policies, nor whether the role exists).
   */
  denyAssumeRole: Set<string>;
  /**
   * Per account, services that answer AccessDenied (as a service control policy would): the
   * account is known by the access key that AssumeRole returned for it through this proxy.
   */
  denyServicesIn: Map<string, Set<string>>;
  /** AssumeRole requests seen (role ARN and session name; never the keys). */
  assumeRoles: { roleArn: string; sessionName: string; externalId?: string }[];
  close(): Promise<void>;
}
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const t = new URL(target);
  const failRegions = new Set<string>();
  const denyServices = new Set<string>();
  const throttle = new Map<string, number>();
  const denyAssumeRole = new Set<string>();
  const denyServicesIn = new Map<string, Set<string>>();
  const assumeRoles: FaultProxy['assumeRoles'] = [];
  /** Access key id (of an assumed role) -> account. */
  const keyAccount = new Map<string, string>();
  const state = { throttled: 0 };
  const denied = (res: ServerResponse) => {
    res.writeHead(403, { 'content-type': 'application/xml' });
    res.end(
      '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>R1</RequestId><HostId>H1</HostId></Error>',
    );
  };
  const forward = (req: IncomingMessage, res: ServerResponse, body?: Buffer, onBody?: (b: Buffer) => void) => {
    const up = httpRequest(
      { host: t.hostname, port: t.port, method: req.method, path: req.url, headers: req.headers },
      (upRes) => {
        if (!onBody) {
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          upRes.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        upRes.on('data', (c: Buffer) => chunks.push(c));
        upRes.on('end', () => {
          const b = Buffer.concat(chunks);
          onBody(b);
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          res.end(b);
        });
      },
    );
    up.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    if (body) up.end(body);
    else req.pipe(up);
  };
  const server: Server = createServer((req, res) => {
    const auth = String(req.headers.authorization ?? '');
    const m = /Credential=([^/]+)\/\d+\/([^/]+)\/([^/]+)\/aws4_request/.exec(auth);
    const accessKey = m?.[1];
    const region = m?.[2];
    const service = m?.[3];
    const account = accessKey ? keyAccount.get(accessKey) : undefined;
    if (service && account && denyServicesIn.get(account)?.has(service)) {
      req.resume();
      denied(res);
      return;
    }
    if (region && failRegions.has(region)) {
      req.resume();
      res.writeHead(500, { 'content-type': 'text/html' });
      res.end('<!doctype html><html><body><h1>Internal Server Error</h1></body></html>');
      return;
    }
    if (service && (throttle.get(service) ?? 0) > 0) {
      throttle.set(service, throttle.get(service)! - 1);
      state.throttled++;
      req.resume();
      res.writeHead(503, { 'content-type': 'text/xml' });
      res.end(
        '<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>R1</RequestID></Response>',
      );
      return;
    }
    if (service && denyServices.has(service)) {
      req.resume();
      denied(res);
      return;
    }
    if (service === 'sts') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const form = new URLSearchParams(body.toString('utf8'));
        if (form.get('Action') !== 'AssumeRole') return forward(req, res, body);
        const roleArn = form.get('RoleArn') ?? '';
        const target = /^arn:[\w-]+:iam::(\d{12}):/.exec(roleArn)?.[1] ?? '';
        assumeRoles.push({
          roleArn,
          sessionName: form.get('RoleSessionName') ?? '',
          ...(form.get('ExternalId') ? { externalId: form.get('ExternalId')! } : {}),
        });
        if (denyAssumeRole.has(target)) {
          res.writeHead(403, { 'content-type': 'text/xml' });
          res.end(
            `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:iam::123456789012:user/auditor is not authorized to perform: sts:AssumeRole on resource: ${roleArn}</Message></Error><RequestId>R1</RequestId></ErrorResponse>`,
          );
          return;
        }
        forward(req, res, body, (out) => {
          const key = /<AccessKeyId>([^<]+)<\/AccessKeyId>/.exec(out.toString('utf8'))?.[1];
          if (key && target) keyAccount.set(key, target);
        });
      });
      return;
    }
    forward(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    failRegions,
    denyServices,
    throttle,
    denyAssumeRole,
    denyServicesIn,
    assumeRoles,
    get throttled() {
      return state.throttled;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * moto does not implement ec2:GetInstanceMetadataDefaults (AJ522; tested against recorded answers
 * in imdsDefaults.test.ts): it answers HTTP 500, which the audit reports as "could not be read" in
 * every audited region. What every moto audit shows for it, per region.
 */
export const IMDS_DEFAULTS_UNREAD =
  "could not read the account's instance metadata defaults (GetInstanceMetadataDefaults): the service answered HTTP 500 with a body that is not an AWS response";

/**
 * The errors without moto's AJ522 gap, after checking that it is there exactly once for each of
 * `regions` (an account's audited regions), and nowhere else.
 */
export function withoutImdsGap<E extends { service: string; region: string | null; message: string }>(
  errors: E[],
  regions: string[],
): E[] {
  const gap = errors.filter((e) => e.service === 'ec2' && e.message === IMDS_DEFAULTS_UNREAD);
  const where = gap.map((e) => e.region ?? '-').sort();
  if (JSON.stringify(where) !== JSON.stringify([...regions].sort()))
    throw new Error(
      `moto's GetInstanceMetadataDefaults gap: expected once in ${regions.join(', ')}, got ${where.join(', ')}`,
    );
  return errors.filter((e) => !gap.includes(e));
}
