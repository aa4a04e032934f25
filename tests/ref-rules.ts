// Plain float64 references of the learning-rate rules, written from docs/rules/<id>.md
// (not from the kernels): arrays of numbers, one loop per formula.

import { RefDadapt, RefProdigy, RefDog, RefScheduleFree } from './ref-peers.js';

const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

export interface RefRule {
  x: Float64Array;
  /** the learning rate the last step used */
  lr: number;
  retraced: boolean;
  wants(loss: number): boolean;
  step(loss: number, g: ArrayLike<number>): void;
}

const below = (f: number, B: number, k: number) => f < B + (k - 1) * Math.abs(B);
const leak = (f: number, B: number) => (f < B ? f : B + 0.1 * Math.abs(B));

/** c2min, docs/rules/c2min.md */
export class RefC2min implements RefRule {
  x: Float64Array; P!: Float64Array; m!: Float64Array;
  alpha: number; beta = 0; q = 0; B = 0; F = 0; N = 0; f0 = 0; started = false;
  lr = 0; retraced = false;
  constructor(readonly cfg: { lr: number; beta: number | 'adaptive'; posSlope: number; negSlope: number }, x0: ArrayLike<number>) {
    this.x = Float64Array.from(x0);
    this.alpha = cfg.lr;
  }
  wants(f: number): boolean { return !this.started || below(f, this.B, 25); }
  step(f: number, g: ArrayLike<number>): void {
    const n = this.x.length;
    this.retraced = false;
    if (!this.started) {
      this.P = Float64Array.from(g); this.m = Float64Array.from(g);
      this.q = dot(g, g);
      for (let i = 0; i < n; i++) this.x[i] -= this.alpha * g[i];
      this.B = this.F = this.f0 = f; this.N = 0;
      this.beta = this.cfg.beta === 'adaptive' ? 0.75 : this.cfg.beta;
      this.started = true; this.lr = this.alpha;
      return;
    }
    if (!below(f, this.B, 25)) {
      for (let i = 0; i < n; i++) this.x[i] += (2 / 3) * this.alpha * ((1 - this.beta) * this.P[i] + this.beta * this.m[i]);
      this.alpha /= 3;
      this.B = leak(f, this.B);
      this.lr = this.alpha; this.retraced = true;
      return;
    }
    const sgg = dot(g, g), sgp = dot(g, this.P), dd = sgg * this.q;
    this.q = sgg;
    const c = dd < 1e-80 ? 0 : dd > 1e111 ? (sgp < 0 ? -0.5 : 0.1) : sgp / Math.sqrt(dd);
    this.alpha *= 1 + (c <= 0 ? this.cfg.negSlope : this.cfg.posSlope) * c;
    if (this.cfg.beta === 'adaptive') {
      this.F = 0.9 * this.F + 0.1 * f;
      const nu = this.F > 0 ? Math.min(1.06, (this.f0 / 2.35) * 1.5 * Math.abs(f / this.F - 1)) : 1.06;
      this.N = Math.min(1.06, Math.max(0.065, 0.9 * this.N + 0.1 * nu));
      this.beta = 0.85 - 0.8 * this.N;
    }
    for (let i = 0; i < n; i++) {
      this.m[i] = 0.8 * this.m[i] + 0.2 * this.P[i];
      this.x[i] -= this.alpha * ((1 - this.beta) * g[i] + this.beta * this.m[i]);
      this.P[i] = g[i];
    }
    this.B = leak(f, this.B);
    this.lr = this.alpha;
  }
}

