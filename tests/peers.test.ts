// The parameter-free baselines (dadapt, prodigy, dog) against their float64 references
// (ref-peers.ts) over 300-step trajectories on the three problems of rules.test.ts, with the
// same tolerances and the same reasoning (the reference gets the kernel's gradients); and
// the behaviour each paper's mechanism implies.
//
// One difference: before each step the reference's x is set to the kernel's float32 params.
// These rules measure distances travelled (‖x − x0‖, ⟨g, x0 − x⟩) and start from steps of
// ~1e-6, below float32's resolution of x: the displacement that exists is the realized one,
// and a float64 x would measure a displacement the kernel never made (0.3–2% off in the first
// steps). Everything else (s, m, v, D, R, G, r̄, the average) evolves in the reference alone
// over the 300 steps.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { stepsize, f32, rng, uniform, throwsCode, label } from './util.js';
import { RefDog } from './ref-peers.js';
import { refFor } from './ref-rules.js';
import { startTrajectory } from './compare.js';
import { quadratic, trajectoryProblems } from './problems.js';

const CONFIGS: Record<string, unknown>[] = [
  // lr 0.5: at the default 1, η = D/‖g0‖ reaches 2.4 > 2/L on the quadratic and the float64
  // reference diverges with the kernel (dual averaging with a constant step is gradient descent)
  { rule: 'dadapt', base: 'sgd', lr: 0.5 },
  { rule: 'dadapt', base: 'sgd', weightDecay: 1e-3, growthRate: 1.5, clipNorm: 50 },
  { rule: 'dadapt', base: 'momentum' },
  { rule: 'dadapt', base: 'adam' },
  { rule: 'dadapt', base: 'adamw', weightDecay: 1e-2, biasCorrection: true, d0: 1e-4 },
  { rule: 'prodigy', base: 'adam' },
  { rule: 'prodigy', base: 'adamw', weightDecay: 1e-2, growthRate: 1.02 },
  { rule: 'prodigy', base: 'adam', beta1: 0, biasCorrection: true, safeguardWarmup: true, weightDecay: 1e-3 },
  { rule: 'dog', base: 'sgd' },
  { rule: 'dog', base: 'sgd', weightDecay: 1e-3, averageGamma: 2, repsRel: 1e-4 },
];

const traj = suite('peers: 300-step trajectories vs float64 reference');
for (const cfg of CONFIGS) {
  traj(label(cfg), async () => {
    const ss = await stepsize();
    for (const prob of trajectoryProblems()) {
      const { opt, ref, g, track } = startTrajectory(ss, prob, cfg, refFor);
      let worstAvg = 0;
      for (let t = 0; t < 300; t++) {
        prob.grad(opt.params, g);
        opt.grads.set(g);
        ref.x.set(opt.params);
        track.mark();
        opt.step();
        ref.step(0, f32(g));
        track.check(opt, `${prob.name} step ${t}`);
        if (ref instanceof RefDog) {
          const avg = opt.average!;
          for (let i = 0; i < prob.n; i++) {
            const tol = 1e-4 * (track.moved[i] + Math.abs(ref.avg[i])) + 1e-30;
            worstAvg = Math.max(worstAvg, Math.abs(avg[i] - ref.avg[i]) / tol);
          }
        }
      }
      assert.ok(worstAvg <= 1, `${prob.name}: the averaged iterate is off by ${worstAvg} of its tolerance`);
      assert.is(opt.stats.step, 300, prob.name);
      const d = (ref as any).D;
      if (d !== undefined) assert.ok(Math.abs(opt.stats.d! - d) <= 1e-4 * d, `${prob.name}: D ${opt.stats.d} vs ${d}`);
    }
  });
}

const beh = suite('peers: behaviour');

beh('D-Adaptation and Prodigy raise D from 1e-6 to the scale of the distance to the optimum', async () => {
  const ss = await stepsize();
  // quadratic with the optimum at distance ~5 from x0: D must reach the same order
  const n = 200, prob = quadratic(n, 10, 7);
  let dist = 0;
  const c = new Float64Array(n); prob.grad(new Float64Array(n), c); // g(0) = −h·c
  for (let i = 0; i < n; i++) {
    const h = Math.pow(10, -i / (n - 1)), ci = -c[i] / h;
    dist += (prob.x0[i] - ci) ** 2;
  }
  dist = Math.sqrt(dist);
  for (const cfg of [{ rule: 'dadapt', base: 'sgd' }, { rule: 'dadapt', base: 'adam' }, { rule: 'prodigy', base: 'adam' }]) {
    const opt = ss.create({ size: n, params: f32(prob.x0), ...cfg } as any);
    const f0 = prob.loss(opt.params);
    for (let t = 0; t < 400; t++) { prob.grad(opt.params, opt.grads); opt.step(); }
    const D = opt.stats.d!;
    const f = prob.loss(opt.params);
    // D is a lower bound on the distance (D-Adaptation's Lemma) that grows towards it
    assert.ok(D > 1e-6 * 1e4, `${cfg.rule}/${cfg.base}: D grew only to ${D}`);
    assert.ok(D < 3 * dist, `${cfg.rule}/${cfg.base}: D = ${D} overshoots the distance ${dist}`);
    assert.ok(f < 0.05 * f0, `${cfg.rule}/${cfg.base}: loss ${f0} → ${f}`);
  }
});

