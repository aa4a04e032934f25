// Behaviour the papers' mechanisms imply, on problems where the answer is known. Each test
// can fail: a rule that adapted too slowly, too fast, or not at all would not pass.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { stepsize, rng, uniform, f32, throwsCode } from './util.js';
import { quadratic, type Problem } from './problems.js';

/** Runs `steps` steps, returns the LR and loss trajectories (the loss before each step). */
async function run(cfg: Record<string, unknown>, prob: Problem, steps: number) {
  const ss = await stepsize();
  const opt = ss.create({ size: prob.n, params: f32(prob.x0), ...cfg } as any);
  const lrs: number[] = [], losses: number[] = [];
  for (let t = 0; t < steps; t++) {
    const loss = prob.loss(opt.params);
    losses.push(loss);
    if (opt.wantsGradient(loss)) prob.grad(opt.params, opt.grads);
    opt.step(loss);
    lrs.push(opt.lr);
  }
  return { opt, lrs, losses, final: prob.loss(opt.params) };
}

const firstAbove = (xs: number[], v: number) => xs.findIndex((x) => x >= v);

const raise = suite('behaviour: a tiny initial LR is raised, no faster than the mechanism allows');

raise('c2min: ×1.6 per step at most, 1e-7 → 1e-3 in 20..80 steps', async () => {
  const { lrs, final, losses } = await run({ rule: 'c2min', lr: 1e-7 }, quadratic(50, 10), 300);
  const k = firstAbove(lrs, 1e-3);
  assert.ok(k >= Math.floor(Math.log(1e4) / Math.log(1.6)) - 1 && k <= 80, `crossed 1e-3 at step ${k}`);
  // (f32 reductions can put cos a few 1e-8 above 1, hence the 1e-6 slack)
  for (let t = 1; t < lrs.length; t++) assert.ok(lrs[t] <= lrs[t - 1] * 1.6 * (1 + 1e-6), `step ${t} grew faster than 1.6x`);
  assert.ok(final < 1e-3 * losses[0], `loss ${losses[0]} → ${final}`);
});

raise('p2min: the growth cap opens within ~10 steps, 1e-7 → 1e-2', async () => {
  const { lrs, final, losses } = await run({ rule: 'p2min', lr: 1e-7 }, quadratic(50, 10), 200);
  const k = firstAbove(lrs, 1e-2);
  assert.ok(k > 0 && k <= 12, `crossed 1e-2 at step ${k}`);
  assert.ok(final < 1e-3 * losses[0], `loss ${losses[0]} → ${final}`);
});

raise('clara sgd: e^{8d} per step at most (d = 1e-3: ≥ 576 steps for 100x), and it gets there', async () => {
  const { lrs } = await run({ rule: 'clara', base: 'sgd', lr: 1e-6 }, quadratic(50, 10), 1500);
  const k = firstAbove(lrs, 1e-4);
  assert.ok(k >= 576 && k < 1500, `crossed 100x at step ${k}`);
  for (let t = 1; t < lrs.length; t++) assert.ok(lrs[t] <= lrs[t - 1] * Math.exp(8e-3) * (1 + 1e-6), `step ${t} grew too fast`);
});

raise('clara adam: e^{0.465d} per step at most for Adam paths (d = 0.05: ≥ 198 steps for 100x)', async () => {
  const { lrs } = await run({ rule: 'clara', base: 'adam', lr: 1e-6, damping: 0.05 }, quadratic(50, 10), 800);
  const k = firstAbove(lrs, 1e-4);
  assert.ok(k >= 198 && k < 800, `crossed 100x at step ${k}`);
});

raise('csa sgd: raises the LR too (same path, warm-up corrected reference)', async () => {
  const { lrs } = await run({ rule: 'csa', base: 'sgd', lr: 1e-6 }, quadratic(50, 10), 1500);
  assert.ok(lrs[lrs.length - 1] >= 100 * 1e-6, `final lr ${lrs[lrs.length - 1]}`);
});

