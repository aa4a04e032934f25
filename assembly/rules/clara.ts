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
// Adam's pieces are the base's (bases/adam.ts), in its rounding form.
import { P as X, G, NPAD, hyper, state, setState, setStat, slot, scratch } from '../layout';
import { HP_lr, HP_beta1, HP_beta2, HP_eps, HP_weightDecay, S_step } from '../ids';
import { BASE_adam, HP_clara_c, HP_clara_damping, HP_clara_unitStep, HP_clara_etaMin, HP_clara_etaMax, S_clara_eta, T_clara_pathNormSq, T_clara_pathRatio, T_clara_reference, T_clara_dirNorm, T_clara_nextLr } from '../generated/ids';
import { normSq, pass, splat, none, sum0, sum1 } from '../loops';
import { nextM, nextV, direction, directionAt, dirK, dirE } from '../bases/adam';
import { nonFinite, gradNormSq, refusal, clipScale, countStep, finish } from '../step';
import { exp, bound } from '../math';

/** The reference E‖p‖² of a path of independent unit steps (sgd) or of Adam steps on pure noise. */
export function reference(c: f64, beta1: f64, adam: bool): f64 {
  const mu = c / (2 - c);
  return adam ? mu * (1 + beta1 * (1 - c)) / (1 - beta1 * (1 - c)) : mu;
}

// Both forms' path step along a direction d (g for sgd, the Adam direction for adam), written
// at x and p: x ← x − step·d, p ← (1−c)·p + c·r·d (every vector loaded before the first
// store). Returns the sum's term ‖p_new‖² + x_new·0: NaN exactly when a new parameter is not
// finite (the path itself cannot overflow). The passes are fused (loops.ts): one load each.
// @ts-ignore: decorator
@inline function pathMove(x: usize, p: usize, xv: v128, dv: v128, pv: v128, step: v128, c1: v128, cr: v128): v128 {
  const y = f32x4.sub(xv, f32x4.mul(step, dv)), pn = f32x4.add(f32x4.mul(c1, pv), f32x4.mul(cr, dv));
  v128.store(x, y);
  v128.store(p, pn);
  return f32x4.add(f32x4.mul(pn, pn), f32x4.mul(y, f32x4.splat(0)));
}

// sgd: u = r·g;  x ← x − η·(us ? u : g);  p ← (1−c)p + c·u; the sum is ‖p_new‖² + x_new·0
// (NaN exactly when a new parameter is not finite: the path itself cannot overflow).
// a: x, b: g, c: p; k0: the step (η·r or η), k1: 1 − c, k2: c·r.
@final export class SgdPath {
  // @ts-ignore: decorator
  @inline stepped(mode: i32): i32 { return 0b1; }
  // @ts-ignore: decorator
  @inline sums(): i32 { return 1; }
  // @ts-ignore: decorator
  @inline accumulators(): i32 { return 2; }
  // @ts-ignore: decorator
  @inline fused(): bool { return true; }
  // @ts-ignore: decorator
  @inline update(a: usize, b: usize, c: usize, d: usize, e: usize, f: usize,
    k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128, k6: v128, k7: v128, k8: v128, k9: v128, mode: i32): v128 {
    return pathMove(a, c, v128.load(a), v128.load(b), v128.load(c), k0, k1, k2);
  }
}

// adam pass 1: the direction a = m̂/(√v̂ + eps) from the would-be m, v, into scratch; the sums
// are ‖a‖² (fused: what update returns) and ‖g‖². a: x, b: g, c: m, d: v, e: the direction;
// k0: wd, k1: β1, k2: 1 − β1, k3: β2, k4: 1 − β2, k5: eps·√bc2, k6: √bc2/bc1.
@final export class AdamDir {
  // @ts-ignore: decorator
  @inline decayed(mode: i32): i32 { return 0b1; }
  // @ts-ignore: decorator
  @inline sums(): i32 { return 2; }
  // @ts-ignore: decorator
  @inline accumulators(): i32 { return 2; }
  // @ts-ignore: decorator
  @inline fused(): bool { return true; }
  // @ts-ignore: decorator
  @inline term(s: i32, a: usize, b: usize, c: usize, d: usize, e: usize, f: usize,
    k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128, k6: v128, k7: v128, k8: v128, k9: v128, mode: i32): v128 {
    const gv = v128.load(b);
    return f32x4.mul(gv, gv);
  }
  // @ts-ignore: decorator
  @inline update(a: usize, b: usize, c: usize, d: usize, e: usize, f: usize,
    k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128, k6: v128, k7: v128, k8: v128, k9: v128, mode: i32): v128 {
    const ge = f32x4.add(v128.load(b), f32x4.mul(k0, v128.load(a)));
    const dv = direction(nextM(v128.load(c), ge, k1, k2), nextV(v128.load(d), ge, k3, k4), k6, k5);
    v128.store(e, dv);
    return f32x4.mul(dv, dv);
  }
}

