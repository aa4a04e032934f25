// p2min — ELRA's parabola-fit LR (Kleinsorge et al., arXiv 2309.06274), the authors' Jan-2024
// form (docs/rules/p2min.md). Its own update, no momentum:
//   x ← x − α·G,  with α from a secant fit along the last step: α ← α/h, h = 1 − (G·P)/(P·P),
//   which is the Barzilai–Borwein step s·s/s·y; wrapped in a warm-up growth cap, α bounds, a
//   loss-based acceptance test and a retrace (parabola through the losses) on rejection.
// Passes: an accepted step is one reduction (G·G, G·P) and one fused update (x, P); a retrace
// is one pass, x ← x + (α_old − α_new)·P, and needs no gradient.
import { P as X, G, N, NPAD, hyper, state, setState, setStat, slot } from '../layout';
import { HP_lr, S_retraces, BAD_LOSS, OK } from '../ids';
import { S_p2min_alpha, S_p2min_D, S_p2min_E, S_p2min_best, S_p2min_last, S_p2min_finit, S_p2min_q, S_p2min_started, T_p2min_h, T_p2min_growthCap, T_p2min_tolerance, T_p2min_retraced, T_p2min_bestLoss } from '../generated/ids';
import { finiteAfter } from '../simd';
import { diffNorms, normSq, sum0, sum1, pass, splat, none, ownLoop, moved, measured, measuring, MEASURE } from '../loops';
import { gradNormSq, refusal, clipScale, countStep, finish, undoFactor } from '../step';
import { below, leak } from '../loss';
import { powf } from '../math';

const D0: f64 = 855000, E0: f64 = 500000;
const ALPHA_MIN: f64 = 1e-8, ALPHA_MAX: f64 = 1e6;
const SMALL_N: u32 = 20; // n ≤ 20: the exact secant step, no start guard

function tolerance(B: f64, E: f64): f64 {
  return 25 + (2500 + 71 * Math.sqrt(Math.abs(B))) / (1 + Math.sqrt(E));
}

function accepted(loss: f64): bool {
  const B = state(S_p2min_best), finit = state(S_p2min_finit);
  const early = N <= SMALL_N || below(loss, finit, 1.1);
  return early && below(loss, B, 1.1 * tolerance(B, state(S_p2min_E)));
}

/** Whether step(loss) would use the gradient (false: it will retrace, skip backprop). */
export function p2minWants(loss: f64): bool {
  return state(S_p2min_started) == 0 || accepted(loss);
}

// @ts-ignore: decorator
@inline function clampAlpha(a: f64): f64 { return Math.min(ALPHA_MAX, Math.max(ALPHA_MIN, a)); }

/** The growth damper D and the cap g = 1e6/(1 + D) it gives. */
function growth(retraced: bool): f64 {
  let D = state(S_p2min_D);
  if (retraced) {
    if (D > 1 && D < 62500) D *= 16;
    else if (D >= 62500) D = D0;
    else D += 16;
  } else D /= 3.9;
  setState(S_p2min_D, D);
  return 1e6 / (1 + D);
}

// @ts-ignore: decorator
@inline const MOVE = 0;   // x ← x − k0·g; P ← g
// @ts-ignore: decorator
@inline const BACK = 1;   // x ← x + k0·P

/** a: x, b: g, c: P. */
@final export class Update {
  // @ts-ignore: decorator
  @inline moves(mode: i32): bool { return (mode & MEASURE) != 0; }
  // @ts-ignore: decorator
  @inline stepped(mode: i32): i32 { return 0b1; }
  // @ts-ignore: decorator
  @inline update(a: usize, b: usize, c: usize, d: usize, e: usize, f: usize,
    k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128, k6: v128, k7: v128, k8: v128, k9: v128, mode: i32): v128 {
    let y: v128, dx: v128;
    if (mode & BACK) { dx = f32x4.mul(k0, v128.load(c)); y = f32x4.add(v128.load(a), dx); }
    else {
      const gv = v128.load(b);
      v128.store(c, gv);
      dx = f32x4.mul(k0, gv);
      y = f32x4.sub(v128.load(a), dx);
    }
    v128.store(a, y);
    return mode & MEASURE ? moved(dx, y) : y;
  }
}

// (the size build: one loop for both, the sweep chosen per vector)
// @ts-ignore: decorator
@inline function sweep(mode: i32, k: f64): bool {
  const z = none();
  return finiteAfter(pass<Update>(NPAD, X, G, slot(0), X, X, X, splat(k), z, z, z, z, z, z, z, z, z, mode), X, NPAD);
}
// @ts-ignore: decorator
@noinline function anySweep(mode: i32, k: f64): bool { return sweep(mode, k); }

