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
import { finiteAfter, ROLLED } from '../simd';
import { dotNorms, sum0, sum1, sum2 } from '../loops';
import { nonFinite, gradNormSq, refusal, clipScale, countStep, finish } from '../step';
import { adamUpdate } from '../bases/adam';
import { powi, exp, bound } from '../math';

// p ← (1−c)p + (c/‖g‖)·g; sgd also x ← x − η·g
// @ts-ignore: decorator
@inline function elem(x: usize, g: usize, p: usize, vc1: v128, vcr: v128, veta: v128, sgd: bool): v128 {
  const gv = v128.load(g);
  v128.store(p, f32x4.add(f32x4.mul(vc1, v128.load(p)), f32x4.mul(vcr, gv)));
  if (!sgd) return f32x4.splat(0);
  const y = f32x4.sub(v128.load(x), f32x4.mul(veta, gv));
  v128.store(x, y);
  return y;
}

// @ts-ignore: decorator
@inline function pass(path: usize, vc1: v128, vcr: v128, veta: v128, sgd: bool): bool {
  const end = X + (<usize>NPAD << 2);
  let ok = f32x4.splat(0), x = X, g = G, p = path;
  while (x < end) {
    const y0 = elem(x, g, p, vc1, vcr, veta, sgd);
    if (ROLLED) { ok = f32x4.add(ok, y0); x += 16; g += 16; p += 16; continue; }
    const y1 = elem(x + 16, g + 16, p + 16, vc1, vcr, veta, sgd);
    ok = f32x4.add(ok, f32x4.add(y0, y1));
    x += 32; g += 32; p += 32;
  }
  return finiteAfter(ok, X, NPAD);
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
  const vc1 = f32x4.splat(<f32>(1 - c)), vcr = f32x4.splat(<f32>(c * r)), veta = f32x4.splat(<f32>eta);
  countStep();
  let finite: bool;
  if (adam) {
    pass(path, vc1, vcr, veta, false);
    finite = adamUpdate(eta, 1);
  } else finite = pass(path, vc1, vcr, veta, true);
  setState(S_csa_eta, eta);
  setStat(T_csa_pathNormSq, sp); setStat(T_csa_pathRatio, sp / mut); setStat(T_csa_reference, mut);
  setStat(T_csa_dirNorm, norm);
  return finish(eta, finite);
}
