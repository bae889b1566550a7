/**
 * Accounts: every profile of the shared config and credentials files, IAM Identity Center (SSO)
 * profiles, role profiles and environment credentials, resolved through the SDK's own credential
 * providers. sts:GetCallerIdentity tells which account each profile reaches; profiles reaching the
 * same account are one account with several profiles.
 *
 * Only profile NAMES and non-secret settings (region, endpoint_url, sso_*, role_arn, ...) are read
 * from the files here; keys are read by the SDK's providers and never stored or shown.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { loadSharedConfigFiles } from '@smithy/core/config';
import { fromEnv, fromIni, fromNodeProviderChain, fromSSO } from '@aws-sdk/credential-providers';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import {
  AUDIT_SERVICES,
  createAuditClients,
  describeError,
  endpointOverride,
  type ClientContext,
  type ProfileSettings,
} from './clients';
import type { AuditService } from './findings';

export const ENV_PROFILE = '(environment)';
export const DEFAULT_CHAIN_PROFILE = '(default chain)';

export type ProfileKind =
  | 'static'
  | 'sso'
  | 'role'
  | 'process'
  | 'web-identity'
  | 'environment'
  | 'default-chain'
  | 'other';

/** A profile as discovered: its name, how it authenticates, and where it points. No secrets. */
export interface ProfileInfo {
  name: string;
  kind: ProfileKind;
  /** Home region used for STS, IAM, S3 listing and DescribeRegions. */
  region: string;
  /** Endpoint overrides in effect for this profile, per service. */
  endpoints: Partial<Record<AuditService, string>>;
  /** Where the profile is defined. */
  source: 'config' | 'credentials' | 'config+credentials' | 'environment' | 'default-chain';
}

export interface SharedConfigPaths {
  configFile: string;
  credentialsFile: string;
}

export function sharedConfigPaths(env: NodeJS.ProcessEnv = process.env): SharedConfigPaths {
  const home = env.HOME || env.USERPROFILE || homedir();
  return {
    configFile: env.AWS_CONFIG_FILE || join(home, '.aws', 'config'),
    credentialsFile: env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials'),
  };
}

export interface DiscoveredProfiles {
  profiles: ProfileInfo[];
  paths: SharedConfigPaths;
  /** True when neither shared file exists. */
  noFiles: boolean;
}

const SETTINGS_KEYS = [
  'region',
  'endpoint_url',
  'services',
  'ignore_configured_endpoint_urls',
  'role_arn',
  'source_profile',
  'credential_source',
  'sso_session',
  'sso_start_url',
  'sso_account_id',
  'sso_role_name',
  'credential_process',
  'web_identity_token_file',
];

function pickSettings(...sections: (Record<string, string | undefined> | undefined)[]): ProfileSettings {
  const out: ProfileSettings = {};
  for (const s of sections) {
    if (!s) continue;
    for (const k of SETTINGS_KEYS) if (s[k] !== undefined) out[k] = s[k];
  }
  return out;
}

/** Endpoint overrides in effect for every audited service. */
function endpointsFor(
  env: NodeJS.ProcessEnv,
  settings: ProfileSettings | undefined,
  configFile: Record<string, ProfileSettings>,
): Partial<Record<AuditService, string>> {
  const endpoints: Partial<Record<AuditService, string>> = {};
  for (const s of AUDIT_SERVICES) {
    const url = endpointOverride(s, env, settings, configFile);
    if (url) endpoints[s] = url;
  }
  return endpoints;
}

function kindOf(settings: ProfileSettings, hasStaticKey: boolean): ProfileKind {
  if (settings.sso_session || settings.sso_start_url) return 'sso';
  if (settings.role_arn) return 'role';
  if (settings.credential_process) return 'process';
  if (settings.web_identity_token_file) return 'web-identity';
  if (hasStaticKey) return 'static';
  return 'other';
}

function isSpecialSection(name: string): boolean {
  return name.startsWith('sso-session.') || name.startsWith('services.');
}

/**
 * Every profile in the shared files (config and credentials, honouring AWS_CONFIG_FILE and
 * AWS_SHARED_CREDENTIALS_FILE), plus "(environment)" when AWS_ACCESS_KEY_ID is set.
 */
export async function discoverProfiles(env: NodeJS.ProcessEnv = process.env): Promise<DiscoveredProfiles> {
  const paths = sharedConfigPaths(env);
  const noFiles = !existsSync(paths.configFile) && !existsSync(paths.credentialsFile);
  const files = await loadSharedConfigFiles({
    filepath: paths.credentialsFile,
    configFilepath: paths.configFile,
    ignoreCache: true,
  });
  const configFile = files.configFile as Record<string, ProfileSettings>;
  const credentialsFile = files.credentialsFile as Record<string, ProfileSettings>;
  const names = new Set<string>();
  for (const n of Object.keys(configFile)) if (!isSpecialSection(n)) names.add(n);
  for (const n of Object.keys(credentialsFile)) names.add(n);
  const ordered = [...names].sort((a, b) => (a === 'default' ? -1 : b === 'default' ? 1 : a.localeCompare(b)));
  const profiles: ProfileInfo[] = ordered.map((name) => {
    const inConfig = name in configFile;
    const inCreds = name in credentialsFile;
    const settings = pickSettings(credentialsFile[name], configFile[name]);
    const hasStaticKey = !!(configFile[name]?.aws_access_key_id || credentialsFile[name]?.aws_access_key_id);
    const endpoints = endpointsFor(env, settings, configFile);
    return {
      name,
      kind: kindOf(settings, hasStaticKey),
      region: env.AWS_REGION || settings.region || env.AWS_DEFAULT_REGION || 'us-east-1',
      endpoints,
      source: inConfig && inCreds ? 'config+credentials' : inConfig ? 'config' : 'credentials',
    };
  });
  // Environment credentials are read by the SDK's fromEnv, which reads the process environment:
  // listed only when both `env` and the process carry them (a custom `env` without keys never
  // picks up the process's keys).
  const hasEnvKeys = (e: NodeJS.ProcessEnv) => !!(e.AWS_ACCESS_KEY_ID && e.AWS_SECRET_ACCESS_KEY);
  if (hasEnvKeys(env) && hasEnvKeys(process.env)) {
    profiles.push({
      name: ENV_PROFILE,
      kind: 'environment',
      region: env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1',
      endpoints: endpointsFor(env, undefined, configFile),
      source: 'environment',
    });
  }
  return { profiles, paths, noFiles };
}

