// What every rule's step shares: the non-finite policy, clipping, the bookkeeping at the end.
import { hyper, state, setState, setStat, G, NPAD } from './layout';
import { HP_lr, HP_clipNorm, HP_skipNonFinite, S_step, S_skipped, S_lr, S_applied, T_lr, T_gradNorm, T_clipScale, T_schedule, OK, NONFINITE_GRAD, DIVERGED, GRAD_RANGE } from './ids';
import { applied, setApplied } from './loops';
import { scheduleAt } from './schedule';
import { allFinite, normSq64, maxAbs } from './simd';

/**
 * A step refused because a sum over the gradients is not finite: nothing changes. When the
 * gradient (and the closure's gradients `h1`, `h2`, where given) holds NaN or ±Infinity, that
 * is a non-finite gradient (the skip is counted when asked); when every value is finite, the
 * rule's float32 sums overflowed: GRAD_RANGE, never counted as a skip.
 */
export function nonFinite(h1: usize = 0, h2: usize = 0): i32 {
  return refuse(allFinite(G, NPAD) && (h1 == 0 || allFinite(h1, NPAD)) && (h2 == 0 || allFinite(h2, NPAD)));
}

/** The refusal's code: GRAD_RANGE for finite gradients, else a (counted when asked) non-finite skip. */
function refuse(finite: bool): i32 {
  if (finite) return GRAD_RANGE;
  if (hyper(HP_skipNonFinite) != 0) setState(S_skipped, state(S_skipped) + 1);
  return NONFINITE_GRAD;
}

/** 2^64: a float32 whose magnitude reaches it has a square that overflows float32. */
const SQUARE_LIMIT: f64 = 18446744073709551616.0;

/**
 * ‖g‖² for the step, from a reduction's f32 sum `gg`. A non-finite sum is either a non-finite
 * gradient or finite values whose f32 squares overflowed (|g_i| ≥ 2^64): an exact scan tells
 * them apart, and the second gets ‖g‖² summed in f64, so a finite gradient steps (clipped
 * where clipNorm is set). With `squares` (bases that keep squared gradients: Adam's v), a
 * coordinate whose scaled square would make v infinite is refused. Returns -1 when refused;
 * `refusal` then holds the result code (NONFINITE_GRAD or GRAD_RANGE). Nothing is written
 * otherwise.
 */
export let refusal: i32 = OK;
/** Set by gradNormSq: this step's gradient has coordinates whose f32 squares overflow. */
export let wideGrad = false;
export function gradNormSq(gg: f64, squares: bool): f64 {
  wideGrad = false;
  if (!isFinite(gg)) {
    if (!allFinite(G, NPAD)) { refusal = refuse(false); return -1; }
    gg = normSq64(G, NPAD);
    wideGrad = true;
  }
  if (squares && wideGrad) {
    // Adam scales such a gradient by c before squaring (bases/adam.ts): c·|g_i| must stay below 2^64
    const gnorm = Math.sqrt(gg), c = clipFactor(gnorm);
    if (c * gnorm >= SQUARE_LIMIT && c * maxAbs(G, NPAD) >= SQUARE_LIMIT) { refusal = GRAD_RANGE; return -1; }
  }
  return gg;
}

/** The factor that brings a gradient of norm `gnorm` to clipNorm (1 when not clipped). */
// @ts-ignore: decorator
@inline function clipFactor(gnorm: f64): f64 {
  const clip = hyper(HP_clipNorm);
  return clip > 0 && gnorm > clip ? clip / gnorm : 1.0;
}

/** From ‖g‖²: records gradNorm and returns the clip scale (1 when not clipped). */
export function clipScale(gg: f64): f64 {
  const gnorm = Math.sqrt(gg), c = clipFactor(gnorm);
  setStat(T_gradNorm, gnorm);
  setStat(T_clipScale, c);
  return c;
}

/** Counts the update about to be applied (Adam's bias correction reads the count). */
export function countStep(): void {
  setState(S_step, state(S_step) + 1);
}

/** Records the learning rate the update used and returns the step's result. */
export function finish(lr: f64, finite: bool): i32 {
  setState(S_lr, lr);
  setStat(T_lr, lr);
  setState(S_applied, applied);
  setStat(T_schedule, scheduled);
  return finite ? OK : DIVERGED;
}

// The schedule (schedule.ts) enters every rule from here. By default the driver applies m(t)
// to the step of every update pass (loops.ts, `applied`), so a rule's own estimate is not
// scaled; a rule that reads lrNow() takes m(t) into its own LR instead (each rule's doc says
// which it does, and why).
let scheduled: f64 = 1;
/** Before each step: m(t) for this update. */
export function beginStep(): void {
  scheduled = scheduleAt(state(S_step));
  setApplied(scheduled);
}
/** The configured LR times m(t); the step passes then apply no schedule of their own. */
export function lrNow(): f64 {
  setApplied(1);
  return hyper(HP_lr) * scheduled;
}
/** For a retrace: the update passes that follow undo the last update, at the factor it was applied with. */
export function undoFactor(): void { setApplied(state(S_applied)); }
