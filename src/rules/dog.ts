// dog: DoG ("distance over gradients"), a learning-rate-free baseline on SGD, and its layer-wise
// form LDoG (docs/rules/dog.md).
import { nonNegative, positive } from '../bases.js';
import { defineRule, num, flag } from './define.js';

export default defineRule({
  id: 'dog', bases: ['sgd'], step: 'plain', schedule: 'step', lr: 1, vectors: ['x0', 'xbar'],
  state: { rbar: 'nonNegative', G: 'nonNegative' },
  tensorState: { option: 'perTensor', kinds: { rbar: 'nonNegative', G: 'nonNegative' } },
  options: {
    /** The first step's distance r̄ = repsRel·(1 + ‖x0‖). Default 1e-6 (1e-4 with batch norm). */
    repsRel: num(1e-6, positive),
    /** Added to the first ‖g‖². Default 1e-8. */
    eps: num(1e-8, positive),
    /** Keep the polynomial-decay average x̄ (read it from `opt.average`). Default true. */
    average: flag(true),
    /** γ of the average's weight (1 + γ)/(t + γ). Default 8. */
    averageGamma: num(8, nonNegative),
    /**
     * LDoG, the paper's layer-wise form: each tensor keeps its own r̄ and gradient sum and steps
     * with its own η (needs `tensors`). Default false.
     */
    perTensor: flag(false),
  },
  stats: ['rbar', 'gSum', 'distance'],
});
