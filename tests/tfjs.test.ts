// The TensorFlow.js adapter (stepsize/tfjs) with tfjs-core, tfjs-layers and the cpu backend,
// in Node (tests/run.mjs runs this bundle as the 'tfjs' runtime): a tfjs-layers model
// compiled with our optimizer trains like one compiled with tf.train.adam.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
// @ts-ignore: resolved at run time next to this bundle (build/tfjs.js)
import { tfOptimizer, StepsizeOptimizer, CHECKPOINT_WEIGHT, sampledBatchFor } from '../build/tfjs.js';
import { rng } from './rng.js';
import { throwsCode } from './util.js';

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

t("glyder's GNB curvature through minimize(f): freshBatch and sampledBatchFor(model); the model trains; 'sampled' asked on curvature steps; no leaks; refusals", async () => {
  await tf.setBackend('cpu');
  const { xs, ys } = data(), m = model(), n = xs.shape[0], r = rng(8);
  const draw = (size: number) => { const idx = tf.tensor1d(Array.from({ length: size }, () => Math.floor(r() * n)), 'int32'); const b = { x: tf.gather(xs, idx), y: tf.gather(ys, idx) }; idx.dispose(); return b; };
  const ce = (x: tf.Tensor, y: tf.Tensor) => () => tf.mean(tfl.metrics.categoricalCrossentropy(y, m.apply(x) as tf.Tensor)) as tf.Scalar;
  let last: { x: tf.Tensor; y: tf.Tensor } | null = null, fresh = 0, sampled = 0;
  const hook = sampledBatchFor(m, () => last!.x);
  const options = {
    rule: 'glyder', base: 'adam', smoothness: 'gnb', batchSize: 64, curvatureEvery: 2,
    freshBatch: () => { fresh++; if (last) { last.x.dispose(); last.y.dispose(); } last = draw(64); return ce(last.x, last.y); },
    sampledBatch: () => { sampled++; return hook(); },
  };
  const opt = await tfOptimizer(options);
  const full = () => tf.tidy(() => tf.mean(tfl.metrics.categoricalCrossentropy(ys, m.predict(xs) as tf.Tensor)).dataSync()[0]);
  const before = full();
  let tensors = 0;
  for (let step = 0; step < 60; step++) {
    const b = draw(64);
    opt.minimize(ce(b.x, b.y), false);
    b.x.dispose(); b.y.dispose();
    if (step === 9) tensors = tf.memory().numTensors;
  }
  assert.is(tf.memory().numTensors, tensors, 'no tensor left behind by a step');
  const after = full();
  assert.ok(after < 0.5 * before, `full-data loss ${before} → ${after}`);
  assert.is(fresh, 60, "'fresh' on every step");
  assert.is(sampled, 30, "'sampled' on every other step (curvatureEvery 2)");
  assert.ok(opt.core!.stats.Lbar! > 0 && opt.core!.stats.escape === 0, JSON.stringify(opt.core!.stats));
  // refused without the hooks, and for a model whose output is not a distribution
  const { sampledBatch: _, ...noHook } = options;
  await tfOptimizer(noHook).then(() => assert.unreachable('should refuse'), (e) => {
    assert.is(e.code, 'E_OPTION');
    assert.match(e.message, /rule 'glyder' with these options asks for 'fresh' and 'sampled' gradients, which only the caller can give: pass sampledBatch/);
  });
  await tfOptimizer({ ...noHook, freshBatch: undefined }).then(() => assert.unreachable('should refuse'), (e) => assert.match(e.message, /pass freshBatch .*, and sampledBatch/));
  // (an optimizer tfjs builds has no Stepsize yet: refused on its first step, before anything moves)
  const deferred = new StepsizeOptimizer(null, noHook), b = draw(8), w0 = m.getWeights().map((w) => [...w.dataSync()]);
  throwsCode(() => deferred.minimize(ce(b.x, b.y)), 'E_OPTION', /pass sampledBatch/);
  assert.equal(m.getWeights().map((w) => [...w.dataSync()]), w0, 'nothing stepped');
  b.x.dispose(); b.y.dispose(); deferred.dispose();
  throwsCode(() => new StepsizeOptimizer(null, { ...options, sampledBatch: 3 as any }), 'E_OPTION', /sampledBatch must be a function/);
  const linear = tfl.sequential({ layers: [tfl.layers.dense({ units: 3, inputShape: [20] })] });
  throwsCode(() => sampledBatchFor(linear, () => xs), 'E_OPTION', /softmax or sigmoid activation .* this one's is "linear"/);
  throwsCode(() => sampledBatchFor({} as any, () => xs), 'E_OPTION', /takes a tfjs-layers model/);
  throwsCode(() => sampledBatchFor(m, () => xs, { seed: 0.5 }), 'E_OPTION', /seed must be a whole number/);
  opt.dispose(); m.dispose(); linear.dispose(); xs.dispose(); ys.dispose(); last!.x.dispose(); last!.y.dispose();
});

t("sampledBatchFor: labels drawn from the model's own predictions, so the sampled loss's gradient has mean zero (Bartlett's identity), softmax and sigmoid", async () => {
  await tf.setBackend('cpu');
  const x = tf.randomUniform([32, 20], -1, 1, 'float32', 3);
  for (const activation of ['softmax', 'sigmoid'] as const) {
    const m = tfl.sequential({ layers: [tfl.layers.dense({ units: 3, activation, inputShape: [20], kernelInitializer: tfl.initializers.glorotUniform({ seed: 4 }) })] });
    const hook = sampledBatchFor(m, () => x, { seed: 7 });
    const vars = m.trainableWeights.map((w) => (w as any).read() as tf.Variable);
    const k = vars.reduce((s, v) => s + v.size, 0), total = new Float64Array(k);
    let sq = 0;
    const draws = 400;
    for (let i = 0; i < draws; i++) {
      const { value, grads } = tf.variableGrads(hook(), vars);
      const g = vars.flatMap((v) => [...grads[v.name].dataSync()]);
      g.forEach((v, j) => { total[j] += v; sq += v * v; });
      value.dispose(); for (const t2 of Object.values(grads)) t2.dispose();
    }
    const meanNorm = Math.sqrt(total.reduce((s, v) => s + (v / draws) ** 2, 0)), rms = Math.sqrt(sq / draws);
    // 400 independent draws: the mean's norm is ~rms/20 when the labels follow the predictions
    assert.ok(meanNorm < 0.15 * rms, `${activation}: |mean gradient| ${meanNorm} vs one draw's ${rms}`);
    const again = sampledBatchFor(m, () => x, { seed: 7 })()().dataSync()[0], first = sampledBatchFor(m, () => x, { seed: 7 })()().dataSync()[0];
    assert.is(again, first, `${activation}: the same seed draws the same labels`);
    m.dispose();
  }
  x.dispose();
});

t('no aliasing: a clone or a dataSync() array taken before a step keeps its values; no tensor leaks per step', async () => {
  await tf.setBackend('cpu');
  const w = tf.variable(tf.tensor1d([1, 2, 3, 4]), true, 'alias_w');
  const f = () => tf.sum(tf.square(w)) as tf.Scalar;
  for (const cfg of [{ base: 'adam', lr: 0.1 }, { rule: 'gala', base: 'sgd', lr: 0.1 }]) {
    const opt = await tfOptimizer(cfg);
    opt.minimize(f, false, [w]);
    const best = tf.clone(w), arr = w.dataSync(), copy = Float32Array.from(arr);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) opt.minimize(f, false, [w]);
    assert.is(tf.memory().numTensors, before, 'no tensor left behind by a step');
    assert.equal([...best.dataSync()], [...copy], 'a clone does not follow training');
    assert.equal([...arr], [...copy], 'a dataSync() array does not follow training');
    assert.not.equal([...w.dataSync()], [...copy], 'the variable itself did train');
    // a variable assigned from outside is read back before the next step
    w.assign(tf.tensor1d([4, 4, 4, 4]));
    const stepped = opt.core!.stats.step;
    opt.minimize(f, false, [w]);
    assert.is(opt.core!.stats.step, stepped + 1);
    assert.ok(w.dataSync().every((x) => x < 4 && x > 3), `stepped from the assigned values: ${[...w.dataSync()]}`);
    best.dispose(); opt.dispose();
  }
  w.dispose();
});