/** p2min (2024 form), docs/rules/p2min.md */
export class RefP2min implements RefRule {
  x: Float64Array; P!: Float64Array;
  alpha: number; D = 855000; E = 500000; B = 0; L = 0; finit = 0; q = 0; started = false;
  lr = 0; retraced = false;
  constructor(readonly cfg: { lr: number }, x0: ArrayLike<number>) {
    this.x = Float64Array.from(x0);
    this.alpha = cfg.lr;
  }
  tau(): number { return 25 + (2500 + 71 * Math.sqrt(Math.abs(this.B))) / (1 + Math.sqrt(this.E)); }
  accepted(f: number): boolean {
    const early = this.x.length <= 20 || below(f, this.finit, 1.1);
    return early && below(f, this.B, 1.1 * this.tau());
  }
  wants(f: number): boolean { return !this.started || this.accepted(f); }
  growth(r: boolean): number {
    if (r) this.D = this.D > 1 && this.D < 62500 ? 16 * this.D : this.D >= 62500 ? 855000 : this.D + 16;
    else this.D /= 3.9;
    return 1e6 / (1 + this.D);
  }
  step(f: number, g: ArrayLike<number>): void {
    const n = this.x.length, clamp = (a: number) => Math.min(1e6, Math.max(1e-8, a));
    this.retraced = false;
    if (!this.started) {
      this.P = Float64Array.from(g); this.q = dot(g, g);
      for (let i = 0; i < n; i++) this.x[i] -= this.alpha * g[i];
      this.B = this.L = this.finit = f; this.started = true; this.lr = this.alpha;
      return;
    }
    let worse = false;
    const old = this.alpha;
    if (!this.accepted(f)) {
      this.growth(true);
      let m = 0.5 * old * this.q / ((f - this.L) + old * this.q);
      if (!(m > 0 && m < 1)) m = 0.01;
      this.alpha = clamp(old * m);
      for (let i = 0; i < n; i++) this.x[i] += (old - this.alpha) * this.P[i];
      this.retraced = true;
    } else {
      const sgg = dot(g, g), sgp = dot(g, this.P);
      if (!(this.q > 0)) { this.B = leak(f, this.B); return; }
      worse = f > this.L;
      this.L = f;
      const cap = this.growth(false), h = 1 - sgp / this.q;
      let a: number;
      if (cap * h < 1) a = cap * old;
      else if (n <= 20) a = old / h;
      else {
        const r = Math.pow(Math.abs(this.B) * Math.pow(2.35 / Math.max(Math.abs(this.finit), 1e-30), 2), 0.8);
        a = old / (h * (1 - 0.14 * Math.min(0.7, Math.max(0, r))));
      }
      this.alpha = clamp(a);
      for (let i = 0; i < n; i++) { this.x[i] -= this.alpha * g[i]; this.P[i] = g[i]; }
      this.q = sgg;
    }
    this.B = leak(f, this.B);
    if (!worse) this.E /= 1.69;
    else if (this.E < 1) this.E += 16;
    else if (this.E < 500000) this.E *= 16;
    else this.E = 500000;
    this.lr = this.alpha;
  }
}

interface AdamCfg { beta1: number; beta2: number; eps: number; weightDecay?: number }

/** clara, docs/rules/clara.md */
export class RefClara implements RefRule {
  x: Float64Array; p: Float64Array; m: Float64Array; v: Float64Array;
  eta: number; t = 0; lr = 0; retraced = false; ratio = 0;
  constructor(readonly cfg: { base: string; lr: number; c: number; damping: number; unitStep: boolean; etaMin?: number; etaMax?: number } & Partial<AdamCfg>, x0: ArrayLike<number>) {
    const n = x0.length;
    this.x = Float64Array.from(x0);
    this.p = new Float64Array(n); this.m = new Float64Array(n); this.v = new Float64Array(n);
    this.eta = cfg.lr;
  }
  wants(): boolean { return true; }
  step(_f: number, g: ArrayLike<number>): void {
    const n = this.x.length, { c, damping, unitStep } = this.cfg;
    const adam = this.cfg.base === 'adam';
    this.t++;
    let d: Float64Array;
    if (adam) {
      const { beta1: b1, beta2: b2, eps } = this.cfg as AdamCfg, wd = this.cfg.weightDecay ?? 0;
      const bc1 = 1 - b1 ** this.t, bc2 = 1 - b2 ** this.t;
      d = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const ge = g[i] + wd * this.x[i];
        this.m[i] = b1 * this.m[i] + (1 - b1) * ge;
        this.v[i] = b2 * this.v[i] + (1 - b2) * ge * ge;
        d[i] = (this.m[i] / bc1) / (Math.sqrt(this.v[i] / bc2) + eps);
      }
    } else d = Float64Array.from(g);
    const r = 1 / Math.max(Math.sqrt(dot(d, d)), 1e-12);
    for (let i = 0; i < n; i++) {
      const u = d[i] * r;
      this.x[i] -= this.eta * (unitStep ? u : d[i]);
      this.p[i] = (1 - c) * this.p[i] + c * u;
    }
    const mu0 = c / (2 - c), b1 = this.cfg.beta1 ?? 0;
    const mu = adam ? mu0 * (1 + b1 * (1 - c)) / (1 - b1 * (1 - c)) : mu0;
    this.ratio = dot(this.p, this.p) / mu;
    this.lr = this.eta;
    this.eta = Math.max(this.cfg.etaMin ?? 0, Math.min(this.cfg.etaMax ?? Infinity, this.eta * Math.exp(damping * (this.ratio - 1))));
  }
}

