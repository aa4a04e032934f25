// sgd: p ← p − lr·(c·g + wd·p)      (c: clip scale, wd: L2 weight decay)
// computed as p·(1 − lr·wd) − (lr·c)·g: the same value up to rounding, in three operations.
// (A separate no-decay loop is not worth it: binaryen folds the two loops back into one
// with a per-vector select, which costs more than the multiply by exactly 1.)
import { P, G, NPAD, hyper } from '../layout';
import { HP_weightDecay } from '../ids';
import { finiteAfter, sum4 } from '../simd';

// @ts-ignore: decorator
@inline function one(p: usize, g: usize, decay: v128, lrc: v128): v128 {
  const y = f32x4.sub(f32x4.mul(v128.load(p), decay), f32x4.mul(lrc, v128.load(g)));
  v128.store(p, y);
  return y;
}

// @ts-ignore: decorator  (a small function of its own compiles to a better loop in V8 than inlined into step)
@noinline export function sgdUpdate(lr: f64, c: f64): bool {
  const decay = f32x4.splat(<f32>(1 - lr * hyper(HP_weightDecay))), lrc = f32x4.splat(<f32>(lr * c));
  let ok = f32x4.splat(0), p = P, g = G;
  const end = P + (<usize>NPAD << 2);
  while (p < end) {
    const y0 = one(p, g, decay, lrc), y1 = one(p + 16, g + 16, decay, lrc);
    const y2 = one(p + 32, g + 32, decay, lrc), y3 = one(p + 48, g + 48, decay, lrc);
    ok = f32x4.add(ok, sum4(y0, y1, y2, y3));
    p += 64; g += 64;
  }
  return finiteAfter(ok, P, NPAD);
}
