// Memory layout of one optimizer instance. One WASM instance holds one optimizer; memory
// is grown once in `init` and never again, so JS views of it never detach.
//
//   BASE (64-byte aligned, after the module's static data)
//   | header  HEADER_BYTES: ids, sizes, hyperparameters, scalar rule state, stats
//   | segments NSEG records of SEG_BYTES (below), then padding to 64 bytes
//   | params  NPAD floats
//   | slot 0 .. slot SAVED-1, NPAD floats each (the saved state vectors)
//   | grads   NPAD floats
//   | scratch 0 .. SCRATCH-1, NPAD floats each (e.g. the params backup of closure rules)
// A checkpoint (src/checkpoint.ts) names what it takes from here: options, scalar state and
// stats by name, params and the slots by role; grads and scratch are not saved.
//
// Segments: each tensor (or, without tensors, the whole vector) is one segment, starting at a
// multiple of PAD floats (256 bytes: every tensor on a 16-byte boundary and on a reduction
// block's) and padded with zeros to a multiple of PAD, so SIMD loops need no scalar tail and
// no block or lane spans two tensors. Every vector (params, grads, slots, scratch) has the
// same segments. The kernels keep padding zero (0·anything and sign(0) are 0), and step()
// clears the padding of params and grads first (JS views span it), so padding is never data.
// A segment's record (SEG_BYTES): u32 start, u32 length, u32 padded (floats), u32 (reserved);
// f64 its LR scale and weight decay (the scalars a pass can apply per segment); f64 its six sums
// of the last pass (assembly/loops.ts); f64 its step, a factor a rule with per-tensor step
// sizes sets before its update pass (1 otherwise; LDoG's η_l); NSEGSTATE f64 of per-tensor rule
// state (the description's tensorState, in its order: a checkpoint carries them by name); and
// f64 ‖Δx‖² of its last update (measured by the pass that moved the parameters, loops.ts).
import { PAD } from './simd';
import { INIT_OK, INIT_MEMORY } from './ids';

export const HEADER_BYTES: u32 = 1024;

// header fields, byte offsets from BASE
export const H_BASE: u32 = 8;
export const H_RULE: u32 = 12;
export const H_SAVED: u32 = 24;    // number of saved state slots
export const H_NSEG: u32 = 28;     // number of segments (0 before segments() is called)
export const H_HYPER: u32 = 64;    // f64[40]  hyperparameters
export const H_STATE: u32 = 384;   // f64[40]  scalar state that a checkpoint carries
export const H_STATS: u32 = 704;   // f64[32]  telemetry of the last step
// (scripts/rules.mjs refuses a description whose own options, state or stats overflow these)
export const NHYPER: u32 = 40;
export const NSTATE: u32 = 40;
export const NSTATS: u32 = 32;

export const SEG_BYTES: u32 = 128;
export const SEG_START: u32 = 0;
export const SEG_LENGTH: u32 = 4;
export const SEG_PADDED: u32 = 8;
export const SEG_LR: u32 = 16;
export const SEG_WD: u32 = 24;
export const SEG_SUMS: u32 = 32;
export const SEG_STEP: u32 = 80;
export const SEG_STATE: u32 = 88;
export const NSEGSTATE: u32 = 4;
export const SEG_MOVED: u32 = 120;

export let BASE: usize = (__heap_base + 63) & ~<usize>63;
/** The first segment record (right after the header). */
export const SEGS: usize = BASE + HEADER_BYTES;
export let NSEG: u32 = 0;
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
/** Per-tensor state i of segment k (its address). */
// @ts-ignore: decorator
@inline export function segState(k: u32, i: u32): usize { return SEGS + <usize>k * SEG_BYTES + SEG_STATE + (<usize>i << 3); }
/** Segment k's record. */
// @ts-ignore: decorator
@inline export function seg(k: u32): usize { return SEGS + <usize>k * SEG_BYTES; }
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
// @ts-ignore: decorator
@inline export function padded(n: u32): u32 { return (n + PAD - 1) & ~(PAD - 1); }

/** What 32-bit memory can address here: 65535 pages (4 GiB less one page). */
const LIMIT: f64 = 4294901760.0;

/** Where params start for a table of `count` segments (64-byte aligned). */
// @ts-ignore: decorator
@inline function paramsAt(count: u32): f64 { return Math.ceil((<f64>SEGS + <f64>count * <f64>SEG_BYTES) / 64) * 64; }

