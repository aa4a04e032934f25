// glyder: the exact answer on an isotropic quadratic, trajectories against the float64
// reference, and the closure contract ('fresh' at x, 'repeat' at x − τd, params restored).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { stepsize, f32, throwsCode, rng } from './util.js';
import type { Optimizer, Request } from '../build/index.js';
import { RefGlyder } from './ref-rules.js';
import { trajectoryProblems } from './problems.js';
import { startTrajectory } from './compare.js';

const gly = suite('glyder');

gly('sgd on f = (λ/2)‖x‖²: ℓ = λ and the first step is the exact minimiser along g (η = 1/λ)', async () => {
  const ss = await stepsize();
  const n = 9, lambda = 2;
  const opt = ss.create({ size: n, rule: 'glyder', base: 'sgd', params: Array.from({ length: n }, (_, i) => i - 4) });
  const f = (p: Float32Array) => p.reduce((s, v) => s + 0.5 * lambda * v * v, 0), before = f(opt.params);
  for (let i = 0; i < n; i++) opt.grads[i] = lambda * opt.params[i];
  await opt.step((p, g) => { for (let i = 0; i < n; i++) g[i] = lambda * p[i]; return 0; });
  assert.ok(Math.abs(opt.stats.curvature! - lambda) < 1e-3, `ℓ = ${opt.stats.curvature}`);
  assert.ok(Math.abs(opt.lr - 1 / lambda) < 1e-4, `η = ${opt.lr}`);
  assert.ok(f(opt.params) < 1e-6 * before, `loss ${before} → ${f(opt.params)}`);
});

const CONFIGS: Record<string, unknown>[] = [
  { rule: 'glyder', base: 'sgd' },
  { rule: 'glyder', base: 'sgd', lr: 0.5, curvatureEvery: 3, smoothing: 0.5 },
  { rule: 'glyder', base: 'momentum', momentum: 0.5, lr: 0.5 },
  // adam over 140 steps: later, coordinates converged to float32's floor have m crossing 0,
  // where d = m̂/(√v̂+ε) can take another sign in float32 than in float64 (the ambiguity the
  // sign-base tests budget for), and the sums over d then differ for reasons outside the rule
  { rule: 'glyder', base: 'adam', lr: 0.5, weightDecay: 1e-3, steps: 140 },
];

// As for the other rules (rules.test.ts): identical inputs to kernel and reference. The probe
// point is an input to the measurement (g^τ was evaluated there), so the reference is given
// the point as evaluated, and must itself choose the same τ to 1e-4.
for (const cfg of CONFIGS) {
  gly(`trajectories vs float64 reference: ${JSON.stringify(cfg).replace(/"/g, '')}`, async () => {
    const ss = await stepsize();
    const { steps = 300, ...options } = cfg as { steps?: number };
    for (const prob of trajectoryProblems()) {
      const { opt, ref, g, track } = startTrajectory(ss, prob, options, (c, x0) => new RefGlyder(c, x0));
      for (let t = 0; t < steps; t++) {
        prob.grad(opt.params, g);
        opt.grads.set(g);
        const evals: Float64Array[] = [], points: Float64Array[] = [];
        track.mark();
        await opt.step((p, out) => { prob.grad(p, out); evals.push(f32(out)); points.push(Float64Array.from(p)); return prob.loss(p); });
        const tau = opt.stats.tau!;
        // adam: η is a ratio of sums over the Adam direction, whose float32 m and v carry ~t·2⁻²⁴
        // relative error after t steps (the float64 reference's do not): 1e-3; 1e-4 otherwise.
        // τ = η_{t−1} inherits the same tolerance.
        const lrTol = opt.config.base === 'adam' ? 1e-3 : 1e-4;
        if (evals.length === 2) {
          const q = ref.direction(f32(g), false, points[0]).reduce((s, v) => s + v * v, 0);
          assert.ok(Math.abs(ref.tau(q) - tau) <= lrTol * tau, `${prob.name} step ${t}: τ ${tau} vs ${ref.tau(q)}`);
        }
        ref.step(f32(g), evals[0], evals[1] ?? null, points[0], points[1] ?? null);
        track.check(opt, `${prob.name} step ${t}`, lrTol);
      }
    }
  });
}

/** g = k·p (k = 0.5 unless given). */
const half = (p: Float32Array, g: Float32Array, k = 0.5) => { for (let i = 0; i < p.length; i++) g[i] = k * p[i]; };

