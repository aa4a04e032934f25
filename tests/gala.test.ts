// gala: the golden 1-D trace of the spec, trajectories against the float64 reference, and the
// closure contract (probe at the previous iterate, same batch, params always put back).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { stepsize, f32, throwsCode } from './util.js';
import { RefOptimizer } from './ref.js';
import { RefGala } from './ref-rules.js';
import { quadratic, trajectoryProblems } from './problems.js';
import { startTrajectory } from './compare.js';

const gala = suite('gala');

gala('golden trace (docs/rules/gala.md): f = 2x², x0 = 1, eta0 = 0.01 → 0.01, 0.24, 0.129692, 0.129685, 0.129683', async () => {
  const ss = await stepsize();
  for (const alignment of ['same-batch', 'direction'] as const) {
    const opt = ss.create({ size: 1, rule: 'gala', base: 'sgd', lr: 0.01, alignment, params: [1] });
    const lrs: number[] = [];
    for (let t = 0; t < 6; t++) {
      opt.grads[0] = 4 * opt.params[0];
      await opt.step((p, g) => { g[0] = 4 * p[0]; return 2 * p[0] * p[0]; });
      lrs.push(opt.lr);
    }
    const want = [0.01, 0.24, 0.129692, 0.129685, 0.129683, 0.129683];
    for (let t = 0; t < want.length; t++) {
      assert.ok(Math.abs(lrs[t] - want[t]) <= 2e-6, `${alignment} step ${t}: ${lrs[t]} vs ${want[t]}`);
    }
    assert.ok(Math.abs(opt.stats.curvature! - 4) < 1e-3, `L = ${opt.stats.curvature}`);
  }
});

const CONFIGS: Record<string, unknown>[] = [
  { rule: 'gala', base: 'sgd', lr: 1e-3 },
  { rule: 'gala', base: 'sgd', lr: 1e-3, alignment: 'direction', delta: 1e-3 },
  // with momentum, round 1 overshoots (η ≈ 1/L, amplified ~10x by the buffer) and η drops to
  // its floor; floor steps must be well above float32 resolution to compare with float64
  // (not on Rosenbrock: a floor of 1e-2 with momentum 0.9 is unstable at curvature ~1e3)
  { rule: 'gala', base: 'momentum', lr: 1e-3, etaMin: 1e-2, skip: 'rosenbrock' },
  { rule: 'gala', base: 'normalized', lr: 1e-2, momentum: 0.5 },
  { rule: 'gala', base: 'adam', lr: 1e-3 },
];

// As in rules.test.ts: the reference gets the kernel's own gradients (g at x_t, h at x_{t−1}),
// and the LR must agree to 1e-4 relative, the params to 1e-4 of their accumulated movement
// plus 1e-5·|x| (the same derivation).
for (const cfg of CONFIGS) {
  gala(`300 steps vs float64 reference: ${JSON.stringify(cfg).replace(/"/g, '')}`, async () => {
    const ss = await stepsize();
    const { skip, ...options } = cfg;
    for (const prob of trajectoryProblems().filter((p) => !skip || !p.name.startsWith(skip as string))) {
      const { opt, ref, g, track } = startTrajectory(ss, prob, options, (c, x0) => new RefGala(c, new RefOptimizer({ ...c }, x0)));
      let h: Float64Array = new Float64Array(prob.n);
      for (let t = 0; t < 300; t++) {
        prob.grad(opt.params, g);
        opt.grads.set(g);
        track.mark();
        await opt.step((p, out, req) => {
          assert.is(req.batch, 'same');
          prob.grad(p, out);
          h = f32(out);
          return prob.loss(p);
        });
        ref.step(f32(g), h);
        track.check(opt, `${prob.name} step ${t}`);
      }
    }
  });
}

