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
// (and the configurations that keep state per tensor, which the golden layout's tensors allow;
// from 0.5.0 the recipe features: groups, schedules, the EMA)
const RECIPES = [
  { base: 'adamw', groups: [{ tensors: 'b', weightDecay: 0 }, { tensors: 'w', lrScale: 2 }], schedule: { warmup: 3, decay: 'cosine', total: 20, final: 0.1 }, ema: 0.9, measureSteps: true },
  { base: 'sgd', weightDecay: 0.01, groups: [{ tensors: ['b'], lrScale: 0 }], schedule: { decay: 'wsd', total: 14, decayFraction: 0.5 } },
  { base: 'momentum', schedule: { warmup: 2, decay: 'plateau', patience: 1 } },
  { rule: 'schedulefree', base: 'adamw', schedule: { warmup: 4 }, ema: 0.9 },
  { rule: 'dog', base: 'sgd', perTensor: true, groups: [{ tensors: 'b', lrScale: 0 }] },
  { rule: 'c2min', groups: [{ tensors: 'w', lrScale: 0.5 }], schedule: { decay: 'linear', total: 12 } },
];
for (const cfg of [...VARIANTS, { rule: 'dog', base: 'sgd', perTensor: true }, ...RECIPES]) {
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
