// c2min — ELRA's cosine-controlled exponential LR adaption (Kleinsorge et al., arXiv 2309.06274),
// as specified in docs/rules/c2min.md. It carries its own update
// (base 'none'): a momentum that lags by one step and a mix of it with the gradient.
//
// First call (x0, f0, G0):  P ← G0, m ← G0, x ← x − α0·G0
// Then, per step (x, f, G):
//   reject when f ≥ B + 24|B| (= 25·B for B > 0): retrace x ← x + (2/3)·α·d with the previous
//     direction d = (1−β)·P + β·m, α ← α/3, G unused
//   otherwise: c = cos(G, P); α ← α·(1 + k·c) (k = negSlope for c ≤ 0, posSlope for c > 0);
//     β fixed, or the loss-noise rule; m ← 0.8·m + 0.2·P; x ← x − α·((1−β)·G + β·m); P ← G
//   B ← f if f < B, else B + 0.1|B| (= 1.1·B for B > 0)
// Passes: an accepted step is one reduction (G·G, G·P) and one fused update; a retrace is one
// pass and needs no gradient (wantsGradient tells the caller).
import { P as X, G, NPAD, hyper, state, setState, setStat, slot } from '../layout';
import { HP_lr, S_retraces, BAD_LOSS } from '../ids';
import { HP_c2min_beta, HP_c2min_posSlope, HP_c2min_negSlope, S_c2min_alpha, S_c2min_beta, S_c2min_q, S_c2min_best, S_c2min_F, S_c2min_N, S_c2min_f0, S_c2min_started, T_c2min_cos, T_c2min_factor, T_c2min_beta, T_c2min_retraced, T_c2min_bestLoss } from '../generated/ids';
import { finiteAfter } from '../simd';
import { dotNorms, normSq, sum0, sum1, pass, splat, none, ownLoop, moved, measured, measuring, MEASURE } from '../loops';
import { gradNormSq, refusal, clipScale, countStep, finish, undoFactor } from '../step';
import { below, leak } from '../loss';

const RETRACE_AT: f64 = 25;   // reject f ≥ 25·B
const MOMENTUM: f64 = 0.8;    // m ← 0.8·m + 0.2·P

/** Whether step(loss) would use the gradient (false: it will retrace, skip backprop). */
export function c2minWants(loss: f64): bool {
  return state(S_c2min_started) == 0 || below(loss, state(S_c2min_best), RETRACE_AT);
}

// @ts-ignore: decorator
@inline const FIRST = 0;    // x ← x − k0·g; P ← g; m ← g
// @ts-ignore: decorator
@inline const ACCEPT = 1;   // m ← k0·m + k1·P; x ← x − k2·g − k3·m; P ← g
// @ts-ignore: decorator
@inline const RETRACE = 2;  // x ← x + k0·P + k1·m

/** a: x, b: g, c: P, d: m. */
@final export class Update {
  // @ts-ignore: decorator
  @inline moves(mode: i32): bool { return (mode & MEASURE) != 0; }
  // @ts-ignore: decorator
  @inline stepped(mode: i32): i32 { return (mode & 3) == FIRST ? 0b1 : (mode & 3) == ACCEPT ? 0b1100 : 0b11; }
  // @ts-ignore: decorator
  @inline update(a: usize, b: usize, c: usize, d: usize, e: usize, f: usize,
    k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128, k6: v128, k7: v128, k8: v128, k9: v128, mode: i32): v128 {
    if ((mode & 3) == RETRACE) {
      const back = f32x4.add(f32x4.mul(k0, v128.load(c)), f32x4.mul(k1, v128.load(d)));
      const y = f32x4.add(v128.load(a), back);
      v128.store(a, y);
      return mode & MEASURE ? moved(back, y) : y;
    }
    const gv = v128.load(b), xv = v128.load(a);
    let dx: v128;
    if ((mode & 3) == FIRST) {
      v128.store(d, gv);
      dx = f32x4.mul(k0, gv);
    } else {
      const mn = f32x4.add(f32x4.mul(k0, v128.load(d)), f32x4.mul(k1, v128.load(c)));
      v128.store(d, mn);
      dx = f32x4.add(f32x4.mul(k2, gv), f32x4.mul(k3, mn));
    }
    const y = f32x4.sub(xv, dx);
    v128.store(c, gv);
    v128.store(a, y);
    return mode & MEASURE ? moved(dx, y) : y;
  }
}

/** The rare sweeps (first step, retrace) in both builds, and the size build's one loop for all three. */
// @ts-ignore: decorator
@noinline function anyUpdate(mode: i32, k0: f64, k1: f64, k2: f64, k3: f64): bool {
  const z = none();
  return finiteAfter(pass<Update>(NPAD, X, G, slot(0), slot(1), X, X, splat(k0), splat(k1), splat(k2), splat(k3), z, z, z, z, z, z, mode), X, NPAD);
}

