// glyder: the locally optimal step from the descent lemma, with a curvature probe along the
// step (docs/rules/glyder.md).
import { positive, unit } from '../bases.js';
import { defineRule, num, upTo } from './define.js';

export default defineRule({
  // lr is c, the scale on the locally optimal step: 1 is the step the descent lemma gives
  id: 'glyder', bases: ['sgd', 'momentum', 'adam'], step: 'closure', schedule: 'step', lr: 1,
  baseOptions: { sgd: ['lr', 'weightDecay'], momentum: ['lr', 'momentum', 'nesterov', 'weightDecay'], adam: ['lr', 'beta1', 'beta2', 'eps', 'weightDecay'] },
  scratch: 4, // d, the params backup, g', g^τ
  state: { N: 'finite', Q: 'nonNegative', L: 'nonNegative', eta: 'nonNegative', started: 'flag' },
  options: {
    /** β of the EMAs of ⟨g', d⟩ and ‖d‖². Default 0.9. */
    smoothing: num(0.9, unit),
    /** γ, the forgetting factor of the curvature maximum L̄. Default 0.99. */
    curvatureDecay: num(0.99, unit),
    /** Measure the curvature every k steps (k − 1 of k steps need one closure call, not two). Default 1. */
    curvatureEvery: num(1, { allowed: 'a whole number >= 1', ok: (v) => Number.isInteger(v) && v >= 1 }),
    /** Minimum probe length τ·‖d‖. Default 1e-3. */
    tauMin: num(1e-3, positive),
    /** Hard cap on η. Default Infinity. */
    maxLr: num(Infinity, upTo('cap')),
  },
  stats: ['p', 'q', 'curvature', 'Lbar', 'N', 'Q', 'tau', 'escape'],
});
