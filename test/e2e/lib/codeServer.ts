/**
 * A real VS Code for tests: code-server 4.100.3 (installed by scripts/setup-e2e.sh) on a free port
 * of 127.0.0.1, in its own process group, with every directory it writes under .e2e/<run>/.
 * See ../shared/recipes/real-vscode.md.
 */
import type { ChildProcess } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../audit/moto';
import { CODE_SERVER_BIN, E2E_DIR } from './paths';
import { spawnGroup, stopGroup, waitFor } from './processes';

export interface CodeServerOptions {
  /** Folder to open (also passed to the browser URL by the caller). */
  workspace?: string;
  /** vsix files to install before starting. */
  vsix?: string[];
  /** Extra environment for code-server and its extension host (AWS_CONFIG_FILE, ...). */
  env?: NodeJS.ProcessEnv;
  /** User settings, on top of the test defaults. */
  settings?: Record<string, unknown>;
  /** Use these instead of fresh directories under .e2e/ (the stand-in honours test-electron's). */
  userDataDir?: string;
  extensionsDir?: string;
  /** Prefix of the run directory under .e2e/. */
  name?: string;
}

export interface CodeServer {
  port: number;
  url: string;
  runDir: string;
  userDataDir: string;
  /** code-server's own output, for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

const DEFAULT_SETTINGS = {
  'remote.autoForwardPorts': false,
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'extensions.ignoreRecommendations': true,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'git.enabled': false,
  'chat.commandCenter.enabled': false,
  'window.commandCenter': false,
  'editor.minimap.enabled': false,
};

export function assertCodeServerInstalled(): void {
  if (!existsSync(CODE_SERVER_BIN)) {
    throw new Error(`code-server is not installed at ${CODE_SERVER_BIN}: run scripts/setup-e2e.sh first`);
  }
}

export async function startCodeServer(options: CodeServerOptions = {}): Promise<CodeServer> {
  assertCodeServerInstalled();
  mkdirSync(E2E_DIR, { recursive: true });
  const runDir = mkdtempSync(join(E2E_DIR, `${options.name ?? 'run'}-`));
  const dirs = {
    XDG_CONFIG_HOME: join(runDir, 'xdg-config'),
    XDG_DATA_HOME: join(runDir, 'xdg-data'),
    TMPDIR: join(runDir, 'tmp'),
  };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  const userDataDir = options.userDataDir ?? join(runDir, 'user-data');
  const extensionsDir = options.extensionsDir ?? join(runDir, 'extensions');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(
    join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...DEFAULT_SETTINGS, ...options.settings }, null, 2),
  );

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...dirs,
    EXTENSIONS_GALLERY: '{}',
    // code-server would otherwise read and write ~/.config/code-server/config.yaml
    CODE_SERVER_CONFIG: join(runDir, 'config.yaml'),
    ...options.env,
  };
  delete env.VSCODE_IPC_HOOK_CLI; // never talk to an outer VS Code
  const common = ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];

  for (const vsix of options.vsix ?? []) {
    const r = spawnSync(CODE_SERVER_BIN, [...common, '--install-extension', vsix, '--force'], {
      env,
      encoding: 'utf8',
      timeout: 60000,
    });
    if (r.status !== 0) throw new Error(`installing ${vsix} failed (${r.status}): ${r.stdout}${r.stderr}`);
  }

  const port = await freePort();
  const args = [
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    ...common,
  ];
  if (options.workspace) args.push(options.workspace);
  const child: ChildProcess = spawnGroup(CODE_SERVER_BIN, args, { env, cwd: runDir });
  let output = '';
  const collect = (d: Buffer) => {
    if (output.length < 200_000) output += String(d);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      'code-server /healthz',
      async () => {
        if (child.exitCode !== null) throw new Error(`code-server exited (${child.exitCode}): ${output}`);
        const r = await fetch(`${url}/healthz`);
        return r.ok;
      },
      30000,
    );
  } catch (err) {
    await stopGroup(child);
    throw err;
  }
  return {
    port,
    url,
    runDir,
    userDataDir,
    log: () => output,
    stop: async () => {
      await stopGroup(child);
      removeUnlessKept(runDir);
    },
  };
}

/** A `vscode-remote://` URI for a path on the code-server machine (extension dev/test paths). */
export function remoteUri(server: CodeServer, path: string): string {
  return `vscode-remote://127.0.0.1:${server.port}${path}`;
}

/** The workbench URL for a folder, with optional extension-test payload. */
export function workbenchUrl(server: CodeServer, folder?: string, payload?: [string, string][]): string {
  const q = new URLSearchParams();
  if (folder) q.set('folder', folder);
  if (payload) q.set('payload', JSON.stringify(payload));
  const query = q.toString();
  return `${server.url}/${query ? `?${query}` : ''}`;
}

/** Removes a per-run directory, unless AJAR_E2E_KEEP=1 asks to keep it for a post-mortem. */
export function removeUnlessKept(dir: string): void {
  if (process.env.AJAR_E2E_KEEP === '1') return;
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  } catch {
    /* a straggler still writing: left for the next clean-up */
  }
}
