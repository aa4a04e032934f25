// schedulefree — Schedule-Free SGD and AdamW (Defazio, Yang, Mehta, Mishchenko, Khaled, Cutkosky,
// "The Road Less Scheduled", NeurIPS 2024; facebookresearch/schedule_free's reference forms):
// docs/rules/schedulefree.md. Params hold y, where the gradient is taken; z is the base
// iterate; x, the average to evaluate and deploy, is stored (opt.average), so it is current
// after every step without rebuilding it from y and z.
//   γ_t = lr·m(t) (the schedule's warmup: decay is refused), lrMax = max γ_i,
//   w_t = (t + 1)^r·lrMax^p,  c = w_t/Σ_{i≤t} w_i  (0 while the sum is 0)
//   sgd:    z ← z − γ·(g + λy)
//   adamw:  v ← β2·v + (1 − β2)·g²;  u = g/(√(v/(1 − β2^(t+1))) + ε);  z ← z − γ·(u + λy)
//   x ← (1 − c)·x + c·z;   y ← (1 − β)·z + β·x
// computed as u = √bc2·g/(√v + ε·√bc2) (one multiply fewer, as the adam base), the clip scale
// folded into the constants. Step 0 sets z = x = y first. One pass over y, g, z, x (and v).
import { P as X, G, NPAD, BASE, H_BASE, hyper, state, setState, setStat, slot } from '../layout';
import { HP_weightDecay, HP_beta2, HP_eps, S_step, GRAD_RANGE } from '../ids';
import { BASE_adamw, HP_schedulefree_beta, HP_schedulefree_weightLrPower, HP_schedulefree_r, S_schedulefree_weightSum, S_schedulefree_lrMax, T_schedulefree_ckp1, T_schedulefree_lrMax, T_schedulefree_weightSum } from '../generated/ids';
import { finiteAfter } from '../simd';
import { copy, normSq, pass, splat } from '../loops';
import { gradNormSq, refusal, clipScale, countStep, finish, lrNow, wideGrad } from '../step';
import { powi, pow } from '../math';

// @ts-ignore: decorator
@inline const SGD = 0;
// @ts-ignore: decorator
@inline const ADAMW = 1;

/**
 * a: y, b: g, c: z, d: x, e: v (adamw); k0: γ·clip (sgd) or γ (adamw), k1: γ·λ, k2: 1 − c,
 * k3: c, k4: 1 − β, k5: β; adamw: k6: β2, k7: (1 − β2)·clip², k8: √bc2·clip, k9: ε·√bc2.
 */
@final export class Update {
  // @ts-ignore: decorator
  @inline stepped(mode: i32): i32 { return 0b11; }
  // @ts-ignore: decorator
  @inline decayed(mode: i32): i32 { return 0b10; }
  // @ts-ignore: decorator
  @inline update(a: usize, b: usize, c: usize, d: usize, e: usize, f: usize,
    k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128, k6: v128, k7: v128, k8: v128, k9: v128, mode: i32): v128 {
    const yv = v128.load(a), gv = v128.load(b);
    let u = gv;
    if (mode == ADAMW) {
      const vn = f32x4.add(f32x4.mul(k6, v128.load(e)), f32x4.mul(k7, f32x4.mul(gv, gv)));
      v128.store(e, vn);
      u = f32x4.div(f32x4.mul(k8, gv), f32x4.add(f32x4.sqrt(vn), k9));
    }
    const zn = f32x4.sub(v128.load(c), f32x4.add(f32x4.mul(k0, u), f32x4.mul(k1, yv)));
    const xn = f32x4.add(f32x4.mul(k2, v128.load(d)), f32x4.mul(k3, zn));
    const yn = f32x4.add(f32x4.mul(k4, zn), f32x4.mul(k5, xn));
    v128.store(c, zn); v128.store(d, xn); v128.store(a, yn);
    return yn;
  }
}

// @ts-ignore: decorator
@noinline function sgdPass(k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128): v128 {
  const z = splat(0);
  return pass<Update>(NPAD, X, G, slot(0), slot(1), X, X, k0, k1, k2, k3, k4, k5, z, z, z, z, SGD);
}
// @ts-ignore: decorator
@noinline function adamwPass(k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128, k6: v128, k7: v128, k8: v128, k9: v128): v128 {
  return pass<Update>(NPAD, X, G, slot(1), slot(2), slot(0), X, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, ADAMW);
}

export function schedulefreeStep(base: i32, loss: f64): i32 {
  const adam = base == BASE_adamw;
  const gg = gradNormSq(normSq(G, NPAD), adam);
  if (gg < 0) return refusal;
  // (a gradient whose float32 squares overflow: the adam base scales it first, this pass has no constant left for that)
  if (adam && wideGrad) return GRAD_RANGE;
  const clip = clipScale(gg), t = state(S_step), first = t == 0;
  const gamma = lrNow(); // (the schedule's warmup is in it)
  const lrMax = Math.max(first ? 0 : state(S_schedulefree_lrMax), gamma);
  const w = pow(t + 1, hyper(HP_schedulefree_r)) * pow(lrMax, hyper(HP_schedulefree_weightLrPower));
  const wsum = (first ? 0 : state(S_schedulefree_weightSum)) + w;
  const ck = wsum > 0 ? w / wsum : 0, beta = hyper(HP_schedulefree_beta), wd = hyper(HP_weightDecay);
  if (first) { copy(slot(adam ? 1 : 0), X, NPAD); copy(slot(adam ? 2 : 1), X, NPAD); } // z = x = y
  countStep();
  let ok: v128;
  if (adam) {
    const b2 = hyper(HP_beta2), sbc2 = Math.sqrt(1 - powi(b2, t + 1));
    ok = adamwPass(splat(gamma), splat(gamma * wd), splat(1 - ck), splat(ck), splat(1 - beta), splat(beta),
      splat(b2), splat((1 - b2) * clip * clip), splat(sbc2 * clip), splat(hyper(HP_eps) * sbc2));
  } else {
    ok = sgdPass(splat(gamma * clip), splat(gamma * wd), splat(1 - ck), splat(ck), splat(1 - beta), splat(beta));
  }
  setState(S_schedulefree_lrMax, lrMax); setState(S_schedulefree_weightSum, wsum);
  setStat(T_schedulefree_ckp1, ck); setStat(T_schedulefree_lrMax, lrMax); setStat(T_schedulefree_weightSum, wsum);
  return finish(gamma, finiteAfter(ok, X, NPAD));
}

/** x, the average to evaluate and deploy (the loader's `average` view). */
export function schedulefreeAverage(): usize { return slot(load<i32>(BASE + H_BASE) == BASE_adamw ? 2 : 1); }