/** Steps `steps` times from g = 0.5·x; `onCall` answers each request (it sees params, the x of that step, the grads view). Returns the requests of each step. */
async function requestsOver(opt: Optimizer, steps: number, onCall: (req: Request, p: Float32Array, x: number[], g: Float32Array) => void): Promise<string[][]> {
  const batches: string[][] = [];
  for (let t = 0; t < steps; t++) {
    half(opt.params, opt.grads);
    const x = Array.from(opt.params), seen: string[] = [];
    await opt.step((p, g, req) => { seen.push(req.batch); onCall(req, p, x, g); return 0; });
    assert.not.equal(Array.from(opt.params), x, `step ${t} moved`);
    batches.push(seen);
  }
  return batches;
}

/** A closure that throws at its first or second call leaves params and the whole state as they were. Returns the checkpoint. */
async function throwingCommitsNothing(opt: Optimizer): Promise<Uint8Array> {
  const snapshot = opt.save(), params = Array.from(opt.params);
  for (const failAt of [1, 2]) {
    let calls = 0;
    await opt.step((p, g) => { if (++calls === failAt) throw new Error('no batch'); half(p, g); return 0; })
      .then(() => assert.unreachable('should throw'), (e) => assert.is(e.message, 'no batch'));
    assert.equal(Array.from(opt.params), params, `params restored (throw at call ${failAt})`);
    assert.equal(opt.save(), snapshot, `nothing committed (throw at call ${failAt})`);
  }
  return snapshot;
}

gly("the closure contract: 'fresh' at x then 'repeat' at x − τd; params restored exactly; a throw commits nothing", async () => {
  const ss = await stepsize();
  const opt = ss.create({ size: 4, rule: 'glyder', base: 'adam', curvatureEvery: 2, params: [1, -2, 3, -4] });
  throwsCode(() => opt.step(), 'E_OPTION', /await step\(closure\)/);
  const batches = await requestsOver(opt, 4, (req, p, x, g) => {
    if (req.batch === 'fresh') assert.equal(Array.from(p), x, "'fresh' is evaluated at x");
    else assert.not.equal(Array.from(p), x, "'repeat' is evaluated at the probe point");
    half(p, g);
  });
  assert.equal(batches, [['fresh', 'repeat'], ['fresh'], ['fresh', 'repeat'], ['fresh']], 'curvature every 2 steps');
  half(opt.params, opt.grads);
  await throwingCommitsNothing(opt);
  // @ts-expect-error: not an option or base of this rule (a type error, and E_OPTION at run time)
  throwsCode(() => ss.create({ size: 3, rule: 'glyder', base: 'sign' }), 'E_OPTION', /'base' must be one of 'sgd', 'momentum', 'adam'/);
  // @ts-expect-error: not an option or base of this rule (a type error, and E_OPTION at run time)
  throwsCode(() => ss.create({ size: 3, rule: 'glyder', base: 'sgd', clipNorm: 1 }), 'E_OPTION', /'clipNorm' does not apply to rule 'glyder'/);
  assert.is(ss.create({ size: 3, rule: 'glyder', base: 'adam' }).config.lr, 1);
});

// ---- smoothness 'gnb' -------------------------------------------------------------------------

/**
 * Softmax regression: W (K×D, row-major) on N fixed examples, the loss the mean cross-entropy
 * over a batch (a list of example indices with their labels). The labels of the data come
 * from a teacher W; 'sampled' labels are drawn from the model's own softmax at the params.
 */
