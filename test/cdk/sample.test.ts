/**
 * The figures of issue 10 on a bigger app (sampleApp.ts, synthesized here with aws-cdk-lib):
 * findings mapped by creation stack, by construct ids, left unmapped; with creation stacks, with
 * them stripped, and moved after synth. Where ids cannot name the construct (ids computed in a
 * loop, stacks named by a template literal), the mapping says the nearest id the sources spell.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lintText } from '../../server/src/engine';
import { CdkLocator, type ConstructInfo, constructsOf } from '../../server/src/engine/cdk';
import { CLI_CONTEXT, ROOT, rangeOf, synth, writeTree } from './apps';
import { SAMPLE_APP } from './sampleApp';

let base: string;
before(async () => {
  base = join(tmpdir(), `ajar-cdk-sample-${process.pid}`);
  rmSync(base, { recursive: true, force: true });
  mkdirSync(base, { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(base, 'node_modules'));
  writeTree(join(base, 'synth'), SAMPLE_APP);
  await synth(join(base, 'synth'), 'bin/shop.ts', CLI_CONTEXT);
  writeTree(join(base, 'stripped'), SAMPLE_APP);
  await synth(join(base, 'stripped'), 'bin/shop.ts', {
    ...CLI_CONTEXT,
    'aws:cdk:disable-stack-trace': true,
    'aws:cdk:disable-creation-stack-traces': true,
  });
  renameSync(join(base, 'synth'), join(base, 'moved'));
});
after(() => process.env.AJAR_KEEP_SAMPLE || rmSync(base, { recursive: true, force: true }));

interface Mapped {
  key: string;
  construct: ConstructInfo | null;
}

function mapApp(dir: string): Mapped[] {
  const locator = new CdkLocator();
  const out: Mapped[] = [];
  const asm = join(dir, 'cdk.out');
  for (const name of readdirSync(asm).sort()) {
    if (!name.endsWith('.template.json')) continue;
    const file = join(asm, name);
    const r = lintText(readFileSync(file, 'utf8'), { fileName: file });
    const m = constructsOf(locator, file, r.template, r.findings);
    for (const f of r.findings)
      out.push({ key: `${name} ${f.ruleId} ${f.resource} ${f.range.start.line}`, construct: m.get(f) ?? null });
  }
  return out;
}

function figures(mapped: Mapped[]) {
  const n = { findings: mapped.length, trace: 0, id: 0, candidates: 0, unmapped: 0 };
  for (const m of mapped) {
    const v = m.construct?.source?.via;
    if (v) n[v]++;
    else if (m.construct?.candidates?.length) n.candidates++;
    else n.unmapped++;
  }
  return n;
}

const at = (m: Mapped[], key: RegExp) => {
  const hit = m.find((x) => key.test(x.key));
  assert.ok(hit, `${key}: ${m.map((x) => x.key).join('\n')}`);
  return hit.construct!;
};

test('sample app: figures by creation stack, by ids, stripped, moved', () => {
  const moved = join(base, 'moved');
  const stripped = join(base, 'stripped');
  const traced = mapApp(moved);
  const byIds = mapApp(stripped);
  const ft = figures(traced);
  const fi = figures(byIds);
  // the same findings both ways
  assert.deepEqual(
    traced.map((m) => m.key),
    byIds.map((m) => m.key),
  );
  assert.ok(ft.findings >= 30, `a real app's worth of findings (${ft.findings})`);
  assert.equal(ft.trace, ft.findings, 'with creation stacks every finding maps by its trace');
  assert.equal(fi.unmapped + fi.trace, 0, 'without them every finding maps by ids (or candidates)');
  // ids against the trace: same file, same line
  let sameFile = 0;
  let sameLine = 0;
  traced.forEach((t, i) => {
    const a = t.construct?.source;
    const b = byIds[i].construct?.source;
    if (!a || !b) return;
    if (a.file.replace(moved, '') === b.file.replace(stripped, '')) {
      sameFile++;
      if (a.range.start.line === b.range.start.line) sameLine++;
    }
  });
  console.log(
    `# sample app: ${ft.findings} findings in ${readdirSync(join(moved, 'cdk.out')).filter((f) => f.endsWith('.template.json')).length} templates; ` +
      `traced+moved: ${ft.trace} by trace, ${ft.id} by id, ${ft.unmapped} unmapped; ` +
      `stripped: ${fi.id} by id, ${fi.candidates} with candidates, ${fi.unmapped} unmapped; ` +
      `ids vs trace: ${sameFile} same file, ${sameLine} same line`,
  );

  // exact places, both ways: a queue policy the library makes, inside a custom construct
  for (const [dir, m] of [
    [moved, traced],
    [stripped, byIds],
  ] as const) {
    const q = at(m, /Shop-dev-Data\.template\.json AJ101 ReturnsQueuePolicy/);
    assert.equal(q.path, 'Shop-dev-Data/Returns/Queue/Policy/Resource');
    assert.equal(q.source!.file, join(dir, 'lib/constructs/inbox.ts'));
    if (dir === stripped) assert.deepEqual(q.source!.range, rangeOf(dir, 'lib/constructs/inbox.ts', "'Queue'"));
    else
      assert.equal(
        q.source!.range.start.line,
        rangeOf(dir, 'lib/constructs/inbox.ts', 'this.queue.addToResourcePolicy(').start.line,
      );
    const logs = at(m, /Shop-prod-Data\.template\.json AJ111 StorefrontLogs/);
    assert.deepEqual(logs.source!.range, rangeOf(dir, 'lib/constructs/public-site.ts', "'Logs'"));
    const bastion = m.filter((x) => /ShopFleet.* AJ201 /.test(x.key));
    assert.equal(bastion.length, 3, 'Worker1, Worker2 and the Spot launch template; not the Bastion');
    const spot = at(m, /ShopFleet\.template\.json AJ201 Spot/);
    assert.deepEqual(spot.source!.range, rangeOf(dir, 'lib/fleet-stack.ts', "'Spot'"));
    const pw = at(m, /ShopOps\.template\.json AJ305 Auditor/);
    assert.deepEqual(pw.source!.range, rangeOf(dir, 'lib/ops-stack.ts', "'Auditor'"));
  }
  // the loop's instances: at the template literal whose pattern makes their ids, both ways
  for (const [dir, m] of [
    [moved, traced],
    [stripped, byIds],
  ] as const)
    for (const w of ['Worker1', 'Worker2'])
      assert.deepEqual(
        at(m, new RegExp(`ShopFleet\\.template\\.json AJ201 ${w}`)).source!.range,
        rangeOf(dir, 'lib/fleet-stack.ts', '`Worker${i}`'),
      );
  // stacks named by a template literal: found through their pattern
  const url = at(byIds, /Shop-prod-Api\.template\.json AJ103 OrdersFunctionUrl/).source!;
  assert.deepEqual(url.range, rangeOf(stripped, 'lib/api-stack.ts', "'Orders'"));
  // the helper: the key made in util.ts by trace, at the call's id by ids
  const key = at(byIds, /ShopOps\.template\.json AJ301 ReleaseKey/).source!;
  assert.equal(key.file, join(stripped, 'lib/util.ts'));
  assert.ok(existsSync(key.file));
  writeFileSync(join(base, '.done'), '');
});
