/**
 * CDK findings at the construct in the app's source (engine/cdk): real apps synthesized with
 * aws-cdk-lib (test/cdk/apps.ts), every finding's source line by creation stack and by construct
 * ids, moved apps, compiled apps with source maps, Python, stale sources and ambiguity.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lintText, RULES, renderRuleDoc } from '../../server/src/engine';
import { CdkLocator, type ConstructInfo, constructsOf } from '../../server/src/engine/cdk';
import { tokenize } from '../../server/src/engine/cdk/lexer';
import { readSource } from '../../server/src/engine/cdk/sources';
import { type Apps, buildApps, lineOf, rangeOf } from './apps';

let apps: Apps;
let scratch: string;
before(async () => {
  apps = await buildApps();
  scratch = mkdtempSync(join(tmpdir(), 'ajar-cdk-test-'));
});
after(() => rmSync(scratch, { recursive: true, force: true }));

interface Mapped {
  template: string;
  ruleId: string;
  resource: string | null;
  construct: ConstructInfo | null;
}

/** Lints every template of an app's assembly and maps its findings. */
function mapApp(dir: string, locator = new CdkLocator()): Mapped[] {
  const out: Mapped[] = [];
  const asm = join(dir, 'cdk.out');
  for (const name of readdirSync(asm).sort()) {
    if (!name.endsWith('.template.json')) continue;
    const file = join(asm, name);
    const r = lintText(readFileSync(file, 'utf8'), { fileName: file });
    assert.equal(r.kind, 'cdk');
    const m = constructsOf(locator, file, r.template, r.findings);
    for (const f of r.findings)
      out.push({ template: name, ruleId: f.ruleId, resource: f.resource, construct: m.get(f) ?? null });
  }
  return out;
}

type Want = { path: string; file: string; range: ReturnType<typeof rangeOf> };

/** The findings of the TypeScript app, and where each belongs (by trace or by ids). */
function wantTs(dir: string, via: 'trace' | 'id'): Record<string, Want> {
  const site = (path: string): Want => ({
    path,
    file: 'lib/site.ts',
    range: rangeOf(dir, 'lib/site.ts', "'Content'", 'this.bucket'),
  });
  const storage = (path: string, needle: string): Want => ({
    path,
    file: 'lib/storage-stack.ts',
    range: rangeOf(dir, 'lib/storage-stack.ts', needle),
  });
  return {
    'AJ103 HandlerFunctionUrl003AF664':
      via === 'trace'
        ? {
            path: 'ComputeStack/Handler/FunctionUrl/Resource',
            file: 'lib/compute-stack.ts',
            range: lineOf(dir, 'lib/compute-stack.ts', 'handler.addFunctionUrl('),
          }
        : {
            path: 'ComputeStack/Handler/FunctionUrl/Resource',
            file: 'lib/compute-stack.ts',
            range: rangeOf(dir, 'lib/compute-stack.ts', "'Handler'"),
          },
    'AJ201 Workers96E39E36': {
      path: 'ComputeStack/Workers/Resource',
      file: 'lib/compute-stack.ts',
      range: rangeOf(dir, 'lib/compute-stack.ts', "'Workers'"),
    },
    'AJ112 SiteContent02569BC1': site('StorageStack/Site/Content/Resource'),
    // made lazily by the library (publicReadAccess): no frame of the app, so its ancestor's
    'AJ101 SiteContentPolicyEB53EDC8': site('StorageStack/Site/Content/Policy/Resource'),
    'AJ101 ReportsPolicyA13B441D':
      via === 'trace'
        ? {
            path: 'StorageStack/Reports/Policy/Resource',
            file: 'lib/storage-stack.ts',
            range: lineOf(dir, 'lib/storage-stack.ts', 'reports.addToResourcePolicy('),
          }
        : storage('StorageStack/Reports/Policy/Resource', "'Reports'"),
    'AJ301 DeployerKey5D2B2FFE': storage('StorageStack/DeployerKey/Resource', "'DeployerKey'"),
    'AJ302 DeployerSecret': storage('StorageStack/DeployerSecret', "'DeployerSecret'"),
  };
}

