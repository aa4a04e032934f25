// dadapt — D-Adaptation (Defazio & Mishchenko, ICML 2023, arXiv 2301.07733), the SGD form and
// the Adam form (v3, "IP"), as the official PyTorch code computes them:
// docs/rules/dadapt.md. A parameter-free baseline: lr is a multiplier (default 1)
// on the distance estimate D, which starts at d0 and only grows.
//
// sgd / momentum (β = the base's momentum, 0 for sgd), k counts steps from 0:
//   G0 = ‖g_0‖ (raw, before weight decay);  η = D·lr/G0
//   ge = g + λx;  R ← R + η⟨ge, s⟩ (old s);  s ← s + η·ge;  D̂ = 2R/‖s‖
//   x ← β·x + (1−β)·(x0 − s)                 (β = 0: dual averaging, x = x0 − s)
// adam (L2 λ) / adamw (decoupled λ), β3 = √β2, B = bias correction (off by default):
//   η = D·lr·B;  A = η·Σ ge·s/(√v + ε) (old s, v)
//   m ← β1·m + (1−β1)·η·ge;  v ← β2·v + (1−β2)·ge²;  s ← β3·s + (1−β3)·η·ge
//   R ← β3·R + (1−β3)·A;  D̂ = R/((1−β3)·‖s‖₁)
//   adamw: x ← x − λη·x;  then x ← x − m/(√v + ε)   (m already carries η)
// then D ← max(D, min(D̂, D·growth)): the new D acts from the next step.
// Passes: the ‖g‖² pass every rule makes (finiteness, clipping), then one fused pass that
// updates the state, x and the two sums for D̂ (plus, at k = 0, a copy x → x0 for sgd). The
// SGD form's second sum also carries x_new·0, so a non-finite new parameter shows there (a
// scan decides when it is not finite: the sum of s can overflow too); the Adam form scans x
// after its pass (measured faster than carrying the whole Adam step into the sum).
import { P as X, G, NPAD, hyper, state, setState, setStat, slot } from '../layout';
import { HP_momentum, HP_beta1, HP_beta2, HP_eps, HP_weightDecay, S_step } from '../ids';
import { BASE_adam, BASE_adamw, BASE_momentum, HP_dadapt_d0, HP_dadapt_growthRate, HP_dadapt_biasCorrection, S_dadapt_D, S_dadapt_R, S_dadapt_G0, T_dadapt_d, T_dadapt_dHat, T_dadapt_numerator, T_dadapt_sNorm } from '../generated/ids';
import { allFinite } from '../simd';
import { normSq, copy, pass, splat, none, sum0, sum1, ownLoop } from '../loops';
import { nextM, nextV, direction } from '../bases/adam';
import { gradNormSq, refusal, clipScale, countStep, finish, lrNow } from '../step';
import { powi } from '../math';

let sumA: f64 = 0, sumB: f64 = 0;

/** D ← max(D, min(D̂, D·growth)); growth 0 stands for Infinity. */
export function grow(D: f64, dHat: f64, growth: f64): f64 {
  return Math.max(D, growth > 0 ? Math.min(dHat, D * growth) : dHat);
}

/**
 * The SGD form: sum0 = ⟨ge, s_old⟩, sum1 = ‖s_new‖² (+ x_new·0: NaN exactly when a new
 * parameter is not finite); s and x updated. a: x, b: g, c: s, d: x0; k0: η, k1: c, k2: λ,
 * k3: β, k4: 1 − β. (With `momentum`, its buffer slot holds s: this form keeps no buffer.)
 */
