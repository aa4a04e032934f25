// clara: the LR adapted from the length of a cumulated path (docs/rules/clara.md).
import { defineRule, flag } from './define.js';
import { path, pathOptions as o } from './path.js';

export default defineRule({
  ...path,
  id: 'clara', stepNorms: false, scratch: (b) => (b === 'adam' ? 1 : 0), // the Adam direction between passes
  baseOptions: { sgd: ['lr'], adam: ['lr', 'beta1', 'beta2', 'eps', 'weightDecay'] },
  options: {
    /** Path cumulation constant. Default 0.2. */
    c: o.c,
    /** Rate of the LR change (the paper's d). Default 1e-3. */
    damping: o.damping,
    /** Step by the unit direction (the paper's "_us" variants). Default false. */
    unitStep: flag(false),
    /** Lower bound of the LR (the spec's optional clamp). Default 0. */
    etaMin: o.etaMin,
    /** Upper bound of the LR. Default Infinity (no bound). */
    etaMax: o.etaMax,
  },
  stats: ['pathNormSq', 'pathRatio', 'reference', 'dirNorm', 'nextLr'],
});