/**
 * Reserves the table for `count` segments (at least 1) and returns it: the loader writes each
 * one's length (u32 at SEG_LENGTH) there before init. 0 when memory cannot hold the table.
 */
export function segments(count: u32): usize {
  const need = paramsAt(count);
  const pages = <i32>Math.ceil(need / 65536), have = memory.size();
  if (need > LIMIT || (pages > have && memory.grow(pages - have) < 0)) return 0;
  memory.fill(SEGS, 0, <usize>count * SEG_BYTES);
  store<u32>(BASE + H_NSEG, count);
  return SEGS;
}

/** The floats a vector takes for the segments written: each length padded to PAD (f64 so it cannot wrap). */
export function planned(): f64 {
  const count = load<u32>(BASE + H_NSEG);
  let total: f64 = 0;
  for (let k: u32 = 0; k < count; k++) total += Math.ceil(<f64>load<u32>(seg(k) + SEG_LENGTH) / <f64>PAD) * <f64>PAD;
  return total;
}

/** Bytes of memory an optimizer whose vectors take `npad` floats needs with this many vectors, from BASE on (f64 so it cannot wrap). */
export function bytesNeeded(npad: f64, vectors: u32): f64 {
  return paramsAt(load<u32>(BASE + H_NSEG)) - <f64>BASE + npad * 4 * <f64>vectors;
}

/**
 * The largest padded vector (a multiple of PAD) that fits in memory with these vectors and the
 * segment table written: without tensors, the largest number of parameters, since every n
 * up to it fits and n + 1 does not.
 */
export function maxParams(vectors: u32): f64 {
  const room = LIMIT - paramsAt(max<u32>(1, load<u32>(BASE + H_NSEG))), perBlock = 4.0 * <f64>PAD * <f64>vectors;
  return Math.floor(room / perBlock) * <f64>PAD;
}

/**
 * Lays out the segments and the vectors and grows memory once. Returns INIT_OK, or
 * INIT_MEMORY when memory cannot grow that far. The header's ids and hyperparameters, and
 * the segments' lengths (one segment of n when none were written), were written before.
 */
export function layout(n: u32, saved: u32, scratchSlots: u32, weightDecay: f64): i32 {
  if (load<u32>(BASE + H_NSEG) == 0) {
    if (segments(1) == 0) return INIT_MEMORY;
    store<u32>(seg(0) + SEG_LENGTH, n);
  }
  const vectors = 2 + saved + scratchSlots, npad = planned();
  if (npad > maxParams(vectors)) return INIT_MEMORY; // (before any u32 below could wrap)
  const need = <f64>BASE + bytesNeeded(npad, vectors);
  const pages = <i32>Math.ceil(need / 65536);
  const have = memory.size();
  if (pages > have && memory.grow(pages - have) < 0) return INIT_MEMORY;
  NSEG = load<u32>(BASE + H_NSEG);
  let start: u32 = 0;
  for (let k: u32 = 0; k < NSEG; k++) {
    const r = seg(k), pl = padded(load<u32>(r + SEG_LENGTH));
    store<u32>(r + SEG_START, start); store<u32>(r + SEG_PADDED, pl);
    store<f64>(r + SEG_LR, 1); store<f64>(r + SEG_WD, weightDecay); store<f64>(r + SEG_STEP, 1);
    start += pl;
  }
  N = n; NPAD = start;
  const vec = <usize>NPAD << 2;
  P = <usize>paramsAt(NSEG);
  SLOT0 = P + vec;
  G = SLOT0 + <usize>saved * vec;
  SCRATCH0 = G + vec;
  store<u32>(BASE + H_SAVED, saved);
  return INIT_OK;
}

/** Zeroes vector v's padding (each segment's floats past its length). */
// @ts-ignore: decorator
@noinline export function clearPadding(v: usize): void {
  for (let k: u32 = 0; k < NSEG; k++) {
    const r = seg(k), from = load<u32>(r + SEG_START) + load<u32>(r + SEG_LENGTH), to = load<u32>(r + SEG_START) + load<u32>(r + SEG_PADDED);
    memory.fill(v + (<usize>from << 2), 0, <usize>(to - from) << 2);
  }
}
