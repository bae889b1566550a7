// Parse micro-benchmark: fast readers vs the reference paths (yaml package / jsonc-parser).
// Usage: node --import tsx bench/parse.mjs [runs]   (median of `runs` runs, default 9)
import { yamlTemplate, cdkTemplate } from './generate.mjs';
import { fastParseYaml } from '../server/src/engine/parse/fastyaml.ts';
import { parseYamlReference } from '../server/src/engine/parse/yaml.ts';
import { fastParseJson } from '../server/src/engine/parse/fastjson.ts';
import { parseJsonReference } from '../server/src/engine/parse/json.ts';

const runs = Number(process.argv[2] ?? 9);
function median(fn) {
  fn(); // warm-up
  const ts = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    const r = fn();
    ts.push(performance.now() - s);
    if (!r) throw new Error('fast path bailed out');
  }
  ts.sort((a, b) => a - b);
  return { median: ts[Math.floor(ts.length / 2)], min: ts[0] };
}
const cases = [
  ['YAML 50 KB', yamlTemplate(50_000), fastParseYaml, parseYamlReference],
  ['YAML 1 MB', yamlTemplate(1_000_000), fastParseYaml, parseYamlReference],
  ['JSON 5 MB (CDK)', cdkTemplate(5_000_000), fastParseJson, parseJsonReference],
];
for (const [name, text, fast, ref] of cases) {
  const f = median(() => fast(text));
  const r = median(() => ref(text));
  console.log(
    `${name.padEnd(16)} ${(text.length / 1024).toFixed(0).padStart(6)} KB  fast ${f.median.toFixed(1).padStart(7)} ms (min ${f.min.toFixed(1)})  reference ${r.median.toFixed(1).padStart(7)} ms (min ${r.min.toFixed(1)})  x${(r.median / f.median).toFixed(1)}`,
  );
}