t('applyGradients: a gradient whose size does not match its variable is refused, naming both sizes; nothing steps', async () => {
  const a = tf.variable(tf.tensor1d([1, 2, 3]), true, 'ag_a'), b = tf.variable(tf.tensor2d([[1, 2], [3, 4]]), true, 'ag_b');
  const opt = await tfOptimizer({ base: 'sgd', lr: 0.1 });
  opt.applyGradients({ ag_a: tf.ones([3]), ag_b: tf.ones([2, 2]) });
  const saved = opt.core!.save(), va = [...a.dataSync()], vb = [...b.dataSync()];
  for (const [ga, gb, name, sizes] of [
    [tf.ones([2]), tf.ones([2, 2]), 'ag_a', /2 values.*the variable has 3/],
    [tf.ones([3]), tf.ones([5]), 'ag_b', /5 values.*the variable has 4/],
    [tf.ones([4]), tf.ones([2, 2]), 'ag_a', /4 values.*the variable has 3/],
  ] as const) {
    try {
      opt.applyGradients({ ag_a: ga, ag_b: gb });
      assert.unreachable('accepted');
    } catch (e: any) {
      assert.is(e.name, 'StepsizeError', String(e));
      assert.is(e.code, 'E_SIZE');
      assert.match(e.message, new RegExp(`'${name}'`));
      assert.match(e.message, sizes);
    }
    assert.equal(opt.core!.save(), saved, 'the optimizer did not step');
    assert.equal([...a.dataSync()], va); assert.equal([...b.dataSync()], vb);
  }
  assert.throws(() => opt.applyGradients({ ag_a: 'x' as any, ag_b: tf.ones([2, 2]) }), /not a tensor/);
  opt.dispose(); a.dispose(); b.dispose();
});

