/**
 * Client factory for the audit: region, endpoint override (AWS_ENDPOINT_URL[_<SERVICE>], profile
 * endpoint_url and [services] sections, as the SDKs define them), adaptive retry, and the read-only
 * guard middleware that refuses any command that is not on READ_ONLY_OPERATIONS, the exact list of
 * operations the audit sends, per client. The one exception, sts:AssumeRole into the member
 * accounts of an organization, is allowed on one client only (createRoleAssumer), never on these.
 */
import { IAMClient } from '@aws-sdk/client-iam';
import { EC2Client } from '@aws-sdk/client-ec2';
import { S3Client } from '@aws-sdk/client-s3';
import { S3ControlClient } from '@aws-sdk/client-s3-control';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SNSClient } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type { AuditService } from './findings';

/** Settings of one profile that are not secrets (never the keys themselves). */
export type ProfileSettings = Record<string, string | undefined>;

/** Everything needed to build clients for one identity. */
export interface ClientContext {
  /** Profile name, or "(environment)" / "(default chain)". */
  profile: string;
  credentials: AwsCredentialIdentityProvider;
  /** The profile's home region: STS, IAM, S3 listing, DescribeRegions. */
  region: string;
  /** Endpoint override per service, when one is configured. */
  endpoints: Partial<Record<AuditService, string>>;
  maxAttempts?: number;
  /** Per-request timeout in ms (default 60 s). */
  requestTimeout?: number;
}

const ENV_SERVICE_ID: Record<AuditService, string> = {
  sts: 'STS',
  iam: 'IAM',
  ec2: 'EC2',
  s3: 'S3',
  s3control: 'S3_CONTROL',
  sqs: 'SQS',
  sns: 'SNS',
  organizations: 'ORGANIZATIONS',
  cloudformation: 'CLOUDFORMATION',
};
const SERVICES_SECTION_KEY: Record<AuditService, string> = {
  sts: 'sts',
  iam: 'iam',
  ec2: 'ec2',
  s3: 's3',
  s3control: 's3_control',
  sqs: 'sqs',
  sns: 'sns',
  organizations: 'organizations',
  cloudformation: 'cloudformation',
};
export const AUDIT_SERVICES: AuditService[] = [
  'sts',
  'iam',
  'ec2',
  's3',
  's3control',
  'sqs',
  'sns',
  'organizations',
  'cloudformation',
];

/**
 * The configured endpoint for a service, in the SDKs' documented order: AWS_ENDPOINT_URL_<SERVICE>,
 * AWS_ENDPOINT_URL, the profile's [services] section, the profile's endpoint_url. Disabled by
 * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS / ignore_configured_endpoint_urls.
 */
export function endpointOverride(
  service: AuditService,
  env: NodeJS.ProcessEnv,
  profile: ProfileSettings | undefined,
  configFile: Record<string, ProfileSettings>,
): string | undefined {
  const ignore =
    (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? profile?.ignore_configured_endpoint_urls ?? '').toLowerCase() ===
    'true';
  if (ignore) return undefined;
  const fromEnv = env[`AWS_ENDPOINT_URL_${ENV_SERVICE_ID[service]}`] || env.AWS_ENDPOINT_URL;
  if (fromEnv) return fromEnv;
  if (profile?.services) {
    const section = configFile[`services.${profile.services}`];
    const url = section?.[`${SERVICES_SECTION_KEY[service]}.endpoint_url`];
    if (url) return url;
  }
  return profile?.endpoint_url || undefined;
}

/**
 * The operations the audit sends, per SDK client, and nothing else. An explicit list, not a name
 * pattern: `Get*` would let `GetSessionToken`, `GetFederationToken`, `GetObject` or
 * `GetPasswordData` through. A new collector adds its operations here (a test checks that this list
 * and the commands the audit sources construct are the same set).
 */
export const READ_ONLY_OPERATIONS: Readonly<Record<string, readonly string[]>> = {
  STSClient: ['GetCallerIdentity'],
  IAMClient: [
    'GenerateCredentialReport',
    'GetAccessKeyLastUsed',
    'GetAccountSummary',
    'GetCredentialReport',
    'GetLoginProfile',
    'ListAccessKeys',
    'ListAccountAliases',
    'ListMFADevices',
    'ListUsers',
  ],
  EC2Client: ['DescribeInstances', 'DescribeRegions', 'GetInstanceMetadataDefaults'],
  S3Client: ['GetBucketAcl', 'GetBucketLocation', 'GetBucketPolicy', 'GetPublicAccessBlock', 'ListBuckets'],
  S3ControlClient: ['GetPublicAccessBlock'],
  SQSClient: ['GetQueueAttributes', 'ListQueues'],
  SNSClient: ['GetTopicAttributes', 'ListTopics'],
  OrganizationsClient: [
    'DescribeOrganization',
    'ListAccountsForParent',
    'ListOrganizationalUnitsForParent',
    'ListRoots',
  ],
  CloudFormationClient: ['GetTemplate', 'ListStackResources', 'ListStacks'],
};

