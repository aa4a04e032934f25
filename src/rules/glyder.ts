// glyder: the locally optimal step from the descent lemma, with a curvature probe along the
// step (docs/rules/glyder.md).
import { positive, unit } from '../bases.js';
import { fail } from '../errors.js';
import { defineRule, num, upTo, choice } from './define.js';

export default defineRule({
  // lr is c, the scale on the locally optimal step: 1 is the step the descent lemma gives
  id: 'glyder', bases: ['sgd', 'momentum', 'adam'], step: 'closure', schedule: 'step', lr: 1,
  baseOptions: { sgd: ['lr', 'weightDecay'], momentum: ['lr', 'momentum', 'nesterov', 'weightDecay'], adam: ['lr', 'beta1', 'beta2', 'eps', 'weightDecay'] },
  scratch: 4, // d, the params backup, g', g^τ (or ĝ, the sampled-label gradient)
  // C, draws, growth: the GNB curvature's average, its count of draws and the cap on η (0 with 'projection')
  state: { N: 'finite', Q: 'nonNegative', L: 'nonNegative', eta: 'nonNegative', started: 'flag', C: 'nonNegative', draws: 'count', growth: 'nonNegative' },
  stateAdded: { C: 0, draws: 0, growth: 0 }, // (0.6.0)
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
    /**
     * How the curvature along d is measured: 'projection' (a gradient on the fresh batch at
     * x − τd, closure request 'repeat') or 'gnb' (Gauss-Newton-Bartlett: a gradient on the fresh
     * batch with labels sampled from the model at x, request 'sampled'; needs `batchSize`, and
     * a cross-entropy loss). Default 'projection'.
     */
    smoothness: choice(['projection', 'gnb'], 'projection'),
    /** With smoothness 'gnb': B, the number of examples whose mean loss the 'sampled' gradient is. Required there; refused otherwise. */
    batchSize: num(0, { allowed: 'a whole number >= 1', ok: (v) => v === 0 || (Number.isInteger(v) && v >= 1 && v <= 2 ** 31) }),
    /** With smoothness 'gnb': β of the exponential average of the GNB draws that feeds L̄. Default 0.99. */
    curvatureSmoothing: num(0.99, unit),
  },
  stats: ['p', 'q', 'curvature', 'curvatureSmoothed', 'Lbar', 'N', 'Q', 'tau', 'escape', 'growthCapped'],
  requests: (o) => (o.smoothness === 'gnb' ? ['fresh', 'sampled'] : ['fresh', 'repeat']),
  validate: (c) => {
    if (c.smoothness === 'gnb' && !((c.batchSize as number) >= 1)) {
      fail('E_OPTION', "smoothness 'gnb' needs option 'batchSize', a whole number >= 1: the number of examples whose mean loss the 'sampled' gradient is (its curvature is B·⟨ĝ, d⟩²/‖d‖²)");
    }
    if (c.smoothness !== 'gnb' && c.batchSize !== 0) {
      fail('E_OPTION', `option 'batchSize' (${c.batchSize}) is read only with smoothness 'gnb'; smoothness is '${c.smoothness}'`);
    }
  },
});