/** csa (2017 ALeRA / AgAdam), docs/rules/csa.md */
export class RefCsa implements RefRule {
  x: Float64Array; p: Float64Array; m: Float64Array; v: Float64Array;
  eta: number; t = 0; lr = 0; retraced = false;
  constructor(readonly cfg: { base: string; lr: number; c: number; damping: number; etaMin?: number; etaMax?: number } & Partial<AdamCfg>, x0: ArrayLike<number>) {
    const n = x0.length;
    this.x = Float64Array.from(x0);
    this.p = new Float64Array(n); this.m = new Float64Array(n); this.v = new Float64Array(n);
    this.eta = cfg.lr;
  }
  wants(): boolean { return true; }
  step(_f: number, g: ArrayLike<number>): void {
    const n = this.x.length, { c, damping } = this.cfg;
    this.t++;
    const norm = Math.sqrt(dot(g, g)), r = norm > 1e-6 ? 1 / norm : 0;
    for (let i = 0; i < n; i++) this.p[i] = (1 - c) * this.p[i] + c * r * g[i];
    const mu = c / (2 - c), mut = mu * (1 - (1 - c) ** (2 * this.t));
    this.eta = Math.max(this.cfg.etaMin ?? 0, Math.min(this.cfg.etaMax ?? Infinity, this.eta * Math.exp((damping / mu) * (dot(this.p, this.p) - mut))));
    if (this.cfg.base === 'adam') {
      const { beta1: b1, beta2: b2, eps } = this.cfg as AdamCfg;
      const bc1 = 1 - b1 ** this.t, bc2 = 1 - b2 ** this.t;
      for (let i = 0; i < n; i++) {
        this.m[i] = b1 * this.m[i] + (1 - b1) * g[i];
        this.v[i] = b2 * this.v[i] + (1 - b2) * g[i] * g[i];
        this.x[i] -= this.eta * (this.m[i] / bc1) / (Math.sqrt(this.v[i] / bc2) + eps);
      }
    } else for (let i = 0; i < n; i++) this.x[i] -= this.eta * g[i];
    this.lr = this.eta;
  }
}

export function refFor(config: Record<string, any>, x0: ArrayLike<number>): RefRule {
  switch (config.rule) {
    case 'dadapt': return new RefDadapt(config as any, x0);
    case 'prodigy': return new RefProdigy(config as any, x0);
    case 'dog': return new RefDog(config as any, x0);
    case 'schedulefree': return new RefScheduleFree(config as any, x0);
    case 'c2min': return new RefC2min(config as any, x0);
    case 'p2min': return new RefP2min(config as any, x0);
    case 'clara': return new RefClara(config as any, x0);
    case 'csa': return new RefCsa(config as any, x0);
  }
  throw new Error(`no reference for rule ${config.rule}`);
}

