// Plain float64 references of the base optimizers, written from the formulas in
// the README's conventions (torch.optim's), independent of the kernels.
//
// Tolerances come from a forward error bound carried along with the reference. The kernel
// computes every element in float32 with a handful of roundings per step, each at most
// u = 2^-24 relative to the magnitude of what it rounds. So next to each value we carry the
// magnitude it is computed from (|terms| summed without cancellation) and add, every step,
//   budget_i += K·u·(|p_i| + lr·|d_i|_abs·A)
// where K = 32 covers the roundings of one step (≤ 10 per element, plus the f32 global norm
// and the f32 hyperparameters) with room to spare, and A = 1 + t·… is not needed because the
// state's own accumulated error is already inside |d|_abs·K·u each step. For `sign`, where a
// direction element within its own rounding error of 0 may flip, the budget grows by 2·lr
// at each such step: that element may legitimately differ by one sign step.

export interface RefConfig {
  base: string; lr: number; momentum: number; nesterov: boolean; beta1: number; beta2: number;
  eps: number; weightDecay: number; clipNorm: number;
}

export class RefOptimizer {
  p: Float64Array; b: Float64Array; m: Float64Array; v: Float64Array;
  // magnitudes (no cancellation) of the state, for the error budget
  bA: Float64Array; mA: Float64Array; vA: Float64Array;
  budget: Float64Array;
  t = 0;
  gradNorm = 0;
  clipScale = 1;
  constructor(readonly cfg: RefConfig, p0: ArrayLike<number>) {
    const n = p0.length;
    this.p = Float64Array.from(p0);
    this.b = new Float64Array(n); this.m = new Float64Array(n); this.v = new Float64Array(n);
    this.bA = new Float64Array(n); this.mA = new Float64Array(n); this.vA = new Float64Array(n);
    this.budget = new Float64Array(n);
  }

  step(g: ArrayLike<number>): void {
    const c = this.cfg, n = this.p.length, K = 32, u = 2 ** -24;
    let gg = 0;
    for (let i = 0; i < n; i++) gg += g[i] * g[i];
    this.gradNorm = Math.sqrt(gg);
    const cs = this.gradNorm > c.clipNorm ? c.clipNorm / this.gradNorm : 1;
    this.clipScale = cs;
    this.t += 1;
    const lr = c.lr, mu = c.momentum, wd = c.weightDecay;
    const ge = new Float64Array(n), geA = new Float64Array(n);
    const decoupled = c.base === 'adamw' || c.base === 'nadamw';
    for (let i = 0; i < n; i++) {
      ge[i] = cs * g[i] + (decoupled ? 0 : wd * this.p[i]);
      geA[i] = Math.abs(cs * g[i]) + (decoupled ? 0 : Math.abs(wd * this.p[i]));
    }
    const d = new Float64Array(n), dA = new Float64Array(n);
    switch (c.base) {
      case 'sgd':
        for (let i = 0; i < n; i++) { d[i] = ge[i]; dA[i] = geA[i]; }
        break;
      case 'momentum': case 'sign': case 'normalized':
        for (let i = 0; i < n; i++) {
          this.b[i] = mu * this.b[i] + ge[i];
          this.bA[i] = mu * this.bA[i] + geA[i];
          d[i] = c.nesterov ? ge[i] + mu * this.b[i] : this.b[i];
          dA[i] = c.nesterov ? geA[i] + mu * this.bA[i] : this.bA[i];
        }
        break;
      case 'adam': case 'adamw': case 'nadam': case 'nadamw': {
        const bc1 = 1 - c.beta1 ** this.t, bc2 = 1 - c.beta2 ** this.t, next = 1 - c.beta1 ** (this.t + 1);
        const nesterov = c.base === 'nadam' || c.base === 'nadamw';
        for (let i = 0; i < n; i++) {
          this.m[i] = c.beta1 * this.m[i] + (1 - c.beta1) * ge[i];
          this.v[i] = c.beta2 * this.v[i] + (1 - c.beta2) * ge[i] * ge[i];
          this.mA[i] = c.beta1 * this.mA[i] + (1 - c.beta1) * geA[i];
          const den = Math.sqrt(this.v[i] / bc2) + c.eps;
          // nadam(w), optax's nesterov form: m̂ = β1·m/(1 − β1^(t+1)) + (1 − β1)·ge/(1 − β1^t)
          d[i] = nesterov ? (c.beta1 * this.m[i] / next + (1 - c.beta1) * ge[i] / bc1) / den : this.m[i] / bc1 / den;
          // the denominator's relative error is ≤ a few u of itself; the numerator's is bounded by mA (and |ge|)
          dA[i] = nesterov ? (c.beta1 * this.mA[i] / next + (1 - c.beta1) * geA[i] / bc1) / den : this.mA[i] / bc1 / den;
        }
        break;
      }
    }
    if (c.base === 'sign') {
      for (let i = 0; i < n; i++) {
        const ambiguous = Math.abs(d[i]) <= K * u * dA[i];
        d[i] = d[i] > 0 ? 1 : d[i] < 0 ? -1 : 0;
        dA[i] = 1;
        if (ambiguous) this.budget[i] += 2 * lr;
      }
    } else if (c.base === 'normalized') {
      let dd = 0;
      for (let i = 0; i < n; i++) dd += d[i] * d[i];
      const s = dd > 0 ? 1 / Math.sqrt(dd) : 0;
      for (let i = 0; i < n; i++) { d[i] *= s; dA[i] *= s; }
    }
    for (let i = 0; i < n; i++) {
      const before = this.p[i];
      if (decoupled) this.p[i] *= 1 - lr * wd;
      this.p[i] -= lr * d[i];
      this.budget[i] += K * u * (Math.abs(before) + Math.abs(this.p[i]) + lr * dA[i]);
    }
  }

  /** Largest |wasm - ref| / budget over the elements (≤ 1 passes); also the worst index. */
  check(actual: ArrayLike<number>): { ratio: number; index: number } {
    let ratio = 0, index = -1;
    for (let i = 0; i < this.p.length; i++) {
      const err = Math.abs(actual[i] - this.p[i]);
      const r = err === 0 ? 0 : err / (this.budget[i] + Number.MIN_VALUE);
      if (r > ratio) { ratio = r; index = i; }
    }
    return { ratio, index };
  }
}
