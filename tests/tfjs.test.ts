// The TensorFlow.js adapter (stepsize/tfjs) with tfjs-core, tfjs-layers and the cpu backend,
// in Node (tests/run.mjs runs this bundle as the 'tfjs' runtime): a tfjs-layers model
// compiled with our optimizer trains like one compiled with tf.train.adam.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
// @ts-ignore: resolved at run time next to this bundle (build/tfjs.js)
import { tfOptimizer, StepsizeOptimizer } from '../build/tfjs.js';
import { rng } from './rng.js';

const t = suite('tfjs adapter');

// 3-class data from a random linear teacher: 512 samples, 20 features
function data() {
  const r = rng(5), n = 512, d = 20, k = 3;
  const x = new Float32Array(n * d), y = new Float32Array(n * k), w = Float32Array.from({ length: d * k }, () => 2 * r() - 1);
  for (let i = 0; i < n; i++) {
    const z = [0, 0, 0];
    for (let j = 0; j < d; j++) { x[i * d + j] = 2 * r() - 1; for (let c = 0; c < k; c++) z[c] += x[i * d + j] * w[j * k + c]; }
    for (let c = 0; c < k; c++) z[c] += 0.5 * (2 * r() - 1);
    y[i * k + z.indexOf(Math.max(...z))] = 1;
  }
  return { xs: tf.tensor2d(x, [n, d]), ys: tf.tensor2d(y, [n, k]) };
}

function model() {
  const m = tfl.sequential();
  m.add(tfl.layers.dense({ units: 32, activation: 'relu', inputShape: [20], kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }));
  m.add(tfl.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }));
  return m;
}

async function train(optimizer: tf.Optimizer, epochs = 15): Promise<number> {
  const { xs, ys } = data();
  const m = model();
  m.compile({ optimizer, loss: 'categoricalCrossentropy' });
  await m.fit(xs, ys, { epochs, batchSize: 64, shuffle: false, verbose: 0 });
  const loss = (m.evaluate(xs, ys) as tf.Scalar).dataSync()[0];
  m.dispose(); xs.dispose(); ys.dispose();
  return loss;
}

t('a tfjs-layers model trains with gala/adam to the loss of tf.train.adam tuned over its LR (same epochs)', async () => {
  await tf.setBackend('cpu');
  const adam: Record<string, number> = {};
  for (const lr of [0.1, 0.03, 0.01, 0.003]) adam[lr] = await train(tf.train.adam(lr));
  const best = Math.min(...Object.values(adam));
  const opt = await tfOptimizer({ rule: 'gala', base: 'adam' }); // the paper's default initial LR, 1e-3
  const gala = await train(opt);
  const untuned = await train(tf.train.adam(1e-3));
  console.log(`tfjs: 15 epochs, final loss: tuned Adam ${best.toFixed(4)} (${JSON.stringify(adam)}), gala/adam from lr 1e-3 ${gala.toFixed(4)}, Adam at 1e-3 ${untuned.toFixed(4)}; gala's last lr ${opt.core!.lr.toExponential(2)}`);
  // margin: within 25% of the tuned loss (+0.02 absolute for losses near 0)
  assert.ok(gala <= 1.25 * best + 0.02, `gala ${gala} vs tuned Adam ${best}`);
  assert.ok(gala < untuned, 'and better than Adam left at the same initial LR');
  assert.is(opt.core!.stats.step, 15 * 8);
});

