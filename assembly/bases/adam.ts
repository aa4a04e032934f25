// adam / adamw (Kingma & Ba 2015 with bias correction; Loshchilov & Hutter 2019 for adamw), and
// nadam / nadamw (Dozat 2016 in optax's form, the AlgoPerf baseline's base; decay as adam / adamw):
//   ge = c·g (+ wd·p for adam: L2)        adamw also decays p by lr·wd·p (below)
//   m ← β1·m + (1−β1)·ge;  v ← β2·v + (1−β2)·ge²
//   p ← p − (lr / bc1) · m / (sqrt(v) / sqrt(bc2) + eps),  bc_i = 1 − β_i^t
// nadam(w) steps along the Nesterov look-ahead m̂ = β1·m/(1−β1^(t+1)) + (1−β1)·ge/(1−β1^t):
//   p ← p − lr·m̂ / (sqrt(v)/sqrt(bc2) + eps), computed as
//   p ← p − (kA·m + kB·ge) / (sqrt(v) + eps·sqrt(bc2)),  kA = lr·sqrt(bc2)·β1/(1−β1^(t+1)),
//   kB = lr·sqrt(bc2)·(1−β1)/bc1 (times c where the clip scale folds in, as k2)
// computed in the form of Kingma & Ba's Section 2 ("efficiency"), which is the same value
// up to rounding with one multiply fewer per element:
//   p ← p − (lr·sqrt(bc2)/bc1) · m / (sqrt(v) + eps·sqrt(bc2))
// Without an L2 term the clip scale folds into the moment coefficients:
//   m ← β1·m + ((1−β1)·c)·g;  v ← β2·v + ((1−β2)·c²)·g²
// except for a gradient with a coordinate ≥ 2^64, whose g² overflows float32 (step.ts,
// gradNormSq, flags it): then the rolled loop scales g by c first ("wide"), so a clipped
// gradient steps whatever its raw size. adamw's decay is inside the one difference
// p − (u + lr·wd·p), never a float32 factor 1 − lr·wd (it rounds to 1 once lr·wd < 2^-25 and
// the decay is lost).
import { P, G, NPAD, hyper, slot, state } from '../layout';
import { HP_weightDecay, HP_beta1, HP_beta2, HP_eps, HP_grouped, S_step } from '../ids';
import { finiteAfter } from '../simd';
import { pass, splat, none, ownLoop, stepOf, decayOf, moved, measured, measuring, applied, MEASURE } from '../loops';
import { wideGrad } from '../step';
import { powi } from '../math';

// Adam's pieces, in one rounding form, for every rule that fuses its own Adam update.
/** m ← β1·m + k1·ge (k1 = (1 − β1), times c when the clip scale folds in). */
// @ts-ignore: decorator
@inline export function nextM(m: v128, ge: v128, b1: v128, k1: v128): v128 { return f32x4.add(f32x4.mul(b1, m), f32x4.mul(k1, ge)); }
/** v ← β2·v + k2·ge² (k2 = (1 − β2), times c² when the clip scale folds in). */
// @ts-ignore: decorator
@inline export function nextV(v: v128, ge: v128, b2: v128, k2: v128): v128 { return f32x4.add(f32x4.mul(b2, v), f32x4.mul(k2, f32x4.mul(ge, ge))); }
/**
 * The step along m/(√v + e): k·m/(√v + e). With k = √bc2/bc1 and e = eps·√bc2 it is the
 * bias-corrected direction m̂/(√v̂ + eps) (Kingma & Ba's Section 2 form, one multiply fewer);
 * with k = lr·√bc2/bc1, Adam's step.
 */
// @ts-ignore: decorator
@inline export function direction(m: v128, v: v128, k: v128, e: v128): v128 { return f32x4.mul(k, f32x4.div(m, f32x4.add(f32x4.sqrt(v), e))); }

/** The f64 constants of those pieces at step t (bias corrections), for lr: [k, e] of direction(). */
export let dirK: f64 = 0, dirE: f64 = 0;
// @ts-ignore: decorator
@inline export function directionAt(t: f64, lr: f64): void {
  const b1 = hyper(HP_beta1), b2 = hyper(HP_beta2);
  const bc1 = 1 - powi(b1, t), sbc2 = Math.sqrt(1 - powi(b2, t));
  dirK = lr * sbc2 / bc1; dirE = hyper(HP_eps) * sbc2;
}