function moveAll(alpha: f64): bool { return ownLoop(true) && !measured() ? sweep(MOVE, alpha) : anySweep(MOVE | measuring(), alpha); }

export function p2minStep(base: i32, loss: f64): i32 {
  // (nothing, stats included, is written before the finiteness checks)
  if (state(S_p2min_started) == 0) {
    if (!isFinite(loss)) return BAD_LOSS;
    const gg = gradNormSq(normSq(G, NPAD), false);
    if (gg < 0) return refusal;
    clipScale(gg);
    const alpha = hyper(HP_lr);
    const finite = moveAll(alpha);
    setState(S_p2min_alpha, alpha); setState(S_p2min_D, D0); setState(S_p2min_E, E0);
    setState(S_p2min_best, loss); setState(S_p2min_last, loss); setState(S_p2min_finit, loss);
    setState(S_p2min_q, gg); setState(S_p2min_started, 1);
    setStat(T_p2min_h, 0); setStat(T_p2min_growthCap, 0); setStat(T_p2min_bestLoss, loss); setStat(T_p2min_retraced, 0);
    setStat(T_p2min_tolerance, tolerance(loss, E0));
    countStep();
    return finish(alpha, finite);
  }

  const alpha = state(S_p2min_alpha), Ga = state(S_p2min_q), B = state(S_p2min_best);
  const tau = tolerance(B, state(S_p2min_E));
  let worse = false, next: f64, finite: bool;
  if (!accepted(loss)) {
    // rejected: fit a parabola through L (slope −Ga at 0) and the loss at alpha, go back there
    growth(true);
    let m = 0.5 * alpha * Ga / ((loss - state(S_p2min_last)) + alpha * Ga);
    if (!(m > 0 && m < 1)) m = 0.01; // no usable parabola (NaN loss, loss fell): shorten hard
    next = clampAlpha(alpha * m);
    undoFactor();
    finite = anySweep(BACK | measuring(), alpha - next); // (rare: one loop for both in the speed build too)
    setState(S_retraces, state(S_retraces) + 1);
    setStat(T_p2min_retraced, 1);
  } else {
    diffNorms(G, slot(0), NPAD);
    const spy = sum1, sgg = gradNormSq(sum0, false); // spy = P·(P − G) = P·P − G·P, without the cancellation
    if (sgg < 0) return refusal;
    clipScale(sgg);
    if (!(Ga > 0)) {
      // the previous gradient was exactly zero: no secant; the iterate is stationary
      setStat(T_p2min_h, 0); setStat(T_p2min_retraced, 0); setStat(T_p2min_tolerance, tau);
      setState(S_p2min_best, leak(loss, B));
      return OK;
    }
    worse = loss > state(S_p2min_last);
    setState(S_p2min_last, loss);
    const g = growth(false);
    const h = isFinite(spy) ? spy / Ga : 0; // = 1 − (G·P)/(P·P); an overflowed sum is no curvature seen
    if (g * h < 1) next = g * alpha;            // includes h ≤ 0: no positive curvature seen
    else if (N <= SMALL_N) next = alpha / h;     // the exact secant (BB1) step
    else {
      // networks: overshoot the parabola by up to ~11% while the loss is high
      const k = 2.35 / Math.max(Math.abs(state(S_p2min_finit)), 1e-30);
      const r = powf(Math.abs(B) * k * k, 0.8);
      next = alpha / (h * (1 - 0.14 * Math.min(0.7, Math.max(0, r))));
    }
    next = clampAlpha(next);
    finite = moveAll(next);
    setState(S_p2min_q, sgg);
    setStat(T_p2min_h, h); setStat(T_p2min_growthCap, g); setStat(T_p2min_retraced, 0);
  }
  setStat(T_p2min_tolerance, tau);
  setState(S_p2min_alpha, next);
  setState(S_p2min_best, leak(loss, B));
  // error damper: a run of good steps makes the test more permissive
  let E = state(S_p2min_E);
  if (!worse) E /= 1.69;
  else if (E < 1) E += 16;
  else if (E < E0) E *= 16;
  else E = E0;
  setState(S_p2min_E, E);
  setStat(T_p2min_bestLoss, state(S_p2min_best));
  countStep();
  return finish(next, finite);
}
