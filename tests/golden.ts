// Golden checkpoints: each release's checkpoints of every configuration in VARIANTS, written
// by `npm run golden` (tests/golden-write.ts) into tests/golden/<version>.json and committed.
// Every later build must restore them bit for bit and continue the same trajectory, or, after
// a deliberate format break, refuse them with E_CHECKPOINT naming their format.
import { rng } from './rng.js';
import { stepForm } from './variants.js';

export const GOLDEN_STEPS = 8;

/** The tensors every golden optimizer lays out (odd sizes, 41 parameters). */
export const GOLDEN_TENSORS: [string, number[]][] = [['w', [4, 7]], ['b', [13]]];

/**
 * `steps` steps on a noisy quadratic whose noise depends only on the optimizer's step count,
 * so a restored optimizer continues with the same gradients as one that never stopped.
 */
export async function goldenDrive(ss: { rules: Parameters<typeof stepForm>[0] }, opt: any, steps: number): Promise<void> {
  const form = stepForm(ss.rules, opt.config.rule);
  const n = opt.size, at = placed(opt);
  for (let s = 0; s < steps; s++) {
    const r = rng(1000 + opt.stats.step + 7 * opt.stats.skipped);
    const noise = Float32Array.from({ length: n }, () => 0.05 * (2 * r() - 1));
    const grad = (p: Float32Array, g: Float32Array, shift = 0): number => {
      let loss = 0.01;
      for (let i = 0; i < n; i++) {
        const d = p[at[i]] - 0.25 * ((i % 3) - 1), k = 1 + (i % 5);
        loss += 0.5 * k * d * d;
        g[at[i]] = k * d + noise[(i + shift) % n];
      }
      return loss;
    };
    const loss = grad(opt.params, opt.grads);
    if (form === 'loss') opt.step(loss);
    else if (form === 'closure') {
      let fresh = 0;
      await opt.step((p: Float32Array, g: Float32Array, req: { batch: string }) => {
        if (req.batch === 'fresh') fresh++;
        return grad(p, g, req.batch === 'same' ? 0 : fresh);
      });
    } else opt.step();
  }
}

/** Where each parameter (in tensor order) sits in the flat views, which span the padding between tensors. */
export function placed(opt: { size: number; tensors: readonly { offset: number; length: number }[] }): Int32Array {
  const at = new Int32Array(opt.size);
  let i = 0;
  if (opt.tensors.length === 0) at.forEach((_, k) => { at[k] = k; });
  for (const t of opt.tensors) for (let j = 0; j < t.length; j++) at[i++] = t.offset + j;
  return at;
}

/** The initial parameters of a golden optimizer. */
export function goldenParams(n: number): Float32Array {
  const r = rng(99);
  return Float32Array.from({ length: n }, () => 2 * r() - 1);
}

export const toBase64 = (b: Uint8Array): string => {
  let s = '';
  for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
  return btoa(s);
};
export const fromBase64 = (s: string): Uint8Array => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
