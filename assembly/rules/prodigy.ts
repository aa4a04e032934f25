// prodigy — Prodigy (Mishchenko & Defazio, ICML 2024, arXiv 2306.06101), the Adam form of the
// official PyTorch code: docs/rules/prodigy.md. Bases adam (L2 λ)
// and adamw (decoupled λ, the code's default). lr is a multiplier (default 1) on the distance
// estimate D, which starts at d0 and only grows. β3 = √β2, B = bias correction (off by default):
//   η = D·lr·B;  ge = g (+ λx for adam)
//   R ← β3·R + (D/d0)·η·⟨ge, x0 − x⟩
//   m ← β1·m + (1−β1)·D·ge;  v ← β2·v + (1−β2)·D²·ge²
//   s ← β3·s + (D/d0)·(safeguardWarmup ? D : η)·ge
//   D̂ = dCoef·R/‖s‖₁;  D ← max(D, D̂) while D = d0;  Dmax ← max(Dmax, D̂);  D ← min(Dmax, D·growth)
//   adamw: x ← x − λη·x;  x ← x − η·m/(√v + D·ε)        (D the new one; β1 = 0: D·ge for m)
// ‖s‖₁ = 0 (a zero gradient so far) leaves x and D alone, as the code returns early.
// Passes: the ‖g‖² pass; one pass for m, v, s and the two sums; one pass for x (D̂ must be
// known before it, because ε is scaled by the new D).
import { P as X, G, NPAD, hyper, state, setState, setStat, slot } from '../layout';
import { HP_lr, HP_beta1, HP_beta2, HP_eps, HP_weightDecay, S_step } from '../ids';
import { BASE_adamw, HP_prodigy_d0, HP_prodigy_dCoef, HP_prodigy_growthRate, HP_prodigy_biasCorrection, HP_prodigy_safeguardWarmup, S_prodigy_D, S_prodigy_Dmax, S_prodigy_R, T_prodigy_d, T_prodigy_dHat, T_prodigy_dMax, T_prodigy_numerator, T_prodigy_sNorm } from '../generated/ids';
import { finiteAfter, widenLo, widenHi, hsum } from '../simd';
import { normSq, copy } from '../loops';
import { gradNormSq, refusal, clipScale, countStep, finish } from '../step';
import { powi } from '../math';

const M: u32 = 0, V: u32 = 1, S: u32 = 2, X0: u32 = 3; // slots

let sumA: f64 = 0, sumB: f64 = 0;

/** m, v, s from ge; sumA = ⟨ge, x0 − x⟩ (the difference first), sumB = ‖s_new‖₁. */
function statePass(c: f64, wd: f64, D: f64, sk: f64): void {
  const b1 = hyper(HP_beta1), b2 = hyper(HP_beta2), b3 = Math.sqrt(b2);
  const vc = f32x4.splat(<f32>c), vwd = f32x4.splat(<f32>wd);
  const vb1 = f32x4.splat(<f32>b1), vk1 = f32x4.splat(<f32>((1 - b1) * D));
  const vb2 = f32x4.splat(<f32>b2), vk2 = f32x4.splat(<f32>((1 - b2) * D * D));
  const vb3 = f32x4.splat(<f32>b3), vk3 = f32x4.splat(<f32>sk);
  const end = X + (<usize>NPAD << 2);
  let x = X, g = G, m = slot(M), v = slot(V), s = slot(S), z = slot(X0);
  let aL = f64x2.splat(0), aH = f64x2.splat(0), bL = f64x2.splat(0), bH = f64x2.splat(0);
  while (x < end) {
    const k = end - x >= 512 ? 32 : 16; // ≤ 32 products per lane before widening
    let sa = f32x4.splat(0), sb = f32x4.splat(0);
    for (let i = 0; i < k; i++) {
      const xv = v128.load(x);
      const ge = f32x4.add(f32x4.mul(vc, v128.load(g)), f32x4.mul(vwd, xv));
      sa = f32x4.add(sa, f32x4.mul(ge, f32x4.sub(v128.load(z), xv)));
      v128.store(m, f32x4.add(f32x4.mul(vb1, v128.load(m)), f32x4.mul(vk1, ge)));
      v128.store(v, f32x4.add(f32x4.mul(vb2, v128.load(v)), f32x4.mul(vk2, f32x4.mul(ge, ge))));
      const sn = f32x4.add(f32x4.mul(vb3, v128.load(s)), f32x4.mul(vk3, ge));
      v128.store(s, sn);
      sb = f32x4.add(sb, f32x4.abs(sn));
      x += 16; g += 16; m += 16; v += 16; s += 16; z += 16;
    }
    aL = widenLo(aL, sa); aH = widenHi(aH, sa); bL = widenLo(bL, sb); bH = widenHi(bH, sb);
  }
  sumA = hsum(aL, aH); sumB = hsum(bL, bH);
}