beh('DoG: the first step moves by repsRel·(1 + ‖x0‖), then r̄ tracks the distance travelled', async () => {
  const ss = await stepsize();
  const n = 64, r = rng(5), x0 = uniform(r, n, 1), opt = ss.create({ size: n, rule: 'dog', base: 'sgd', params: f32(x0) });
  const grad = (p: Float32Array, g: Float32Array) => { for (let i = 0; i < n; i++) g[i] = (1 + (i % 5)) * (p[i] - 3); };
  grad(opt.params, opt.grads);
  const before = Float64Array.from(opt.params);
  opt.step();
  let moved = 0, x0n = 0;
  for (let i = 0; i < n; i++) { moved += (opt.params[i] - before[i]) ** 2; x0n += before[i] ** 2; }
  const expect = 1e-6 * (1 + Math.sqrt(x0n));
  // 2%: each element moves ~1e-7, near float32's resolution of x, and is rounded
  assert.ok(Math.abs(Math.sqrt(moved) - expect) <= 2e-2 * expect, `first step ${Math.sqrt(moved)} vs r̄0 ${expect}`);
  let last = opt.stats.rbar!;
  for (let t = 0; t < 200; t++) {
    grad(opt.params, opt.grads); opt.step();
    assert.ok(opt.stats.rbar! >= last, 'r̄ never decreases');
    last = opt.stats.rbar!;
  }
  // the optimum is at 3·1: r̄ must have grown to the distance scale (~‖x0 − 3‖ ≈ 24)
  assert.ok(last > 1, `r̄ only reached ${last}`);
  let err = 0, errAvg = 0;
  for (let i = 0; i < n; i++) { err += (opt.params[i] - 3) ** 2; errAvg += (opt.average![i] - 3) ** 2; }
  assert.ok(Math.sqrt(err) < 0.05 * 24, `DoG converged to within ${Math.sqrt(err)}`);
  assert.ok(Math.sqrt(errAvg) < 1, `the average is within ${Math.sqrt(errAvg)}`);
});

beh('options are validated; the average exists only for dog', async () => {
  const ss = await stepsize();
  throwsCode(() => ss.create({ size: 4, rule: 'prodigy', base: 'sgd' } as any), 'E_OPTION', /'adam', 'adamw'/);
  throwsCode(() => ss.create({ size: 4, rule: 'dadapt', base: 'sgd', growthRate: 1 } as any), 'E_OPTION', /growthRate.*> 1/);
  throwsCode(() => ss.create({ size: 4, rule: 'dog', base: 'sgd', repsRel: 0 } as any), 'E_OPTION', /repsRel/);
  throwsCode(() => ss.create({ size: 4, rule: 'dadapt', base: 'momentum', nesterov: true } as any), 'E_OPTION', /nesterov/);
  const a = ss.create({ size: 5, rule: 'dadapt', base: 'sgd' });
  assert.is(a.average, null);
  assert.is(a.config.lr, 1);
  const d = ss.create({ size: 5, rule: 'dog', base: 'sgd', average: false });
  assert.is(d.average, null);
  assert.is(ss.create({ size: 5, rule: 'dog', base: 'sgd' }).average!.length, 5);
});

beh('a zero first gradient leaves D-Adaptation SGD waiting, not dividing by zero', async () => {
  const ss = await stepsize();
  const opt = ss.create({ size: 7, rule: 'dadapt', base: 'sgd', params: new Float32Array(7).fill(1) });
  opt.grads.fill(0); opt.step();
  assert.equal([...opt.params], new Array(7).fill(1));
  assert.is(opt.stats.step, 0);
  opt.grads.fill(1); opt.step();
  assert.is(opt.stats.step, 1);
  assert.ok(opt.params.every((v) => Number.isFinite(v) && v < 1));
});

beh('a NaN or infinite gradient changes nothing (thrown, or counted with nonFinite: skip)', async () => {
  const ss = await stepsize();
  for (const cfg of [{ rule: 'dadapt', base: 'sgd' }, { rule: 'dadapt', base: 'adamw' }, { rule: 'prodigy', base: 'adam' }, { rule: 'dog', base: 'sgd' }]) {
    const opt = ss.create({ size: 21, params: Array.from({ length: 21 }, (_, i) => i / 7 - 1), ...cfg } as any);
    for (let t = 0; t < 5; t++) { for (let i = 0; i < 21; i++) opt.grads[i] = opt.params[i] - 0.5; opt.step(); }
    const before = opt.save();
    opt.grads[20] = NaN;
    throwsCode(() => opt.step(), 'E_GRADIENT', /NaN/);
    opt.grads[20] = Infinity;
    throwsCode(() => opt.step(), 'E_GRADIENT', /NaN/);
    assert.equal(opt.save(), before, `${cfg.rule}/${cfg.base}: state untouched`);
    const skip = ss.restore(before);
    assert.is(skip.stats.step, 5);
  }
});

traj.run();
beh.run();
