// The package's promises under hostile use: every class of bad input, misbehaving closures,
// lifecycle misuse and numbers at the edges. Each case would fail on the code before its fix.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { stepsize, f32, throwsCode } from './util.js';
import { quadratic, type Problem } from './problems.js';

/** A loss-taking run of `steps` steps of an ELRA rule on `prob`; `lossAt(t, loss)` may replace the loss passed at step t. */
function elraRun(opt: any, prob: Problem, steps: number, lossAt: (t: number, loss: number) => number = (_t, l) => l): void {
  for (let t = 0; t < steps; t++) {
    const loss = lossAt(t, prob.loss(opt.params));
    if (opt.wantsGradient(loss)) prob.grad(opt.params, opt.grads);
    opt.step(loss);
  }
}

const loss = suite('hostile: a non-finite loss never enters ELRA state');

for (const rule of ['c2min', 'p2min']) {
  for (const bad of [NaN, Infinity, -Infinity]) {
    loss(`${rule}: step(${bad}) fails the acceptance test; B, the state and save() stay finite; training recovers`, async () => {
      const ss = await stepsize();
      const prob = quadratic(40, 10);
      const opt = ss.create({ size: prob.n, rule, params: f32(prob.x0) } as any);
      elraRun(opt, prob, 20);
      const before = opt.stats;
      assert.is(opt.wantsGradient(bad), false, 'a non-finite loss is a rejection: no gradient wanted');
      opt.step(bad);
      const after = opt.stats;
      assert.is(after.retraces, before.retraces! + 1, 'the step retraced');
      assert.ok(Number.isFinite(after.bestLoss!) && after.bestLoss! >= before.bestLoss!, `best loss ${before.bestLoss} → ${after.bestLoss}`);
      const again = ss.restore(opt.save()); // a checkpoint of that state holds only finite values and restores
      assert.is(again.paramsHash(), opt.paramsHash());
      elraRun(opt, prob, 200);
      assert.ok(opt.lr > 1e-6, `the LR recovered: ${opt.lr}`);
      assert.ok(prob.loss(opt.params) < 0.02, `loss after recovery ${prob.loss(opt.params)}`);
    });
  }
}

loss('c2min: a non-finite loss acts as any rejected loss (the same trajectory as a loss of 1e300)', async () => {
  const ss = await stepsize();
  const prob = quadratic(33, 10);
  const runs = [NaN, -Infinity, Infinity, 1e300].map((bad) => {
    const opt = ss.create({ size: prob.n, rule: 'c2min', beta: 'adaptive', params: f32(prob.x0) } as any);
    elraRun(opt, prob, 60, (t, l) => (t === 10 || t === 30 ? bad : l));
    return opt.paramsHash();
  });
  assert.equal(runs, [runs[3], runs[3], runs[3], runs[3]]);
});

loss('c2min, p2min: the first step still refuses a non-finite loss, nothing changed', async () => {
  const ss = await stepsize();
  for (const rule of ['c2min', 'p2min']) {
    for (const bad of [NaN, Infinity, -Infinity]) {
      const opt = ss.create({ size: 5, rule } as any);
      opt.grads.fill(1);
      const image = opt.save();
      throwsCode(() => opt.step(bad), 'E_LOSS', /finite loss/);
      assert.equal(opt.save(), image);
    }
  }
});

loss.run();

// ---------------------------------------------------------------------------------------------
const closures = suite('hostile: whatever a closure writes into params, the step is the same');

const CLOSURE_RULES: Record<string, unknown>[] = [
  { rule: 'gala', base: 'sgd' }, { rule: 'gala', base: 'momentum' }, { rule: 'gala', base: 'normalized' }, { rule: 'gala', base: 'adam' },
  { rule: 'secant', base: 'sgd' }, { rule: 'secant', base: 'momentum', evaluations: 2 }, { rule: 'secant', base: 'sign' },
  { rule: 'glyder', base: 'sgd' }, { rule: 'glyder', base: 'momentum' }, { rule: 'glyder', base: 'adam', curvatureEvery: 2 },
];

/**
 * A closure over a noisy quadratic: each 'fresh' batch draws new noise, 'repeat' reuses it,
 * 'same' is the step's own batch. `vandal` then writes into params (and may throw).
 */
function closureFor(prob: Problem, vandal?: (params: Float32Array, call: number) => void) {
  let fresh = 0, calls = 0;
  const noise = (seed: number, i: number) => 0.01 * (((seed * 7919 + i * 104729) % 1000) / 500 - 1);
  return (params: Float32Array, grads: Float32Array, req: { batch: string }) => {
    if (req.batch === 'fresh') fresh++;
    const seed = req.batch === 'same' ? 0 : fresh;
    prob.grad(params, grads);
    for (let i = 0; i < grads.length; i++) grads[i] += noise(seed, i);
    const l = prob.loss(params);
    vandal?.(params, calls++);
    return l;
  };
}

async function closureRun(cfg: Record<string, unknown>, steps: number, vandal?: (params: Float32Array, call: number) => void) {
  const ss = await stepsize();
  const prob = quadratic(37, 10);
  const opt = ss.create({ size: prob.n, params: f32(prob.x0), ...cfg } as any);
  const closure = closureFor(prob, vandal);
  for (let t = 0; t < steps; t++) {
    prob.grad(opt.params, opt.grads);
    for (;;) {
      try { await opt.step(closure); break; } catch (e: any) { if (e?.message !== 'vandal') throw e; }
    }
  }
  return opt;
}

for (const cfg of CLOSURE_RULES) {
  closures(`${JSON.stringify(cfg).replace(/"/g, '')}: a closure that scribbles over params steps exactly as one that does not`, async () => {
    const clean = await closureRun(cfg, 25);
    const scribbled = await closureRun(cfg, 25, (params, call) => params.fill(call % 2 ? NaN : 1e30));
    assert.equal(scribbled.save(), clean.save(), 'the whole checkpoint is the same');
  });
  closures(`${JSON.stringify(cfg).replace(/"/g, '')}: a closure that scribbles and then throws changes nothing at all`, async () => {
    const ss = await stepsize();
    const clean = await closureRun(cfg, 6);
    const image = clean.save(), grads = clean.grads.slice();
    for (let call = 0; call < 3; call++) {
      let n = 0;
      try {
        await clean.step((params: Float32Array, g: Float32Array) => {
          g.fill(0.5);
          if (n++ === call) { params.fill(-7); throw new Error('vandal'); }
          return 0;
        });
      } catch (e: any) {
        assert.is(e.message, 'vandal');
      }
      if (n > call) {
        assert.equal(clean.save(), image, `a throw in call ${call} left the checkpoint as it was`);
        assert.equal(clean.grads, grads, 'opt.grads as it was');
      }
    }
    assert.ok(ss.restore(image));
  });
}

closures.run();

export {};
