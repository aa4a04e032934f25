// Tensors as segments: each tensor starts on a multiple of 64 floats with its own zero padding,
// the module's sweeps go segment by segment (per-segment sums beside the global ones, in a
// fixed order), and the padding between tensors is never data, whatever a caller writes there.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { stepsize, rng, label } from './util.js';

const seg = suite('segments: tensors laid out as 64-float-aligned segments');

const SIZES = [1, 3, 63, 64, 65, 127, 130, 0, 1000, 4097];
const tensorsOf = (sizes: number[]): [string, number[]][] => sizes.map((n, i) => [`t${i}`, [n]]);

/** Each tensor's values, in tensor order (the compact vector a checkpoint holds). */
const compact = (opt: any, v: Float32Array): number[] =>
  opt.tensors.flatMap((t: any) => Array.from(v.subarray(t.offset, t.offset + t.length)));

seg('offsets are multiples of 64, tensors never share a 64-float block, and the views span them', async () => {
  const ss = await stepsize();
  const opt = ss.create({ tensors: tensorsOf(SIZES), base: 'sgd' });
  let end = 0;
  for (const t of opt.tensors) {
    assert.ok(t.offset % 64 === 0 && t.offset >= end, `${t.name} at ${t.offset}`);
    end = t.offset + Math.ceil(t.length / 64) * 64;
    const v = opt.tensor(t.name);
    assert.is(v.params.byteOffset, opt.params.byteOffset + 4 * t.offset);
    assert.is(v.params.length, t.length);
  }
  const last = opt.tensors[opt.tensors.length - 1];
  assert.is(opt.params.length, last.offset + last.length);
  assert.is(opt.size, SIZES.reduce((a, b) => a + b, 0));
  // without tensors: one segment, no padding inside the views
  assert.is(ss.create({ size: 1000, base: 'sgd' }).params.length, 1000);
});

seg('params given flat (tensor order) land in their tensors; a checkpoint holds them compact', async () => {
  const ss = await stepsize();
  const n = SIZES.reduce((a, b) => a + b, 0), r = rng(3);
  const params = Float32Array.from({ length: n }, () => 2 * r() - 1);
  const opt = ss.create({ tensors: tensorsOf(SIZES), base: 'adam', params });
  assert.equal(compact(opt, opt.params), Array.from(params));
  const bytes = opt.save(), back = ss.restore(bytes);
  assert.equal(compact(back, back.params), Array.from(params));
  assert.equal(back.tensors, opt.tensors);
  // the vectors take 4·n bytes each (3 roles for adam): the padding is not saved
  const D = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
  assert.is(bytes.length, 24 + D + 3 * 4 * n + 8);
});

seg('per-segment sums and the global sum match float64 sums, for odd tensor sizes', async () => {
  const ss = await stepsize();
  for (const base of ['sgd', 'normalized'] as const) { // (one sum with two accumulators; three sums with one each)
    const opt = ss.create({ tensors: tensorsOf(SIZES), base, lr: 1e-3 });
    const r = rng(11);
    for (const t of opt.tensors) opt.tensor(t.name).grads.set(Float32Array.from({ length: t.length }, () => (2 * r() - 1) * (1 + t.length % 7)));
    const ref = opt.tensors.map((t) => { let s = 0; for (const g of opt.tensor(t.name).grads) s += g * g; return s; });
    opt.step();
    const sums = (opt as any).segmentSums() as Float64Array[];
    assert.is(sums.length, SIZES.length);
    ref.forEach((want, k) => {
      const got = sums[k][0];
      assert.ok(want === 0 ? got === 0 : Math.abs(got - want) <= 1e-6 * want, `${base} tensor ${k} (${SIZES[k]}): ${got} vs ${want}`);
    });
    const total = ref.reduce((a, b) => a + b, 0), norm2 = opt.stats.gradNorm ** 2;
    assert.ok(Math.abs(norm2 - total) <= 1e-6 * total, `${base}: ‖g‖² ${norm2} vs ${total}`);
    const bySegment = sums.reduce((a, s) => a + s[0], 0);
    assert.ok(Math.abs(bySegment - norm2) <= 1e-12 * norm2 + 1e-6 * total, `${base}: the segments add up to the whole (${bySegment} vs ${norm2})`);
  }
});

/** Drives two optimizers alike, one with garbage in every padding float before each step and inside each closure call. */
async function padded(cfg: Record<string, unknown>, steps: number): Promise<[any, any]> {
  const ss = await stepsize();
  const make = () => ss.create({ tensors: tensorsOf([3, 70, 1, 130]), lr: 1e-3, ...cfg } as any);
  const clean = make(), dirty = make();
  const form = ss.rules.find((r) => r.id === (cfg.rule ?? 'constant'))!.step;
  const junk = (v: Float32Array, opt: any, value: number) => {
    let from = 0;
    for (const t of opt.tensors) { v.fill(value, from, t.offset); from = t.offset + t.length; }
  };
  const r = rng(5);
  const x0 = Float32Array.from({ length: clean.size }, () => 2 * r() - 1);
  for (const opt of [clean, dirty]) {
    let i = 0;
    for (const t of opt.tensors) for (let j = 0; j < t.length; j++) opt.params[t.offset + j] = x0[i++];
  }
  for (let s = 0; s < steps; s++) {
    for (const [opt, bad] of [[clean, false], [dirty, true]] as const) {
      const grad = (p: Float32Array, g: Float32Array) => {
        let loss = 0.01;
        for (const t of opt.tensors) {
          for (let j = 0; j < t.length; j++) {
            const d = p[t.offset + j] - 0.1 * (j % 3);
            loss += 0.5 * d * d;
            g[t.offset + j] = d + 0.01 * ((s * 7 + j) % 5);
          }
        }
        if (bad) { junk(g, opt, NaN); junk(p, opt, 1e30); }
        return loss;
      };
      const loss = grad(opt.params, opt.grads);
      if (bad) { junk(opt.params, opt, Infinity); junk(opt.grads, opt, NaN); }
      if (form === 'loss') opt.step(loss);
      else if (form === 'closure') await opt.step(grad);
      else opt.step();
    }
  }
  return [clean, dirty];
}

seg('the padding between tensors is never data: garbage there (NaN, ±Infinity, 1e30) changes no result', async () => {
  for (const cfg of [{ base: 'sgd', weightDecay: 0.1 }, { base: 'adam' }, { base: 'normalized', momentum: 0.9 }, { rule: 'dog', base: 'sgd' },
    { rule: 'c2min' }, { rule: 'clara', base: 'adam' }, { rule: 'gala', base: 'sgd' }, { rule: 'secant', base: 'sign' }, { rule: 'glyder', base: 'adam' }]) {
    const [clean, dirty] = await padded(cfg, 6);
    assert.equal(compact(dirty, dirty.params), compact(clean, clean.params), `${label(cfg)}: params`);
    assert.equal(dirty.stats, clean.stats, `${label(cfg)}: stats`);
    assert.equal(dirty.save(), clean.save(), `${label(cfg)}: checkpoints`);
    assert.is(dirty.paramsHash(), clean.paramsHash(), `${label(cfg)}: hash`);
    let from = 0;
    for (const t of dirty.tensors) { assert.ok(dirty.params.subarray(from, t.offset).every((v: number) => v === 0), `${label(cfg)}: padding cleared`); from = t.offset + t.length; }
  }
});

seg.run();
