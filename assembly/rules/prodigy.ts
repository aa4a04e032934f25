// prodigy — Prodigy (Mishchenko & Defazio, ICML 2024, arXiv 2306.06101), the Adam form of the
// official PyTorch code: docs/rules/prodigy.md. Bases adam (L2 λ)
// and adamw (decoupled λ, the code's default). lr is a multiplier (default 1) on the distance
// estimate D, which starts at d0 and only grows. β3 = √β2, B = bias correction (off by default):
//   η = D·lr·B;  ge = g (+ λx for adam)
//   R ← β3·R + (D/d0)·η·⟨ge, x0 − x⟩
//   m ← β1·m + (1−β1)·D·ge;  v ← β2·v + (1−β2)·D²·ge²
//   s ← β3·s + (D/d0)·(safeguardWarmup ? D : η)·ge
//   D̂ = dCoef·R/‖s‖₁;  D ← max(D, D̂) while D = d0;  Dmax ← max(Dmax, D̂);  D ← min(Dmax, D·growth)
//   adamw: x ← x − λη·x;  x ← x − η·m/(√v + D·ε)        (D the new one; β1 = 0: D·ge for m)
// ‖s‖₁ = 0 (a zero gradient so far) leaves x and D alone, as the code returns early.
// Passes: the ‖g‖² pass; one pass for m, v, s and the two sums; one pass for x (D̂ must be
// known before it, because ε is scaled by the new D).
import { P as X, G, NPAD, hyper, state, setState, setStat, slot } from '../layout';
import { HP_beta1, HP_beta2, HP_eps, HP_weightDecay, S_step } from '../ids';
import { BASE_adamw, HP_prodigy_d0, HP_prodigy_dCoef, HP_prodigy_growthRate, HP_prodigy_biasCorrection, HP_prodigy_safeguardWarmup, S_prodigy_D, S_prodigy_Dmax, S_prodigy_R, T_prodigy_d, T_prodigy_dHat, T_prodigy_dMax, T_prodigy_numerator, T_prodigy_sNorm } from '../generated/ids';
import { finiteAfter } from '../simd';
import { normSq, copy, pass, splat, none, sum0, sum1, moved } from '../loops';
import { nextM, nextV, direction } from '../bases/adam';
import { gradNormSq, refusal, clipScale, countStep, finish, lrNow } from '../step';
import { powi } from '../math';

const M: u32 = 0, V: u32 = 1, S: u32 = 2, X0: u32 = 3; // slots


/**
 * m, v, s from ge; sum0 = ⟨ge, x0 − x⟩ (the difference first), sum1 = ‖s_new‖₁. a: x, b: g,
 * c: m, d: v, e: s, f: x0; k0: c, k1: λ (0 for adamw), k2: β1, k3: (1 − β1)·D, k4: β2,
 * k5: (1 − β2)·D², k6: β3, k7: the s coefficient.
 */
// @ts-ignore: decorator
@inline function ge(a: usize, b: usize, k0: v128, k1: v128): v128 { return f32x4.add(f32x4.mul(k0, v128.load(b)), f32x4.mul(k1, v128.load(a))); }
@final export class StateForm {
  // @ts-ignore: decorator
  @inline decayed(mode: i32): i32 { return 0b10; }
  // @ts-ignore: decorator
  @inline sums(): i32 { return 2; }
  // @ts-ignore: decorator
  @inline term(s: i32, a: usize, b: usize, c: usize, d: usize, e: usize, f: usize,
    k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128, k6: v128, k7: v128, k8: v128, k9: v128, mode: i32): v128 {
    const gv = ge(a, b, k0, k1);
    if (s == 0) return f32x4.mul(gv, f32x4.sub(v128.load(f), v128.load(a)));
    return f32x4.abs(f32x4.add(f32x4.mul(k6, v128.load(e)), f32x4.mul(k7, gv)));
  }
  // @ts-ignore: decorator
  @inline update(a: usize, b: usize, c: usize, d: usize, e: usize, f: usize,
    k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128, k6: v128, k7: v128, k8: v128, k9: v128, mode: i32): v128 {
    const gv = ge(a, b, k0, k1), mv = v128.load(c), vv = v128.load(d), sv = v128.load(e);
    v128.store(c, nextM(mv, gv, k2, k3));
    v128.store(d, nextV(vv, gv, k4, k5));
    v128.store(e, f32x4.add(f32x4.mul(k6, sv), f32x4.mul(k7, gv)));
    return f32x4.splat(0);
  }
}

