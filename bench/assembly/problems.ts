// The reproduction problems' losses and gradients, in WebAssembly with SIMD like the
// optimizer itself, so that a run is fast and gives the same numbers in every runtime
// (AssemblyScript's own Math, no JS Math in the arithmetic). Compiled to build/problems.wasm;
// bench/problems.mjs lays out the data and wraps these in the closure API. Not part of the
// package.
//
// Memory: a bump allocator (alloc) hands out 16-byte-aligned blocks; JS writes data there.

let top: usize = (__heap_base + 15) & ~<usize>15;

/** A 16-byte-aligned block of `bytes`, zeroed; grows memory as needed. */
export function alloc(bytes: u32): usize {
  const p = top;
  top = (top + <usize>bytes + 15) & ~<usize>15;
  const need = <i32>((top + 0xffff) >>> 16) - memory.size();
  if (need > 0 && memory.grow(need) < 0) unreachable();
  memory.fill(p, 0, bytes);
  return p;
}

/** Frees everything allocated after `mark` (a value alloc returned). */
export function release(mark: usize): void { top = mark; }

// ---------------------------------------------------------------- vector kernels

// @ts-ignore: decorator
@inline function dot(a: usize, b: usize, n: u32): f32 {
  let s0 = f32x4.splat(0), s1 = f32x4.splat(0);
  let i: u32 = 0;
  for (; i + 8 <= n; i += 8) {
    s0 = f32x4.add(s0, f32x4.mul(v128.load(a + (<usize>i << 2)), v128.load(b + (<usize>i << 2))));
    s1 = f32x4.add(s1, f32x4.mul(v128.load(a + (<usize>i << 2), 16), v128.load(b + (<usize>i << 2), 16)));
  }
  const s = f32x4.add(s0, s1);
  let r = f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
  for (; i < n; i++) r += load<f32>(a + (<usize>i << 2)) * load<f32>(b + (<usize>i << 2));
  return r;
}

/** y += a·x over n floats. */
// @ts-ignore: decorator
@inline function axpy(y: usize, a: f32, x: usize, n: u32): void {
  const va = f32x4.splat(a);
  let i: u32 = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, f32x4.add(v128.load(y + o), f32x4.mul(va, v128.load(x + o))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, load<f32>(y + o) + a * load<f32>(x + o));
  }
}

// ---------------------------------------------------------------- deterministic noise

