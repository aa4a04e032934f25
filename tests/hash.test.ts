// A fixed 500-step training run whose parameter hash must be identical in every runtime.
// The run uses every base in turn; data comes from integer-seeded arithmetic only.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { stepsize, runtimeName } from './util.js';
import { trajectoryHash } from './trajectory.js';

export const hashes: Record<string, string> = {};

const h = suite('trajectory hash');
h('500 steps on a noisy quadratic, every base and every rule', async () => {
  const ss = await stepsize();
  const parts = [await trajectoryHash(ss)];
  hashes.trajectory = parts.join('');
  assert.is(hashes.trajectory.length, 320); // 20 parts of 16 hex digits
  console.log(`HASH ${runtimeName()} ${hashes.trajectory}`);
});

h.run();

export {};
