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
import { copy, pass, none, sum0, sum1, sum2, sum3, sum4 } from '../loops';
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
  const z = none();
  pass<Enter>(NPAD, X, prev(base), scratch(BACKUP), X, X, X, z, z, z, z, z, z, z, z, z, z, 0);
}

/** backup ← x, x ← x_{t−1}. a: x, b: x_{t−1}, c: the backup. */
@final export class Enter {
  // @ts-ignore: decorator
  @inline update(a: usize, b: usize, c: usize, d: usize, e: usize, f: usize,
    k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128, k6: v128, k7: v128, k8: v128, k9: v128, mode: i32): v128 {
    v128.store(c, v128.load(a));
    v128.store(a, v128.load(b));
    return f32x4.splat(0);
  }
}

/**
 * x ← x_t from the backup; sums ‖g‖², ⟨g,h⟩, ‖g−h‖², ⟨g, x_{t−1}−x_t⟩ and ‖x_{t−1}−x_t‖²
 * (differences first). a: x, b: g, c: h, d: x_{t−1}, e: the backup (x_t).
 */
@final export class Leave {
  // @ts-ignore: decorator
  @inline sums(): i32 { return 5; }
  // @ts-ignore: decorator
  @inline term(s: i32, a: usize, b: usize, c: usize, d: usize, e: usize, f: usize,
    k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128, k6: v128, k7: v128, k8: v128, k9: v128, mode: i32): v128 {
    const gv = v128.load(b), hv = v128.load(c);
    const dv = f32x4.sub(v128.load(d), v128.load(e)); // x_{t−1} − x_t = −Δ
    if (s == 0) return f32x4.mul(gv, gv);
    if (s == 1) return f32x4.mul(gv, hv);
    if (s == 2) { const ev = f32x4.sub(gv, hv); return f32x4.mul(ev, ev); }
    return s == 3 ? f32x4.mul(gv, dv) : f32x4.mul(dv, dv);
  }
  // @ts-ignore: decorator
  @inline update(a: usize, b: usize, c: usize, d: usize, e: usize, f: usize,
    k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128, k6: v128, k7: v128, k8: v128, k9: v128, mode: i32): v128 {
    v128.store(a, v128.load(e));
    return f32x4.splat(0);
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
  const z = none();
  pass<Leave>(NPAD, X, G, scratch(H), prev(base), scratch(BACKUP), X, z, z, z, z, z, z, z, z, z, z, 0);
  sgg = sum0; sgh = sum1; sdiff = sum2; sgd = sum3; sd2 = sum4;
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
