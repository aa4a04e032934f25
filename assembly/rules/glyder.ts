// glyder — locally optimal descent step from the descent lemma (GLyDER, arXiv 2311.13877),
// the practical reconstruction (Algorithm P) in docs/rules/glyder.md.
// Bases sgd, momentum, adam: the base runs with lr = 1 and gives the direction d; then
//   p = ⟨g', d⟩ with g' from a fresh batch B' at x            (closure 'fresh')
//   ℓ = (p − ⟨g^τ, d⟩)/⟨x − x_τ, d⟩ (≈ τ‖d‖²), g^τ on B' at x_τ = x − τd  (closure 'repeat': same B')
//   N, Q ← EMAs (β, bias-corrected) of p and ‖d‖²;  L̄ ← max(max(ℓ, 0), γ·L̄)
//   η = c·max(N̂, 0)/max(L̄·Q̂, 1e-30), capped by maxLr;  x ← x − η·d
// τ = max(η_{t−1}, τMin/‖d‖). The base state is committed only in the last pass, so a throwing
// closure or a non-finite value changes nothing.
//
// Passes: A (probeEnter 0) base direction d → scratch, ‖d‖², ‖g‖², x → backup;
//         B (probeEnter 1) x ← x0 − τd and ⟨x0 − x, d⟩;  restore x (probeLeave 1);
//         C (step) p = ⟨g', d⟩ and ⟨g' − g^τ, d⟩;  D (step) commit the base state and x ← x0 − η·d.
import { P as X, G, NPAD, hyper, state, setState, setStat, slot, scratch } from '../layout';
import { HP_lr, HP_momentum, HP_nesterov, HP_beta1, HP_beta2, HP_eps, HP_weightDecay, S_step, BATCH_fresh, BATCH_repeat, OK } from '../ids';
import { BASE_sgd, BASE_momentum, BASE_adam, HP_glyder_smoothing, HP_glyder_curvatureDecay, HP_glyder_curvatureEvery, HP_glyder_tauMin, HP_glyder_maxLr, S_glyder_N, S_glyder_Q, S_glyder_L, S_glyder_eta, S_glyder_started, T_glyder_p, T_glyder_q, T_glyder_curvature, T_glyder_Lbar, T_glyder_N, T_glyder_Q, T_glyder_tau, T_glyder_escape } from '../generated/ids';
import { finiteAfter, widenLo, widenHi, hsum } from '../simd';
import { copy } from '../loops';
import { nonFinite, clipScale, countStep, finish } from '../step';
import { powi } from '../math';

const D: u32 = 0, X0: u32 = 1, GP: u32 = 2, GT: u32 = 3; // scratch: direction, params backup, g', g^τ

let sq: f64 = 0, sgg: f64 = 0, tau: f64 = 0, sdisp: f64 = 0, probed = false;

/** Whether this step measures curvature (every `curvatureEvery` steps, always on the first). */
function refresh(): bool {
  const k = <i32>hyper(HP_glyder_curvatureEvery);
  return state(S_glyder_started) == 0 || (<i32>state(S_step)) % k == 0;
}

export function glyderProbes(base: i32): i32 { return refresh() ? 2 : 1; }
export function glyderBatch(k: i32): i32 { return k == 0 ? BATCH_fresh : BATCH_repeat; }
export function glyderGrads(k: i32): usize { return scratch(k == 0 ? GP : GT); }


// The per-base constants of the direction (Adam's at step t + 1), set once per pass.
let vwd = f32x4.splat(0), vmu = f32x4.splat(0), vb1 = f32x4.splat(0), v1b1 = f32x4.splat(0);
let vb2 = f32x4.splat(0), v1b2 = f32x4.splat(0), vib1 = f32x4.splat(0), virs = f32x4.splat(0), veps = f32x4.splat(0);
let nesterov = false;

function constants(): void {
  const t = state(S_step) + 1, b1 = hyper(HP_beta1), b2 = hyper(HP_beta2);
  vwd = f32x4.splat(<f32>hyper(HP_weightDecay)); vmu = f32x4.splat(<f32>hyper(HP_momentum));
  nesterov = hyper(HP_nesterov) != 0;
  vb1 = f32x4.splat(<f32>b1); v1b1 = f32x4.splat(<f32>(1 - b1));
  vb2 = f32x4.splat(<f32>b2); v1b2 = f32x4.splat(<f32>(1 - b2));
  vib1 = f32x4.splat(<f32>(1 / (1 - powi(b1, t)))); virs = f32x4.splat(<f32>(1 / Math.sqrt(1 - powi(b2, t))));
  veps = f32x4.splat(<f32>hyper(HP_eps));
}

