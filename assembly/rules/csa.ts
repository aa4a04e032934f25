// csa — the 2017 cumulative path-length scheme (its 2020 successor: docs/rules/csa.md): ALeRA for SGD and "AgAdam" for
// Adam (Schoenauer-Sebag, Schoenauer, Sebag, arXiv 1709.01427;
// docs/rules/csa.md). The path accumulates normalized *raw gradients* for both bases (the
// inconsistency its successor corrects for Adam), the reference has the 2017 warm-up correction, and
// the LR is updated *before* the step that uses it:
//   u = g/‖g‖ (0 when ‖g‖ ≤ 1e-6);  p ← (1−c)·p + c·u
//   μ_t = c/(2−c)·(1 − (1−c)^{2t});  η ← η·exp((damping/μ)·(‖p‖² − μ_t))
//   sgd: x ← x − η·g;   adam: the package's adam step with lr = η
// (the 2017 constant C is damping·σ/μ with σ = c/√n: the same exponent, one knob shared with its successor).
// Passes: one reduction (g·g, g·p, p·p, from which ‖p_new‖² follows exactly in real arithmetic),
// then sgd: one fused pass (p, x); adam: a path pass and the adam pass.
import { P as X, G, NPAD, hyper, state, setState, setStat, slot } from '../layout';
import { HP_lr, S_step } from '../ids';
import { BASE_adam, HP_csa_c, HP_csa_damping, HP_csa_etaMin, HP_csa_etaMax, S_csa_eta, T_csa_pathNormSq, T_csa_pathRatio, T_csa_reference, T_csa_dirNorm } from '../generated/ids';
import { finiteAfter } from '../simd';
import { dotNorms, sum0, sum1, sum2, pass, splat, none, pass2, moved, measured, MEASURE } from '../loops';
import { nonFinite, gradNormSq, refusal, clipScale, countStep, finish } from '../step';
import { adamUpdate } from '../bases/adam';
import { powi, exp, bound } from '../math';

// @ts-ignore: decorator
@inline const SGD = 1;

/** a: x, b: g, c: the path; k0: 1−c, k1: c/‖g‖, k2: η. p ← (1−c)p + (c/‖g‖)·g; SGD also x ← x − η·g. */
@final export class Path {
  // @ts-ignore: decorator
  @inline moves(mode: i32): bool { return (mode & SGD) != 0 && (mode & MEASURE) != 0; }
  // @ts-ignore: decorator
  @inline stepped(mode: i32): i32 { return 0b100; }
  // @ts-ignore: decorator
  @inline update(a: usize, b: usize, c: usize, d: usize, e: usize, f: usize,
    k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128, k6: v128, k7: v128, k8: v128, k9: v128, mode: i32): v128 {
    const gv = v128.load(b);
    v128.store(c, f32x4.add(f32x4.mul(k0, v128.load(c)), f32x4.mul(k1, gv)));
    if (!(mode & SGD)) return f32x4.splat(0);
    const dx = f32x4.mul(k2, gv), y = f32x4.sub(v128.load(a), dx);
    v128.store(a, y);
    return mode & MEASURE ? moved(dx, y) : y; // (measured only when asked: it cost this light loop ~25%)
  }
}

export function csaStep(base: i32, loss: f64): i32 {
  const adam = base == BASE_adam, path = slot(adam ? 2 : 0);
  dotNorms(G, path, NPAD);
  const gp = sum1, pp = sum2, gg = gradNormSq(sum0, false);
  if (gg < 0) return refusal;
  if (!isFinite(gp)) return nonFinite(); // (g is finite: its sums overflowed, GRAD_RANGE)
  clipScale(gg);
  const c = hyper(HP_csa_c), damping = hyper(HP_csa_damping);
  const norm = Math.sqrt(gg), r = norm > 1e-6 ? 1 / norm : 0;
  // ‖(1−c)p + c·r·g‖², expanded: the new path is not materialized before the LR is needed
  const sp = Math.max(0, (1 - c) * (1 - c) * pp + 2 * c * (1 - c) * r * gp + c * c * r * r * gg);
  const t = state(S_step) + 1, mu = c / (2 - c), mut = mu * (1 - powi(1 - c, 2 * t));
  const prev = state(S_step) == 0 ? hyper(HP_lr) : state(S_csa_eta);
  const eta = bound(prev * exp((damping / mu) * (sp - mut)), hyper(HP_csa_etaMin), hyper(HP_csa_etaMax));
  const vc1 = splat(1 - c), vcr = splat(c * r), veta = splat(eta), z = none();
  countStep();
  let finite: bool;
  if (adam) {
    pass<Path>(NPAD, X, G, path, X, X, X, vc1, vcr, veta, z, z, z, z, z, z, z, 0);
    finite = adamUpdate(eta, 1, false);
  } else if (measured()) finite = finiteAfter(pass2<Path>(NPAD, X, G, path, X, X, X, vc1, vcr, veta, z, z, z, z, z, z, z, SGD | MEASURE), X, NPAD);
  else finite = finiteAfter(pass2<Path>(NPAD, X, G, path, X, X, X, vc1, vcr, veta, z, z, z, z, z, z, z, SGD), X, NPAD);
  setState(S_csa_eta, eta);
  setStat(T_csa_pathNormSq, sp); setStat(T_csa_pathRatio, sp / mut); setStat(T_csa_reference, mut);
  setStat(T_csa_dirNorm, norm);
  return finish(eta, finite);
}
