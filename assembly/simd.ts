// SIMD primitives shared by the bases and rules.
//
// Every vector handled here is padded to a multiple of PAD floats (64) and its padding is
// zero, so loops never need a scalar tail. Reductions sum products in f32x4 lanes over a
// block (several independent accumulators), then add the block sum to an f64x2
// accumulator. The order is fixed by the code, so a sum is the same bit pattern in every
// runtime, and the f32 part never spans more than 32 products per lane.

// @ts-ignore: decorator
@inline export const PAD: u32 = 64;

// The size build (asc --shrinkLevel 2: the wasm that stepsize/inline and the IIFE embed) does
// not unroll the elementwise update loops. Their results are the same bit for bit: only the
// order of the finiteness accumulator changes, and its verdict is exact either way (see
// finiteAfter). Reductions keep one fixed order in both builds, since their sums are results.
// @ts-ignore: decorator
@inline export const ROLLED: bool = ASC_SHRINK_LEVEL > 1;
// Results of the last reduction, in f64 (read by the caller right after the call).
export let sum0: f64 = 0;
export let sum1: f64 = 0;
export let sum2: f64 = 0;

// @ts-ignore: decorator
@inline export function hsum(lo: v128, hi: v128): f64 {
  // fixed order: (lane0 + lane1) + (lane2 + lane3)
  return (f64x2.extract_lane(lo, 0) + f64x2.extract_lane(lo, 1)) +
         (f64x2.extract_lane(hi, 0) + f64x2.extract_lane(hi, 1));
}

// @ts-ignore: decorator
@inline export function widenLo(acc: v128, block: v128): v128 {
  return f64x2.add(acc, f64x2.promote_low_f32x4(block));
}

// @ts-ignore: decorator
@inline export function widenHi(acc: v128, block: v128): v128 {
  return f64x2.add(acc, f64x2.promote_low_f32x4(v128.shuffle<f32>(block, block, 2, 3, 0, 0)));
}

// Block lengths: 256 floats where the rest of the vector allows, then 64 (PAD). Longer f32
// blocks widen to f64 less often (measured: ~15% faster than 64-float blocks) and still sum
// at most 16 products per lane in f32.

/** sum0 = a·a. Returns sum0. `n` is a multiple of PAD. */
export function normSq(a: usize, n: u32): f64 {
  let lo = f64x2.splat(0), hi = f64x2.splat(0);
  const end = a + (<usize>n << 2);
  while (a < end) {
    const k = end - a >= 1024 ? 16 : 4;
    let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
    if (ROLLED) {
      // one vector at a time, the same sums: s0 takes vectors 0, 4, 8, …, s1 takes 1, 5, 9, …;
      // after each vector the four accumulators rotate, and after a block they are home again
      for (let i: u32 = 0; i < 4 * <u32>k; i++) {
        const x = v128.load(a), t = f32x4.add(s0, f32x4.mul(x, x));
        s0 = s1; s1 = s2; s2 = s3; s3 = t;
        a += 16;
      }
    } else for (let i = 0; i < k; i++) {
      const x0 = v128.load(a), x1 = v128.load(a, 16), x2 = v128.load(a, 32), x3 = v128.load(a, 48);
      s0 = f32x4.add(s0, f32x4.mul(x0, x0)); s1 = f32x4.add(s1, f32x4.mul(x1, x1));
      s2 = f32x4.add(s2, f32x4.mul(x2, x2)); s3 = f32x4.add(s3, f32x4.mul(x3, x3));
      a += 64;
    }
    const b = f32x4.add(f32x4.add(s0, s1), f32x4.add(s2, s3));
    lo = widenLo(lo, b); hi = widenHi(hi, b);
  }
  sum0 = hsum(lo, hi);
  return sum0;
}

