// Plain float64 references of the parameter-free baselines, written from
// docs/rules/<id>.md (which follows the official PyTorch code),
// not from the kernels: one loop per formula, in the order the formulas are written.
import type { RefRule } from './ref-rules.js';

const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};
const l1 = (a: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]);
  return s;
};
const grow = (D: number, dHat: number, growth: number) => Math.max(D, Math.min(dHat, D * growth));

interface Common { base: string; lr: number; weightDecay: number; clipNorm: number }
interface Adam { beta1: number; beta2: number; eps: number }

/** The gradient after clipping (clipNorm) and L2 weight decay (when not decoupled). */
function effective(cfg: Common, x: Float64Array, g: ArrayLike<number>, decoupled: boolean): { ge: Float64Array; raw: number } {
  const n = x.length, raw = Math.sqrt(dot(g, g));
  const c = raw > cfg.clipNorm ? cfg.clipNorm / raw : 1;
  const ge = new Float64Array(n);
  for (let i = 0; i < n; i++) ge[i] = c * g[i] + (decoupled ? 0 : cfg.weightDecay * x[i]);
  return { ge, raw: c * raw };
}

/** D-Adaptation, SGD form and Adam form (docs/rules/dadapt.md). */
export class RefDadapt implements RefRule {
  x: Float64Array; x0: Float64Array; s: Float64Array; m: Float64Array; v: Float64Array;
  D: number; R = 0; G0 = 0; k = 0; lr = 0; retraced = false; dHat = 0;
  constructor(readonly cfg: Common & Adam & { momentum?: number; d0: number; growthRate: number; biasCorrection: boolean }, x: ArrayLike<number>) {
    const n = x.length;
    this.x = Float64Array.from(x); this.x0 = Float64Array.from(x);
    this.s = new Float64Array(n); this.m = new Float64Array(n); this.v = new Float64Array(n);
    this.D = cfg.d0;
  }
  wants(): boolean { return true; }
  step(_f: number, g: ArrayLike<number>): void {
    const cfg = this.cfg, n = this.x.length;
    if (cfg.base === 'adam' || cfg.base === 'adamw') {
      const decoupled = cfg.base === 'adamw', { ge } = effective(cfg, this.x, g, decoupled);
      const { beta1: b1, beta2: b2, eps } = cfg, b3 = Math.sqrt(b2), t = this.k + 1;
      const B = cfg.biasCorrection ? Math.sqrt(1 - b2 ** t) / (1 - b1 ** t) : 1;
      const eta = this.D * cfg.lr * B;
      let A = 0;
      for (let i = 0; i < n; i++) A += ge[i] * this.s[i] / (Math.sqrt(this.v[i]) + eps);
      A *= eta;
      for (let i = 0; i < n; i++) {
        this.m[i] = b1 * this.m[i] + (1 - b1) * eta * ge[i];
        this.v[i] = b2 * this.v[i] + (1 - b2) * ge[i] * ge[i];
        this.s[i] = b3 * this.s[i] + (1 - b3) * eta * ge[i];
      }
      this.R = b3 * this.R + (1 - b3) * A;
      const sn = l1(this.s);
      this.dHat = sn > 0 ? this.R / ((1 - b3) * sn) : 0;
      for (let i = 0; i < n; i++) {
        if (decoupled) this.x[i] -= cfg.weightDecay * eta * this.x[i];
        this.x[i] -= this.m[i] / (Math.sqrt(this.v[i]) + eps);
      }
      this.lr = eta;
    } else {
      const { ge, raw } = effective(cfg, this.x, g, false);
      if (this.k === 0) {
        this.G0 = raw; // ‖g_0‖ before weight decay (the code's quirk)
        if (!(this.G0 > 0)) { this.lr = 0; return; }
      }
      const eta = this.D * cfg.lr / this.G0, beta = cfg.base === 'momentum' ? cfg.momentum! : 0;
      this.R += eta * dot(ge, this.s);
      for (let i = 0; i < n; i++) this.s[i] += eta * ge[i];
      const sn = Math.sqrt(dot(this.s, this.s));
      this.dHat = sn > 0 ? 2 * this.R / sn : 0;
      for (let i = 0; i < n; i++) this.x[i] = beta * this.x[i] + (1 - beta) * (this.x0[i] - this.s[i]);
      this.lr = eta;
    }
    this.D = grow(this.D, this.dHat, cfg.growthRate);
    this.k++;
  }
}