// adam pass 2: m, v written (the same arithmetic as pass 1), x ← x − step·a, p ← (1−c)p + c·r·a;
// the sum is ‖p_new‖² + x_new·0. Cursors as pass 1, and f: p; k5: the step, k6: 1 − c, k7: c·r.
@final export class AdamPath {
  // @ts-ignore: decorator
  @inline stepped(mode: i32): i32 { return 0b100000; }
  // @ts-ignore: decorator
  @inline decayed(mode: i32): i32 { return 0b1; }
  // @ts-ignore: decorator
  @inline sums(): i32 { return 1; }
  // @ts-ignore: decorator
  @inline accumulators(): i32 { return 2; }
  // @ts-ignore: decorator
  @inline fused(): bool { return true; }
  // @ts-ignore: decorator
  @inline update(a: usize, b: usize, c: usize, d: usize, e: usize, f: usize,
    k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128, k6: v128, k7: v128, k8: v128, k9: v128, mode: i32): v128 {
    const xv = v128.load(a), mv = v128.load(c), vv = v128.load(d), dv = v128.load(e), pv = v128.load(f);
    const ge = f32x4.add(v128.load(b), f32x4.mul(k0, xv));
    v128.store(c, nextM(mv, ge, k1, k2));
    v128.store(d, nextV(vv, ge, k3, k4));
    return pathMove(a, f, xv, dv, pv, k5, k6, k7);
  }
}

export function claraStep(base: i32, loss: f64): i32 {
  const c = hyper(HP_clara_c), damping = hyper(HP_clara_damping), us = hyper(HP_clara_unitStep) != 0;
  const eta = state(S_step) == 0 ? hyper(HP_lr) : state(S_clara_eta);
  const adam = base == BASE_adam, b1 = hyper(HP_beta1);
  const path = slot(adam ? 2 : 0), z = none();
  let dnorm: f64;
  if (!adam) {
    const gg = gradNormSq(normSq(G, NPAD), false);
    if (gg < 0) return refusal;
    clipScale(gg);
    dnorm = Math.sqrt(gg);
    const r = 1 / Math.max(dnorm, 1e-12);
    countStep();
    pass<SgdPath>(NPAD, X, G, path, X, X, X, splat(us ? eta * r : eta), splat(1 - c), splat(c * r), z, z, z, z, z, z, z, 0);
  } else {
    const b2 = hyper(HP_beta2);
    directionAt(state(S_step) + 1, 1);
    const m = slot(0), v = slot(1), a = scratch(0);
    const wd = splat(hyper(HP_weightDecay)), vb1 = splat(b1), v1b1 = splat(1 - b1), vb2 = splat(b2), v1b2 = splat(1 - b2);
    // pass 1: the direction and its norm (and ‖g‖² for stats); m, v are not written yet
    pass<AdamDir>(NPAD, X, G, m, v, a, X, wd, vb1, v1b1, vb2, v1b2, splat(dirE), splat(dirK), z, z, z, 0);
    const aa2 = sum0;
    if (!isFinite(aa2)) return nonFinite(); // NaN/Inf in g (or in x with weight decay)
    clipScale(sum1);
    dnorm = Math.sqrt(aa2);
    const r = 1 / Math.max(dnorm, 1e-12);
    countStep();
    pass<AdamPath>(NPAD, X, G, m, v, a, path, wd, vb1, v1b1, vb2, v1b2, splat(us ? eta * r : eta), splat(1 - c), splat(c * r), z, z, 0);
  }
  const sp = sum0, mu = reference(c, b1, adam);
  // p averages unit vectors and cannot overflow: a non-finite sum means a non-finite parameter
  if (!isFinite(sp)) return finish(eta, false);
  const ratio = sp / mu;
  const next = bound(eta * exp(damping * (ratio - 1)), hyper(HP_clara_etaMin), hyper(HP_clara_etaMax));
  setState(S_clara_eta, next);
  setStat(T_clara_pathNormSq, sp); setStat(T_clara_pathRatio, ratio); setStat(T_clara_reference, mu);
  setStat(T_clara_dirNorm, dnorm); setStat(T_clara_nextLr, next);
  return finish(eta, true);
}
