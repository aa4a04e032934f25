// Opt-in single-file entry (`stepsize/inline`, and the IIFE): the wasm is inlined, for bundles
// that cannot ship a separate file. It embeds the size build of the same sources (loops not
// unrolled: the same results bit for bit, a little slower; README "Speed"), gzipped and then
// written as base 64 text, inflated with the standard DecompressionStream (Node ≥ 18, Deno,
// Bun, browsers) when loaded. Gzipping first keeps the bundle near the wasm's compressed size
// (base 64 of raw wasm compresses poorly). Runtimes that forbid compiling bytes (workerd) need
// the default or edge entry.
// @ts-ignore: provided by the build (scripts/build.mjs, embedPayload): the 64-character
// alphabet, then the digits
import text from './stepsize.wasm';
import { loadWith, type LoadOptions, type Stepsize } from './api.js';

/** The gzipped bytes: 6 bits per digit, a digit's value its index in the alphabet. */
function decode(text: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(((text.length - 64) * 6) >> 3);
  for (let i = 64, j = 0, acc = 0, bits = 0; i < text.length; i++) {
    acc = ((acc << 6) | text.indexOf(text[i])) & 0x3fff;
    bits += 6;
    if (bits >= 8) { bits -= 8; out[j++] = acc >> bits; }
  }
  return out;
}

async function inflate(bytes: Uint8Array<ArrayBuffer>): Promise<ArrayBuffer> {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Response(stream).arrayBuffer();
}

const inlined = async () => WebAssembly.compile(await inflate(decode(text as string)));

export function load(options?: LoadOptions): Promise<Stepsize> {
  return loadWith(options, inlined);
}

export * from './types.js';
