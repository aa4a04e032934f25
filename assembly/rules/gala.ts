// gala — GALA, gradient-alignment LR adaptation by FTRL (Jiang, Kavis, Mokhtari, arXiv
// 2506.08419), the practical form in docs/rules/gala.md.
// Wraps a base (sgd, momentum, normalized, adam): only the scalar LR changes.
//
// Step t ≥ 1, with g = ∇f(x_t; ξ_t) from the caller and the probe h = ∇f(x_{t−1}; ξ_t) that
// the closure computes at the previous iterate on the same minibatch:
//   L = ‖g − h‖ / ‖Δ‖, Δ = x_t − x_{t−1} (the realized float32 step)
//   a = ⟨g, h⟩ ('same-batch') or ⟨g, d_{t−1}⟩ = −⟨g, Δ⟩/η_{t−1} ('direction')
//   q = L·‖d_{t−1}‖², ‖d‖² = ‖Δ‖²/η_{t−1}²
//   A += a; Q += q;  η_t = clip((δ·η₀ [centred] + A)/(δ + Q), η_min, η_max)  (FTRL, closed form)
//   a round without a usable Δ or sum keeps η_{t−1} and leaves A, Q as they were
// then x_{t−1} ← x_t and the base step with η_t. Step 0 is the base step with η₀ (no probe).
// Passes: before the closure, x → backup and x_{t−1} → params; after it, params ← backup fused
// with the reduction over g, h, the backup and x_{t−1} (five sums); a copy x → x_{t−1}; the
// base's update (normalized also runs its own reduction).
import { P as X, G, NPAD, hyper, state, setState, setStat, slot, scratch } from '../layout';
import { HP_lr } from '../ids';
import { BASE_normalized, HP_gala_delta, HP_gala_etaMin, HP_gala_etaMax, HP_gala_alignment, C_gala_alignment_same_batch, HP_gala_centred, S_gala_A, S_gala_Q, S_gala_eta, S_gala_started, T_gala_alignment, T_gala_curvature, T_gala_q, T_gala_roundSkipped, T_gala_A, T_gala_Q } from '../generated/ids';
import { widenLo, widenHi, hsum, ROLLED } from '../simd';
import { copy } from '../loops';
import { baseSlots, baseReduce, baseUpdate, keepsSquares } from '../bases/index';
import { nonFinite, gradNormSq, refusal, clipScale, countStep, finish } from '../step';

/** The previous iterate x_{t−1}: the first slot after the base's own. */
// @ts-ignore: decorator
@inline function prev(base: i32): usize { return slot(<u32>baseSlots(base)); }

/** Gradient evaluations the next step asks of the closure: none at step 0, then the probe. */
export function galaProbes(base: i32): i32 { return state(S_gala_started) != 0 ? 1 : 0; }

const H: u32 = 0, BACKUP: u32 = 1; // scratch: the probe gradient h, the backup of x_t

/**
 * Before the probe: x_t → backup, then params ← x_{t−1}. The closure may write anything into
 * params: galaLeave restores them from the backup, and x_{t−1} stays in its slot untouched.
 */
export function galaEnter(base: i32, k: i32): void {
  const end = X + (<usize>NPAD << 2);
  let x = X, p = prev(base), b = scratch(BACKUP);
  while (x < end) {
    v128.store(b, v128.load(x));
    v128.store(x, v128.load(p));
    x += 16; p += 16; b += 16;
  }
}

let sgg: f64 = 0, sgh: f64 = 0, sdiff: f64 = 0, sgd: f64 = 0, sd2: f64 = 0;


let reduced = false;

/**
 * After the probe: params ← x_t from the backup and, in the same pass, sums ‖g‖², ⟨g,h⟩,
 * ‖g−h‖², ⟨g, x_{t−1}−x⟩ and ‖x−x_{t−1}‖² (differences first) for the step, from the backup
 * and the slot, never from what the closure left in params. The sums are only used by the
 * step that follows a successful closure.
 */
