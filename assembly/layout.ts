// Memory layout of one optimizer instance. One WASM instance holds one optimizer; memory
// is grown once in `init` and never again, so JS views of it never detach.
//
//   BASE (64-byte aligned, after the module's static data)
//   | header  HEADER_BYTES: ids, sizes, hyperparameters, scalar rule state, stats
//   | meta    metaBytes rounded up to 64: the tensor layout as UTF-8 JSON (written by JS)
//   | params  NPAD floats                      \
//   | slot 0 .. slot SAVED-1, NPAD floats each  |  header..here is the checkpoint image
//   | grads   NPAD floats                      /  (grads and scratch are not saved)
//   | scratch 0 .. SCRATCH-1, NPAD floats each (e.g. the params backup of closure rules)
//
// Vectors are padded with zeros to a multiple of PAD floats; every kernel keeps zero
// padding zero (0·anything and sign(0) are 0), so SIMD loops need no scalar tail.
import { PAD } from './simd';

export const MAGIC: u32 = 0x5a535053; // bytes "SPSZ"
export const FORMAT: u32 = 1;
export const HEADER_BYTES: u32 = 1024;

// header fields, byte offsets from BASE
export const H_MAGIC: u32 = 0;
export const H_FORMAT: u32 = 4;
export const H_BASE: u32 = 8;
export const H_RULE: u32 = 12;
export const H_N: u32 = 16;
export const H_NPAD: u32 = 20;
export const H_SAVED: u32 = 24;    // number of saved state slots
export const H_SCRATCH: u32 = 28;  // number of scratch slots
export const H_META: u32 = 32;     // meta bytes (unpadded)
export const H_IMAGE: u32 = 36;    // checkpoint image bytes (header .. last saved slot)
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

/** Pads n up to a multiple of PAD. */
export function padded(n: u32): u32 { return (n + PAD - 1) & ~(PAD - 1); }

/** Bytes of memory an optimizer of this shape needs, from BASE on (f64 so it cannot wrap). */
export function bytesNeeded(n: u32, saved: u32, scratchSlots: u32, metaBytes: u32): f64 {
  const vec = <f64>padded(n) * 4;
  return <f64>HEADER_BYTES + <f64>padded(metaBytes) + vec * <f64>(2 + saved + scratchSlots);
}

/**
 * Lays out the vectors and grows memory once. Returns 0, or 3 when memory cannot grow
 * that far. The header's ids and hyperparameters were written before the call.
 */
export function layout(n: u32, saved: u32, scratchSlots: u32, metaBytes: u32): i32 {
  const need = <f64>BASE + bytesNeeded(n, saved, scratchSlots, metaBytes);
  if (need > 4294901760.0) return 3; // 65535 pages: what 32-bit memory can address
  const pages = <i32>Math.ceil(need / 65536);
  const have = memory.size();
  if (pages > have && memory.grow(pages - have) < 0) return 3;
  N = n; NPAD = padded(n);
  const vec = <usize>NPAD << 2;
  P = BASE + HEADER_BYTES + padded(metaBytes);
  SLOT0 = P + vec;
  G = SLOT0 + <usize>saved * vec;
  SCRATCH0 = G + vec;
  store<u32>(BASE + H_MAGIC, MAGIC);
  store<u32>(BASE + H_FORMAT, FORMAT);
  store<u32>(BASE + H_N, n);
  store<u32>(BASE + H_NPAD, NPAD);
  store<u32>(BASE + H_SAVED, saved);
  store<u32>(BASE + H_SCRATCH, scratchSlots);
  store<u32>(BASE + H_META, metaBytes);
  store<u32>(BASE + H_IMAGE, <u32>(G - BASE));
  return 0;
}
