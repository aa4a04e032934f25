// clara — CLARA, cumulative learning-rate adaptation (Atamna, Maus, Kievelitz, Glasmachers,
// arXiv 2508.05408), bases sgd and adam; docs/rules/clara.md.
// One path over the whole vector (K = 1):
//   d = g (sgd) or the bias-corrected Adam direction a = m̂/(sqrt(v̂)+eps) (adam)
//   u = d/max(‖d‖, 1e-12);  x ← x − η·(unitStep ? u : d)     (with the current η)
//   p ← (1−c)·p + c·u;  η ← η·exp(damping·(‖p‖²/μ − 1))       (for the next step; optionally
//   clamped to [etaMin, etaMax], docs/rules
//   μ = c/(2−c) for sgd; for adam the closed form μ_A = c/(2−c)·(1+β1(1−c))/(1−β1(1−c))
// Passes: sgd — ‖g‖², then one fused pass (x, p, ‖p‖²). adam — pass 1 computes the Adam
// direction into a scratch vector and ‖a‖² without writing m, v (so a non-finite gradient
// changes nothing), pass 2 writes m, v (recomputed, bit-identical), x, p and sums ‖p‖².
import { P as X, G, NPAD, hyper, state, setState, setStat, slot, scratch } from '../layout';
import { HP_lr, HP_beta1, HP_beta2, HP_eps, HP_weightDecay, S_step } from '../ids';
import { BASE_adam, HP_clara_c, HP_clara_damping, HP_clara_unitStep, HP_clara_etaMin, HP_clara_etaMax, S_clara_eta, T_clara_pathNormSq, T_clara_pathRatio, T_clara_reference, T_clara_dirNorm, T_clara_nextLr } from '../generated/ids';
import { sum4, widenLo, widenHi, hsum, ROLLED } from '../simd';
import { normSq } from '../loops';
import { nonFinite, gradNormSq, refusal, clipScale, countStep, finish } from '../step';
import { powi, exp, bound } from '../math';

/** The reference E‖p‖² of a path of independent unit steps (sgd) or of Adam steps on pure noise. */
export function reference(c: f64, beta1: f64, adam: bool): f64 {
  const mu = c / (2 - c);
  return adam ? mu * (1 + beta1 * (1 - c)) / (1 - beta1 * (1 - c)) : mu;
}


// The update bodies return p_new² + x_new·0: the path's squared norm term, and NaN when the
// new parameter is not finite (x·0 is exactly 0 otherwise), so ‖p‖² doubles as the check.

// sgd: u = r·g;  x ← x − η·(us ? u : g);  p ← (1−c)p + c·u
// @ts-ignore: decorator
@inline function sgdElem(x: usize, g: usize, p: usize, vstep: v128, vc1: v128, vcr: v128): v128 {
  const gv = v128.load(g);
  const y = f32x4.sub(v128.load(x), f32x4.mul(vstep, gv));
  v128.store(x, y);
  const pn = f32x4.add(f32x4.mul(vc1, v128.load(p)), f32x4.mul(vcr, gv));
  v128.store(p, pn);
  return f32x4.add(f32x4.mul(pn, pn), f32x4.mul(y, f32x4.splat(0)));
}

// adam pass 1: a = (m̂)/(sqrt(v̂)+eps) from the would-be m, v; stored in scratch
// @ts-ignore: decorator
@inline function adamDir(x: usize, g: usize, m: usize, v: usize, a: usize, vwd: v128, vb1: v128, v1b1: v128,
                         vb2: v128, v1b2: v128, vib1: v128, virs: v128, veps: v128): v128 {
  const ge = f32x4.add(v128.load(g), f32x4.mul(vwd, v128.load(x)));
  const mn = f32x4.add(f32x4.mul(vb1, v128.load(m)), f32x4.mul(v1b1, ge));
  const vn = f32x4.add(f32x4.mul(vb2, v128.load(v)), f32x4.mul(v1b2, f32x4.mul(ge, ge)));
  const d = f32x4.div(f32x4.mul(mn, vib1), f32x4.add(f32x4.mul(f32x4.sqrt(vn), virs), veps));
  v128.store(a, d);
  return d;
}

// adam pass 2: write m, v (same arithmetic as pass 1), x, p
// @ts-ignore: decorator
@inline function adamElem(x: usize, g: usize, m: usize, v: usize, a: usize, p: usize, vwd: v128, vb1: v128,
                          v1b1: v128, vb2: v128, v1b2: v128, vstep: v128, vc1: v128, vcr: v128): v128 {
  const xv = v128.load(x);
  const ge = f32x4.add(v128.load(g), f32x4.mul(vwd, xv));
  v128.store(m, f32x4.add(f32x4.mul(vb1, v128.load(m)), f32x4.mul(v1b1, ge)));
  v128.store(v, f32x4.add(f32x4.mul(vb2, v128.load(v)), f32x4.mul(v1b2, f32x4.mul(ge, ge))));
  const d = v128.load(a);
  const y = f32x4.sub(xv, f32x4.mul(vstep, d));
  v128.store(x, y);
  const pn = f32x4.add(f32x4.mul(vc1, v128.load(p)), f32x4.mul(vcr, d));
  v128.store(p, pn);
  return f32x4.add(f32x4.mul(pn, pn), f32x4.mul(y, f32x4.splat(0)));
}

