/** Debian's chromium driven by playwright-core, with the recipe's flags and a fresh profile. */
import { mkdtempSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { TestContext } from 'node:test';
import { removeUnlessKept, startCodeServer, type CodeServer, type CodeServerOptions } from './codeServer';
import { CHROMIUM, E2E_DIR } from './paths';

export interface Chromium {
  browser: BrowserContext;
  page: Page;
  /** Console lines from the workbench, for failure messages. */
  consoleLines: string[];
  close(): Promise<void>;
}

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export async function launchChromium(viewport = { width: 1400, height: 900 }): Promise<Chromium> {
  mkdirSync(E2E_DIR, { recursive: true });
  const profile = mkdtempSync(join(E2E_DIR, 'chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
    // code-server needs clipboard access for copy commands; harmless otherwise
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const consoleLines: string[] = [];
  page.on('console', (m) => {
    if (consoleLines.length < 5000) consoleLines.push(`[${m.type()}] ${m.text()}`);
  });
  return {
    browser: context,
    page,
    consoleLines,
    close: async () => {
      await context.close().catch(() => undefined);
      removeUnlessKept(profile);
    },
  };
}

export type { Browser, Page };

/** code-server and chromium, started together, both stopped when the test ends. */
export async function startBoth(
  t: TestContext,
  options: CodeServerOptions,
): Promise<{ server: CodeServer; chromium: Chromium }> {
  const serverStarting = startCodeServer(options);
  const chromiumStarting = launchChromium();
  // Whatever started is stopped, even when the other failed.
  t.after(async () => {
    const [server, chromium] = await Promise.allSettled([serverStarting, chromiumStarting]);
    if (chromium.status === 'fulfilled') await chromium.value.close();
    if (server.status === 'fulfilled') await server.value.stop();
  });
  const [server, chromium] = await Promise.all([serverStarting, chromiumStarting]);
  return { server, chromium };
}
