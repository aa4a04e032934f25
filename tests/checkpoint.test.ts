// save()/restore(): bit-for-bit continuation, and refusal of anything else.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { stepsize, rng, uniform, throwsCode } from './util.js';
import { recraft } from './ckfmt.js';

const ck = suite('checkpoint');

function drive(opt: any, r: () => number, steps: number): void {
  for (let t = 0; t < steps; t++) {
    const p = opt.params, g = opt.grads;
    for (let i = 0; i < g.length; i++) g[i] = 0.3 * p[i] - 0.1 + 0.05 * (2 * r() - 1);
    opt.step();
  }
}

ck('N steps straight = N/2, save, restore, N/2 (every base)', async () => {
  const ss = await stepsize();
  for (const cfg of [
    { base: 'sgd', weightDecay: 0.01 }, { base: 'momentum', nesterov: true }, { base: 'adam', clipNorm: 2 },
    { base: 'adamw' }, { base: 'sign', momentum: 0.9 }, { base: 'normalized', momentum: 0.5 },
  ]) {
    const p0 = uniform(rng(3), 1021, 1);
    const a = ss.create({ tensors: { w: [20, 50], b: [21] }, params: p0, lr: 0.01, ...cfg } as any);
    drive(a, rng(9), 100);
    const b = ss.create({ tensors: { w: [20, 50], b: [21] }, params: p0, lr: 0.01, ...cfg } as any);
    const r = rng(9);
    drive(b, r, 50);
    const bytes = b.save();
    b.dispose();
    const c = ss.restore(bytes);
    assert.equal(c.config, a.config);
    assert.equal(c.tensors, a.tensors);
    assert.is(c.stats.step, 50);
    drive(c, r, 50);
    assert.is(c.paramsHash(), a.paramsHash(), `${cfg.base}: continuation is bit for bit`);
    assert.equal(c.save(), a.save());
  }
});

ck('truncated, corrupted, foreign and padded bytes are refused', async () => {
  const ss = await stepsize();
  const opt = ss.create({ size: 100, base: 'adam', lr: 0.01 });
  opt.grads.fill(1); opt.step();
  const good = opt.save();
  assert.ok(ss.restore(good));
  throwsCode(() => ss.restore(good.slice(0, 500)), 'E_CHECKPOINT', /too short|truncated/);
  throwsCode(() => ss.restore(good.slice(0, good.length - 1)), 'E_CHECKPOINT', /truncated/);
  const padded = new Uint8Array(good.length + 4); padded.set(good);
  throwsCode(() => ss.restore(padded), 'E_CHECKPOINT', /truncated or padded/);
  const foreign = new Uint8Array(good.length); foreign.set(new TextEncoder().encode('PK\u0003\u0004'));
  throwsCode(() => ss.restore(foreign), 'E_CHECKPOINT', /not a stepsize checkpoint/);
  const future = good.slice(); future[4] = 99;
  throwsCode(() => ss.restore(future), 'E_CHECKPOINT', /format 99 is not supported/);
  for (const at of [30, 100, 300, good.length - 500, good.length - 3, 20]) {
    const bad = good.slice(); bad[at] ^= 0x10;
    throwsCode(() => ss.restore(bad), 'E_CHECKPOINT', /checksum|invalid|truncated/);
  }
  // re-checksummed edits are caught by validation
  const badHyper = recraft(good, (p) => { p.desc.options.lr = -1; });
  throwsCode(() => ss.restore(badHyper), 'E_CHECKPOINT', /invalid options.*'lr'/);
  const badBase = recraft(good, (p) => { p.desc.base = 'adagrad'; });
  throwsCode(() => ss.restore(badBase), 'E_CHECKPOINT', /base "adagrad"/);
  throwsCode(() => ss.restore('hello' as any), 'E_CHECKPOINT', /Uint8Array/);
  // the original is untouched by all of this
  assert.equal(opt.save(), good);
});

ck.run();

export {};
