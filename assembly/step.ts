// What every rule's step shares: the non-finite policy, clipping, the bookkeeping at the end.
import { hyper, state, setState, setStat } from './layout';
import {
  HP_clipNorm, HP_skipNonFinite, S_step, S_skipped, S_lr, T_lr, T_gradNorm, T_clipScale,
  OK, NONFINITE_GRAD, DIVERGED,
} from './ids';

/** A non-finite gradient: nothing changes (the skip is counted when asked). */
export function nonFinite(): i32 {
  if (hyper(HP_skipNonFinite) != 0) setState(S_skipped, state(S_skipped) + 1);
  return NONFINITE_GRAD;
}

/** From ‖g‖²: records gradNorm and returns the clip scale (1 when not clipped). */
export function clipScale(gg: f64): f64 {
  const gnorm = Math.sqrt(gg), clip = hyper(HP_clipNorm);
  const c = clip > 0 && gnorm > clip ? clip / gnorm : 1.0;
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
  return finite ? OK : DIVERGED;
}