/**
 * The one client that may send something else: the STS client that assumes the role the user
 * names in each member account of an organization (`ajar.audit.organizations`, `ajar audit
 * --organization`). It may send sts:AssumeRole and nothing else, not even GetCallerIdentity; no
 * other client may send AssumeRole.
 */
export const ROLE_ASSUMER_OPERATIONS: Readonly<Record<string, readonly string[]>> = {
  STSClient: ['AssumeRole'],
};

export type OperationAllowlist = Readonly<Record<string, readonly string[]>>;

/**
 * Whether the audit may send this command. With `clientName` (what the guard passes: the SDK's
 * middleware context names both) only that client's list counts; without it, any client's.
 */
export function isReadOnlyCommand(
  commandName: string,
  clientName?: string,
  allowlist: OperationAllowlist = READ_ONLY_OPERATIONS,
): boolean {
  if (!commandName.endsWith('Command')) return false;
  const op = commandName.slice(0, -'Command'.length);
  if (clientName === undefined) return Object.values(allowlist).some((ops) => ops.includes(op));
  return Object.hasOwn(allowlist, clientName) && allowlist[clientName].includes(op);
}

export class MutatingCommandRefused extends Error {
  constructor(commandName: string) {
    super(`Ajar's audit is read-only: refused to send ${commandName}`);
    this.name = 'MutatingCommandRefused';
  }
}

interface StackLike {
  // The SDK's own middleware types differ per client; the guard only needs `add`.
  middlewareStack: { add: (mw: never, options: Record<string, unknown>) => void };
}

/**
 * Adds the read-only guard to a client (initialize step: before serialising or signing): only the
 * operations `allowlist` lists for this client's class pass.
 */
export function addReadOnlyGuard<T extends StackLike>(
  client: T,
  allowlist: OperationAllowlist = READ_ONLY_OPERATIONS,
): T {
  const guard =
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string; clientName?: string }) =>
    async (args: unknown) => {
      const name = context.commandName ?? '';
      // A context without a client name is refused too (fail closed), never matched against every list.
      if (!isReadOnlyCommand(name, context.clientName ?? '', allowlist))
        throw new MutatingCommandRefused(name || 'an unnamed command');
      return next(args);
    };
  client.middlewareStack.add(guard as never, {
    step: 'initialize',
    name: 'ajarReadOnlyGuard',
    priority: 'high',
    override: true,
  });
  return client;
}

export interface AuditClients {
  sts(): STSClient;
  iam(): IAMClient;
  ec2(region: string): EC2Client;
  s3(region?: string): S3Client;
  s3control(): S3ControlClient;
  sqs(region: string): SQSClient;
  sns(region: string): SNSClient;
  /** AWS Organizations (a global service: the SDK resolves its one endpoint from any region). */
  organizations(): OrganizationsClient;
  cloudformation(region: string): CloudFormationClient;
  destroy(): void;
}