/** The default provider chain as a pseudo-profile (containers, instance roles), when nothing else is configured. */
export function defaultChainProfile(env: NodeJS.ProcessEnv = process.env): ProfileInfo {
  return {
    name: DEFAULT_CHAIN_PROFILE,
    kind: 'default-chain',
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1',
    endpoints: endpointsFor(env, undefined, {}),
    source: 'default-chain',
  };
}

/** The SDK credential provider for a profile. Nothing here reads a secret itself. */
export function credentialProvider(
  profile: ProfileInfo,
  env: NodeJS.ProcessEnv = process.env,
): AwsCredentialIdentityProvider {
  const paths = sharedConfigPaths(env);
  const fileInit = {
    profile: profile.name,
    filepath: paths.credentialsFile,
    configFilepath: paths.configFile,
    ignoreCache: true,
  };
  switch (profile.kind) {
    case 'environment':
      return fromEnv();
    case 'default-chain':
      return fromNodeProviderChain();
    case 'sso':
      return fromSSO(fileInit);
    default:
      return fromIni({
        ...fileInit,
        clientConfig: { region: profile.region, ...(profile.endpoints.sts ? { endpoint: profile.endpoints.sts } : {}) },
      });
  }
}

export function clientContext(
  profile: ProfileInfo,
  env: NodeJS.ProcessEnv = process.env,
  options: { maxAttempts?: number; requestTimeout?: number } = {},
): ClientContext {
  return {
    profile: profile.name,
    credentials: credentialProvider(profile, env),
    region: profile.region,
    endpoints: profile.endpoints,
    maxAttempts: options.maxAttempts,
    requestTimeout: options.requestTimeout,
  };
}

export interface ProfileIdentity {
  profile: ProfileInfo;
  ok: true;
  accountId: string;
  /** Caller ARN (a user, role or assumed-role ARN: not a secret). */
  arn: string;
  context: ClientContext;
}
export interface ProfileFailure {
  profile: ProfileInfo;
  ok: false;
  message: string;
  code?: string;
}
export type ProfileResolution = ProfileIdentity | ProfileFailure;

/** Explains a credential failure in words a user can act on (SSO: how to log in again). */
export function explainCredentialError(profile: ProfileInfo, err: unknown): { message: string; code?: string } {
  const { message, code } = describeError(err);
  const raw = err instanceof Error ? err.message : String(err);
  if (profile.kind === 'sso') {
    if (
      /expired|invalid|refresh|not found|could not|unable|no such file|ENOENT|token|sso/i.test(raw) ||
      code === 'ExpiredToken' ||
      code === 'UnauthorizedException'
    ) {
      return {
        message: `the IAM Identity Center (SSO) session for profile "${profile.name}" is expired or missing: run \`aws sso login --profile ${profile.name}\` and try again (${message})`,
        code: code ?? 'SsoSessionExpired',
      };
    }
  }
  if (
    /Could not (resolve|load) credentials|CredentialsProviderError|Profile .* could not be found|not found in/i.test(
      raw,
    ) ||
    code === 'CredentialsProviderError'
  ) {
    return {
      message: `no usable credentials for profile "${profile.name}": ${message}`,
      code: code ?? 'CredentialsProviderError',
    };
  }
  return { message: `could not authenticate with profile "${profile.name}": ${message}`, code };
}

/** sts:GetCallerIdentity for one profile. */
export async function resolveIdentity(
  profile: ProfileInfo,
  env: NodeJS.ProcessEnv = process.env,
  options: { maxAttempts?: number; requestTimeout?: number; abortSignal?: AbortSignal } = {},
): Promise<ProfileResolution> {
  const context = clientContext(profile, env, options);
  const clients = createAuditClients(context);
  try {
    const out = await clients.sts().send(new GetCallerIdentityCommand({}), { abortSignal: options.abortSignal });
    if (!out.Account) return { profile, ok: false, message: 'GetCallerIdentity returned no account id' };
    return { profile, ok: true, accountId: out.Account, arn: out.Arn ?? '', context };
  } catch (err) {
    const { message, code } = explainCredentialError(profile, err);
    return { profile, ok: false, message, code };
  } finally {
    clients.destroy();
  }
}

export interface AccountGroup {
  accountId: string;
  /** Profiles that reach this account, in discovery order. */
  profiles: ProfileIdentity[];
}

/** Groups resolved profiles by account; failures are returned separately. */
export function groupByAccount(resolutions: ProfileResolution[]): {
  accounts: AccountGroup[];
  failures: ProfileFailure[];
} {
  const byId = new Map<string, AccountGroup>();
  const failures: ProfileFailure[] = [];
  for (const r of resolutions) {
    if (!r.ok) {
      failures.push(r);
      continue;
    }
    let g = byId.get(r.accountId);
    if (!g) byId.set(r.accountId, (g = { accountId: r.accountId, profiles: [] }));
    g.profiles.push(r);
  }
  return { accounts: [...byId.values()], failures };
}
