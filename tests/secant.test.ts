// secant: the closed forms on a problem with known curvature, trajectories against the float64
// reference, and the closure contract ('fresh' at x, 'repeat' at x + c·s, params restored).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { stepsize, f32, uniform, rng, throwsCode } from './util.js';
import { RefOptimizer } from './ref.js';
import { RefSecant } from './ref-rules.js';
import { trajectoryProblems } from './problems.js';
import { startTrajectory } from './compare.js';

const sec = suite('secant');

const FORMULAS = { damped: (l: number) => 1 / (1 + l), ridge: (l: number) => l / (l * l + 1), bb1: (l: number) => 1 / l, bb2: (l: number) => 1 / l };

sec('each formula on f = (λ/2)‖x‖²: damped 1/(1+λ), ridge λ/(λ²+1), bb1 = bb2 = 1/λ; independent of the probe scale', async () => {
  const ss = await stepsize();
  const lambda = 0.5, n = 33;
  for (const [formula, want] of Object.entries(FORMULAS)) {
    for (const probeScale of [1, 0.25]) {
      const opt = ss.create({ size: n, rule: 'secant', base: 'sgd', formula: formula as any, probeScale, params: f32(uniform(rng(2), n, 1)) });
      for (let i = 0; i < n; i++) opt.grads[i] = lambda * opt.params[i];
      await opt.step((p, g) => { for (let i = 0; i < n; i++) g[i] = lambda * p[i]; return 0; });
      const got = opt.lr, w = want(lambda);
      assert.ok(Math.abs(got - w) <= 1e-5 * w, `${formula}, probe ${probeScale}: ${got} vs ${w}`);
      assert.is(opt.stats.fallback, 0);
      assert.ok(Math.abs(opt.stats.sy! / opt.stats.ss! - lambda) < 1e-5, 'sy/ss measures the curvature');
    }
  }
});

const CONFIGS: Record<string, unknown>[] = [
  { rule: 'secant', base: 'sgd' },
  { rule: 'secant', base: 'sgd', formula: 'bb2', evaluations: 2 },
  { rule: 'secant', base: 'momentum', momentum: 0.5 },
  { rule: 'secant', base: 'sign', probe: 'sign', formula: 'ridge', probeScale: 0.01, lr: 1e-3 },
];

// The same comparison as the other rules (rules.test.ts explains the tolerances).
for (const cfg of CONFIGS) {
  sec(`300 steps vs float64 reference: ${JSON.stringify(cfg).replace(/"/g, '')}`, async () => {
    const ss = await stepsize();
    for (const prob of trajectoryProblems()) {
      const { opt, ref, g, track } = startTrajectory(ss, prob, cfg, (c, x0) => new RefSecant(c, new RefOptimizer({ ...c }, x0)));
      const two = opt.config.evaluations === 2;
      for (let t = 0; t < 300; t++) {
        if (!two) { prob.grad(opt.params, g); opt.grads.set(g); }
        const hs: Float64Array[] = [];
        track.mark();
        await opt.step((p, out) => { prob.grad(p, out); hs.push(f32(out)); return prob.loss(p); });
        ref.step(two ? hs[0] : f32(g), hs[0], hs[1]);
        assert.is(opt.stats.fallback, ref.fallback ? 1 : 0, `${prob.name} step ${t}: fallback`);
        track.check(opt, `${prob.name} step ${t}`);
      }
    }
  });
}

sec("the closure contract: 'fresh' at x, then 'repeat' at x + c·g; params restored bit for bit, also on a throw", async () => {
  const ss = await stepsize();
  const opt = ss.create({ size: 5, rule: 'secant', base: 'sgd', probeScale: 0.5, params: [1, 2, 3, 4, 5] });
  throwsCode(() => opt.step(), 'E_OPTION', /await step\(closure\)/);
  opt.grads.set([0.1, 0.2, 0.3, 0.4, 0.5]);
  const x = Float32Array.from(opt.params), seen: { batch: string; p: number[] }[] = [];
  await opt.step((p, g, req) => {
    seen.push({ batch: req.batch, p: Array.from(p) });
    for (let i = 0; i < 5; i++) g[i] = 0.3 * p[i];
    return 0;
  });
  assert.equal(seen.map((s) => s.batch), ['fresh', 'repeat']);
  assert.equal(seen[0].p, Array.from(x));
  assert.equal(seen[1].p, Array.from(x, (v, i) => Math.fround(v + Math.fround(0.5 * [0.1, 0.2, 0.3, 0.4, 0.5].map(Math.fround)[i]))));
  const snapshot = opt.save(), params = Array.from(opt.params);
  let calls = 0;
  try {
    await opt.step((_p, g) => { if (++calls === 2) throw new Error('second batch failed'); g.fill(1); return 0; });
    assert.unreachable('should throw');
  } catch (e: any) {
    assert.is(e.message, 'second batch failed');
  }
  assert.equal(Array.from(opt.params), params, 'params restored from the backup, exactly');
  assert.equal(opt.save(), snapshot, 'state unchanged');
  // @ts-expect-error: not an option or base of this rule (a type error, and E_OPTION at run time)
  throwsCode(() => ss.create({ size: 3, rule: 'secant', base: 'adam' }), 'E_OPTION', /'base' must be one of 'sgd', 'momentum', 'sign'/);
  throwsCode(() => ss.create({ size: 3, rule: 'secant', base: 'sgd', evaluations: 4 as any }), 'E_OPTION', /'evaluations' must be 2 or 3/);
});

sec.run();

export {};
