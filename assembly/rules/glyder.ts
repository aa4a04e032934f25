// glyder — locally optimal descent step from the descent lemma (GLyDER, arXiv 2311.13877),
// the practical reconstruction (Algorithm P) in docs/rules/glyder.md.
// Bases sgd, momentum, adam: the base runs with lr = 1 and gives the direction d; then
//   p = ⟨g', d⟩ with g' from a fresh batch B' at x            (closure 'fresh')
//   ℓ = (p − ⟨g^τ, d⟩)/⟨x − x_τ, d⟩ (≈ τ‖d‖²), g^τ on B' at x_τ = x − τd  (closure 'repeat': same B')
//   N, Q ← EMAs (β, bias-corrected) of p and ‖d‖²;  L̄ ← max(max(ℓ, 0), γ·L̄)
//   η = c·max(N̂, 0)/max(L̄·Q̂, 1e-30), capped by maxLr;  x ← x − η·d
// τ = max(η_{t−1}, τMin/‖d‖). With smoothness 'gnb', ℓ comes instead from ĝ, the gradient on B'
// at x with labels sampled from the model (closure 'sampled'): the draw B·⟨ĝ, d⟩²/‖d‖², whose
// exponential average C (β_c, bias-corrected over the draws) is the ℓ that enters L̄.
// The base state is committed only in the last pass, so a throwing closure or a non-finite
// value changes nothing.
//
// Passes: A (probeEnter 0) base direction d → scratch, ‖d‖², ‖g‖², x → backup;
//         B (probeEnter 1) x ← x0 − τd and ⟨x0 − x, d⟩;  restore x (probeLeave 1);
//         ('gnb': no move; ĝ lands where g^τ would, restore as above)
//         C (step) p = ⟨g', d⟩ and ⟨g' − g^τ, d⟩ ('gnb': ⟨ĝ, d⟩);  D (step) commit the base state and x ← x0 − η·d.
import { P as X, G, NPAD, hyper, state, setState, setStat, slot, scratch } from '../layout';
import { HP_lr, HP_momentum, HP_nesterov, HP_beta1, HP_beta2, HP_eps, HP_weightDecay, S_step, BATCH_fresh, BATCH_repeat, BATCH_sampled, OK } from '../ids';
import { BASE_sgd, BASE_momentum, BASE_adam, HP_glyder_smoothing, HP_glyder_curvatureDecay, HP_glyder_curvatureEvery, HP_glyder_tauMin, HP_glyder_maxLr, HP_glyder_smoothness, C_glyder_smoothness_gnb, HP_glyder_batchSize, HP_glyder_curvatureSmoothing, S_glyder_N, S_glyder_Q, S_glyder_L, S_glyder_eta, S_glyder_started, S_glyder_C, S_glyder_draws, S_glyder_growth, T_glyder_curvatureSmoothed, T_glyder_p, T_glyder_q, T_glyder_curvature, T_glyder_Lbar, T_glyder_N, T_glyder_Q, T_glyder_tau, T_glyder_escape, T_glyder_growthCapped } from '../generated/ids';
import { finiteAfter } from '../simd';
import { copy, pass, splat, none, sum0, sum1, ownLoop, moved } from '../loops';
import { nextM, nextV, direction, directionAt, dirK, dirE } from '../bases/adam';
import { nextBuffer } from '../bases/momentum';
import { nonFinite, clipScale, countStep, finish } from '../step';
import { powi } from '../math';

const D: u32 = 0, X0: u32 = 1, GP: u32 = 2, GT: u32 = 3; // scratch: direction, params backup, g', g^τ or ĝ

/** Whether ℓ comes from the GNB estimator (smoothness 'gnb') rather than the probe at x − τd. */
// @ts-ignore: decorator
@inline function gnb(): bool { return hyper(HP_glyder_smoothness) == C_glyder_smoothness_gnb; }

let sq: f64 = 0, sgg: f64 = 0, tau: f64 = 0, sdisp: f64 = 0, probed = false;