// The size build rolls the passes below one vector per iteration and keeps their sums bit for
// bit: a block's tree (t0 + t1) + (t2 + t3) is built as h = t0 + t1, q = t2, then this.
// @ts-ignore: decorator
@inline function tree4(s: v128, h: v128, q: v128, t3: v128): v128 {
  return f32x4.add(s, f32x4.add(h, f32x4.add(q, t3)));
}

export function claraStep(base: i32, loss: f64): i32 {
  const c = hyper(HP_clara_c), damping = hyper(HP_clara_damping), us = hyper(HP_clara_unitStep) != 0;
  const eta = state(S_step) == 0 ? hyper(HP_lr) : state(S_clara_eta);
  const adam = base == BASE_adam, b1 = hyper(HP_beta1);
  const end = X + (<usize>NPAD << 2);
  const path = slot(adam ? 2 : 0);
  let dnorm: f64, ratio: f64;
  let lo = f64x2.splat(0), hi = f64x2.splat(0);
  if (!adam) {
    const gg = gradNormSq(normSq(G, NPAD), false);
    if (gg < 0) return refusal;
    clipScale(gg);
    dnorm = Math.sqrt(gg);
    const r = 1 / Math.max(dnorm, 1e-12);
    const vstep = f32x4.splat(<f32>(us ? eta * r : eta)), vc1 = f32x4.splat(<f32>(1 - c)), vcr = f32x4.splat(<f32>(c * r));
    let x = X, g = G, p = path;
    while (x < end) {
      const k = end - x >= 512 ? 16 : 8; // ≤ 32 products per lane before widening to f64
      let s = f32x4.splat(0), h = s;
      // the size build: one vector per iteration, the same sums s + (p0 + p1) (see tree4)
      if (ROLLED) for (let j: u32 = 0; j < 2 * <u32>k; j++) {
        const t = sgdElem(x, g, p, vstep, vc1, vcr);
        if (j & 1) s = f32x4.add(s, f32x4.add(h, t)); else h = t;
        x += 16; g += 16; p += 16;
      } else for (let i = 0; i < k; i++) {
        const p0 = sgdElem(x, g, p, vstep, vc1, vcr), p1 = sgdElem(x + 16, g + 16, p + 16, vstep, vc1, vcr);
        s = f32x4.add(s, f32x4.add(p0, p1));
        x += 32; g += 32; p += 32;
      }
      lo = widenLo(lo, s); hi = widenHi(hi, s);
    }
    countStep();
  } else {
    const t = state(S_step) + 1, b2 = hyper(HP_beta2);
    const vwd = f32x4.splat(<f32>hyper(HP_weightDecay));
    const vb1 = f32x4.splat(<f32>b1), v1b1 = f32x4.splat(<f32>(1 - b1));
    const vb2 = f32x4.splat(<f32>b2), v1b2 = f32x4.splat(<f32>(1 - b2));
    const vib1 = f32x4.splat(<f32>(1 / (1 - powi(b1, t)))), virs = f32x4.splat(<f32>(1 / Math.sqrt(1 - powi(b2, t))));
    const veps = f32x4.splat(<f32>hyper(HP_eps));
    const m = slot(0), v = slot(1), a = scratch(0);
    // pass 1: the direction and its norm (and ‖g‖² for stats); m, v are not written yet
    let gL = f64x2.splat(0), gH = f64x2.splat(0);
    {
      let x = X, g = G, mm = m, vv = v, aa = a;
      while (x < end) {
        const k = end - x >= 512 ? 8 : 4;
        let s = f32x4.splat(0), sg = f32x4.splat(0), h = s, q = s, hg = s, qg = s;
        if (ROLLED) for (let j: u32 = 0; j < 4 * <u32>k; j++) {
          const d = adamDir(x, g, mm, vv, aa, vwd, vb1, v1b1, vb2, v1b2, vib1, virs, veps), gv = v128.load(g);
          const dd = f32x4.mul(d, d), gg = f32x4.mul(gv, gv), ph = j & 3;
          if (ph == 0) { h = dd; hg = gg; }
          else if (ph == 1) { h = f32x4.add(h, dd); hg = f32x4.add(hg, gg); }
          else if (ph == 2) { q = dd; qg = gg; }
          else { s = tree4(s, h, q, dd); sg = tree4(sg, hg, qg, gg); }
          x += 16; g += 16; mm += 16; vv += 16; aa += 16;
        } else for (let i = 0; i < k; i++) {
          const d0 = adamDir(x, g, mm, vv, aa, vwd, vb1, v1b1, vb2, v1b2, vib1, virs, veps);
          const d1 = adamDir(x + 16, g + 16, mm + 16, vv + 16, aa + 16, vwd, vb1, v1b1, vb2, v1b2, vib1, virs, veps);
          const d2 = adamDir(x + 32, g + 32, mm + 32, vv + 32, aa + 32, vwd, vb1, v1b1, vb2, v1b2, vib1, virs, veps);
          const d3 = adamDir(x + 48, g + 48, mm + 48, vv + 48, aa + 48, vwd, vb1, v1b1, vb2, v1b2, vib1, virs, veps);
          s = f32x4.add(s, f32x4.add(f32x4.add(f32x4.mul(d0, d0), f32x4.mul(d1, d1)), f32x4.add(f32x4.mul(d2, d2), f32x4.mul(d3, d3))));
          const g0 = v128.load(g), g1 = v128.load(g, 16), g2 = v128.load(g, 32), g3 = v128.load(g, 48);
          sg = f32x4.add(sg, f32x4.add(f32x4.add(f32x4.mul(g0, g0), f32x4.mul(g1, g1)), f32x4.add(f32x4.mul(g2, g2), f32x4.mul(g3, g3))));
          x += 64; g += 64; mm += 64; vv += 64; aa += 64;
        }
        lo = widenLo(lo, s); hi = widenHi(hi, s);
        gL = widenLo(gL, sg); gH = widenHi(gH, sg);
      }
    }
    const aa2 = hsum(lo, hi);
    if (!isFinite(aa2)) return nonFinite(); // NaN/Inf in g (or in x with weight decay)
    clipScale(hsum(gL, gH));
    dnorm = Math.sqrt(aa2);
    const r = 1 / Math.max(dnorm, 1e-12);
    const vstep = f32x4.splat(<f32>(us ? eta * r : eta)), vc1 = f32x4.splat(<f32>(1 - c)), vcr = f32x4.splat(<f32>(c * r));
    lo = f64x2.splat(0); hi = f64x2.splat(0);
    let x = X, g = G, mm = m, vv = v, ad = a, p = path;
    while (x < end) {
      const k = end - x >= 512 ? 8 : 4;
      let s = f32x4.splat(0), h = s, q = s;
      if (ROLLED) for (let j: u32 = 0; j < 4 * <u32>k; j++) {
        const t = adamElem(x, g, mm, vv, ad, p, vwd, vb1, v1b1, vb2, v1b2, vstep, vc1, vcr), ph = j & 3;
        if (ph == 0) h = t; else if (ph == 1) h = f32x4.add(h, t); else if (ph == 2) q = t; else s = tree4(s, h, q, t);
        x += 16; g += 16; mm += 16; vv += 16; ad += 16; p += 16;
      } else for (let i = 0; i < k; i++) {
        const p0 = adamElem(x, g, mm, vv, ad, p, vwd, vb1, v1b1, vb2, v1b2, vstep, vc1, vcr);
        const p1 = adamElem(x + 16, g + 16, mm + 16, vv + 16, ad + 16, p + 16, vwd, vb1, v1b1, vb2, v1b2, vstep, vc1, vcr);
        const p2 = adamElem(x + 32, g + 32, mm + 32, vv + 32, ad + 32, p + 32, vwd, vb1, v1b1, vb2, v1b2, vstep, vc1, vcr);
        const p3 = adamElem(x + 48, g + 48, mm + 48, vv + 48, ad + 48, p + 48, vwd, vb1, v1b1, vb2, v1b2, vstep, vc1, vcr);
        s = f32x4.add(s, sum4(p0, p1, p2, p3));
        x += 64; g += 64; mm += 64; vv += 64; ad += 64; p += 64;
      }
      lo = widenLo(lo, s); hi = widenHi(hi, s);
    }
    countStep();
  }
  const sp = hsum(lo, hi), mu = reference(c, b1, adam);
  // p averages unit vectors and cannot overflow: a non-finite sum means a non-finite parameter
  if (!isFinite(sp)) return finish(eta, false);
  ratio = sp / mu;
  const next = bound(eta * exp(damping * (ratio - 1)), hyper(HP_clara_etaMin), hyper(HP_clara_etaMax));
  setState(S_clara_eta, next);
  setStat(T_clara_pathNormSq, sp); setStat(T_clara_pathRatio, ratio); setStat(T_clara_reference, mu);
  setStat(T_clara_dirNorm, dnorm); setStat(T_clara_nextLr, next);
  return finish(eta, true);
}
