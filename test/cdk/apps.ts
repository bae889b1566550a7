/**
 * Real CDK apps, synthesized with aws-cdk-lib in the test process (the apps are the tests' own
 * code, written to a temp folder and run through tsx), with the context the CDK CLI passes
 * (`CDK_CONTEXT_JSON`, `CDK_OUTDIR`). Built once per machine and kept in a temp folder keyed by the
 * apps' text and the aws-cdk-lib version; test files share it and never write into it.
 *
 * - `traced`: TypeScript, creation stacks in the assembly (the CDK's default);
 * - `stripped`: the same app synthesized with creation stacks off (what mapping by ids must handle);
 * - `moved`: the traced app renamed after synth (the traces name files that are gone);
 * - `legacy`: the traced assembly rewritten to the older format (`trace` on `aws:cdk:logicalId`);
 * - `compiled`: the app compiled by tsc to dist/ with source maps and run as JavaScript;
 * - `python`: the same construct ids written by hand in Python, with `stripped`'s assembly.
 */
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

export const ROOT = resolve(__dirname, '../..');

/** The CLI's context for `cdk synth` (path metadata on, as `cdk synth` does by default). */
export const CLI_CONTEXT = {
  'aws:cdk:enable-path-metadata': true,
  'aws:cdk:enable-asset-metadata': true,
  'aws:cdk:version-reporting': true,
  'aws:cdk:bundling-stacks': ['**'],
};

export const TS_APP: Record<string, string> = {
  'cdk.json': JSON.stringify({ app: 'npx ts-node --prefer-ts-exts bin/app.ts', context: {} }, null, 2),
  'bin/app.ts': `#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { StorageStack } from '../lib/storage-stack';
import { ComputeStack } from '../lib/compute-stack';

const app = new App();
new StorageStack(app, 'StorageStack');
new ComputeStack(app, 'ComputeStack');
app.synth();
`,
  'lib/site.ts': `import { Construct } from 'constructs';
import * as s3 from 'aws-cdk-lib/aws-s3';

/** A public website bucket: its policy is made by the library (publicReadAccess). */
export class StaticSite extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // new s3.Bucket(this, 'Content') in a comment is no construct
    this.bucket = new s3.Bucket(this, 'Content', {
      publicReadAccess: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ACLS_ONLY,
    });
  }
}
`,
  'lib/storage-stack.ts': `import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { StaticSite } from './site';

export class StorageStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    new StaticSite(this, 'Site');

    const reports = new s3.Bucket(this, 'Reports');
    reports.addToResourcePolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject'],
        principals: [new iam.AnyPrincipal()],
        resources: [reports.arnForObjects('*')],
      }),
    );

    const user = new iam.User(this, 'Deployer');
    const key = new iam.AccessKey(this, 'DeployerKey', { user });
    new CfnOutput(this, 'DeployerSecret', { value: key.secretAccessKey.unsafeUnwrap() });
  }
}
`,
  'lib/compute-stack.ts': `import { Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';

export class ComputeStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const handler = new lambda.Function(this, 'Handler', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 });'),
    });
    handler.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });

    new ec2.LaunchTemplate(this, 'Workers', {
      instanceType: new ec2.InstanceType('t3.micro'),
    });
  }
}
`,
};

/** The same construct ids, in Python, as a `cdk init app --language python` project lays them out. */
export const PY_APP: Record<string, string> = {
  'cdk.json': JSON.stringify({ app: 'python3 app.py' }, null, 2),
  'app.py': `#!/usr/bin/env python3
import aws_cdk as cdk

from stacks.compute_stack import ComputeStack
from stacks.storage_stack import StorageStack

app = cdk.App()
StorageStack(app, "StorageStack")
ComputeStack(app, "ComputeStack")
app.synth()
`,
  'stacks/__init__.py': '',
  'stacks/site.py': `from aws_cdk import aws_s3 as s3
from constructs import Construct


class StaticSite(Construct):
    """A public website bucket: its policy is made by the library."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        # s3.Bucket(self, "Content") in a comment is no construct
        self.bucket = s3.Bucket(
            self,
            "Content",
            public_read_access=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ACLS_ONLY,
        )
`,
  'stacks/storage_stack.py': `from aws_cdk import CfnOutput, Stack, aws_iam as iam, aws_s3 as s3
from constructs import Construct

from .site import StaticSite


class StorageStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        StaticSite(self, "Site")

        reports = s3.Bucket(self, "Reports")
        reports.add_to_resource_policy(
            iam.PolicyStatement(
                actions=["s3:GetObject"],
                principals=[iam.AnyPrincipal()],
                resources=[reports.arn_for_objects("*")],
            )
        )

        user = iam.User(self, "Deployer")
        key = iam.AccessKey(self, "DeployerKey", user=user)
        CfnOutput(self, "DeployerSecret", value=key.secret_access_key.unsafe_unwrap())
`,
  'stacks/compute_stack.py': `from aws_cdk import Stack, aws_ec2 as ec2, aws_lambda as _lambda
from constructs import Construct


class ComputeStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        handler = _lambda.Function(
            self,
            "Handler",
            runtime=_lambda.Runtime.NODEJS_22_X,
            handler="index.handler",
            code=_lambda.Code.from_inline("exports.handler = async () => ({ statusCode: 200 });"),
        )
        handler.add_function_url(auth_type=_lambda.FunctionUrlAuthType.NONE)

        ec2.LaunchTemplate(self, "Workers", instance_type=ec2.InstanceType("t3.micro"))
`,
};