function softmaxRegression(seed: number, N = 48, D = 7, K = 3) {
  const r = rng(seed);
  const X = Array.from({ length: N }, () => Float64Array.from({ length: D }, () => 2 * r() - 1));
  const teacher = Float64Array.from({ length: K * D }, () => 4 * r() - 2);
  const probs = (w: ArrayLike<number>, x: Float64Array): Float64Array => {
    const z = Float64Array.from({ length: K }, (_, k) => { let s = 0; for (let j = 0; j < D; j++) s += w[k * D + j] * x[j]; return s; });
    const m = Math.max(...z), e = z.map((v) => Math.exp(v - m)), sum = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / sum);
  };
  const draw = (p: Float64Array, u: number): number => { let k = 0, c = p[0]; while (u >= c && k < K - 1) c += p[++k]; return k; };
  const labels = X.map((x) => draw(probs(teacher, x), r()));
  return {
    n: K * D, N, D, K,
    x0: Float64Array.from({ length: K * D }, () => 0.2 * r() - 0.1),
    /** `size` example indices, uniformly with replacement. */
    batch: (rr: () => number, size: number): number[] => Array.from({ length: size }, () => Math.floor(rr() * N)),
    /** Labels drawn from the model's softmax at w, one per example of the batch. */
    sample: (w: ArrayLike<number>, idx: number[], rr: () => number): number[] => idx.map((i) => draw(probs(w, X[i]), rr())),
    labelsOf: (idx: number[]): number[] => idx.map((i) => labels[i]),
    /** The mean cross-entropy's gradient over the batch into out; returns the loss. */
    grad(w: ArrayLike<number>, idx: number[], y: number[], out: Float32Array | Float64Array): number {
      out.fill(0);
      let loss = 0;
      idx.forEach((i, b) => {
        const p = probs(w, X[i]);
        loss -= Math.log(p[y[b]]) / idx.length;
        for (let k = 0; k < K; k++) for (let j = 0; j < D; j++) out[k * D + j] += ((p[k] - (k === y[b] ? 1 : 0)) * X[i][j]) / idx.length;
      });
      return loss;
    },
    /** dᵀGd/‖d‖², G = (1/B)Σ_i J_iᵀ(diag p_i − p_i p_iᵀ)J_i, the Gauss-Newton matrix of the batch's mean loss. */
    gaussNewton(w: ArrayLike<number>, idx: number[], d: ArrayLike<number>): number {
      let s = 0, dd = 0;
      for (let i = 0; i < d.length; i++) dd += d[i] * d[i];
      for (const i of idx) {
        const p = probs(w, X[i]), u = Float64Array.from({ length: K }, (_, k) => { let t = 0; for (let j = 0; j < D; j++) t += d[k * D + j] * X[i][j]; return t; });
        const pu = u.reduce((a, v, k) => a + p[k] * v, 0);
        for (let k = 0; k < K; k++) s += p[k] * u[k] * u[k];
        s -= pu * pu;
      }
      return s / idx.length / dd;
    },
  };
}

for (const cfg of [
  { base: 'sgd', batchSize: 8 },
  { base: 'sgd', batchSize: 16, curvatureEvery: 2, curvatureSmoothing: 0.9, lr: 0.5 },
  { base: 'momentum', momentum: 0.5, batchSize: 8, lr: 0.5 },
  { base: 'adam', batchSize: 8, lr: 0.5, steps: 140 },
] as const) {
  gly(`gnb: trajectories vs float64 reference on softmax regression, a fixed sample of labels: ${JSON.stringify(cfg).replace(/"/g, '')}`, async () => {
    const ss = await stepsize();
    const { steps = 250, ...options } = cfg as { steps?: number; batchSize: number };
    const prob = softmaxRegression(11), r = rng(5), B = options.batchSize;
    const problem = { name: 'softmax', n: prob.n, x0: prob.x0, loss: () => 0, grad: () => {} };
    const { opt, ref, g, track } = startTrajectory(ss, problem, { rule: 'glyder', smoothness: 'gnb', ...options }, (c, x0) => new RefGlyder(c, x0));
    const lrTol = opt.config.base === 'adam' ? 1e-3 : 1e-4;
    for (let t = 0; t < steps; t++) {
      const idx = prob.batch(r, B);
      prob.grad(opt.params, idx, prob.labelsOf(idx), g);
      opt.grads.set(g);
      let fresh: number[] = [];
      const evals: Float64Array[] = [], points: Float64Array[] = [];
      track.mark();
      await opt.step((p, out, { batch }) => {
        if (batch === 'fresh') fresh = prob.batch(r, B);
        const loss = prob.grad(p, fresh, batch === 'sampled' ? prob.sample(p, fresh, r) : prob.labelsOf(fresh), out);
        evals.push(f32(out)); points.push(Float64Array.from(p));
        return loss;
      });
      ref.step(f32(g), evals[0], evals[1] ?? null, points[0], null);
      const where = `step ${t}`;
      if (evals.length === 2) {
        assert.ok(Math.abs(opt.stats.curvature! - ref.draw) <= lrTol * ref.draw + 1e-30, `${where}: draw ${opt.stats.curvature} vs ${ref.draw}`);
        assert.ok(Math.abs(opt.stats.curvatureSmoothed! - ref.ell) <= lrTol * ref.ell + 1e-30, `${where}: smoothed ${opt.stats.curvatureSmoothed} vs ${ref.ell}`);
        assert.is(opt.stats.tau, 0, `${where}: no probe point`);
      }
      track.check(opt, where, lrTol);
    }
    assert.ok(ref.draws >= steps / ((options as { curvatureEvery?: number }).curvatureEvery ?? 1) - 1, 'the reference saw every draw');
  });
}

