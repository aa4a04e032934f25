// Helpers shared by the tests. Only IEEE basic arithmetic and integer ops here (no Math.sin,
// Math.exp...), so generated data is bit-identical in every JS engine.
import { load } from '../build/index.js';
import type { Stepsize } from '../build/index.js';

let loaded: Promise<Stepsize> | undefined;
export const stepsize = (): Promise<Stepsize> => (loaded ??= load());

/** Which runtime runs the tests. */
export function runtimeName(): string {
  const g = globalThis as Record<string, any>;
  if (g.Deno) return 'deno';
  if (g.Bun) return 'bun';
  if (g.process?.versions?.node) return 'node';
  const ua: string = g.navigator?.userAgent ?? '';
  return /Firefox\//.test(ua) ? 'firefox' : /Chrome\//.test(ua) ? 'chromium' : 'webkit';
}

export { rng } from './rng.js';

/** Uniform in [-s, s). */
export function uniform(r: () => number, n: number, s = 1): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = (2 * r() - 1) * s;
  return out;
}

/** Rounds to float32, as writing into a Float32Array does. */
export const f32 = (x: ArrayLike<number>): Float64Array => Float64Array.from(Float32Array.from(x));

export const EPS32 = 2 ** -24; // unit roundoff of float32

export function throwsCode(fn: () => unknown, code: string, pattern?: RegExp): void {
  try {
    fn();
  } catch (e: any) {
    if (e?.code !== code) throw new Error(`expected error ${code}, got ${e?.code}: ${e?.message}`);
    if (pattern && !pattern.test(e.message)) throw new Error(`message ${JSON.stringify(e.message)} does not match ${pattern}`);
    return;
  }
  throw new Error(`expected error ${code}, nothing was thrown`);
}

/** A create() config as a test name: its JSON without quotes. */
export const label = (c: Record<string, unknown>): string => JSON.stringify(c).replace(/"/g, '');
