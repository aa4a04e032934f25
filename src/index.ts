// stepsize: adaptive learning-rate rules as SIMD WebAssembly kernels.
// Default entry (Node, Deno, Bun, browsers): finds stepsize.wasm beside this file.
import { loadWith, compileUrl, type LoadOptions, type Stepsize } from './api.js';

const beside = () => compileUrl(new URL('./stepsize.wasm', import.meta.url));

/** Loads stepsize; with no options it finds its own stepsize.wasm. */
export function load(options?: LoadOptions): Promise<Stepsize> {
  return loadWith(options, beside);
}

export * from './types.js';
