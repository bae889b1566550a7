import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CfnLintWorker, mergeWithAjar, OVERLAPS, type CfnDiag } from '../../server/src/cfnlint/index';
import { lintText, parametersReferenced } from '../../server/src/engine';
import { cfnLintInterpreter, WORKER_PATH } from './helpers';

const r = (l1: number, c1: number, l2: number, c2: number) => ({
  start: { line: l1, character: c1 },
  end: { line: l2, character: c2 },
});
const cfn = (code: string, range: ReturnType<typeof r>, path?: Array<string | number>): CfnDiag => ({
  code,
  message: code,
  severity: 'warning',
  range,
  source: 'cfn-lint',
  href: 'https://example.invalid',
  ...(path ? { path } : {}),
});

describe('mergeWithAjar', () => {
  test('a hard-coded password reported by both on the same line is shown once (key vs value)', () => {
    // `        Password: hunter2hunter2`: cfn-lint marks the key, Ajar the value.
    const ajar = [{ ruleId: 'AJ305', range: r(13, 18, 13, 32), resource: 'U' }];
    const out = mergeWithAjar(ajar, [cfn('W2501', r(13, 8, 13, 16)), cfn('E3012', r(13, 8, 13, 16))]);
    assert.deepEqual(
      out.map((d) => d.code),
      ['E3012'],
    );
  });

  test('the same rule pair at different places keeps both', () => {
    // W2501 also fires on the Parameter definition (NoEcho missing): another place.
    const ajar = [{ ruleId: 'AJ305', range: r(18, 18, 18, 25) }];
    const out = mergeWithAjar(ajar, [cfn('W2501', r(2, 2, 2, 4)), cfn('W1011', r(18, 8, 18, 16))]);
    assert.deepEqual(
      out.map((d) => d.code),
      ['W2501'],
    );
  });

  test('rules not in the table are never dropped, even at the same range', () => {
    const ajar = [{ ruleId: 'AJ101', range: r(5, 4, 5, 10) }];
    const out = mergeWithAjar(ajar, [cfn('W3037', r(5, 4, 5, 10)), cfn('E3012', r(5, 4, 5, 10))]);
    assert.equal(out.length, 2);
  });

  test('an overlapping cfn-lint rule without the matching Ajar rule stays', () => {
    const out = mergeWithAjar([{ ruleId: 'AJ111', range: r(13, 18, 13, 32) }], [cfn('W2501', r(13, 8, 13, 16))]);
    assert.equal(out.length, 1);
  });

  test("E3045 (on the bucket's Properties) and AJ111 (on AccessControl) of the same bucket are one", () => {
    const e3045 = cfn('E3045', r(7, 4, 7, 14), ['Resources', 'B', 'Properties']);
    assert.equal(mergeWithAjar([{ ruleId: 'AJ111', range: r(8, 21, 8, 31), resource: 'B' }], [e3045]).length, 0);
    assert.equal(mergeWithAjar([{ ruleId: 'AJ111', range: r(20, 21, 20, 31), resource: 'Other' }], [e3045]).length, 1);
  });

  test('parse errors a line apart are one; far apart are two', () => {
    const e0000 = cfn('E0000', r(10, 0, 10, 1));
    assert.equal(mergeWithAjar([{ ruleId: 'AJ000', range: r(9, 4, 9, 5) }], [e0000]).length, 0);
    assert.equal(mergeWithAjar([{ ruleId: 'AJ000', range: r(3, 0, 3, 1) }], [e0000]).length, 1);
  });

  test('no Ajar findings: everything stays; the table names real rule ids', () => {
    const all = [cfn('W2501', r(1, 0, 1, 1))];
    assert.deepEqual(mergeWithAjar([], all), all);
    for (const o of OVERLAPS) {
      assert.match(o.ajar, /^AJ\d{3}$/);
      for (const c of o.cfnLint) assert.match(c, /^[EWI]\d{4}$/);
    }
  });
});