/** gala (practical form), docs/rules/gala.md; the base step is ref.ts's RefOptimizer with lr = η_t. */
export class RefGala {
  xprev: Float64Array; A = 0; Q = 0; eta: number; started = false; lr = 0;
  alignment = 0; curvature = 0;
  constructor(readonly cfg: Record<string, any>, readonly base: { p: Float64Array; cfg: { lr: number }; step(g: ArrayLike<number>): void }) {
    this.xprev = Float64Array.from(base.p);
    this.eta = cfg.lr;
  }
  get x(): Float64Array { return this.base.p; }
  /** g: the gradient at x_t; h: the probe gradient at x_{t−1} on the same batch (ignored at step 0). */
  step(g: ArrayLike<number>, h: ArrayLike<number>): void {
    const x = this.base.p, n = x.length;
    if (this.started) {
      let gh = 0, diff = 0, gD = 0, D2 = 0;
      for (let i = 0; i < n; i++) {
        gh += g[i] * h[i]; diff += (g[i] - h[i]) ** 2;
        gD += g[i] * (this.xprev[i] - x[i]); D2 += (x[i] - this.xprev[i]) ** 2;
      }
      if (D2 > 0 && this.eta > 0) {
        const L = Math.sqrt(diff / D2);
        const a = this.cfg.alignment === 'same-batch' ? gh : gD / this.eta;
        this.A += a; this.Q += L * D2 / (this.eta * this.eta);
        const den = this.cfg.delta + this.Q;
        if (den > 0) {
          const num = (this.cfg.centred ? this.cfg.delta * this.cfg.lr : 0) + this.A;
          this.eta = Math.min(this.cfg.etaMax, Math.max(this.cfg.etaMin, num / den));
        }
        this.alignment = a; this.curvature = L;
      }
    }
    this.xprev = Float64Array.from(x);
    this.base.cfg.lr = this.eta;
    this.base.step(g);
    this.lr = this.eta;
    this.started = true;
  }
}

/** secant, docs/rules/secant.md: η from (ss, sy, yy), then the base step (ref.ts's RefOptimizer). */
export class RefSecant {
  eta: number; started = false; lr = 0; fallback = false;
  constructor(readonly cfg: Record<string, any>, readonly base: { p: Float64Array; cfg: { lr: number }; step(g: ArrayLike<number>): void }) {
    this.eta = cfg.lr;
  }
  get x(): Float64Array { return this.base.p; }
  static formula(name: string, ss: number, sy: number, yy: number): number {
    switch (name) {
      case 'damped': return ss / (Math.abs(sy) + ss);
      case 'ridge': return sy > 0 ? sy / (yy + ss) : NaN;
      case 'bb1': return sy > 0 ? ss / sy : NaN;
      case 'bb2': return sy > 0 && yy > 0 ? sy / yy : NaN;
    }
    return NaN;
  }
  /** g: the step's gradient (the caller's, or h0 with two evaluations); h0, h1: the S_H pair. */
  step(g: ArrayLike<number>, h0: ArrayLike<number>, h1: ArrayLike<number>): void {
    const n = g.length, c = this.cfg.probeScale, sign = this.cfg.probe === 'sign';
    let ss = 0, sy = 0, yy = 0;
    for (let i = 0; i < n; i++) {
      const s = sign ? Math.sign(g[i]) : g[i], y = h1[i] - h0[i];
      ss += s * s; sy += s * y; yy += y * y;
    }
    sy /= c; yy /= c * c;
    let eta = RefSecant.formula(this.cfg.formula, ss, sy, yy);
    this.fallback = !(eta > 0 && Number.isFinite(eta)) || !(ss > 0);
    if (this.fallback) eta = this.eta;
    this.eta = eta;
    this.base.cfg.lr = eta;
    this.base.step(g);
    this.lr = eta;
  }
}

