// npm start: a short tour. Every base trains two small problems with the constant rule and
// prints its loss curve; then a checkpoint round trip. The model code (loss and gradient)
// is ordinary user-side JavaScript; the optimizer step runs in stepsize.wasm.
import { load } from '../build/index.js';
import { rng } from './problems.mjs';

const ss = await load();
const BASES = [
  ['sgd', { lr: 0.5 }], ['momentum', { lr: 0.05 }], ['adam', { lr: 0.05 }],
  ['adamw', { lr: 0.05, weightDecay: 1e-3 }], ['sign', { lr: 0.01 }], ['normalized', { lr: 0.05, momentum: 0.9 }],
];

// 1. Binary logistic regression on generated data: 4000 samples, 32 features, minibatch 100.
const D = 32, S = 4000, B = 100, r = rng(7);
const X = new Float32Array(S * D), y = new Float32Array(S), wTrue = Float32Array.from({ length: D }, () => 2 * r() - 1);
for (let i = 0; i < S; i++) {
  let z = 0;
  for (let j = 0; j < D; j++) { X[i * D + j] = (2 * r() - 1) * (1 + (j % 4)); z += X[i * D + j] * wTrue[j]; }
  y[i] = r() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
}
// the bias's index in the flat views: each tensor starts on a multiple of 64 floats (opt.tensors)
let BIAS = D;
function logistic(w, grads, from, count) {
  let loss = 0;
  grads?.fill(0);
  for (let i = from; i < from + count; i++) {
    let z = w[BIAS];
    for (let j = 0; j < D; j++) z += X[i * D + j] * w[j];
    const p = 1 / (1 + Math.exp(-z));
    loss += Math.max(z, 0) - z * y[i] + Math.log1p(Math.exp(-Math.abs(z)));
    if (grads) {
      const e = (p - y[i]) / count;
      for (let j = 0; j < D; j++) grads[j] += e * X[i * D + j];
      grads[BIAS] += e;
    }
  }
  return loss / count;
}

console.log(`stepsize: ${WebAssembly.Module.exports(ss.module).length} exports, bases ${ss.bases.join(', ')}; rules ${ss.rules.map((r) => r.id).join(', ')}\n`);
console.log('logistic regression, 4000 x 32, minibatch 100: full-data loss after each epoch (40 steps)');
console.log(`${'base'.padEnd(11)}${[0, 1, 2, 5, 10, 20].map((e) => `epoch ${e}`.padStart(10)).join('')}   us/step`);
for (const [base, hp] of BASES) {
  const opt = ss.create({ tensors: { w: [D], b: [1] }, base, ...hp });
  BIAS = opt.tensor('b').offset;
  const row = [logistic(opt.params, null, 0, S)];
  let t = 0, steps = 0;
  for (let epoch = 1; epoch <= 20; epoch++) {
    for (let k = 0; k < S / B; k++) {
      logistic(opt.params, opt.grads, k * B, B);
      const t0 = performance.now(); opt.step(); t += performance.now() - t0; steps++;
    }
    if ([1, 2, 5, 10, 20].includes(epoch)) row.push(logistic(opt.params, null, 0, S));
  }
  console.log(`${base.padEnd(11)}${row.map((l) => l.toFixed(4).padStart(10)).join('')}   ${((t / steps) * 1000).toFixed(1).padStart(7)}`);
  opt.dispose();
}

// 2. An ill-conditioned quadratic with 100,000 parameters (curvatures 1e-3..1).
const N = 100_000, h = Float32Array.from({ length: N }, (_, i) => 10 ** (-3 * i / (N - 1)));
const quad = (p, g) => { let f = 0; for (let i = 0; i < N; i++) { const d = p[i] - 1; f += 0.5 * h[i] * d * d; if (g) g[i] = h[i] * d; } return f; };
console.log(`\nquadratic, 100,000 parameters, condition number 1e3: loss after k steps (start ${quad(new Float32Array(N).fill(-1)).toExponential(2)})`);
console.log(`${'base'.padEnd(11)}${[10, 100, 300].map((k) => `k=${k}`.padStart(11)).join('')}   ns/param/step`);
for (const [base, hp] of [['sgd', { lr: 1.9 }], ['momentum', { lr: 0.3 }], ['adam', { lr: 0.05 }], ['adamw', { lr: 0.05 }], ['sign', { lr: 0.01 }], ['normalized', { lr: 10, momentum: 0.9 }]]) {
  const opt = ss.create({ size: N, base, ...hp });
  opt.params.fill(-1);
  const row = [];
  let t = 0;
  for (let k = 1; k <= 300; k++) {
    quad(opt.params, opt.grads);
    const t0 = performance.now(); opt.step(); t += performance.now() - t0;
    if ([10, 100, 300].includes(k)) row.push(quad(opt.params));
  }
  console.log(`${base.padEnd(11)}${row.map((l) => l.toExponential(2).padStart(11)).join('')}   ${((t / 300) * 1e6 / N).toFixed(2).padStart(13)}`);
  opt.dispose();
}

