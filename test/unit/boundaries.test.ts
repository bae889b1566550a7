/**
 * ARCHITECTURE.md's "may import" column, enforced. Every import under server/src and client/src
 * (static `import`/`export ... from`, `import type`, dynamic `import()`, `require()`,
 * `typeof import()`) is read with the TypeScript parser, resolved to a file or an npm package, and
 * checked against the table below. Change the table here and in ARCHITECTURE.md together.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(__dirname, '..', '..');

interface Row {
  /** Files or folders (repository-relative, no trailing slash) this row may import. */
  may: string[];
  /** npm packages (`name` or `@scope/*`) and Node built-ins (`node:fs`, or `node:*`). */
  packages: string[];
  /** Packages this row may name in type-only imports (`import type`), never load. */
  typePackages?: string[];
}

const ENGINE = 'server/src/engine';
const TYPES = `${ENGINE}/types.ts`;
const PARSE = `${ENGINE}/parse`;
const MODEL = `${ENGINE}/model`;

/**
 * Folder rows: a file belongs to the longest folder that contains it. A file may always import
 * files of its own row (except the rule-to-rule edge, below), plus what its row lists.
 */
export const FOLDERS: Record<string, Row> = {
  // lint.ts, classify.ts, docs.ts, index.ts (the public surface): the engine's own folders.
  [ENGINE]: {
    may: [
      PARSE,
      MODEL,
      `${ENGINE}/policy`,
      `${ENGINE}/rules`,
      `${ENGINE}/fixes`,
      `${ENGINE}/config`,
      `${ENGINE}/cdk`,
      `${ENGINE}/navigation`,
      `${ENGINE}/stacks`,
    ],
    packages: [],
  },
  [PARSE]: { may: [TYPES], packages: ['yaml', 'jsonc-parser'] },
  [MODEL]: { may: [PARSE, TYPES], packages: [] },
  [`${ENGINE}/policy`]: { may: [PARSE, `${MODEL}/values.ts`, TYPES], packages: [] },
  [`${ENGINE}/rules`]: {
    may: [PARSE, MODEL, `${ENGINE}/policy`, `${ENGINE}/classify.ts`, `${ENGINE}/fixes`, TYPES],
    packages: [],
  },
  [`${ENGINE}/fixes`]: { may: [PARSE, MODEL, TYPES], packages: [] },
  // Outline, definitions and references: read the tree and the model, never a rule.
  [`${ENGINE}/navigation`]: { may: [PARSE, MODEL, TYPES], packages: [] },
  // CDK: the cloud assembly and the app's sources, read (never run) to map findings to constructs.
  [`${ENGINE}/cdk`]: { may: [PARSE, MODEL, TYPES], packages: ['node:fs', 'node:path'] },
  // Deployed stacks to workspace files: the assembly, samconfig.toml (smol-toml), `.ajar.yaml` `stacks:`, templates.
  [`${ENGINE}/stacks`]: {
    may: [PARSE, MODEL, TYPES, `${ENGINE}/cdk`, `${ENGINE}/config`],
    packages: ['node:fs', 'node:path', 'smol-toml'],
  },
  // The registry: rule ids and slugs in `rules:` and `ignores:` are validated against it.
  [`${ENGINE}/config`]: { may: [PARSE, TYPES, `${ENGINE}/rules/registry.ts`], packages: [] },
  'server/src/audit': {
    may: [`${ENGINE}/policy/index.ts`, TYPES, 'server/src/audit/rules'],
    packages: ['@aws-sdk/*', '@smithy/*', 'node:*'],
  },
  // Live rules: metadata, docs and pure checks. They load no AWS SDK (types only), so the rule
  // list, docs pages and SARIF rule list cost nothing until an account is audited.
  'server/src/audit/rules': {
    may: [`${ENGINE}/policy/index.ts`, TYPES, 'server/src/audit/findings.ts', 'server/src/audit/credentialReport.ts'],
    packages: [],
    typePackages: ['@aws-sdk/*'],
  },
  // Every rule, template and live: `ajar rules`, SARIF, docs/rules/, ajar/ruleDocs.
  'server/src/catalog.ts': { may: [`${ENGINE}/index.ts`, 'server/src/audit/rules/registry.ts'], packages: [] },
  'server/src/cfnlint': { may: [TYPES], packages: ['node:*'] },
  // The audit's reports (document, HTML, Markdown, history) and the escaping of what the shells
  // write: pure renderers both shells import (the CLI's `ajar audit`, the server's security report).
  'server/src/report': { may: ['server/src/audit'], packages: ['node:*'] },
  'server/src/lsp': {
    may: [`${ENGINE}/index.ts`, 'server/src/catalog.ts', 'server/src/audit', 'server/src/cfnlint', 'server/src/report'],
    packages: ['vscode-languageserver', 'vscode-languageserver-textdocument', 'node:*'],
  },
  'server/src/cli': {
    may: [`${ENGINE}/index.ts`, 'server/src/catalog.ts', 'server/src/audit', 'server/src/cfnlint', 'server/src/report'],
    packages: ['node:*'],
  },
  'client/src': { may: ['server/src/lsp/protocol.ts'], packages: ['vscode', 'vscode-languageclient', 'node:*'] },
};