// model.save(handler, { includeOptimizer: true }) → tf.loadLayersModel: the weights and the
// optimizer's whole state in memory (tf.io.withSaveHandler / fromMemory), as a file would hold them
async function saveAndLoad(m: tfl.LayersModel): Promise<tfl.LayersModel> {
  let saved: tf.io.ModelArtifacts | null = null;
  await m.save(tf.io.withSaveHandler(async (a) => { saved = a; return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }; }), { includeOptimizer: true });
  // through JSON and a copied buffer, as a file would carry them
  const { weightData, ...rest } = saved!;
  const copy = JSON.parse(JSON.stringify(rest));
  return tfl.loadLayersModel(tf.io.fromMemory({ ...copy, weightData: (weightData as ArrayBuffer).slice(0) }));
}

const RECIPE = {
  base: 'adamw', weightDecay: 0.05, ema: 0.9, schedule: { warmup: 5, decay: 'cosine', total: 40, final: 0.1 },
  groups: [{ tensors: /bias$/, weightDecay: 0 }, { tensors: [/^dense_Dense\d+\/kernel$/], lrScale: 2 }],
};
for (const cfg of [{ rule: 'clara', base: 'adam' }, { rule: 'gala', base: 'adam' }, { rule: 'dadapt', base: 'adam' }, { base: 'adam', transfer: 'packed' }, RECIPE] as { rule?: string; base: string; transfer?: 'packed' | 'variables' }[]) {
  t(`model.save({ includeOptimizer }) and loadLayersModel continue ${cfg.rule ?? 'constant'}/${cfg.base}${cfg.transfer ? ` (${cfg.transfer})` : ''} bit for bit like an uninterrupted run`, async () => {
    await tf.setBackend('cpu');
    const { xs, ys } = data();
    const fit = (m: tfl.LayersModel, epochs: number) => m.fit(xs, ys, { epochs, batchSize: 64, shuffle: false, verbose: 0 });
    const a = model();
    a.compile({ optimizer: await tfOptimizer(cfg), loss: 'categoricalCrossentropy' });
    await fit(a, 2);
    const b = await saveAndLoad(a);
    const ob = b.optimizer as unknown as InstanceType<typeof StepsizeOptimizer>, oa = a.optimizer as unknown as InstanceType<typeof StepsizeOptimizer>;
    assert.ok(ob instanceof StepsizeOptimizer, `the loaded model's optimizer is a StepsizeOptimizer (${b.optimizer?.constructor?.name})`);
    assert.is(ob.iterations, oa.iterations, 'tfjs\'s iteration count came back');
    assert.equal(ob.core!.save(), oa.core!.save(), 'the restored checkpoint is the saved one');
    await fit(a, 2); await fit(b, 2);
    const wa = a.getWeights().map((w) => [...w.dataSync()]), wb = b.getWeights().map((w) => [...w.dataSync()]);
    assert.equal(wb, wa, 'the loaded model trained on exactly as the uninterrupted one');
    assert.equal(ob.core!.stats, oa.core!.stats);
    assert.is(oa.core!.stats.step, 4 * 8);
    a.dispose(); b.dispose(); xs.dispose(); ys.dispose();
  });
}

