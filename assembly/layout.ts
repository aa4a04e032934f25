// Memory layout of one optimizer instance. One WASM instance holds one optimizer; memory
// is grown once in `init` and never again, so JS views of it never detach.
//
//   BASE (64-byte aligned, after the module's static data)
//   | header  HEADER_BYTES: ids, sizes, hyperparameters, scalar rule state, stats
//   | params  NPAD floats
//   | slot 0 .. slot SAVED-1, NPAD floats each (the saved state vectors)
//   | grads   NPAD floats
//   | scratch 0 .. SCRATCH-1, NPAD floats each (e.g. the params backup of closure rules)
// A checkpoint (src/checkpoint.ts) names what it takes from here: options, scalar state and
// stats by name, params and the slots by role; grads and scratch are not saved.
//
// Vectors are padded with zeros to a multiple of PAD floats; every kernel keeps zero
// padding zero (0·anything and sign(0) are 0), so SIMD loops need no scalar tail.
import { PAD } from './simd';
import { INIT_OK, INIT_MEMORY } from './ids';

export const HEADER_BYTES: u32 = 1024;

// header fields, byte offsets from BASE
export const H_BASE: u32 = 8;
export const H_RULE: u32 = 12;
export const H_SAVED: u32 = 24;    // number of saved state slots
export const H_HYPER: u32 = 64;    // f64[32]  hyperparameters
export const H_STATE: u32 = 320;   // f64[48]  scalar state that a checkpoint carries
export const H_STATS: u32 = 704;   // f64[32]  telemetry of the last step
export const NHYPER: u32 = 32;
export const NSTATE: u32 = 48;
export const NSTATS: u32 = 32;

export let BASE: usize = (__heap_base + 63) & ~<usize>63;
export let N: u32 = 0;
export let NPAD: u32 = 0;
export let P: usize = 0;   // params
export let G: usize = 0;   // grads
let SLOT0: usize = 0;      // first saved slot
let SCRATCH0: usize = 0;   // first scratch slot

// @ts-ignore: decorator
@inline export function hyper(i: u32): f64 { return load<f64>(BASE + H_HYPER + (i << 3)); }
// @ts-ignore: decorator
@inline export function state(i: u32): f64 { return load<f64>(BASE + H_STATE + (i << 3)); }
// @ts-ignore: decorator
@inline export function setState(i: u32, v: f64): void { store<f64>(BASE + H_STATE + (i << 3), v); }
// @ts-ignore: decorator
@inline export function setStat(i: u32, v: f64): void { store<f64>(BASE + H_STATS + (i << 3), v); }
// @ts-ignore: decorator
@inline export function slot(k: u32): usize { return SLOT0 + <usize>k * (<usize>NPAD << 2); }
// @ts-ignore: decorator
@inline export function scratch(k: u32): usize { return SCRATCH0 + <usize>k * (<usize>NPAD << 2); }

/**
 * Points the bases' gradient input elsewhere for one update (a closure rule that steps along
 * a gradient it asked for leaves the caller's grads as they were).
 */
export function setGrads(p: usize): usize { const old = G; G = p; return old; }

/** Pads n up to a multiple of PAD. */
export function padded(n: u32): u32 { return (n + PAD - 1) & ~(PAD - 1); }

/** What 32-bit memory can address here: 65535 pages (4 GiB less one page). */
const LIMIT: f64 = 4294901760.0;

/** Bytes of memory an optimizer of n parameters and this many vectors needs, from BASE on (f64 so it cannot wrap). */
export function bytesNeeded(n: f64, vectors: u32): f64 {
  const vec = Math.ceil(n / <f64>PAD) * <f64>PAD * 4;
  return <f64>HEADER_BYTES + vec * <f64>vectors;
}

/**
 * The largest number of parameters whose layout fits in memory with these vectors: a
 * multiple of PAD (its padding is then none), so every n up to it fits and n + 1 does not.
 */
export function maxParams(vectors: u32): f64 {
  const room = LIMIT - <f64>BASE - <f64>HEADER_BYTES, perBlock = 4.0 * <f64>PAD * <f64>vectors;
  return Math.floor(room / perBlock) * <f64>PAD;
}

/**
 * Lays out the vectors and grows memory once. Returns INIT_OK, or INIT_MEMORY when memory
 * cannot grow that far. The header's ids and hyperparameters were written before the call.
 */
export function layout(n: u32, saved: u32, scratchSlots: u32): i32 {
  const vectors = 2 + saved + scratchSlots;
  if (<f64>n > maxParams(vectors)) return INIT_MEMORY; // (also before padded(n) could wrap)
  const need = <f64>BASE + bytesNeeded(<f64>n, vectors);
  const pages = <i32>Math.ceil(need / 65536);
  const have = memory.size();
  if (pages > have && memory.grow(pages - have) < 0) return INIT_MEMORY;
  N = n; NPAD = padded(n);
  const vec = <usize>NPAD << 2;
  P = BASE + HEADER_BYTES;
  SLOT0 = P + vec;
  G = SLOT0 + <usize>saved * vec;
  SCRATCH0 = G + vec;
  store<u32>(BASE + H_SAVED, saved);
  return INIT_OK;
}
