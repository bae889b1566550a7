/**
 * engine/parse/yamlScalars.ts ports the `yaml` package's scalar code for the fast reader; it names
 * the version it follows. An upgrade of `yaml` must re-check the ports: this test fails until
 * YAML_VERSION says the version installed (and pinned in package.json).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import {
  doubleQuotedValue,
  resolvePlain,
  UNSUPPORTED,
  unfoldLines,
  YAML_VERSION,
} from '../../../server/src/engine/parse/yamlScalars';

test('the ports name the installed yaml version', () => {
  const installed = JSON.parse(
    readFileSync(join(dirname(require.resolve('yaml/package.json')), 'package.json'), 'utf8'),
  );
  assert.equal(
    installed.version,
    YAML_VERSION,
    `yaml ${installed.version} is installed but yamlScalars.ts ports ${YAML_VERSION}: compare the files it names, update the ports and YAML_VERSION`,
  );
  const pkg = JSON.parse(readFileSync(resolve(__dirname, '../../../package.json'), 'utf8'));
  assert.equal(pkg.devDependencies.yaml, YAML_VERSION, 'package.json pins the version the ports follow');
});

test('resolvePlain gives what yaml gives a plain scalar (core schema)', () => {
  const plain = [
    ...['1', '-5', '+7', '0x1F', '0o17', '1e3', '1.5', '.5', '-.inf', '.NaN', '1_000', '010', '-0', '1.', '0.0'],
    ...['true', 'True', 'TRUE', 'tRue', 'false', 'yes', 'no', 'on', 'null', 'Null', 'NULL', '~', 'nULL', ''],
    ...['12345678901234567890', '0x', '0o8', '1e', '.', '+.5', '2010-09-09', 'abc', 'Infinity', '.Inf'],
  ];
  for (const s of plain) {
    const want = parse(`v: ${s}\n`, { intAsBigInt: false }).v;
    const got = resolvePlain(s);
    if (typeof want === 'number' && Number.isNaN(want)) assert.ok(Number.isNaN(got as number), s);
    else assert.deepStrictEqual(got, want, JSON.stringify(s));
  }
});

test('doubleQuotedValue and unfoldLines give what yaml gives quoted scalars', () => {
  const dq = [
    '"a"',
    '"esc \\t \\n \\" \\\\ \\u00e9 \\x41 \\/ \\0 \\a \\b \\e \\f \\r \\v \\N \\_ \\L \\P \\ "',
    '"\\U0001F600"',
    '"fold\n  ed\n\n  para"',
    '"trail  \n  x"',
    '"escaped \\\n   newline"',
    '"crlf\r\n  line"',
    '"tab\t\n\tend"',
  ];
  // continuation lines indented for yaml (leading white space there is not part of the value)
  const yamlValue = (s: string) => parse(`v: ${s.replace(/\n/g, '\n ')}\n`).v;
  for (const s of dq) assert.equal(doubleQuotedValue(s), yamlValue(s), JSON.stringify(s));
  assert.throws(
    () => doubleQuotedValue('"\\q"'),
    (e) => e === UNSUPPORTED,
  );
  assert.throws(
    () => doubleQuotedValue('"\\x4"'),
    (e) => e === UNSUPPORTED,
  );
  for (const s of ['one\n  two', 'a\n\n  b\n\n\n  c', 'x  \n   y', 'p\r\n  q']) {
    assert.equal(unfoldLines(s), yamlValue(s), JSON.stringify(s));
    assert.equal(unfoldLines(s), yamlValue(`'${s}'`), JSON.stringify(s));
  }
});