/** Prodigy, Adam form (docs/rules/prodigy.md). */
export class RefProdigy implements RefRule {
  x: Float64Array; x0: Float64Array; s: Float64Array; m: Float64Array; v: Float64Array;
  D: number; Dmax: number; R = 0; k = 0; lr = 0; retraced = false; dHat = 0;
  constructor(readonly cfg: Common & Adam & { d0: number; dCoef: number; growthRate: number; biasCorrection: boolean; safeguardWarmup: boolean }, x: ArrayLike<number>) {
    const n = x.length;
    this.x = Float64Array.from(x); this.x0 = Float64Array.from(x);
    this.s = new Float64Array(n); this.m = new Float64Array(n); this.v = new Float64Array(n);
    this.D = cfg.d0; this.Dmax = cfg.d0;
  }
  wants(): boolean { return true; }
  step(_f: number, g: ArrayLike<number>): void {
    const cfg = this.cfg, n = this.x.length, decoupled = cfg.base === 'adamw';
    const { ge } = effective(cfg, this.x, g, decoupled);
    const { beta1: b1, beta2: b2, eps, d0 } = cfg, b3 = Math.sqrt(b2), t = this.k + 1, D = this.D;
    const B = cfg.biasCorrection ? Math.sqrt(1 - b2 ** t) / (1 - b1 ** t) : 1;
    const eta = D * cfg.lr * B;
    let gx = 0;
    for (let i = 0; i < n; i++) gx += ge[i] * (this.x0[i] - this.x[i]);
    this.R = b3 * this.R + (D / d0) * eta * gx;
    for (let i = 0; i < n; i++) {
      this.m[i] = b1 * this.m[i] + (1 - b1) * D * ge[i];
      this.v[i] = b2 * this.v[i] + (1 - b2) * D * D * ge[i] * ge[i];
      this.s[i] = b3 * this.s[i] + (D / d0) * (cfg.safeguardWarmup ? D : eta) * ge[i];
    }
    const sn = l1(this.s);
    this.lr = eta; this.k++;
    if (!(sn > 0)) return;
    this.dHat = cfg.dCoef * this.R / sn;
    let d = D;
    if (D === d0) d = Math.max(D, this.dHat);
    this.Dmax = Math.max(this.Dmax, this.dHat);
    d = Math.min(this.Dmax, d * cfg.growthRate);
    this.D = d;
    for (let i = 0; i < n; i++) {
      if (decoupled) this.x[i] -= cfg.weightDecay * eta * this.x[i];
      const mi = b1 > 0 ? this.m[i] : d * ge[i];
      this.x[i] -= eta * mi / (Math.sqrt(this.v[i]) + d * eps);
    }
  }
}

/** DoG with the polynomial-decay average (docs/rules/dog.md). */
export class RefDog implements RefRule {
  x: Float64Array; x0: Float64Array; avg: Float64Array;
  rbar = 0; G = 0; k = 0; lr = 0; retraced = false;
  constructor(readonly cfg: Common & { repsRel: number; eps: number; averageGamma: number }, x: ArrayLike<number>) {
    this.x = Float64Array.from(x); this.x0 = Float64Array.from(x); this.avg = new Float64Array(x.length);
  }
  wants(): boolean { return true; }
  step(_f: number, g: ArrayLike<number>): void {
    const cfg = this.cfg, n = this.x.length;
    const { ge } = effective(cfg, this.x, g, false);
    if (this.k === 0) {
      this.rbar = cfg.repsRel * (1 + Math.sqrt(dot(this.x0, this.x0)));
      this.G = dot(ge, ge) + cfg.eps;
    } else {
      let dd = 0;
      for (let i = 0; i < n; i++) dd += (this.x[i] - this.x0[i]) ** 2;
      this.rbar = Math.max(this.rbar, Math.sqrt(dd));
      this.G += dot(ge, ge);
    }
    const eta = cfg.lr * this.rbar / Math.sqrt(this.G);
    this.k++;
    const w = (1 + cfg.averageGamma) / (this.k + cfg.averageGamma);
    for (let i = 0; i < n; i++) {
      this.x[i] -= eta * ge[i];
      this.avg[i] = (1 - w) * this.avg[i] + w * this.x[i];
    }
    this.lr = eta;
  }
}

