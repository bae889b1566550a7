// Bundles the language server, the CLI, the cfn-lint worker client and the VS Code client with esbuild.
import { build } from 'esbuild';
import { cpSync, mkdirSync, existsSync } from 'node:fs';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  legalComments: 'none',
  // jsonc-parser's UMD build hides its requires from bundlers: take the ESM build.
  mainFields: ['module', 'main'],
  // Minified: the .vsix ships these files (source maps stay out of it but beside them in dist/).
  minify: true,
  keepNames: true,
};

const entries = [
  { in: 'server/src/cli/main.ts', out: 'dist/cli.js', banner: '#!/usr/bin/env node' },
  { in: 'server/src/lsp/main.ts', out: 'dist/server.js' },
  { in: 'client/src/extension.ts', out: 'dist/client.js', external: ['vscode'] },
];

mkdirSync('dist', { recursive: true });
await Promise.all(
  entries
    .filter((e) => existsSync(e.in))
    .map((e) =>
      build({
        ...common,
        entryPoints: [e.in],
        outfile: e.out,
        external: e.external ?? [],
        banner: e.banner ? { js: e.banner } : undefined,
      }),
    ),
);
// Python worker for cfn-lint ships beside the bundles.
if (existsSync('server/src/cfnlint/worker.py')) cpSync('server/src/cfnlint/worker.py', 'dist/cfnlint-worker.py');
