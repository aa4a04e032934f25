// secant — LR from the stochastic secant equation (Zhuang Yang, "Explainable Learning Rate
// Regimes for Stochastic Optimization", arXiv 2508.13639): A-SGD, A-SGDM, A-SignSGD. The
// paper's body could not be read: this is the reconstruction in docs/rules/secant.md,
// with the closed form behind the `formula` option.
//
// Per step: g from the caller (or, with evaluations = 2, the fresh-batch gradient h0);
//   h0 = ∇f_{S_H}(x) ('fresh'), h1 = ∇f_{S_H}(x + c·s) ('repeat': the same S_H), s = g or sign(g)
//   y = h1 − h0;  ss = s·s, sy = s·y, yy = y·y  (differences first, sums in f64)
//   η = damped ss/(|sy| + ss) | ridge sy/(yy + ss) | bb1 ss/sy | bb2 sy/yy   (docs/rules)
//   the base step (sgd, momentum, sign) with lr = η
// An undefined η (sy ≤ 0 for bb1/bb2/ridge, or non-finite) keeps the previous one.
import { P as X, G, NPAD, hyper, state, setState, setStat, scratch, setGrads } from '../layout';
import { HP_lr, BATCH_fresh, BATCH_repeat } from '../ids';
import { HP_secant_formula, HP_secant_evaluations, HP_secant_probe, C_secant_probe_sign, C_secant_formula_damped, C_secant_formula_ridge, C_secant_formula_bb1, C_secant_formula_bb2, HP_secant_probeScale, S_secant_eta, S_secant_started, T_secant_ss, T_secant_sy, T_secant_yy, T_secant_fallback } from '../generated/ids';
import { sign4 } from '../simd';
import { copy, pass, splat, none, sum0, sum1, sum2, sum3 } from '../loops';
import { baseUpdate } from '../bases/index';
import { nonFinite, clipScale, countStep, finish } from '../step';

const H0: u32 = 0, H1: u32 = 1, BACKUP: u32 = 2; // scratch vectors

// @ts-ignore: decorator
@inline function twoEvals(): bool { return hyper(HP_secant_evaluations) == 2; }
// @ts-ignore: decorator
@inline function signProbe(): bool { return hyper(HP_secant_probe) == C_secant_probe_sign; }
/** The gradient of this step: the caller's, or the fresh-batch one in two-evaluation mode. */
// @ts-ignore: decorator
@inline function grad(): usize { return twoEvals() ? scratch(H0) : G; }

export function secantProbes(base: i32): i32 { return 2; }

// @ts-ignore: decorator
@inline const SIGN = 1;  // the probe displacement is sign(g)
/** s = g or sign(g). */
// @ts-ignore: decorator
@inline function probe(g: usize, mode: i32): v128 { const gv = v128.load(g); return mode == SIGN ? sign4(gv) : gv; }

/** x ← backup + k0·s. a: x, b: g, c: the backup. */
@final export class LookAhead {
  // @ts-ignore: decorator
  @inline update(a: usize, b: usize, c: usize, d: usize, e: usize, f: usize,
    k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128, k6: v128, k7: v128, k8: v128, k9: v128, mode: i32): v128 {
    v128.store(a, f32x4.add(v128.load(c), f32x4.mul(k0, probe(b, mode))));
    return f32x4.splat(0);
  }
}

/** g·g, s·s, s·y, y·y with y = h1 − h0 formed first. a: g, b: h0, c: h1. */
@final export class Secant {
  // @ts-ignore: decorator
  @inline sums(): i32 { return 4; }
  // @ts-ignore: decorator
  @inline term(s: i32, a: usize, b: usize, c: usize, d: usize, e: usize, f: usize,
    k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128, k6: v128, k7: v128, k8: v128, k9: v128, mode: i32): v128 {
    const gv = v128.load(a), y = f32x4.sub(v128.load(c), v128.load(b)), sv = probe(a, mode);
    return s == 0 ? f32x4.mul(gv, gv) : s == 1 ? f32x4.mul(sv, sv) : s == 2 ? f32x4.mul(sv, y) : f32x4.mul(y, y);
  }
}
export function secantBatch(k: i32): i32 { return k == 0 ? BATCH_fresh : BATCH_repeat; }

