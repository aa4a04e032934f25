// momentum (torch.optim.SGD conventions):
//   ge = c·g + wd·p;  b ← mu·b + ge;  d = b, or ge + mu·b with Nesterov;  p ← p − lr·d
// The same pass serves `sign` (d → sign(d)) and `normalized` (lr → lr/‖d‖): see those files.
import { P, G, NPAD, hyper, slot } from '../layout';
import { HP_weightDecay, HP_momentum, HP_nesterov } from '../ids';
import { finiteAfter, sign4 } from '../simd';
import { pass, splat, none, ownLoop, moved, measured, measuring, MEASURE } from '../loops';

// @ts-ignore: decorator
@inline const NESTEROV = 1;
// @ts-ignore: decorator
@inline const SIGNED = 2;

/** The momentum buffer b ← μ·b + ge (shared with the rules that fuse their own update). */
// @ts-ignore: decorator
@inline export function nextBuffer(b: v128, ge: v128, mu: v128): v128 { return f32x4.add(f32x4.mul(mu, b), ge); }

/** a: p, b: g, c: the buffer; k0: c, k1: wd, k2: mu, k3: lr; mode: NESTEROV | SIGNED. */
@final export class Buffered {
  // @ts-ignore: decorator
  @inline moves(mode: i32): bool { return (mode & MEASURE) != 0; }
  // @ts-ignore: decorator
  @inline stepped(mode: i32): i32 { return 0b1000; }
  // @ts-ignore: decorator
  @inline decayed(mode: i32): i32 { return 0b10; }
  // @ts-ignore: decorator
  @inline update(a: usize, b: usize, c: usize, d: usize, e: usize, f: usize,
    k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128, k6: v128, k7: v128, k8: v128, k9: v128, mode: i32): v128 {
    const x = v128.load(a);
    const ge = f32x4.add(f32x4.mul(k0, v128.load(b)), f32x4.mul(k1, x));
    const bn = nextBuffer(v128.load(c), ge, k2);
    v128.store(c, bn);
    let dir = mode & NESTEROV ? f32x4.add(ge, f32x4.mul(k2, bn)) : bn;
    if (mode & SIGNED) dir = sign4(dir);
    const dx = f32x4.mul(k3, dir), y = f32x4.sub(x, dx);
    v128.store(a, y);
    return mode & MEASURE ? moved(dx, y) : y;
  }
}

// @ts-ignore: decorator
@inline function run(lr: f64, c: f64, mode: i32): bool {
  const z = none();
  const ok = pass<Buffered>(NPAD, P, G, slot(0), P, P, P, splat(c), splat(hyper(HP_weightDecay)), splat(hyper(HP_momentum)), splat(lr), z, z, z, z, z, z, mode);
  return finiteAfter(ok, P, NPAD);
}

// one function per form in the speed build: inlined side by side, the loops were folded into
// one that chose the form per vector
// @ts-ignore: decorator
@noinline function plain(lr: f64, c: f64): bool { return run(lr, c, 0); }
// @ts-ignore: decorator
@noinline function nesterov(lr: f64, c: f64): bool { return run(lr, c, NESTEROV); }
// @ts-ignore: decorator
@noinline function signed_(lr: f64, c: f64): bool { return run(lr, c, SIGNED); }
// @ts-ignore: decorator
@noinline function nesterovSigned(lr: f64, c: f64): bool { return run(lr, c, NESTEROV | SIGNED); }

/** The momentum-buffer update with step size `lr`, optionally taking sign(d). */
// @ts-ignore: decorator
@noinline export function bufferedUpdate(lr: f64, c: f64, signed: bool): bool {
  const mode = (hyper(HP_nesterov) != 0 ? NESTEROV : 0) | (signed ? SIGNED : 0);
  if (!ownLoop(true) || measured()) return run(lr, c, mode | measuring());
  switch (mode) {
    case 0: return plain(lr, c);
    case NESTEROV: return nesterov(lr, c);
    case SIGNED: return signed_(lr, c);
  }
  return nesterovSigned(lr, c);
}

export function momentumUpdate(lr: f64, c: f64): bool {
  return bufferedUpdate(lr, c, false);
}
