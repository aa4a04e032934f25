// Every learning-rate rule against its float64 reference (ref-rules.ts) over 300-step
// trajectories on three problems. The reference is fed the same loss and gradient sequence
// as the kernel (computed at the kernel's parameters): adaptive LR rules feed the LR back
// into the path, so two independently evolving trajectories would drift apart for reasons
// unrelated to the kernel. What is compared is the rule's response to identical inputs.
//
// Tolerances, from the kernel's arithmetic: its reductions are f32 products summed in f32
// lanes and widened to f64 (relative error ~1e-7 per sum), so each step's LR carries a
// relative error ~1e-7 that compounds multiplicatively over 300 steps; we allow 1e-4 (the
// worst seen is 1.1e-5, p2min on Rosenbrock, where the secant ratio amplifies errors). The
// parameters move by lr·d each step in f32: their error is bounded by 1e-4 of the accumulated
// |Δx| plus the f32 rounding of x itself, ≲ 300 half-ulps ≈ 2e-5·|x|. That worst case is
// reached when x moves the same way every step (an LR pinned at a bound), so it is allowed.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { stepsize, f32, label } from './util.js';
import { refFor } from './ref-rules.js';
import { startTrajectory } from './compare.js';
import { trajectoryProblems } from './problems.js';

const CONFIGS: Record<string, unknown>[] = [
  { rule: 'c2min' },
  { rule: 'c2min', beta: 'adaptive', lr: 1e-4 },
  { rule: 'p2min' },
  { rule: 'clara', base: 'sgd', lr: 1e-4 },
  { rule: 'clara', base: 'sgd', lr: 1e-3, damping: 0.02, unitStep: true },
  { rule: 'clara', base: 'adam', lr: 1e-3, damping: 0.05 },
  { rule: 'clara', base: 'adam', lr: 1e-3, damping: 0.05, unitStep: true, weightDecay: 1e-3 },
  { rule: 'csa', base: 'sgd', lr: 1e-4 },
  { rule: 'clara', base: 'sgd', lr: 1e-3, damping: 0.05, etaMax: 3e-3, etaMin: 5e-4 },
  { rule: 'csa', base: 'adam', lr: 1e-3, damping: 0.05 },
];

const traj = suite('rules: 300-step trajectories vs float64 reference');
for (const cfg of CONFIGS) {
  traj(label(cfg), async () => {
    const ss = await stepsize();
    for (const prob of trajectoryProblems()) {
      const { opt, ref, g, track } = startTrajectory(ss, prob, cfg, refFor);
      for (let t = 0; t < 300; t++) {
        const loss = prob.loss(opt.params);
        const wants = opt.wantsGradient(loss);
        assert.is(wants, ref.wants(loss), `${prob.name} step ${t}: wantsGradient`);
        if (wants) { prob.grad(opt.params, g); opt.grads.set(g); }
        track.mark();
        opt.step(loss);
        ref.step(loss, f32(g));
        assert.is(opt.stats.retraced ?? 0, ref.retraced ? 1 : 0, `${prob.name} step ${t}: retrace decision`);
        track.check(opt, `${prob.name} step ${t}`);
      }
      assert.is(opt.stats.step, 300);
    }
  });
}

traj.run();

export {};
