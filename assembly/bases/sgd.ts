// sgd: p ← p − lr·(c·g + wd·p)      (c: clip scale, wd: L2 weight decay)
import { P, G, NPAD, hyper } from '../layout';
import { HP_weightDecay } from '../ids';
import { finiteAcc } from '../simd';

export function sgdUpdate(lr: f64, c: f64): bool {
  const vc = f32x4.splat(<f32>c), vwd = f32x4.splat(<f32>hyper(HP_weightDecay));
  const vlr = f32x4.splat(<f32>lr), zero = f32x4.splat(0);
  let ok = zero, p = P, g = G;
  const end = P + (<usize>NPAD << 2);
  while (p < end) {
    const x = v128.load(p);
    const ge = f32x4.add(f32x4.mul(vc, v128.load(g)), f32x4.mul(vwd, x));
    const y = f32x4.sub(x, f32x4.mul(vlr, ge));
    v128.store(p, y);
    ok = f32x4.add(ok, f32x4.mul(y, zero));
    p += 16; g += 16;
  }
  return finiteAcc(ok);
}