/** AJ305 at the `!Ref` of a parameter without NoEcho; cfn-lint's W2501 at the parameter. */
const PASSWORDS = `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  AlicePassword:
    Type: String
  Other:
    Type: String
Resources:
  Alice:
    Type: AWS::IAM::User
    Properties:
      LoginProfile:
        Password: !Ref AlicePassword
  Bob:
    Type: AWS::IAM::User
    Properties:
      LoginProfile:
        Password: Welcome123!
`;

describe('W2501 at a parameter and AJ305 at its use are one problem', () => {
  const w2501AtParam = (name: string, line: number) =>
    cfn('W2501', r(line, 2, line, 2 + name.length), ['Parameters', name]);

  test('dropped when the Ajar finding refers to that parameter', () => {
    const ajar = [{ ruleId: 'AJ305', range: r(11, 18, 11, 36), resource: 'Alice' }];
    const out = mergeWithAjar(ajar, [w2501AtParam('AlicePassword', 2)], { parametersOf: () => ['AlicePassword'] });
    assert.equal(out.length, 0);
  });

  test('kept for another parameter, another rule, or without the reader', () => {
    const ajar = [{ ruleId: 'AJ305', range: r(11, 18, 11, 36), resource: 'Alice' }];
    const d = w2501AtParam('Other', 4);
    assert.equal(mergeWithAjar(ajar, [d], { parametersOf: () => ['AlicePassword'] }).length, 1);
    assert.equal(mergeWithAjar(ajar, [d]).length, 1);
    const ajar101 = [{ ruleId: 'AJ101', range: r(11, 18, 11, 36) }];
    assert.equal(
      mergeWithAjar(ajar101, [w2501AtParam('AlicePassword', 2)], { parametersOf: () => ['AlicePassword'] }).length,
      1,
    );
    // A path deeper than the parameter itself is not its declaration.
    const deeper = cfn('W2501', r(3, 4, 3, 8), ['Parameters', 'AlicePassword', 'Type']);
    assert.equal(mergeWithAjar(ajar, [deeper], { parametersOf: () => ['AlicePassword'] }).length, 1);
  });

  test("the engine's reader: the parameters the finding's node refers to", () => {
    const res = lintText(PASSWORDS, { fileName: 'template.yaml' });
    const aj305 = res.findings.filter((f) => f.ruleId === 'AJ305');
    assert.equal(aj305.length, 2);
    const read = parametersReferenced(PASSWORDS, 'template.yaml');
    assert.deepEqual(
      aj305.map((f) => read(f)),
      [['AlicePassword'], []],
    );
  });

  test('with the real cfn-lint: neither W2501 nor W1011 is left beside AJ305', async (t) => {
    const { interpreter, skip } = await cfnLintInterpreter();
    if (skip) return t.skip(skip);
    const worker = new CfnLintWorker({ interpreter, workerPath: WORKER_PATH });
    try {
      const res = await worker.lint('file:///pw.yaml', 1, PASSWORDS);
      assert.equal(res.status, 'ok');
      if (res.status !== 'ok') return;
      const raw = res.diagnostics.map((d) => `${d.code} ${(d.path ?? []).slice(0, 2).join('/')}`).sort();
      assert.deepEqual(raw, [
        'W1011 Resources/Alice',
        'W2001 Parameters/Other',
        'W2501 Parameters/AlicePassword',
        'W2501 Resources/Bob',
      ]);
      const ajar = lintText(PASSWORDS, { fileName: 'pw.yaml' }).findings;
      const merged = mergeWithAjar(ajar, res.diagnostics, { parametersOf: parametersReferenced(PASSWORDS, 'pw.yaml') });
      // W2001 (an unused parameter) is no Ajar finding's duplicate: it stays.
      assert.deepEqual(
        merged.map((d) => d.code),
        ['W2001'],
      );
      // Without the reader the parameter's W2501 stays: the reader is what merges it.
      assert.deepEqual(
        mergeWithAjar(ajar, res.diagnostics).map((d) => d.path?.join('/')),
        ['Parameters/Other', 'Parameters/AlicePassword'],
      );
    } finally {
      await worker.dispose();
    }
  });
});