// @ts-ignore: decorator
@inline const PLAIN = 0;
// @ts-ignore: decorator
@inline const L2 = 1;
// @ts-ignore: decorator
@inline const DECOUPLED = 2;
// @ts-ignore: decorator
@inline const WIDE = 4;   // g is scaled by c first (then k2, k4 carry no c, and k0 is wd)
// @ts-ignore: decorator
@inline const NESTEROV = 8; // nadam(w): the step along kA·m + kB·ge (k8, k9)
// @ts-ignore: decorator
@inline const GROUPED = 16;  // groups: each segment's step factor and decay ratio, per vector (otherwise m(t) is in the constants)

/**
 * a: p, b: g, c: m, d: v; k0: wd/c (L2) or lr·wd (DECOUPLED), k1: β1, k2: (1−β1)·c, k3: β2,
 * k4: (1−β2)·c², k5: eps·√bc2, k6: lr·√bc2/bc1, k7: c; NESTEROV: k8: kA, k9: kB (above).
 */
@final export class Adam {
  // @ts-ignore: decorator
  @inline moves(mode: i32): bool { return (mode & MEASURE) != 0; }
  // @ts-ignore: decorator
  @inline update(a: usize, b: usize, c: usize, d: usize, e: usize, f: usize,
    k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128, k6: v128, k7: v128, k8: v128, k9: v128, mode: i32): v128 {
    const x = v128.load(a);
    let gr = v128.load(b);
    if (mode & WIDE) gr = f32x4.mul(k7, gr);
    const wd = mode & GROUPED ? decayOf(k0) : k0;
    const ge = (mode & 3) == L2 ? f32x4.add(gr, f32x4.mul(wd, x)) : gr; // L2: k2, k4 carry c; k0 is wd/c
    const mn = nextM(v128.load(c), ge, k1, k2), vn = nextV(v128.load(d), ge, k3, k4);
    v128.store(c, mn); v128.store(d, vn);
    const u = mode & NESTEROV
      ? f32x4.div(f32x4.add(f32x4.mul(k8, mn), f32x4.mul(k9, ge)), f32x4.add(f32x4.sqrt(vn), k5))
      : direction(mn, vn, k6, k5);
    // adamw: p − (u + lr·wd·p), k0 being lr·wd here
    const step = (mode & 3) == DECOUPLED ? f32x4.add(u, f32x4.mul(wd, x)) : u;
    const dx = mode & GROUPED ? stepOf(step) : step, y = f32x4.sub(x, dx);
    v128.store(a, y);
    return mode & MEASURE ? moved(dx, y) : y;
  }
}

// @ts-ignore: decorator
@inline function run(rate: f64, c: f64, mode: i32): bool {
  // without groups, the schedule's factor goes into the constants (in f64: 1 leaves their bits as they were)
  const lr = mode & GROUPED ? rate : rate * applied;
  const b1 = hyper(HP_beta1), b2 = hyper(HP_beta2), wd = hyper(HP_weightDecay), t = state(S_step);
  directionAt(t, lr); // (the step already counts this one)
  // with L2, ge = c·g + wd·p = c·(g + (wd/c)·p): c moves into k1 = (1−β1)·c and k2 = (1−β2)·c²
  const k = mode & WIDE ? 1.0 : c;
  // nadam: kA = lr·√bc2·β1/(1 − β1^(t+1)), kB = lr·√bc2·(1 − β1)·k/bc1 (dirK = lr·√bc2/bc1)
  const kA = mode & NESTEROV ? dirK * (1 - powi(b1, t)) * b1 / (1 - powi(b1, t + 1)) : 0, kB = dirK * (1 - b1) * k;
  const ok = pass<Adam>(NPAD, P, G, slot(0), slot(1), P, P,
    splat((mode & 3) == DECOUPLED ? lr * wd : wd / k), splat(b1), splat((1 - b1) * k), splat(b2), splat((1 - b2) * k * k),
    splat(dirE), splat(dirK), splat(c), splat(kA), splat(kB), mode);
  return finiteAfter(ok, P, NPAD);
}

