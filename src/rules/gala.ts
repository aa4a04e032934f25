// gala: the LR from a follow-the-regularized-leader problem over alignments and curvatures,
// one extra gradient per step (docs/rules/gala.md).
import { nonNegative, positive } from '../bases.js';
import { defineRule, num, flag, choice, upTo, etaBounds } from './define.js';

export default defineRule({
  id: 'gala', bases: ['sgd', 'momentum', 'normalized', 'adam'], step: 'closure', schedule: 'step',
  lr: (b) => (b === 'adam' ? 1e-3 : 1e-2),
  vectors: ['prev'], scratch: 2, // the probe gradient, the params backup
  state: { A: 'finite', Q: 'nonNegative', eta: 'nonNegative', started: 'flag' },
  options: {
    /** FTRL regularizer weight δ. Default 0. */
    delta: num(0, nonNegative),
    // 1e-3·lr, not the paper's 1e-8·lr (chosen in float64): float32 iterates do not move for
    // steps below ~1e-7 relative, and a GALA whose LR sits at such a floor never recovers
    /** Lower bound of the LR (keeps it off the η = 0 trap). Default 1e-3·lr. */
    etaMin: num((_b, lr) => 1e-3 * lr, positive),
    /** Upper bound of the LR. Default Infinity (no bound). */
    etaMax: num(Infinity, upTo('bound')),
    /** 'same-batch' ⟨g, h⟩ (the paper's practical form) or 'direction' ⟨g, d⟩. Default: same-batch for sgd, direction otherwise. */
    alignment: choice(['same-batch', 'direction'], (b) => (b === 'sgd' ? 'same-batch' : 'direction')),
    /** Regularizer centred on lr, (δ/2)(η − lr)², rather than (δ/2)η². Default true. */
    centred: flag(true),
  },
  validate: etaBounds(' (1e-3·lr)'),
  requests: () => ['same'],
  stats: ['alignment', 'curvature', 'q', 'roundSkipped', 'A', 'Q'],
});