/** The probe length's floor, τMin/‖d‖ (‖d‖² from pass A): τ's, the escape step's and the GNB cap's start. */
// @ts-ignore: decorator
@inline function probeFloor(): f64 { return hyper(HP_glyder_tauMin) / Math.sqrt(sq); }

/** Whether this step measures curvature (every `curvatureEvery` steps, always on the first). */
function refresh(): bool {
  const k = <i32>hyper(HP_glyder_curvatureEvery);
  return state(S_glyder_started) == 0 || (<i32>state(S_step)) % k == 0;
}

export function glyderProbes(base: i32): i32 { return refresh() ? 2 : 1; }
export function glyderBatch(k: i32): i32 { return k == 0 ? BATCH_fresh : gnb() ? BATCH_sampled : BATCH_repeat; }
export function glyderGrads(k: i32): usize { return scratch(k == 0 ? GP : GT); }


// The base's direction at lr = 1 from g: momentum b' = μb + ge (Nesterov: ge + μb'); adam
// m̂'/(√v̂' + eps) from m', v' (the base's pieces, bases/adam.ts); sgd ge; ge = g + wd·x (L2).
// `mode` (a literal at each call) is the base: each gets its own loop.
// @ts-ignore: decorator
@inline const SGD = 0;
// @ts-ignore: decorator
@inline const MOMENTUM = 1;
// @ts-ignore: decorator
@inline const ADAM = 2;
// @ts-ignore: decorator
@inline const NESTEROV = 3;  // momentum with Nesterov's direction

// Cursors of the direction and commit passes: a: x, b: g, c: d (scratch), d: x0 (scratch),
// e: the buffer or m, f: v. Constants: k0: wd, k1: μ, k2: β1, k3: 1 − β1, k4: β2, k5: 1 − β2,
// k6: √bc2/bc1, k7: eps·√bc2 (Adam's at step t + 1), k8: η.
// @ts-ignore: decorator
@inline function ge(a: usize, b: usize, k0: v128): v128 { return f32x4.add(v128.load(b), f32x4.mul(k0, v128.load(a))); }
// @ts-ignore: decorator
@inline function dir(a: usize, b: usize, e: usize, f: usize, k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128, k6: v128, k7: v128, mode: i32): v128 {
  const gv = ge(a, b, k0);
  if (mode == ADAM) return direction(nextM(v128.load(e), gv, k2, k3), nextV(v128.load(f), gv, k4, k5), k6, k7);
  if (mode == SGD) return gv;
  const bn = nextBuffer(v128.load(e), gv, k1);
  return mode == NESTEROV ? f32x4.add(gv, f32x4.mul(k1, bn)) : bn;
}

/** Pass A: d → scratch, x → backup; sums ‖d‖² (fused: what update returns), ‖g‖² (nothing committed). */
@final export class DirectionPass {
  // @ts-ignore: decorator
  @inline decayed(mode: i32): i32 { return 0b1; }
  // @ts-ignore: decorator
  @inline sums(): i32 { return 2; }
  // @ts-ignore: decorator
  @inline fused(): bool { return true; }
  // @ts-ignore: decorator
  @inline term(s: i32, a: usize, b: usize, c: usize, d: usize, e: usize, f: usize,
    k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128, k6: v128, k7: v128, k8: v128, k9: v128, mode: i32): v128 {
    const gv = v128.load(b);
    return f32x4.mul(gv, gv);
  }
  // @ts-ignore: decorator
  @inline update(a: usize, b: usize, c: usize, d: usize, e: usize, f: usize,
    k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128, k6: v128, k7: v128, k8: v128, k9: v128, mode: i32): v128 {
    const dv = dir(a, b, e, f, k0, k1, k2, k3, k4, k5, k6, k7, mode);
    v128.store(c, dv);
    v128.store(d, v128.load(a));
    return f32x4.mul(dv, dv);
  }
}

