// dog — DoG, "Distance over Gradients" (Ivgi, Hinder, Carmon, ICML 2023, arXiv 2302.12022), as
// the official PyTorch code (formll/dog) computes it, in its global form and (perTensor) its
// layer-wise form LDoG: docs/rules/dog.md. Base sgd; lr is the multiplier c (default 1).
//   ge = g + λx
//   step 0:  r̄ = repsRel·(1 + ‖x0‖);  G = ‖ge‖² + ε
//   step t:  r̄ ← max(r̄, ‖x_t − x0‖);  G ← G + ‖ge‖²
//   η = lr·r̄/√G;  x ← x − η·ge
// and the polynomial-decay average the paper evaluates at (its averager, γ = 8), t = updates:
//   x̄ ← (1 − w)·x̄ + w·x,  w = (1 + γ)/(t + γ)        (t = 1 gives x̄ = x)
// LDoG: the same per tensor l (each a segment), from the reduction's per-segment sums, with
// r̄_l and G_l in the segment's state: η_l = lr·r̄_l/√G_l, x_l ← x_l − η_l·ge_l; the update pass
// applies each segment's η_l (its step factor, in float32) to c and λ.
// Passes: one reduction (‖g‖², ⟨g, x⟩, ‖x‖², ‖x − x0‖²: ‖ge‖² follows by expansion), then one
// fused pass for x and x̄ (at step 0 also the copy x → x0).
import { P as X, G, NPAD, NSEG, SEG_SUMS, SEG_STEP, hyper, state, setState, setStat, slot, seg, segState } from '../layout';
import { HP_lr, HP_weightDecay, S_step } from '../ids';
import { HP_dog_repsRel, HP_dog_eps, HP_dog_average, HP_dog_averageGamma, HP_dog_perTensor, S_dog_rbar, S_dog_G, T_dog_rbar, T_dog_gSum, T_dog_distance, TS_dog_rbar, TS_dog_G } from '../generated/ids';
import { finiteAfter } from '../simd';
import { copy, pass, splat, none, frozen, moved, measured, MEASURE, sum0, sum1, sum2, sum3 } from '../loops';
import { nonFinite, gradNormSq, refusal, clipScale, countStep, finish } from '../step';

const X0: u32 = 0, XBAR: u32 = 1; // slots

let sgg: f64 = 0, sgx: f64 = 0, sxx: f64 = 0, sdd: f64 = 0;

/** a: x, b: g, c: x0. Sums g·g, g·x, x·x, ‖x − x0‖². */
@final export class Sums {
  // @ts-ignore: decorator
  @inline sums(): i32 { return 4; }
  // @ts-ignore: decorator
  @inline term(s: i32, a: usize, b: usize, c: usize, d: usize, e: usize, f: usize,
    k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128, k6: v128, k7: v128, k8: v128, k9: v128, mode: i32): v128 {
    const xv = v128.load(a), gv = v128.load(b);
    if (s == 3) { const dv = f32x4.sub(xv, v128.load(c)); return f32x4.mul(dv, dv); }
    return s == 0 ? f32x4.mul(gv, gv) : s == 1 ? f32x4.mul(gv, xv) : f32x4.mul(xv, xv);
  }
}

function reduce(): void {
  const z = none();
  pass<Sums>(NPAD, X, G, slot(X0), X, X, X, z, z, z, z, z, z, z, z, z, z, 0);
  sgg = sum0; sgx = sum1; sxx = sum2; sdd = sum3;
}

// @ts-ignore: decorator
@inline const AVG = 1;

/**
 * a: x, b: g, c: x̄; k0: η·c, k1: η·λ (LDoG: c and λ, and each segment's step factor is its η_l), k2: w, k3: 1 − w.
 * x ← x − η·(c·g + λx); AVG: x̄ ← (1 − w)·x̄ + w·x_new.
 */
@final export class Update {
  // @ts-ignore: decorator
  @inline moves(mode: i32): bool { return (mode & MEASURE) != 0; }
  // @ts-ignore: decorator
  @inline stepped(mode: i32): i32 { return 0b11; }
  // @ts-ignore: decorator
  @inline decayed(mode: i32): i32 { return 0b10; }
  // @ts-ignore: decorator
  @inline update(a: usize, b: usize, c: usize, d: usize, e: usize, f: usize,
    k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128, k6: v128, k7: v128, k8: v128, k9: v128, mode: i32): v128 {
    // x − ((ηc)·g + (ηλ)·x): the decay as a difference, never a float32 factor (1 − ηλ), which
    // rounds to 1 and loses the decay while ηλ < 2^-25 (DoG's first steps are tiny by design)
    const xv = v128.load(a), av = v128.load(c);
    const dx = f32x4.add(f32x4.mul(k0, v128.load(b)), f32x4.mul(k1, xv)), y = f32x4.sub(xv, dx);
    v128.store(a, y);
    if (mode & AVG) v128.store(c, f32x4.add(f32x4.mul(k3, av), f32x4.mul(k2, y)));
    return mode & MEASURE ? moved(dx, y) : y;
  }
}

