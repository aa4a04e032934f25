// adam / adamw (Kingma & Ba 2015 with bias correction; Loshchilov & Hutter 2019 for adamw):
//   ge = c·g (+ wd·p for adam: L2)        adamw first decays p ← p − (lr·wd)·p
//   m ← β1·m + (1−β1)·ge;  v ← β2·v + (1−β2)·ge²
//   p ← p − (lr / bc1) · m / (sqrt(v) / sqrt(bc2) + eps),  bc_i = 1 − β_i^t
// computed in the form of Kingma & Ba's Section 2 ("efficiency"), which is the same value
// up to rounding with one multiply fewer per element:
//   p ← p − (lr·sqrt(bc2)/bc1) · m / (sqrt(v) + eps·sqrt(bc2))
// The clip scale multiplies g before it is squared, so a clipped gradient's squares fit in
// float32 whatever its raw size (c = 1 when not clipped: then c·g is g, bit for bit).
// Decoupled decay is p − (lr·wd·p + the Adam step), not p·(1 − lr·wd) first: that factor
// rounded to float32 is 1 once lr·wd < 2^-25 and loses the decay entirely.
import { P, G, NPAD, hyper, slot, state } from '../layout';
import { HP_weightDecay, HP_beta1, HP_beta2, HP_eps, S_step } from '../ids';
import { finiteAfter, sum4, ROLLED } from '../simd';
import { powi } from '../math';

// @ts-ignore: decorator
@inline function one(p: usize, g: usize, m: usize, v: usize, vc: v128, vwd: v128, vb1: v128, vk1: v128,
                     vb2: v128, vk2: v128, veps: v128, vstep: v128, mode: i32): v128 {
  const x = v128.load(p);
  let ge = f32x4.mul(vc, v128.load(g));
  if (mode == L2) ge = f32x4.add(ge, f32x4.mul(vwd, x));
  const mn = f32x4.add(f32x4.mul(vb1, v128.load(m)), f32x4.mul(vk1, ge));
  const vn = f32x4.add(f32x4.mul(vb2, v128.load(v)), f32x4.mul(vk2, f32x4.mul(ge, ge)));
  v128.store(m, mn); v128.store(v, vn);
  let u = f32x4.mul(vstep, f32x4.div(mn, f32x4.add(f32x4.sqrt(vn), veps)));
  if (mode == DECOUPLED) u = f32x4.add(f32x4.mul(vwd, x), u); // vwd is lr·wd here: x − (lr·wd·x + u), one rounding
  const y = f32x4.sub(x, u);
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
@inline function run(lr: f64, c: f64, mode: i32): bool {
  const b1 = hyper(HP_beta1), b2 = hyper(HP_beta2), wd = hyper(HP_weightDecay);
  const t = state(S_step); // already counts this step
  const bc1 = 1 - powi(b1, t), sbc2 = Math.sqrt(1 - powi(b2, t));
  const vc = f32x4.splat(<f32>c);
  const vb1 = f32x4.splat(<f32>b1), vk1 = f32x4.splat(<f32>(1 - b1));
  const vb2 = f32x4.splat(<f32>b2), vk2 = f32x4.splat(<f32>(1 - b2));
  const vstep = f32x4.splat(<f32>(lr * sbc2 / bc1)), veps = f32x4.splat(<f32>(hyper(HP_eps) * sbc2));
  const vwd = f32x4.splat(<f32>(mode == DECOUPLED ? lr * wd : wd));
  let ok = f32x4.splat(0), p = P, g = G, m = slot(0), v = slot(1);
  const end = P + (<usize>NPAD << 2);
  while (p < end) {
    const y0 = one(p, g, m, v, vc, vwd, vb1, vk1, vb2, vk2, veps, vstep, mode);
    if (ROLLED) { ok = f32x4.add(ok, y0); p += 16; g += 16; m += 16; v += 16; continue; }
    const y1 = one(p + 16, g + 16, m + 16, v + 16, vc, vwd, vb1, vk1, vb2, vk2, veps, vstep, mode);
    const y2 = one(p + 32, g + 32, m + 32, v + 32, vc, vwd, vb1, vk1, vb2, vk2, veps, vstep, mode);
    const y3 = one(p + 48, g + 48, m + 48, v + 48, vc, vwd, vb1, vk1, vb2, vk2, veps, vstep, mode);
    ok = f32x4.add(ok, sum4(y0, y1, y2, y3));
    p += 64; g += 64; m += 64; v += 64;
  }
  return finiteAfter(ok, P, NPAD);
}

// the size build's one loop for the three forms, the form chosen per vector
// @ts-ignore: decorator
@noinline function anyForm(lr: f64, c: f64, mode: i32): bool { return run(lr, c, mode); }

// @ts-ignore: decorator
@noinline export function adamUpdate(lr: f64, c: f64): bool {
  const l2 = hyper(HP_weightDecay) > 0;
  if (ROLLED) return anyForm(lr, c, l2 ? L2 : PLAIN);
  return l2 ? run(lr, c, L2) : run(lr, c, PLAIN);
}
// @ts-ignore: decorator
@noinline export function adamwUpdate(lr: f64, c: f64): bool {
  return ROLLED ? anyForm(lr, c, DECOUPLED) : run(lr, c, DECOUPLED);
}
