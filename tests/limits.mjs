// npm run test:limits (opt-in; .ci/run runs it): at the largest size create() accepts for each
// base and for the rules with the most vectors, an optimizer creates, steps, saves, restores
// and continues like the original; one more parameter gets E_MEMORY with that maximum.
// Save and restore at the boundary hold two instances and a checkpoint at once (~11 GiB).
import { load } from '../build/index.js';

const ONLY = process.argv[2] ? JSON.parse(process.argv[2]) : null;
const CONFIGS_ALL = [
  { base: 'sgd' }, { base: 'momentum' }, { base: 'adam' }, { base: 'adamw' }, { base: 'sign' }, { base: 'normalized' }, { base: 'nadamw' },
  { rule: 'c2min' }, { rule: 'glyder', base: 'adam' }, { rule: 'prodigy', base: 'adam' }, { rule: 'secant', base: 'momentum' },
  { rule: 'gala', base: 'adam' }, { rule: 'dadapt', base: 'sgd' }, { rule: 'dog', base: 'sgd' },
];
// `node tests/limits.mjs '[{"rule":"dadapt","base":"sgd"}]'` runs only those
const CONFIGS = ONLY ?? CONFIGS_ALL;

const ss = await load();
let passed = 0, failed = 0;

function maximum(cfg) {
  try { ss.create({ size: 2 ** 32 - 1, ...cfg }); } catch (e) {
    const m = /so at most (\d+) parameters here/.exec(e.message);
    if (e.code === 'E_MEMORY' && m) return +m[1];
    throw e;
  }
  throw new Error('2^32 - 1 parameters were accepted');
}

async function step(opt, cfg, t) {
  const g = opt.grads;
  g.fill(0.001 * (t + 1));
  g[0] = 0.5; g[g.length - 1] = -0.5;
  const form = ss.rules.find((r) => r.id === (cfg.rule ?? 'constant')).step;
  if (form === 'loss') return opt.step(1 - 0.01 * t);
  if (form === 'closure') {
    return opt.step((_p, out) => { out.fill(0.001 * (t + 1)); out[0] = 0.5; out[out.length - 1] = -0.5; return 1; });
  }
  return opt.step();
}

for (const cfg of CONFIGS) {
  const name = JSON.stringify(cfg).replace(/"/g, '');
  const t0 = Date.now();
  let a, b;
  try {
    const max = maximum(cfg);
    try { ss.create({ size: max + 1, ...cfg }); throw new Error(`${max + 1} was accepted`); } catch (e) { if (e.code !== 'E_MEMORY') throw e; }
    a = ss.create({ size: max, ...(cfg.rule ? {} : { lr: 1e-3 }), ...cfg }); // (rules at their own default LR)
    a.params.fill(0.25);
    a.params[max - 1] = -0.75;
    const before = a.paramsHash();
    for (let t = 0; t < 2; t++) await step(a, cfg, t);
    if (a.paramsHash() === before) throw new Error('two steps did not move the parameters');
    const bytes = a.save();
    b = ss.restore(bytes);
    if (b.paramsHash() !== a.paramsHash()) throw new Error('restored params differ');
    for (const o of [a, b]) await step(o, cfg, 2);
    if (b.paramsHash() !== a.paramsHash()) throw new Error('the restored optimizer did not continue bit for bit');
    // the last parameter lies above 2 GiB: with the constant rule it must have moved
    const last = a.params[max - 1];
    if (!Number.isFinite(last) || (!cfg.rule && last === -0.75)) throw new Error(`the last parameter did not step: ${last}`);
    passed++;
    console.log(`ok   ${name}: ${max} parameters (${(bytes.length / 2 ** 30).toFixed(2)} GiB checkpoint), ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${e?.stack ?? e}`);
  } finally {
    a?.dispose(); b?.dispose();
    a = b = undefined;
    globalThis.gc?.();
  }
}
// dispose() frees at once: 12 optimizers of 1 GiB, each filled, disposed and kept referenced;
// resident memory must not grow by their sum (it did: the disposed object kept views of it)
{
  const kept = [];
  globalThis.gc?.();
  const rss0 = process.memoryUsage().rss;
  let peak = 0;
  for (let i = 0; i < 12; i++) {
    const o = ss.create({ size: 2 ** 27, base: 'sgd' }); // params + grads: 1 GiB
    o.params.fill(1); o.grads.fill(1);
    o.dispose();
    kept.push(o);
    globalThis.gc?.();
    peak = Math.max(peak, process.memoryUsage().rss - rss0);
  }
  const ok = peak < 4 * 2 ** 30;
  if (ok) passed++; else failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} dispose() frees memory while the object is still referenced: peak growth ${(peak / 2 ** 30).toFixed(2)} GiB over 12 GiB created (${kept.length} kept)`);
}
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
