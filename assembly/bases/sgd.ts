// sgd: p ← p − lr·(c·g + wd·p)      (c: clip scale, wd: L2 weight decay)
// computed as p − ((lr·c)·g + (lr·wd)·p), or p − (lr·c)·g without weight decay: the same
// value up to rounding. The two loops differ in shape on purpose: binaryen folds loops that
// differ only in a constant back into one loop with a per-vector select.
import { P, G, NPAD, hyper } from '../layout';
import { HP_weightDecay } from '../ids';
import { finiteAfter, sum4, ROLLED } from '../simd';

// @ts-ignore: decorator
@inline function plain(p: usize, g: usize, lrc: v128): v128 {
  const y = f32x4.sub(v128.load(p), f32x4.mul(lrc, v128.load(g)));
  v128.store(p, y);
  return y;
}

// @ts-ignore: decorator
@inline function decayed(p: usize, g: usize, lrc: v128, lrwd: v128): v128 {
  const x = v128.load(p);
  const y = f32x4.sub(x, f32x4.add(f32x4.mul(lrc, v128.load(g)), f32x4.mul(lrwd, x)));
  v128.store(p, y);
  return y;
}

export function sgdUpdate(lr: f64, c: f64): bool {
  const wd = hyper(HP_weightDecay);
  const lrc = f32x4.splat(<f32>(lr * c)), lrwd = f32x4.splat(<f32>(lr * wd));
  let ok = f32x4.splat(0), p = P, g = G;
  const end = P + (<usize>NPAD << 2);
  if (wd > 0) {
    while (p < end) {
      const y0 = decayed(p, g, lrc, lrwd);
      if (ROLLED) { ok = f32x4.add(ok, y0); p += 16; g += 16; continue; }
      const y1 = decayed(p + 16, g + 16, lrc, lrwd);
      const y2 = decayed(p + 32, g + 32, lrc, lrwd), y3 = decayed(p + 48, g + 48, lrc, lrwd);
      ok = f32x4.add(ok, sum4(y0, y1, y2, y3));
      p += 64; g += 64;
    }
  } else {
    while (p < end) {
      const y0 = plain(p, g, lrc);
      if (ROLLED) { ok = f32x4.add(ok, y0); p += 16; g += 16; continue; }
      const y1 = plain(p + 16, g + 16, lrc);
      const y2 = plain(p + 32, g + 32, lrc), y3 = plain(p + 48, g + 48, lrc);
      ok = f32x4.add(ok, sum4(y0, y1, y2, y3));
      p += 64; g += 64;
    }
  }
  return finiteAfter(ok, P, NPAD);
}