// @ts-ignore: decorator
@inline function update(eta: f64, c: f64, wd: f64, w: f64, mode: i32): bool {
  const z = none();
  return finiteAfter(pass<Update>(NPAD, X, G, slot(XBAR), X, X, X, splat(eta * c), splat(eta * wd), splat(w), splat(1 - w), z, z, z, z, z, z, mode), X, NPAD);
}

/**
 * DoG's r̄, G and η from one block's sums (‖g‖², ⟨g, x⟩, ‖x‖², ‖x − x0‖²: the whole vector, or one
 * tensor for LDoG) and its previous r̄ and G: returns η; r̄ and G in rb and gs.
 */
let rb: f64 = 0, gs: f64 = 0;
function sizes(k: f64, c: f64, wd: f64, gg: f64, gx: f64, xx: f64, dd: f64, rbarPrev: f64, gPrev: f64): f64 {
  const ge2 = Math.max(0, c * c * gg + 2 * c * wd * gx + wd * wd * xx);
  if (k == 0) {
    rb = hyper(HP_dog_repsRel) * (1 + Math.sqrt(xx));
    gs = ge2 + hyper(HP_dog_eps);
  } else {
    rb = Math.max(rbarPrev, Math.sqrt(dd));
    gs = gPrev + ge2;
  }
  return hyper(HP_lr) * rb / Math.sqrt(gs);
}

/**
 * LDoG's per-tensor step sizes from the reduction's per-segment sums: each segment's r̄_l, G_l
 * (its state) and η_l (its step factor). Returns the largest η_l; rbarMax, gSum: the largest r̄_l
 * and the sum of the G_l (for stats and the scalar state).
 */
let rbarMax: f64 = 0, gSum: f64 = 0;
function perTensor(k: f64, c: f64, wd: f64): f64 {
  let etaMax: f64 = 0;
  rbarMax = 0; gSum = 0;
  for (let s: u32 = 0; s < NSEG; s++) {
    if (frozen(s)) continue; // (a frozen group's tensors keep their state)
    const r = seg(s) + SEG_SUMS;
    const eta = sizes(k, c, wd, load<f64>(r), load<f64>(r, 8), load<f64>(r, 16), load<f64>(r, 24),
      load<f64>(segState(s, TS_dog_rbar)), load<f64>(segState(s, TS_dog_G)));
    store<f64>(segState(s, TS_dog_rbar), rb); store<f64>(segState(s, TS_dog_G), gs);
    store<f64>(seg(s) + SEG_STEP, eta);
    etaMax = Math.max(etaMax, eta); rbarMax = Math.max(rbarMax, rb); gSum += gs;
  }
  return etaMax;
}

export function dogStep(base: i32, loss: f64): i32 {
  reduce();
  sgg = gradNormSq(sgg, false);
  if (sgg < 0) return refusal;
  if (!isFinite(sgx) || !isFinite(sxx)) return nonFinite(); // (g finite: ⟨g, x⟩ overflowed, GRAD_RANGE)
  const c = clipScale(sgg), wd = hyper(HP_weightDecay), k = state(S_step);
  const per = hyper(HP_dog_perTensor) != 0;
  let rbar: f64, Gs: f64, eta: f64;
  if (k == 0) copy(slot(X0), X, NPAD);
  if (per) {
    eta = perTensor(k, c, wd);
    rbar = rbarMax; Gs = gSum;
  } else {
    eta = sizes(k, c, wd, sgg, sgx, sxx, sdd, state(S_dog_rbar), state(S_dog_G));
    rbar = rb; Gs = gs;
  }
  countStep();
  const t = k + 1, gamma = hyper(HP_dog_averageGamma), w = (1 + gamma) / (t + gamma), avg = hyper(HP_dog_average) != 0;
  // (each form its own loop in the speed build)
  const scale = per ? 1 : eta, m = measured();
  const finite = avg ? (m ? update(scale, c, wd, w, AVG | MEASURE) : update(scale, c, wd, w, AVG)) : m ? update(scale, c, wd, w, MEASURE) : update(scale, c, wd, w, 0);
  setState(S_dog_rbar, rbar); setState(S_dog_G, Gs);
  setStat(T_dog_rbar, rbar); setStat(T_dog_gSum, Gs); setStat(T_dog_distance, k == 0 ? 0 : Math.sqrt(sdd));
  return finish(eta, finite);
}

/** Where the averaged iterate x̄ lives (the loader's `average` view), or 0 when it is not kept. */
export function dogAverage(): usize { return hyper(HP_dog_average) != 0 ? slot(XBAR) : 0; }
