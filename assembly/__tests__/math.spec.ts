// The small scalar exp, log and powers (assembly/math.ts) against the standard library's
// (musl's, correctly rounded in almost every case), in units in the last place.
import { exp, log, powi, powf, pow, halfCosine } from '../math';

/** Distance in ulps between two finite doubles of the same sign. */
function ulps(a: f64, b: f64): f64 {
  if (a == b) return 0;
  return <f64>abs<i64>(reinterpret<i64>(a) - reinterpret<i64>(b));
}

let seed: u64 = 0x243f6a8885a308d3;
function uni(): f64 {
  seed ^= seed >> 12; seed ^= seed << 25; seed ^= seed >> 27;
  return <f64>((seed * 0x2545f4914f6cdd1d) >> 11) / 9007199254740992.0;
}

describe('math', () => {
  it('exp is within 2 ulps over [-745, 709]', () => {
    let worst: f64 = 0;
    for (let i = 0; i < 20000; i++) {
      const x = -700 + 1409 * uni();
      worst = Math.max(worst, ulps(exp(x), Math.exp(x)));
    }
    for (let i = 0; i < 20000; i++) { // near 0, where the rules' exponents live
      const x = (uni() - 0.5) * 2;
      worst = Math.max(worst, ulps(exp(x), Math.exp(x)));
    }
    expect(worst).toBeLessThanOrEqual(2);
  });
  it('exp at its edges: 0, overflow, underflow, NaN', () => {
    expect(exp(0)).toBe(1);
    expect(exp(710)).toBe(Infinity);
    expect(exp(-746)).toBe(0);
    expect(isNaN(exp(NaN))).toBe(true);
    expect(exp(-Infinity)).toBe(0);
    expect(ulps(exp(-740), Math.exp(-740))).toBeLessThanOrEqual(2); // a subnormal result
  });
  it('log is within 2 ulps from subnormals to 1e300', () => {
    let worst: f64 = 0;
    for (let i = 0; i < 20000; i++) {
      const x = Math.exp(-700 + 1390 * uni());
      worst = Math.max(worst, ulps(log(x), Math.log(x)));
    }
    for (let i = 0; i < 20000; i++) { // around 1
      const x = 0.5 + uni();
      worst = Math.max(worst, ulps(log(x), Math.log(x)));
    }
    expect(worst).toBeLessThanOrEqual(2);
    expect(ulps(log(4.9e-320), Math.log(4.9e-320))).toBeLessThanOrEqual(2);
  });
  it('log at its edges', () => {
    expect(log(1)).toBe(0);
    expect(log(0)).toBe(-Infinity);
    expect(isNaN(log(-1))).toBe(true);
    expect(log(Infinity)).toBe(Infinity);
  });
  it('powi matches pow for the bias corrections, powf for fractional powers', () => {
    // binary exponentiation: each squaring doubles the relative error so far, so it grows
    // like t·2⁻⁵³ at worst: 1e-11 at t = 1e5, far below the float32 the kernels apply it in
    let worst: f64 = 0;
    for (let t = 0; t <= 100000; t += 7) {
      for (let j = 0; j < 3; j++) {
        const b = j == 0 ? 0.9 : j == 1 ? 0.999 : 0.99;
        const ref = Math.pow(b, <f64>t);
        if (ref > 1e-300) worst = Math.max(worst, Math.abs(powi(b, <f64>t) - ref) / ref);
      }
    }
    expect(worst).toBeLessThan(1e-11);
    expect(powi(0.9, 1)).toBe(0.9);
    expect(powi(0.999, 2)).toBe(0.999 * 0.999);
    let wf: f64 = 0;
    for (let i = 0; i < 5000; i++) {
      const x = Math.exp(-20 + 40 * uni());
      wf = Math.max(wf, Math.abs(powf(x, 0.8) - Math.pow(x, 0.8)) / Math.pow(x, 0.8));
    }
    expect(wf).toBeLessThan(1e-13);
    expect(powf(0, 0.8)).toBe(0);
    expect(pow(0.3, 2)).toBe(0.3 * 0.3);
    expect(pow(5, 0)).toBe(1);
    expect(Math.abs(pow(7, 0.5) - Math.sqrt(7))).toBeLessThan(1e-15);
  });
  it('halfCosine is ½(1 + cos πu) on [0, 1] within 4e-16', () => {
    let worst: f64 = 0;
    for (let i = 0; i <= 100000; i++) {
      const u = <f64>i / 100000;
      worst = Math.max(worst, Math.abs(halfCosine(u) - 0.5 * (1 + Math.cos(Math.PI * u))));
    }
    expect(worst).toBeLessThan(4e-16);
    expect(halfCosine(0)).toBe(1);
  });
});