function wantPy(dir: string): Record<string, Want> {
  const at = (path: string, file: string, needle: string, after?: string): Want => ({
    path,
    file,
    range: rangeOf(dir, file, needle, after),
  });
  const site = (path: string) => at(path, 'stacks/site.py', '"Content"', 'self.bucket');
  return {
    'AJ103 HandlerFunctionUrl003AF664': at(
      'ComputeStack/Handler/FunctionUrl/Resource',
      'stacks/compute_stack.py',
      '"Handler"',
    ),
    'AJ201 Workers96E39E36': at('ComputeStack/Workers/Resource', 'stacks/compute_stack.py', '"Workers"'),
    'AJ112 SiteContent02569BC1': site('StorageStack/Site/Content/Resource'),
    'AJ101 SiteContentPolicyEB53EDC8': site('StorageStack/Site/Content/Policy/Resource'),
    'AJ101 ReportsPolicyA13B441D': at('StorageStack/Reports/Policy/Resource', 'stacks/storage_stack.py', '"Reports"'),
    'AJ301 DeployerKey5D2B2FFE': at('StorageStack/DeployerKey/Resource', 'stacks/storage_stack.py', '"DeployerKey"'),
    'AJ302 DeployerSecret': at('StorageStack/DeployerSecret', 'stacks/storage_stack.py', '"DeployerSecret"'),
  };
}

/** Every finding is where `want` says, found the way `via` says. */
function check(dir: string, mapped: Mapped[], want: Record<string, Want>, via: 'trace' | 'id') {
  const keys = new Set(mapped.map((m) => `${m.ruleId} ${m.resource}`));
  assert.deepEqual([...keys].sort(), Object.keys(want).sort(), 'the findings of the test app');
  // two AJ112 findings (BlockPublicPolicy, RestrictPublicBuckets) on the same bucket
  assert.equal(mapped.length, Object.keys(want).length + 1);
  for (const m of mapped) {
    const w = want[`${m.ruleId} ${m.resource}`];
    const key = `${m.template} ${m.ruleId} ${m.resource}`;
    assert.ok(m.construct, `${key}: no construct`);
    assert.equal(m.construct.path, w.path, key);
    assert.ok(m.construct.source, `${key}: no source (${JSON.stringify(m.construct)})`);
    assert.deepEqual(
      { file: m.construct.source.file, range: m.construct.source.range, via: m.construct.source.via },
      { file: join(dir, w.file), range: w.range, via },
      key,
    );
    assert.equal(m.construct.source.stale, undefined, `${key}: not stale`);
  }
}

const figures = { trace: 0, id: 0, unmapped: 0 };
function count(mapped: Mapped[]) {
  for (const m of mapped) {
    const v = m.construct?.source?.via;
    if (v) figures[v]++;
    else figures.unmapped++;
  }
}
after(() => {
  console.log(
    `# cdk figures: ${figures.trace} findings mapped by trace, ${figures.id} by id, ${figures.unmapped} unmapped`,
  );
});

test('creation stacks: every finding at the first frame of the app, the construct id when the call has one', () => {
  const mapped = mapApp(apps.traced);
  check(apps.traced, mapped, wantTs(apps.traced, 'trace'), 'trace');
  count(mapped);
});

test('creation stacks stripped: every finding by construct ids, through the custom construct', () => {
  const mapped = mapApp(apps.stripped);
  // no creation stack at all in this assembly
  const md = readFileSync(join(apps.stripped, 'cdk.out/StorageStack.metadata.json'), 'utf8');
  assert.ok(!md.includes('aws:cdk:creationStack'));
  check(apps.stripped, mapped, wantTs(apps.stripped, 'id'), 'id');
  count(mapped);
});

test('app moved after synth: frames found by the longest suffix of their path under the app root', () => {
  const md = readFileSync(join(apps.moved, 'cdk.out/StorageStack.metadata.json'), 'utf8');
  assert.ok(md.includes(join(apps.base, 'synthesized', 'lib', 'site.ts')), 'the traces name the old folder');
  const mapped = mapApp(apps.moved);
  check(apps.moved, mapped, wantTs(apps.moved, 'trace'), 'trace');
  count(mapped);
});

test('no creation stacks and moved after synth: the ids still give every line', () => {
  const dir = join(scratch, 'elsewhere', 'stripped-app');
  cpSync(apps.stripped, dir, { recursive: true });
  const mapped = mapApp(dir);
  check(dir, mapped, wantTs(dir, 'id'), 'id');
  count(mapped);
});

test('older assemblies: metadata inline in manifest.json, `trace` on aws:cdk:logicalId entries', () => {
  const mapped = mapApp(apps.legacy);
  check(apps.legacy, mapped, wantTs(apps.legacy, 'trace'), 'trace');
  count(mapped);
});

test('compiled app: frames in dist/*.js mapped to the TypeScript through their source maps', () => {
  const md = readFileSync(join(apps.compiled, 'cdk.out/StorageStack.metadata.json'), 'utf8');
  assert.ok(md.includes(join(apps.compiled, 'dist', 'lib', 'site.js')), 'the traces name the compiled files');
  const mapped = mapApp(apps.compiled);
  check(apps.compiled, mapped, wantTs(apps.compiled, 'trace'), 'trace');
  count(mapped);
});