const lower = suite('behaviour: a huge initial LR is brought down without divergence');

for (const rule of ['c2min', 'p2min']) {
  lower(`${rule}: lr 100 on curvature ≤ 1 (stable below 2)`, async () => {
    const { final, losses, opt } = await run({ rule, lr: 100 }, quadratic(50, 10), 300);
    assert.ok(opt.stats.retraces! >= 1, 'retraced at least once');
    assert.ok(final < 1e-3 * losses[0], `loss ${losses[0]} → ${final}`);
  });
}

lower('clara sgd: lr 2.5 on curvature ≤ 1 comes below the stability limit 2 and converges', async () => {
  // It can fall at most e^{-d} per step: ≥ 11 steps at d = 0.02, while the top mode grows 1.5x
  // per step. (Run on past convergence and the aligned gradients of the slowest mode make it
  // climb again, up to e^{8d} per step, until it diverges: docs/rules/clara.md, "no LR bound".)
  const { final, losses, lrs } = await run({ rule: 'clara', base: 'sgd', lr: 2.5, damping: 0.02 }, quadratic(50, 10), 40);
  const k = lrs.findIndex((l) => l < 2);
  assert.ok(k >= 11 && k < 30, `came below 2 at step ${k}`);
  assert.ok(final < 1e-2 * losses[0], `loss ${losses[0]} → ${final}`);
});

lower('clara sgd with etaMax: past convergence the LR stays bounded and the iterate converged', async () => {
  // without the bound the aligned gradients of the slowest mode drive η up until divergence
  // (docs/rules/clara.md); with etaMax below the stability limit 2 it stays converged
  const { final, losses, lrs } = await run({ rule: 'clara', base: 'sgd', lr: 2.5, damping: 0.02, etaMax: 1.9 }, quadratic(50, 10), 300);
  assert.ok(lrs.slice(1).every((l) => l <= 1.9), 'bounded');
  assert.ok(final < 1e-2 * losses[0], `loss ${losses[0]} → ${final}`);
});

lower('clara adam: lr 1 (Adam steps of ±1 around the optimum) is cut by > 5x', async () => {
  const { lrs, final, losses } = await run({ rule: 'clara', base: 'adam', lr: 1, damping: 0.05 }, quadratic(50, 10), 600);
  assert.ok(lrs[lrs.length - 1] < 0.2, `final lr ${lrs[lrs.length - 1]}`);
  assert.ok(final < 1e-2 * losses[0], `loss ${losses[0]} → ${final}`);
});

const rot = suite('behaviour: ELRA is rotation invariant');

/** x ↦ Qx (or Qᵀx) for a random orthogonal Q, a product of four Householder reflections. */
function rotation(n: number, seed: number, transpose: boolean): (x: ArrayLike<number>, out: Float64Array) => void {
  const r = rng(seed), vs: Float64Array[] = [];
  for (let k = 0; k < 4; k++) {
    const v = uniform(r, n, 1);
    let s = 0;
    for (let i = 0; i < n; i++) s += v[i] * v[i];
    for (let i = 0; i < n; i++) v[i] /= Math.sqrt(s);
    vs.push(v);
  }
  if (transpose) vs.reverse(); // each reflection is its own inverse
  return (x, out) => {
    out.set(x);
    for (const v of vs) {
      let d = 0;
      for (let i = 0; i < n; i++) d += v[i] * out[i];
      for (let i = 0; i < n; i++) out[i] -= 2 * d * v[i];
    }
  };
}

/** The problem f(Qᵀx) for f = `base` and the Q of rotation(n, seed); x0 becomes Q·x0. */
function rotated(base: Problem, seed: number): Problem {
  const n = base.n, Q = rotation(n, seed, false), QT = rotation(n, seed, true);
  const tmp = new Float64Array(n), tmp2 = new Float64Array(n), out = new Float64Array(n);
  const x0 = new Float64Array(n);
  Q(base.x0, x0);
  return {
    name: `${base.name}, rotated`, n, x0,
    loss: (x) => { QT(x, tmp); return base.loss(tmp); },
    grad: (x, g) => { QT(x, tmp); base.grad(tmp, tmp2); Q(tmp2, out); g.set(out); },
  };
}