export function galaLeave(base: i32, k: i32): void {
  const end = X + (<usize>NPAD << 2);
  let x = X, g = G, h = scratch(H), p = prev(base), b = scratch(BACKUP);
  let ggL = f64x2.splat(0), ggH = f64x2.splat(0), ghL = f64x2.splat(0), ghH = f64x2.splat(0);
  let dfL = f64x2.splat(0), dfH = f64x2.splat(0), gdL = f64x2.splat(0), gdH = f64x2.splat(0);
  let d2L = f64x2.splat(0), d2H = f64x2.splat(0);
  while (x < end) {
    const k = end - x >= 512 ? 32 : 16; // ≤ 32 products per lane before widening
    let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0), s4 = f32x4.splat(0);
    for (let i = 0; i < k; i++) {
      const xp = v128.load(p), xt = v128.load(b); // x_{t−1} from its slot, x_t from the backup
      v128.store(x, xt);
      const gv = v128.load(g), hv = v128.load(h);
      const dv = f32x4.sub(xp, xt); // x_{t−1} − x_t = −Δ
      const e = f32x4.sub(gv, hv);
      s0 = f32x4.add(s0, f32x4.mul(gv, gv));
      s1 = f32x4.add(s1, f32x4.mul(gv, hv));
      s2 = f32x4.add(s2, f32x4.mul(e, e));
      s3 = f32x4.add(s3, f32x4.mul(gv, dv));
      s4 = f32x4.add(s4, f32x4.mul(dv, dv));
      x += 16; g += 16; h += 16; p += 16; b += 16;
    }
    ggL = widenLo(ggL, s0); ggH = widenHi(ggH, s0);
    ghL = widenLo(ghL, s1); ghH = widenHi(ghH, s1);
    dfL = widenLo(dfL, s2); dfH = widenHi(dfH, s2);
    gdL = widenLo(gdL, s3); gdH = widenHi(gdH, s3);
    d2L = widenLo(d2L, s4); d2H = widenHi(d2H, s4);
  }
  sgg = hsum(ggL, ggH); sgh = hsum(ghL, ghH); sdiff = hsum(dfL, dfH); sgd = hsum(gdL, gdH); sd2 = hsum(d2L, d2H);
  reduced = true;
}

export function galaStep(base: i32, loss: f64): i32 {
  const started = state(S_gala_started) != 0;
  let eta: f64, gg: f64;
  if (!started) {
    gg = gradNormSq(baseReduce(base), keepsSquares(base));
    if (gg < 0) return refusal;
    eta = hyper(HP_lr);
    setStat(T_gala_alignment, 0); setStat(T_gala_curvature, 0); setStat(T_gala_q, 0);
    setStat(T_gala_roundSkipped, 1);
  } else {
    if (!reduced) return nonFinite(); // (no probe was taken: the loader always takes it)
    reduced = false;
    // g or the probe h is not finite, or (both finite) their sums overflowed: GRAD_RANGE
    if (!isFinite(sgg) || !isFinite(sdiff)) return nonFinite(scratch(H));
    gg = gradNormSq(base == BASE_normalized ? baseReduce(base) : sgg, keepsSquares(base)); // (normalized: its own sums for ‖d‖)
    if (gg < 0) return refusal;
    const etaPrev = state(S_gala_eta);
    eta = etaPrev;
    let skipped = 1;
    if (sd2 > 0 && etaPrev > 0 && isFinite(sgh) && isFinite(sgd) && isFinite(sd2)) {
      const L = Math.sqrt(sdiff / sd2);
      const a = hyper(HP_gala_alignment) == C_gala_alignment_same_batch ? sgh : sgd / etaPrev;
      const q = L * (sd2 / (etaPrev * etaPrev));
      const A = state(S_gala_A) + a, Q = state(S_gala_Q) + q;
      if (isFinite(A) && isFinite(Q)) {
        setState(S_gala_A, A); setState(S_gala_Q, Q);
        const delta = hyper(HP_gala_delta), den = delta + Q;
        if (den > 0) {
          const num = (hyper(HP_gala_centred) != 0 ? delta * hyper(HP_lr) : 0) + A;
          const top = hyper(HP_gala_etaMax);
          eta = Math.max(hyper(HP_gala_etaMin), num / den);
          if (top > 0) eta = Math.min(top, eta);
        }
        skipped = 0;
        setStat(T_gala_alignment, a); setStat(T_gala_curvature, L); setStat(T_gala_q, q);
      }
    }
    setStat(T_gala_roundSkipped, skipped);
  }
  const c = clipScale(gg);
  copy(prev(base), X, NPAD); // x_{t−1} ← x_t
  countStep();
  const finite = baseUpdate(base, eta, c);
  setState(S_gala_eta, eta); setState(S_gala_started, 1);
  setStat(T_gala_A, state(S_gala_A)); setStat(T_gala_Q, state(S_gala_Q));
  return finish(eta, finite);
}
