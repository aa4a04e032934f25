// The module's exports: one instance is one optimizer.
//   init(base, rule, n)             lays out memory once (hyperparameters already written)
//   step(loss, hasLoss)             the rule's step: a reduction pass, then a fused update pass
// plus pointers for the JS views, and the checkpoint helpers.
import { BASE, P, G, NPAD, NSEG, H_BASE, H_RULE, H_SAVED, SEG_START, SEG_LENGTH, layout, slot, seg, clearPadding, hyper, state, setState } from './layout';
import { HP_weightDecay, HP_ema, HP_emaOfAverage, S_applied, S_plateauScale, S_step, OK } from './ids';
import { emaUpdate } from './ema';
import { INIT_BASE, INIT_RULE } from './ids';
import { baseSlots } from './bases/index';
import {
  savedVectors, scratchVectors, ruleStep, ruleProbes, ruleBatch, ruleGrads, ruleEnter, ruleLeave, ruleWants, ruleAverage,
} from './generated/dispatch';
import { allFinite, hash64 } from './simd';
import { beginStep } from './step';
export { report } from './schedule';

// The ids and layout constants are not exported: the build reads them from assembly/tables.ts
// and bakes them into the loader (scripts/build.mjs).
export { bytesNeeded, maxParams, segments, planned } from './layout';

// What a rule keeps and which kernel function runs come from its description (src/rules/),
// through generated/dispatch.ts (scripts/rules.mjs).

/** Saved slots for this base and rule, or -1 when either is unknown or they do not combine. */
function slotsFor(base: i32, rule: i32): i32 {
  return baseSlots(base) < 0 ? -1 : savedVectors(rule, base);
}

/** The vectors an optimizer of this base and rule lays out (params, grads, saved, scratch), or 0 when they do not combine. */
export function vectorsFor(base: i32, rule: i32): u32 {
  const saved = slotsFor(base, rule);
  return saved < 0 ? 0 : 2 + <u32>saved + scratchVectors(rule, base);
}

/** Address of the header; hyperparameters are written there before init. */
export function header(): usize { return BASE; }

/** INIT_OK, or INIT_BASE (unknown base), INIT_RULE (unknown rule, or one that does not drive this base), INIT_MEMORY (ids.ts). */
export function init(base: i32, rule: i32, n: u32): i32 {
  if (baseSlots(base) < 0) return INIT_BASE;
  if (savedVectors(rule, base) < 0) return INIT_RULE;
  store<i32>(BASE + H_BASE, base);
  store<i32>(BASE + H_RULE, rule);
  setState(S_applied, 1); setState(S_plateauScale, 1); // (the schedule's factors start at 1)
  // the EMA of the weights, when asked, is the last saved slot (checkpoints carry it as 'ema')
  return layout(n, <u32>slotsFor(base, rule) + (hyper(HP_ema) > 0 ? 1 : 0), scratchVectors(rule, base), hyper(HP_weightDecay));
}

// Addresses are u32; JS reads an i32 result as signed, so the loader takes them >>> 0.
export function params(): usize { return P; }
/** Saved state vector k (the base's first, then the rule's; checkpoints name them by role). */
export function slotPtr(k: u32): usize { return slot(k); }
/** The averaged iterate a rule keeps, or 0 when it keeps none. */
export function average(): usize { return ruleAverage(load<i32>(BASE + H_RULE)); }
export function grads(): usize { return G; }

/**
 * One optimizer step from the gradient in grads(); `loss` is the minibatch loss when
 * hasLoss is 1 (the loader refuses a loss-less step for rules that need it). See ids.ts for
 * the result codes.
 */
export function step(loss: f64, hasLoss: i32): i32 {
  clearPadding(P); clearPadding(G); // (JS views span the padding: what a caller wrote there is not data)
  beginStep();
  const code = ruleStep(load<i32>(BASE + H_RULE), load<i32>(BASE + H_BASE), loss);
  if (code == OK && hyper(HP_ema) > 0) emaUpdate(emaPtr(), hyper(HP_ema), state(S_step) == 1, hyper(HP_emaOfAverage) != 0 ? average() : P);
  return code;
}

/** The EMA of the weights (the last saved slot), or 0 without one. */
export function emaPtr(): usize { return hyper(HP_ema) > 0 ? slot(load<u32>(BASE + H_SAVED) - 1) : 0; }

// Closure rules: the loader asks how many gradient evaluations the next step needs, and for
// each one moves params to the point (probeEnter), calls the closure with the gradient view
// at probeGrads(k), then always calls probeLeave(k), which puts params back exactly.

// @ts-ignore: decorator
@inline function rule(): i32 { return load<i32>(BASE + H_RULE); }
// @ts-ignore: decorator
@inline function base(): i32 { return load<i32>(BASE + H_BASE); }

/** Gradient evaluations the next step needs from the closure. */
export function probes(): i32 { return ruleProbes(rule(), base()); }
/** The minibatch evaluation k asks for (BATCH_same, BATCH_fresh or BATCH_repeat). */
export function probeBatch(k: i32): i32 { return ruleBatch(rule(), k); }
/** Where the closure writes evaluation k's gradient. */
export function probeGrads(k: i32): usize { return ruleGrads(rule(), k); }
export function probeEnter(k: i32): void {
  if (k == 0) { clearPadding(P); clearPadding(G); } // (before anything copies params or reads grads)
  ruleEnter(rule(), base(), k);
}
export function probeLeave(k: i32): void { clearPadding(ruleGrads(rule(), k)); ruleLeave(rule(), base(), k); }

/** Whether step(loss) will read the gradient (a loss rule may retrace and skip it); true for other rules. */
export function wantsGradient(loss: f64): bool { return ruleWants(rule(), loss); }

/** Hash of the parameters' bytes (each segment's logical floats, in order): a trajectory fingerprint. */
export function paramsHash(): u64 {
  let h: u64 = 0xcbf29ce484222325;
  for (let k: u32 = 0; k < NSEG; k++) h = hash64(P + (<usize>load<u32>(seg(k) + SEG_START) << 2), load<u32>(seg(k) + SEG_LENGTH) << 2, h);
  return h;
}

/** True when every saved state slot (params aside) holds only finite values. */
export function slotsFinite(): bool {
  const saved = load<u32>(BASE + H_SAVED);
  return saved == 0 || allFinite(slot(0), NPAD * saved);
}

/** True when params and every saved slot hold only finite values. */
export function stateFinite(): bool {
  clearPadding(P);
  return allFinite(P, NPAD * (1 + load<u32>(BASE + H_SAVED)));
}