/** Builds (and caches) read-only clients for one identity. */
export function createAuditClients(ctx: ClientContext): AuditClients {
  const cache = new Map<string, { destroy(): void }>();
  function base(service: AuditService, region: string) {
    const endpoint = ctx.endpoints[service];
    return {
      region,
      credentials: ctx.credentials,
      retryMode: 'adaptive',
      maxAttempts: ctx.maxAttempts ?? 3,
      requestHandler: { connectionTimeout: 5000, requestTimeout: ctx.requestTimeout ?? 60000 },
      ...(endpoint ? { endpoint } : {}),
    };
  }
  function get<T extends StackLike & Sends & { destroy(): void }>(key: string, make: () => T): T {
    let c = cache.get(key) as T | undefined;
    if (!c) {
      c = withRequestSignals(addReadOnlyGuard(make()));
      cache.set(key, c);
    }
    return c;
  }
  return {
    sts: () => get('sts', () => new STSClient(base('sts', ctx.region))),
    iam: () => get('iam', () => new IAMClient(base('iam', ctx.region))),
    ec2: (region) => get(`ec2:${region}`, () => new EC2Client(base('ec2', region))),
    s3: (region = ctx.region) =>
      get(`s3:${region}`, () => {
        const cfg = base('s3', region);
        // Emulators (an endpoint override) get path-style addressing; AWS itself follows region redirects.
        return new S3Client({ ...cfg, forcePathStyle: !!ctx.endpoints.s3, followRegionRedirects: !ctx.endpoints.s3 });
      }),
    s3control: () =>
      get('s3control', () => {
        const override = ctx.endpoints.s3control;
        if (!override) return new S3ControlClient(base('s3control', ctx.region));
        // S3 Control prefixes "<account id>." to the endpoint host; with an override (an emulator)
        // that host does not exist (and with an IP address the URL is invalid). Resolve against a
        // placeholder host and put the configured host back before signing.
        const url = new URL(override);
        const realHost = url.hostname;
        url.hostname = 'localhost';
        const client = new S3ControlClient({
          ...base('s3control', ctx.region),
          endpoint: url.toString().replace(/\/$/, ''),
        });
        client.middlewareStack.add(
          ((next: (args: { request?: unknown }) => Promise<unknown>) => async (args: { request?: unknown }) => {
            const req = args.request as
              | { hostname?: unknown; port?: number; headers?: Record<string, string> }
              | undefined;
            if (req && typeof req.hostname === 'string') {
              req.hostname = realHost;
              // Keep the signed Host header in step with the new host.
              if (req.headers) {
                for (const h of Object.keys(req.headers)) {
                  if (h.toLowerCase() === 'host') req.headers[h] = req.port ? `${realHost}:${req.port}` : realHost;
                }
              }
            }
            return next(args);
          }) as never,
          // Build step, after the SDK's host-header middleware and before signing (finalizeRequest).
          { step: 'build', name: 'ajarS3ControlEndpointHost', priority: 'low' },
        );
        return client;
      }),
    sqs: (region) => get(`sqs:${region}`, () => new SQSClient(base('sqs', region))),
    sns: (region) => get(`sns:${region}`, () => new SNSClient(base('sns', region))),
    organizations: () => get('organizations', () => new OrganizationsClient(base('organizations', ctx.region))),
    cloudformation: (region) =>
      get(`cloudformation:${region}`, () => new CloudFormationClient(base('cloudformation', region))),
    destroy() {
      for (const c of cache.values()) c.destroy();
      cache.clear();
    },
  };
}

// ---- abort signals: one per request --------------------------------------------------------------

interface Sends {
  send: (...args: never[]) => Promise<unknown>;
}

interface FanOut {
  children: Set<AbortController>;
  onAbort: () => void;
}
const fanOuts = new WeakMap<AbortSignal, FanOut>();

/**
 * A signal of its own for one request, aborted (with the reason) when `parent` is; `done()` when
 * the request has ended. However many are running, `parent` carries one listener, and none once
 * they are all done. The SDK adds listeners to the signal a request is sent with (the retry
 * strategy's and the HTTP handler's, the latter kept while a response's socket stays open): with
 * the audit's concurrency a shared signal passed ten of them (Node's
 * `MaxListenersExceededWarning: Possible EventTarget memory leak`) and kept some after the audit.
 */
export function childSignal(parent: AbortSignal): { signal: AbortSignal; done(): void } {
  const ctl = new AbortController();
  if (parent.aborted) {
    ctl.abort(parent.reason);
    return { signal: ctl.signal, done() {} };
  }
  let fan = fanOuts.get(parent);
  if (!fan) {
    const created: FanOut = {
      children: new Set(),
      onAbort: () => {
        fanOuts.delete(parent);
        for (const c of created.children) c.abort(parent.reason);
        created.children.clear();
      },
    };
    parent.addEventListener('abort', created.onAbort, { once: true });
    fanOuts.set(parent, created);
    fan = created;
  }
  const own = fan;
  own.children.add(ctl);
  return {
    signal: ctl.signal,
    done() {
      if (!own.children.delete(ctl) || own.children.size > 0) return;
      parent.removeEventListener('abort', own.onAbort);
      if (fanOuts.get(parent) === own) fanOuts.delete(parent);
    },
  };
}

