/**
 * The `ajar.*` settings, in one typed table: name, type, default, scope, order and description.
 * Types and data only (no import, no logic): the VS Code client reaches it through protocol.ts,
 * the server normalises what a client sends with it (settings.ts), and `npm run docs` writes
 * package.json's `contributes.configuration` from it (scripts/settings-docs.ts; a test fails when
 * package.json is stale).
 *
 * The table is typed against {@link AjarSettings}: every leaf of the settings object has exactly
 * one row, named by its dotted path, whose default has the leaf's type.
 */

/** A rule's level in `ajar.rules` (the engine's RuleSetting). */
export type RuleLevel = 'off' | 'error' | 'warning' | 'information';
export type CfnLintMode = 'auto' | 'on' | 'off';
export type TraceLevel = 'off' | 'messages' | 'verbose';

/** The audit's day thresholds as settings: only those set somewhere (the rest come from `.ajar.yaml` or the defaults). */
export interface ThresholdSettings {
  unusedDays?: number;
  rotationDays?: number;
  staleKeyDays?: number;
  staleKeyUnusedDays?: number;
}

/** One `ajar.audit.organizations` entry (the engine's OrganizationConfig, `.ajar.yaml` `audit.organizations`). */
export interface OrganizationSetting {
  profile: string;
  roleName: string;
  externalId?: string;
  include?: string[];
  exclude?: string[];
}

/** The `ajar` section as the server uses it, complete (defaults filled in) and shared with the client. */
export interface AjarSettings {
  enable: boolean;
  /** Rule id or slug → level; merged over `.ajar.yaml` rules. */
  rules: Record<string, RuleLevel>;
  files: { include: string[]; exclude: string[] };
  workspaceScan: { enabled: boolean; maxFiles: number };
  cfnLint: { enabled: CfnLintMode; path: string; ignoreChecks: string[] };
  audit: {
    profiles: string[];
    regions: string[];
    thresholds: ThresholdSettings;
    organizations: OrganizationSetting[];
  };
  trace: { server: TraceLevel };
}

/** What the VS Code client answers to `workspace/configuration` for section `ajar`: the settings, plus what only it knows. */
export interface ClientSettings extends AjarSettings {
  /** The workspace folder of the requested resource. */
  workspaceFolder: { name: string; uri: string } | null;
  /** vscode.workspace.isTrusted. */
  workspaceTrusted: boolean;
}

/** VS Code's configuration scopes (where a setting may be set). */
export type SettingScope = 'application' | 'machine' | 'machine-overridable' | 'window' | 'resource';

interface Row {
  /** Position in the Settings editor (package.json `order`). */
  order: number;
  scope: SettingScope;
  /** Markdown, in whole sentences. */
  description: string;
}
type BooleanRow = Row & { type: 'boolean'; default: boolean };
type NumberRow = Row & { type: 'number'; default: number; minimum?: number; integer?: boolean };
type StringRow<V extends string> = Row & {
  type: 'string';
  default: V;
  /** Allowed values (with a description each), when not every string is. */
  enum?: readonly V[];
  enumDescriptions?: readonly string[];
};
type ArrayRow = Row & { type: 'array'; default: readonly string[] };
/** A list of objects: `items` is the JSON schema of one (package.json), which the server also checks entries against. */
type ObjectArrayRow = Row & {
  type: 'array';
  default: readonly never[];
  items: {
    type: 'object';
    required: readonly string[];
    properties: Record<string, { type: 'string' | 'array'; markdownDescription: string; items?: { type: 'string' } }>;
    additionalProperties: false;
  };
};
type ObjectRow = Row & { type: 'object'; default: Record<string, never> };

/** The row for a leaf of type V; `optional` exactly when the leaf may be unset. */
type RowFor<V> = (undefined extends V ? { optional: true } : { optional?: never }) &
  ([NonNullable<V>] extends [boolean]
    ? BooleanRow
    : [NonNullable<V>] extends [number]
      ? NumberRow
      : [NonNullable<V>] extends [string]
        ? StringRow<NonNullable<V>>
        : [NonNullable<V>] extends [readonly string[]]
          ? ArrayRow
          : [NonNullable<V>] extends [readonly object[]]
            ? ObjectArrayRow
            : ObjectRow);

