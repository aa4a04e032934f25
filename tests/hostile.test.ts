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

export {};