/**
 * The base's direction at lr = 1 from g, for the block at byte offset i: momentum b' = μb + ge
 * (Nesterov: ge + μb'); adam m̂'/(√v̂' + eps) from m', v'; sgd ge; ge = g + wd·x (L2).
 * With `commit` it stores b' or m', v' (the same arithmetic, so the same bits) and stops there.
 * `base` is a literal at every call, so each base gets its own loop.
 */
// @ts-ignore: decorator
@inline function direction(base: i32, i: usize, commit: bool): v128 {
  const ge = f32x4.add(v128.load(G + i), f32x4.mul(vwd, v128.load(X + i)));
  if (base == BASE_momentum) {
    const b = slot(0) + i;
    const bn = f32x4.add(f32x4.mul(vmu, v128.load(b)), ge);
    if (commit) { v128.store(b, bn); return bn; }
    return nesterov ? f32x4.add(ge, f32x4.mul(vmu, bn)) : bn;
  }
  if (base == BASE_adam) {
    const m = slot(0) + i, v = slot(1) + i;
    const mn = f32x4.add(f32x4.mul(vb1, v128.load(m)), f32x4.mul(v1b1, ge));
    const vn = f32x4.add(f32x4.mul(vb2, v128.load(v)), f32x4.mul(v1b2, f32x4.mul(ge, ge)));
    if (commit) { v128.store(m, mn); v128.store(v, vn); return mn; }
    return f32x4.div(f32x4.mul(mn, vib1), f32x4.add(f32x4.mul(f32x4.sqrt(vn), virs), veps));
  }
  return ge;
}

/** Pass A for one base: d → scratch, x → backup, and ‖d‖², ‖g‖² (nothing committed). */
// @ts-ignore: decorator
@inline function directionPass(base: i32): void {
  const d = scratch(D), x0 = scratch(X0), bytes = <usize>NPAD << 2;
  let qL = f64x2.splat(0), qH = f64x2.splat(0), gL = f64x2.splat(0), gH = f64x2.splat(0);
  let i: usize = 0;
  while (i < bytes) {
    const k = bytes - i >= 512 ? 32 : 16;
    let s0 = f32x4.splat(0), s1 = f32x4.splat(0);
    for (let j = 0; j < k; j++) {
      const dv = direction(base, i, false), gv = v128.load(G + i);
      v128.store(d + i, dv);
      v128.store(x0 + i, v128.load(X + i));
      s0 = f32x4.add(s0, f32x4.mul(dv, dv));
      s1 = f32x4.add(s1, f32x4.mul(gv, gv));
      i += 16;
    }
    qL = widenLo(qL, s0); qH = widenHi(qH, s0);
    gL = widenLo(gL, s1); gH = widenHi(gH, s1);
  }
  sq = hsum(qL, qH); sgg = hsum(gL, gH);
}

/** Pass D for one base: commit the base state and x ← x0 − η·d (d from pass A). */
// @ts-ignore: decorator
@inline function commitPass(base: i32, eta: f64): bool {
  const d = scratch(D), x0 = scratch(X0), bytes = <usize>NPAD << 2, veta = f32x4.splat(<f32>eta);
  let ok = f32x4.splat(0);
  for (let i: usize = 0; i < bytes; i += 16) {
    if (base != BASE_sgd) direction(base, i, true);
    const y = f32x4.sub(v128.load(x0 + i), f32x4.mul(veta, v128.load(d + i)));
    v128.store(X + i, y);
    ok = f32x4.add(ok, y);
  }
  return finiteAfter(ok, X, NPAD);
}

function sweepDirection(base: i32): void {
  constants();
  if (base == BASE_adam) directionPass(BASE_adam);
  else if (base == BASE_momentum) directionPass(BASE_momentum);
  else directionPass(BASE_sgd);
}

function sweepCommit(base: i32, eta: f64): bool {
  constants();
  if (base == BASE_adam) return commitPass(BASE_adam, eta);
  if (base == BASE_momentum) return commitPass(BASE_momentum, eta);
  return commitPass(BASE_sgd, eta);
}

/**
 * ⟨g', d⟩ over the vector; with `move`, also x ← x0 − τ·d in the same pass, summing the
 * realized displacement along d, ⟨x0 − x, d⟩ (≈ τ‖d‖², but exactly what float32 stored) into sdisp.
 */
