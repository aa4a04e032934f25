// schedule: the multiplier m(t) on the step, computed in the module. Each decay's m(t)
// against its formula in float64; the constant rule under a schedule against the same run
// driven by setLr; the factor on the first step of every rule and base; the plateau against
// a float64 transcription of torch's ReduceLROnPlateau; checkpoints; bad options.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { stepsize, throwsCode, label, rng, uniform } from './util.js';
import { VARIANTS } from './variants.js';
import { goldenDrive } from './golden.js';
import { recraft } from './ckfmt.js';

const s = suite('schedule: m(t) on every step');

/** m(t) from the formulas of docs/options.md, in float64. */
function reference(sc: Record<string, any>, t: number, plateau = 1): number {
  const w = sc.warmup ?? 0, T = sc.total, f = sc.final ?? 0, decay = sc.decay ?? 'constant';
  let m = 1;
  if (t < w) m = (t + 1) / w;
  else if (decay === 'cosine') m = t >= T ? f : f + (1 - f) * 0.5 * (1 + Math.cos(Math.PI * (t - w) / (T - w)));
  else if (decay === 'linear') m = t >= T ? f : 1 - (1 - f) * (t - w) / (T - w);
  else if (decay === 'wsd') {
    const D = (sc.decayFraction ?? 0.2) * (T - w), from = T - D;
    m = t >= T ? f : t < from ? 1 : 1 - (1 - f) * (t - from) / D;
  }
  return decay === 'plateau' ? m * plateau : m;
}

const SCHEDULES = [
  { warmup: 5 }, { warmup: 3, decay: 'cosine', total: 17, final: 0.1 }, { decay: 'cosine', total: 9 },
  { warmup: 4, decay: 'linear', total: 12, final: 0.25 }, { decay: 'linear', total: 7 },
  { warmup: 2, decay: 'wsd', total: 20, final: 0.05 }, { decay: 'wsd', total: 11, decayFraction: 0.5 }, { decay: 'wsd', total: 10, decayFraction: 1 },
  { warmup: 1, decay: 'cosine', total: 2 },
];

s('every decay: stats.schedule is m(t) of its formula at every step, before, across and after total', async () => {
  const ss = await stepsize();
  for (const sc of SCHEDULES) {
    const opt = ss.create({ size: 3, base: 'sgd', lr: 0.5, schedule: sc as any });
    for (let t = 0; t < 25; t++) {
      opt.grads.fill(0.1); opt.step();
      const want = reference(sc, t), got = opt.stats.schedule;
      // the module's cos is its own (AssemblyScript's); every other formula is the same f64 operations
      if (sc.decay === 'cosine') assert.ok(Math.abs(got - want) <= 4e-16, `${label(sc)} t=${t}: ${got} vs ${want}`);
      else assert.is(got, want, `${label(sc)} t=${t}`);
      assert.ok(got >= 0 && got <= 1, `${label(sc)}: m in [0, 1]`);
    }
  }
});

s('constant rule: a schedule is the same trajectory, bit for bit, as setLr(lr·m(t)) before each step; opt.lr is lr·m(t); setLr sets the base', async () => {
  const ss = await stepsize();
  for (const base of ['sgd', 'momentum', 'adam', 'adamw', 'nadamw', 'sign', 'normalized'] as const) {
    const sc = { warmup: 3, decay: 'linear', total: 15, final: 0.1 } as const; // (no cos: the reference has the module's bits)
    const p0 = uniform(rng(4), 67, 1);
    const a = ss.create({ size: 67, base, lr: 0.02, params: p0, schedule: sc });
    const b = ss.create({ size: 67, base, lr: 0.02, params: p0 });
    const r = rng(8);
    for (let t = 0; t < 20; t++) {
      for (let i = 0; i < 67; i++) a.grads[i] = b.grads[i] = 0.3 * a.params[i] - 0.1 + 0.05 * (2 * r() - 1);
      if (t === 10) a.setLr(0.03); // from here the base m(t) multiplies is 0.03
      b.setLr((t < 10 ? 0.02 : 0.03) * reference(sc, t));
      a.step(); b.step();
      assert.is(a.paramsHash(), b.paramsHash(), `${base} t=${t}`);
      assert.is(a.lr, (t < 10 ? 0.02 : 0.03) * reference(sc, t), `${base} t=${t}: opt.lr`);
    }
  }
});

