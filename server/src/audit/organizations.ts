/**
 * AWS Organizations: the member accounts of an organization and their OU path, read from a
 * profile that may call organizations:DescribeOrganization, ListRoots,
 * ListOrganizationalUnitsForParent and ListAccountsForParent (the management account, or a
 * delegated administrator); and the credentials of each member, by sts:AssumeRole into the role
 * the user names (session name `ajar-audit`). AssumeRole goes through the one client allowed to
 * send it (clients.ts, createRoleAssumer); everything else stays read-only.
 */
import {
  DescribeOrganizationCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListRootsCommand,
  type Account,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { createLimiter, createRoleAssumer, describeError, type AuditClients, type ClientContext } from './clients';
import { paginate } from './paginate';

/** One organization to audit: `ajar.audit.organizations` entries, `.ajar.yaml` `audit.organizations`, `--organization`. */
export interface OrganizationSpec {
  /** The profile that reads the organization (and through which its own account is audited). */
  profile: string;
  /** The role assumed in every member account (`OrganizationAccountAccessRole`, an audit role...). A path may precede the name. */
  roleName: string;
  /** sts:ExternalId, when the role's trust policy asks for one. */
  externalId?: string;
  /** Only these OUs (an OU includes its descendants) and accounts; empty: every account. */
  include?: string[];
  /** Never these OUs (and their descendants) or accounts; wins over include. */
  exclude?: string[];
}

export const ROLE_SESSION_NAME = 'ajar-audit';

export interface OrgUnit {
  id: string;
  name: string;
  /** null for the root. */
  parentId: string | null;
  /** "Root/Workloads/Prod". */
  path: string;
}

export interface OrgAccount {
  accountId: string;
  name: string;
  /** ACTIVE, SUSPENDED, PENDING_CLOSURE (only ACTIVE accounts are audited). */
  status: string;
  /** The OU (or root) the account sits in. */
  parentId: string;
  /** Its path ("Root/Workloads/Prod"). */
  ou: string;
  /** The root and every OU above the account, outermost first (the ids include/exclude match). */
  ancestors: string[];
}

export interface OrganizationTree {
  id: string;
  managementAccountId: string;
  /** The first root's id (an organization has one). */
  rootId: string;
  /** The root and every OU, parents before children. */
  units: OrgUnit[];
  /** Every account, whatever its status, sorted by OU path then name. */
  accounts: OrgAccount[];
}

/** ACTIVE, or SUSPENDED, PENDING_CLOSURE, CLOSED... (`State`, and the older `Status`). */
function statusOf(a: Account): string {
  return a.State ?? a.Status ?? 'ACTIVE';
}

/**
 * Reads the organization's tree: DescribeOrganization, ListRoots, then for every root and OU (a
 * few in parallel) its child OUs and its accounts, page by page.
 */
export async function discoverOrganization(
  clients: AuditClients,
  opts: { abortSignal?: AbortSignal; concurrency?: number } = {},
): Promise<OrganizationTree> {
  const org = clients.organizations();
  const send = { abortSignal: opts.abortSignal };
  const described = await org.send(new DescribeOrganizationCommand({}), send);
  const o = described.Organization;
  if (!o?.Id || !o.MasterAccountId) throw new Error('DescribeOrganization returned no organization id');
  const roots: { Id?: string; Name?: string }[] = [];
  await paginate(
    (NextToken) => org.send(new ListRootsCommand({ NextToken }), send),
    (out) => out.NextToken,
    (out) => roots.push(...(out.Roots ?? [])),
    { what: 'ListRoots' },
  );
  if (!roots[0]?.Id) throw new Error('ListRoots returned no root');
  // Organizations allows only a few requests per second per account: a small bound, adaptive retry for the rest.
  const limit = createLimiter(opts.concurrency ?? 4);
  const units: OrgUnit[] = [];
  const accounts: OrgAccount[] = [];
  const visit = async (unit: OrgUnit, ancestors: string[]): Promise<void> => {
    units.push(unit);
    const chain = [...ancestors, unit.id];
    const children: OrgUnit[] = [];
    await Promise.all([
      limit(() =>
        paginate(
          (NextToken) => org.send(new ListOrganizationalUnitsForParentCommand({ ParentId: unit.id, NextToken }), send),
          (out) => out.NextToken,
          (out) => {
            for (const ou of out.OrganizationalUnits ?? []) {
              if (!ou.Id) continue;
              const name = ou.Name ?? ou.Id;
              children.push({ id: ou.Id, name, parentId: unit.id, path: `${unit.path}/${name}` });
            }
          },
          { what: 'ListOrganizationalUnitsForParent' },
        ),
      ),
      limit(() =>
        paginate(
          (NextToken) => org.send(new ListAccountsForParentCommand({ ParentId: unit.id, NextToken }), send),
          (out) => out.NextToken,
          (out) => {
            for (const a of out.Accounts ?? []) {
              if (!a.Id) continue;
              accounts.push({
                accountId: a.Id,
                name: a.Name ?? a.Id,
                status: statusOf(a),
                parentId: unit.id,
                ou: unit.path,
                ancestors: chain,
              });
            }
          },
          { what: 'ListAccountsForParent' },
        ),
      ),
    ]);
    children.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    await Promise.all(children.map((c) => visit(c, chain)));
  };
  for (const r of roots)
    if (r.Id) await visit({ id: r.Id, name: r.Name ?? 'Root', parentId: null, path: r.Name ?? 'Root' }, []);
  // Parents before children, siblings by name (a stable order whatever the requests' timing).
  const depth = (u: OrgUnit) => u.path.split('/').length;
  units.sort((a, b) => depth(a) - depth(b) || a.path.localeCompare(b.path) || a.id.localeCompare(b.id));
  accounts.sort(
    (a, b) => a.ou.localeCompare(b.ou) || a.name.localeCompare(b.name) || a.accountId.localeCompare(b.accountId),
  );
  return { id: o.Id, managementAccountId: o.MasterAccountId, rootId: roots[0].Id, units, accounts };
}

/** Whether an id names an account (12 digits) rather than an OU or root. */
const isAccountId = (id: string) => /^\d{12}$/.test(id);

/**
 * The accounts to audit: ACTIVE ones, within `include` (OU ids, with their descendants, or
 * account ids; empty: all) and outside `exclude`.
 */
export function selectMembers(
  tree: OrganizationTree,
  spec: Pick<OrganizationSpec, 'include' | 'exclude'>,
): OrgAccount[] {
  const include = spec.include ?? [];
  const exclude = new Set(spec.exclude ?? []);
  const matches = (a: OrgAccount, ids: Iterable<string>) => {
    for (const id of ids) if (isAccountId(id) ? a.accountId === id : a.ancestors.includes(id)) return true;
    return false;
  };
  return tree.accounts.filter(
    (a) => a.status === 'ACTIVE' && (!include.length || matches(a, include)) && !matches(a, exclude),
  );
}

/** Ids in include/exclude that name nothing in the organization (a typo the user should hear of). */
export function unknownSelectors(
  tree: OrganizationTree,
  spec: Pick<OrganizationSpec, 'include' | 'exclude'>,
): string[] {
  const known = new Set([...tree.units.map((u) => u.id), ...tree.accounts.map((a) => a.accountId)]);
  return [...(spec.include ?? []), ...(spec.exclude ?? [])].filter((id) => !known.has(id));
}

/** The partition of an ARN ("aws", "aws-cn", "aws-us-gov"). */
export function partitionOf(arn: string | undefined): string {
  return /^arn:(aws[\w-]*):/.exec(arn ?? '')?.[1] ?? 'aws';
}

export function roleArn(partition: string, accountId: string, roleName: string): string {
  return `arn:${partition}:iam::${accountId}:role/${roleName.replace(/^\/+/, '')}`;
}

export class AssumeRoleFailed extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'AssumeRoleFailed';
  }
}