/** Single files whose row differs from their folder's (replaces the folder row's lists). */
export const FILES: Record<string, Row> = {
  // The vocabulary: FixContext names the parsed document, the template and the value context.
  [TYPES]: { may: [`${PARSE}/ast.ts`, `${MODEL}/template.ts`, `${MODEL}/values.ts`], packages: [] },
  // The only engine file that touches the file system (the walk-up `.ajar.yaml` loader).
  [`${ENGINE}/config/load.ts`]: { may: [PARSE, TYPES], packages: ['node:fs', 'node:path'] },
  // Globs in VS Code's dialect.
  [`${ENGINE}/config/glob.ts`]: { may: [PARSE, TYPES], packages: ['picomatch'] },
  // The registry lists every rule.
  [`${ENGINE}/rules/registry.ts`]: { may: [TYPES], packages: [] },
  // The tags the parsers keep come from the one table of intrinsic names (data, no runtime imports).
  [`${PARSE}/ast.ts`]: { may: [TYPES, `${MODEL}/intrinsics.ts`], packages: [] },
  'server/src/audit/rules/registry.ts': { may: ['server/src/audit/findings.ts'], packages: [] },
};

/** A rule file, template (engine/rules) or live (audit/rules): no rule file imports another. */
const RULE_FILE = /^server\/src\/(engine|audit)\/rules\/AJ\d{3}-[^/]+\.ts$/;

export interface Edge {
  from: string;
  /** Repository-relative file, or `pkg:<name>` for a package. */
  to: string;
  specifier: string;
  line: number;
  /** `import type`, `export type`, `typeof import()`: erased at build time, loads nothing. */
  typeOnly?: boolean;
}

/** Every module specifier a source file names, with its line. Non-literal dynamic imports are `null`. */
type Spec = { specifier: string | null; line: number; typeOnly: boolean };

function typeOnlyImport(node: ts.ImportDeclaration): boolean {
  const c = node.importClause;
  if (!c) return false; // `import 'x'` runs x
  if (c.isTypeOnly) return true;
  const b = c.namedBindings;
  return !c.name && !!b && ts.isNamedImports(b) && b.elements.length > 0 && b.elements.every((e) => e.isTypeOnly);
}

