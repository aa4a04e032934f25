// sgd: p ← p − lr·(c·g + wd·p)      (c: clip scale, wd: L2 weight decay)
// computed as p − ((lr·c)·g + (lr·wd)·p), or p − (lr·c)·g without weight decay: the same
// value up to rounding.
import { P, G, NPAD, hyper } from '../layout';
import { HP_weightDecay } from '../ids';
import { finiteAfter } from '../simd';
import { pass, splat, none, ownLoop, moved, measured, measuring, MEASURE } from '../loops';

// @ts-ignore: decorator
@inline const PLAIN = 0;
// @ts-ignore: decorator
@inline const DECAYED = 1;

/** a: p, b: g; k0: lr·c, k1: lr·wd. */
@final export class Sgd {
  // @ts-ignore: decorator
  @inline moves(mode: i32): bool { return (mode & MEASURE) != 0; }
  // @ts-ignore: decorator
  @inline stepped(mode: i32): i32 { return 0b11; }
  // @ts-ignore: decorator
  @inline decayed(mode: i32): i32 { return 0b10; }
  // @ts-ignore: decorator
  @inline update(a: usize, b: usize, c: usize, d: usize, e: usize, f: usize,
    k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128, k6: v128, k7: v128, k8: v128, k9: v128, mode: i32): v128 {
    const x = v128.load(a);
    const dx = mode & DECAYED ? f32x4.add(f32x4.mul(k0, v128.load(b)), f32x4.mul(k1, x)) : f32x4.mul(k0, v128.load(b));
    const y = f32x4.sub(x, dx);
    v128.store(a, y);
    return mode & MEASURE ? moved(dx, y) : y;
  }
}

// (one function per form in the speed build: inlined side by side, the two loops were folded
// into one that chose the form per vector)
// @ts-ignore: decorator
@noinline function plainPass(lrc: v128, lrwd: v128): v128 {
  const z = none();
  return pass<Sgd>(NPAD, P, G, P, P, P, P, lrc, lrwd, z, z, z, z, z, z, z, z, PLAIN);
}
// @ts-ignore: decorator
@noinline function decayedPass(lrc: v128, lrwd: v128): v128 {
  const z = none();
  return pass<Sgd>(NPAD, P, G, P, P, P, P, lrc, lrwd, z, z, z, z, z, z, z, z, DECAYED);
}

export function sgdUpdate(lr: f64, c: f64): bool {
  const wd = hyper(HP_weightDecay), lrc = splat(lr * c), lrwd = splat(lr * wd), z = none();
  const ok = !ownLoop(true) || measured() ? pass<Sgd>(NPAD, P, G, P, P, P, P, lrc, lrwd, z, z, z, z, z, z, z, z, (wd > 0 ? DECAYED : PLAIN) | measuring())
    : wd > 0 ? decayedPass(lrc, lrwd) : plainPass(lrc, lrwd);
  return finiteAfter(ok, P, NPAD);
}
