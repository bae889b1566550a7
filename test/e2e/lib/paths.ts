import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is test/e2e/lib/paths.ts). */
export const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
export const CODE_SERVER_BIN = join(ROOT, '.cache/code-server/node_modules/.bin/code-server');
/** Per-run state (user data, extensions, XDG dirs, TMPDIR): gitignored. */
export const E2E_DIR = join(ROOT, '.e2e');
export const SCREENSHOTS_DIR = join(ROOT, 'test-results/screenshots');
export const CHROMIUM = '/usr/bin/chromium';
export const VSIX = join(ROOT, 'ajar.vsix');