function dotProbe(move: bool): f64 {
  const d = scratch(D), gp = scratch(GP), x0 = scratch(X0), bytes = <usize>NPAD << 2;
  const vt = f32x4.splat(<f32>tau);
  let lo = f64x2.splat(0), hi = f64x2.splat(0), mlo = f64x2.splat(0), mhi = f64x2.splat(0);
  let i: usize = 0;
  while (i < bytes) {
    const k = bytes - i >= 512 ? 32 : 16;
    let s = f32x4.splat(0), sm = f32x4.splat(0);
    for (let j = 0; j < k; j++) {
      const dv = v128.load(d + i);
      s = f32x4.add(s, f32x4.mul(v128.load(gp + i), dv));
      if (move) {
        const xv = v128.load(x0 + i), y = f32x4.sub(xv, f32x4.mul(vt, dv));
        v128.store(X + i, y);
        sm = f32x4.add(sm, f32x4.mul(f32x4.sub(xv, y), dv)); // x0 − y: exact (Sterbenz) when close
      }
      i += 16;
    }
    lo = widenLo(lo, s); hi = widenHi(hi, s);
    if (move) { mlo = widenLo(mlo, sm); mhi = widenHi(mhi, sm); }
  }
  if (move) sdisp = hsum(mlo, mhi);
  return hsum(lo, hi);
}

let spd: f64 = 0;

/** Pass C: p = ⟨g', d⟩ and ⟨g' − g^τ, d⟩ (the difference first) in one pass. */
function pAndDiff(): f64 {
  const d = scratch(D), gp = scratch(GP), gt = scratch(GT), bytes = <usize>NPAD << 2;
  let lo = f64x2.splat(0), hi = f64x2.splat(0), dlo = f64x2.splat(0), dhi = f64x2.splat(0);
  let i: usize = 0;
  while (i < bytes) {
    const k = bytes - i >= 512 ? 32 : 16;
    let s = f32x4.splat(0), sd = f32x4.splat(0);
    for (let j = 0; j < k; j++) {
      const dv = v128.load(d + i), gv = v128.load(gp + i);
      s = f32x4.add(s, f32x4.mul(gv, dv));
      sd = f32x4.add(sd, f32x4.mul(f32x4.sub(gv, v128.load(gt + i)), dv));
      i += 16;
    }
    lo = widenLo(lo, s); hi = widenHi(hi, s);
    dlo = widenLo(dlo, sd); dhi = widenHi(dhi, sd);
  }
  spd = hsum(dlo, dhi);
  return hsum(lo, hi);
}

export function glyderEnter(base: i32, k: i32): void {
  if (k == 0) {
    sweepDirection(base); // d, ‖d‖², ‖g‖², x0 (scratch only)
    probed = false;
  } else {
    if (!(sq > 0)) { probed = false; tau = 0; return; } // zero direction: no probe (docs/rules)
    const floor = hyper(HP_glyder_tauMin) / Math.sqrt(sq);
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
  const p = measured ? pAndDiff() : dotProbe(false);
  if (measured) ell = spd / sdisp;
  // (a refresh step whose probe was skipped for a zero direction leaves ℓ unmeasured)
  probed = false;
  if (!isFinite(sgg) || !isFinite(sq)) return nonFinite(scratch(GP), measured ? scratch(GT) : 0);
  if (!(sq > 0)) return OK; // zero direction: no step, nothing changes (docs/rules)
  if (!isFinite(p) || (measured && !isFinite(ell))) return nonFinite(scratch(GP), measured ? scratch(GT) : 0); // g' or g^τ
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
  if (L > 0 && nh > 0) eta = Math.min(cap, hyper(HP_lr) * nh / Math.max(L * qh, 1e-30));
  else if (nh > 0) {
    // No positive curvature seen yet (ℓ ≤ 0: the descent lemma bounds nothing): the locally
    // optimal step is undefined and would be 0 forever. Escape by doubling the longest step
    // measured so far, starting from the probe length: 2·max(η_{t−1}, τ, τMin/‖d‖).
    const floor = hyper(HP_glyder_tauMin) / Math.sqrt(sq);
    eta = Math.min(cap, 2 * Math.max(Math.max(state(S_glyder_started) != 0 ? state(S_glyder_eta) : 0, measured ? tau : 0), floor));
    escape = 1;
  }
  const finite = sweepCommit(base, eta); // commit the base state, x ← x0 − η·d
  countStep();
  setState(S_glyder_N, N); setState(S_glyder_Q, Q); setState(S_glyder_L, L);
  setState(S_glyder_eta, eta); setState(S_glyder_started, 1);
  setStat(T_glyder_p, p); setStat(T_glyder_q, q); setStat(T_glyder_curvature, isFinite(ell) ? ell : 0);
  setStat(T_glyder_Lbar, L); setStat(T_glyder_N, nh); setStat(T_glyder_escape, escape); setStat(T_glyder_Q, qh); setStat(T_glyder_tau, measured ? tau : 0);
  return finish(eta, finite);
}
