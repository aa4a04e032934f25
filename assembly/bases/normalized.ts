// normalized: normalized SGD (with optional momentum, torch buffer convention):
//   ge = c·g + wd·p;  b ← mu·b + ge;  d = b, or ge + mu·b with Nesterov;  p ← p − lr·d/‖d‖
// With mu = 0 (the default) this is p ← p − lr·ge/‖ge‖: the step length is exactly lr.
// ‖d‖ is global, so it comes from the reduction pass: writing d = α·g + u with
//   α = c (or (1+mu)·c with Nesterov),  u = mu·b + wd·p (or mu²·b + (1+mu)·wd·p),
// the pass sums g·g, u·g and u·u (u is formed on the fly; c is not known yet because it
// depends on ‖g‖), and ‖d‖² = α²·gg + 2α·ug + uu. A zero direction takes no step.
import { P, G, NPAD, hyper, slot } from '../layout';
import { HP_weightDecay, HP_momentum, HP_nesterov } from '../ids';
import { normSq64 } from '../simd';
import { normSq, pass, splat, none, sum0, sum1, sum2 } from '../loops';
import { bufferedUpdate } from './momentum';

let gg: f64 = 0, ug: f64 = 0, uu: f64 = 0;

/** a: g, b: the buffer, c: p; k0: β, k1: γ. Sums g·g, u·g, u·u with u = β·b + γ·p. */
@final export class Directions {
  // @ts-ignore: decorator
  @inline decayed(mode: i32): i32 { return 0b10; }
  // @ts-ignore: decorator
  @inline sums(): i32 { return 3; }
  // @ts-ignore: decorator
  @inline term(s: i32, a: usize, b: usize, c: usize, d: usize, e: usize, f: usize,
    k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128, k6: v128, k7: v128, k8: v128, k9: v128, mode: i32): v128 {
    const x = v128.load(a);
    const u = f32x4.add(f32x4.mul(k0, v128.load(b)), f32x4.mul(k1, v128.load(c)));
    return s == 0 ? f32x4.mul(x, x) : s == 1 ? f32x4.mul(u, x) : f32x4.mul(u, u);
  }
}

/** The reduction pass: returns ‖g‖² and keeps the sums the update needs. */
// @ts-ignore: decorator
@noinline export function normalizedReduce(): f64 {
  const mu = hyper(HP_momentum), wd = hyper(HP_weightDecay), nes = hyper(HP_nesterov) != 0;
  const beta = nes ? mu * mu : mu, gamma = nes ? (1 + mu) * wd : wd;
  ug = 0; uu = 0;
  if (beta == 0 && gamma == 0) { gg = normSq(G, NPAD); return gg; }
  const z = none();
  pass<Directions>(NPAD, G, slot(0), P, P, P, G, splat(beta), splat(gamma), z, z, z, z, z, z, z, z, 0);
  gg = sum0; ug = sum1; uu = sum2;
  return gg;
}

export function normalizedUpdate(lr: f64, c: f64): bool {
  const mu = hyper(HP_momentum);
  const alpha = hyper(HP_nesterov) != 0 ? (1 + mu) * c : c;
  if (!isFinite(gg)) gg = normSq64(G, NPAD); // a finite gradient whose f32 squares overflowed (step.ts, gradNormSq)
  const dd = alpha * alpha * gg + 2 * alpha * ug + uu;
  // momentum's pass (momentum.ts) with step size lr/‖d‖
  return bufferedUpdate(dd > 0 ? lr / Math.sqrt(dd) : 0, c, false);
}