// @ts-ignore: decorator
@inline function dots(a: usize, b: usize, dst: usize, n: u32, copying: bool, diff: bool): void {
  let aaL = f64x2.splat(0), aaH = f64x2.splat(0);
  let abL = f64x2.splat(0), abH = f64x2.splat(0);
  let bbL = f64x2.splat(0), bbH = f64x2.splat(0);
  const end = a + (<usize>n << 2);
  while (a < end) {
    const k = end - a >= 1024 ? 32 : 8;
    let aa0 = f32x4.splat(0), aa1 = f32x4.splat(0);
    let ab0 = f32x4.splat(0), ab1 = f32x4.splat(0);
    let bb0 = f32x4.splat(0), bb1 = f32x4.splat(0);
    if (ROLLED) {
      // one vector at a time with the two accumulators of each sum rotating (as in normSq)
      for (let i: u32 = 0; i < 2 * <u32>k; i++) {
        const x = v128.load(a);
        let y = v128.load(b);
        if (copying) { v128.store(dst, x); dst += 16; }
        let ab: v128;
        if (diff) {
          const d = f32x4.sub(y, x);
          ab = f32x4.add(ab0, f32x4.mul(y, d));
          y = d;
        } else ab = f32x4.add(ab0, f32x4.mul(x, y));
        const aa = f32x4.add(aa0, f32x4.mul(x, x)), bb = f32x4.add(bb0, f32x4.mul(y, y));
        aa0 = aa1; aa1 = aa; ab0 = ab1; ab1 = ab; bb0 = bb1; bb1 = bb;
        a += 16; b += 16;
      }
    } else for (let i = 0; i < k; i++) {
      const x0 = v128.load(a), x1 = v128.load(a, 16);
      let y0 = v128.load(b), y1 = v128.load(b, 16);
      if (copying) { v128.store(dst, x0); v128.store(dst, x1, 16); dst += 32; }
      if (diff) {
        // the difference first: exact in f32 when b ≈ a, so nothing cancels in the sums
        const d0 = f32x4.sub(y0, x0), d1 = f32x4.sub(y1, x1);
        ab0 = f32x4.add(ab0, f32x4.mul(y0, d0)); ab1 = f32x4.add(ab1, f32x4.mul(y1, d1));
        y0 = d0; y1 = d1;
      } else {
        ab0 = f32x4.add(ab0, f32x4.mul(x0, y0)); ab1 = f32x4.add(ab1, f32x4.mul(x1, y1));
      }
      aa0 = f32x4.add(aa0, f32x4.mul(x0, x0)); aa1 = f32x4.add(aa1, f32x4.mul(x1, x1));
      bb0 = f32x4.add(bb0, f32x4.mul(y0, y0)); bb1 = f32x4.add(bb1, f32x4.mul(y1, y1));
      a += 32; b += 32;
    }
    const aa = f32x4.add(aa0, aa1), ab = f32x4.add(ab0, ab1), bb = f32x4.add(bb0, bb1);
    aaL = widenLo(aaL, aa); aaH = widenHi(aaH, aa);
    abL = widenLo(abL, ab); abH = widenHi(abH, ab);
    bbL = widenLo(bbL, bb); bbH = widenHi(bbH, bb);
  }
  sum0 = hsum(aaL, aaH); sum1 = hsum(abL, abH); sum2 = hsum(bbL, bbH);
}

// the size build's one loop for the three forms, the form chosen per block
// @ts-ignore: decorator
@noinline function anyDots(a: usize, b: usize, dst: usize, n: u32, copying: bool, diff: bool): void {
  dots(a, b, dst, n, copying, diff);
}

/** sum0 = a·a, sum1 = a·b, sum2 = b·b, in one pass. */
export function dotNorms(a: usize, b: usize, n: u32): void {
  if (ROLLED) anyDots(a, b, 0, n, false, false);
  else dots(a, b, 0, n, false, false);
}

/**
 * sum0 = a·a, sum1 = b·(b − a), sum2 = ‖b − a‖², in one pass. For difference quotients
 * (1 − a·b/b·b, ‖g − h‖) where a ≈ b: forming a·b first would cancel in f32.
 */
export function diffNorms(a: usize, b: usize, n: u32): void {
  if (ROLLED) anyDots(a, b, 0, n, false, true);
  else dots(a, b, 0, n, false, true);
}

/** As dotNorms, and copies a into dst in the same pass (e.g. keeping g as next step's g_prev). */
export function dotNormsCopy(a: usize, b: usize, dst: usize, n: u32): void {
  if (ROLLED) anyDots(a, b, dst, n, true, false);
  else dots(a, b, dst, n, true, false);
}