// 3. The learning-rate rules on the same logistic regression, minibatch 100, from a tiny
//    initial LR (1e-5) that leaves plain SGD stuck: each rule adapts it. Closure rules get
//    their extra gradients through the closure: 'same' = this step's batch again, 'fresh' = a
//    new batch, 'repeat' = the last fresh batch.
console.log('\nlearning-rate rules on the logistic regression, initial LR 1e-5 (plain SGD at 1e-5 for comparison; glyder: scale c = 1 and 0.5; dadapt, prodigy: d0 = 1e-5; dog: repsRel = 1e-5):');
console.log(`${'rule/base'.padEnd(22)}${[1, 5, 20].map((e) => `epoch ${e}`.padStart(10)).join('')}   final lr   grads/step`);
const RULES = [
  ['constant', 'sgd', {}], ['c2min', null, {}], ['p2min', null, {}], ['clara', 'sgd', { damping: 0.05 }],
  ['clara', 'adam', { damping: 0.05 }], ['csa', 'sgd', { damping: 0.02 }], ['gala', 'sgd', {}], ['gala', 'adam', {}],
  ['secant', 'sgd', {}], ['glyder', 'sgd', { lr: 1 }], ['glyder', 'adam', { lr: 0.5 }],  // glyder's lr is the scale c on its step
  // the parameter-free baselines: lr is their multiplier (1); the tiny start is d0 or repsRel
  ['dadapt', 'sgd', { lr: 1, d0: 1e-5 }], ['prodigy', 'adam', { lr: 1, d0: 1e-5 }], ['dog', 'sgd', { lr: 1, repsRel: 1e-5 }],
];
for (const [rule, base, extra] of RULES) {
  const opt = ss.create({ tensors: { w: [D], b: [1] }, rule, ...(base ? { base } : {}), lr: 1e-5, ...extra });
  BIAS = opt.tensor('b').offset;
  const form = ss.rules.find((r) => r.id === rule).step; // step(), step(loss) or step(closure): asked of the package
  const batchRng = rng(11);
  let fresh = 0, evals = 0, steps = 0;
  const row = [];
  for (let epoch = 1; epoch <= 20; epoch++) {
    for (let k = 0; k < S / B; k++) {
      const loss = logistic(opt.params, opt.grads, k * B, B);
      evals++;
      if (form === 'loss') opt.step(loss);
      else if (form === 'closure') {
        await opt.step((params, grads, { batch }) => {
          evals++;
          if (batch === 'fresh') fresh = Math.floor(batchRng() * (S / B));
          const from = batch === 'same' ? k * B : fresh * B;
          return logistic(params, grads, from, B);
        });
      } else opt.step();
      steps++;
    }
    if ([1, 5, 20].includes(epoch)) row.push(logistic(opt.params, null, 0, S));
  }
  const name = `${rule}/${base ?? 'none'}`;
  console.log(`${name.padEnd(22)}${row.map((l) => l.toFixed(4).padStart(10)).join('')}   ${opt.lr.toExponential(2).padStart(8)}   ${(evals / steps).toFixed(1).padStart(10)}   (includes the closure calls for closure rules)`.replace(/\s+\(includes.*$/, ''));
  opt.dispose();
}

// 4. Checkpoints continue bit for bit.
const a = ss.create({ size: 1000, base: 'adam', lr: 0.01 });
const step = (o, k) => { for (let i = 0; i < k; i++) { quadSmall(o.params, o.grads); o.step(); } };
function quadSmall(p, g) { for (let i = 0; i < p.length; i++) g[i] = (1 + (i % 5)) * (p[i] - 0.5); }
step(a, 50);
const bytes = a.save();
step(a, 50);
const b = ss.restore(bytes);
step(b, 50);
console.log(`\ncheckpoint: ${bytes.length} bytes; straight run ${a.paramsHash()}, restored run ${b.paramsHash()}: ${a.paramsHash() === b.paramsHash() ? 'identical' : 'DIFFERENT'}`);
