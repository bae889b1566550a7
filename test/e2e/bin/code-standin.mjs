#!/usr/bin/env node
// Stand-in for a VS Code executable, for @vscode/test-electron's runTests({ vscodeExecutablePath }).
// It accepts the arguments test-electron passes (--extensionDevelopmentPath=, --extensionTestsPath=,
// --user-data-dir=, --extensions-dir=, a folder, and Electron flags it ignores), runs the
// extension-host tests in code-server driven by headless chromium, and exits with their result.
// The work is in ../lib/standin.ts (TypeScript, loaded through tsx).
import { tsImport } from 'tsx/esm/api';

const { runStandIn } = await tsImport('../lib/standin.ts', import.meta.url);
process.exitCode = await runStandIn(process.argv.slice(2));