/** Copies n floats (a multiple of PAD) from src to dst with v128 moves. */
export function copy(dst: usize, src: usize, n: u32): void {
  const end = src + (<usize>n << 2);
  while (src < end) {
    const x0 = v128.load(src);
    if (ROLLED) { v128.store(dst, x0); src += 16; dst += 16; continue; }
    const x1 = v128.load(src, 16), x2 = v128.load(src, 32), x3 = v128.load(src, 48);
    v128.store(dst, x0); v128.store(dst, x1, 16); v128.store(dst, x2, 32); v128.store(dst, x3, 48);
    src += 64; dst += 64;
  }
}

/**
 * ‖a‖² with every square taken in f64: for finite vectors whose f32 squares overflow
 * (|a_i| > 2^64). Two f64x2 accumulators, added in a fixed order. Rare: not unrolled.
 */
export function normSq64(a: usize, n: u32): f64 {
  let lo = f64x2.splat(0), hi = f64x2.splat(0);
  const end = a + (<usize>n << 2);
  while (a < end) {
    const x = v128.load(a);
    const l = f64x2.promote_low_f32x4(x), h = f64x2.promote_low_f32x4(v128.shuffle<f32>(x, x, 2, 3, 0, 0));
    lo = f64x2.add(lo, f64x2.mul(l, l)); hi = f64x2.add(hi, f64x2.mul(h, h));
    a += 16;
  }
  return hsum(lo, hi);
}

/** max |a_i| over [a, a + n) (finite values). */
export function maxAbs(a: usize, n: u32): f64 {
  let m = f32x4.splat(0);
  const end = a + (<usize>n << 2);
  while (a < end) { m = f32x4.max(m, f32x4.abs(v128.load(a))); a += 16; }
  return <f64>Math.max(Math.max(f32x4.extract_lane(m, 0), f32x4.extract_lane(m, 1)), Math.max(f32x4.extract_lane(m, 2), f32x4.extract_lane(m, 3)));
}

/** True when every float in [a, a + n) is finite. */
export function allFinite(a: usize, n: u32): bool {
  let acc = f32x4.splat(0);
  const end = a + (<usize>n << 2);
  while (a < end) {
    acc = f32x4.add(acc, f32x4.mul(v128.load(a), f32x4.splat(0)));
    a += 16;
  }
  // x*0 is 0 for finite x and NaN otherwise; NaN survives the sum
  return v128.all_true<i32>(f32x4.eq(acc, acc));
}

/**
 * The finiteness term of four result vectors: their sum. NaN and ±Infinity survive any sum,
 * so a finite accumulator proves every value finite; a non-finite one is confirmed with an
 * exact allFinite scan (it can also mean finite values whose sum overflowed). One tree of
 * adds, so an unrolled loop adds a single dependent op per 16 floats.
 */
// @ts-ignore: decorator
@inline export function sum4(y0: v128, y1: v128, y2: v128, y3: v128): v128 {
  return f32x4.add(f32x4.add(y0, y1), f32x4.add(y2, y3));
}

/** Exact verdict on an accumulator of sum4 terms over [a, a + n): true when all finite. */
// @ts-ignore: decorator
@inline export function finiteAfter(acc: v128, a: usize, n: u32): bool {
  const s = f32x4.mul(acc, f32x4.splat(0)); // 0 per lane iff that lane's sum is finite
  return v128.all_true<i32>(f32x4.eq(s, s)) || allFinite(a, n);
}

/** sign(x) per lane with sign(0) = 0 (torch.sign); x is finite here. */
// @ts-ignore: decorator
@inline export function sign4(x: v128): v128 {
  const z = f32x4.splat(0);
  return v128.or(
    v128.and(f32x4.gt(x, z), f32x4.splat(1)),
    v128.and(f32x4.lt(x, z), f32x4.splat(-1)));
}

/**
 * 64-bit FNV-1a over little-endian 64-bit words (then the 0..7 trailing bytes one by one).
 * Integer arithmetic only: the same value in every runtime. Used for checkpoint checksums
 * and trajectory hashes.
 */
export function hash64(ptr: usize, len: u32): u64 {
  let h: u64 = 0xcbf29ce484222325;
  const prime: u64 = 0x100000001b3;
  const words = ptr + ((<usize>len >> 3) << 3);
  const end = ptr + <usize>len;
  while (ptr < words) { h = (h ^ load<u64>(ptr)) * prime; ptr += 8; }
  while (ptr < end) { h = (h ^ <u64>load<u8>(ptr)) * prime; ptr += 1; }
  return h;
}
