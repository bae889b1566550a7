/** Build steps and workspaces shared by the end-to-end tests. */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { build } from 'esbuild';
import { removeUnlessKept } from './codeServer';
import { E2E_DIR, ROOT, VSIX } from './paths';

export const FIXTURE_WORKSPACE = join(ROOT, 'test/e2e/fixtures/workspace');
export const EXAMPLES = join(ROOT, 'examples');

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): void {
  const r = spawnSync(command, args, { cwd: ROOT, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
}

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

const BUNDLES = ['dist/client.js', 'dist/server.js'];
const BUNDLE_INPUTS = ['client/src', 'server/src', 'scripts/build.mjs', 'package.json'];

/** dist/ holds bundles newer than every source that goes into them. */
function distIsFresh(): boolean {
  const oldestBundle = Math.min(
    ...BUNDLES.map((b) => (existsSync(join(ROOT, b)) ? statSync(join(ROOT, b)).mtimeMs : 0)),
  );
  return oldestBundle > Math.max(...BUNDLE_INPUTS.map((p) => newestMtime(join(ROOT, p))));
}

/**
 * Bundles dist/ with the project's build script, unless it is fresh already (`npm test` builds
 * first; rebuilding while other test files run dist/cli.js would race with them).
 */
export function buildExtension(): void {
  if (!distIsFresh()) run(process.execPath, ['scripts/build.mjs']);
  if (!existsSync(join(ROOT, 'dist/client.js'))) throw new Error('dist/client.js was not built');
}

/** Bundles the extension-host suite to .e2e/suite/index.js (CommonJS, `vscode` external). */
export async function buildSuite(): Promise<string> {
  const outfile = join(E2E_DIR, 'suite', 'index.js');
  await build({
    entryPoints: [join(ROOT, 'test/e2e/suite/index.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['vscode'],
    logLevel: 'warning',
  });
  return outfile;
}

/**
 * ajar.vsix, packaged again unless it is newer than everything that goes into it: the
 * `package` script of package.json, without its `npm run build` step when dist/ is fresh.
 * `--no-rewrite-relative-links` is added: vsce refuses README's relative links without a
 * `repository` (see the report to the lead).
 */
export function ensureVsix(): string {
  const inputs = [...BUNDLE_INPUTS, '.vscodeignore', 'README.md', 'docs/rules', 'resources', 'syntaxes'];
  if (existsSync(VSIX) && statSync(VSIX).mtimeMs > Math.max(...inputs.map((p) => newestMtime(join(ROOT, p)))))
    return VSIX;
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  let script = pkg.scripts.package;
  if (distIsFresh()) script = script.replace(/^npm run build && /, '');
  if (!script.includes('--no-rewrite-relative-links')) script += ' --no-rewrite-relative-links';
  // As npm would run it: the project's node_modules/.bin first on PATH.
  run('sh', ['-c', script], {
    ...process.env,
    PATH: `${join(ROOT, 'node_modules/.bin')}${delimiter}${process.env.PATH ?? ''}`,
  });
  return VSIX;
}

/**
 * A fresh copy of the test workspace under .e2e/ (tests edit it): examples/ once it holds
 * template.yaml, with the fixture template added as e2e-fixture/template.yaml for the checks that
 * need exactly known findings; before examples/ exists, the fixture workspace alone.
 */
export interface WorkspaceCopy {
  workspace: string;
  fixtureTemplate: string;
  /** The fixture template's path inside the workspace. */
  fixtureRelative: string;
  fromExamples: boolean;
  remove(): void;
}

export function copyWorkspace(name: string): WorkspaceCopy {
  mkdirSync(E2E_DIR, { recursive: true });
  const dir = mkdtempSync(join(E2E_DIR, `${name}-`));
  const workspace = join(dir, 'workspace');
  const fromExamples = existsSync(join(EXAMPLES, 'template.yaml'));
  cpSync(fromExamples ? EXAMPLES : FIXTURE_WORKSPACE, workspace, { recursive: true });
  const fixtureRelative = fromExamples ? 'e2e-fixture/template.yaml' : 'template.yaml';
  if (fromExamples) cpSync(join(FIXTURE_WORKSPACE, 'template.yaml'), join(workspace, fixtureRelative));
  return {
    workspace,
    fixtureTemplate: join(workspace, fixtureRelative),
    fixtureRelative,
    fromExamples,
    remove: () => removeUnlessKept(dir),
  };
}
