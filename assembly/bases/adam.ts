// adam / adamw (Kingma & Ba 2015 with bias correction; Loshchilov & Hutter 2019 for adamw):
//   ge = c·g (+ wd·p for adam: L2)        adamw first decays p ← p·(1 − lr·wd)
//   m ← β1·m + (1−β1)·ge;  v ← β2·v + (1−β2)·ge²
//   p ← p − (lr / bc1) · m / (sqrt(v) / sqrt(bc2) + eps),  bc_i = 1 − β_i^t
// (the same arithmetic as torch.optim.Adam's non-fused path, in f32 lanes)
import { P, G, NPAD, hyper, slot, state } from '../layout';
import { HP_weightDecay, HP_beta1, HP_beta2, HP_eps, S_step } from '../ids';
import { finiteAcc } from '../simd';

// @ts-ignore: decorator
@inline function run(lr: f64, c: f64, decoupled: bool): bool {
  const b1 = hyper(HP_beta1), b2 = hyper(HP_beta2), wd = hyper(HP_weightDecay);
  const t = state(S_step); // already counts this step
  const bc1 = 1 - Math.pow(b1, t), bc2 = 1 - Math.pow(b2, t);
  const vb1 = f32x4.splat(<f32>b1), v1b1 = f32x4.splat(<f32>(1 - b1));
  const vb2 = f32x4.splat(<f32>b2), v1b2 = f32x4.splat(<f32>(1 - b2));
  const vstep = f32x4.splat(<f32>(lr / bc1)), vrs = f32x4.splat(<f32>(1 / Math.sqrt(bc2)));
  const veps = f32x4.splat(<f32>hyper(HP_eps)), vc = f32x4.splat(<f32>c);
  const vwd = f32x4.splat(<f32>wd), vdecay = f32x4.splat(<f32>(1 - lr * wd)), zero = f32x4.splat(0);
  let ok = zero, p = P, g = G, m = slot(0), v = slot(1);
  const end = P + (<usize>NPAD << 2);
  while (p < end) {
    let x = v128.load(p);
    let ge = f32x4.mul(vc, v128.load(g));
    if (decoupled) x = f32x4.mul(x, vdecay);
    else ge = f32x4.add(ge, f32x4.mul(vwd, x));
    const mn = f32x4.add(f32x4.mul(vb1, v128.load(m)), f32x4.mul(v1b1, ge));
    const vn = f32x4.add(f32x4.mul(vb2, v128.load(v)), f32x4.mul(v1b2, f32x4.mul(ge, ge)));
    v128.store(m, mn); v128.store(v, vn);
    const den = f32x4.add(f32x4.mul(f32x4.sqrt(vn), vrs), veps);
    const y = f32x4.sub(x, f32x4.mul(vstep, f32x4.div(mn, den)));
    v128.store(p, y);
    ok = f32x4.add(ok, f32x4.mul(y, zero));
    p += 16; g += 16; m += 16; v += 16;
  }
  return finiteAcc(ok);
}

export function adamUpdate(lr: f64, c: f64): bool { return run(lr, c, false); }
export function adamwUpdate(lr: f64, c: f64): bool { return run(lr, c, true); }