/** Max relative difference of two loss trajectories over their first `steps` steps. */
async function deviation(cfg: Record<string, unknown>, steps: number): Promise<number> {
  const base = quadratic(24, 100, 5);
  const a = await run(cfg, base, steps), b = await run(cfg, rotated(base, 9), steps);
  let worst = 0;
  for (let t = 0; t < steps; t++) worst = Math.max(worst, Math.abs(a.losses[t] - b.losses[t]) / a.losses[t]);
  return worst;
}

// Over the first 20 steps (the loss still far above float32's floor, where relative
// differences stop meaning anything) ELRA's trajectory differs only by rounding; Adam, which
// is not rotation invariant, serves as the control.
for (const cfg of [{ rule: 'c2min' }, { rule: 'p2min' }, { rule: 'c2min', beta: 'adaptive' }]) {
  rot(`${JSON.stringify(cfg)}: a rotated quadratic gives the same loss trajectory`, async () => {
    const elra = await deviation(cfg, 20), adam = await deviation({ base: 'adam', lr: 0.05 }, 20);
    assert.ok(elra < 1e-4, `ELRA deviates by ${elra}`);
    assert.ok(adam > 100 * elra && adam > 1e-2, `the control (Adam) deviates by only ${adam}`);
  });
}

const api = suite('rules: options, losses, retraces, checkpoints');

api('bad rule/base combinations and options name what is allowed', async () => {
  const ss = await stepsize();
  // @ts-expect-error: not an option or base of this rule (a type error, and E_OPTION at run time)
  throwsCode(() => ss.create({ size: 3, rule: 'c2min', base: 'adam' }), 'E_OPTION', /carries its own update: leave 'base' out/);
  // @ts-expect-error: not an option or base of this rule (a type error, and E_OPTION at run time)
  throwsCode(() => ss.create({ size: 3, rule: 'clara', base: 'momentum' }), 'E_OPTION', /'base' must be one of 'sgd', 'adam'/);
  // @ts-expect-error: not an option or base of this rule (a type error, and E_OPTION at run time)
  throwsCode(() => ss.create({ size: 3, rule: 'clara', base: 'sgd', clipNorm: 1 }), 'E_OPTION', /'clipNorm' does not apply to rule 'clara' with base 'sgd'; it takes lr, c, damping, unitStep/);
  throwsCode(() => ss.create({ size: 3, rule: 'c2min', beta: 'fast' as any }), 'E_OPTION', /'beta' must be a number in \[0, 1\) or 'adaptive'/);
  throwsCode(() => ss.create({ size: 3, rule: 'clara', base: 'sgd', c: 1 }), 'E_OPTION', /'c' must be a number in \(0, 1\)/);
  // @ts-expect-error: not an option or base of this rule (a type error, and E_OPTION at run time)
  throwsCode(() => ss.create({ size: 3, base: 'sgd', damping: 0.1 }), 'E_OPTION', /'damping' does not apply/);
  const c2 = ss.create({ size: 3, rule: 'c2min' });
  assert.is(c2.config.lr, 1e-5); assert.is(c2.config.beta, 0.7); assert.is(c2.config.base, 'none');
  const cl = ss.create({ size: 3, rule: 'clara', base: 'adam' });
  assert.is(cl.config.c, 0.2); assert.is(cl.config.damping, 1e-3); assert.is(cl.config.unitStep, false); assert.is(cl.config.beta1, 0.9);
});