/** Pass D: commit the base state (the same arithmetic as pass A, so the same bits) and x ← x0 − η·d. */
@final export class CommitPass {
  // @ts-ignore: decorator
  @inline moves(mode: i32): bool { return true; }
  // @ts-ignore: decorator
  @inline stepped(mode: i32): i32 { return 0b100000000; }
  // @ts-ignore: decorator
  @inline decayed(mode: i32): i32 { return 0b1; }
  // @ts-ignore: decorator
  @inline update(a: usize, b: usize, c: usize, d: usize, e: usize, f: usize,
    k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128, k6: v128, k7: v128, k8: v128, k9: v128, mode: i32): v128 {
    const dx = f32x4.mul(k8, v128.load(c)), y = f32x4.sub(v128.load(d), dx); // (x is x0 again here: Δx = dx)
    if (mode != SGD) {
      const gv = ge(d, b, k0), ev = v128.load(e); // (ge at x0, the x pass A saw)
      if (mode == ADAM) { const fv = v128.load(f); v128.store(e, nextM(ev, gv, k2, k3)); v128.store(f, nextV(fv, gv, k4, k5)); }
      else v128.store(e, nextBuffer(ev, gv, k1));
    }
    v128.store(a, y);
    return moved(dx, y);
  }
}

// @ts-ignore: decorator
@inline function sweep<T>(mode: i32, eta: f64): v128 {
  const t = state(S_step) + 1, b1 = hyper(HP_beta1), b2 = hyper(HP_beta2);
  directionAt(t, 1);
  return pass<T>(NPAD, X, G, scratch(D), scratch(X0), slot(0), slot(1), splat(hyper(HP_weightDecay)), splat(hyper(HP_momentum)),
    splat(b1), splat(1 - b1), splat(b2), splat(1 - b2), splat(dirK), splat(dirE), splat(eta), none(), mode);
}

/** The pass's mode for this base. */
function modeOf(base: i32): i32 {
  return base == BASE_adam ? ADAM : base == BASE_momentum ? (hyper(HP_nesterov) != 0 ? NESTEROV : MOMENTUM) : SGD;
}

function sweepDirection(base: i32): void {
  if (!ownLoop(true)) sweep<DirectionPass>(modeOf(base), 0);
  else switch (modeOf(base)) {
    case ADAM: sweep<DirectionPass>(ADAM, 0); break;
    case MOMENTUM: sweep<DirectionPass>(MOMENTUM, 0); break;
    case NESTEROV: sweep<DirectionPass>(NESTEROV, 0); break;
    default: sweep<DirectionPass>(SGD, 0);
  }
  sq = sum0; sgg = sum1;
}

function sweepCommit(base: i32, eta: f64): bool {
  let ok: v128;
  if (!ownLoop(true)) ok = sweep<CommitPass>(modeOf(base) == NESTEROV ? MOMENTUM : modeOf(base), eta);
  else switch (modeOf(base)) {
    case ADAM: ok = sweep<CommitPass>(ADAM, eta); break;
    case SGD: ok = sweep<CommitPass>(SGD, eta); break;
    default: ok = sweep<CommitPass>(MOMENTUM, eta); // (Nesterov commits the same buffer)
  }
  return finiteAfter(ok, X, NPAD);
}

// The probe passes: a: x, b: d, c: g', d: x0 (or g^τ in pAndDiff); k0: τ.

// @ts-ignore: decorator
@inline const MOVE = 1;

/**
 * ⟨g', d⟩; with MOVE (a run-time choice, as one loop), also x ← x0 − τ·d in the same pass,
 * summing the realized displacement along d, ⟨x0 − x, d⟩ (≈ τ‖d‖², but exactly what float32
 * stored).
 */
