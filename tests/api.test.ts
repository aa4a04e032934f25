// The public surface: options, defaults, views, tensors, bad input, non-finite handling.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { load } from '../build/index.js';
import { stepsize, throwsCode } from './util.js';

const api = suite('api');

api('load() finds its own wasm; load({ module }) and load({ bytes }) work too', async () => {
  const ss = await stepsize();
  assert.ok(ss.module instanceof WebAssembly.Module);
  const again = await load({ module: ss.module });
  assert.ok(again.create({ size: 3, base: 'sgd' }).params.length === 3);
  const exports = WebAssembly.Module.exports(ss.module).map((e) => e.name);
  assert.ok(exports.includes('step'));
  assert.equal(WebAssembly.Module.imports(ss.module), [], 'the module imports nothing');
});

api('load() refuses ambiguous or wrong sources', async () => {
  const ss = await stepsize();
  for (const bad of [{ module: ss.module, bytes: new Uint8Array(8) }, { module: {} as any }, { bytes: new Uint8Array([0, 97, 115, 109]) }]) {
    try {
      await load(bad as any);
      assert.unreachable('should throw');
    } catch (e: any) {
      assert.is(e.code, 'E_LOAD', e.message);
    }
  }
});

api('load() refuses a module that is not this build\'s stepsize.wasm, and says why', async () => {
  const empty = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]); // a valid, empty module
  // the same with a custom section 'stepsize' holding another build's fingerprint
  const stamped = new Uint8Array([...empty, 0, 17, 8, ...new TextEncoder().encode('stepsize'), ...new TextEncoder().encode('00000000')]);
  for (const [bytes, why] of [[empty, /not stepsize\.wasm/], [stamped, /ids 00000000\) comes from another build/]] as const) {
    try {
      await load({ bytes });
      assert.unreachable('should throw');
    } catch (e: any) {
      assert.is(e.code, 'E_LOAD', e.message);
      assert.match(e.message, why);
    }
  }
});

api('defaults follow torch.optim', async () => {
  const ss = await stepsize();
  const m = ss.create({ size: 1, base: 'momentum' }).config;
  assert.is(m.momentum, 0.9); assert.is(m.nesterov, false); assert.is(m.lr, 1e-3); assert.is(m.rule, 'constant');
  const a = ss.create({ size: 1, base: 'adam' }).config;
  assert.is(a.beta1, 0.9); assert.is(a.beta2, 0.999); assert.is(a.eps, 1e-8); assert.is(a.weightDecay, 0);
  assert.is(ss.create({ size: 1, base: 'adamw' }).config.weightDecay, 0.01);
  assert.is(ss.create({ size: 1, base: 'sign' }).config.momentum, 0);
  assert.is(ss.create({ size: 1, base: 'normalized' }).config.clipNorm, Infinity);
});

api('bad options name the field and what is allowed', async () => {
  const ss = await stepsize();
  throwsCode(() => ss.create({ size: 3, base: 'adagrad' as any }), 'E_OPTION', /'base' must be one of 'sgd'.*got "adagrad"/);
  throwsCode(() => ss.create({ size: 3 } as any), 'E_OPTION', /'base' must be one of/);
  throwsCode(() => ss.create({ size: 3, base: 'sgd', rule: 'magic' as any }), 'E_OPTION', /'rule' must be one of 'constant'/);
  throwsCode(() => ss.create({ size: 3, base: 'sgd', lr: -1 }), 'E_OPTION', /'lr' must be a finite number > 0; got -1/);
  throwsCode(() => ss.create({ size: 3, base: 'sgd', lr: NaN }), 'E_OPTION', /'lr'/);
  throwsCode(() => ss.create({ size: 3, base: 'sgd', lr: Infinity }), 'E_OPTION', /'lr'/);
  throwsCode(() => ss.create({ size: 3, base: 'adam', beta2: 1 }), 'E_OPTION', /'beta2' must be a number in \[0, 1\); got 1/);
  throwsCode(() => ss.create({ size: 3, base: 'adam', eps: 0 }), 'E_OPTION', /'eps'/);
  // @ts-expect-error: not an option or base of this rule (a type error, and E_OPTION at run time)
  throwsCode(() => ss.create({ size: 3, base: 'sgd', momentum: 0.9 }), 'E_OPTION', /'momentum' does not apply to base 'sgd'/);
  // @ts-expect-error: not an option or base of this rule (a type error, and E_OPTION at run time)
  throwsCode(() => ss.create({ size: 3, base: 'sgd', beta1: 0.9 }), 'E_OPTION', /'beta1' does not apply/);
  throwsCode(() => ss.create({ size: 3, base: 'sign', nesterov: true }), 'E_OPTION', /'nesterov' needs momentum > 0/);
  throwsCode(() => ss.create({ size: 3, base: 'momentum', nesterov: 1 as any }), 'E_OPTION', /'nesterov' must be true or false/);
  throwsCode(() => ss.create({ size: 3, base: 'sgd', weightDecay: -0.1 }), 'E_OPTION', /'weightDecay'/);
  throwsCode(() => ss.create({ size: 3, base: 'sgd', clipNorm: 0 }), 'E_OPTION', /'clipNorm'/);
  throwsCode(() => ss.create({ size: 3, base: 'sgd', learningRate: 0.1 } as any), 'E_OPTION', /unknown option 'learningRate'/);
  throwsCode(() => ss.create({ size: 3, base: 'sgd', nonFinite: 'ignore' as any }), 'E_OPTION', /'nonFinite' must be one of 'throw', 'skip'/);
});