let seed: u64 = 1;
export function setSeed(s: u32): void { seed = <u64>s * 0x9e3779b97f4a7c15 + 1; }
/** A uniform draw in [0, 1) from the same LCG. */
function uniform(): f64 {
  seed = seed * 6364136223846793005 + 1442695040888963407;
  return <f64>(seed >>> 11) / 9007199254740992.0;
}
/** A standard normal draw (Box–Muller on a 64-bit LCG): the same in every runtime. */
function gauss(): f64 {
  seed = seed * 6364136223846793005 + 1442695040888963407;
  const u1 = (<f64>(seed >>> 11) + 1) / 9007199254740993.0;
  seed = seed * 6364136223846793005 + 1442695040888963407;
  const u2 = <f64>(seed >>> 11) / 9007199254740992.0;
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

// ---------------------------------------------------------------- synthetic problems

/**
 * 0.5·Σ h_i (x_i − c_i)² + offset; g = h∘(x − c) + σ·ξ with ξ ~ N(0, I) when sigma > 0.
 * Returns the loss (noise-free). h, c: f32 arrays of n.
 */
export function quadratic(x: usize, g: usize, h: usize, c: usize, n: u32, sigma: f64, offset: f64): f64 {
  let loss: f64 = offset;
  for (let i: u32 = 0; i < n; i++) {
    const o = <usize>i << 2;
    const d = <f64>load<f32>(x + o) - <f64>load<f32>(c + o), hi = <f64>load<f32>(h + o);
    loss += 0.5 * hi * d * d;
    if (g) store<f32>(g + o, <f32>(hi * d + (sigma > 0 ? sigma * gauss() : 0)));
  }
  return loss;
}

/** Chained Rosenbrock Σ 100(x_{i+1} − x_i²)² + (1 − x_i)², plus offset. */
export function rosenbrock(x: usize, g: usize, n: u32, offset: f64): f64 {
  let loss: f64 = offset;
  if (g) memory.fill(g, 0, n << 2);
  for (let i: u32 = 0; i + 1 < n; i++) {
    const o = <usize>i << 2;
    const a = <f64>load<f32>(x + o), b = <f64>load<f32>(x + o + 4), r = b - a * a;
    loss += 100 * r * r + (1 - a) * (1 - a);
    if (g) {
      store<f32>(g + o, <f32>(<f64>load<f32>(g + o) - 400 * a * r - 2 * (1 - a)));
      store<f32>(g + o + 4, <f32>(<f64>load<f32>(g + o + 4) + 200 * r));
    }
  }
  return loss;
}

/**
 * The 2-D saddle f(x, y) = x²/2 + y⁴/4 − y²/2 + offset: a strict saddle at the origin, minima
 * at (0, ±1) with f = offset − 1/4. Started near the saddle, a method must leave along y.
 */
export function saddle(x: usize, g: usize, offset: f64): f64 {
  const a = <f64>load<f32>(x), b = <f64>load<f32>(x, 4);
  if (g) { store<f32>(g, <f32>a); store<f32>(g, <f32>(b * b * b - b), 4); }
  return 0.5 * a * a + 0.25 * b * b * b * b - 0.5 * b * b + offset;
}

// ---------------------------------------------------------------- dense networks

// A network is `layers + 1` sizes d_0 (inputs) .. d_L (outputs); ReLU between layers. Params:
// per layer W (d_out × d_in, row-major) then b (d_out). The output is softmax cross-entropy over
// d_L classes, or for d_L = 1 the logistic loss on label 0/1.
let L: u32 = 0;
let sizes: usize = 0;   // u32[L + 1]
let acts: usize = 0;    // f32 activations per layer, each padded to a multiple of 4
let deltas: usize = 0;  // f32 deltas, same shape
let offs: usize = 0;    // u32[L + 1] float offsets of each layer's activations
let woffs: usize = 0;   // u32[L] float offsets of each layer's W in params (b follows W)
let nparams: u32 = 0;

// @ts-ignore: decorator
@inline function size(l: u32): u32 { return load<u32>(sizes + (<usize>l << 2)); }
// @ts-ignore: decorator
@inline function act(l: u32): usize { return acts + (<usize>load<u32>(offs + (<usize>l << 2)) << 2); }
// @ts-ignore: decorator
@inline function delta(l: u32): usize { return deltas + (<usize>load<u32>(offs + (<usize>l << 2)) << 2); }
// @ts-ignore: decorator
@inline function wOff(l: u32): usize { return <usize>load<u32>(woffs + (<usize>l << 2)) << 2; }

/** Sets up a network from sizes[0..layers] (u32 at `ptr`); returns its parameter count. */
export function network(ptr: usize, layers: u32): u32 {
  L = layers;
  sizes = alloc((layers + 1) << 2);
  memory.copy(sizes, ptr, (layers + 1) << 2);
  offs = alloc((layers + 1) << 2);
  woffs = alloc(layers << 2);
  let a: u32 = 0, p: u32 = 0;
  for (let l: u32 = 0; l <= layers; l++) {
    store<u32>(offs + (<usize>l << 2), a);
    a += (size(l) + 3) & ~3;
    if (l < layers) {
      store<u32>(woffs + (<usize>l << 2), p);
      p += size(l + 1) * size(l) + size(l + 1);
    }
  }
  acts = alloc(a << 2);
  deltas = alloc(a << 2);
  nparams = p;
  return p;
}

/** He-uniform initial weights (zero biases) from the noise generator. */
export function initNetwork(params: usize, s: u32): void {
  setSeed(s);
  memory.fill(params, 0, nparams << 2);
  for (let l: u32 = 0; l < L; l++) {
    const din = size(l), dout = size(l + 1), lim = Math.sqrt(6.0 / <f64>din), w = params + wOff(l);
    for (let k: u32 = 0; k < din * dout; k++) {
      seed = seed * 6364136223846793005 + 1442695040888963407;
      const u = <f64>(seed >>> 11) / 9007199254740992.0;
      store<f32>(w + (<usize>k << 2), <f32>((2 * u - 1) * lim));
    }
  }
}

/** Forward pass for one sample (its features at x); leaves the logits in act(L). */
function forward(params: usize, x: usize): void {
  memory.copy(act(0), x, size(0) << 2);
  for (let l: u32 = 0; l < L; l++) {
    const din = size(l), dout = size(l + 1), w = params + wOff(l), b = w + (<usize>(din * dout) << 2);
    const a = act(l), z = act(l + 1), relu = l + 1 < L;
    for (let o: u32 = 0; o < dout; o++) {
      let v = dot(w + (<usize>(o * din) << 2), a, din) + load<f32>(b + (<usize>o << 2));
      if (relu && v < 0) v = 0;
      store<f32>(z + (<usize>o << 2), v);
    }
  }
}

let hits: u32 = 0;
/** netSampledLoss: each sample's label is drawn from the model's own output distribution. */
let sampling = false;

/** The output loss for label y; writes dLoss/dlogits into delta(L) scaled by `scale`. */
function outputLoss(y: u32, scale: f32, withGrad: bool): f64 {
  const K = size(L), z = act(L), d = delta(L);
  if (K == 1) {
    const v = <f64>load<f32>(z);
    const p = 1 / (1 + Math.exp(-v));
    if (sampling) y = uniform() < p ? 1 : 0;
    const t = <f64>y;
    // log(1 + e^v) − t·v, stably; p = σ(v)
    const loss = Math.max(v, 0) - v * t + Math.log1p(Math.exp(-Math.abs(v)));
    if ((p >= 0.5 ? 1 : 0) == y) hits++;
    if (withGrad) store<f32>(d, <f32>(p - t) * scale);
    return loss;
  }
  let m = load<f32>(z), arg: u32 = 0;
  for (let k: u32 = 1; k < K; k++) { const v = load<f32>(z + (<usize>k << 2)); if (v > m) { m = v; arg = k; } }
  let sum: f64 = 0;
  for (let k: u32 = 0; k < K; k++) sum += Math.exp(<f64>(load<f32>(z + (<usize>k << 2)) - m));
  const lse = <f64>m + Math.log(sum);
  if (sampling) { // the first class whose cumulative probability passes u
    const u = uniform();
    let c: f64 = 0;
    y = K - 1;
    for (let k: u32 = 0; k < K; k++) { c += Math.exp(<f64>load<f32>(z + (<usize>k << 2)) - lse); if (u < c) { y = k; break; } }
  }
  if (arg == y) hits++;
  if (withGrad) {
    for (let k: u32 = 0; k < K; k++) {
      const p = Math.exp(<f64>load<f32>(z + (<usize>k << 2)) - lse);
      store<f32>(d + (<usize>k << 2), <f32>(p - (k == y ? 1.0 : 0.0)) * scale);
    }
  }
  return lse - <f64>load<f32>(z + (<usize>y << 2));
}

/** Backward pass for the sample whose forward pass is in acts: grads += ∂loss. */
function backward(params: usize, grads: usize): void {
  for (let l = <i32>L - 1; l >= 0; l--) {
    const lu = <u32>l, din = size(lu), dout = size(lu + 1);
    const w = params + wOff(lu), gw = grads + wOff(lu), gb = gw + (<usize>(din * dout) << 2);
    const a = act(lu), d = delta(lu + 1), dp = delta(lu);
    if (l > 0) memory.fill(dp, 0, din << 2);
    for (let o: u32 = 0; o < dout; o++) {
      const dv = load<f32>(d + (<usize>o << 2));
      if (dv == 0) continue;
      axpy(gw + (<usize>(o * din) << 2), dv, a, din);
      store<f32>(gb + (<usize>o << 2), load<f32>(gb + (<usize>o << 2)) + dv);
      if (l > 0) axpy(dp, dv, w + (<usize>(o * din) << 2), din);
    }
    if (l > 0) { // ReLU': zero where the activation was clipped
      for (let i: u32 = 0; i < din; i++) if (load<f32>(a + (<usize>i << 2)) <= 0) store<f32>(dp + (<usize>i << 2), 0);
    }
  }
}

/**
 * Mean loss over the samples idx[0..count) (u32 indices into X: f32 rows of size(0), y: u32
 * labels); with grads ≠ 0 writes the mean gradient there. `hits()` then holds the number of
 * correct predictions.
 */
export function netLoss(params: usize, grads: usize, X: usize, y: usize, idx: usize, count: u32): f64 {
  const d0 = size(0), scale = <f32>(1.0 / <f64>count);
  if (grads) memory.fill(grads, 0, nparams << 2);
  hits = 0;
  let loss: f64 = 0;
  for (let s: u32 = 0; s < count; s++) {
    const i = load<u32>(idx + (<usize>s << 2));
    forward(params, X + (<usize>(i * d0) << 2));
    loss += outputLoss(load<u32>(y + (<usize>i << 2)), scale, grads != 0);
    if (grads) backward(params, grads);
  }
  return loss / <f64>count;
}

export function netHits(): u32 { return hits; }

/**
 * As netLoss, with each sample's label drawn from the model's predictive distribution at
 * params (softmax: a class; one sigmoid output: a Bernoulli), from the noise seed (setSeed):
 * the loss whose gradient glyder's GNB curvature asks for ('sampled').
 */
export function netSampledLoss(params: usize, grads: usize, X: usize, y: usize, idx: usize, count: u32): f64 {
  sampling = true;
  const loss = netLoss(params, grads, X, y, idx, count);
  sampling = false;
  return loss;
}

// ---------------------------------------------------------------- rotated quadratic

/**
 * f(x) = 0.5·Σ h_i ((Qx)_i − c_i)² + offset with Q (n×n, row-major, orthogonal): the same
 * spectrum as `quadratic`, in rotated coordinates (ELRA's rotation-invariance check).
 * g = Qᵀ(h∘(Qx − c)). tmp: n floats.
 */
export function rotated(x: usize, g: usize, Q: usize, h: usize, c: usize, n: u32, tmp: usize, offset: f64): f64 {
  let loss: f64 = offset;
  for (let i: u32 = 0; i < n; i++) {
    const o = <usize>i << 2;
    const d = <f64>dot(Q + (<usize>(i * n) << 2), x, n) - <f64>load<f32>(c + o), hi = <f64>load<f32>(h + o);
    loss += 0.5 * hi * d * d;
    store<f32>(tmp + o, <f32>(hi * d));
  }
  if (g) {
    memory.fill(g, 0, n << 2);
    for (let i: u32 = 0; i < n; i++) axpy(g, load<f32>(tmp + (<usize>i << 2)), Q + (<usize>(i * n) << 2), n);
  }
  return loss;
}
