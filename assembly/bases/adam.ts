// adam / adamw (Kingma & Ba 2015 with bias correction; Loshchilov & Hutter 2019 for adamw):
//   ge = c·g (+ wd·p for adam: L2)        adamw also decays p by lr·wd·p (below)
//   m ← β1·m + (1−β1)·ge;  v ← β2·v + (1−β2)·ge²
//   p ← p − (lr / bc1) · m / (sqrt(v) / sqrt(bc2) + eps),  bc_i = 1 − β_i^t
// computed in the form of Kingma & Ba's Section 2 ("efficiency"), which is the same value
// up to rounding with one multiply fewer per element:
//   p ← p − (lr·sqrt(bc2)/bc1) · m / (sqrt(v) + eps·sqrt(bc2))
// Without an L2 term the clip scale folds into the moment coefficients:
//   m ← β1·m + ((1−β1)·c)·g;  v ← β2·v + ((1−β2)·c²)·g²
// except for a gradient with a coordinate ≥ 2^64, whose g² overflows float32 (step.ts,
// gradNormSq, flags it): then the rolled loop scales g by c first ("wide"), so a clipped
// gradient steps whatever its raw size. adamw's decay is inside the one difference
// p − (u + lr·wd·p), never a float32 factor 1 − lr·wd (it rounds to 1 once lr·wd < 2^-25 and
// the decay is lost).
import { P, G, NPAD, hyper, slot, state } from '../layout';
import { HP_weightDecay, HP_beta1, HP_beta2, HP_eps, S_step } from '../ids';
import { finiteAfter, sum4, ROLLED } from '../simd';
import { wideGrad } from '../step';
import { powi } from '../math';

// @ts-ignore: decorator
@inline function one(p: usize, g: usize, m: usize, v: usize, vwd: v128, vb1: v128, vk1: v128,
                     vb2: v128, vk2: v128, veps: v128, vstep: v128, mode: i32, vc: v128, wide: bool): v128 {
  const x = v128.load(p);
  let gr = v128.load(g);
  if (wide) gr = f32x4.mul(vc, gr); // (then vk1, vk2 carry no c, and vwd is wd)
  let mn: v128, vn: v128;
  if (mode == L2) {
    const ge = f32x4.add(gr, f32x4.mul(vwd, x)); // vk1, vk2 carry c here; vwd is wd/c
    mn = f32x4.add(f32x4.mul(vb1, v128.load(m)), f32x4.mul(vk1, ge));
    vn = f32x4.add(f32x4.mul(vb2, v128.load(v)), f32x4.mul(vk2, f32x4.mul(ge, ge)));
  } else {
    mn = f32x4.add(f32x4.mul(vb1, v128.load(m)), f32x4.mul(vk1, gr));
    vn = f32x4.add(f32x4.mul(vb2, v128.load(v)), f32x4.mul(vk2, f32x4.mul(gr, gr)));
  }
  v128.store(m, mn); v128.store(v, vn);
  const u = f32x4.mul(vstep, f32x4.div(mn, f32x4.add(f32x4.sqrt(vn), veps)));
  // adamw: p − (u + lr·wd·p), vwd being lr·wd here
  const y = f32x4.sub(x, mode == DECOUPLED ? f32x4.add(u, f32x4.mul(vwd, x)) : u);
  v128.store(p, y);
  return y;
}

// @ts-ignore: decorator
@inline const PLAIN = 0;
// @ts-ignore: decorator
@inline const L2 = 1;
// @ts-ignore: decorator
@inline const DECOUPLED = 2;

// @ts-ignore: decorator
@inline function run(lr: f64, c: f64, mode: i32, wide: bool): bool {
  const b1 = hyper(HP_beta1), b2 = hyper(HP_beta2), wd = hyper(HP_weightDecay);
  const t = state(S_step); // already counts this step
  const bc1 = 1 - powi(b1, t), sbc2 = Math.sqrt(1 - powi(b2, t));
  // with L2, ge = c·g + wd·p = c·(g + (wd/c)·p): c moves into k1 = (1−β1)·c and k2 = (1−β2)·c²
  const k = wide ? 1.0 : c, vc = f32x4.splat(<f32>c);
  const vb1 = f32x4.splat(<f32>b1), vk1 = f32x4.splat(<f32>((1 - b1) * k));
  const vb2 = f32x4.splat(<f32>b2), vk2 = f32x4.splat(<f32>((1 - b2) * k * k));
  const vstep = f32x4.splat(<f32>(lr * sbc2 / bc1)), veps = f32x4.splat(<f32>(hyper(HP_eps) * sbc2));
  const vwd = f32x4.splat(<f32>(mode == DECOUPLED ? lr * wd : wd / k));
  let ok = f32x4.splat(0), p = P, g = G, m = slot(0), v = slot(1);
  const end = P + (<usize>NPAD << 2);
  while (p < end) {
    const y0 = one(p, g, m, v, vwd, vb1, vk1, vb2, vk2, veps, vstep, mode, vc, wide);
    if (ROLLED) { ok = f32x4.add(ok, y0); p += 16; g += 16; m += 16; v += 16; continue; }
    const y1 = one(p + 16, g + 16, m + 16, v + 16, vwd, vb1, vk1, vb2, vk2, veps, vstep, mode, vc, wide);
    const y2 = one(p + 32, g + 32, m + 32, v + 32, vwd, vb1, vk1, vb2, vk2, veps, vstep, mode, vc, wide);
    const y3 = one(p + 48, g + 48, m + 48, v + 48, vwd, vb1, vk1, vb2, vk2, veps, vstep, mode, vc, wide);
    ok = f32x4.add(ok, sum4(y0, y1, y2, y3));
    p += 64; g += 64; m += 64; v += 64;
  }
  return finiteAfter(ok, P, NPAD);
}

// the size build's one loop for the three forms, the form chosen per vector; in both builds,
// the loop for a gradient whose squares overflow float32 (rare: not unrolled)
// @ts-ignore: decorator
@noinline function anyForm(lr: f64, c: f64, mode: i32, wide: bool): bool { return run(lr, c, mode, wide); }

// @ts-ignore: decorator
@noinline export function adamUpdate(lr: f64, c: f64): bool {
  const l2 = hyper(HP_weightDecay) > 0;
  if (ROLLED || wideGrad) return anyForm(lr, c, l2 ? L2 : PLAIN, wideGrad);
  return l2 ? run(lr, c, L2, false) : run(lr, c, PLAIN, false);
}
// @ts-ignore: decorator
@noinline export function adamwUpdate(lr: f64, c: f64): bool {
  return ROLLED || wideGrad ? anyForm(lr, c, DECOUPLED, wideGrad) : run(lr, c, DECOUPLED, false);
}
