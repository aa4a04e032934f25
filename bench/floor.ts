// Bench-only yardsticks, compiled with the same asc flags as stepsize.wasm:
//  - the most straightforward f32x4 Adam / SGD / momentum steps one can write (no clipping,
//    no weight decay, no finiteness checks, no reduction pass; unrolled 4x, which halves
//    Adam's time in V8), the "fastest simple SIMD"
//    reference the package's kernels are compared with;
//  - a plain SIMD memory copy: the memory-bandwidth floor for a given number of bytes.
export function alloc(bytes: u32): usize {
  const base = (<usize>memory.size() << 16);
  const pages = <i32>((bytes + 65535) >> 16);
  if (memory.grow(pages) < 0) return 0;
  return base;
}

export function copy(dst: usize, src: usize, n: u32): void {
  const end = src + (<usize>n << 2);
  while (src < end) {
    v128.store(dst, v128.load(src));
    v128.store(dst, v128.load(src, 16), 16);
    v128.store(dst, v128.load(src, 32), 32);
    v128.store(dst, v128.load(src, 48), 48);
    src += 64; dst += 64;
  }
}

// @ts-ignore: decorator
@inline function sgd1(p: usize, g: usize, vlr: v128): void {
  v128.store(p, f32x4.sub(v128.load(p), f32x4.mul(vlr, v128.load(g))));
}

export function sgd(p: usize, g: usize, n: u32, lr: f32): void {
  const vlr = f32x4.splat(lr);
  const end = p + (<usize>n << 2);
  while (p < end) {
    sgd1(p, g, vlr); sgd1(p + 16, g + 16, vlr); sgd1(p + 32, g + 32, vlr); sgd1(p + 48, g + 48, vlr);
    p += 64; g += 64;
  }
}

// @ts-ignore: decorator
@inline function mom1(p: usize, g: usize, b: usize, vlr: v128, vmu: v128): void {
  const bn = f32x4.add(f32x4.mul(vmu, v128.load(b)), v128.load(g));
  v128.store(b, bn);
  v128.store(p, f32x4.sub(v128.load(p), f32x4.mul(vlr, bn)));
}

export function momentum(p: usize, g: usize, b: usize, n: u32, lr: f32, mu: f32): void {
  const vlr = f32x4.splat(lr), vmu = f32x4.splat(mu);
  const end = p + (<usize>n << 2);
  while (p < end) {
    mom1(p, g, b, vlr, vmu); mom1(p + 16, g + 16, b + 16, vlr, vmu);
    mom1(p + 32, g + 32, b + 32, vlr, vmu); mom1(p + 48, g + 48, b + 48, vlr, vmu);
    p += 64; g += 64; b += 64;
  }
}

// @ts-ignore: decorator
@inline function adam1(p: usize, g: usize, m: usize, v: usize, vb1: v128, v1b1: v128, vb2: v128, v1b2: v128,
                       vstep: v128, vrs: v128, veps: v128): void {
  const x = v128.load(g);
  const mn = f32x4.add(f32x4.mul(vb1, v128.load(m)), f32x4.mul(v1b1, x));
  const vn = f32x4.add(f32x4.mul(vb2, v128.load(v)), f32x4.mul(v1b2, f32x4.mul(x, x)));
  v128.store(m, mn); v128.store(v, vn);
  const den = f32x4.add(f32x4.mul(f32x4.sqrt(vn), vrs), veps);
  v128.store(p, f32x4.sub(v128.load(p), f32x4.mul(vstep, f32x4.div(mn, den))));
}

export function adam(p: usize, g: usize, m: usize, v: usize, n: u32, lr: f32, b1: f32, b2: f32, eps: f32, t: f64): void {
  const bc1 = 1 - Math.pow(b1, t), bc2 = 1 - Math.pow(b2, t);
  const vb1 = f32x4.splat(b1), v1b1 = f32x4.splat(1 - b1), vb2 = f32x4.splat(b2), v1b2 = f32x4.splat(1 - b2);
  const vstep = f32x4.splat(<f32>(lr / bc1)), vrs = f32x4.splat(<f32>(1 / Math.sqrt(bc2))), veps = f32x4.splat(eps);
  const end = p + (<usize>n << 2);
  while (p < end) {
    adam1(p, g, m, v, vb1, v1b1, vb2, v1b2, vstep, vrs, veps);
    adam1(p + 16, g + 16, m + 16, v + 16, vb1, v1b1, vb2, v1b2, vstep, vrs, veps);
    adam1(p + 32, g + 32, m + 32, v + 32, vb1, v1b1, vb2, v1b2, vstep, vrs, veps);
    adam1(p + 48, g + 48, m + 48, v + 48, vb1, v1b1, vb2, v1b2, vstep, vrs, veps);
    p += 64; g += 64; m += 64; v += 64;
  }
}