@final export class Probe {
  // @ts-ignore: decorator
  @inline sums(): i32 { return 2; }
  // @ts-ignore: decorator
  @inline term(s: i32, a: usize, b: usize, c: usize, d: usize, e: usize, f: usize,
    k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128, k6: v128, k7: v128, k8: v128, k9: v128, mode: i32): v128 {
    const dv = v128.load(b);
    if (s == 0) return f32x4.mul(v128.load(c), dv);
    if (mode != MOVE) return f32x4.splat(0);
    const xv = v128.load(d);
    return f32x4.mul(f32x4.sub(xv, f32x4.sub(xv, f32x4.mul(k0, dv))), dv); // x0 − y: exact (Sterbenz) when close
  }
  // @ts-ignore: decorator
  @inline update(a: usize, b: usize, c: usize, d: usize, e: usize, f: usize,
    k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128, k6: v128, k7: v128, k8: v128, k9: v128, mode: i32): v128 {
    if (mode == MOVE) v128.store(a, f32x4.sub(v128.load(d), f32x4.mul(k0, v128.load(b))));
    return f32x4.splat(0);
  }
}

// @ts-ignore: decorator
@inline const SAMPLED = 1;

/** Pass C: p = ⟨g', d⟩ and ⟨g' − g^τ, d⟩ (the difference first) in one pass; SAMPLED: ⟨ĝ, d⟩. */
@final export class PAndDiff {
  // @ts-ignore: decorator
  @inline sums(): i32 { return 2; }
  // @ts-ignore: decorator
  @inline term(s: i32, a: usize, b: usize, c: usize, d: usize, e: usize, f: usize,
    k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128, k6: v128, k7: v128, k8: v128, k9: v128, mode: i32): v128 {
    const dv = v128.load(b), gv = v128.load(c);
    return s == 0 ? f32x4.mul(gv, dv) : f32x4.mul(mode == SAMPLED ? v128.load(d) : f32x4.sub(gv, v128.load(d)), dv);
  }
}

let spd: f64 = 0;

function dotProbe(move: bool): f64 {
  const z = none();
  pass<Probe>(NPAD, X, scratch(D), scratch(GP), scratch(X0), X, X, splat(tau), z, z, z, z, z, z, z, z, z, move ? MOVE : 0);
  if (move) sdisp = sum1;
  return sum0;
}

function pAndDiff(mode: i32): f64 {
  const z = none();
  pass<PAndDiff>(NPAD, X, scratch(D), scratch(GP), scratch(GT), X, X, z, z, z, z, z, z, z, z, z, z, mode);
  spd = sum1;
  return sum0;
}

export function glyderEnter(base: i32, k: i32): void {
  if (k == 0) {
    sweepDirection(base); // d, ‖d‖², ‖g‖², x0 (scratch only)
    probed = false;
  } else {
    if (!(sq > 0)) { probed = false; tau = 0; return; } // zero direction: no probe (docs/rules)
    if (gnb()) { probed = true; tau = 0; return; } // (ĝ is taken at x itself)
    const floor = probeFloor();
    tau = state(S_glyder_started) != 0 ? Math.max(state(S_glyder_eta), floor) : floor;
    dotProbe(true);        // x ← x0 − τ·d
    probed = true;
  }
}

/** Puts x back exactly from the backup pass A made, whatever the closure wrote into params. */
export function glyderLeave(base: i32, k: i32): void {
  copy(X, scratch(X0), NPAD);
}