function update(mode: i32, k0: f64, k1: f64, k2: f64, k3: f64): bool {
  if (!ownLoop(mode == ACCEPT) || measured()) return anyUpdate(mode | measuring(), k0, k1, k2, k3);
  const z = none();
  return finiteAfter(pass<Update>(NPAD, X, G, slot(0), slot(1), X, X, splat(k0), splat(k1), splat(k2), splat(k3), z, z, z, z, z, z, ACCEPT), X, NPAD);
}

export function c2minStep(base: i32, loss: f64): i32 {
  const p = slot(0);
  // (nothing, stats included, is written before the finiteness checks: a refused step leaves
  // the checkpoint image as it was)
  if (state(S_c2min_started) == 0) {
    if (!isFinite(loss)) return BAD_LOSS;
    const gg = gradNormSq(normSq(G, NPAD), false);
    if (gg < 0) return refusal;
    clipScale(gg);
    const alpha = hyper(HP_lr), fixed = hyper(HP_c2min_beta);
    const finite = update(FIRST, alpha, 0, 0, 0);
    setState(S_c2min_alpha, alpha); setState(S_c2min_q, gg);
    setState(S_c2min_best, loss); setState(S_c2min_F, loss); setState(S_c2min_N, 0);
    setState(S_c2min_f0, loss); setState(S_c2min_beta, fixed < 0 ? 0.75 : fixed);
    setState(S_c2min_started, 1);
    setStat(T_c2min_cos, 0); setStat(T_c2min_factor, 1); setStat(T_c2min_beta, state(S_c2min_beta));
    setStat(T_c2min_bestLoss, loss); setStat(T_c2min_retraced, 0);
    countStep();
    return finish(alpha, finite);
  }

  const B = state(S_c2min_best), alpha = state(S_c2min_alpha), beta = state(S_c2min_beta);
  if (!below(loss, B, RETRACE_AT)) {
    // rejected: undo two thirds of the previous step; the gradient is not read
    const k = 2.0 / 3.0 * alpha;
    undoFactor();
    const finite = update(RETRACE, k * (1 - beta), k * beta, 0, 0);
    const next = alpha / 3;
    setState(S_c2min_alpha, next);
    setState(S_c2min_best, leak(loss, B));
    setState(S_retraces, state(S_retraces) + 1);
    setStat(T_c2min_retraced, 1); setStat(T_c2min_factor, 1.0 / 3.0); setStat(T_c2min_bestLoss, state(S_c2min_best));
    countStep();
    return finish(next, finite);
  }

  dotNorms(G, p, NPAD);
  const sgp = sum1, sgg = gradNormSq(sum0, false);
  if (sgg < 0) return refusal;
  clipScale(sgg);
  const dd = sgg * state(S_c2min_q);
  let c: f64;
  if (dd < 1e-80) c = 0;
  else if (dd > 1e111 || !isFinite(sgp)) c = sgp < 0 ? -0.5 : 0.1; // (G·P overflowed in f32: its sign is still known, or 0.1)
  else c = sgp / Math.sqrt(dd);
  const factor = 1 + (c <= 0 ? hyper(HP_c2min_negSlope) : hyper(HP_c2min_posSlope)) * c;
  const a = alpha * factor;
  let b = hyper(HP_c2min_beta);
  if (b < 0) {
    // the authors' loss-noise rule: beta falls as the minibatch loss gets noisier
    const F = 0.9 * state(S_c2min_F) + 0.1 * loss;
    const nu = F > 0 ? Math.min(1.06, (state(S_c2min_f0) / 2.35) * 1.5 * Math.abs(loss / F - 1)) : 1.06;
    const N = Math.min(1.06, Math.max(0.065, 0.9 * state(S_c2min_N) + 0.1 * nu));
    setState(S_c2min_F, F); setState(S_c2min_N, N);
    b = 0.85 - 0.8 * N;
  }
  const finite = update(ACCEPT, MOMENTUM, 1 - MOMENTUM, a * (1 - b), a * b);
  setState(S_c2min_alpha, a); setState(S_c2min_beta, b); setState(S_c2min_q, sgg);
  setState(S_c2min_best, leak(loss, B));
  setStat(T_c2min_cos, c); setStat(T_c2min_factor, factor); setStat(T_c2min_beta, b);
  setStat(T_c2min_bestLoss, state(S_c2min_best)); setStat(T_c2min_retraced, 0);
  countStep();
  return finish(a, finite);
}
