// Scalar exp, log and powers, written small. The standard library's pow and exp were 2.5 KB
// of code, an eighth of the gzipped module (the inline bundle's size budget); the rules take an exponential a
// step (the path-length rules), integer powers of decay rates (bias corrections) and one
// fractional power (an overshoot of a loss rule). exp and log are within 2 ulps of the standard library's, powi
// within t·2⁻⁵³ relative (assembly/__tests__/math.spec.ts measures both), and, being
// plain IEEE arithmetic in WASM, bit-identical in every runtime.

// ln 2 split so that k·LN2_HI is exact for |k| < 2^20 (fdlibm's constants)
const LN2_HI: f64 = 6.93147180369123816490e-01;
const LN2_LO: f64 = 1.90821492927058770002e-10;
const INV_LN2: f64 = 1.44269504088896338700e+00;

/** 2^k for a whole number k in [-1022, 1023], built from its bits. */
// @ts-ignore: decorator
@inline function pow2(k: i64): f64 { return reinterpret<f64>((k + 1023) << 52); }

/** e^x: x = k·ln2 + r with |r| ≤ ln2/2, e^r by its Taylor series to r^13/13!, times 2^k. */
export function exp(x: f64): f64 {
  if (!(x < 709.8)) return x > 0 ? Infinity : x; // +overflow, and NaN stays NaN
  if (x < -745.2) return 0;
  const k = nearest<f64>(x * INV_LN2);
  const r = (x - k * LN2_HI) - k * LN2_LO;
  let s: f64 = 1;
  for (let n = 13; n >= 1; n--) s = 1 + s * r / <f64>n; // Horner: 1 + r(1 + r/2(1 + r/3(…)))
  const h = <i64>k >> 1; // two factors, so that neither 2^h nor 2^(k−h) leaves the normal range
  return s * pow2(h) * pow2(<i64>k - h);
}

/** ln x: x = 2^e·m with m in [√½, √2), ln m = 2·atanh((m−1)/(m+1)) by its series. */
export function log(x: f64): f64 {
  if (!(x > 0)) return x == 0 ? -Infinity : NaN;
  if (x == Infinity) return x;
  let e: i64 = 0;
  if (x < 2.2250738585072014e-308) { x *= 18014398509481984.0; e = -54; } // subnormal: scale by 2^54
  const bits = reinterpret<i64>(x);
  e += ((bits >> 52) & 0x7ff) - 1023;
  let m = reinterpret<f64>((bits & 0x000fffffffffffff) | 0x3ff0000000000000); // in [1, 2)
  if (m > 1.4142135623730951) { m *= 0.5; e++; }
  const f = (m - 1) / (m + 1), s = f * f;
  let t: f64 = 0;
  for (let k = 12; k >= 1; k--) t = s * (1 / <f64>(2 * k + 1) + t); // s/3 + s²/5 + … + s^12/25
  const em = <f64>e;
  return em * LN2_HI + (f * 2 + (f * 2 * t + em * LN2_LO));
}

/** b^t for a whole number t ≥ 0, by binary exponentiation (relative error below t·2⁻⁵³; exact for t ≤ 2). */
export function powi(b: f64, t: f64): f64 {
  let n = <u64>t, r: f64 = 1, x = b;
  while (n != 0) {
    if (n & 1) r *= x;
    x *= x;
    n >>= 1;
  }
  return r;
}

/** x^y for x ≥ 0 (0^y = 0 for y > 0). */
export function powf(x: f64, y: f64): f64 {
  return x > 0 ? exp(y * log(x)) : 0;
}

/** x^y for x ≥ 0 and y ≥ 0: by powi when y is whole (exact for y ≤ 2), else powf (x^0 = 1). */
export function pow(x: f64, y: f64): f64 {
  return y == Math.floor(y) && y < 4294967296 ? powi(x, y) : powf(x, y);
}

/**
 * ½(1 + cos(π·u)) for u in [0, 1], the cosine schedule's shape: cos²(π·u/2), by the Taylor
 * series of cos to x^22/22! on [0, π/2] (its remainder is below 2e-17 there). The standard
 * library's cos, with its general range reduction, was 1.5 KB of code; the schedule needs none.
 */
export function halfCosine(u: f64): f64 {
  const x = 1.5707963267948966 * u, s = x * x;
  let c: f64 = 1;
  for (let n = 11; n >= 1; n--) c = 1 - c * s / <f64>((2 * n - 1) * (2 * n)); // Horner: 1 − x²/2(1 − x²/12(…))
  return c * c;
}

/** η clamped to [lo, hi] (0 for either: no bound): the optional LR bounds of the rules that take them. */
export function bound(eta: f64, lo: f64, hi: f64): f64 {
  return Math.max(lo, hi > 0 ? Math.min(hi, eta) : eta);
}
