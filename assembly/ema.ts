// The exponential moving average of the weights (option `ema`): after every completed step (an
// ELRA retrace is one; a refused step, a diverged one and a closure's probe points are not),
//   e ← x after the first step,  then  e ← d·e + (1 − d)·x
// in float32 (d and 1 − d rounded to float32), over the segments that train (a frozen tensor's
// e stays the x it was copied from). One pass over x and e after the rule's update, not fused
// into the update passes, for two reasons measured on 0.5.0 (a prototype that blended e in
// sgd's and adamw's update loops, bit-identical e; both builds in one Node process, 11 and 5
// interleaved rounds of 10 steps, median ratio of the step with ema to the step without):
//   - it buys little: sgd 1.46-1.70x fused vs 1.65-1.89x separate (1e6 floats), 1.38-1.67x vs
//     1.63-1.86x (1e7); adamw 1.24-1.27x vs 1.29-1.31x (1e6), 1.27-1.33x vs 1.28-1.31x (1e7),
//     within the noise: Adam's loop is not bound by memory traffic, so re-reading x is cheap;
//   - it breaks a promise: a diverged step (non-finite x) is known only after the pass, so a
//     fused blend would already have taken it into e; undoing that needs a copy of e, which
//     costs what fusing saves.
//   Fusing would also double the update loops each base compiles (one with e, one without).
import { NPAD } from './layout';
import { pass, splat, none } from './loops';

/** a: x, b: e; k0: d, k1: 1 − d. */
@final export class Ema {
  // @ts-ignore: decorator
  @inline update(a: usize, b: usize, c: usize, d: usize, e: usize, f: usize,
    k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128, k6: v128, k7: v128, k8: v128, k9: v128, mode: i32): v128 {
    v128.store(b, f32x4.add(f32x4.mul(k0, v128.load(b)), f32x4.mul(k1, v128.load(a))));
    return f32x4.splat(0);
  }
}

/** Blends x (the params, or the rule's average: Schedule-Free's x) into the average at e. */
export function emaUpdate(e: usize, decay: f64, first: bool, x: usize): void {
  if (first) { memory.copy(e, x, <usize>NPAD << 2); return; }
  const z = none();
  pass<Ema>(NPAD, x, e, x, x, x, x, splat(decay), splat(1 - decay), z, z, z, z, z, z, z, z, 0);
}