export function specifiers(fileName: string, text: string): Spec[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: Spec[] = [];
  const add = (node: ts.Node, arg: ts.Node | undefined, typeOnly = false) => {
    const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
    out.push({ specifier: arg && ts.isStringLiteralLike(arg) ? arg.text : null, line, typeOnly });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node)) add(node, node.moduleSpecifier, typeOnlyImport(node));
    else if (ts.isExportDeclaration(node) && node.moduleSpecifier) add(node, node.moduleSpecifier, node.isTypeOnly);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference))
      add(node, node.moduleReference.expression);
    else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword) add(node, node.arguments[0]);
      else if (ts.isIdentifier(callee) && callee.text === 'require') add(node, node.arguments[0]);
    } else if (ts.isImportTypeNode(node)) {
      const lit = ts.isLiteralTypeNode(node.argument) ? node.argument.literal : undefined;
      add(node, lit, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

function packageName(spec: string): string {
  if (spec.startsWith('node:')) return spec;
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function resolveFile(from: string, spec: string): string | null {
  const base = resolve(ROOT, dirname(from), spec);
  for (const c of [base, `${base}.ts`, join(base, 'index.ts'), base.replace(/\.js$/, '.ts')]) {
    if (existsSync(c) && statSync(c).isFile()) return relative(ROOT, c).split('\\').join('/');
  }
  return null;
}

export function edgesOf(file: string, text: string): { edges: Edge[]; problems: string[] } {
  const edges: Edge[] = [];
  const problems: string[] = [];
  for (const { specifier, line, typeOnly } of specifiers(file, text)) {
    if (specifier === null) {
      problems.push(`${file}:${line}: import()/require() of a computed name: the boundaries test cannot check it`);
      continue;
    }
    if (specifier.startsWith('.')) {
      const to = resolveFile(file, specifier);
      if (to) edges.push({ from: file, to, specifier, line, typeOnly });
      else problems.push(`${file}:${line}: cannot resolve '${specifier}'`);
    } else edges.push({ from: file, to: `pkg:${packageName(specifier)}`, specifier, line, typeOnly });
  }
  return { edges, problems };
}

function under(file: string, entry: string): boolean {
  return file === entry || file.startsWith(`${entry}/`);
}

/** The folder row of a file: the longest folder key containing it. */
export function folderOf(file: string): string | undefined {
  return Object.keys(FOLDERS)
    .filter((k) => under(file, k))
    .sort((a, b) => b.length - a.length)[0];
}

function packageAllowed(name: string, allowed: string[]): boolean {
  return allowed.some((a) => (a.endsWith('*') ? name.startsWith(a.slice(0, -1)) : a === name));
}

/** Why an edge is not allowed, or null when the table allows it. */
export function violation(e: Edge): string | null {
  const folder = folderOf(e.from);
  if (!folder) return `${e.from} is in no row of the table`;
  const row = FILES[e.from] ?? FOLDERS[folder];
  const where = `${e.from}:${e.line} imports '${e.specifier}'`;
  if (e.to.startsWith('pkg:')) {
    const name = e.to.slice(4);
    if (e.from.startsWith('server/src/') && (name === 'vscode' || name.startsWith('vscode/')))
      return `${where}: nothing under server/src may import vscode`;
    if (packageAllowed(name, row.packages)) return null;
    if (packageAllowed(name, row.typePackages ?? []))
      return e.typeOnly ? null : `${where}: ${folder} may use only types from ${name} (import type), not load it`;
    return `${where}: package ${name} is not allowed for ${folder}`;
  }
  if (RULE_FILE.test(e.from) && RULE_FILE.test(e.to))
    return `${where}: a rule may not import another rule (move the shared code to fixes/, model/ or rules/helpers.ts)`;
  if (folderOf(e.to) === folder) return null;
  if (row.may.some((m) => under(e.to, m))) return null;
  return `${where}: ${folder} may not import ${e.to}`;
}

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(join(ROOT, dir)).sort()) {
    const p = `${dir}/${name}`;
    if (statSync(join(ROOT, p)).isDirectory()) sources(p, out);
    else if (/\.(ts|mts|cts|js|mjs|cjs)$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

test('every import under server/src and client/src is allowed by the ARCHITECTURE.md table', () => {
  const files = [...sources('server/src'), ...sources('client/src')];
  assert.ok(files.length > 50, `found only ${files.length} source files`);
  const problems: string[] = [];
  let count = 0;
  for (const f of files) {
    const { edges, problems: p } = edgesOf(f, readFileSync(join(ROOT, f), 'utf8'));
    problems.push(...p);
    for (const e of edges) {
      count++;
      const v = violation(e);
      if (v) problems.push(v);
    }
  }
  assert.ok(count > 200, `found only ${count} imports: is the parser reading them?`);
  assert.deepEqual(problems, []);
});

test('the checker sees every import form and refuses the edges the table forbids', () => {
  const text = [
    "import { a } from './AJ102-public-role-trust';",
    "import type { B } from '../../lsp/server';",
    "export { c } from '../types';",
    "const d = await import('vscode');",
    "const e = require('@aws-sdk/client-s3');",
    'type F = typeof import("../parse/ast");',
    'const g = await import(name);',
  ].join('\n');
  const file = 'server/src/engine/rules/AJ101-public-resource-policy.ts';
  const specs = specifiers(file, text).map((s) => s.specifier);
  assert.deepEqual(specs, [
    './AJ102-public-role-trust',
    '../../lsp/server',
    '../types',
    'vscode',
    '@aws-sdk/client-s3',
    '../parse/ast',
    null,
  ]);
  const { edges, problems } = edgesOf(file, text);
  assert.equal(problems.length, 1, 'the computed import() is a problem');
  const refused = edges.filter((e) => violation(e)).map((e) => e.specifier);
  assert.deepEqual(refused, ['./AJ102-public-role-trust', '../../lsp/server', 'vscode', '@aws-sdk/client-s3']);
  // The registry may import every rule; a rule may import rule.ts, helpers.ts and registry.ts.
  const reg = 'server/src/engine/rules/registry.ts';
  assert.equal(violation({ from: reg, to: file, specifier: './AJ101', line: 1 }), null);
  for (const to of ['rule.ts', 'helpers.ts', 'registry.ts'])
    assert.equal(violation({ from: file, to: `server/src/engine/rules/${to}`, specifier: to, line: 1 }), null);
  // Live rules: SDK types only, no other live rule, no collector.
  const live = 'server/src/audit/rules/AJ521-instance-imdsv2-not-enforced.ts';
  const liveText = [
    "import type { Instance } from '@aws-sdk/client-ec2';",
    "import { EC2Client } from '@aws-sdk/client-ec2';",
    "import { S3_BUCKET_PUBLIC } from './AJ531-s3-bucket-public';",
    "import { describeError } from '../clients';",
    "import { reportPublicPolicy } from './helpers';",
  ].join('\n');
  const liveRefused = edgesOf(live, liveText)
    .edges.filter((e) => violation(e))
    .map((e) => e.specifier);
  assert.deepEqual(liveRefused, ['@aws-sdk/client-ec2', './AJ531-s3-bucket-public', '../clients']);
  // The client reaches the server only through lsp/protocol.ts.
  const client = 'client/src/extension.ts';
  assert.equal(violation({ from: client, to: 'server/src/lsp/protocol.ts', specifier: 'p', line: 1 }), null);
  assert.ok(violation({ from: client, to: 'server/src/lsp/server.ts', specifier: 's', line: 1 }));
  assert.ok(violation({ from: client, to: 'server/src/engine/index.ts', specifier: 'e', line: 1 }));
});
