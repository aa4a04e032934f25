// The module's exports: one instance is one optimizer.
//   init(base, rule, n, metaBytes)  lays out memory once (hyperparameters already written)
//   step(loss, hasLoss)             the rule's step: a reduction pass, then a fused update pass
// plus pointers for the JS views, and the checkpoint helpers.
import { BASE, P, G, N, NPAD, H_BASE, H_RULE, H_SAVED, layout, slot } from './layout';
import {
  BASE_sgd, BASE_momentum, BASE_adam, BASE_adamw, BASE_normalized, BASE_sign, BASE_none, RULE_constant, RULE_c2min, RULE_p2min,
  RULE_clara, RULE_csa, RULE_gala, RULE_secant, RULE_glyder, RULE_dadapt, RULE_prodigy, RULE_dog, BATCH_same,
} from './ids';
import { baseSlots } from './bases/index';
import { constantStep } from './rules/constant';
import { c2minStep, c2minWants } from './rules/c2min';
import { p2minStep, p2minWants } from './rules/p2min';
import { claraStep } from './rules/clara';
import { csaStep } from './rules/csa';
import { galaStep, galaProbes, galaEnter, galaLeave } from './rules/gala';
import { secantStep, secantProbes, secantBatch, secantEnter, secantLeave } from './rules/secant';
import { glyderStep, glyderProbes, glyderBatch, glyderGrads, glyderEnter, glyderLeave } from './rules/glyder';
import { dadaptStep } from './rules/dadapt';
import { prodigyStep } from './rules/prodigy';
import { dogStep, dogAverage } from './rules/dog';
import { allFinite, hash64 } from './simd';
import { scratch } from './layout';

// The ids and layout constants are not exported: the build reads them from assembly/tables.ts
// and bakes them into the loader (scripts/build.mjs).
export { bytesNeeded, maxParams } from './layout';

/**
 * Saved state slots a rule adds to its base's, or -1 when the rule does not drive that base.
 * Rules with their own update (c2min, p2min) take base 'none'.
 */
function ruleSlots(rule: i32, base: i32): i32 {
  switch (rule) {
    case RULE_constant: return base == BASE_none ? -1 : 0;
    case RULE_c2min: return base == BASE_none ? 2 : -1;                         // P, m
    case RULE_p2min: return base == BASE_none ? 1 : -1;                         // P
    case RULE_clara: case RULE_csa: return base == BASE_sgd || base == BASE_adam ? 1 : -1; // path
    case RULE_gala:                                                              // x_{t−1}
      return base == BASE_sgd || base == BASE_momentum || base == BASE_normalized || base == BASE_adam ? 1 : -1;
    case RULE_secant: return base == BASE_sgd || base == BASE_momentum || base == BASE_sign ? 0 : -1;
    case RULE_glyder: return base == BASE_sgd || base == BASE_momentum || base == BASE_adam ? 0 : -1;
    case RULE_dadapt:                                                    // s, x0 (sgd) / s (adam)
      return base == BASE_sgd ? 2 : base == BASE_momentum || base == BASE_adam || base == BASE_adamw ? 1 : -1;
    case RULE_prodigy: return base == BASE_adam || base == BASE_adamw ? 2 : -1; // s, x0
    case RULE_dog: return base == BASE_sgd ? 2 : -1;                            // x0, x̄
  }
  return -1;
}

/** Scratch vectors (not saved) a rule needs. */
function ruleScratch(rule: i32, base: i32): u32 {
  if (rule == RULE_gala) return 2;                         // the probe gradient, the params backup
  if (rule == RULE_secant) return 3;                       // h0, h1, the params backup
  if (rule == RULE_glyder) return 4;                       // d, the params backup, g', g^τ
  return rule == RULE_clara && base == BASE_adam ? 1 : 0;  // the Adam direction between passes
}

/** Saved slots for this base and rule, or -1 when either is unknown or they do not combine. */
export function slotsFor(base: i32, rule: i32): i32 {
  const b = baseSlots(base), r = ruleSlots(rule, base);
  return b < 0 || r < 0 ? -1 : b + r;
}

/** Scratch slots for this base and rule. */
export function scratchFor(base: i32, rule: i32): u32 {
  return ruleScratch(rule, base);
}

/** Address of the header; hyperparameters are written there before init. */
export function header(): usize { return BASE; }

