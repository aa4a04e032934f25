// prodigy: Prodigy, a learning-rate-free baseline on Adam (docs/rules/prodigy.md).
import { fail } from '../errors.js';
import { positive } from '../bases.js';
import { defineRule, num, flag } from './define.js';
import { distance } from './distance.js';

/** Half the smallest float32 subnormal: a positive f64 rounds to a non-zero float32 exactly when it is above this. */
const TINY = 2 ** -150;

export default defineRule({
  id: 'prodigy', bases: ['adam', 'adamw'], step: 'plain', schedule: 'lr', groupLr: 'freeze', lr: 1, vectors: ['s', 'x0'],
  state: { D: 'nonNegative', Dmax: 'nonNegative', R: 'finite' },
  options: {
    /** The initial distance estimate D. Default 1e-6. */
    d0: distance.d0,
    /** Multiplier on D̂. Default 1. */
    dCoef: num(1, positive),
    /** Cap on D's growth per step (D ← min(D̂, D·growthRate)). Default Infinity. */
    growthRate: distance.growthRate,
    /** Scale η by Adam's bias correction √(1−β2^t)/(1−β1^t). Default false. */
    biasCorrection: flag(false),
    /** Leave lr out of the s accumulator, so an LR warm-up cannot inflate D. Default false. */
    safeguardWarmup: flag(false),
  },
  validate: (c) => {
    if (!((c.d0 as number) * (c.eps as number) > TINY)) {
      fail('E_OPTION', `options 'd0' and 'eps' must have d0·eps > 2^-150 (${TINY}): Prodigy adds D·eps to √v in float32, ` +
        `and below that it rounds to 0; got d0 = ${c.d0}, eps = ${c.eps}`);
    }
  },
  stats: ['d', 'dHat', 'dMax', 'numerator', 'sNorm'],
});