// @ts-ignore: decorator
@inline function sgdGe(a: usize, b: usize, k1: v128, k2: v128): v128 { return f32x4.add(f32x4.mul(k1, v128.load(b)), f32x4.mul(k2, v128.load(a))); }
@final export class SgdForm {
  // @ts-ignore: decorator
  @inline decayed(mode: i32): i32 { return 0b100; }
  // @ts-ignore: decorator
  @inline sums(): i32 { return 2; }
  // @ts-ignore: decorator
  @inline term(s: i32, a: usize, b: usize, c: usize, d: usize, e: usize, f: usize,
    k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128, k6: v128, k7: v128, k8: v128, k9: v128, mode: i32): v128 {
    const ge = sgdGe(a, b, k1, k2), sv = v128.load(c);
    if (s == 0) return f32x4.mul(ge, sv);
    const sn = f32x4.add(sv, f32x4.mul(k0, ge));
    const y = f32x4.add(f32x4.mul(k3, v128.load(a)), f32x4.mul(k4, f32x4.sub(v128.load(d), sn)));
    return f32x4.add(f32x4.mul(sn, sn), f32x4.mul(y, f32x4.splat(0)));
  }
  // @ts-ignore: decorator
  @inline update(a: usize, b: usize, c: usize, d: usize, e: usize, f: usize,
    k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128, k6: v128, k7: v128, k8: v128, k9: v128, mode: i32): v128 {
    const ge = sgdGe(a, b, k1, k2);
    const sn = f32x4.add(v128.load(c), f32x4.mul(k0, ge));
    const y = f32x4.add(f32x4.mul(k3, v128.load(a)), f32x4.mul(k4, f32x4.sub(v128.load(d), sn)));
    v128.store(c, sn);
    v128.store(a, y);
    return f32x4.splat(0);
  }
}

// @ts-ignore: decorator
@inline const L2 = 0;
// @ts-ignore: decorator
@inline const DECOUPLED = 1;

/**
 * The Adam form: sum0 = Σ ge·s/(√v + ε) (old s, v), sum1 = ‖s_new‖₁. a: x, b: g,
 * c: m, d: v, e: s; k0: c, k1: λ (L2) or λη (DECOUPLED: x − (λη)·x, never a factor 1 − λη),
 * k2: β1, k3: (1 − β1)·η, k4: β2, k5: 1 − β2, k6: β3, k7: (1 − β3)·η, k8: ε, k9: 1.
 */
// @ts-ignore: decorator
@inline function adamGe(a: usize, b: usize, k0: v128, k1: v128, mode: i32): v128 {
  const gc = f32x4.mul(k0, v128.load(b));
  return mode == L2 ? f32x4.add(gc, f32x4.mul(k1, v128.load(a))) : gc;
}
// @ts-ignore: decorator
@inline function adamX(a: usize, mn: v128, vn: v128, k1: v128, k8: v128, k9: v128, mode: i32): v128 {
  const xv = v128.load(a), q = direction(mn, vn, k9, k8);
  return mode == DECOUPLED ? f32x4.sub(xv, f32x4.add(f32x4.mul(k1, xv), q)) : f32x4.sub(xv, q);
}
@final export class AdamForm {
  // @ts-ignore: decorator
  @inline decayed(mode: i32): i32 { return 0b10; }
  // @ts-ignore: decorator
  @inline sums(): i32 { return 2; }
  // @ts-ignore: decorator
  @inline term(s: i32, a: usize, b: usize, c: usize, d: usize, e: usize, f: usize,
    k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128, k6: v128, k7: v128, k8: v128, k9: v128, mode: i32): v128 {
    const ge = adamGe(a, b, k0, k1, mode), sv = v128.load(e);
    if (s == 0) return f32x4.div(f32x4.mul(ge, sv), f32x4.add(f32x4.sqrt(v128.load(d)), k8));
    const mn = nextM(v128.load(c), ge, k2, k3), vn = nextV(v128.load(d), ge, k4, k5);
    const sn = f32x4.add(f32x4.mul(k6, sv), f32x4.mul(k7, ge));
    return f32x4.abs(sn);
  }
  // @ts-ignore: decorator
  @inline update(a: usize, b: usize, c: usize, d: usize, e: usize, f: usize,
    k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128, k6: v128, k7: v128, k8: v128, k9: v128, mode: i32): v128 {
    const ge = adamGe(a, b, k0, k1, mode);
    const mn = nextM(v128.load(c), ge, k2, k3), vn = nextV(v128.load(d), ge, k4, k5);
    const sn = f32x4.add(f32x4.mul(k6, v128.load(e)), f32x4.mul(k7, ge));
    const y = adamX(a, mn, vn, k1, k8, k9, mode);
    v128.store(c, mn); v128.store(d, vn); v128.store(e, sn); v128.store(a, y);
    return f32x4.splat(0);
  }
}

