// The options the two distance-estimating baselines share (their docs/rules/<id>.md).
import { positive } from '../bases.js';
import { num } from './define.js';

export const distance = {
  d0: num(1e-6, positive),
  growthRate: num(Infinity, { allowed: 'a number > 1 (Infinity: no cap)', ok: (v) => v > 1 }),
};
