// Opt-in single-file entry (`stepsize/inline`, and the IIFE): the .wasm is inlined, gzipped
// and then base64-encoded, for bundles that cannot ship a separate file; it is inflated with
// the standard DecompressionStream (Node ≥ 18, Deno, Bun, browsers) when loaded. Gzipping
// first keeps the bundle near the wasm's compressed size (base64 of raw wasm compresses
// poorly). Runtimes that forbid compiling bytes (workerd) need the default or edge entry.
// @ts-ignore: provided by the build (esbuild's binary loader over the gzipped .wasm)
import gzipped from './stepsize.wasm';
import { loadWith, type LoadOptions, type Stepsize } from './api.js';

async function inflate(bytes: Uint8Array): Promise<ArrayBuffer> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Response(stream).arrayBuffer();
}

const inlined = async () => WebAssembly.compile(await inflate(gzipped as Uint8Array));

export function load(options?: LoadOptions): Promise<Stepsize> {
  return loadWith(options, inlined);
}

export * from './types.js';