/** 0 ok; 1 unknown base; 2 unknown rule or one that does not drive this base; 3 memory cannot hold it. */
export function init(base: i32, rule: i32, n: u32): i32 {
  if (baseSlots(base) < 0) return 1;
  if (ruleSlots(rule, base) < 0) return 2;
  store<i32>(BASE + H_BASE, base);
  store<i32>(BASE + H_RULE, rule);
  return layout(n, <u32>slotsFor(base, rule), scratchFor(base, rule));
}

// Addresses are u32; JS reads an i32 result as signed, so the loader takes them >>> 0.
export function params(): usize { return P; }
/** Saved state vector k (the base's first, then the rule's; checkpoints name them by role). */
export function slotPtr(k: u32): usize { return slot(k); }
/** The averaged iterate a rule keeps (dog's x̄), or 0 when it keeps none. */
export function average(): usize { return load<i32>(BASE + H_RULE) == RULE_dog ? dogAverage() : 0; }
export function grads(): usize { return G; }

/**
 * One optimizer step from the gradient in grads(); `loss` is the minibatch loss when
 * hasLoss is 1 (the loader refuses a loss-less step for rules that need it). See ids.ts for
 * the result codes.
 */
export function step(loss: f64, hasLoss: i32): i32 {
  const base = load<i32>(BASE + H_BASE), rule = load<i32>(BASE + H_RULE);
  switch (rule) {
    case RULE_c2min: return c2minStep(loss);
    case RULE_p2min: return p2minStep(loss);
    case RULE_clara: return claraStep(base);
    case RULE_csa: return csaStep(base);
    case RULE_gala: return galaStep(base);
    case RULE_secant: return secantStep(base);
    case RULE_glyder: return glyderStep(base);
    case RULE_dadapt: return dadaptStep(base);
    case RULE_prodigy: return prodigyStep(base);
    case RULE_dog: return dogStep();
  }
  return constantStep(base);
}

// Closure rules: the loader asks how many gradient evaluations the next step needs, and for
// each one moves params to the point (probeEnter), calls the closure with the gradient view
// at probeGrads(k), then always calls probeLeave(k), which puts params back exactly.

/** Gradient evaluations the next step needs from the closure. */
export function probes(): i32 {
  const rule = load<i32>(BASE + H_RULE);
  if (rule == RULE_gala) return galaProbes();
  if (rule == RULE_secant) return secantProbes();
  if (rule == RULE_glyder) return glyderProbes();
  return 0;
}

/** The minibatch evaluation k asks for (BATCH_same, BATCH_fresh or BATCH_repeat). */
export function probeBatch(k: i32): i32 {
  const rule = load<i32>(BASE + H_RULE);
  if (rule == RULE_secant) return secantBatch(k);
  if (rule == RULE_glyder) return glyderBatch(k);
  return BATCH_same;
}

/** Where the closure writes evaluation k's gradient. */
export function probeGrads(k: i32): usize {
  return load<i32>(BASE + H_RULE) == RULE_glyder ? glyderGrads(k) : scratch(<u32>k);
}

export function probeEnter(k: i32): void {
  const rule = load<i32>(BASE + H_RULE);
  if (rule == RULE_gala) galaEnter(load<i32>(BASE + H_BASE));
  else if (rule == RULE_secant) secantEnter(k);
  else if (rule == RULE_glyder) glyderEnter(load<i32>(BASE + H_BASE), k);
}

export function probeLeave(k: i32): void {
  const rule = load<i32>(BASE + H_RULE);
  if (rule == RULE_gala) galaLeave(load<i32>(BASE + H_BASE));
  else if (rule == RULE_secant) secantLeave(k);
  else if (rule == RULE_glyder) glyderLeave(k);
}

/** Whether step(loss) will read the gradient (ELRA skips it on a retrace); true for other rules. */
export function wantsGradient(loss: f64): bool {
  const rule = load<i32>(BASE + H_RULE);
  if (rule == RULE_c2min) return c2minWants(loss);
  if (rule == RULE_p2min) return p2minWants(loss);
  return true;
}

/** Hash of the parameters' bytes (the logical n floats): a trajectory fingerprint. */
export function paramsHash(): u64 { return hash64(P, N << 2); }

/** True when every saved state slot (params aside) holds only finite values. */
export function slotsFinite(): bool {
  const saved = load<u32>(BASE + H_SAVED);
  return saved == 0 || allFinite(slot(0), NPAD * saved);
}

/** True when params and every saved slot hold only finite values. */
export function stateFinite(): bool {
  return allFinite(P, NPAD * (1 + load<u32>(BASE + H_SAVED)));
}