test('Python app: construct ids in the Python sources (self, "Id"), through `from .site import`', () => {
  const mapped = mapApp(apps.python);
  check(apps.python, mapped, wantPy(apps.python), 'id');
  count(mapped);
});

test('Python app with TypeScript traces: frames that name no file of the app fall back to ids', () => {
  const dir = join(scratch, 'python-traced');
  cpSync(apps.python, dir, { recursive: true });
  rmSync(join(dir, 'cdk.out'), { recursive: true });
  cpSync(join(apps.traced, 'cdk.out'), join(dir, 'cdk.out'), { recursive: true });
  const mapped = mapApp(dir);
  check(dir, mapped, wantPy(dir), 'id');
});

test('stale: a source edited after synth is marked; a moved line is found again by its id', () => {
  const dir = join(scratch, 'stale');
  cpSync(apps.traced, dir, { recursive: true });
  // cpSync keeps no times: make the assembly older than every source, then edit one file
  const old = new Date(Date.now() - 60_000);
  for (const f of ['lib/site.ts', 'lib/storage-stack.ts', 'lib/compute-stack.ts', 'bin/app.ts'])
    utimesSync(join(dir, f), old, old);
  utimesSync(join(dir, 'cdk.out/manifest.json'), new Date(Date.now() - 30_000), new Date(Date.now() - 30_000));
  const file = join(dir, 'lib/storage-stack.ts');
  writeFileSync(file, `// a new first line\n${readFileSync(file, 'utf8')}`);
  const mapped = mapApp(dir);
  const key = mapped.find((m) => m.resource === 'DeployerKey5D2B2FFE')!.construct!;
  assert.equal(key.source?.stale, true);
  // the trace's line is one off now; the id in today's text is the place
  assert.deepEqual(key.source?.range, rangeOf(dir, 'lib/storage-stack.ts', "'DeployerKey'"));
  assert.equal(key.source?.via, 'id');
  const site = mapped.find((m) => m.resource === 'SiteContent02569BC1')!.construct!;
  assert.equal(site.source?.stale, undefined, 'lib/site.ts did not change');
  assert.equal(site.source?.via, 'trace');
});

/** A hand-made assembly: cdk.json, the app's sources, manifest.json and one template. */
function handMade(name: string, sources: Record<string, string>, resources: Record<string, string>): string {
  const dir = join(scratch, name);
  for (const [f, text] of Object.entries({ 'cdk.json': '{"app": "npx ts-node bin/app.ts"}', ...sources })) {
    mkdirSync(join(dir, f, '..'), { recursive: true });
    writeFileSync(join(dir, f), text);
  }
  mkdirSync(join(dir, 'cdk.out'), { recursive: true });
  const artifacts = {
    Main: { type: 'aws:cloudformation:stack', properties: { templateFile: 'Main.template.json' }, metadata: {} },
  };
  writeFileSync(join(dir, 'cdk.out/manifest.json'), JSON.stringify({ version: '36.0.0', artifacts }));
  const Resources = Object.fromEntries(
    Object.entries(resources).map(([id, path]) => [
      id,
      {
        Type: 'AWS::S3::Bucket',
        Properties: { AccessControl: 'PublicRead' },
        Metadata: { 'aws:cdk:path': path },
      },
    ]),
  );
  writeFileSync(join(dir, 'cdk.out/Main.template.json'), JSON.stringify({ Resources }, null, 1));
  return dir;
}

test('ambiguous ids: the candidates, not a guess; a helper function and computed ids', () => {
  const dir = handMade(
    'ambiguous',
    {
      'bin/app.ts':
        "import { App } from 'aws-cdk-lib';\nimport { Main } from '../lib/main';\nconst app = new App();\nnew Main(app, 'Main');\n",
      'lib/main.ts': [
        "import { Stack } from 'aws-cdk-lib';",
        "import { Bucket } from 'aws-cdk-lib/aws-s3';",
        "import { logs } from './util';",
        'export class Main extends Stack {',
        '  constructor(scope: any, id: string) {',
        '    super(scope, id);',
        "    if (process.env.PROD) new Bucket(this, 'Data', { versioned: true });",
        "    else new Bucket(this, 'Data');",
        "    logs(this, 'Logs');",
        '    for (const n of [1, 2]) new Bucket(this, `Copy${n}`);',
        "    const name = ['Dyn', 'amic'].join('');",
        '    new Bucket(this, name);',
        '  }',
        '}',
        '',
      ].join('\n'),
      'lib/util.ts':
        "import { Bucket } from 'aws-cdk-lib/aws-s3';\nexport function logs(scope: any, id: string) {\n  return new Bucket(scope, id);\n}\n",
    },
    {
      DataA: 'Main/Data/Resource',
      LogsB: 'Main/Logs/Resource',
      Copy1C: 'Main/Copy1/Resource',
      DynamicD: 'Main/Dynamic/Resource',
    },
  );
  const mapped = mapApp(dir);
  const by = (id: string) => mapped.find((m) => m.resource === id)!.construct!;
  const data = by('DataA');
  assert.equal(data.source, null);
  assert.deepEqual(
    data.candidates?.map((c) => [c.file, c.range.start.line]),
    [
      [join(dir, 'lib/main.ts'), 6],
      [join(dir, 'lib/main.ts'), 7],
    ],
  );
  // a helper called with the id: the call is where the id is written
  assert.deepEqual(by('LogsB').source?.range, rangeOf(dir, 'lib/main.ts', "'Logs'"));
  // an id made by a template literal: the literal whose pattern makes it
  assert.deepEqual(by('Copy1C').source?.range, rangeOf(dir, 'lib/main.ts', '`Copy${n}`'));
  assert.equal(by('Copy1C').path, 'Main/Copy1/Resource');
  // an id computed otherwise: the stack is all the sources can tell
  assert.deepEqual(by('DynamicD').source?.range, rangeOf(dir, 'bin/app.ts', "'Main'"));
});

