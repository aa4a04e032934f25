// The module's exports: one instance is one optimizer.
//   init(base, rule, n, metaBytes)  lays out memory once (hyperparameters already written)
//   step()                          one reduction pass + one fused update pass
// plus pointers for the JS views, and the checkpoint helpers.
import {
  BASE, P, G, N, NPAD, H_BASE, H_RULE, H_MAGIC, H_FORMAT, H_N, H_NPAD, H_SAVED, H_SCRATCH,
  H_META, H_IMAGE, MAGIC, FORMAT, hyper, state, setState, setStat, layout, padded,
} from './layout';
import {
  RULE_constant, HP_clipNorm, HP_skipNonFinite, S_step, S_skipped, S_lr, T_lr, T_gradNorm,
  T_clipScale, OK, NONFINITE_GRAD, DIVERGED,
} from './ids';
import { baseSlots, baseReduce, baseUpdate } from './bases/index';
import { constantLr } from './rules/constant';
import { allFinite, hash64 } from './simd';

export * from './ids';
export { MAGIC, FORMAT, HEADER_BYTES, H_HYPER, H_STATE, H_STATS, NHYPER, NSTATE, NSTATS, bytesNeeded } from './layout';

/** Saved state slots of a rule (beyond its base's), or -1 for an unknown rule. */
function ruleSlots(rule: i32): i32 {
  switch (rule) {
    case RULE_constant: return 0;
  }
  return -1;
}

/** Saved slots for this base and rule, or -1 when either is unknown. */
export function slotsFor(base: i32, rule: i32): i32 {
  const b = baseSlots(base), r = ruleSlots(rule);
  return b < 0 || r < 0 ? -1 : b + r;
}

/** Address of the header; hyperparameters are written there before init. */
export function header(): usize { return BASE; }

/** 0 ok; 1 unknown base; 2 unknown rule; 3 memory cannot hold it. */
export function init(base: i32, rule: i32, n: u32, metaBytes: u32): i32 {
  if (baseSlots(base) < 0) return 1;
  if (ruleSlots(rule) < 0) return 2;
  store<i32>(BASE + H_BASE, base);
  store<i32>(BASE + H_RULE, rule);
  return layout(n, <u32>slotsFor(base, rule), 0, metaBytes);
}

export function params(): usize { return P; }
export function grads(): usize { return G; }
export function meta(): usize { return BASE + 1024; }
export function imageBytes(): u32 { return load<u32>(BASE + H_IMAGE); }

function ruleLr(rule: i32): f64 {
  switch (rule) {
    case RULE_constant: return constantLr();
  }
  return 0;
}

/** One optimizer step from the gradient in grads(). See ids.ts for the result codes. */
export function step(): i32 {
  const base = load<i32>(BASE + H_BASE), rule = load<i32>(BASE + H_RULE);
  const gg = baseReduce(base);
  if (!isFinite(gg)) {
    if (hyper(HP_skipNonFinite) != 0) setState(S_skipped, state(S_skipped) + 1);
    return NONFINITE_GRAD;
  }
  const gnorm = Math.sqrt(gg), clip = hyper(HP_clipNorm);
  const c = clip > 0 && gnorm > clip ? clip / gnorm : 1.0;
  const lr = ruleLr(rule);
  setState(S_step, state(S_step) + 1);
  const finite = baseUpdate(base, lr, c);
  setState(S_lr, lr);
  setStat(T_lr, lr); setStat(T_gradNorm, gnorm); setStat(T_clipScale, c);
  return finite ? OK : DIVERGED;
}

/** Checksum of the checkpoint image (header .. last saved slot). */
export function imageHash(): u64 { return hash64(BASE, imageBytes()); }

/** Hash of the parameters' bytes (the logical n floats): a trajectory fingerprint. */
export function paramsHash(): u64 { return hash64(P, N << 2); }

/** True when params and every saved slot hold only finite values. */
export function stateFinite(): bool {
  return allFinite(P, NPAD * (1 + load<u32>(BASE + H_SAVED)));
}

/**
 * After a checkpoint image was copied over the header: 0 when its layout fields agree with
 * the layout init made for it, 1 otherwise. Then zeroes the padding of every saved vector,
 * so a crafted image cannot leave values where kernels assume zeros.
 */
export function checkImage(base: i32, rule: i32, n: u32, metaBytes: u32): i32 {
  if (load<u32>(BASE + H_MAGIC) != MAGIC || load<u32>(BASE + H_FORMAT) != FORMAT) return 1;
  if (load<i32>(BASE + H_BASE) != base || load<i32>(BASE + H_RULE) != rule) return 1;
  if (load<u32>(BASE + H_N) != n || load<u32>(BASE + H_NPAD) != padded(n)) return 1;
  if (load<u32>(BASE + H_SAVED) != <u32>slotsFor(base, rule)) return 1;
  if (load<u32>(BASE + H_SCRATCH) != 0 || load<u32>(BASE + H_META) != metaBytes) return 1;
  if (load<u32>(BASE + H_IMAGE) != <u32>(G - BASE)) return 1;
  const tail = (NPAD - N) << 2, vec = <usize>NPAD << 2;
  for (let v = P; v < G; v += vec) memory.fill(v + (<usize>N << 2), 0, tail);
  return 0;
}