/**
 * Evaluation 0 happens at x: back x up. Evaluation 1 happens at x + c·s, formed from the
 * backup (whatever the first closure call wrote into params).
 */
export function secantEnter(base: i32, k: i32): void {
  if (k == 0) { copy(scratch(BACKUP), X, NPAD); return; }
  if (signProbe()) lookAheadSign(); else lookAheadGradient();
}

// x ← backup + c·s, one function per probe form (inlined side by side, the loops were folded
// into one that chose the form per vector)
// @ts-ignore: decorator
@inline function lookAhead(mode: i32): void {
  const z = none();
  pass<LookAhead>(NPAD, X, grad(), scratch(BACKUP), X, X, X, splat(hyper(HP_secant_probeScale)), z, z, z, z, z, z, z, z, z, mode);
}
// @ts-ignore: decorator
@noinline function lookAheadSign(): void { lookAhead(SIGN); }
// @ts-ignore: decorator
@noinline function lookAheadGradient(): void { lookAhead(0); }

/** Puts x back exactly from the backup (never x − c·s, which is not exact in float32), whatever the closure wrote. */
export function secantLeave(base: i32, k: i32): void {
  copy(X, scratch(BACKUP), NPAD);
}

/** The closed forms of docs/rules; NaN where a form is undefined (the caller keeps the last η). */
export function secantEta(formula: i32, ss: f64, sy: f64, yy: f64): f64 {
  switch (formula) {
    case C_secant_formula_damped: return ss / (Math.abs(sy) + ss);          // damped (F4, default): in (0, 1]
    case C_secant_formula_ridge: return sy > 0 ? sy / (yy + ss) : NaN;     // ridge (F3)
    case C_secant_formula_bb1: return sy > 0 ? ss / sy : NaN;            // bb1 (F1)
    case C_secant_formula_bb2: return sy > 0 && yy > 0 ? sy / yy : NaN;  // bb2 (F2)
  }
  return NaN;
}

let sgg: f64 = 0, sss: f64 = 0, ssy: f64 = 0, syy: f64 = 0;


/** One pass over g, h0, h1 (Secant). */
function reduce(sgn: bool): void {
  const z = none(), g = grad(), a = scratch(H0), b = scratch(H1);
  pass<Secant>(NPAD, g, a, b, g, g, g, z, z, z, z, z, z, z, z, z, z, sgn ? SIGN : 0); // (one loop: the probe chosen per vector)
  sgg = sum0; sss = sum1; ssy = sum2; syy = sum3;
}

export function secantStep(base: i32, loss: f64): i32 {
  const sgn = signProbe();
  reduce(sgn);
  // g, h0 or h1 not finite, or (all finite) their sums overflowed: GRAD_RANGE
  if (!isFinite(sgg) || !isFinite(syy) || !isFinite(sss) || !isFinite(ssy)) return nonFinite(scratch(H0), scratch(H1));
  const probe = hyper(HP_secant_probeScale);
  // y was measured over a probe of length c·‖s‖: rescale to the unit probe (exact on quadratics)
  const ss = sss, sy = ssy / probe, yy = syy / (probe * probe);
  const prev = state(S_secant_started) != 0 ? state(S_secant_eta) : hyper(HP_lr);
  let eta = secantEta(<i32>hyper(HP_secant_formula), ss, sy, yy);
  let fallback = 0;
  if (!(eta > 0 && isFinite(eta)) || !(ss > 0)) { eta = prev; fallback = 1; }
  const c = clipScale(sgg);
  countStep();
  // with two evaluations the base steps along the fresh-batch gradient h0, read in place:
  // the caller's grads are never written
  const own = twoEvals() ? setGrads(scratch(H0)) : 0;
  const finite = baseUpdate(base, eta, c);
  if (own != 0) setGrads(own);
  setState(S_secant_eta, eta); setState(S_secant_started, 1);
  setStat(T_secant_ss, ss); setStat(T_secant_sy, sy); setStat(T_secant_yy, yy); setStat(T_secant_fallback, fallback);
  return finish(eta, finite);
}