/**
 * A credential provider for one member account: sts:AssumeRole with the base identity, session
 * `ajar-audit`, remembered until five minutes before it expires. Concurrent callers share one request.
 */
export function assumedRoleProvider(
  base: ClientContext,
  arn: string,
  externalId: string | undefined,
  abortSignal?: AbortSignal,
): AwsCredentialIdentityProvider & { assumedArn?: string } {
  let current: AwsCredentialIdentity | undefined;
  let pending: Promise<AwsCredentialIdentity> | undefined;
  const provider: AwsCredentialIdentityProvider & { assumedArn?: string } =
    async (): Promise<AwsCredentialIdentity> => {
      if (current?.expiration && current.expiration.getTime() - Date.now() > 5 * 60_000) return current;
      pending ??= (async () => {
        const sts = createRoleAssumer(base);
        try {
          const out = await sts.send(
            new AssumeRoleCommand({
              RoleArn: arn,
              RoleSessionName: ROLE_SESSION_NAME,
              ...(externalId ? { ExternalId: externalId } : {}),
            }),
            { abortSignal },
          );
          const c = out.Credentials;
          if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error('AssumeRole returned no credentials');
          provider.assumedArn = out.AssumedRoleUser?.Arn;
          current = {
            accessKeyId: c.AccessKeyId,
            secretAccessKey: c.SecretAccessKey,
            sessionToken: c.SessionToken,
            expiration: c.Expiration,
          };
          return current;
        } catch (err) {
          if (err instanceof AssumeRoleFailed) throw err;
          const d = describeError(err);
          throw new AssumeRoleFailed(
            `could not assume ${arn} (sts:AssumeRole, session ${ROLE_SESSION_NAME}): ${d.message}`,
            d.code,
          );
        } finally {
          sts.destroy();
          pending = undefined;
        }
      })();
      return pending;
    };
  return provider;
}

/** The client context of a member account, reached by assuming `roleName` from `base`. */
export function memberContext(
  base: ClientContext,
  accountId: string,
  spec: Pick<OrganizationSpec, 'roleName' | 'externalId'>,
  partition: string,
  abortSignal?: AbortSignal,
): { context: ClientContext; roleArn: string; provider: ReturnType<typeof assumedRoleProvider> } {
  const arn = roleArn(partition, accountId, spec.roleName);
  const provider = assumedRoleProvider(base, arn, spec.externalId, abortSignal);
  return {
    roleArn: arn,
    provider,
    context: { ...base, profile: `organization (${spec.roleName})`, credentials: provider },
  };
}
