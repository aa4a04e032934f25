// The fixed training run whose parameter hash must be identical in every runtime (tests/
// hash.test.ts in Node, Deno, Bun and Chromium; tests/workerd/worker.ts inside workerd). It
// uses every base and every rule; data comes from integer-seeded arithmetic only.
import type { Stepsize } from '../build/index.js';
import { rng } from './rng.js';

export async function trajectoryHash(ss: Stepsize): Promise<string> {
  const parts: string[] = [];
  for (const base of ['sgd', 'momentum', 'adam', 'adamw', 'sign', 'normalized', 'nadam', 'nadamw'] as const) {
    const n = 1000, r = rng(42);
    const opt = ss.create({ size: n, base, lr: 0.01, clipNorm: 10 });
    for (let i = 0; i < n; i++) opt.params[i] = 2 * r() - 1;
    for (let t = 0; t < 500; t++) {
      const p = opt.params, g = opt.grads;
      for (let i = 0; i < n; i++) g[i] = (1 + (i % 7)) * (p[i] - 0.25) + 0.1 * (2 * r() - 1);
      opt.step();
    }
    parts.push(opt.paramsHash());
  }
  // the rules: their scalar logic (exp, pow, sqrt, the ELRA tests) runs in the module too
  for (const cfg of [{ rule: 'c2min' }, { rule: 'p2min' }, { rule: 'clara', base: 'adam', damping: 0.02 }, { rule: 'csa', base: 'sgd', damping: 0.01 },
    { rule: 'dadapt', base: 'sgd' }, { rule: 'dadapt', base: 'adam' }, { rule: 'prodigy', base: 'adamw' }, { rule: 'dog', base: 'sgd' }]) {
    const n = 1000, r = rng(43);
    const opt = ss.create({ size: n, ...cfg } as any);
    for (let i = 0; i < n; i++) opt.params[i] = 2 * r() - 1;
    for (let t = 0; t < 500; t++) {
      const p = opt.params, g = opt.grads;
      let loss = 0.01; // basic arithmetic only: the same double in every engine
      for (let i = 0; i < n; i++) { const d = p[i] - 0.25; loss += 0.5 * (1 + (i % 7)) * d * d / n; }
      for (let i = 0; i < n; i++) g[i] = ((1 + (i % 7)) * (p[i] - 0.25) + 0.01 * (2 * r() - 1)) / n;
      opt.step(loss);
    }
    parts.push(opt.paramsHash());
  }
  {
    // gala: the closure path (probe swap, five-sum reduction, FTRL) as well
    const n = 1000, r = rng(44);
    const opt = ss.create({ size: n, rule: 'gala', base: 'adam' });
    for (let i = 0; i < n; i++) opt.params[i] = 2 * r() - 1;
    const grad = (p: Float32Array, g: Float32Array) => { for (let i = 0; i < n; i++) g[i] = (1 + (i % 7)) * (p[i] - 0.25); };
    for (let t = 0; t < 300; t++) {
      grad(opt.params, opt.grads);
      await opt.step((p, g) => { grad(p, g); return 0; });
    }
    parts.push(opt.paramsHash());
  }
  {
    // secant and glyder: look-ahead points, fresh/repeat evaluations, their scalar logic
    for (const cfg of [{ rule: 'secant', base: 'momentum' }, { rule: 'glyder', base: 'adam', lr: 0.5 }]) {
      const n = 1000, r = rng(45);
      const opt = ss.create({ size: n, ...cfg } as any);
      for (let i = 0; i < n; i++) opt.params[i] = 2 * r() - 1;
      const grad = (p: Float32Array, g: Float32Array) => { for (let i = 0; i < n; i++) g[i] = (1 + (i % 7)) * (p[i] - 0.25) / 7; };
      for (let t = 0; t < 200; t++) {
        grad(opt.params, opt.grads);
        await opt.step((p, g) => { grad(p, g); return 0; });
      }
      parts.push(opt.paramsHash());
    }
  }
  {
    // groups (per-tensor LR scale and decay, a frozen tensor, measured step norms) under a warmup + cosine schedule
    const opt = ss.create({
      tensors: [['w', [30, 20]], ['b', [20]], ['h', [20, 5]], ['f', [77]]], base: 'adamw', lr: 0.01, weightDecay: 0.1,
      groups: [{ tensors: 'b', weightDecay: 0 }, { tensors: 'h', lrScale: 5 }, { tensors: 'f', lrScale: 0 }], measureSteps: true,
      schedule: { warmup: 50, decay: 'cosine', total: 400, final: 0.05 },
    });
    const r = rng(46);
    for (let i = 0; i < opt.params.length; i++) opt.params[i] = 2 * r() - 1;
    for (let t = 0; t < 500; t++) {
      const p = opt.params, g = opt.grads;
      for (let i = 0; i < p.length; i++) g[i] = (1 + (i % 7)) * (p[i] - 0.25) + 0.1 * (2 * r() - 1);
      opt.step();
    }
    parts.push(opt.paramsHash());
  }
  return parts.join('');
}