/** The TypeScript app with a suppression written from CDK (addMetadata on the L1). */
export const SUPPRESSED_APP: Record<string, string> = {
  ...TS_APP,
  'lib/storage-stack.ts': TS_APP['lib/storage-stack.ts']
    .replace(
      "import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';",
      "import { type CfnResource, CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';",
    )
    .replace(
      "    new CfnOutput(this, 'DeployerSecret',",
      "    (key.node.defaultChild as CfnResource).addMetadata('ajar', {\n      ignore: [{ rule: 'AJ301', reason: 'rotated every 30 days by the ops runbook' }],\n    });\n    new CfnOutput(this, 'DeployerSecret',",
    ),
};

export interface Apps {
  base: string;
  suppressed: string;
  traced: string;
  stripped: string;
  moved: string;
  legacy: string;
  compiled: string;
  python: string;
}

export function writeTree(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

export async function synth(dir: string, entry: string, context: Record<string, unknown>): Promise<void> {
  const env = process.env;
  const saved = { out: env.CDK_OUTDIR, ctx: env.CDK_CONTEXT_JSON };
  env.CDK_OUTDIR = join(dir, 'cdk.out');
  env.CDK_CONTEXT_JSON = JSON.stringify(context);
  try {
    require(join(dir, entry));
  } finally {
    if (saved.out === undefined) delete env.CDK_OUTDIR;
    else env.CDK_OUTDIR = saved.out;
    if (saved.ctx === undefined) delete env.CDK_CONTEXT_JSON;
    else env.CDK_CONTEXT_JSON = saved.ctx;
  }
}

/** tsc's output of the TypeScript app in dist/, with .js.map files naming the sources. */
function compile(dir: string): void {
  for (const name of Object.keys(TS_APP)) {
    if (!name.endsWith('.ts')) continue;
    const src = join(dir, name);
    const out = join(dir, 'dist', name.replace(/\.ts$/, '.js'));
    const r = ts.transpileModule(readFileSync(src, 'utf8'), {
      fileName: src,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        sourceMap: true,
        esModuleInterop: true,
      },
    });
    const map = JSON.parse(r.sourceMapText!);
    map.sources = [relative(dirname(out), src)];
    map.file = out.split('/').pop();
    mkdirSync(dirname(out), { recursive: true });
    const js = r.outputText.replace(/\/\/# sourceMappingURL=.*$/m, `//# sourceMappingURL=${map.file}.map`);
    writeFileSync(out, js);
    writeFileSync(`${out}.map`, JSON.stringify(map));
  }
}

/** The older assembly format: the creation stack as `trace` of the `aws:cdk:logicalId` entry. */
function toLegacy(dir: string): void {
  const out = join(dir, 'cdk.out');
  for (const name of readdirSync(out)) {
    if (!name.endsWith('.metadata.json')) continue;
    const md = JSON.parse(readFileSync(join(out, name), 'utf8')) as Record<string, any[]>;
    for (const [p, list] of Object.entries(md)) {
      const stack = list.find((e) => e.type === 'aws:cdk:creationStack');
      const rest = list.filter((e) => e.type !== 'aws:cdk:creationStack');
      const lid = rest.find((e) => e.type === 'aws:cdk:logicalId');
      if (lid && stack) lid.trace = stack.data.map((f: string) => `at ${f}`);
      md[p] = rest;
    }
    // and inline in manifest.json, as CDK versions before additionalMetadataFile wrote it
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    const art = Object.values(manifest.artifacts).find((a: any) => a.additionalMetadataFile === name) as any;
    if (art) {
      art.metadata = md;
      delete art.additionalMetadataFile;
      writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest, null, 1));
      rmSync(join(out, name));
    }
  }
}

