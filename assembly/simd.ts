// SIMD primitives shared by the bases and rules.
//
// Every vector handled here is padded to a multiple of PAD floats (64) and its padding is
// zero, so loops never need a scalar tail. Reductions sum products in f32x4 lanes over a
// block (several independent accumulators), then add the block sum to an f64x2
// accumulator. The order is fixed by the code, so a sum is the same bit pattern in every
// runtime, and the f32 part never spans more than 32 products per lane.

// @ts-ignore: decorator
@inline export const PAD: u32 = 64;

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
 * Integer arithmetic only: the same value in every runtime. Used for trajectory hashes; `h`
 * continues an earlier hash (pieces hashed in order).
 */
export function hash64(ptr: usize, len: u32, h: u64 = 0xcbf29ce484222325): u64 {
  const prime: u64 = 0x100000001b3;
  const words = ptr + ((<usize>len >> 3) << 3);
  const end = ptr + <usize>len;
  while (ptr < words) { h = (h ^ load<u64>(ptr)) * prime; ptr += 8; }
  while (ptr < end) { h = (h ^ <u64>load<u8>(ptr)) * prime; ptr += 1; }
  return h;
}
