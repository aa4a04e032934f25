// The start of every rule's trajectory test and the comparison it makes after each step (rules.test.ts explains
// the tolerances): the LR to `lrTol` relative, the params to 1e-4 of their accumulated
// movement plus 2e-5·|x| (300 steps of float32 rounding of x, worst case).
import * as assert from 'uvu/assert';
import { f32 } from './util.js';
import type { Problem } from './problems.js';
import type { Stepsize } from '../build/index.js';

/**
 * The start of a trajectory comparison: the optimizer for `options` at the problem's x0
 * (rounded to float32), its float64 reference made from the resolved config and the same x0,
 * a gradient buffer and the tracker.
 */
export function startTrajectory<R extends { x: Float64Array; lr: number }>(
  ss: Stepsize, prob: Problem, options: Record<string, unknown>, makeRef: (config: any, x0: Float64Array) => R,
) {
  const x0 = f32(prob.x0);
  const opt = ss.create({ size: prob.n, params: x0, ...options } as any);
  const ref = makeRef(opt.config, x0);
  return { opt, ref, g: new Float64Array(prob.n), track: new Tracker(ref) };
}

export class Tracker {
  readonly moved: Float64Array;
  before: Float64Array;
  constructor(readonly ref: { x: Float64Array; lr: number }) {
    this.moved = new Float64Array(ref.x.length);
    this.before = Float64Array.from(ref.x);
  }
  /** Call before the reference steps. */
  mark(): void { this.before = Float64Array.from(this.ref.x); }
  /** Call after both stepped. Returns the worst parameter error as a fraction of its tolerance. */
  check(opt: { lr: number; params: Float32Array }, where: string, lrTol = 1e-4): number {
    const { ref, moved, before } = this;
    const lrErr = ref.lr === 0 ? Math.abs(opt.lr) : Math.abs(opt.lr - ref.lr) / Math.abs(ref.lr);
    assert.ok(lrErr <= lrTol, `${where}: lr ${opt.lr} vs reference ${ref.lr}`);
    let worst = 0;
    for (let i = 0; i < ref.x.length; i++) {
      moved[i] += Math.abs(ref.x[i] - before[i]);
      const tol = 1e-4 * moved[i] + 2e-5 * Math.abs(ref.x[i]) + 1e-30;
      const r = Math.abs(opt.params[i] - ref.x[i]) / tol;
      assert.ok(r <= 1, `${where}: x[${i}] ${opt.params[i]} vs reference ${ref.x[i]}`);
      worst = Math.max(worst, r);
    }
    return worst;
  }
}
