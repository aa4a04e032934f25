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
import { sum4, finiteAfter, ROLLED } from '../simd';
import { diffNorms, normSq, sum0, sum1 } from '../loops';
import { gradNormSq, refusal, clipScale, countStep, finish } from '../step';
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

// x ← x − α·g; P ← g
// @ts-ignore: decorator
@inline function move(x: usize, g: usize, p: usize, va: v128): v128 {
  const gv = v128.load(g);
  v128.store(p, gv);
  const y = f32x4.sub(v128.load(x), f32x4.mul(va, gv));
  v128.store(x, y);
  return y;
}

// x ← x + k·P
// @ts-ignore: decorator
@inline function back(x: usize, p: usize, vk: v128): v128 {
  const y = f32x4.add(v128.load(x), f32x4.mul(vk, v128.load(p)));
  v128.store(x, y);
  return y;
}

function moveAll(alpha: f64): bool {
  const va = f32x4.splat(<f32>alpha), end = X + (<usize>NPAD << 2);
  let ok = f32x4.splat(0), x = X, g = G, p = slot(0);
  while (x < end) {
    const y0 = move(x, g, p, va);
    if (ROLLED) { ok = f32x4.add(ok, y0); x += 16; g += 16; p += 16; continue; }
    const y1 = move(x + 16, g + 16, p + 16, va);
    const y2 = move(x + 32, g + 32, p + 32, va), y3 = move(x + 48, g + 48, p + 48, va);
    ok = f32x4.add(ok, sum4(y0, y1, y2, y3));
    x += 64; g += 64; p += 64;
  }
  return finiteAfter(ok, X, NPAD);
}

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
    const vk = f32x4.splat(<f32>(alpha - next)), end = X + (<usize>NPAD << 2);
    let ok = f32x4.splat(0), x = X, p = slot(0);
    while (x < end) { // (rare: not unrolled)
      ok = f32x4.add(ok, back(x, p, vk));
      x += 16; p += 16;
    }
    finite = finiteAfter(ok, X, NPAD);
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
