// Opt-in single-file entry (`stepsize/inline`): the .wasm is inlined as base64, for
// bundles that cannot ship a separate file. Runtimes that forbid compiling bytes (workerd)
// need the default or edge entry instead.
// @ts-ignore: provided by the build (esbuild's binary loader)
import wasmBytes from './stepsize.wasm';
import { loadWith, type LoadOptions, type Stepsize } from './api.js';

const inlined = () => WebAssembly.compile(wasmBytes as Uint8Array<ArrayBuffer>);

export function load(options?: LoadOptions): Promise<Stepsize> {
  return loadWith(options, inlined);
}

export * from './types.js';
