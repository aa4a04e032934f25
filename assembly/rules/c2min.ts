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
import { sum4, finiteAfter, ROLLED } from '../simd';
import { dotNorms, normSq, sum0, sum1 } from '../loops';
import { gradNormSq, refusal, clipScale, countStep, finish } from '../step';
import { below, leak } from '../loss';

const RETRACE_AT: f64 = 25;   // reject f ≥ 25·B
const MOMENTUM: f64 = 0.8;    // m ← 0.8·m + 0.2·P

/** Whether step(loss) would use the gradient (false: it will retrace, skip backprop). */
export function c2minWants(loss: f64): bool {
  return state(S_c2min_started) == 0 || below(loss, state(S_c2min_best), RETRACE_AT);
}

// x ← x − a·g; P ← g; m ← g  (first step)
// @ts-ignore: decorator
@inline function first(x: usize, g: usize, p: usize, m: usize, va: v128): v128 {
  const gv = v128.load(g);
  v128.store(p, gv); v128.store(m, gv);
  const y = f32x4.sub(v128.load(x), f32x4.mul(va, gv));
  v128.store(x, y);
  return y;
}

// m ← 0.8·m + 0.2·P; x ← x − α(1−β)·g − αβ·m; P ← g
// @ts-ignore: decorator
@inline function accept(x: usize, g: usize, p: usize, m: usize, vd: v128, vw: v128, vag: v128, vam: v128): v128 {
  const gv = v128.load(g);
  const mn = f32x4.add(f32x4.mul(vd, v128.load(m)), f32x4.mul(vw, v128.load(p)));
  v128.store(m, mn); v128.store(p, gv);
  const y = f32x4.sub(v128.load(x), f32x4.add(f32x4.mul(vag, gv), f32x4.mul(vam, mn)));
  v128.store(x, y);
  return y;
}

// x ← x + (2/3)α·((1−β)·P + β·m)
// @ts-ignore: decorator
@inline function retrace(x: usize, p: usize, m: usize, vbp: v128, vbm: v128): v128 {
  const y = f32x4.add(v128.load(x), f32x4.add(f32x4.mul(vbp, v128.load(p)), f32x4.mul(vbm, v128.load(m))));
  v128.store(x, y);
  return y;
}

export function c2minStep(base: i32, loss: f64): i32 {
  const p = slot(0), m = slot(1), end = X + (<usize>NPAD << 2);
  // (nothing, stats included, is written before the finiteness checks: a refused step leaves
  // the checkpoint image as it was)
  if (state(S_c2min_started) == 0) {
    if (!isFinite(loss)) return BAD_LOSS;
    const gg = gradNormSq(normSq(G, NPAD), false);
    if (gg < 0) return refusal;
    clipScale(gg);
    const alpha = hyper(HP_lr), fixed = hyper(HP_c2min_beta);
    const va = f32x4.splat(<f32>alpha);
    let ok = f32x4.splat(0), x = X, g = G, pp = p, mm = m;
    while (x < end) { // (once: not unrolled)
      ok = f32x4.add(ok, first(x, g, pp, mm, va));
      x += 16; g += 16; pp += 16; mm += 16;
    }
    setState(S_c2min_alpha, alpha); setState(S_c2min_q, gg);
    setState(S_c2min_best, loss); setState(S_c2min_F, loss); setState(S_c2min_N, 0);
    setState(S_c2min_f0, loss); setState(S_c2min_beta, fixed < 0 ? 0.75 : fixed);
    setState(S_c2min_started, 1);
    setStat(T_c2min_cos, 0); setStat(T_c2min_factor, 1); setStat(T_c2min_beta, state(S_c2min_beta));
    setStat(T_c2min_bestLoss, loss); setStat(T_c2min_retraced, 0);
    countStep();
    return finish(alpha, finiteAfter(ok, X, NPAD));
  }

  const B = state(S_c2min_best), alpha = state(S_c2min_alpha), beta = state(S_c2min_beta);
  if (!below(loss, B, RETRACE_AT)) {
    // rejected: undo two thirds of the previous step; the gradient is not read
    const k = 2.0 / 3.0 * alpha;
    const vbp = f32x4.splat(<f32>(k * (1 - beta))), vbm = f32x4.splat(<f32>(k * beta));
    let ok = f32x4.splat(0), x = X, pp = p, mm = m;
    while (x < end) { // (rare: not unrolled)
      ok = f32x4.add(ok, retrace(x, pp, mm, vbp, vbm));
      x += 16; pp += 16; mm += 16;
    }
    const next = alpha / 3;
    setState(S_c2min_alpha, next);
    setState(S_c2min_best, leak(loss, B));
    setState(S_retraces, state(S_retraces) + 1);
    setStat(T_c2min_retraced, 1); setStat(T_c2min_factor, 1.0 / 3.0); setStat(T_c2min_bestLoss, state(S_c2min_best));
    countStep();
    return finish(next, finiteAfter(ok, X, NPAD));
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
  const vd = f32x4.splat(<f32>MOMENTUM), vw = f32x4.splat(<f32>(1 - MOMENTUM));
  const vag = f32x4.splat(<f32>(a * (1 - b))), vam = f32x4.splat(<f32>(a * b));
  let ok = f32x4.splat(0), x = X, g = G, pp = p, mm = m;
  while (x < end) {
    const y0 = accept(x, g, pp, mm, vd, vw, vag, vam);
    if (ROLLED) { ok = f32x4.add(ok, y0); x += 16; g += 16; pp += 16; mm += 16; continue; }
    const y1 = accept(x + 16, g + 16, pp + 16, mm + 16, vd, vw, vag, vam);
    const y2 = accept(x + 32, g + 32, pp + 32, mm + 32, vd, vw, vag, vam), y3 = accept(x + 48, g + 48, pp + 48, mm + 48, vd, vw, vag, vam);
    ok = f32x4.add(ok, sum4(y0, y1, y2, y3));
    x += 64; g += 64; pp += 64; mm += 64;
  }
  setState(S_c2min_alpha, a); setState(S_c2min_beta, b); setState(S_c2min_q, sgg);
  setState(S_c2min_best, leak(loss, B));
  setStat(T_c2min_cos, c); setStat(T_c2min_factor, factor); setStat(T_c2min_beta, b);
  setStat(T_c2min_bestLoss, state(S_c2min_best)); setStat(T_c2min_retraced, 0);
  countStep();
  return finish(a, finiteAfter(ok, X, NPAD));
}