/** glyder (practical Algorithm P), docs/rules/glyder.md. */
export class RefGlyder {
  x: Float64Array; b: Float64Array; m: Float64Array; v: Float64Array;
  N = 0; Q = 0; L = 0; eta = 0; started = false; t = 0; lr = 0; ell = NaN; q = 0;
  /** GNB (smoothness 'gnb'): the last draw B·⟨ĝ, d⟩²/‖d‖², the draws' average C and their count. */
  draw = NaN; C = 0; draws = 0; growth = 0;
  constructor(readonly cfg: Record<string, any>, x0: ArrayLike<number>) {
    const n = x0.length;
    this.x = Float64Array.from(x0);
    this.b = new Float64Array(n); this.m = new Float64Array(n); this.v = new Float64Array(n);
  }
  /** The base direction at lr = 1 (and, with commit, the base state update); xk: the x of the L2 term. */
  direction(g: ArrayLike<number>, commit: boolean, xk: ArrayLike<number> = this.x): Float64Array {
    const c = this.cfg, n = this.x.length, d = new Float64Array(n), wd = c.weightDecay ?? 0, t = this.t + 1;
    for (let i = 0; i < n; i++) {
      const ge = g[i] + wd * xk[i];
      if (c.base === 'momentum') {
        const bn = c.momentum * this.b[i] + ge;
        if (commit) this.b[i] = bn;
        d[i] = c.nesterov ? ge + c.momentum * bn : bn;
      } else if (c.base === 'adam') {
        const mn = c.beta1 * this.m[i] + (1 - c.beta1) * ge, vn = c.beta2 * this.v[i] + (1 - c.beta2) * ge * ge;
        if (commit) { this.m[i] = mn; this.v[i] = vn; }
        d[i] = (mn / (1 - c.beta1 ** t)) / (Math.sqrt(vn / (1 - c.beta2 ** t)) + c.eps);
      } else d[i] = ge;
    }
    return d;
  }
  /** The τ the rule would probe with for direction norm² q. */
  tau(q: number): number {
    const floor = this.cfg.tauMin / Math.sqrt(q);
    return this.started ? Math.max(this.eta, floor) : floor;
  }
  /**
   * g at x; gp = g' (fresh batch at x); gt = g^τ (same batch at the probe point) or null;
   * x0, xt: the points g' and g^τ were evaluated at (the kernel's x and x − τd, as stored in
   * float32) — ℓ divides by ⟨x0 − xt, d⟩, the displacement the two gradients actually span.
   * With smoothness 'gnb', gt is ĝ (the fresh batch at x, labels sampled) and xt is unused:
   * ℓ = C/(1 − β_c^k), C the EMA of the k draws B·⟨ĝ, d⟩²/‖d‖² so far.
   */
  step(g: ArrayLike<number>, gp: ArrayLike<number>, gt: ArrayLike<number> | null, x0: ArrayLike<number>, xt: ArrayLike<number> | null): void {
    const c = this.cfg, n = this.x.length;
    const d = this.direction(g, false, x0); // (L2 on the x the gradient was taken at)
    let q = 0, p = 0, pr = 0, disp = 0;
    for (let i = 0; i < n; i++) {
      q += d[i] * d[i]; p += gp[i] * d[i];
      if (gt && c.smoothness === 'gnb') pr += gt[i] * d[i];
      else if (gt && xt) { pr += (gp[i] - gt[i]) * d[i]; disp += (x0[i] - xt[i]) * d[i]; }
    }
    this.q = q;
    if (!(q > 0)) return;
    if (gt && c.smoothness === 'gnb') {
      this.growth = this.growth > 0 ? 2 * this.growth : 2 * c.tauMin / Math.sqrt(q); // the cap on η doubles with each draw
      this.draw = c.batchSize * pr * pr / q;
      this.C = c.curvatureSmoothing * this.C + (1 - c.curvatureSmoothing) * this.draw;
      this.draws++;
      this.ell = this.C / (1 - c.curvatureSmoothing ** this.draws);
    } else this.ell = gt ? pr / disp : NaN;
    const beta = c.smoothing, t = this.t + 1;
    this.N = beta * this.N + (1 - beta) * p; this.Q = beta * this.Q + (1 - beta) * q;
    const corr = 1 - beta ** t, nh = this.N / corr, qh = this.Q / corr;
    if (Number.isFinite(this.ell)) this.L = this.started ? Math.max(Math.max(this.ell, 0), c.curvatureDecay * this.L) : Math.max(this.ell, 0);
    const tauUsed = gt && c.smoothness !== 'gnb' ? this.tau(q) : 0; // (the probe length this step used, before η changes; 'gnb' probes none)
    const doubled = 2 * Math.max(this.started ? this.eta : 0, tauUsed, c.tauMin / Math.sqrt(q));
    if (this.L > 0 && nh > 0) {
      this.eta = Math.min(c.maxLr, c.lr * nh / Math.max(this.L * qh, 1e-30));
      if (c.smoothness === 'gnb') this.eta = Math.min(this.eta, this.growth); // the GNB growth cap
    } else if (nh > 0) this.eta = Math.min(c.maxLr, doubled); // no positive curvature seen yet: the doc's escape
    else this.eta = 0;
    this.direction(g, true, x0);
    for (let i = 0; i < n; i++) this.x[i] -= this.eta * d[i];
    this.t++; this.started = true; this.lr = this.eta;
  }
}
