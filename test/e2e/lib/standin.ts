/**
 * The stand-in's logic: test-electron arguments → code-server + chromium → exit code.
 * The workbench calls window.codeAutomationExit(code) when the extension-host test runner's run()
 * settles (0 when it resolved); window.codeAutomationLog(level, message) carries the workbench log.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { launchChromium } from './browser';
import { remoteUri, startCodeServer, workbenchUrl } from './codeServer';

export interface StandInArgs {
  extensionDevelopmentPaths: string[];
  extensionTestsPath?: string;
  userDataDir?: string;
  extensionsDir?: string;
  folder?: string;
}

export function parseArgs(argv: string[]): StandInArgs {
  const out: StandInArgs = { extensionDevelopmentPaths: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--extensionDevelopmentPath':
        out.extensionDevelopmentPaths.push(resolve(value()));
        break;
      case '--extensionTestsPath':
        out.extensionTestsPath = resolve(value());
        break;
      case '--user-data-dir':
        out.userDataDir = resolve(value());
        break;
      case '--extensions-dir':
        out.extensionsDir = resolve(value());
        break;
      default:
        if (!arg.startsWith('-')) out.folder = resolve(arg);
      // Electron/VS Code flags (--no-sandbox, --disable-updates, ...) mean nothing here.
    }
  }
  return out;
}

export async function runStandIn(
  argv: string[],
  timeoutMs = Number(process.env.AJAR_E2E_TIMEOUT_MS ?? 120000),
): Promise<number> {
  const args = parseArgs(argv);
  if (!args.extensionTestsPath) {
    console.error('code-standin: --extensionTestsPath is required');
    return 2;
  }
  // Both take seconds on a busy 2-core machine: start them together.
  const [serverResult, chromiumResult] = await Promise.allSettled([
    startCodeServer({
      name: 'exthost',
      workspace: args.folder,
      userDataDir: args.userDataDir,
      extensionsDir: args.extensionsDir,
    }),
    launchChromium(),
  ]);
  if (serverResult.status === 'rejected' || chromiumResult.status === 'rejected') {
    if (serverResult.status === 'fulfilled') await serverResult.value.stop();
    if (chromiumResult.status === 'fulfilled') await chromiumResult.value.close();
    throw serverResult.status === 'rejected' ? serverResult.reason : (chromiumResult as PromiseRejectedResult).reason;
  }
  const server = serverResult.value;
  const chromium = chromiumResult.value;
  const verbose = process.env.AJAR_E2E_VERBOSE === '1';
  try {
    const { page } = chromium;
    const exit = new Promise<number>((resolveExit) => {
      void page.exposeFunction('codeAutomationExit', (code: number) => resolveExit(Number(code)));
    });
    await page.exposeFunction('codeAutomationLog', (level: string, message: string) => {
      if (verbose) console.error(`[workbench ${level}] ${message}`);
    });
    // Extension-host console output reaches the page console; the suite's lines start with "ajar-e2e".
    page.on('console', (m) => {
      const text = m.text();
      const at = text.indexOf('ajar-e2e');
      if (at >= 0) console.log(text.slice(at + 'ajar-e2e'.length).replace(/^[:\s]+/, '') || text);
      else if (verbose) console.error(`[console ${m.type()}] ${text}`);
    });
    const payload: [string, string][] = [
      ...args.extensionDevelopmentPaths.map((p): [string, string] => [
        'extensionDevelopmentPath',
        remoteUri(server, p),
      ]),
      ['extensionTestsPath', remoteUri(server, args.extensionTestsPath)],
    ];
    await page.goto(workbenchUrl(server, args.folder, payload));
    const timer = new Promise<number>((r) => setTimeout(() => r(-1), timeoutMs).unref());
    const code = await Promise.race([exit, timer]);
    if (code === -1) {
      console.error(`code-standin: no result after ${timeoutMs} ms`);
      printServerLog(server.log());
      return 1;
    }
    const results = process.env.AJAR_E2E_RESULTS;
    if (results && existsSync(results) && process.env.AJAR_E2E_PRINT_RESULTS === '1')
      console.log(readFileSync(results, 'utf8'));
    if (code !== 0 && verbose) printServerLog(server.log());
    return code;
  } finally {
    await chromium.close();
    await server.stop();
  }
}

function printServerLog(log: string): void {
  console.error('--- code-server output ---');
  console.error(log.slice(-8000));
}
