// dadapt — D-Adaptation (Defazio & Mishchenko, ICML 2023, arXiv 2301.07733), the SGD form and
// the Adam form (v3, "IP"), as the official PyTorch code computes them:
// docs/rules/dadapt.md. A parameter-free baseline: lr is a multiplier (default 1)
// on the distance estimate D, which starts at d0 and only grows.
//
// sgd / momentum (β = the base's momentum, 0 for sgd), k counts steps from 0:
//   G0 = ‖g_0‖ (raw, before weight decay);  η = D·lr/G0
//   ge = g + λx;  R ← R + η⟨ge, s⟩ (old s);  s ← s + η·ge;  D̂ = 2R/‖s‖
//   x ← β·x + (1−β)·(x0 − s)                 (β = 0: dual averaging, x = x0 − s)
// adam (L2 λ) / adamw (decoupled λ), β3 = √β2, B = bias correction (off by default):
//   η = D·lr·B;  A = η·Σ ge·s/(√v + ε) (old s, v)
//   m ← β1·m + (1−β1)·η·ge;  v ← β2·v + (1−β2)·ge²;  s ← β3·s + (1−β3)·η·ge
//   R ← β3·R + (1−β3)·A;  D̂ = R/((1−β3)·‖s‖₁)
//   adamw: x ← x − λη·x;  then x ← x − m/(√v + ε)   (m already carries η)
// then D ← max(D, min(D̂, D·growth)): the new D acts from the next step.
// Passes: the ‖g‖² pass every rule makes (finiteness, clipping), then one fused pass that
// updates the state, x and the two sums for D̂ (plus, at k = 0, a copy x → x0 for sgd).
import { P as X, G, NPAD, hyper, state, setState, setStat, slot } from '../layout';
import { HP_lr, HP_momentum, HP_beta1, HP_beta2, HP_eps, HP_weightDecay, S_step } from '../ids';
import { BASE_adam, BASE_adamw, BASE_momentum, HP_dadapt_d0, HP_dadapt_growthRate, HP_dadapt_biasCorrection, S_dadapt_D, S_dadapt_R, S_dadapt_G0, T_dadapt_d, T_dadapt_dHat, T_dadapt_numerator, T_dadapt_sNorm } from '../generated/ids';
import { finiteAfter, widenLo, widenHi, hsum } from '../simd';
import { normSq, copy } from '../loops';
import { gradNormSq, refusal, clipScale, countStep, finish } from '../step';
import { powi } from '../math';

let sumA: f64 = 0, sumB: f64 = 0;

/** D ← max(D, min(D̂, D·growth)); growth 0 stands for Infinity. */
export function grow(D: f64, dHat: f64, growth: f64): f64 {
  return Math.max(D, growth > 0 ? Math.min(dHat, D * growth) : dHat);
}

/**
 * The SGD form's fused pass: sumA = ⟨ge, s_old⟩, sumB = ‖s_new‖²; s and x updated.
 * Returns whether the new x is finite. Slots: s, x0 (with `momentum`, its buffer slot holds s:
 * this form keeps no buffer).
 */
function sgdPass(s0: usize, x00: usize, eta: f64, c: f64, wd: f64, beta: f64): bool {
  const ve = f32x4.splat(<f32>eta), vc = f32x4.splat(<f32>c), vwd = f32x4.splat(<f32>wd);
  const vb = f32x4.splat(<f32>beta), v1b = f32x4.splat(<f32>(1 - beta));
  const end = X + (<usize>NPAD << 2);
  let x = X, g = G, s = s0, z = x00;
  let aL = f64x2.splat(0), aH = f64x2.splat(0), bL = f64x2.splat(0), bH = f64x2.splat(0), ok = f32x4.splat(0);
  while (x < end) {
    const k = end - x >= 512 ? 32 : 16; // ≤ 32 products per lane before widening
    let sa = f32x4.splat(0), sb = f32x4.splat(0);
    for (let i = 0; i < k; i++) {
      const xv = v128.load(x), sv = v128.load(s);
      const ge = f32x4.add(f32x4.mul(vc, v128.load(g)), f32x4.mul(vwd, xv));
      sa = f32x4.add(sa, f32x4.mul(ge, sv));
      const sn = f32x4.add(sv, f32x4.mul(ve, ge));
      v128.store(s, sn);
      sb = f32x4.add(sb, f32x4.mul(sn, sn));
      const y = f32x4.add(f32x4.mul(vb, xv), f32x4.mul(v1b, f32x4.sub(v128.load(z), sn)));
      v128.store(x, y);
      ok = f32x4.add(ok, y);
      x += 16; g += 16; s += 16; z += 16;
    }
    aL = widenLo(aL, sa); aH = widenHi(aH, sa); bL = widenLo(bL, sb); bH = widenHi(bH, sb);
  }
  sumA = hsum(aL, aH); sumB = hsum(bL, bH);
  return finiteAfter(ok, X, NPAD);
}

