// Each shipped bundle loads and steps in this runtime: the ESM entry that finds stepsize.wasm
// beside it (the one every other suite uses), the ESM entry with the wasm inlined, and the
// IIFE a plain <script> tag runs (evaluated here as a classic script: it defines the global
// `stepsize`). The same trajectory comes out of each.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { stepsize, rng, label } from './util.js';
import { VARIANTS, stepForm } from './variants.js';

const b = suite('bundles');

async function train(ss: { create: (o: any) => any }): Promise<string> {
  const opt = ss.create({ size: 37, base: 'adam', rule: 'clara', lr: 0.01 });
  for (let t = 0; t < 20; t++) {
    for (let i = 0; i < 37; i++) opt.grads[i] = opt.params[i] - (i % 5) + 0.5;
    opt.step();
  }
  const h = opt.paramsHash();
  opt.dispose();
  return h;
}

/** The IIFE's global: a real <script> tag in the browser; elsewhere its text run as a classic script body. */
async function iifeGlobal(): Promise<any> {
  const url = new URL('../stepsize.iife.js', import.meta.url);
  const g = globalThis as Record<string, any>;
  if (g.document) { // a browser
    delete g.stepsize;
    const el = g.document.createElement('script');
    el.src = url.href;
    await new Promise((resolve, reject) => { el.onload = resolve; el.onerror = reject; g.document.head.append(el); });
    return g.stepsize;
  }
  const fs = await import('node:fs/promises'); // Node, Deno and Bun all have it
  return new Function(`${await fs.readFile(url, 'utf8')}\nreturn stepsize;`)();
}

b('index.js, inline.js and the IIFE load, step, and agree', async () => {
  const expected = await train(await stepsize());
  // @ts-ignore: resolved at run time next to the test bundle (build/inline.js)
  const inline = await import('../build/inline.js');
  assert.is(await train(await inline.load()), expected, 'inline ESM');
  const global = await iifeGlobal();
  assert.type(global?.load, 'function', 'the IIFE defines stepsize.load');
  assert.is(await train(await global.load()), expected, 'IIFE');
});

// The inline entries embed the size build (loops not unrolled, one loop for each base's variants):
// it must give the speed build's results bit for bit, for every variant of every loop. The
// whole checkpoint image (params, every state vector, the scalar state and stats) is compared.

async function image(ss: { create: (o: any) => any; rules: Parameters<typeof stepForm>[0] }, cfg: Record<string, unknown>): Promise<string> {
  const r = rng(7); // > 1024 floats: the reductions' long blocks and the short ones
  const form = stepForm(ss.rules, cfg.rule);
  const opt = ss.create({ ...(cfg.tensors ? {} : { size: 1093 }), lr: form === 'loss' ? 1e-3 : 0.01, ...cfg });
  const n = opt.params.length; // (with tensors, the padded span: what is written in the padding is cleared by each step)
  for (let i = 0; i < n; i++) opt.params[i] = 2 * r() - 1;
  const noise = Float32Array.from({ length: 40 * n }, () => 0.1 * (2 * r() - 1));
  let t = 0;
  const grad = (p: Float32Array, g: Float32Array) => {
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const d = p[i] - 0.25, k = 1 + (i % 7);
      loss += 0.5 * k * d * d;
      g[i] = k * d + noise[t * n + i];
    }
    return loss;
  };
  for (; t < 40; t++) {
    const loss = grad(opt.params, opt.grads);
    if (form === 'loss') opt.step(loss);
    else if (form === 'closure') await opt.step((p: Float32Array, g: Float32Array) => grad(p, g));
    else opt.step();
  }
  const bytes: Uint8Array = opt.save();
  opt.dispose();
  return Array.from(bytes, (x) => x.toString(16).padStart(2, '0')).join('');
}

b('the inline size build steps bit for bit as stepsize.wasm, every base, rule and loop variant', async () => {
  const speed = await stepsize();
  // @ts-ignore: resolved at run time next to the test bundle (build/inline.js)
  const small = await (await import('../build/inline.js')).load();
  for (const cfg of [...VARIANTS, ...SEGMENTED]) assert.ok((await image(small, cfg)) === (await image(speed, cfg)), label(cfg));
});

/** Configurations that need tensors (per-tensor state, groups), beside VARIANTS; and schedules. */
const T4 = [['a', [37]], ['b', [13, 10]], ['c', [1]], ['d', [700]]];
const G3 = [{ tensors: 'a', weightDecay: 0 }, { tensors: /^[bc]$/, lrScale: 3 }, { tensors: 'd', lrScale: 0 }];
const COS = { warmup: 5, decay: 'cosine', total: 30, final: 0.1 };
const SEGMENTED: Record<string, unknown>[] = [
  { rule: 'dog', base: 'sgd', perTensor: true, tensors: T4 },
  { rule: 'dog', base: 'sgd', perTensor: true, average: false, weightDecay: 1e-3, tensors: [['a', [1093]]] },
  ...[{ base: 'adamw' }, { base: 'adam', weightDecay: 0.01 }, { base: 'nadamw' }, { base: 'sgd', weightDecay: 0.01 }, { base: 'momentum', nesterov: true, weightDecay: 0.01 },
    { base: 'sign', momentum: 0.9 }, { base: 'normalized', momentum: 0.5, weightDecay: 0.01 }, { rule: 'dog', base: 'sgd', perTensor: true, weightDecay: 0.01 },
    { rule: 'clara', base: 'adam', weightDecay: 0.01 }, { rule: 'gala', base: 'adam' }, { rule: 'glyder', base: 'momentum', weightDecay: 0.01 }, { rule: 'secant', base: 'sgd' }]
    .map((c, k) => ({ ...c, tensors: T4, groups: G3, schedule: COS, ...(k % 3 === 0 ? { ema: 0.95 } : {}), ...(k % 2 === 0 ? { measureSteps: true } : {}) })),
  { rule: 'c2min', tensors: T4, groups: [{ tensors: 'b', lrScale: 2 }, { tensors: 'c', lrScale: 0 }], schedule: { warmup: 8 } },
  { rule: 'p2min', tensors: T4, groups: [{ tensors: 'b', lrScale: 0 }], schedule: { decay: 'linear', total: 25 } },
  { rule: 'prodigy', base: 'adamw', tensors: T4, groups: [{ tensors: 'a', lrScale: 0 }, { tensors: 'b', weightDecay: 0 }], schedule: { decay: 'wsd', total: 35 } },
  { rule: 'dadapt', base: 'sgd', weightDecay: 0.01, tensors: T4, groups: [{ tensors: 'c', lrScale: 0 }], schedule: COS },
  { rule: 'csa', base: 'sgd', schedule: COS, ema: 0.9 },
  { rule: 'c2min', ema: 0.5 },
];

b.run();

export {};