test('without cdk.json or an entry the sources under the assembly folder are searched', () => {
  const dir = handMade(
    'no-entry',
    {
      'main.ts':
        "import * as s3 from 'aws-cdk-lib/aws-s3';\nclass Main extends Stack { constructor(s: any) { super(s, 'Main'); new s3.Bucket(this, 'Assets'); } }\nconst app = new App();\nnew Main(app, 'Main');\n",
    },
    { AssetsA: 'Main/Assets/Resource' },
  );
  rmSync(join(dir, 'cdk.json'));
  const m = mapApp(dir)[0].construct!;
  assert.deepEqual(m.source?.range, rangeOf(dir, 'main.ts', "'Assets'"));
});

test('lexer: ids in comments, strings, template literals and regular expressions are not constructs', () => {
  const ts = [
    "// new Bucket(this, 'A')",
    "/* new Bucket(this, 'B') */",
    'const s = "new Bucket(this, \'C\')";',
    'const t = `new Bucket(this, ${"D"})`;',
    "const r = /new Bucket\\(this, 'E'/;",
    "new Bucket(this, 'F');",
    'new Bucket<Props>(this, "G", {});',
    'new Bucket(this, `H`);',
    'new Bucket(this, `I${n}x`, {});',
    'new Bucket(this, `${name}`);',
  ].join('\n');
  assert.deepEqual(
    readSource(ts, 'ts').creations.map((c) => c.id),
    ['F', 'G', 'H', 'I${…}x'],
  );
  const tpl = readSource(ts, 'ts').creations[3].pattern!;
  assert.ok(tpl.test('I1x') && tpl.test('Iabcx') && !tpl.test('Ix') && !tpl.test('I1xy'));
  const py = [
    '# Bucket(self, "A")',
    '"""Bucket(self, "B")"""',
    's = f\'{Bucket(self, "C")}\'',
    'Bucket(self, "D")',
    'Bucket(self, id="E")',
    'Bucket(',
    '    self,',
    "    'F',",
    ')',
  ].join('\n');
  assert.deepEqual(
    readSource(py, 'py').creations.map((c) => c.id),
    ['D', 'E', 'F'],
  );
  // Python blocks end where the indentation does
  const cls = readSource('class A(Construct):\n    def f(self):\n        B(self, "x")\n\nC(app, "y")\n', 'py');
  const a = cls.classes.get('A')!;
  const ids = cls.creations.filter((c) => c.start >= a.start && c.start < a.end).map((c) => c.id);
  assert.deepEqual(ids, ['x']);
  assert.ok(
    tokenize('a / b / c', 'ts').every((t) => t.value !== '/regex/'),
    'division is not a regex',
  );
});

test('suppressing from CDK: addMetadata on the L1 writes the ajar ignore entry the engine reads', () => {
  const file = join(apps.suppressed, 'cdk.out/StorageStack.template.json');
  const r = lintText(readFileSync(file, 'utf8'), { fileName: file });
  assert.ok(!r.findings.some((f) => f.ruleId === 'AJ301'));
  assert.deepEqual(
    r.suppressed.map((s) => [s.finding.ruleId, s.finding.resource, s.reason, s.by]),
    [['AJ301', 'DeployerKey5D2B2FFE', 'rotated every 30 days by the ops runbook', 'metadata']],
  );
  // the docs say so on every rule page
  assert.match(
    renderRuleDoc(RULES.find((x) => x.id === 'AJ301')!),
    /cfnResource\.addMetadata\('ajar', \{ ignore: \[\{ rule: 'AJ301'/,
  );
});
