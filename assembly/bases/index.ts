// Dispatch over the base optimizers: how many state slots each keeps, its reduction pass
// (returns ‖g‖², the sum every step needs for clipping, finiteness and stats) and its
// fused update pass (returns false when the new parameters are not all finite).
import { G, NPAD } from '../layout';
import { BASE_sgd, BASE_momentum, BASE_adam, BASE_adamw, BASE_nadam, BASE_nadamw, BASE_sign, BASE_normalized, BASE_none } from '../generated/ids';
import { normSq } from '../loops';
import { sgdUpdate } from './sgd';
import { momentumUpdate } from './momentum';
import { adamUpdate, adamwUpdate } from './adam';
import { signUpdate } from './sign';
import { normalizedReduce, normalizedUpdate } from './normalized';

/** Saved state slots the base keeps, or -1 for an unknown base. */
export function baseSlots(base: i32): i32 {
  switch (base) {
    case BASE_sgd: case BASE_none: return 0;
    case BASE_momentum: case BASE_sign: case BASE_normalized: return 1;
    case BASE_adam: case BASE_adamw: case BASE_nadam: case BASE_nadamw: return 2;
  }
  return -1;
}

/** Whether the base keeps squared gradients (Adam's v), which overflow float32 for |c·g_i| ≥ 2^64. */
export function keepsSquares(base: i32): bool { return base == BASE_adam || base == BASE_adamw || base == BASE_nadam || base == BASE_nadamw; }

export function baseReduce(base: i32): f64 {
  if (base == BASE_normalized) return normalizedReduce();
  return normSq(G, NPAD);
}

export function baseUpdate(base: i32, lr: f64, c: f64): bool {
  switch (base) {
    case BASE_sgd: return sgdUpdate(lr, c);
    case BASE_momentum: return momentumUpdate(lr, c);
    case BASE_adam: return adamUpdate(lr, c, false);
    case BASE_adamw: return adamwUpdate(lr, c, false);
    case BASE_nadam: return adamUpdate(lr, c, true);
    case BASE_nadamw: return adamwUpdate(lr, c, true);
    case BASE_sign: return signUpdate(lr, c);
    case BASE_normalized: return normalizedUpdate(lr, c);
  }
  return false;
}