/** The Adam form's fused pass: sumA = Σ ge·s/(√v+ε) (old s, v), sumB = ‖s_new‖₁. `decoupled` is a literal at each call. */
// @ts-ignore: decorator
@inline function adamPass(eta: f64, c: f64, decoupled: bool): bool {
  const b1 = hyper(HP_beta1), b2 = hyper(HP_beta2), b3 = Math.sqrt(b2), wd = hyper(HP_weightDecay);
  const vc = f32x4.splat(<f32>c), vwd = f32x4.splat(<f32>(decoupled ? 0 : wd));
  const vdl = f32x4.splat(<f32>(decoupled ? wd * eta : 0)); // decoupled decay x − (λη)·x, never a factor 1 − λη
  const vb1 = f32x4.splat(<f32>b1), vk1 = f32x4.splat(<f32>((1 - b1) * eta));
  const vb2 = f32x4.splat(<f32>b2), vk2 = f32x4.splat(<f32>(1 - b2));
  const vb3 = f32x4.splat(<f32>b3), vk3 = f32x4.splat(<f32>((1 - b3) * eta));
  const veps = f32x4.splat(<f32>hyper(HP_eps));
  const end = X + (<usize>NPAD << 2);
  let x = X, g = G, m = slot(0), v = slot(1), s = slot(2);
  let aL = f64x2.splat(0), aH = f64x2.splat(0), bL = f64x2.splat(0), bH = f64x2.splat(0), ok = f32x4.splat(0);
  while (x < end) {
    const k = end - x >= 512 ? 32 : 16;
    let sa = f32x4.splat(0), sb = f32x4.splat(0);
    for (let i = 0; i < k; i++) {
      const xv = v128.load(x), sv = v128.load(s), vv = v128.load(v);
      const ge = f32x4.add(f32x4.mul(vc, v128.load(g)), f32x4.mul(vwd, xv));
      sa = f32x4.add(sa, f32x4.div(f32x4.mul(ge, sv), f32x4.add(f32x4.sqrt(vv), veps)));
      const mn = f32x4.add(f32x4.mul(vb1, v128.load(m)), f32x4.mul(vk1, ge));
      const vn = f32x4.add(f32x4.mul(vb2, vv), f32x4.mul(vk2, f32x4.mul(ge, ge)));
      const sn = f32x4.add(f32x4.mul(vb3, sv), f32x4.mul(vk3, ge));
      v128.store(m, mn); v128.store(v, vn); v128.store(s, sn);
      sb = f32x4.add(sb, f32x4.abs(sn));
      const q = f32x4.div(mn, f32x4.add(f32x4.sqrt(vn), veps));
      const y = decoupled ? f32x4.sub(xv, f32x4.add(f32x4.mul(vdl, xv), q)) : f32x4.sub(xv, q);
      v128.store(x, y);
      ok = f32x4.add(ok, y);
      x += 16; g += 16; m += 16; v += 16; s += 16;
    }
    aL = widenLo(aL, sa); aH = widenHi(aH, sa); bL = widenLo(bL, sb); bH = widenHi(bH, sb);
  }
  sumA = eta * hsum(aL, aH); sumB = hsum(bL, bH);
  return finiteAfter(ok, X, NPAD);
}

// one function per form, so each loop compiles on its own
// @ts-ignore: decorator
@noinline function adamPassL2(eta: f64, c: f64): bool { return adamPass(eta, c, false); }
// @ts-ignore: decorator
@noinline function adamPassDecoupled(eta: f64, c: f64): bool { return adamPass(eta, c, true); }

export function dadaptStep(base: i32, loss: f64): i32 {
  const gg = gradNormSq(normSq(G, NPAD), base == BASE_adam || base == BASE_adamw);
  if (gg < 0) return refusal;
  const c = clipScale(gg), lr = hyper(HP_lr), growth = hyper(HP_dadapt_growthRate);
  const k = state(S_step), first = k == 0;
  let D = first ? hyper(HP_dadapt_d0) : state(S_dadapt_D);
  let R = first ? 0 : state(S_dadapt_R);
  let eta: f64, dHat: f64, sNorm: f64, finite: bool;
  if (base == BASE_adam || base == BASE_adamw) {
    const t = k + 1, b1 = hyper(HP_beta1), b2 = hyper(HP_beta2), b3 = Math.sqrt(b2);
    const B = hyper(HP_dadapt_biasCorrection) != 0 ? Math.sqrt(1 - powi(b2, t)) / (1 - powi(b1, t)) : 1;
    eta = D * lr * B;
    countStep();
    finite = base == BASE_adamw ? adamPassDecoupled(eta, c) : adamPassL2(eta, c);
    R = b3 * R + (1 - b3) * sumA;
    sNorm = sumB;
    dHat = sNorm > 0 ? R / ((1 - b3) * sNorm) : 0;
  } else {
    let G0 = state(S_dadapt_G0);
    if (first) {
      G0 = c * Math.sqrt(gg);
      if (!(G0 > 0)) return finish(0, true); // a zero first gradient: nothing to scale by, wait
      copy(slot(1), X, NPAD); // x0
      setState(S_dadapt_G0, G0);
    }
    eta = D * lr / G0;
    countStep();
    const beta = base == BASE_momentum ? hyper(HP_momentum) : 0;
    finite = sgdPass(slot(0), slot(1), eta, c, hyper(HP_weightDecay), beta);
    R += eta * sumA;
    sNorm = Math.sqrt(sumB);
    dHat = sNorm > 0 ? 2 * R / sNorm : 0;
  }
  const next = grow(D, dHat, growth);
  setState(S_dadapt_D, next); setState(S_dadapt_R, R);
  setStat(T_dadapt_d, next); setStat(T_dadapt_dHat, dHat); setStat(T_dadapt_numerator, R); setStat(T_dadapt_sNorm, sNorm);
  return finish(eta, finite);
}