s("every rule and base: m(0) scales the first step ('step' rules) or the rule's LR ('lr' rules), as ss.rules says", async () => {
  const ss = await stepsize();
  for (const v of VARIANTS) {
    const into = ss.rules.find((r) => r.id === (v.rule ?? 'constant'))!.schedule;
    const sched = ss.create({ size: 40, ...v, schedule: { warmup: 4 } } as any), plain = ss.create({ size: 40, ...v } as any);
    const p0 = uniform(rng(5), 40, 1);
    sched.params.set(p0); plain.params.set(p0);
    await goldenDrive(ss, sched, 1); await goldenDrive(ss, plain, 1);
    let num = 0, den = 0;
    for (let i = 0; i < 40; i++) {
      const a = sched.params[i] - p0[i], b = plain.params[i] - p0[i];
      num += a * b; den += b * b;
    }
    assert.is(sched.stats.schedule, 0.25, `${label(v)}: stats.schedule`);
    if (into === 'lr') {
      // the LR the rule used has m in it (and its estimate read it: the step need not be m times as long)
      assert.ok(Math.abs(sched.stats.lr / plain.stats.lr - 0.25) < 1e-12, `${label(v)}: stats.lr ${sched.stats.lr} vs ${plain.stats.lr}`);
      continue;
    }
    assert.is(sched.stats.lr, plain.stats.lr, `${label(v)}: the rule's own LR is not scaled`);
    if (den === 0) continue; // (a rule whose first step does not move)
    const ratio = num / den;
    assert.ok(Math.abs(ratio - 0.25) < 1e-3, `${label(v)}: first step ${ratio} of the unscheduled one, want m(0) = 0.25`);
  }
});

s('ELRA retraces undo the last update at the factor it was applied with', async () => {
  const ss = await stepsize();
  // c2min's first step is x − α·m(0)·g; a rejected loss undoes two thirds of it: x0 − α·m(0)·g/3
  const opt = ss.create({ size: 8, rule: 'c2min', lr: 0.01, schedule: { warmup: 10 } });
  const x0 = Float32Array.from(opt.params);
  opt.grads.fill(1); opt.step(1);
  assert.ok(Math.abs(opt.params[0] - (x0[0] - 0.01 * 0.1)) < 1e-7, 'first step at m(0) = 0.1');
  opt.step(1e6); // rejected (above 25× the best loss): retrace, at m(0), not m(1) = 0.2
  assert.is(opt.stats.retraced, 1);
  assert.ok(Math.abs(opt.params[0] - (x0[0] - 0.01 * 0.1 / 3)) < 1e-7, `retraced to ${opt.params[0]}`);
  const p = ss.create({ size: 8, rule: 'p2min', lr: 0.01, schedule: { warmup: 10 } });
  x0.set(p.params);
  p.grads.fill(1); p.step(1);
  const moved = p.params[0];
  p.grads.fill(1); p.step(1e6);
  assert.is(p.stats.retraced, 1);
  // p2min goes back from α to α' = stats.lr along the same direction, at the first step's factor: x0 − α'·0.1·g
  assert.ok(p.params[0] > moved, 'p2min went back');
  assert.ok(Math.abs(p.params[0] - (x0[0] - p.stats.lr * 0.1)) < 1e-7, `p2min retraced to ${p.params[0]}, want ${x0[0] - p.stats.lr * 0.1}`);
});

/** torch.optim.lr_scheduler.ReduceLROnPlateau's rules (mode, threshold_mode, patience, cooldown, min), on a multiplier. */
function plateauReference(o: { factor: number; patience: number; threshold: number; thresholdMode: string; cooldown: number; minimum: number; mode: string }) {
  let best = o.mode === 'min' ? Infinity : -Infinity, bad = 0, cool = 0, m = 1;
  return (metric: number): number => {
    const better = o.mode === 'min'
      ? (o.thresholdMode === 'rel' ? metric < best * (1 - o.threshold) : metric < best - o.threshold)
      : (o.thresholdMode === 'rel' ? metric > best * (1 + o.threshold) : metric > best + o.threshold);
    if (better) { best = metric; bad = 0; } else bad++;
    if (cool > 0) { cool--; bad = 0; }
    if (bad > o.patience) { m = Math.max(m * o.factor, o.minimum); cool = o.cooldown; bad = 0; }
    return m;
  };
}

s('plateau: the multiplier follows ReduceLROnPlateau report by report (min/max, rel/abs, cooldown, minimum); it composes with warmup', async () => {
  const ss = await stepsize();
  const r = rng(12);
  const metrics = Array.from({ length: 80 }, (_, i) => 2 / (1 + 0.1 * Math.min(i, 30)) + 0.02 * r());
  for (const o of [
    { factor: 0.1, patience: 10, threshold: 1e-4, thresholdMode: 'rel', cooldown: 0, minimum: 0, mode: 'min' },
    { factor: 0.5, patience: 2, threshold: 0.01, thresholdMode: 'abs', cooldown: 3, minimum: 0.2, mode: 'min' },
    { factor: 0.3, patience: 0, threshold: 0, thresholdMode: 'rel', cooldown: 1, minimum: 0, mode: 'max' },
  ] as const) {
    const opt = ss.create({ size: 4, base: 'adam', schedule: { decay: 'plateau', warmup: 3, ...o } });
    const ref = plateauReference(o);
    for (const [k, metric] of metrics.entries()) {
      const m = ref(o.mode === 'max' ? -metric : metric);
      opt.report(o.mode === 'max' ? -metric : metric);
      opt.grads.fill(0.1); opt.step();
      const t = opt.stats.step - 1;
      assert.is(opt.stats.schedule, (t < 3 ? (t + 1) / 3 : 1) * m, `${label(o)} report ${k}`);
    }
  }
});

