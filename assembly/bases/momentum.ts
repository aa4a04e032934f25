// momentum (torch.optim.SGD conventions):
//   ge = c·g + wd·p;  b ← mu·b + ge;  d = b, or ge + mu·b with Nesterov;  p ← p − lr·d
// The same pass serves `sign` (d → sign(d)) and `normalized` (lr → lr/‖d‖): see those files.
import { P, G, NPAD, hyper, slot } from '../layout';
import { HP_weightDecay, HP_momentum, HP_nesterov } from '../ids';
import { finiteAfter, sign4, sum4, ROLLED } from '../simd';

// @ts-ignore: decorator
@inline function one(p: usize, g: usize, b: usize, vc: v128, vwd: v128, vmu: v128, vlr: v128, nesterov: bool, signed: bool): v128 {
  const x = v128.load(p);
  const ge = f32x4.add(f32x4.mul(vc, v128.load(g)), f32x4.mul(vwd, x));
  const bn = f32x4.add(f32x4.mul(vmu, v128.load(b)), ge);
  v128.store(b, bn);
  let d = nesterov ? f32x4.add(ge, f32x4.mul(vmu, bn)) : bn;
  if (signed) d = sign4(d);
  const y = f32x4.sub(x, f32x4.mul(vlr, d));
  v128.store(p, y);
  return y;
}

// @ts-ignore: decorator
@inline function run(lr: f64, c: f64, nesterov: bool, signed: bool): bool {
  const vc = f32x4.splat(<f32>c), vwd = f32x4.splat(<f32>hyper(HP_weightDecay));
  const vmu = f32x4.splat(<f32>hyper(HP_momentum)), vlr = f32x4.splat(<f32>lr);
  let ok = f32x4.splat(0), p = P, g = G, b = slot(0);
  const end = P + (<usize>NPAD << 2);
  while (p < end) {
    const y0 = one(p, g, b, vc, vwd, vmu, vlr, nesterov, signed);
    if (ROLLED) { ok = f32x4.add(ok, y0); p += 16; g += 16; b += 16; continue; }
    const y1 = one(p + 16, g + 16, b + 16, vc, vwd, vmu, vlr, nesterov, signed);
    const y2 = one(p + 32, g + 32, b + 32, vc, vwd, vmu, vlr, nesterov, signed);
    const y3 = one(p + 48, g + 48, b + 48, vc, vwd, vmu, vlr, nesterov, signed);
    ok = f32x4.add(ok, sum4(y0, y1, y2, y3));
    p += 64; g += 64; b += 64;
  }
  return finiteAfter(ok, P, NPAD);
}

/** The momentum-buffer update with step size `lr`, optionally taking sign(d). */
// @ts-ignore: decorator
@noinline export function bufferedUpdate(lr: f64, c: f64, signed: bool): bool {
  const nes = hyper(HP_nesterov) != 0;
  if (ROLLED) return run(lr, c, nes, signed); // the size build: one loop, the variant chosen per vector
  if (signed) return nes ? run(lr, c, true, true) : run(lr, c, false, true);
  return nes ? run(lr, c, true, false) : run(lr, c, false, false);
}

export function momentumUpdate(lr: f64, c: f64): bool {
  return bufferedUpdate(lr, c, false);
}