/** The Adam form's pass; `mode` is a literal at each call. */
// @ts-ignore: decorator
@inline function adamPass(eta: f64, c: f64, mode: i32): bool {
  const b1 = hyper(HP_beta1), b2 = hyper(HP_beta2), b3 = Math.sqrt(b2), wd = hyper(HP_weightDecay);
  pass<AdamForm>(NPAD, X, G, slot(0), slot(1), slot(2), X, splat(c), splat(mode == DECOUPLED ? wd * eta : wd),
    splat(b1), splat((1 - b1) * eta), splat(b2), splat(1 - b2), splat(b3), splat((1 - b3) * eta), splat(hyper(HP_eps)), splat(1), mode);
  sumA = eta * sum0; sumB = sum1;
  return allFinite(X, NPAD);
}

// one function per form in the speed build, so each loop compiles on its own; one loop for both in the size build
// @ts-ignore: decorator
@noinline function adamPassL2(eta: f64, c: f64): bool { return adamPass(eta, c, L2); }
// @ts-ignore: decorator
@noinline function adamPassDecoupled(eta: f64, c: f64): bool { return adamPass(eta, c, DECOUPLED); }
// @ts-ignore: decorator
@noinline function adamPassAny(eta: f64, c: f64, mode: i32): bool { return adamPass(eta, c, mode); }

export function dadaptStep(base: i32, loss: f64): i32 {
  const gg = gradNormSq(normSq(G, NPAD), base == BASE_adam || base == BASE_adamw);
  if (gg < 0) return refusal;
  const c = clipScale(gg), lr = lrNow(), growth = hyper(HP_dadapt_growthRate);
  const k = state(S_step), first = k == 0;
  let D = first ? hyper(HP_dadapt_d0) : state(S_dadapt_D);
  let R = first ? 0 : state(S_dadapt_R);
  let eta: f64, dHat: f64, sNorm: f64, finite: bool;
  if (base == BASE_adam || base == BASE_adamw) {
    const t = k + 1, b1 = hyper(HP_beta1), b2 = hyper(HP_beta2), b3 = Math.sqrt(b2);
    const B = hyper(HP_dadapt_biasCorrection) != 0 ? Math.sqrt(1 - powi(b2, t)) / (1 - powi(b1, t)) : 1;
    eta = D * lr * B;
    countStep();
    finite = !ownLoop(true) ? adamPassAny(eta, c, base == BASE_adamw ? DECOUPLED : L2)
      : base == BASE_adamw ? adamPassDecoupled(eta, c) : adamPassL2(eta, c);
    R = b3 * R + (1 - b3) * sumA;
    sNorm = sumB;
    dHat = sNorm > 0 ? R / ((1 - b3) * sNorm) : 0;
  } else {
    let G0 = state(S_dadapt_G0);
    if (first) {
      G0 = c * Math.sqrt(gg);
      if (!(G0 > 0)) return finish(0, true); // a zero first gradient: nothing to scale by, wait
      copy(slot(1), X, NPAD); // x0
      setState(S_dadapt_G0, G0);
    }
    eta = D * lr / G0;
    countStep();
    const beta = base == BASE_momentum ? hyper(HP_momentum) : 0;
    const z = none();
    pass<SgdForm>(NPAD, X, G, slot(0), slot(1), X, X, splat(eta), splat(c), splat(hyper(HP_weightDecay)), splat(beta), splat(1 - beta), z, z, z, z, z, 0);
    sumA = sum0; sumB = sum1;
    finite = isFinite(sumB) || allFinite(X, NPAD);
    R += eta * sumA;
    sNorm = Math.sqrt(sumB);
    dHat = sNorm > 0 ? 2 * R / sNorm : 0;
  }
  const next = grow(D, dHat, growth);
  setState(S_dadapt_D, next); setState(S_dadapt_R, R);
  setStat(T_dadapt_d, next); setStat(T_dadapt_dHat, dHat); setStat(T_dadapt_numerator, R); setStat(T_dadapt_sNorm, sNorm);
  return finish(eta, finite);
}

