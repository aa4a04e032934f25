// dog — DoG, "Distance over Gradients" (Ivgi, Hinder, Carmon, ICML 2023, arXiv 2302.12022), as
// the official PyTorch code (formll/dog) computes it, global (not per-tensor LDoG) form:
// docs/rules/dog.md. Base sgd; lr is the multiplier c (default 1).
//   ge = g + λx
//   step 0:  r̄ = repsRel·(1 + ‖x0‖);  G = ‖ge‖² + ε
//   step t:  r̄ ← max(r̄, ‖x_t − x0‖);  G ← G + ‖ge‖²
//   η = lr·r̄/√G;  x ← x − η·ge
// and the polynomial-decay average the paper evaluates at (its averager, γ = 8), t = updates:
//   x̄ ← (1 − w)·x̄ + w·x,  w = (1 + γ)/(t + γ)        (t = 1 gives x̄ = x)
// Passes: one reduction (‖g‖², ⟨g, x⟩, ‖x‖², ‖x − x0‖²: ‖ge‖² follows by expansion), then one
// fused pass for x and x̄ (at step 0 also the copy x → x0).
import { P as X, G, NPAD, hyper, state, setState, setStat, slot } from '../layout';
import { HP_lr, HP_weightDecay, S_step } from '../ids';
import { HP_dog_repsRel, HP_dog_eps, HP_dog_average, HP_dog_averageGamma, S_dog_rbar, S_dog_G, T_dog_rbar, T_dog_gSum, T_dog_distance } from '../generated/ids';
import { finiteAfter } from '../simd';
import { copy, pass, splat, none, sum0, sum1, sum2, sum3 } from '../loops';
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

/** a: x, b: g, c: x̄; k0: η·c, k1: η·λ, k2: w, k3: 1 − w. x ← x − η·(c·g + λx); AVG: x̄ ← (1 − w)·x̄ + w·x_new. */
@final export class Update {
  // @ts-ignore: decorator
  @inline update(a: usize, b: usize, c: usize, d: usize, e: usize, f: usize,
    k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128, k6: v128, k7: v128, k8: v128, k9: v128, mode: i32): v128 {
    // x − ((ηc)·g + (ηλ)·x): the decay as a difference, never a float32 factor (1 − ηλ), which
    // rounds to 1 and loses the decay while ηλ < 2^-25 (DoG's first steps are tiny by design)
    const xv = v128.load(a), av = v128.load(c);
    const y = f32x4.sub(xv, f32x4.add(f32x4.mul(k0, v128.load(b)), f32x4.mul(k1, xv)));
    v128.store(a, y);
    if (mode == AVG) v128.store(c, f32x4.add(f32x4.mul(k3, av), f32x4.mul(k2, y)));
    return y;
  }
}

// @ts-ignore: decorator
@inline function update(eta: f64, c: f64, wd: f64, w: f64, mode: i32): bool {
  const z = none();
  return finiteAfter(pass<Update>(NPAD, X, G, slot(XBAR), X, X, X, splat(eta * c), splat(eta * wd), splat(w), splat(1 - w), z, z, z, z, z, z, mode), X, NPAD);
}

export function dogStep(base: i32, loss: f64): i32 {
  reduce();
  sgg = gradNormSq(sgg, false);
  if (sgg < 0) return refusal;
  if (!isFinite(sgx) || !isFinite(sxx)) return nonFinite(); // (g finite: ⟨g, x⟩ overflowed, GRAD_RANGE)
  const c = clipScale(sgg), wd = hyper(HP_weightDecay), k = state(S_step);
  const ge2 = Math.max(0, c * c * sgg + 2 * c * wd * sgx + wd * wd * sxx);
  let rbar: f64, Gs: f64;
  if (k == 0) {
    copy(slot(X0), X, NPAD);
    rbar = hyper(HP_dog_repsRel) * (1 + Math.sqrt(sxx));
    Gs = ge2 + hyper(HP_dog_eps);
  } else {
    rbar = Math.max(state(S_dog_rbar), Math.sqrt(sdd));
    Gs = state(S_dog_G) + ge2;
  }
  const eta = hyper(HP_lr) * rbar / Math.sqrt(Gs);
  countStep();
  const t = k + 1, gamma = hyper(HP_dog_averageGamma), w = (1 + gamma) / (t + gamma);
  const finite = hyper(HP_dog_average) != 0 ? update(eta, c, wd, w, AVG) : update(eta, c, wd, w, 0);
  setState(S_dog_rbar, rbar); setState(S_dog_G, Gs);
  setStat(T_dog_rbar, rbar); setStat(T_dog_gSum, Gs); setStat(T_dog_distance, k == 0 ? 0 : Math.sqrt(sdd));
  return finish(eta, finite);
}

/** Where the averaged iterate x̄ lives (the loader's `average` view), or 0 when it is not kept. */
export function dogAverage(): usize { return hyper(HP_dog_average) != 0 ? slot(XBAR) : 0; }