gly("gnb: the draws' mean is the Gauss-Newton curvature dᵀGd/‖d‖², their spread χ²₁'s, and the average that feeds L̄ matches it", async () => {
  const ss = await stepsize();
  const prob = softmaxRegression(3, 40), all = Array.from({ length: prob.N }, (_, i) => i), r = rng(9);
  // the full data as every batch and a cap that keeps x (so d) fixed to the last bit: each step
  // is then one independent draw of the same quantity
  const opt = ss.create({ size: prob.n, rule: 'glyder', base: 'sgd', smoothness: 'gnb', batchSize: prob.N, curvatureSmoothing: 0.999, maxLr: 1e-12, params: prob.x0 });
  const x = Float32Array.from(opt.params), d = new Float64Array(prob.n);
  prob.grad(x, all, prob.labelsOf(all), d);
  const exact = prob.gaussNewton(x, all, Float64Array.from(Float32Array.from(d)));
  const draws: number[] = [];
  for (let t = 0; t < 3000; t++) {
    prob.grad(opt.params, all, prob.labelsOf(all), opt.grads);
    await opt.step((p, out, { batch }) => prob.grad(p, all, batch === 'sampled' ? prob.sample(p, all, r) : prob.labelsOf(all), out));
    draws.push(opt.stats.curvature!);
  }
  assert.equal(Array.from(opt.params), Array.from(x), 'x stayed put');
  const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
  const sd = Math.sqrt(draws.reduce((a, b) => a + (b - mean) ** 2, 0) / (draws.length - 1));
  // 3000 draws of relative spread √2: the mean's relative error has sd 2.6%; 10% is ~4 sd
  assert.ok(Math.abs(mean / exact - 1) < 0.1, `mean of the draws ${mean} vs dᵀGd/‖d‖² ${exact}`);
  assert.ok(sd / mean > 1.1 && sd / mean < 1.7, `relative spread ${sd / mean} (χ²₁: √2)`);
  // the bias-corrected average over β_c = 0.999 (~1,700 draws' worth here): sd ~3.4%; 15%
  assert.ok(Math.abs(opt.stats.curvatureSmoothed! / exact - 1) < 0.15, `the average fed to L̄ ${opt.stats.curvatureSmoothed} vs ${exact}`);
  assert.ok(opt.stats.Lbar! >= opt.stats.curvatureSmoothed! && opt.stats.Lbar! < 1.3 * exact, `L̄ ${opt.stats.Lbar} over the average, near it`);
});

gly('gnb: η starts at twice the probe length and its cap doubles with each draw (one χ²₁ draw is often far below its mean)', async () => {
  const ss = await stepsize();
  const n = 9, lambda = 2;
  const make = (extra: Record<string, unknown> = {}) =>
    ss.create({ size: n, rule: 'glyder', base: 'sgd', smoothness: 'gnb', batchSize: 1, params: Array.from({ length: n }, (_, i) => i - 4), ...extra } as any);
  // f = (λ/2)‖x‖², and ĝ = √λ·x/‖x‖·z: each draw is λ, so the locally optimal η is 1/λ. One
  // step from g = λx; returns ‖d‖ = ‖g‖.
  const stepWith = async (opt: Optimizer, z: number): Promise<number> => {
    for (let i = 0; i < n; i++) opt.grads[i] = lambda * opt.params[i];
    const norm = Math.hypot(...opt.grads);
    await opt.step((p, g, { batch }) => {
      const r = Math.hypot(...p);
      for (let i = 0; i < n; i++) g[i] = batch === 'sampled' ? (z * Math.sqrt(lambda) * p[i]) / r : lambda * p[i];
      return 0;
    });
    return norm;
  };
  const opt = make();
  let prev = 0;
  for (let t = 0; t < 16; t++) {
    const norm = await stepWith(opt, t % 2 ? -1 : 1); // (z = ±1 alternating)
    if (t === 0) assert.ok(Math.abs(opt.lr - 2e-3 / norm) < 1e-6 * opt.lr, `first η ${opt.lr} = 2·τMin/‖d‖ = ${2e-3 / norm}`);
    else assert.ok(opt.lr <= 2 * prev * (1 + 1e-6) + 1e-12, `step ${t}: η ${opt.lr} after ${prev}`);
    assert.ok(Math.abs(opt.stats.curvature! - lambda) < 1e-4, `draw ${opt.stats.curvature}`);
    assert.is(opt.stats.growthCapped, opt.lr < (1 - 1e-4) / lambda ? 1 : 0, `step ${t}: capped while below 1/λ (η ${opt.lr})`);
    prev = opt.lr;
  }
  assert.ok(Math.abs(prev - 1 / lambda) < 1e-4, `η reached the locally optimal 1/λ: ${prev}`);
  // measured every 4 steps, the cap doubles with each draw, not with each step
  const sparse = make({ curvatureEvery: 4 });
  let first = 0;
  for (let t = 0; t < 12; t++) {
    const norm = await stepWith(sparse, 1);
    if (t === 0) first = 2e-3 / norm;
    const bound = first * 2 ** Math.floor(t / 4);
    assert.ok(sparse.lr <= bound * (1 + 1e-6), `step ${t}: η ${sparse.lr} within the cap ${bound} (draw ${Math.floor(t / 4) + 1})`);
    assert.ok(sparse.lr >= bound * (1 - 1e-6), `step ${t}: η ${sparse.lr} at the cap ${bound} (1/λ is far above it)`);
  }
});