gala('a tiny initial LR is corrected in one round (≈ 1/L), a huge one comes down and converges', async () => {
  const ss = await stepsize();
  const prob = quadratic(50, 10);
  for (const lr0 of [1e-6, 30]) {
    const opt = ss.create({ size: prob.n, params: f32(prob.x0), rule: 'gala', base: 'sgd', lr: lr0 });
    const first = prob.loss(opt.params);
    for (let t = 0; t < 200; t++) {
      prob.grad(opt.params, opt.grads);
      await opt.step((p, out) => { prob.grad(p, out); return prob.loss(p); });
      if (t === 1 && lr0 < 1) assert.ok(opt.lr > 0.1 && opt.lr < 20, `after one round lr = ${opt.lr} (curvatures 0.1..1)`);
    }
    assert.ok(prob.loss(opt.params) < 1e-2 * first, `lr0 ${lr0}: loss ${first} → ${prob.loss(opt.params)}`);
  }
});

gala('the closure contract: probe at the previous iterate, opt.grads untouched, params put back; a throw changes nothing', async () => {
  const ss = await stepsize();
  const opt = ss.create({ size: 3, rule: 'gala', base: 'sgd', lr: 0.1, params: [1, 2, 3] });
  throwsCode(() => opt.step(), 'E_OPTION', /await step\(closure\)/);
  opt.grads.set([1, 1, 1]);
  let calls = 0;
  await opt.step(() => { calls++; return 0; });
  assert.is(calls, 0, 'step 0 needs no probe');
  const xPrev = [1, 2, 3], xNow = Array.from(opt.params);
  opt.grads.set([0.5, 0.5, 0.5]);
  await opt.step((p, out, req) => {
    calls++;
    assert.equal(Array.from(p), xPrev, 'params hold the previous iterate during the probe');
    assert.ok(out !== opt.grads, 'the probe gets its own gradient buffer');
    assert.is(req.batch, 'same');
    out.set([1, 1, 1]);
    return 0;
  });
  assert.is(calls, 1);
  assert.equal(Array.from(opt.grads), [0.5, 0.5, 0.5], 'opt.grads keep the caller gradient');
  assert.not.equal(Array.from(opt.params), xNow);
  const snapshot = opt.save(), params = Array.from(opt.params);
  try {
    await opt.step(() => { throw new Error('batch failed'); });
    assert.unreachable('should throw');
  } catch (e: any) {
    assert.is(e.message, 'batch failed');
  }
  assert.equal(Array.from(opt.params), params, 'params put back after a throwing closure');
  assert.equal(opt.save(), snapshot, 'state unchanged');
  let inner: any;
  const pending = opt.step(async (_p, out) => { try { opt.step(); } catch (e) { inner = e; } out.fill(1); return 0; });
  await pending;
  assert.is(inner?.code, 'E_STATE', 'no step while a closure step is running');
  // @ts-expect-error: not an option or base of this rule (a type error, and E_OPTION at run time)
  throwsCode(() => ss.create({ size: 3, rule: 'gala', base: 'adamw' }), 'E_OPTION', /'base' must be one of 'sgd', 'momentum', 'normalized', 'adam'/);
  throwsCode(() => ss.create({ size: 3, rule: 'gala', base: 'sgd', alignment: 'both' as any }), 'E_OPTION', /'alignment' must be one of 'same-batch', 'direction'/);
  assert.is(ss.create({ size: 3, rule: 'gala', base: 'adam' }).config.alignment, 'direction');
  assert.is(ss.create({ size: 3, rule: 'gala', base: 'sgd' }).config.lr, 1e-2);
});

gala('continues bit for bit after save/restore (x_{t−1}, A, Q and η are in the checkpoint)', async () => {
  const ss = await stepsize();
  const prob = quadratic(37, 100, 4);
  for (const base of ['sgd', 'adam', 'normalized'] as const) {
    const drive = async (o: any, k: number) => {
      for (let t = 0; t < k; t++) {
        prob.grad(o.params, o.grads);
        await o.step((p: Float32Array, out: Float32Array) => { prob.grad(p, out); return prob.loss(p); });
      }
    };
    const a = ss.create({ size: prob.n, params: f32(prob.x0), rule: 'gala', base });
    await drive(a, 60);
    const b = ss.create({ size: prob.n, params: f32(prob.x0), rule: 'gala', base });
    await drive(b, 30);
    const c = ss.restore(b.save());
    await drive(c, 30);
    assert.is(c.paramsHash(), a.paramsHash(), `${base}: bit for bit`);
  }
});

gala.run();

export {};