t('groups by variable name, a schedule and the EMA: as the core takes them; emaWeights(); report(); a test matcher cannot be saved', async () => {
  await tf.setBackend('cpu');
  const { xs, ys } = data();
  const m = model();
  const opt = await tfOptimizer({ ...RECIPE, schedule: { warmup: 3, decay: 'plateau', patience: 0 } });
  m.compile({ optimizer: opt, loss: 'categoricalCrossentropy' });
  await m.fit(xs, ys, { epochs: 1, batchSize: 64, shuffle: false, verbose: 0 });
  const core = opt.core!;
  const names = m.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val.name); // (the tfjs variables' names, which the core's tensors take)
  assert.equal(core.tensors.map((t) => t.name), names, 'the core\'s tensors are the variables, by name');
  assert.equal(core.config.groups!.map((g) => g.tensors), [names.filter((n) => n.endsWith('bias')), names.filter((n) => n.endsWith('kernel'))]);
  assert.is(core.stats.schedule, 1, 'past the warmup');
  opt.report(1); opt.report(2);
  await m.fit(xs, ys, { epochs: 1, batchSize: 64, shuffle: false, verbose: 0 });
  assert.is(core.stats.schedule, 0.1, 'the plateau reduced the step');
  const ema = opt.emaWeights();
  assert.equal(Object.keys(ema), names);
  for (const t of core.tensors) assert.equal([...ema[t.name].dataSync()], [...core.ema!.subarray(t.offset, t.offset + t.length)], `ema of ${t.name}`);
  for (const x of Object.values(ema)) x.dispose();
  const fn = await tfOptimizer({ base: 'adamw', groups: [{ tensors: (n: string) => n.endsWith('bias'), weightDecay: 0 }] });
  throwsCode(() => fn.getConfig(), 'E_OPTION', /cannot be saved with the model/);
  m.dispose(); xs.dispose(); ys.dispose();
});

t('a model saved before its first step (its optimizer has only the iteration count) loads and trains', async () => {
  await tf.setBackend('cpu');
  const { xs, ys } = data();
  const a = model();
  a.compile({ optimizer: await tfOptimizer({ rule: 'clara', base: 'adam' }), loss: 'categoricalCrossentropy' });
  const b = await saveAndLoad(a);
  const ob = b.optimizer as unknown as InstanceType<typeof StepsizeOptimizer>;
  assert.is(ob.core, null, 'nothing to restore yet');
  await a.fit(xs, ys, { epochs: 1, batchSize: 64, shuffle: false, verbose: 0 });
  await b.fit(xs, ys, { epochs: 1, batchSize: 64, shuffle: false, verbose: 0 });
  assert.equal(b.getWeights().map((w) => [...w.dataSync()]), a.getWeights().map((w) => [...w.dataSync()]));
  assert.is(ob.core!.config.rule, 'clara');
  a.dispose(); b.dispose(); xs.dispose(); ys.dispose();
});

t('gradients for other variables than the first step\'s are refused, naming both lists, in both transfer forms; nothing steps', async () => {
  await tf.setBackend('cpu');
  for (const transfer of ['packed', 'variables'] as const) {
    const a = tf.variable(tf.tensor1d([1, 2, 3]), true, `vl_a_${transfer}`), b = tf.variable(tf.tensor2d([[4, 5], [6, 7]]), true, `vl_b_${transfer}`);
    const opt = await tfOptimizer({ base: 'sgd', lr: 0.5, transfer });
    opt.applyGradients({ [a.name]: tf.ones([3]), [b.name]: tf.ones([2, 2]) });
    assert.equal([...a.dataSync()], [0.5, 1.5, 2.5], transfer);
    assert.equal([...b.dataSync()], [3.5, 4.5, 5.5, 6.5], transfer);
    const saved = opt.core!.save();
    try { opt.applyGradients({ [a.name]: tf.ones([3]) }); assert.unreachable('accepted'); } catch (e: any) {
      assert.is(e.code, 'E_STATE');
      assert.match(e.message, new RegExp(`steps the variables ${a.name}, ${b.name}; got gradients for ${a.name}$`));
    }
    assert.equal(opt.core!.save(), saved, 'nothing stepped');
    assert.equal([...a.dataSync()], [0.5, 1.5, 2.5]);
    opt.dispose(); a.dispose(); b.dispose();
  }
});