s('checkpoints carry the schedule: cosine and plateau continue bit for bit after save/restore', async () => {
  const ss = await stepsize();
  for (const cfg of [
    { base: 'adamw', schedule: { warmup: 5, decay: 'cosine', total: 30, final: 0.1 } },
    { rule: 'clara', base: 'sgd', schedule: { decay: 'wsd', total: 30 } },
    { base: 'sgd', schedule: { decay: 'plateau', patience: 1, factor: 0.5 } },
  ]) {
    const drive = async (o: any, from: number, to: number) => {
      for (let k = from; k < to; k++) { if (o.config.schedule.decay === 'plateau') o.report(1 + (k % 4 === 0 ? -0.01 * k : 0.5)); await goldenDrive(ss, o, 1); }
    };
    const a = ss.create({ size: 50, lr: 0.01, ...cfg } as any), b = ss.create({ size: 50, lr: 0.01, ...cfg } as any);
    await drive(a, 0, 40);
    await drive(b, 0, 20);
    const c = ss.restore(b.save());
    assert.equal(c.config.schedule, a.config.schedule);
    await drive(c, 20, 40);
    assert.is(c.paramsHash(), a.paramsHash(), `${label(cfg)}: continues bit for bit`);
    assert.equal(c.save(), a.save(), `${label(cfg)}: the same checkpoint`);
  }
});

s('bad schedules, reports and crafted schedule state are refused by name, and change nothing', async () => {
  const ss = await stepsize();
  const bad: [unknown, RegExp][] = [
    ['cosine', /must be an object/], [{ decay: 'exp' }, /'decay' must be 'constant', 'cosine', 'linear', 'wsd', 'plateau'; got "exp"/],
    [{ decay: 'cosine' }, /needs 'total'/], [{ decay: 'cosine', total: 5, warmup: 5 }, /'total' \(5\) must be greater than 'warmup' \(5\)/],
    [{ warmup: 1.5 }, /'warmup' must be a whole number/], [{ warmup: -1 }, /'warmup'/], [{ warmup: Infinity }, /'warmup'/],
    [{ decay: 'linear', total: 10, final: 1.5 }, /'final' must be a number in \[0, 1\]/], [{ decay: 'linear', total: 10, final: Number.NaN }, /'final'/],
    [{ total: 10 }, /'total' applies to decay 'cosine', 'linear', 'wsd', not 'constant'/], [{ decay: 'cosine', total: 10, patience: 3 }, /'patience' applies to decay 'plateau'/],
    [{ decay: 'wsd', total: 10, decayFraction: 0 }, /'decayFraction' must be a number in \(0, 1\]/], [{ decay: 'plateau', factor: 1 }, /'factor' must be a number in \(0, 1\)/],
    [{ decay: 'plateau', mode: 'up' }, /'mode' must be 'min' or 'max'/], [{ decay: 'plateau', warmup: '5' }, /'warmup'/], [{ warmUp: 5 }, /unknown schedule field 'warmUp'/],
  ];
  for (const [sc, msg] of bad) throwsCode(() => ss.create({ size: 2, base: 'sgd', schedule: sc as any }), 'E_OPTION', msg);
  const plain = ss.create({ size: 2, base: 'sgd' });
  throwsCode(() => plain.report(1), 'E_OPTION', /decay 'plateau'; this optimizer's schedule has decay 'constant'/);
  const p = ss.create({ size: 2, base: 'sgd', schedule: { decay: 'plateau', patience: 0 } });
  p.report(1);
  const before = p.save();
  for (const m of [Number.NaN, Infinity, -Infinity, '1', undefined, 1n]) throwsCode(() => p.report(m as any), 'E_OPTION', /finite number/);
  assert.equal(p.save(), before, 'refused reports changed nothing');
  // a crafted checkpoint cannot put the schedule where create() and steps could not
  for (const [edit, msg] of [
    [(d: any) => { d.state.plateauScale = 2; }, /'plateauScale' is 2; it must be a number in \[0, 1\]/],
    [(d: any) => { d.state.applied = -0.5; }, /'applied'/], [(d: any) => { d.state.plateauBad = 1.5; }, /'plateauBad'/],
    [(d: any) => { d.options.schedule = { decay: 'cosine' }; }, /needs 'total'/],
    [(d: any) => { d.options.schedule = { warmup: 0, decay: 'constant', total: 5 }; }, /'total' applies/],
  ] as const) {
    throwsCode(() => ss.restore(recraft(before, (c) => edit(c.desc))), 'E_CHECKPOINT', msg);
  }
});

s.run();

export {};
