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
import { RefDog, RefLDoG, RefScheduleFree } from './ref-peers.js';
import { readCheckpoint, writeCheckpoint } from './ckfmt.js';
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
  { rule: 'schedulefree', base: 'sgd', lr: 0.01, schedule: { warmup: 10 } },
  { rule: 'schedulefree', base: 'sgd', lr: 0.005, beta: 0.95, weightLrPower: 1, r: 1, weightDecay: 1e-3, clipNorm: 50 },
  { rule: 'schedulefree', base: 'adamw', lr: 0.01, schedule: { warmup: 20 } },
  { rule: 'schedulefree', base: 'adamw', lr: 0.02, beta: 0.8, beta2: 0.99, weightDecay: 1e-2 },
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
        if (ref instanceof RefDog || ref instanceof RefScheduleFree) {
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

const ldog = suite('peers: LDoG (dog with perTensor)');

// tensors of odd sizes (each its own segment, padded in the layout) with curvatures 4 orders
// apart, so that every tensor gets its own η_l
const SHAPES: [string, number[]][] = [['a', [37]], ['b', [13, 10]], ['c', [1]], ['d', [64]], ['e', [3, 3, 3]]];
const CURV = [1, 100, 0.01, 10, 3];
const LENGTHS = SHAPES.map(([, s]) => s.reduce((p, q) => p * q, 1));
const N = LENGTHS.reduce((p, q) => p + q, 0);
/** h_i and the optimum c_i of coordinate i (compact order). */
function problem() {
  const h = new Float64Array(N), c = new Float64Array(N), r = rng(11);
  let i = 0;
  for (const [l, len] of LENGTHS.entries()) for (let j = 0; j < len; j++, i++) { h[i] = CURV[l] * (0.5 + r()); c[i] = 2 * r() - 1; }
  return { h, c, x0: uniform(rng(12), N, 2) };
}
/** The kernel's params in compact order (views of each tensor). */
const compact = (opt: any): Float64Array => { const out = new Float64Array(N); let i = 0; for (const [name] of SHAPES) for (const v of opt.tensor(name).params) out[i++] = v; return out; };
const writeCompact = (opt: any, from: ArrayLike<number>, into: 'params' | 'grads'): void => { let i = 0; for (const [name] of SHAPES) { const t = opt.tensor(name)[into]; for (let j = 0; j < t.length; j++) t[j] = from[i++]; } };

for (const cfg of [{}, { weightDecay: 1e-3, averageGamma: 2, repsRel: 1e-4 }, { clipNorm: 1 }, { average: false, lr: 0.5 }]) {
  ldog(`300 steps on 5 tensors of odd sizes vs the float64 reference ${label(cfg)}`, async () => {
    const ss = await stepsize(), { h, c, x0 } = problem();
    const opt = ss.create({ tensors: SHAPES, rule: 'dog', base: 'sgd', perTensor: true, ...cfg });
    writeCompact(opt, f32(x0), 'params');
    const ref = new RefLDoG(opt.config as any, f32(x0), LENGTHS);
    const moved = new Float64Array(N), g = new Float64Array(N);
    let worstAvg = 0;
    for (let t = 0; t < 300; t++) {
      const x = compact(opt);
      for (let i = 0; i < N; i++) g[i] = h[i] * (x[i] - c[i]);
      writeCompact(opt, g, 'grads');
      ref.x.set(x); // (as for DoG: the realized displacement, peers.test.ts's header)
      opt.step();
      ref.step(0, f32(g));
      const y = compact(opt);
      assert.ok(Math.abs(opt.lr - ref.lr) <= 1e-4 * ref.lr, `step ${t}: lr ${opt.lr} vs the reference's largest η_l ${ref.lr}`);
      for (let i = 0; i < N; i++) {
        moved[i] += Math.abs(ref.x[i] - x[i]);
        const tol = 1e-4 * moved[i] + 2e-5 * Math.abs(ref.x[i]) + 1e-30;
        assert.ok(Math.abs(y[i] - ref.x[i]) <= tol, `step ${t}: x[${i}] ${y[i]} vs reference ${ref.x[i]}`);
      }
      if (opt.average) {
        let i = 0;
        for (const [name] of SHAPES) for (const v of opt.average.subarray(opt.tensor(name).offset, opt.tensor(name).offset + opt.tensor(name).params.length)) {
          worstAvg = Math.max(worstAvg, Math.abs(v - ref.avg[i]) / (1e-4 * (moved[i] + Math.abs(ref.avg[i])) + 1e-30)); i++;
        }
      }
    }
    assert.ok(worstAvg <= 1, `the averaged iterate is off by ${worstAvg} of its tolerance`);
    // the tensors did get step sizes orders apart (the point of LDoG), and the stats summarize them
    assert.ok(Math.max(...ref.eta) / Math.min(...ref.eta) > 10, `η_l ${[...ref.eta]}`);
    assert.ok(Math.abs(opt.stats.rbar! - Math.max(...ref.rbar)) <= 1e-4 * Math.max(...ref.rbar), `stats.rbar ${opt.stats.rbar} is the largest r̄_l`);
    const gSum = ref.G.reduce((p, q) => p + q, 0);
    assert.ok(Math.abs(opt.stats.gSum! - gSum) <= 1e-4 * gSum, `stats.gSum ${opt.stats.gSum} is the sum of the G_l ${gSum}`);
  });
}

ldog('one tensor: LDoG is DoG bit for bit (no weight decay, no clipping)', async () => {
  const ss = await stepsize(), n = 301, x0 = uniform(rng(3), n, 1);
  const a = ss.create({ size: n, rule: 'dog', base: 'sgd', params: f32(x0) });
  const b = ss.create({ tensors: { w: [n] }, rule: 'dog', base: 'sgd', perTensor: true, params: f32(x0) });
  for (let t = 0; t < 100; t++) {
    for (const o of [a, b]) { for (let i = 0; i < n; i++) o.grads[i] = (1 + (i % 7)) * (o.params[i] - 0.25); o.step(); }
  }
  assert.is(b.paramsHash(), a.paramsHash());
  assert.equal(b.stats, a.stats);
  assert.equal([...b.average!], [...a.average!]);
});

ldog('checkpoints carry r̄_l and G_l per tensor and continue bit for bit; a crafted per-tensor state is refused', async () => {
  const ss = await stepsize(), { h, c, x0 } = problem();
  const opt = ss.create({ tensors: SHAPES, rule: 'dog', base: 'sgd', perTensor: true });
  writeCompact(opt, f32(x0), 'params');
  const g = new Float64Array(N);
  const step = (o: any) => { const x = compact(o); for (let i = 0; i < N; i++) g[i] = h[i] * (x[i] - c[i]); writeCompact(o, g, 'grads'); o.step(); };
  for (let t = 0; t < 30; t++) step(opt);
  const bytes = opt.save(), parts = readCheckpoint(bytes);
  assert.equal(Object.keys(parts.desc.tensorState), ['rbar', 'G']);
  assert.is(parts.desc.tensorState.rbar.length, SHAPES.length);
  assert.ok(parts.desc.tensorState.G.every((v: number) => v > 0));
  const again = ss.restore(bytes);
  for (let t = 0; t < 30; t++) { step(opt); step(again); }
  assert.is(again.paramsHash(), opt.paramsHash());
  assert.equal(again.save(), opt.save());
  // hostile: each refused, naming what is wrong
  const crafted: [string, (d: any) => void, RegExp][] = [
    ['a negative r̄', (d) => { d.tensorState.rbar[2] = -1; }, /tensorState 'rbar'\[2\] is -1; it must be a finite number >= 0/],
    ['one value too few', (d) => { d.tensorState.G.pop(); }, /tensorState 'G' must be a list of 5 values \(one per tensor\)/],
    ['a string', (d) => { d.tensorState.G[0] = '1'; }, /tensorState 'G'\[0\] is "1"/],
    ['no per-tensor state', (d) => { delete d.tensorState; }, /lacks 'tensorState'/],
    ['null in its place', (d) => { d.tensorState = null; }, /lacks 'tensorState'/],
    ['a number in its place', (d) => { d.tensorState = 5; }, /tensorState holds \[\]; these options keep rbar, G/],
    ['an unknown name', (d) => { d.tensorState.eta = [1, 1, 1, 1, 1]; }, /tensorState holds \["rbar","G","eta"\]/],
    ['per-tensor state for global DoG', (d) => { d.options.perTensor = false; }, /holds 'tensorState', which these options do not keep/],
    ['perTensor without tensors', (d) => { d.tensors = []; }, /keeps state per tensor without tensors/],
  ];
  for (const [, change, message] of crafted) {
    const p = readCheckpoint(bytes);
    change(p.desc);
    throwsCode(() => ss.restore(writeCheckpoint(p)), 'E_CHECKPOINT', message);
  }
  // create() refuses perTensor without tensors, naming both
  throwsCode(() => ss.create({ size: 10, rule: 'dog', base: 'sgd', perTensor: true }), 'E_OPTION', /'perTensor' of rule 'dog' keeps state per tensor: it needs 'tensors'/);
  throwsCode(() => ss.create({ tensors: SHAPES, rule: 'dog', base: 'sgd', perTensor: 1 } as any), 'E_OPTION', /perTensor.*true or false/);
});

ldog('a NaN gradient in one tensor changes nothing, in any tensor\'s state', async () => {
  const ss = await stepsize();
  const opt = ss.create({ tensors: SHAPES, rule: 'dog', base: 'sgd', perTensor: true, nonFinite: 'skip' });
  for (let t = 0; t < 5; t++) { for (let i = 0; i < opt.grads.length; i++) opt.grads[i] = opt.params[i] - 0.5; opt.step(); }
  const before = opt.save();
  opt.tensor('d').grads[63] = NaN;
  opt.step();
  assert.is(opt.stats.skipped, 1);
  const a = readCheckpoint(before), b = readCheckpoint(opt.save());
  assert.equal(b.desc.tensorState, a.desc.tensorState);
  assert.equal([...b.vectors], [...a.vectors]);
});

const sf = suite('peers: Schedule-Free');

sf('defaults (lr 1 / 0.0025, β 0.9, p 2, r 0); the decay is refused, warmup is its γ_t; the EMA averages x; x is current after every step', async () => {
  const ss = await stepsize();
  const s = ss.create({ size: 3, rule: 'schedulefree', base: 'sgd' }), a = ss.create({ size: 3, rule: 'schedulefree', base: 'adamw' });
  assert.equal([s.config.lr, s.config.beta, s.config.weightLrPower, s.config.r], [1, 0.9, 2, 0]);
  assert.equal([a.config.lr, a.config.beta, a.config.beta2, a.config.weightDecay], [0.0025, 0.9, 0.999, 0]);
  for (const decay of ['cosine', 'linear', 'wsd']) {
    throwsCode(() => ss.create({ size: 3, rule: 'schedulefree', base: 'sgd', schedule: { decay, total: 10 } as any }), 'E_OPTION', /replaces the decay/);
  }
  throwsCode(() => ss.create({ size: 3, rule: 'schedulefree', base: 'sgd', schedule: { decay: 'plateau' } }), 'E_OPTION', /replaces the decay/);
  throwsCode(() => ss.create({ size: 3, rule: 'schedulefree', base: 'adamw', beta1: 0.9 } as any), 'E_OPTION', /'beta1' does not apply/);
  const o = ss.create({ size: 50, rule: 'schedulefree', base: 'adamw', lr: 0.01, ema: 0.8, schedule: { warmup: 4 } });
  const r = rng(2);
  for (let i = 0; i < 50; i++) o.params[i] = 2 * r() - 1;
  let ema: Float64Array | null = null;
  for (let t = 0; t < 12; t++) {
    for (let i = 0; i < 50; i++) o.grads[i] = o.params[i] - 0.5 + 0.1 * r();
    o.step();
    assert.is(o.stats.lr, 0.01 * Math.min(1, (t + 1) / 4), `γ_t at ${t}`);
    const x = Float64Array.from(o.average!);
    // y = (1 − β)z + βx: x is what the params interpolate towards, stored and current
    ema = ema === null ? x : ema.map((e, i) => 0.8 * e + 0.2 * x[i]);
    assert.ok(o.ema!.every((e, i) => Math.abs(e - ema![i]) < 1e-6 * (1 + Math.abs(ema![i]))), `the EMA averages x (step ${t})`);
  }
  // a gradient whose float32 squares overflow is refused by the adamw form even when clipped
  const w = ss.create({ size: 4, rule: 'schedulefree', base: 'adamw', clipNorm: 1 });
  w.grads.set([3e19, 0, 0, 0]);
  throwsCode(() => w.step(), 'E_GRADIENT', /2\^64/);
  assert.is(w.stats.step, 0);
});

traj.run();
beh.run();
ldog.run();
sf.run();