t('setWeights: hostile weights are refused with E_CHECKPOINT and the optimizer is left as it was', async () => {
  await tf.setBackend('cpu');
  const w = tf.variable(tf.tensor1d([1, 2, 3]), true, 'sw_w');
  const f = () => tf.sum(tf.square(w)) as tf.Scalar;
  const opt = await tfOptimizer({ rule: 'clara', base: 'adam', lr: 0.01 });
  opt.minimize(f, false, [w]);
  const [iter, ck] = await opt.getWeights();
  assert.is(ck.name, CHECKPOINT_WEIGHT);
  const before = opt.core!.save();
  const bytes = (await ck.tensor.bytes() as Uint8Array[])[0];
  const flipped = bytes.slice(); flipped[flipped.length - 3] ^= 1;
  const cases: [string, () => any[], RegExp][] = [
    ['a corrupted checkpoint', () => [iter, { name: CHECKPOINT_WEIGHT, tensor: tf.tensor([flipped], [], 'string') }], /checksum|corrupt/i],
    ['a truncated checkpoint', () => [iter, { name: CHECKPOINT_WEIGHT, tensor: tf.tensor([bytes.slice(0, 40)], [], 'string') }], /checkpoint/],
    ['a float tensor in its place', () => [iter, { name: CHECKPOINT_WEIGHT, tensor: tf.tensor1d([1, 2]) }], /one string tensor/],
    ['an unknown weight', () => [iter, { name: 'm', tensor: tf.tensor1d([1]) }], /'m' is not a weight/],
    ['not a list', () => ({} as any), /getWeights\(\) returned/],
  ];
  for (const [what, weights, message] of cases) {
    try { await opt.setWeights(weights()); assert.unreachable(`${what} was accepted`); } catch (e: any) {
      assert.is(e.name, 'StepsizeError', `${what}: ${e}`);
      assert.match(e.message, message, what);
    }
    assert.equal(opt.core!.save(), before, `${what}: the optimizer is unchanged`);
  }
  // a checkpoint of another rule is refused by an optimizer configured for this one
  const other = await tfOptimizer({ base: 'sgd', lr: 0.1 });
  try { await other.setWeights(await opt.getWeights()); assert.unreachable('accepted'); } catch (e: any) { assert.match(e.message, /holds a adam\/clara optimizer/); }
  // restored onto variables of other sizes: refused on the step, naming both
  const fresh = await tfOptimizer({ rule: 'clara', base: 'adam', lr: 0.01 });
  await fresh.setWeights(await opt.getWeights());
  const v2 = tf.variable(tf.tensor1d([1, 2]), true, 'sw_v2');
  assert.throws(() => fresh.minimize(() => tf.sum(tf.square(v2)) as tf.Scalar, false, [v2]), /sizes 3; the model has 1 trainable variables of sizes 2/);
  assert.equal([...v2.dataSync()], [1, 2], 'nothing was written');
  // and onto the right variable it continues from the checkpoint's state
  fresh.minimize(f, false, [w]);
  assert.is(fresh.core!.stats.step, 2);
  opt.dispose(); other.dispose(); fresh.dispose(); w.dispose(); v2.dispose();
});

t('packed and per-variable transfer give the same bits; timing counts readback, kernel and upload', async () => {
  await tf.setBackend('cpu');
  const run = async (transfer: 'packed' | 'variables') => {
    const { xs, ys } = data();
    const m = model();
    const opt = await tfOptimizer({ rule: 'gala', base: 'adam', transfer });
    m.compile({ optimizer: opt, loss: 'categoricalCrossentropy' });
    await m.fit(xs, ys, { epochs: 1, batchSize: 64, shuffle: false, verbose: 0 });
    const w = m.getWeights().map((x) => [...x.dataSync()]);
    const timing = { ...opt.timing };
    m.dispose(); xs.dispose(); ys.dispose();
    return { w, timing };
  };
  const p = await run('packed'), v = await run('variables');
  assert.equal(p.w, v.w);
  for (const r of [p, v]) {
    assert.is(r.timing.steps, 8);
    for (const k of ['readback', 'kernel', 'upload'] as const) assert.ok(r.timing[k] > 0 && Number.isFinite(r.timing[k]), `${k} ${r.timing[k]}`);
  }
  assert.throws(() => new StepsizeOptimizer({ transfer: 'gpu' as 'packed' }), /'transfer' must be 'auto', 'packed' or 'variables'/);
  // an optimizer tfjs builds from a saved config (no Stepsize given) uses the one tfOptimizer loaded
  const w = tf.variable(tf.tensor1d([1, 2]), true, 'cfg_w'), built = new StepsizeOptimizer({ base: 'adam', lr: 0.1 });
  built.minimize(() => tf.sum(tf.square(w)) as tf.Scalar, false, [w]);
  assert.is(built.core!.stats.step, 1);
  built.dispose(); w.dispose();
});

t.run();

export {};
