/**
 * Text output forgery: control characters in file names, logical ids and messages never reach the
 * terminal raw (colour or not), and a newline in a file name cannot fake a finding line. Lint and
 * audit, through the built CLI.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { escapeControls } from '../../server/src/report/escape';
import { formatText, type FileReport } from '../../server/src/cli/format';
import { lintText } from '../../server/src/engine';
import { ensureCli, PUBLIC_BUCKET, runCli, tempDir, writeFiles } from './helpers';

/** Anything a terminal could act on, or that reorders or breaks a line: C0 but \n, DEL, C1, bidi. */
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

const OSC_TITLE = '\x1b]0;pwned\x07';
const CLEAR = '\x1b[2J';
const C1_CSI = '\u009b31m';
const RLO = '\u202e';
const FAKE_LINE = '\ntemplate.yaml:1:1 error AJ999 forged finding';

/** A template whose logical id carries an OSC title, a C1 CSI, a bidi override and a newline. */
const HOSTILE_TEMPLATE = JSON.stringify({
  Resources: {
    [`Bkt${OSC_TITLE}${C1_CSI}${RLO}\nx`]: { Type: 'AWS::S3::Bucket', Properties: { AccessControl: 'PublicRead' } },
  },
});

function hostileTree(): string {
  const root = tempDir();
  writeFiles(root, {
    [`evil${OSC_TITLE}${CLEAR}.yaml`]: PUBLIC_BUCKET,
    [`nl${FAKE_LINE}.yaml`]: PUBLIC_BUCKET,
    [`bidi${RLO}lmth.yaml`]: PUBLIC_BUCKET,
    [`c1${C1_CSI}\u0085.yaml`]: PUBLIC_BUCKET,
    'ids.template.json': HOSTILE_TEMPLATE,
  });
  return root;
}

before(() => ensureCli());

describe('escapeControls', () => {
  test('C0, DEL, C1 and bidi controls become visible JSON-style escapes; plain text is untouched', () => {
    assert.equal(
      escapeControls('a\x1b]0;t\x07b\tc\nd\r\x7f\u009b\u202e\u2066\u2069'),
      'a\\u001b]0;t\\u0007b\\tc\\nd\\r\\u007f\\u009b\\u202e\\u2066\\u2069',
    );
    assert.equal(escapeControls('a\nb\x1b', { keepNewlines: true }), 'a\nb\\u001b');
    const plain = 'templates/ünïcødé 模板 — ok (1).yaml';
    assert.equal(escapeControls(plain), plain);
    for (let c = 0; c <= 0xffff; c++) {
      const ch = String.fromCharCode(c);
      if (RAW.test(ch) || ch === '\n') assert.doesNotMatch(escapeControls(ch), /[^\x20-\x7e]/, `U+${c.toString(16)}`);
    }
    // The escapes are valid inside a JSON string and decode to the original.
    const s = `x${OSC_TITLE}${C1_CSI}${RLO}\u2028`;
    assert.equal(JSON.parse(escapeControls(JSON.stringify(s), { keepNewlines: true })), s);
  });

  test('formatText with colour: only its own SGR sequences reach the terminal', () => {
    const result = lintText(HOSTILE_TEMPLATE, { fileName: 'x.template.json' });
    assert.ok(result.findings.length > 0);
    const reports: FileReport[] = [
      { path: `dir${OSC_TITLE}${FAKE_LINE}.json`, kind: result.kind, findings: result.findings },
    ];
    const out = formatText(reports, true).replace(/\x1b\[(0|1|3[136])m/g, '');
    assert.doesNotMatch(out, RAW);
    assert.equal(out.split('\n').length, 1 + 1 + result.findings.length + 1); // header, findings, summary, final ''
  });
});

describe('ajar lint: hostile names in text, JSON and SARIF output', () => {
  test('text (--no-color): nothing raw on stdout or stderr, one line per finding', async () => {
    const root = hostileTree();
    const r = await runCli(['lint', '.', '--no-color'], { cwd: root });
    assert.equal(r.code, 1, r.stderr);
    assert.doesNotMatch(r.stdout, RAW);
    assert.doesNotMatch(r.stderr, RAW);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines.at(-1) ?? '', /^5 findings \(0 error, 5 warning, 0 information\) in 5 files\.$/);
    assert.equal(lines.length, 6);
    assert.ok(!lines.some((l) => l.startsWith('template.yaml:1:1 error AJ999')), r.stdout);
    assert.ok(
      lines.includes(
        `nl\\ntemplate.yaml:1:1 error AJ999 forged finding.yaml:5:22 warning AJ111 s3-public-acl ${lines[0].split(' s3-public-acl ')[1]}`,
      ),
    );
    assert.match(r.stdout, /evil\\u001b\]0;pwned\\u0007\\u001b\[2J\.yaml:5:22/);
    assert.match(r.stdout, /bucket Bkt\\u001b\]0;pwned\\u0007\\u009b31m\\u202e\\nx/);
  });

  test('a name given on the command line and echoed on stderr is escaped too', async () => {
    const root = tempDir();
    const r = await runCli(['lint', `missing${OSC_TITLE}${FAKE_LINE}`], { cwd: root });
    assert.equal(r.code, 2);
    assert.doesNotMatch(r.stderr, RAW);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
  });

  for (const format of ['json', 'sarif']) {
    test(`${format}: nothing raw in the bytes, the same strings once parsed`, async () => {
      const root = hostileTree();
      const r = await runCli(['lint', '.', '--format', format], { cwd: root });
      assert.equal(r.code, 1, r.stderr);
      assert.doesNotMatch(r.stdout, RAW);
      const text = r.stdout;
      const parsed = JSON.parse(text);
      const messages: string[] =
        format === 'json'
          ? parsed.files.flatMap((f: { findings: { message: string }[] }) => f.findings.map((x) => x.message))
          : parsed.runs[0].results.map((x: { message: { text: string } }) => x.message.text);
      assert.ok(
        messages.some((m) => m.includes(`Bkt${OSC_TITLE}${C1_CSI}${RLO}\nx`)),
        messages.join('\n'),
      );
    });
  }
});

describe('ajar audit: text output escaped', () => {
  test('a hostile profile name reaches neither stdout nor stderr raw', async () => {
    const root = tempDir();
    const empty = join(root, 'empty');
    writeFileSync(empty, '');
    const r = await runCli(['audit', '--profile', `p${OSC_TITLE}${RLO}${C1_CSI}`], {
      cwd: root,
      env: { PATH: process.env.PATH, HOME: root, AWS_CONFIG_FILE: empty, AWS_SHARED_CREDENTIALS_FILE: empty },
    });
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stdout, /Profile p\\u001b\]0;pwned\\u0007\\u202e\\u009b31m: not audited/);
    assert.doesNotMatch(r.stdout, RAW);
    assert.doesNotMatch(r.stderr, RAW);
  });
});