api('bad sizes and layouts', async () => {
  const ss = await stepsize();
  throwsCode(() => ss.create({ size: -1, base: 'sgd' }), 'E_SIZE', /'size' must be a whole number >= 0/);
  throwsCode(() => ss.create({ size: 2.5, base: 'sgd' }), 'E_SIZE');
  throwsCode(() => ss.create({ base: 'sgd' }), 'E_SIZE', /'size'/);
  throwsCode(() => ss.create({ tensors: { w: [2, -1] }, base: 'sgd' }), 'E_SIZE', /tensor 'w'/);
  throwsCode(() => ss.create({ size: 5, tensors: { w: [2, 2] }, base: 'sgd' }), 'E_SIZE', /disagrees/);
  throwsCode(() => ss.create({ size: 3, base: 'sgd', params: [1, 2] }), 'E_SIZE', /'params' must hold 3 numbers/);
  throwsCode(() => ss.create({ size: 2 ** 32 + 5, base: 'sgd' }), 'E_MEMORY', /4 GiB/);
  throwsCode(() => ss.create({ size: 500_000_000, base: 'adam' }), 'E_MEMORY', /at most \d+ parameters/);
});

api('params, grads and tensor views share WASM memory (zero copy)', async () => {
  const ss = await stepsize();
  const opt = ss.create({ tensors: { w1: [3, 2], b1: [2], s: [] }, base: 'sgd', lr: 0.5 });
  assert.is(opt.size, 9);
  // each tensor is a segment starting on a multiple of 64 floats; the flat views span the padding
  assert.equal(opt.tensors.map((t) => [t.name, t.offset]), [['w1', 0], ['b1', 64], ['s', 128]]);
  assert.is(opt.params.length, 129);
  const w1 = opt.tensor('w1'), b1 = opt.tensor('b1');
  assert.equal(w1.shape, [3, 2]);
  w1.params.fill(1); b1.params.set([2, 3]);
  const compact = () => opt.tensors.flatMap((t) => Array.from(opt.params.subarray(t.offset, t.offset + t.length)));
  assert.equal(compact(), [1, 1, 1, 1, 1, 1, 2, 3, 0]);
  assert.equal(Array.from(opt.params.subarray(64, 66)), [2, 3], 'the tensor views are the flat views');
  b1.grads.set([2, 4]);
  opt.grads.fill(7, 6, 64); // padding: never data (the step clears it)
  opt.step();
  assert.equal(compact(), [1, 1, 1, 1, 1, 1, 1, 1, 0]);
  assert.ok(opt.params.subarray(6, 64).every((v) => v === 0) && opt.grads.subarray(6, 64).every((v) => v === 0), 'padding stays zero');
  throwsCode(() => opt.tensor('w2'), 'E_SIZE', /no tensor 'w2'; tensors are 'w1', 'b1', 's'/);
});

api('a non-finite gradient changes nothing: thrown, or skipped and counted', async () => {
  const ss = await stepsize();
  for (const base of ss.bases) {
    for (const bad of [NaN, Infinity, -Infinity]) { // (a finite 1e30 steps: tests/hostile.test.ts)
      const opt = ss.create({ size: 37, base, lr: 0.1 });
      opt.params.fill(0.5); opt.grads.fill(0.25); opt.step();
      const before = opt.save();
      opt.grads[36] = bad;
      throwsCode(() => opt.step(), 'E_GRADIENT', /nothing was changed/);
      assert.equal(opt.save(), before, `${base} ${bad}: state unchanged`);
      const skip = ss.create({ size: 37, base, lr: 0.1, nonFinite: 'skip' });
      skip.grads[3] = bad;
      skip.step();
      assert.is(skip.stats.skipped, 1); assert.is(skip.stats.step, 0);
      assert.ok(skip.params.every((p) => p === 0));
    }
  }
});

