// sign: signSGD (Bernstein et al. 2018), and signum when momentum > 0:
//   ge = c·g + wd·p;  b ← mu·b + ge;  d = sign(b), or sign(ge + mu·b) with Nesterov;  p ← p − lr·d
// sign(0) = 0, as torch.sign. mu = 0 (the default) is plain signSGD: d = sign(ge).
import { P, G, NPAD, hyper, slot } from '../layout';
import { HP_weightDecay, HP_momentum, HP_nesterov } from '../ids';
import { finiteAcc, sign4 } from '../simd';

// @ts-ignore: decorator
@inline function run(lr: f64, c: f64, nesterov: bool): bool {
  const vc = f32x4.splat(<f32>c), vwd = f32x4.splat(<f32>hyper(HP_weightDecay));
  const vmu = f32x4.splat(<f32>hyper(HP_momentum));
  const vlr = f32x4.splat(<f32>lr), zero = f32x4.splat(0);
  let ok = zero, p = P, g = G, b = slot(0);
  const end = P + (<usize>NPAD << 2);
  while (p < end) {
    const x = v128.load(p);
    const ge = f32x4.add(f32x4.mul(vc, v128.load(g)), f32x4.mul(vwd, x));
    const bn = f32x4.add(f32x4.mul(vmu, v128.load(b)), ge);
    v128.store(b, bn);
    const d = sign4(nesterov ? f32x4.add(ge, f32x4.mul(vmu, bn)) : bn);
    const y = f32x4.sub(x, f32x4.mul(vlr, d));
    v128.store(p, y);
    ok = f32x4.add(ok, f32x4.mul(y, zero));
    p += 16; g += 16; b += 16;
  }
  return finiteAcc(ok);
}

export function signUpdate(lr: f64, c: f64): bool {
  return hyper(HP_nesterov) != 0 ? run(lr, c, true) : run(lr, c, false);
}