type Leaf = boolean | number | string | readonly unknown[] | Record<string, RuleLevel>;
/** Dotted paths to the leaves of T: `enable`, `files.include`, `audit.thresholds.unusedDays`... */
type Paths<T, P extends string = ''> = {
  [K in keyof T & string]-?: NonNullable<T[K]> extends Leaf ? `${P}${K}` : Paths<NonNullable<T[K]>, `${P}${K}.`>;
}[keyof T & string];
/** The type at a dotted path. */
type At<T, P extends string> = P extends `${infer H}.${infer R}`
  ? H extends keyof T
    ? At<NonNullable<T[H]>, R>
    : never
  : P extends keyof T
    ? T[P]
    : never;

/** A setting's name without the `ajar.` prefix. */
export type SettingName = Paths<AjarSettings>;
export type SettingsTable = { [P in SettingName]: RowFor<At<AjarSettings, P>> };
export type SettingRow = SettingsTable[SettingName];

export const SETTINGS_SECTION = 'ajar';

/** Default `ajar.files.include`. */
export const DEFAULT_INCLUDE = [
  '**/*.template',
  '**/*.template.{json,yaml,yml}',
  '**/template.{json,yaml,yml}',
  '**/cdk.out/*.template.json',
  '**/{templates,cloudformation,cfn}/**/*.{json,yaml,yml}',
  '**/policies/**/*.json',
  '**/*policy*.json',
  '**/*.cfn.{json,yaml,yml}',
] as const;
/** Default `ajar.files.exclude`. */
export const DEFAULT_EXCLUDE = ['**/node_modules/**', '**/.git/**', '**/cdk.out/asset.*/**'] as const;

const THRESHOLD_NOTE =
  'Unset, the `audit:` block of the `.ajar.yaml` of the workspace folder applies, or else the default; set here, it wins over the file, as `ajar audit --threshold` does.';

