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
import { finiteAfter, widenLo, widenHi, hsum } from '../simd';
import { copy } from '../loops';
import { nonFinite, gradNormSq, refusal, clipScale, countStep, finish } from '../step';

const X0: u32 = 0, XBAR: u32 = 1; // slots

let sgg: f64 = 0, sgx: f64 = 0, sxx: f64 = 0, sdd: f64 = 0;

function reduce(): void {
  const end = X + (<usize>NPAD << 2);
  let x = X, g = G, z = slot(X0);
  let ggL = f64x2.splat(0), ggH = f64x2.splat(0), gxL = f64x2.splat(0), gxH = f64x2.splat(0);
  let xxL = f64x2.splat(0), xxH = f64x2.splat(0), ddL = f64x2.splat(0), ddH = f64x2.splat(0);
  while (x < end) {
    const k = end - x >= 512 ? 32 : 16; // ≤ 32 products per lane before widening
    let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
    for (let i = 0; i < k; i++) {
      const xv = v128.load(x), gv = v128.load(g), dv = f32x4.sub(xv, v128.load(z));
      s0 = f32x4.add(s0, f32x4.mul(gv, gv));
      s1 = f32x4.add(s1, f32x4.mul(gv, xv));
      s2 = f32x4.add(s2, f32x4.mul(xv, xv));
      s3 = f32x4.add(s3, f32x4.mul(dv, dv));
      x += 16; g += 16; z += 16;
    }
    ggL = widenLo(ggL, s0); ggH = widenHi(ggH, s0); gxL = widenLo(gxL, s1); gxH = widenHi(gxH, s1);
    xxL = widenLo(xxL, s2); xxH = widenHi(xxH, s2); ddL = widenLo(ddL, s3); ddH = widenHi(ddH, s3);
  }
  sgg = hsum(ggL, ggH); sgx = hsum(gxL, gxH); sxx = hsum(xxL, xxH); sdd = hsum(ddL, ddH);
}

/** x ← x − η·(c·g + λx); with `avg`, x̄ ← (1 − w)·x̄ + w·x_new. */
// @ts-ignore: decorator
@inline function update(eta: f64, c: f64, wd: f64, w: f64, avg: bool): bool {
  const vk = f32x4.splat(<f32>(eta * c)), vel = f32x4.splat(<f32>(eta * wd));
  const vw = f32x4.splat(<f32>w), v1w = f32x4.splat(<f32>(1 - w));
  const end = X + (<usize>NPAD << 2);
  let x = X, g = G, a = slot(XBAR), ok = f32x4.splat(0);
  while (x < end) {
    // x − ((ηc)·g + (ηλ)·x): the decay as a difference, never a float32 factor (1 − ηλ), which
    // rounds to 1 and loses the decay while ηλ < 2^-25 (DoG's first steps are tiny by design)
    const xv = v128.load(x);
    const y = f32x4.sub(xv, f32x4.add(f32x4.mul(vk, v128.load(g)), f32x4.mul(vel, xv)));
    v128.store(x, y);
    if (avg) v128.store(a, f32x4.add(f32x4.mul(v1w, v128.load(a)), f32x4.mul(vw, y)));
    ok = f32x4.add(ok, y);
    x += 16; g += 16; a += 16;
  }
  return finiteAfter(ok, X, NPAD);
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
  const finite = hyper(HP_dog_average) != 0 ? update(eta, c, wd, w, true) : update(eta, c, wd, w, false);
  setState(S_dog_rbar, rbar); setState(S_dog_G, Gs);
  setStat(T_dog_rbar, rbar); setStat(T_dog_gSum, Gs); setStat(T_dog_distance, k == 0 ? 0 : Math.sqrt(sdd));
  return finish(eta, finite);
}

/** Where the averaged iterate x̄ lives (the loader's `average` view), or 0 when it is not kept. */
export function dogAverage(): usize { return hyper(HP_dog_average) != 0 ? slot(XBAR) : 0; }