/** Sends each request that has an `abortSignal` with a signal of its own (`childSignal`). */
function withRequestSignals<T extends Sends>(client: T): T {
  const send = client.send.bind(client) as (command: unknown, options?: unknown) => Promise<unknown>;
  const wrapped = (command: unknown, options?: unknown) => {
    const parent = (options as { abortSignal?: unknown } | undefined)?.abortSignal;
    if (!(parent instanceof AbortSignal)) return send(command, options);
    const child = childSignal(parent);
    return send(command, { ...(options as object), abortSignal: child.signal }).finally(child.done);
  };
  client.send = wrapped as unknown as T['send'];
  return client;
}

/**
 * The STS client that assumes roles in member accounts: the identity's credentials, region and
 * STS endpoint, adaptive retry, and a guard that lets sts:AssumeRole through and nothing else.
 */
export function createRoleAssumer(ctx: ClientContext): STSClient {
  const endpoint = ctx.endpoints.sts;
  return withRequestSignals(
    addReadOnlyGuard(
      new STSClient({
        region: ctx.region,
        credentials: ctx.credentials,
        retryMode: 'adaptive',
        maxAttempts: ctx.maxAttempts ?? 3,
        requestHandler: { connectionTimeout: 5000, requestTimeout: ctx.requestTimeout ?? 60000 },
        ...(endpoint ? { endpoint } : {}),
      }),
      ROLE_ASSUMER_OPERATIONS,
    ),
  );
}

/** A bound on concurrent tasks (one per service per account). */
export function createLimiter(max: number) {
  let active = 0;
  const queue: (() => void)[] = [];
  const release = () => {
    active--;
    const next = queue.shift();
    if (next) next();
  };
  return async function limit<T>(task: () => Promise<T>): Promise<T> {
    if (active >= max) await new Promise<void>((resolve) => queue.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      release();
    }
  };
}
export type Limiter = ReturnType<typeof createLimiter>;

/** Error name / code of an SDK error, if any. */
export function errorCode(err: unknown): string | undefined {
  const e = err as { name?: string; Code?: string; code?: string } | undefined;
  return e?.Code ?? e?.name ?? e?.code;
}

export function httpStatus(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

/**
 * A short, single-line description of why something could not be read, for the error nodes.
 * Never includes request or credential material: only the error's name, status and message.
 */
export function describeError(err: unknown): { message: string; code?: string } {
  // "Unknown" is the SDK's name for an error body it could not parse: no code at all.
  const raw = errorCode(err);
  const code = raw === 'Unknown' || raw === 'UnknownError' ? undefined : raw;
  const status = httpStatus(err);
  let msg = err instanceof Error ? err.message : String(err);
  msg = msg
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  // Secret-looking material never leaves this function.
  msg = msg.replace(/(A[KS]IA[A-Z2-7]{16})/g, (k) => `${k.slice(0, 4)}…${k.slice(-4)}`);
  msg = msg.replace(/[A-Za-z0-9/+=]{40,}/g, '…');
  if (msg.length > 300) msg = `${msg.slice(0, 297)}...`;
  const deserialize = /Deserialization error|char '<'|Unexpected token|parse/i.test(msg) && status && status >= 500;
  let message: string;
  if (
    /^(AuthFailure|InvalidClientTokenId|UnrecognizedClientException|SignatureDoesNotMatch|IncompleteSignature)$/.test(
      code ?? '',
    )
  ) {
    message = `the credentials were rejected (${code}; in a single region this usually means the region is not enabled): ${msg}`;
  } else if (code === 'OptInRequired') {
    message = `the region is not enabled for this account (${code}): ${msg}`;
  } else if (/^(ExpiredToken|ExpiredTokenException|RequestExpired)$/.test(code ?? '')) {
    message = `the credentials have expired (${code}): ${msg}`;
  } else if (
    code === 'AccessDenied' ||
    code === 'AccessDeniedException' ||
    code === 'UnauthorizedOperation' ||
    status === 403
  ) {
    message = `access denied${code && code !== 'AccessDenied' ? ` (${code})` : ''}: ${msg}`;
  } else if (deserialize) {
    message = `the service answered HTTP ${status} with a body that is not an AWS response`;
  } else if (status && status >= 500) {
    message = `the service answered HTTP ${status}${code && code !== 'Error' ? ` (${code})` : ''}: ${msg}`;
  } else if (/Throttl|TooManyRequests|RequestLimitExceeded/i.test(code ?? '')) {
    message = `throttled even after adaptive retries (${code}): ${msg}`;
  } else {
    message = code && code !== 'Error' && !msg.startsWith(code) ? `${code}: ${msg}` : msg;
  }
  return { message, code };
}