export const SETTINGS: SettingsTable = {
  enable: {
    type: 'boolean',
    default: true,
    scope: 'resource',
    order: 10,
    description:
      'Lint CloudFormation and SAM templates, CDK synth output and IAM policy documents. Applies at once, without a reload; may differ per workspace folder.',
  },
  rules: {
    type: 'object',
    default: {},
    scope: 'resource',
    order: 20,
    description:
      'Level per rule id (or slug), overriding the default level of the rule: `"off"`, `"error"`, `"warning"` or `"information"`. These settings win over the rules of `.ajar.yaml`, and may differ per workspace folder. Example: `{ "AJ301": "off" }`.',
  },
  'files.include': {
    type: 'array',
    default: DEFAULT_INCLUDE,
    scope: 'resource',
    order: 30,
    description:
      'Globs of the files the workspace scan lints. Open YAML and JSON documents are linted whatever their name, when they look like a template or a policy.',
  },
  'files.exclude': {
    type: 'array',
    default: DEFAULT_EXCLUDE,
    scope: 'resource',
    order: 40,
    description: 'Globs of the files the workspace scan skips.',
  },
  'workspaceScan.enabled': {
    type: 'boolean',
    default: true,
    scope: 'window',
    order: 50,
    description: 'Lint the files that match `#ajar.files.include#` in the background, not only the open ones.',
  },
  'workspaceScan.maxFiles': {
    type: 'number',
    default: 5000,
    minimum: 0,
    integer: true,
    scope: 'window',
    order: 60,
    description: 'Stop the workspace scan after this many files.',
  },
  'cfnLint.enabled': {
    type: 'string',
    default: 'auto',
    enum: ['auto', 'on', 'off'],
    enumDescriptions: [
      'Use cfn-lint when it is installed.',
      'Use cfn-lint, and say so when it is missing.',
      'Never run cfn-lint.',
    ],
    scope: 'window',
    order: 70,
    description:
      'Also report the findings of cfn-lint (it runs the cfn-lint Python package). In Restricted Mode this is ignored unless it is set in the user settings.',
  },
  'cfnLint.path': {
    type: 'string',
    default: '',
    scope: 'machine',
    order: 80,
    description:
      'The Python interpreter or cfn-lint executable to run. Empty: look on the `PATH`. A machine setting: set it in the User tab of the Settings editor, or in the Remote tab in a remote window (where the server runs).',
  },
  'cfnLint.ignoreChecks': {
    type: 'array',
    default: [],
    scope: 'window',
    order: 90,
    description: 'The cfn-lint check ids to skip, for example `W3005`.',
  },
  'audit.profiles': {
    type: 'array',
    default: [],
    scope: 'window',
    order: 100,
    description:
      'The AWS profiles shown in the Accounts view. Empty: every profile in the AWS config and credentials files.',
  },
  'audit.regions': {
    type: 'array',
    default: [],
    scope: 'window',
    order: 110,
    description:
      'The regions the account audit reads for EC2, SQS and SNS. Empty: every region enabled in the account.',
  },
  'audit.thresholds.unusedDays': {
    type: 'number',
    default: 90,
    minimum: 1,
    optional: true,
    scope: 'window',
    order: 120,
    description: `Account audit (AJ512): an active password or access key unused for this many days is reported. ${THRESHOLD_NOTE}`,
  },
  'audit.thresholds.rotationDays': {
    type: 'number',
    default: 90,
    minimum: 1,
    optional: true,
    scope: 'window',
    order: 130,
    description: `Account audit (AJ513): an active access key older than this many days is reported. ${THRESHOLD_NOTE}`,
  },
  'audit.thresholds.staleKeyDays': {
    type: 'number',
    default: 365,
    minimum: 1,
    optional: true,
    scope: 'window',
    order: 140,
    description:
      'Account audit (AJ514): an active access key older than this many days, and unused for `#ajar.audit.thresholds.staleKeyUnusedDays#` days, is reported as stale. ' +
      THRESHOLD_NOTE,
  },
  'audit.thresholds.staleKeyUnusedDays': {
    type: 'number',
    default: 30,
    minimum: 1,
    optional: true,
    scope: 'window',
    order: 150,
    description:
      'Account audit (AJ514): an access key older than `#ajar.audit.thresholds.staleKeyDays#` days is stale when it was not used for this many days. ' +
      THRESHOLD_NOTE,
  },
  'audit.organizations': {
    type: 'array',
    default: [],
    scope: 'window',
    order: 155,
    items: {
      type: 'object',
      required: ['profile', 'roleName'],
      properties: {
        profile: {
          type: 'string',
          markdownDescription:
            'The AWS profile that reads the organization: its management account or a delegated administrator.',
        },
        roleName: {
          type: 'string',
          markdownDescription: 'The role assumed in each member account (a path may precede the name).',
        },
        externalId: { type: 'string', markdownDescription: 'The `sts:ExternalId` the role trust policy asks for.' },
        include: {
          type: 'array',
          items: { type: 'string' },
          markdownDescription:
            'Only these OUs (`ou-...`, with their child OUs) and accounts (12-digit ids). Empty: every account.',
        },
        exclude: {
          type: 'array',
          items: { type: 'string' },
          markdownDescription: 'Never these OUs and accounts; wins over `include`.',
        },
      },
      additionalProperties: false,
    },
    description:
      "Organizations shown in the Accounts view: for each, the profile that reads it and the role assumed in every member account (session name `ajar-audit`; the profile's own account is audited through the profile). Nothing is read until you run **Audit all accounts**. Empty: the `audit.organizations` of the `.ajar.yaml` of the first workspace folder apply, in a trusted workspace.",
  },
  'trace.server': {
    type: 'string',
    default: 'off',
    enum: ['off', 'messages', 'verbose'],
    enumDescriptions: [
      'No trace.',
      'Each message between VS Code and the server.',
      'Each message with its content, and each analysis with its duration.',
    ],
    scope: 'window',
    order: 160,
    description: 'Trace the communication between VS Code and the Ajar language server in the "Ajar" output.',
  },
};