api('divergence is reported, never hashed or saved', async () => {
  const ss = await stepsize();
  const opt = ss.create({ size: 3, base: 'sgd', lr: 1e30 });
  opt.params.fill(1e10); opt.grads.fill(1e10);
  throwsCode(() => opt.step(), 'E_DIVERGED', /non-finite parameters/);
  throwsCode(() => opt.save(), 'E_STATE', /non-finite/);
  throwsCode(() => opt.paramsHash(), 'E_STATE', /non-finite/);
});

api('gradient clipping rescales to clipNorm', async () => {
  const ss = await stepsize();
  const opt = ss.create({ size: 2, base: 'sgd', lr: 1, clipNorm: 1 });
  opt.grads.set([3, 4]);
  opt.step();
  assert.is(opt.stats.gradNorm, 5);
  assert.ok(Math.abs(opt.stats.clipScale - 0.2) < 1e-15);
  assert.ok(Math.abs(opt.params[0] + 0.6) < 1e-7 && Math.abs(opt.params[1] + 0.8) < 1e-7);
});

api('step(loss) and step(closure) on the constant rule', async () => {
  const ss = await stepsize();
  const opt = ss.create({ size: 2, base: 'sgd', lr: 1 });
  opt.grads.set([1, 2]);
  opt.step(0.5);
  let called = 0;
  await opt.step(() => { called++; return 0; });
  assert.is(called, 0, 'the constant rule needs no extra gradient evaluation');
  assert.equal(Array.from(opt.params), [-2, -4]);
  throwsCode(() => opt.step('x' as any), 'E_OPTION', /step\(\) takes nothing/);
});

api('dispose: later calls throw', async () => {
  const ss = await stepsize();
  const opt = ss.create({ size: 2, base: 'sgd' });
  opt.dispose();
  throwsCode(() => opt.step(), 'E_STATE', /disposed/);
  throwsCode(() => opt.params, 'E_STATE', /disposed/);
  throwsCode(() => opt.save(), 'E_STATE', /disposed/);
});

api('setLr drives schedules on the constant rule, survives a checkpoint, and is refused elsewhere', async () => {
  const ss = await stepsize();
  const opt = ss.create({ size: 3, base: 'sgd', lr: 0.5, params: [1, 1, 1] });
  opt.grads.fill(1); opt.step();
  assert.equal([...opt.params], [0.5, 0.5, 0.5]);
  opt.setLr(0.25);
  assert.is(opt.config.lr, 0.25);
  opt.step();
  assert.equal([...opt.params], [0.25, 0.25, 0.25]);
  assert.is(opt.lr, 0.25);
  const again = ss.restore(opt.save());
  assert.is(again.config.lr, 0.25);
  throwsCode(() => opt.setLr(0), 'E_OPTION', /finite number > 0/);
  throwsCode(() => opt.setLr(NaN), 'E_OPTION', /finite number > 0/);
  throwsCode(() => ss.create({ size: 3, rule: 'clara', base: 'sgd' }).setLr(0.1), 'E_OPTION', /adapts its own learning rate/);
  assert.equal([...opt.params], [0.25, 0.25, 0.25], 'refused calls changed nothing');
});

api('stepSync(closure) is step(closure) for synchronous gradient code, and refuses an async closure', async () => {
  const ss = await stepsize();
  const mk = () => ss.create({ size: 9, base: 'adam', rule: 'gala', params: Array.from({ length: 9 }, (_, i) => i - 4) });
  const grad = (p: Float32Array, g: Float32Array) => { for (let i = 0; i < 9; i++) g[i] = (1 + i) * (p[i] - 1); return 0; };
  const a = mk(), b = mk();
  for (let t = 0; t < 30; t++) {
    grad(a.params, a.grads); await a.step((p, g) => grad(p, g));
    grad(b.params, b.grads); b.stepSync((p, g) => grad(p, g));
  }
  assert.is(b.paramsHash(), a.paramsHash());
  const before = b.save();
  grad(b.params, b.grads);
  throwsCode(() => b.stepSync((async () => 0) as any), 'E_OPTION', /synchronously/);
  assert.equal(b.save(), before, 'a refused async closure changed nothing');
  throwsCode(() => ss.create({ size: 3, rule: 'c2min' }).stepSync(() => 0), 'E_LOSS', /step\(loss\)/);
});

api.run();

export {};