api('ELRA needs the loss; a first NaN loss changes nothing; a later NaN loss retraces', async () => {
  const ss = await stepsize();
  for (const rule of ['c2min', 'p2min'] as const) {
    const opt = ss.create({ size: 5, rule, params: [1, 2, 3, 4, 5] });
    opt.grads.set([1, 1, 1, 1, 1]);
    throwsCode(() => opt.step(), 'E_LOSS', /needs the minibatch loss/);
    throwsCode(() => opt.step(NaN), 'E_LOSS', /first .* step needs a finite loss/);
    assert.equal(Array.from(opt.params), [1, 2, 3, 4, 5]);
    opt.step(1);
    assert.is(opt.stats.step, 1);
    assert.is(opt.wantsGradient(NaN), false);
    const before = Array.from(opt.params);
    opt.step(NaN);
    assert.is(opt.stats.retraced, 1);
    assert.is(opt.stats.retraces, 1);
    assert.not.equal(Array.from(opt.params), before);
    opt.grads[2] = NaN;
    const snapshot = opt.save();
    throwsCode(() => opt.step(0.5), 'E_GRADIENT');
    assert.equal(opt.save(), snapshot, 'a non-finite gradient on an accepted step changes nothing');
  }
});

api('every rule continues bit for bit after save/restore', async () => {
  const ss = await stepsize();
  const prob = quadratic(37, 100, 4);
  for (const cfg of [
    { rule: 'c2min' }, { rule: 'c2min', beta: 'adaptive' }, { rule: 'p2min' },
    { rule: 'clara', base: 'sgd', damping: 0.02 }, { rule: 'clara', base: 'adam', unitStep: true, damping: 0.05 },
    { rule: 'csa', base: 'sgd', damping: 0.02 }, { rule: 'csa', base: 'adam', damping: 0.05 },
    { rule: 'dadapt', base: 'sgd' }, { rule: 'dadapt', base: 'adamw', weightDecay: 1e-3 },
    { rule: 'prodigy', base: 'adam' }, { rule: 'dog', base: 'sgd' },
  ]) {
    const drive = (o: any, k: number) => {
      for (let t = 0; t < k; t++) { const l = prob.loss(o.params); if (o.wantsGradient(l)) prob.grad(o.params, o.grads); o.step(l); }
    };
    const a = ss.create({ size: prob.n, params: f32(prob.x0), ...cfg } as any);
    drive(a, 80);
    const b = ss.create({ size: prob.n, params: f32(prob.x0), ...cfg } as any);
    drive(b, 40);
    const c = ss.restore(b.save());
    assert.equal(c.config, a.config);
    drive(c, 40);
    assert.is(c.paramsHash(), a.paramsHash(), `${JSON.stringify(cfg)}: bit for bit`);
    assert.is(c.lr, a.lr);
    if (a.average) assert.equal([...c.average!], [...a.average], 'the average too');
  }
});

api('closure rules continue bit for bit after save/restore too (secant, glyder with either smoothness)', async () => {
  const ss = await stepsize();
  const prob = quadratic(37, 100, 4);
  for (const cfg of [{ rule: 'secant', base: 'momentum' }, { rule: 'glyder', base: 'adam', lr: 0.5 }, { rule: 'glyder', base: 'sgd', curvatureEvery: 3 },
    { rule: 'glyder', base: 'momentum', smoothness: 'gnb', batchSize: 8, curvatureEvery: 2 }]) {
    const drive = async (o: any, k: number) => {
      for (let t = 0; t < k; t++) {
        prob.grad(o.params, o.grads);
        await o.step((p: Float32Array, g: Float32Array) => { prob.grad(p, g); return prob.loss(p); });
      }
    };
    const a = ss.create({ size: prob.n, params: f32(prob.x0), ...cfg } as any);
    await drive(a, 40);
    const b = ss.create({ size: prob.n, params: f32(prob.x0), ...cfg } as any);
    await drive(b, 20);
    const c = ss.restore(b.save());
    await drive(c, 20);
    assert.is(c.paramsHash(), a.paramsHash(), `${JSON.stringify(cfg)}: bit for bit`);
  }
});

raise.run();
lower.run();
rot.run();
api.run();

export {};