export function glyderStep(base: i32, loss: f64): i32 {
  let ell: f64 = NaN;
  const measured = probed;
  // p = ⟨g', d⟩; ⟨g' − g^τ, d⟩ with the difference taken first (exact in f32 when g^τ ≈ g',
  // where a difference of two sums would cancel), over the realized displacement ⟨x0 − x_τ, d⟩
  const sampled = gnb();
  const p = measured ? pAndDiff(sampled ? SAMPLED : 0) : dotProbe(false);
  // GNB: one draw B·⟨ĝ, d⟩²/‖d‖² (≥ 0; its mean is dᵀGd/‖d‖², G the Gauss-Newton matrix), then
  // its average over the draws (bias-corrected) is the ℓ L̄ takes
  let draw: f64 = NaN, C = state(S_glyder_C), draws = state(S_glyder_draws), growth = state(S_glyder_growth);
  if (measured && sampled) {
    growth = growth > 0 ? 2 * growth : 2 * probeFloor();
    draw = hyper(HP_glyder_batchSize) * spd * spd / sq;
    const bc = hyper(HP_glyder_curvatureSmoothing);
    C = bc * C + (1 - bc) * draw; draws += 1;
    ell = C / (1 - powi(bc, <i32>draws));
  } else if (measured) ell = spd / sdisp;
  // (a refresh step whose probe was skipped for a zero direction leaves ℓ unmeasured)
  probed = false;
  if (!isFinite(sgg) || !isFinite(sq)) return nonFinite(scratch(GP), measured ? scratch(GT) : 0);
  if (!(sq > 0)) return OK; // zero direction: no step, nothing changes (docs/rules)
  if (!isFinite(p) || (measured && (!isFinite(ell) || (sampled && !isFinite(draw))))) return nonFinite(scratch(GP), measured ? scratch(GT) : 0); // g' or g^τ
  clipScale(sgg); // (records gradNorm; glyder takes no clipNorm)
  const beta = hyper(HP_glyder_smoothing), gamma = hyper(HP_glyder_curvatureDecay);
  const t = state(S_step) + 1;
  const N = beta * state(S_glyder_N) + (1 - beta) * p, Q = beta * state(S_glyder_Q) + (1 - beta) * sq;
  const corr = 1 - powi(beta, t), nh = N / corr, qh = Q / corr;
  let L = state(S_glyder_L);
  if (isFinite(ell)) L = state(S_glyder_started) != 0 ? Math.max(Math.max(ell, 0), gamma * L) : Math.max(ell, 0);
  const q = sq; // (the commit pass below reuses the sums)
  const cap = hyper(HP_glyder_maxLr) > 0 ? hyper(HP_glyder_maxLr) : Infinity;
  let eta: f64 = 0, escape = 0;
  let capped = 0;
  if (L > 0 && nh > 0) {
    eta = Math.min(cap, hyper(HP_lr) * nh / Math.max(L * qh, 1e-30));
    // GNB: early on, L̄ rests on a few χ²₁ draws, and one draw is often far below its mean (a
    // quarter of them below a tenth of it), which would make η that much too long: with 'gnb'
    // η stays under a cap that starts at twice the probe length and doubles with each draw, so
    // it protects while the average holds few draws (docs/rules/glyder.md)
    if (sampled && eta > growth) { eta = growth; capped = 1; }
  } else if (nh > 0) {
    // No positive curvature seen yet (ℓ ≤ 0: the descent lemma bounds nothing): the locally
    // optimal step is undefined and would be 0 forever. Escape by doubling the longest step
    // measured so far, starting from the probe length: 2·max(η_{t−1}, τ, τMin/‖d‖).
    eta = Math.min(cap, 2 * Math.max(Math.max(state(S_glyder_started) != 0 ? state(S_glyder_eta) : 0, measured ? tau : 0), probeFloor()));
    escape = 1;
  }
  const finite = sweepCommit(base, eta); // commit the base state, x ← x0 − η·d
  countStep();
  setState(S_glyder_N, N); setState(S_glyder_Q, Q); setState(S_glyder_L, L);
  setState(S_glyder_eta, eta); setState(S_glyder_started, 1); setState(S_glyder_C, C); setState(S_glyder_draws, draws); setState(S_glyder_growth, growth);
  setStat(T_glyder_p, p); setStat(T_glyder_q, q); setStat(T_glyder_curvature, sampled ? (isFinite(draw) ? draw : 0) : isFinite(ell) ? ell : 0);
  setStat(T_glyder_curvatureSmoothed, isFinite(ell) ? ell : 0);
  setStat(T_glyder_Lbar, L); setStat(T_glyder_N, nh); setStat(T_glyder_escape, escape); setStat(T_glyder_growthCapped, capped); setStat(T_glyder_Q, qh); setStat(T_glyder_tau, measured ? tau : 0);
  return finish(eta, finite);
}
