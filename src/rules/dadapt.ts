// dadapt: D-Adaptation, a learning-rate-free baseline (docs/rules/dadapt.md).
import { defineRule, flag } from './define.js';
import { distance } from './distance.js';

export default defineRule({
  // torch.optim-style bases: momentum gives the SGD form's β (x ← βx + (1−β)z), adamw decoupled decay
  id: 'dadapt', bases: ['sgd', 'momentum', 'adam', 'adamw'], step: 'plain', schedule: 'lr', groupLr: 'freeze', stepNorms: false, lr: 1,
  baseOptions: { momentum: ['lr', 'momentum', 'weightDecay', 'clipNorm'] },
  // sgd and momentum keep s and x0 (the momentum form's own averaging needs no buffer); adam forms add s
  vectors: (b) => (b === 'sgd' || b === 'momentum' ? ['s', 'x0'] : ['m', 'v', 's']),
  state: { D: 'nonNegative', R: 'finite', G0: 'nonNegative' },
  options: {
    /** The initial distance estimate D. Default 1e-6. */
    d0: distance.d0,
    /** Cap on D's growth per step (D ← min(D̂, D·growthRate)). Default Infinity. */
    growthRate: distance.growthRate,
    /** Adam forms: scale η by Adam's bias correction √(1−β2^t)/(1−β1^t). Default false. */
    biasCorrection: flag(false),
  },
  stats: ['d', 'dHat', 'numerator', 'sNorm'],
});
