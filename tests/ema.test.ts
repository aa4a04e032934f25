// ema: the exponential moving average of the weights, against a float64 EMA of the parameters
// after each completed step, for rules of every step form; refused and diverged steps and
// closure probe points never enter it; checkpoints carry it.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { stepsize, throwsCode, label, rng } from './util.js';
import { goldenDrive } from './golden.js';
import { recraft } from './ckfmt.js';

const e = suite('ema: moving average of the weights');

e('every step form: opt.ema is e = x after the first step, then d·e + (1 − d)·x, against float64 (and a frozen tensor keeps its x)', async () => {
  const ss = await stepsize();
  for (const v of [{ base: 'sgd' }, { base: 'adamw' }, { base: 'momentum', nesterov: true }, { rule: 'c2min' }, { rule: 'p2min' },
    { rule: 'gala', base: 'adam' }, { rule: 'glyder', base: 'sgd' }, { rule: 'secant', base: 'momentum' }, { rule: 'clara', base: 'adam' },
    { rule: 'dadapt', base: 'adam' }, { rule: 'dog', base: 'sgd', perTensor: true }]) {
    const d = 0.9;
    const opt = ss.create({ tensors: { a: [40], f: [9], b: [23] }, ...v, ema: d, groups: [{ tensors: 'f', lrScale: 0 }] } as any);
    const r = rng(3);
    for (let i = 0; i < opt.params.length; i++) opt.params[i] = 2 * r() - 1;
    assert.ok(opt.ema!.every((x) => x === 0), `${label(v)}: before the first step`);
    let ref: Float64Array | null = null;
    for (let t = 0; t < 30; t++) {
      const before = opt.stats.step;
      await goldenDrive(ss, opt, 1);
      if (opt.stats.step === before) continue; // (not a completed step)
      const x = Float64Array.from(opt.params);
      ref = ref === null ? x : ref.map((y, i) => d * y + (1 - d) * x[i]);
      let worst = 0;
      // float32 rounding of each blend (d·e + (1 − d)·x, with d and 1 − d in float32), accumulated over the steps
      for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(opt.ema![i] - ref[i]) / (Math.abs(ref[i]) + 1));
      assert.ok(worst < 1e-6, `${label(v)} step ${t}: ${worst}`);
    }
    const f = opt.tensor('f');
    assert.equal(Array.from(opt.ema!.subarray(f.offset, f.offset + 9)), Array.from(f.params), `${label(v)}: the frozen tensor's average is its x`);
  }
});

e('refused and diverged steps leave the average as it was; a retrace is a step', async () => {
  const ss = await stepsize();
  const opt = ss.create({ size: 20, base: 'sgd', lr: 0.1, ema: 0.5, nonFinite: 'skip' });
  opt.grads.fill(1); opt.step(); opt.grads.fill(1); opt.step();
  const kept = Array.from(opt.ema!);
  opt.grads[3] = Number.NaN; opt.step(); // skipped
  assert.equal(Array.from(opt.ema!), kept, 'a skipped step');
  opt.grads.fill(1e38); opt.setLr(1e10);
  throwsCode(() => opt.step(), 'E_DIVERGED');
  assert.equal(Array.from(opt.ema!), kept, 'a diverged step');
  const c = ss.create({ size: 8, rule: 'c2min', lr: 0.01, ema: 0.5 });
  c.grads.fill(1); c.step(1);
  const first = Array.from(c.ema!);
  c.step(1e9); // rejected: a retrace, a step the average takes
  assert.is(c.stats.retraced, 1);
  assert.ok(c.ema!.every((x, i) => Math.abs(x - (0.5 * first[i] + 0.5 * c.params[i])) < 1e-7), 'the retrace entered the average');
});

e('checkpoints carry the average (role "ema") and continue bit for bit; bad options and crafted values are refused', async () => {
  const ss = await stepsize();
  const drive = (o: any, steps: number, r: () => number) => { for (let t = 0; t < steps; t++) { for (let i = 0; i < o.size; i++) o.grads[i] = o.params[i] - 0.3 + 0.1 * r(); o.step(); } };
  const a = ss.create({ size: 70, base: 'adam', lr: 0.01, ema: 0.99 }), b = ss.create({ size: 70, base: 'adam', lr: 0.01, ema: 0.99 });
  const ra = rng(5), rb = rng(5);
  drive(a, 40, ra); drive(b, 20, rb);
  const bytes = b.save(), c = ss.restore(bytes);
  drive(c, 20, rb);
  assert.equal(Array.from(c.ema!), Array.from(a.ema!), 'the average continues bit for bit');
  assert.equal(c.save(), a.save());
  throwsCode(() => ss.restore(recraft(bytes, (p) => { p.vectors[p.vectors.length - 1] = Number.NaN; })), 'E_CHECKPOINT', /'ema' holds NaN/);
  throwsCode(() => ss.restore(recraft(bytes, (p) => { p.desc.options.ema = 1; })), 'E_CHECKPOINT', /'ema' must be a number in \(0, 1\)/);
  for (const bad of [0, 1, -0.5, 1.5, Number.NaN, '0.9', Infinity]) throwsCode(() => ss.create({ size: 2, base: 'sgd', ema: bad as any }), 'E_OPTION', /'ema' must be a number in \(0, 1\)/);
  assert.is(ss.create({ size: 2, base: 'sgd' }).ema, null, 'no average without ema');
});

e.run();

export {};