/** x ← x − (dl·x + η·(ms·m)/(√v + D·ε)): decoupled decay inside the one difference, never a factor 1 − dl. */
function paramPass(eta: f64, ms: f64, dl: f64, De: f64): bool {
  const vstep = f32x4.splat(<f32>(eta * ms)), vdl = f32x4.splat(<f32>dl), veps = f32x4.splat(<f32>De);
  const end = X + (<usize>NPAD << 2);
  let x = X, m = slot(M), v = slot(V), ok = f32x4.splat(0);
  while (x < end) {
    const xv = v128.load(x);
    const y = f32x4.sub(xv, f32x4.add(f32x4.mul(vdl, xv),
      f32x4.mul(vstep, f32x4.div(v128.load(m), f32x4.add(f32x4.sqrt(v128.load(v)), veps)))));
    v128.store(x, y);
    ok = f32x4.add(ok, y);
    x += 16; m += 16; v += 16;
  }
  return finiteAfter(ok, X, NPAD);
}

export function prodigyStep(base: i32, loss: f64): i32 {
  const gg = gradNormSq(normSq(G, NPAD), true);
  if (gg < 0) return refusal;
  const c = clipScale(gg), k = state(S_step), first = k == 0, d0 = hyper(HP_prodigy_d0);
  const b1 = hyper(HP_beta1), b2 = hyper(HP_beta2), b3 = Math.sqrt(b2), t = k + 1;
  const decoupled = base == BASE_adamw, wd = hyper(HP_weightDecay);
  if (first) copy(slot(X0), X, NPAD);
  const D = first ? d0 : state(S_prodigy_D), Dmax0 = first ? d0 : state(S_prodigy_Dmax);
  const B = hyper(HP_prodigy_biasCorrection) != 0 ? Math.sqrt(1 - powi(b2, t)) / (1 - powi(b1, t)) : 1;
  const eta = D * hyper(HP_lr) * B;
  const sk = (D / d0) * (hyper(HP_prodigy_safeguardWarmup) != 0 ? D : eta);
  statePass(c, decoupled ? 0 : wd, D, sk);
  const R = b3 * (first ? 0 : state(S_prodigy_R)) + (D / d0) * eta * sumA;
  const sNorm = sumB;
  countStep();
  setState(S_prodigy_R, R);
  let next = D, Dmax = Dmax0, dHat: f64 = 0, finite = true;
  if (sNorm > 0) {
    dHat = hyper(HP_prodigy_dCoef) * R / sNorm;
    if (D == d0) next = Math.max(D, dHat);
    Dmax = Math.max(Dmax, dHat);
    const growth = hyper(HP_prodigy_growthRate);
    next = growth > 0 ? Math.min(Dmax, next * growth) : Dmax; // growth ∞: D = Dmax
    finite = paramPass(eta, b1 > 0 ? 1 : next / D, decoupled ? wd * eta : 0, next * hyper(HP_eps));
  }
  setState(S_prodigy_D, next); setState(S_prodigy_Dmax, Dmax);
  setStat(T_prodigy_d, next); setStat(T_prodigy_dHat, dHat); setStat(T_prodigy_dMax, Dmax);
  setStat(T_prodigy_numerator, R); setStat(T_prodigy_sNorm, sNorm);
  return finish(eta, finite);
}
