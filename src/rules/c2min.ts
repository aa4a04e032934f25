// c2min: ELRA's two-gradient rule with its own momentum update (docs/rules/c2min.md).
import { unit } from '../bases.js';
import { defineRule, num, orAdaptive } from './define.js';
import { elra } from './elra.js';

export default defineRule({
  ...elra,
  id: 'c2min', vectors: ['P', 'm'],
  state: { alpha: 'nonNegative', beta: 'nonNegative', q: 'nonNegative', best: 'finite', F: 'finite', N: 'nonNegative', f0: 'finite', started: 'flag' },
  options: {
    /** Mixing weight of momentum vs gradient, or 'adaptive' (the authors' loss-noise rule). Default 0.7. */
    beta: orAdaptive(0.7, unit),
    /** alpha ← alpha·(1 + posSlope·cos) when cos > 0. Default 0.6. */
    posSlope: num(0.6, { allowed: 'a number in [0, 10]', ok: (v) => v >= 0 && v <= 10 }),
    /** alpha ← alpha·(1 + negSlope·cos) when cos ≤ 0. Default 0.5. */
    negSlope: num(0.5, unit),
  },
  stats: ['cos', 'factor', 'beta', 'retraced', 'bestLoss'],
});
