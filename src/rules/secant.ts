// secant: the LR from the stochastic secant equation, two extra gradients per step on a fresh
// batch (docs/rules/secant.md).
import { positive } from '../bases.js';
import { defineRule, num, choice } from './define.js';

export default defineRule({
  id: 'secant', bases: ['sgd', 'momentum', 'sign'], step: 'closure', schedule: 'step',
  scratch: 3, // h0, h1, the params backup
  state: { eta: 'nonNegative', started: 'flag' },
  options: {
    // sign base: s = sign(g) with the ridge form (of {g, sign(g)} × {F3, F4}, the damped form
    // gives η = O(1), a ±1 step per coordinate; docs/rules/secant.md has the numbers)
    /** The closed form of η from the secant pair. Default 'damped' ('ridge' for base sign; see docs/rules/secant.md). */
    formula: choice(['damped', 'ridge', 'bb1', 'bb2'], (b) => (b === 'sign' ? 'ridge' : 'damped')),
    /** 3 (the caller's gradient plus two on a fresh batch) or 2 (the fresh-batch gradient is g). Default 3. */
    evaluations: num<2 | 3>(3, { allowed: '2 or 3', ok: (v) => v === 2 || v === 3 }),
    /** The probe displacement s: 'gradient' (g) or 'sign' (sign(g)). Default 'gradient' ('sign' for base sign). */
    probe: choice(['gradient', 'sign'], (b) => (b === 'sign' ? 'sign' : 'gradient')),
    /** c in the look-ahead point x + c·s. Default 1. */
    probeScale: num(1, positive),
  },
  requests: () => ['fresh', 'repeat'],
  stats: ['ss', 'sy', 'yy', 'fallback'],
});