/**
 * LDoG, DoG per tensor (docs/rules/dog.md, the official LDoG class): each tensor l, given by its
 * length in `lengths` (compact order), keeps r̄_l and G_l and steps with η_l = lr·r̄_l/√G_l.
 * Clipping is global (one factor from the whole gradient's norm), as in the kernel. `lr` is
 * the largest η_l (what opt.lr reports).
 */
export class RefLDoG implements RefRule {
  x: Float64Array; x0: Float64Array; avg: Float64Array; rbar: Float64Array; G: Float64Array; eta: Float64Array;
  k = 0; lr = 0; retraced = false;
  constructor(readonly cfg: Common & { repsRel: number; eps: number; averageGamma: number }, x: ArrayLike<number>, readonly lengths: number[]) {
    this.x = Float64Array.from(x); this.x0 = Float64Array.from(x); this.avg = new Float64Array(x.length);
    this.rbar = new Float64Array(lengths.length); this.G = new Float64Array(lengths.length); this.eta = new Float64Array(lengths.length);
  }
  wants(): boolean { return true; }
  step(_f: number, g: ArrayLike<number>): void {
    const cfg = this.cfg, { ge } = effective(cfg, this.x, g, false);
    let from = 0;
    for (const [l, len] of this.lengths.entries()) {
      let xx = 0, dd = 0, gg = 0;
      for (let i = from; i < from + len; i++) { xx += this.x0[i] ** 2; dd += (this.x[i] - this.x0[i]) ** 2; gg += ge[i] ** 2; }
      if (this.k === 0) { this.rbar[l] = cfg.repsRel * (1 + Math.sqrt(xx)); this.G[l] = gg + cfg.eps; } else {
        this.rbar[l] = Math.max(this.rbar[l], Math.sqrt(dd));
        this.G[l] += gg;
      }
      this.eta[l] = cfg.lr * this.rbar[l] / Math.sqrt(this.G[l]);
      for (let i = from; i < from + len; i++) this.x[i] -= this.eta[l] * ge[i];
      from += len;
    }
    this.k++;
    const w = (1 + cfg.averageGamma) / (this.k + cfg.averageGamma);
    for (let i = 0; i < this.x.length; i++) this.avg[i] = (1 - w) * this.avg[i] + w * this.x[i];
    this.lr = Math.max(...this.eta);
  }
}

/** Schedule-Free SGD and AdamW (docs/rules/schedulefree.md): x here is y, where the gradient is taken; avg is the average x. */
export class RefScheduleFree implements RefRule {
  x: Float64Array; z: Float64Array; avg: Float64Array; v: Float64Array;
  k = 0; lr = 0; retraced = false; lrMax = 0; weightSum = 0;
  constructor(readonly cfg: Common & { beta: number; beta2: number; eps: number; weightLrPower: number; r: number; schedule: { warmup: number } }, x: ArrayLike<number>) {
    this.x = Float64Array.from(x); this.z = Float64Array.from(x); this.avg = Float64Array.from(x); this.v = new Float64Array(x.length);
  }
  wants(): boolean { return true; }
  step(_f: number, g: ArrayLike<number>): void {
    const cfg = this.cfg, n = this.x.length, t = this.k, w0 = cfg.schedule.warmup;
    const raw = Math.sqrt(dot(g, g)), c = raw > cfg.clipNorm ? cfg.clipNorm / raw : 1;
    const gamma = cfg.lr * (t < w0 ? (t + 1) / w0 : 1);
    this.lrMax = Math.max(this.lrMax, gamma);
    const w = (t + 1) ** cfg.r * this.lrMax ** cfg.weightLrPower;
    this.weightSum += w;
    const ck = this.weightSum > 0 ? w / this.weightSum : 0, bc2 = 1 - cfg.beta2 ** (t + 1);
    for (let i = 0; i < n; i++) {
      let u = c * g[i];
      if (cfg.base === 'adamw') {
        this.v[i] = cfg.beta2 * this.v[i] + (1 - cfg.beta2) * u * u;
        u = u / (Math.sqrt(this.v[i] / bc2) + cfg.eps);
      }
      this.z[i] -= gamma * (u + cfg.weightDecay * this.x[i]);
      this.avg[i] = (1 - ck) * this.avg[i] + ck * this.z[i];
      this.x[i] = (1 - cfg.beta) * this.z[i] + cfg.beta * this.avg[i];
    }
    this.k++;
    this.lr = gamma;
  }
}
