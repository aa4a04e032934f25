// normalized: normalized SGD (with optional momentum, torch buffer convention):
//   ge = c·g + wd·p;  b ← mu·b + ge;  d = b, or ge + mu·b with Nesterov;  p ← p − lr·d/‖d‖
// With mu = 0 (the default) this is p ← p − lr·ge/‖ge‖: the step length is exactly lr.
// ‖d‖ is global, so it comes from the reduction pass: writing d = α·g + u with
//   α = c (or (1+mu)·c with Nesterov),  u = mu·b + wd·p (or mu²·b + (1+mu)·wd·p),
// the pass sums g·g, u·g and u·u (u is formed on the fly; c is not known yet because it
// depends on ‖g‖), and ‖d‖² = α²·gg + 2α·ug + uu. A zero direction takes no step.
import { P, G, NPAD, hyper, slot } from '../layout';
import { HP_weightDecay, HP_momentum, HP_nesterov } from '../ids';
import { normSq, normSq64 } from '../simd';
import { bufferedUpdate } from './momentum';

let gg: f64 = 0, ug: f64 = 0, uu: f64 = 0;

/** The reduction pass: returns ‖g‖² and keeps the sums the update needs. */
// @ts-ignore: decorator
@noinline export function normalizedReduce(): f64 {
  const mu = hyper(HP_momentum), wd = hyper(HP_weightDecay), nes = hyper(HP_nesterov) != 0;
  const beta = nes ? mu * mu : mu, gamma = nes ? (1 + mu) * wd : wd;
  ug = 0; uu = 0;
  if (beta == 0 && gamma == 0) { gg = normSq(G, NPAD); return gg; }
  const vb = f32x4.splat(<f32>beta), vg = f32x4.splat(<f32>gamma);
  let ggL = f64x2.splat(0), ggH = f64x2.splat(0), ugL = f64x2.splat(0), ugH = f64x2.splat(0);
  let uuL = f64x2.splat(0), uuH = f64x2.splat(0);
  let p = P, g = G, b = slot(0);
  const end = P + (<usize>NPAD << 2);
  while (p < end) {
    const k = end - p >= 512 ? 32 : 16; // 128-float blocks (32 products per lane), then 64
    let sgg = f32x4.splat(0), sug = f32x4.splat(0), suu = f32x4.splat(0);
    for (let i = 0; i < k; i++) {
      const x = v128.load(g);
      const u = f32x4.add(f32x4.mul(vb, v128.load(b)), f32x4.mul(vg, v128.load(p)));
      sgg = f32x4.add(sgg, f32x4.mul(x, x));
      sug = f32x4.add(sug, f32x4.mul(u, x));
      suu = f32x4.add(suu, f32x4.mul(u, u));
      p += 16; g += 16; b += 16;
    }
    ggL = f64x2.add(ggL, f64x2.promote_low_f32x4(sgg));
    ggH = f64x2.add(ggH, f64x2.promote_low_f32x4(v128.shuffle<f32>(sgg, sgg, 2, 3, 0, 0)));
    ugL = f64x2.add(ugL, f64x2.promote_low_f32x4(sug));
    ugH = f64x2.add(ugH, f64x2.promote_low_f32x4(v128.shuffle<f32>(sug, sug, 2, 3, 0, 0)));
    uuL = f64x2.add(uuL, f64x2.promote_low_f32x4(suu));
    uuH = f64x2.add(uuH, f64x2.promote_low_f32x4(v128.shuffle<f32>(suu, suu, 2, 3, 0, 0)));
  }
  gg = (f64x2.extract_lane(ggL, 0) + f64x2.extract_lane(ggL, 1)) + (f64x2.extract_lane(ggH, 0) + f64x2.extract_lane(ggH, 1));
  ug = (f64x2.extract_lane(ugL, 0) + f64x2.extract_lane(ugL, 1)) + (f64x2.extract_lane(ugH, 0) + f64x2.extract_lane(ugH, 1));
  uu = (f64x2.extract_lane(uuL, 0) + f64x2.extract_lane(uuL, 1)) + (f64x2.extract_lane(uuH, 0) + f64x2.extract_lane(uuH, 1));
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
