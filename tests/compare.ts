// The comparison every rule's trajectory test makes after each step (rules.test.ts explains
// the tolerances): the LR to `lrTol` relative, the params to 1e-4 of their accumulated
// movement plus 2e-5·|x| (300 steps of float32 rounding of x, worst case).
import * as assert from 'uvu/assert';

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
