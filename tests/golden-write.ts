// npm run golden: writes tests/golden/<version>.json, this version's golden checkpoints (see
// tests/golden.ts). Run it once per release, after a deliberate format change, and commit it.
import { writeFileSync, readFileSync, mkdirSync } from 'node:fs';
import { load } from '../build/index.js';
import { VARIANTS, stepForm } from './variants.js';
import { goldenDrive, goldenParams, toBase64, GOLDEN_STEPS, GOLDEN_TENSORS } from './golden.js';

const root = new URL('../../', import.meta.url);
const version = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')).version;
const ss = await load();
const cases = [];
// (and the configurations that keep state per tensor, which the golden layout's tensors allow)
for (const cfg of [...VARIANTS, { rule: 'dog', base: 'sgd', perTensor: true }]) {
  const n = GOLDEN_TENSORS.reduce((a, [, s]) => a + s.reduce((x, y) => x * y, 1), 0);
  const opt = ss.create({ tensors: GOLDEN_TENSORS, lr: stepForm(ss.rules, cfg.rule) === 'loss' ? 1e-3 : 0.01, params: goldenParams(n), ...cfg } as any);
  await goldenDrive(ss, opt, GOLDEN_STEPS);
  const checkpoint = toBase64(opt.save());
  await goldenDrive(ss, opt, GOLDEN_STEPS);
  cases.push({ config: cfg, checkpoint, continued: opt.paramsHash() });
}
mkdirSync(new URL('tests/golden/', root), { recursive: true });
const file = new URL(`tests/golden/${version}.json`, root);
writeFileSync(file, `${JSON.stringify({ version, steps: GOLDEN_STEPS, cases }, null, 1)}\n`);
console.log(`wrote ${cases.length} golden checkpoints to tests/golden/${version}.json`);