gly("gnb: 'sampled' follows 'fresh' at x on curvature steps only; params restored; a throw or a non-finite ĝ commits nothing; bad options refused", async () => {
  const ss = await stepsize();
  const opt = ss.create({ size: 4, rule: 'glyder', base: 'momentum', smoothness: 'gnb', batchSize: 4, curvatureEvery: 3, params: [1, -2, 3, -4] });
  const batches = await requestsOver(opt, 6, (req, p, x, g) => {
    assert.equal(Array.from(p), x, `'${req.batch}' is evaluated at x`);
    half(p, g, req.batch === 'sampled' ? 0.1 : 0.5);
    if (req.batch === 'sampled') p.fill(7); // (params are put back whatever the closure wrote)
  });
  const C = ['fresh', 'sampled'], F = ['fresh'];
  assert.equal(batches, [C, F, F, C, F, F], 'curvature every 3 steps');
  half(opt.params, opt.grads); // (the next step measures: both calls below are made)
  const snapshot = await throwingCommitsNothing(opt);
  for (const bad of [Number.NaN, Infinity, -Infinity]) {
    await opt.step((p, g, { batch }) => { half(p, g); if (batch === 'sampled') g[2] = bad; return 0; })
      .then(() => assert.unreachable('should throw'), (e) => assert.is(e.code, 'E_GRADIENT', String(e)));
    assert.equal(opt.save(), snapshot, `nothing committed (ĝ holds ${bad})`);
  }
  throwsCode(() => ss.create({ size: 3, rule: 'glyder', base: 'sgd', smoothness: 'gnb' }), 'E_OPTION', /smoothness 'gnb' needs option 'batchSize', a whole number >= 1/);
  throwsCode(() => ss.create({ size: 3, rule: 'glyder', base: 'sgd', smoothness: 'gnb', batchSize: 0 }), 'E_OPTION', /needs option 'batchSize'/);
  throwsCode(() => ss.create({ size: 3, rule: 'glyder', base: 'sgd', batchSize: 32 }), 'E_OPTION', /'batchSize' \(32\) is read only with smoothness 'gnb'; smoothness is 'projection'/);
  for (const b of [1.5, -1, Number.NaN, Infinity, '8']) {
    throwsCode(() => ss.create({ size: 3, rule: 'glyder', base: 'sgd', smoothness: 'gnb', batchSize: b as number }), 'E_OPTION', /'batchSize' must be a whole number >= 1/);
  }
  // @ts-expect-error: not a smoothness estimator (a type error, and E_OPTION at run time)
  throwsCode(() => ss.create({ size: 3, rule: 'glyder', base: 'sgd', smoothness: 'hvp' }), 'E_OPTION', /'smoothness' must be one of 'projection', 'gnb'/);
  throwsCode(() => ss.create({ size: 3, rule: 'glyder', base: 'sgd', smoothness: 'gnb', batchSize: 8, curvatureSmoothing: 1 }), 'E_OPTION', /'curvatureSmoothing' must be a number in \[0, 1\)/);
});

gly.run();

export {};
