// The SIMD primitives and the shared sweeps (loops.ts) against float64 references computed here, element by element.
import { allFinite, sign4, hash64 } from '../simd';
import { normSq, dotNorms, dotNormsCopy, copy } from '../loops';

let seed: u64 = 0x9e3779b97f4a7c15;
/** xorshift64*: uniform in [-1, 1) */
function uni(): f32 {
  seed ^= seed >> 12; seed ^= seed << 25; seed ^= seed >> 27;
  const x = seed * 0x2545f4914f6cdd1d;
  return <f32>(<f64>(x >> 11) / 9007199254740992.0 * 2.0 - 1.0);
}

function vec(n: i32, shift: f32 = 0): usize {
  // unmanaged: a GC'd array could be collected while only its raw pointer is held
  const a = heap.alloc(<usize>n << 2);
  for (let i = 0; i < n; i++) store<f32>(a + (<usize>i << 2), uni() + shift);
  return a;
}

function refDot(a: usize, b: usize, n: i32): f64 {
  let s: f64 = 0;
  for (let i = 0; i < n; i++) s += <f64>load<f32>(a + (<usize>i << 2)) * <f64>load<f32>(b + (<usize>i << 2));
  return s;
}

function rel(x: f64, ref: f64): f64 { return Math.abs(x - ref) / Math.abs(ref); }

describe('reductions', () => {
  it('normSq, dotNorms and dotNormsCopy match float64 on small sizes', () => {
    for (let n = 64; n <= 4096; n *= 4) {
      const a = vec(n), b = vec(n), d = vec(n);
      expect(rel(normSq(a, n), refDot(a, a, n))).toBeLessThan(1e-6);
      dotNorms(a, b, n);
      expect(rel(sum0(), refDot(a, a, n))).toBeLessThan(1e-6);
      expect(rel(sum1(), refDot(a, b, n))).toBeLessThan(1e-5);
      expect(rel(sum2(), refDot(b, b, n))).toBeLessThan(1e-6);
      dotNormsCopy(b, a, d, n);
      expect(rel(sum1(), refDot(a, b, n))).toBeLessThan(1e-5);
      expect(memory.compare(d, b, n << 2)).toBe(0, 'copied exactly');
    }
  });

  it('relative error below 1e-6 at 10^7 elements (mean-zero and shifted data)', () => {
    const n = 10_000_000; // a multiple of 64
    const a = vec(n), b = vec(n), c = vec(n, 0.5);
    dotNorms(a, b, n);
    const aa = refDot(a, a, n), ab = refDot(a, b, n), bb = refDot(b, b, n);
    expect(rel(sum0(), aa)).toBeLessThan(1e-6);
    expect(rel(sum1(), ab)).toBeLessThan(1e-6);
    expect(rel(sum2(), bb)).toBeLessThan(1e-6);
    dotNorms(c, a, n);
    expect(rel(sum0(), refDot(c, c, n))).toBeLessThan(1e-6);
    expect(rel(sum1(), refDot(c, a, n))).toBeLessThan(1e-6);
    expect(rel(normSq(c, n), refDot(c, c, n))).toBeLessThan(1e-6);
  });

  it('is deterministic: the same inputs give the same bits', () => {
    const n = 1 << 16;
    const a = vec(n), b = vec(n);
    dotNorms(a, b, n);
    const x = sum1();
    dotNorms(a, b, n);
    expect(reinterpret<u64>(sum1())).toBe(reinterpret<u64>(x));
  });
});

describe('elementwise', () => {
  it('copy moves every float', () => {
    const n = 192;
    const a = vec(n), d = vec(n);
    copy(d, a, n);
    expect(memory.compare(d, a, n << 2)).toBe(0);
  });

  it('allFinite finds NaN and ±Infinity anywhere', () => {
    const n = 128;
    const a = vec(n);
    expect(allFinite(a, n)).toBe(true);
    const bad: f32[] = [NaN, Infinity, -Infinity];
    for (let k = 0; k < 3; k++) {
      for (let i = 0; i < n; i += 37) {
        const keep = load<f32>(a + (<usize>i << 2));
        store<f32>(a + (<usize>i << 2), bad[k]);
        expect(allFinite(a, n)).toBe(false);
        store<f32>(a + (<usize>i << 2), keep);
      }
    }
    store<f32>(a + ((<usize>n - 1) << 2), NaN);
    expect(allFinite(a, n)).toBe(false);
  });

  it('sign4 is torch.sign: -1, 0, 1 (and 0 for -0)', () => {
    const s = sign4(f32x4(-2.5, 0, 3e-38, -0.0));
    expect(f32x4.extract_lane(s, 0)).toBe(-1);
    expect(f32x4.extract_lane(s, 1)).toBe(0);
    expect(f32x4.extract_lane(s, 2)).toBe(1);
    expect(f32x4.extract_lane(s, 3)).toBe(0);
  });
});

describe('hash64', () => {
  it('is FNV-1a over 64-bit words, then bytes', () => {
    const a = heap.alloc(11);
    expect(hash64(a, 0)).toBe(0xcbf29ce484222325);
    for (let i = 0; i < 11; i++) store<u8>(a + i, <u8>(i + 1));
    let h: u64 = 0xcbf29ce484222325;
    h = (h ^ load<u64>(a)) * 0x100000001b3;
    for (let i = 8; i < 11; i++) h = (h ^ <u64>load<u8>(a + i)) * 0x100000001b3;
    expect(hash64(a, 11)).toBe(h);
    store<u8>(a + 10, 99);
    expect(hash64(a, 11)).not.toBe(h);
  });
});

// the reduction results are module globals; read them through functions so the values are current
import { sum0 as s0, sum1 as s1, sum2 as s2 } from '../loops';
function sum0(): f64 { return s0; }
function sum1(): f64 { return s1; }
function sum2(): f64 { return s2; }