function stamp(): string {
  const lib = JSON.parse(readFileSync(join(ROOT, 'node_modules/aws-cdk-lib/package.json'), 'utf8')).version;
  const h = createHash('sha256');
  h.update(lib);
  h.update(JSON.stringify([TS_APP, PY_APP, SUPPRESSED_APP, CLI_CONTEXT]));
  h.update(readFileSync(__filename));
  return h.digest('hex').slice(0, 16);
}

/** Builds the apps once (a lock folder keeps parallel test files from building twice). */
export async function buildApps(): Promise<Apps> {
  const base = join(tmpdir(), `ajar-cdk-apps-${stamp()}`);
  const apps: Apps = {
    base,
    suppressed: join(base, 'suppressed'),
    traced: join(base, 'traced'),
    stripped: join(base, 'stripped'),
    moved: join(base, 'moved'),
    legacy: join(base, 'legacy'),
    compiled: join(base, 'compiled'),
    python: join(base, 'python'),
  };
  const done = join(base, '.complete');
  if (existsSync(done)) return apps;
  const lock = `${base}.lock`;
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (existsSync(done)) return apps;
      if (Date.now() > deadline || Date.now() - statSync(lock).mtimeMs > 300_000) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    if (existsSync(done)) return apps;
    rmSync(base, { recursive: true, force: true });
    mkdirSync(base, { recursive: true });
    // the apps import aws-cdk-lib from the repository's node_modules
    symlinkSync(join(ROOT, 'node_modules'), join(base, 'node_modules'));

    const synthesized = join(base, 'synthesized');
    writeTree(synthesized, TS_APP);
    await synth(synthesized, 'bin/app.ts', CLI_CONTEXT);

    writeTree(apps.stripped, TS_APP);
    await synth(apps.stripped, 'bin/app.ts', {
      ...CLI_CONTEXT,
      'aws:cdk:disable-stack-trace': true,
      'aws:cdk:disable-creation-stack-traces': true,
    });

    cpSync(synthesized, apps.traced, { recursive: true });
    cpSync(synthesized, apps.legacy, { recursive: true });
    toLegacy(apps.legacy);
    // moved after synth: the assembly's traces name files under `synthesized/`, which is gone
    renameSync(synthesized, apps.moved);

    writeTree(apps.compiled, { ...TS_APP, 'cdk.json': JSON.stringify({ app: 'node dist/bin/app.js' }) });
    compile(apps.compiled);
    const maps = process.sourceMapsEnabled;
    // the frames must name the compiled .js, as a plain `node dist/bin/app.js` writes them
    process.setSourceMapsEnabled(false);
    try {
      await synth(apps.compiled, 'dist/bin/app.js', CLI_CONTEXT);
    } finally {
      process.setSourceMapsEnabled(maps);
    }

    writeTree(apps.suppressed, SUPPRESSED_APP);
    await synth(apps.suppressed, 'bin/app.ts', CLI_CONTEXT);

    writeTree(apps.python, PY_APP);
    cpSync(join(apps.stripped, 'cdk.out'), join(apps.python, 'cdk.out'), { recursive: true });

    writeFileSync(done, new Date().toISOString());
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  return apps;
}

/** The 0-based range of the first occurrence of `needle` in an app's file (after `after`, if given). */
export function rangeOf(dir: string, file: string, needle: string, after?: string) {
  const text = readFileSync(join(dir, file), 'utf8');
  const from = after ? text.indexOf(after) : 0;
  const i = text.indexOf(needle, from);
  if (i < 0 || from < 0) throw new Error(`${needle} not in ${file}`);
  return spanRange(text, i, i + needle.length);
}

/** The range of the whole (trimmed) line holding `needle`. */
export function lineOf(dir: string, file: string, needle: string) {
  const text = readFileSync(join(dir, file), 'utf8');
  const i = text.indexOf(needle);
  if (i < 0) throw new Error(`${needle} not in ${file}`);
  const start = text.lastIndexOf('\n', i) + 1;
  const endNl = text.indexOf('\n', i);
  const line = text.slice(start, endNl < 0 ? text.length : endNl);
  const lead = line.length - line.trimStart().length;
  return spanRange(text, start + lead, start + line.trimEnd().length);
}

function spanRange(text: string, a: number, b: number) {
  const pos = (o: number) => {
    const before = text.slice(0, o);
    const line = before.split('\n').length - 1;
    return { line, character: o - (before.lastIndexOf('\n') + 1) };
  };
  return { start: pos(a), end: pos(b) };
}