t('the constant rule on adam follows tf.train.adam step for step', async () => {
  const init = tf.tensor1d([1, -2, 3, 0.5]);
  const a = tf.variable(init.clone(), true, 'a'), b = tf.variable(init.clone(), true, 'b');
  const ours = await tfOptimizer({ base: 'adam', lr: 0.05 }), theirs = tf.train.adam(0.05);
  const f = (v: tf.Variable) => () => tf.sum(tf.mul(tf.square(tf.sub(v, tf.tensor1d([0, 1, 2, 3]))), tf.tensor1d([1, 2, 3, 4]))) as tf.Scalar;
  for (let i = 0; i < 50; i++) { ours.minimize(f(a), false, [a]); theirs.minimize(f(b), false, [b]); }
  const da = a.dataSync(), db = b.dataSync();
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(da[i] - db[i]) <= 1e-5 * (1 + Math.abs(db[i])), `x[${i}] ${da[i]} vs tf.train.adam ${db[i]}`);
  ours.dispose(); a.dispose(); b.dispose();
});

t('minimize(f) drives a closure rule and puts the final values into the variables', async () => {
  const v = tf.variable(tf.tensor1d([4, -3, 2]), true, 'q');
  const target = tf.tensor1d([1, 1, 1]);
  const f = () => tf.sum(tf.square(tf.sub(v, target))) as tf.Scalar;
  const opt = await tfOptimizer({ rule: 'gala', base: 'sgd', lr: 1e-3 });
  const l0 = f().dataSync()[0];
  for (let i = 0; i < 100; i++) opt.minimize(f, false, [v]);
  const l1 = f().dataSync()[0];
  assert.ok(l1 < 1e-3 * l0, `loss ${l0} → ${l1}`);
  assert.equal([...v.dataSync()], [...opt.core!.params], 'the variable holds the optimizer\'s params');
  assert.throws(() => new StepsizeOptimizer(null as any, { size: 3 }), /lays out the model's variables itself/);
  opt.dispose(); v.dispose();
});

t('zero copy: the variables share the optimizer\'s memory on the cpu backend, with the same trajectory as copying', async () => {
  const run = async (zeroCopy: boolean) => {
    const opt = await tfOptimizer({ rule: 'gala', base: 'adam', zeroCopy });
    const loss = await train(opt, 5);
    const linked = opt.zeroCopy, params = Float32Array.from(opt.core!.params);
    return { loss, linked, params };
  };
  const a = await run(true), b = await run(false);
  assert.ok(a.linked, 'linked on the cpu backend');
  assert.not.ok(b.linked, 'zeroCopy: false copies');
  assert.is(a.loss, b.loss);
  assert.equal([...a.params], [...b.params], 'bit for bit the same');
  // a variable assigned from outside is read back before the next step
  const v = tf.variable(tf.tensor1d([1, 2, 3]), true, 'w3');
  const opt = await tfOptimizer({ base: 'sgd', lr: 0.5 });
  const f = () => tf.sum(tf.square(v)) as tf.Scalar;
  opt.minimize(f, false, [v]);
  assert.ok(opt.zeroCopy);
  assert.equal([...v.dataSync()], [0, 0, 0]);
  v.assign(tf.tensor1d([4, 4, 4]));
  opt.minimize(f, false, [v]);
  assert.equal([...v.dataSync()], [0, 0, 0], 'stepped from the assigned values');
  // what a step costs with and without the copy back (printed, not asserted: shared machines)
  const big = async (zeroCopy: boolean) => {
    const w = tf.variable(tf.randomNormal([784, 256], 0, 0.05, 'float32', 3)), x = tf.randomNormal([32, 784], 0, 1, 'float32', 4);
    const o = await tfOptimizer({ base: 'adam', lr: 1e-3, zeroCopy });
    const g = () => tf.mean(tf.square(tf.matMul(x, w))) as tf.Scalar;
    o.minimize(g, false, [w]);
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) o.minimize(g, false, [w]);
    const ms = (performance.now() - t0) / 20;
    o.dispose(); w.dispose(); x.dispose();
    return ms;
  };
  const shared = await big(true), copied = await big(false);
  console.log(`tfjs: a 200,704-parameter minimize() step takes ${shared.toFixed(2)} ms sharing memory, ${copied.toFixed(2)} ms copying back (the model's own forward/backward included)`);
  opt.dispose(); v.dispose();
});

t.run();

export {};