// the size build's one loop for the forms, the form chosen per vector; in both builds, the loop
// for a gradient whose squares overflow float32 (rare: not unrolled)
// @ts-ignore: decorator
@noinline function anyForm(lr: f64, c: f64, mode: i32): bool { return run(lr, c, mode); }

// One function per form in the speed build (as sgd's): inlined side by side in one function,
// the forms' loops made Adam's step 1.3x slower on V8 than with two of them.
// @ts-ignore: decorator
@noinline function plainLoop(lr: f64, c: f64): bool { return run(lr, c, PLAIN); }
// @ts-ignore: decorator
@noinline function l2Loop(lr: f64, c: f64): bool { return run(lr, c, L2); }
// @ts-ignore: decorator
@noinline function decoupledLoop(lr: f64, c: f64): bool { return run(lr, c, DECOUPLED); }
// @ts-ignore: decorator
@noinline function nesterovLoop(lr: f64, c: f64): bool { return run(lr, c, NESTEROV); }
// @ts-ignore: decorator
@noinline function nesterovL2Loop(lr: f64, c: f64): bool { return run(lr, c, L2 | NESTEROV); }
// @ts-ignore: decorator
@noinline function nesterovDecoupledLoop(lr: f64, c: f64): bool { return run(lr, c, DECOUPLED | NESTEROV); }
// the same with groups: per-vector step factors and decay ratios (in the forms above they cost
// Adam's loop 5-7% on V8: one more multiply and a global per vector)
// @ts-ignore: decorator
@noinline function plainLoopG(lr: f64, c: f64): bool { return run(lr, c, PLAIN | GROUPED); }
// @ts-ignore: decorator
@noinline function l2LoopG(lr: f64, c: f64): bool { return run(lr, c, L2 | GROUPED); }
// @ts-ignore: decorator
@noinline function decoupledLoopG(lr: f64, c: f64): bool { return run(lr, c, DECOUPLED | GROUPED); }
// @ts-ignore: decorator
@noinline function nesterovLoopG(lr: f64, c: f64): bool { return run(lr, c, NESTEROV | GROUPED); }
// @ts-ignore: decorator
@noinline function nesterovL2LoopG(lr: f64, c: f64): bool { return run(lr, c, L2 | NESTEROV | GROUPED); }
// @ts-ignore: decorator
@noinline function nesterovDecoupledLoopG(lr: f64, c: f64): bool { return run(lr, c, DECOUPLED | NESTEROV | GROUPED); }

/** GROUPED when the optimizer has groups. */
// @ts-ignore: decorator
@inline function grouped(): i32 { return hyper(HP_grouped) != 0 ? GROUPED : 0; }

/** adam (nesterov false) or nadam (true): L2 decay into the gradient. */
export function adamUpdate(lr: f64, c: f64, nesterov: bool): bool {
  const l2 = hyper(HP_weightDecay) > 0;
  if (!ownLoop(!wideGrad) || measured()) return anyForm(lr, c, (l2 ? L2 : PLAIN) | (nesterov ? NESTEROV : 0) | (wideGrad ? WIDE : 0) | measuring() | grouped());
  const g = grouped() != 0;
  if (nesterov) return l2 ? (g ? nesterovL2LoopG(lr, c) : nesterovL2Loop(lr, c)) : (g ? nesterovLoopG(lr, c) : nesterovLoop(lr, c));
  return l2 ? (g ? l2LoopG(lr, c) : l2Loop(lr, c)) : (g ? plainLoopG(lr, c) : plainLoop(lr, c));
}
/** adamw (nesterov false) or nadamw (true): decoupled decay. */
export function adamwUpdate(lr: f64, c: f64, nesterov: bool): bool {
  if (!ownLoop(!wideGrad) || measured()) return anyForm(lr, c, DECOUPLED | (nesterov ? NESTEROV : 0) | (wideGrad ? WIDE : 0) | measuring() | grouped());
  const g = grouped() != 0;
  return nesterov ? (g ? nesterovDecoupledLoopG(lr, c) : nesterovDecoupledLoop(lr, c)) : (g ? decoupledLoopG(lr, c) : decoupledLoop(lr, c));
}