/** x ← x − (k0·x + direction(m, v, k1, k2)): decoupled decay inside the one difference, never a factor 1 − dl. a: x, c: m, d: v. */
@final export class ParamForm {
  // @ts-ignore: decorator
  @inline moves(mode: i32): bool { return true; }
  // @ts-ignore: decorator
  @inline decayed(mode: i32): i32 { return 0b1; }
  // @ts-ignore: decorator
  @inline update(a: usize, b: usize, c: usize, d: usize, e: usize, f: usize,
    k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128, k6: v128, k7: v128, k8: v128, k9: v128, mode: i32): v128 {
    const xv = v128.load(a);
    const dx = f32x4.add(f32x4.mul(k0, xv), direction(v128.load(c), v128.load(d), k1, k2)), y = f32x4.sub(xv, dx);
    v128.store(a, y);
    return moved(dx, y);
  }
}

export function prodigyStep(base: i32, loss: f64): i32 {
  const gg = gradNormSq(normSq(G, NPAD), true);
  if (gg < 0) return refusal;
  const c = clipScale(gg), k = state(S_step), first = k == 0, d0 = hyper(HP_prodigy_d0);
  const b1 = hyper(HP_beta1), b2 = hyper(HP_beta2), b3 = Math.sqrt(b2), t = k + 1;
  const decoupled = base == BASE_adamw, wd = hyper(HP_weightDecay);
  if (first) copy(slot(X0), X, NPAD);
  const D = first ? d0 : state(S_prodigy_D), Dmax0 = first ? d0 : state(S_prodigy_Dmax);
  const B = hyper(HP_prodigy_biasCorrection) != 0 ? Math.sqrt(1 - powi(b2, t)) / (1 - powi(b1, t)) : 1;
  const eta = D * lrNow() * B;
  const sk = (D / d0) * (hyper(HP_prodigy_safeguardWarmup) != 0 ? D : eta);
  const z = none();
  pass<StateForm>(NPAD, X, G, slot(M), slot(V), slot(S), slot(X0), splat(c), splat(decoupled ? 0 : wd),
    splat(b1), splat((1 - b1) * D), splat(b2), splat((1 - b2) * D * D), splat(b3), splat(sk), z, z, 0);
  const R = b3 * (first ? 0 : state(S_prodigy_R)) + (D / d0) * eta * sum0;
  const sNorm = sum1;
  countStep();
  setState(S_prodigy_R, R);
  let next = D, Dmax = Dmax0, dHat: f64 = 0, finite = true;
  if (sNorm > 0) {
    dHat = hyper(HP_prodigy_dCoef) * R / sNorm;
    if (D == d0) next = Math.max(D, dHat);
    Dmax = Math.max(Dmax, dHat);
    const growth = hyper(HP_prodigy_growthRate);
    next = growth > 0 ? Math.min(Dmax, next * growth) : Dmax; // growth ∞: D = Dmax
    const ok = pass<ParamForm>(NPAD, X, X, slot(M), slot(V), X, X, splat(decoupled ? wd * eta : 0),
      splat(eta * (b1 > 0 ? 1 : next / D)), splat(next * hyper(HP_eps)), z, z, z, z, z, z, z, 0);
    finite = finiteAfter(ok, X, NPAD);
  }
  setState(S_prodigy_D, next); setState(S_prodigy_Dmax, Dmax);
  setStat(T_prodigy_d, next); setStat(T_prodigy_dHat, dHat); setStat(T_prodigy_dMax, Dmax);
  setStat(T_prodigy_numerator, R); setStat(T_prodigy_sNorm, sNorm);
  return finish(eta, finite);
}
