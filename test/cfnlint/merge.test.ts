import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mergeWithAjar, OVERLAPS, type CfnDiag } from '../../server/src/cfnlint/index';

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
