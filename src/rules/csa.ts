// csa: cumulative step-size adaptation, the 2017 path-length scheme (docs/rules/csa.md).
import { defineRule } from './define.js';
import { path, pathOptions as o } from './path.js';

export default defineRule({
  ...path,
  id: 'csa',
  baseOptions: { sgd: ['lr'], adam: ['lr', 'beta1', 'beta2', 'eps'] },
  options: {
    /** Path cumulation constant. Default 0.2. */
    c: o.c,
    /** Rate of the LR change (the paper's d). Default 1e-3. */
    damping: o.damping,
    /** Lower bound of the LR. Default 0. */
    etaMin: o.etaMin,
    /** Upper bound of the LR. Default Infinity (no bound). */
    etaMax: o.etaMax,
  },
  stats: ['pathNormSq', 'pathRatio', 'reference', 'dirNorm'],
});
