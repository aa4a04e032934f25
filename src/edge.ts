// Entry for edge runtimes (Cloudflare workerd, Vercel edge-light) that refuse to compile
// WebAssembly from bytes at run time: the .wasm is imported as a module binding.
// @ts-ignore: resolved by the runtime / the deploy bundler, not by this build
import wasmModule from './stepsize.wasm';
import { loadWith, type LoadOptions, type Stepsize } from './api.js';
import { limits } from './optimizer.js';

// (deployed, an isolate past it is ended rather than refused a grow; a local workerd has no limit)
limits.note = '; Cloudflare Workers and Vercel Edge Functions allow 128 MB per isolate';

const imported = async () => wasmModule as WebAssembly.Module;

export function load(options?: LoadOptions): Promise<Stepsize> {
  return loadWith(options, imported);
}

export * from './types.js';
