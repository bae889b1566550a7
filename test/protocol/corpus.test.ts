/**
 * The editor lints every document the CLI lints: each file of the corpora (test/fixtures/peers,
 * test/fixtures/lenient-yaml), under a name that says nothing (`doc12.yaml`), as written and with
 * its template keys spelled with escapes (`"Resour\x63es"`), opened in the built server over
 * stdio. What the server publishes equals what `lintText` finds in this process and what
 * `ajar lint --format json` reports, and every range is inside its line.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { chooseFormat, type Finding } from '../../server/src/engine';
import { escapeKeys, mentionsMarker } from '../fuzz/escapeKeys';
import {
  Lines,
  expectedFor,
  firstDifference,
  rangeProblems,
  shownFromDiagnostic,
  shownFromFinding,
} from '../fuzz/oracle';
import { LspClient, REPO, fileUri } from './lspClient';

const CORPORA = ['test/fixtures/peers', 'test/fixtures/lenient-yaml'].map((d) => join(REPO, d));

function files(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) files(p, out);
    else if (/\.(ya?ml|json|template)$/i.test(name)) out.push(p);
  }
  return out;
}

const dir = mkdtempSync(join(tmpdir(), 'ajar-corpus-'));
let client: LspClient | undefined;
after(async () => {
  await client?.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Variant {
  source: string;
  name: string;
  text: string;
  format: 'json' | 'yaml';
  escaped: boolean;
}

test('corpus files, as written and with escaped keys: server = lintText = CLI', { timeout: 180_000 }, async () => {
  const variants: Variant[] = [];
  for (const f of CORPORA.flatMap((d) => files(d))) {
    const text = readFileSync(f, 'utf8');
    const format = chooseFormat(text, f);
    const i = variants.length / 2;
    variants.push({ source: f, name: `doc${i}.${format}`, text, format, escaped: false });
    variants.push({
      source: f,
      name: `doc${i}-escaped.${format}`,
      text: escapeKeys(text, format),
      format,
      escaped: true,
    });
  }
  for (const v of variants) writeFileSync(join(dir, v.name), v.text);

  // The CLI on the same files.
  const cli = spawnSync(
    process.execPath,
    [join(REPO, 'dist/cli.js'), 'lint', dir, '--format', 'json', '--fail-on', 'none'],
    {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    },
  );
  assert.equal(cli.status, 0, cli.stderr);
  const byCli = new Map<string, Finding[]>();
  for (const r of (JSON.parse(cli.stdout) as { files: { path: string; findings: Finding[] }[] }).files)
    byCli.set(r.path.replace(/^.*[\\/]/, ''), r.findings);

  client = await LspClient.start({ rootDir: dir, settings: { workspaceScan: { enabled: false } } });
  // Documents opened before the first settings wait for them: make sure they are in.
  const warm = fileUri(join(dir, 'warm.template.yaml'));
  await client.open(
    warm,
    'Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicRead\n',
  );
  await client.diagnostics(warm);
  for (const v of variants) await client.open(fileUri(join(dir, v.name)), v.text, v.format);
  // didOpen is analysed at once, in order: after this answer every publication has been received.
  await client.request('ajar/stats');

  const problems: string[] = [];
  let blindable = 0;
  for (const v of variants) {
    const uri = fileUri(join(dir, v.name));
    const got = (client.latest(uri)?.diagnostics ?? []).map(shownFromDiagnostic);
    const want = expectedFor(v.text, join(dir, v.name));
    const where = `${relative(REPO, v.source)}${v.escaped ? ' (escaped keys)' : ''}`;
    const diff = firstDifference(got, want);
    if (diff) problems.push(`${where}: ${diff}`);
    // The CLI's ranges are in the BOM-less text, like lintText's before the server shifts them.
    const bom = v.text.charCodeAt(0) === 0xfeff ? 1 : 0;
    const fromCli = (byCli.get(v.name) ?? []).map((f) => shownFromFinding(f, bom));
    const cliDiff = firstDifference(got, fromCli);
    if (cliDiff) problems.push(`${where}: server vs CLI ${cliDiff.replace('lintText', 'CLI')}`);
    const lines = new Lines(v.text);
    for (const s of got) for (const p of rangeProblems(lines, s.range)) problems.push(`${where}: ${s.code} ${p}`);
    if (v.escaped && want.length && !mentionsMarker(v.text)) blindable++;
  }
  assert.deepEqual(problems, []);
  // The escaped variants did hide the markers from the raw text of many documents with findings.
  assert.ok(blindable >= 20, `only ${blindable} escaped documents with findings and no marker in the raw text`);
});
