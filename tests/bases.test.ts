// Every base kernel against the float64 reference (ref.ts): one step on sizes 0..65537,
// and 200-step trajectories on a noisy ill-conditioned quadratic, where the gradient is
// computed from the kernel's own params and fed to both (so the reference follows the same
// path and any difference is the kernel's arithmetic, bounded by the reference's budget).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { stepsize, rng, uniform, f32, label } from './util.js';
import { RefOptimizer, type RefConfig } from './ref.js';

const SIZES = [0, 1, 3, 4, 5, 17, 1023, 65537];

// configurations covering every base and every option of the update path
const CONFIGS: Record<string, unknown>[] = [
  { base: 'sgd', lr: 0.05 },
  { base: 'sgd', lr: 0.05, weightDecay: 0.1, clipNorm: 3 },
  { base: 'momentum', lr: 0.02 },
  { base: 'momentum', lr: 0.02, nesterov: true, weightDecay: 0.01 },
  { base: 'adam', lr: 0.01 },
  { base: 'adam', lr: 0.01, beta1: 0.5, beta2: 0.9, eps: 1e-6, weightDecay: 0.05, clipNorm: 1 },
  { base: 'adamw', lr: 0.01 },
  { base: 'adamw', lr: 0.01, weightDecay: 0.1 },
  { base: 'sign', lr: 0.003 },
  { base: 'sign', lr: 0.003, momentum: 0.9, nesterov: true, weightDecay: 0.01 },
  { base: 'normalized', lr: 0.1 },
  { base: 'normalized', lr: 0.1, momentum: 0.9, weightDecay: 0.01, clipNorm: 0.5 },
  { base: 'normalized', lr: 0.1, momentum: 0.5, nesterov: true },
  { base: 'nadam', lr: 0.01 },
  { base: 'nadam', lr: 0.01, beta1: 0.5, beta2: 0.9, eps: 1e-6, weightDecay: 0.05, clipNorm: 1 },
  { base: 'nadamw', lr: 0.01 },
  { base: 'nadamw', lr: 0.01, weightDecay: 0.1, clipNorm: 2 },
];


const single = suite('bases: one step vs float64 reference, odd sizes');
for (const cfg of CONFIGS) {
  single(label(cfg), async () => {
    const ss = await stepsize();
    for (const n of SIZES) {
      const r = rng(1000 + n);
      const p0 = f32(uniform(r, n, 2)), g = f32(uniform(r, n, 1));
      const opt = ss.create({ size: n, ...cfg } as any);
      opt.params.set(p0);
      opt.grads.set(g);
      const ref = new RefOptimizer(opt.config as unknown as RefConfig, p0);
      opt.step();
      ref.step(g);
      const { ratio, index } = ref.check(opt.params);
      assert.ok(ratio <= 1, `n=${n}: element ${index} off by ${ratio.toFixed(2)}x its error budget`);
      if (n > 0) {
        assert.ok(Math.abs(opt.stats.gradNorm - ref.gradNorm) <= 1e-6 * ref.gradNorm, `n=${n}: gradNorm`);
        assert.ok(Math.abs(opt.stats.clipScale - ref.clipScale) <= 1e-6, `n=${n}: clipScale`);
      }
      assert.is(opt.stats.step, 1);
      assert.is(opt.lr, opt.config.lr);
    }
  });
}

const traj = suite('bases: 200-step trajectories vs float64 reference');
for (const cfg of CONFIGS) {
  traj(label(cfg), async () => {
    const ss = await stepsize();
    for (const n of [17, 1023, 65537]) {
      const r = rng(7 * n + 1);
      // diagonal quadratic with curvatures from 1e-3 to 1 (condition 1e3), optimum c, noise
      const h = new Float64Array(n), c = uniform(r, n, 1);
      for (let i = 0; i < n; i++) h[i] = 10 ** (-3 * (n === 1 ? 0 : i / (n - 1)));
      const p0 = f32(uniform(r, n, 2));
      const opt = ss.create({ size: n, params: p0, ...cfg } as any);
      const ref = new RefOptimizer(opt.config as unknown as RefConfig, p0);
      const g = new Float64Array(n);
      let worst = 0;
      for (let t = 0; t < 200; t++) {
        const p = opt.params;
        for (let i = 0; i < n; i++) g[i] = h[i] * (p[i] - c[i]) + 0.1 * (2 * r() - 1);
        opt.grads.set(g);
        const g32 = f32(g);
        opt.step();
        ref.step(g32);
        if (t % 20 === 19 || t === 199) {
          const { ratio, index } = ref.check(opt.params);
          assert.ok(ratio <= 1, `n=${n} step ${t + 1}: element ${index} off by ${ratio.toFixed(2)}x its error budget`);
          worst = Math.max(worst, ratio);
        }
      }
      assert.is(opt.stats.step, 200);
    }
  });
}

const padding = suite('bases: padding stays zero, neighbours untouched');
padding('params beyond size are never written', async () => {
  const ss = await stepsize();
  for (const cfg of CONFIGS) {
    const opt = ss.create({ size: 5, ...cfg } as any);
    const wide = new Float32Array(opt.params.buffer, opt.params.byteOffset, 64);
    opt.params.set([1, -2, 3, -4, 5]);
    opt.grads.set([0.5, 0.5, -0.5, 1, -1]);
    for (let t = 0; t < 3; t++) opt.step();
    for (let i = 5; i < 64; i++) assert.is(wide[i], 0, `${label(cfg)}: padding element ${i}`);
  }
});

single.run();
traj.run();
padding.run();

export {};
