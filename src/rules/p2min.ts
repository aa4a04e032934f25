// p2min: ELRA's path-based rule with its own update (docs/rules/p2min.md).
import { defineRule } from './define.js';
import { elra } from './elra.js';

export default defineRule({
  ...elra,
  id: 'p2min', vectors: ['P'],
  state: { alpha: 'nonNegative', D: 'nonNegative', E: 'nonNegative', best: 'finite', last: 'finite', finit: 'finite', q: 'nonNegative', started: 'flag' },
  options: {},
  stats: ['h', 'growthCap', 'tolerance', 'retraced', 'bestLoss'],
});
