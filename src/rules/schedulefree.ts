// schedulefree: Schedule-Free SGD and AdamW (Defazio et al. 2024), a learning-rate-free-in-time
// peer: no decay schedule, an average x of the iterates to evaluate (docs/rules/schedulefree.md).
import { fail } from '../errors.js';
import { nonNegative } from '../bases.js';
import { defineRule, num, openUnit } from './define.js';

export default defineRule({
  id: 'schedulefree', bases: ['sgd', 'adamw'], step: 'plain', schedule: 'lr', stepNorms: false, emaOf: 'average',
  lr: (b) => (b === 'sgd' ? 1 : 0.0025), hyperDefaults: { weightDecay: 0 }, // (the official defaults: λ = 0 for both)
  // β takes the role of adamw's beta1 (the interpolation y = (1 − β)z + βx: there is no first moment)
  baseOptions: { sgd: ['lr', 'weightDecay', 'clipNorm'], adamw: ['lr', 'beta2', 'eps', 'weightDecay', 'clipNorm'] },
  // params hold y (where the gradient is taken); z, and x, the average to evaluate (opt.average)
  vectors: (b) => (b === 'sgd' ? ['z', 'x'] : ['v', 'z', 'x']),
  state: { weightSum: 'nonNegative', lrMax: 'nonNegative' },
  options: {
    /** The interpolation y = (1 − β)·z + β·x (the official `momentum` for SGD, `betas[0]` for AdamW). Default 0.9. */
    beta: num(0.9, openUnit),
    /** p in the average's weight w_t = (t + 1)^r·(max γ)^p. Default 2. */
    weightLrPower: num(2, nonNegative),
    /** r in the average's weight w_t = (t + 1)^r·(max γ)^p. Default 0. */
    r: num(0, nonNegative),
  },
  validate: (c) => {
    const s = c.schedule as { decay: string };
    if (s.decay !== 'constant') {
      fail('E_OPTION', `rule 'schedulefree' replaces the decay: its schedule takes 'warmup' (γ_t = lr·min(1, (t + 1)/warmup)) and decay 'constant' only; got decay '${s.decay}'`);
    }
  },
  stats: ['ckp1', 'lrMax', 'weightSum'],
});
