// The end-to-end measurement (npm run bench:e2e), the same code in Node and in the browser:
// an MNIST MLP (784-128-10 ReLU/softmax, batch 128) trained with tfjs-layers trainOnBatch,
// with tf.train.adam, with stepsize's adam (the constant rule; with each transfer form) and with gala/adam, on
// one backend. Every optimizer trains its own copy of the model from the same initial weights, in
// interleaved rounds (the machine's noise falls on all of them alike); a step's time is a
// round's time over its steps, and the table gives the median round. The stepsize adapter's own
// time (readback of the gradients, the kernel, upload of the weights) comes from its `timing`.

/** The optimizers compared: label → how to make one. */
export function optimizers(tf, tfOptimizer) {
  return [
    ['tf.train.adam', async () => tf.train.adam(1e-3)],
    ['stepsize adam', async () => tfOptimizer({ base: 'adam', lr: 1e-3 })],
    // the two ways data can cross ('auto' picks one per backend: src/tfjs.ts)
    ['stepsize adam (packed transfer)', async () => tfOptimizer({ base: 'adam', lr: 1e-3, transfer: 'packed' })],
    ['stepsize adam (per-variable transfer)', async () => tfOptimizer({ base: 'adam', lr: 1e-3, transfer: 'variables' })],
    ['stepsize gala/adam', async () => tfOptimizer({ rule: 'gala', base: 'adam' })],
  ];
}

/** The MLP: 784 inputs, ReLU layers of the `hidden` widths, 10 softmax outputs. */
function model(tfl, hidden) {
  const m = tfl.sequential();
  for (const [k, units] of hidden.entries()) {
    m.add(tfl.layers.dense({ units, activation: 'relu', ...(k === 0 ? { inputShape: [784] } : {}), kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 + k }) }));
  }
  m.add(tfl.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: 99 }) }));
  return m;
}

const median = (x) => { const s = [...x].sort((a, b) => a - b), h = s.length >> 1; return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2; };

/**
 * Measures one backend (already set), the MLP with `hidden` layers, the optimizers in `only`
 * (default all). `batches`: [{ x: Float32Array(128·784), y: Float32Array(128·10) }].
 * Returns { backend, parameters, variables, hidden, rows: [{ label, stepMs, rounds (each round's ms/step),
 * adapterMs, readbackMs, kernelMs, uploadMs, evaluations }] }.
 */
export async function measure({ tf, tfl, tfOptimizer, backend, batches, hidden = [128], only, warmup = 3, rounds = 5, steps = 5, log = () => {} }) {
  const xs = batches.map((b) => tf.tensor2d(b.x, [b.x.length / 784, 784]));
  const ys = batches.map((b) => tf.tensor2d(b.y, [b.y.length / 10, 10]));
  const runs = [];
  for (const [label, make] of optimizers(tf, tfOptimizer).filter(([label]) => !only || only.includes(label))) {
    const m = model(tfl, hidden), optimizer = await make();
    m.compile({ optimizer, loss: 'categoricalCrossentropy' });
    runs.push({ label, m, optimizer, at: 0, times: [], before: null });
  }
  const parameters = runs[0].m.countParams();
  const train = async (r, k) => {
    for (let i = 0; i < k; i++, r.at++) await r.m.trainOnBatch(xs[r.at % xs.length], ys[r.at % ys.length]);
  };
  for (const r of runs) await train(r, warmup);
  for (const r of runs) if (r.optimizer.timing) r.before = { ...r.optimizer.timing };
  for (let round = 0; round < rounds; round++) {
    for (const r of runs) {
      const t0 = performance.now();
      await train(r, steps);
      r.times.push((performance.now() - t0) / steps);
    }
    log(`${backend}: round ${round + 1}/${rounds}`);
  }
  const rows = runs.map((r) => {
    const row = { label: r.label, stepMs: median(r.times), rounds: r.times };
    const t = r.optimizer.timing;
    if (t) {
      const n = t.steps - r.before.steps, per = (k) => (t[k] - r.before[k]) / n;
      Object.assign(row, { readbackMs: per('readback'), kernelMs: per('kernel'), uploadMs: per('upload'), evaluations: per('evaluations') });
      row.adapterMs = row.readbackMs + row.kernelMs + row.uploadMs;
    }
    r.m.dispose();
    r.optimizer.dispose?.();
    return row;
  });
  for (const t of [...xs, ...ys]) t.dispose();
  return { backend, parameters, variables: runs[0]?.m.trainableWeights.length, hidden, rows };
}
