// groups: per-tensor LR scale and weight decay, frozen tensors left out of every rule's sums
// and state. References: per-group runs of the same base (elementwise bases), runs without the
// frozen tensor (every rule: bit for bit), the first step's factor (every rule), and ‖Δx‖
// measured in float64 from the parameters.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { stepsize, throwsCode, label, rng } from './util.js';
import { VARIANTS, stepForm } from './variants.js';
import { recraft } from './ckfmt.js';

const g = suite('groups: per-tensor LR scale and weight decay');

type Shapes = Record<string, number[]>;

/** One step of a quadratic whose gradient, per tensor, depends only on its name, index and value (so tensors can be dropped). */
async function drive(ss: any, opt: any, steps: number, seed: number, from = 0, frozen: string[] = []): Promise<void> {
  const form = stepForm(ss.rules, opt.config.rule);
  for (let s = from; s < from + steps; s++) {
    // each tensor's noise from its own name (the same whichever tensors the optimizer has)
    const shifts = new Map(opt.tensors.map((t: any) => {
      const noise = rng(seed + 1000 * s + [...t.name].reduce((a: number, c: string) => 31 * a + c.charCodeAt(0), 7) % 100003);
      return [t.name, Array.from({ length: 64 }, () => 0.05 * (2 * noise() - 1))];
    }));
    const grad = (p: Float32Array, gr: Float32Array, shift = 0): number => {
      let loss = 0.01;
      for (const t of opt.tensors) {
        const h = [...t.name].reduce((a: number, c: string) => a + c.charCodeAt(0), 0);
        for (let i = 0; i < t.length; i++) {
          const k = 1 + ((i + h) % 5), d = p[t.offset + i] - 0.25 * (((i + h) % 3) - 1);
          if (!frozen.includes(t.name)) loss += 0.5 * k * d * d; // (a frozen tensor's terms are a constant: left out, as without it)
          gr[t.offset + i] = k * d + (shifts.get(t.name) as number[])[(i + shift) % 64];
        }
      }
      return loss;
    };
    const loss = grad(opt.params, opt.grads);
    if (form === 'loss') opt.step(loss);
    else if (form === 'closure') {
      let fresh = 0;
      await opt.step((p: Float32Array, gr: Float32Array, req: { batch: string }) => { if (req.batch === 'fresh') fresh++; return grad(p, gr, req.batch === 'same' ? 0 : fresh); });
    } else opt.step();
  }
}

const start = (opt: any, seed: number, scale = 1) => {
  const r = rng(seed);
  for (const t of opt.tensors) { const v = opt.tensor(t.name).params; for (let i = 0; i < v.length; i++) v[i] = scale * (2 * r() - 1); }
};
const values = (opt: any, name: string) => Array.from(opt.tensor(name).params as Float32Array);

g('every rule and base: a frozen group is left out of the rule\'s sums and state: the other tensors move bit for bit as without it', async () => {
  const ss = await stepsize();
  for (const v of VARIANTS) {
    const withFrozen = ss.create({ tensors: { a: [30], f: [50], b: [20] }, ...v, groups: [{ tensors: 'f', lrScale: 0 }] } as any);
    const without = ss.create({ tensors: { a: [30], b: [20] }, ...v } as any);
    start(withFrozen, 3); start(without, 3);
    withFrozen.tensor('a').params.set(without.tensor('a').params); withFrozen.tensor('b').params.set(without.tensor('b').params);
    const f0 = values(withFrozen, 'f');
    await drive(ss, withFrozen, 12, 50, 0, ['f']); await drive(ss, without, 12, 50);
    for (const n of ['a', 'b']) assert.equal(values(withFrozen, n), values(without, n), `${label(v)}: tensor ${n}`);
    assert.equal(values(withFrozen, 'f'), f0, `${label(v)}: the frozen tensor did not move`);
    assert.is(withFrozen.stats.lr, without.stats.lr, `${label(v)}: the rule's LR`);
    assert.is(withFrozen.stats.gradNorm, without.stats.gradNorm, `${label(v)}: gradNorm over the tensors that train`);
  }
});

g("every rule that takes lrScale: a group's first step is lrScale times as long ('step' rules), the others' as without groups", async () => {
  const ss = await stepsize();
  for (const v of VARIANTS) {
    const rule = ss.rules.find((r) => r.id === (v.rule ?? 'constant'))!;
    if ((rule as any).groupLr === 'freeze') {
      throwsCode(() => ss.create({ tensors: { a: [30], b: [20] }, ...v, groups: [{ tensors: 'a', lrScale: 3 }] } as any), 'E_OPTION', /'lrScale' 0 \(frozen\) or 1/);
      continue;
    }
    const scaled = ss.create({ tensors: { a: [30], b: [20] }, ...v, groups: [{ tensors: 'a', lrScale: 3 }] } as any);
    const plain = ss.create({ tensors: { a: [30], b: [20] }, ...v } as any);
    start(scaled, 4, 0.01); start(plain, 4, 0.01); // (small params: float32 resolves even DoG's tiny first step)
    const a0 = values(plain, 'a'), b0 = values(plain, 'b');
    await drive(ss, scaled, 1, 60); await drive(ss, plain, 1, 60);
    const move = (o: any, n: string, x0: number[]) => values(o, n).map((x, i) => x - x0[i]);
    const ratio = (u: number[], w: number[]) => u.reduce((s, x, i) => s + x * w[i], 0) / w.reduce((s, x) => s + x * x, 0);
    const da = move(plain, 'a', a0);
    if (da.every((x) => x === 0)) continue; // (a rule whose first step does not move)
    assert.ok(Math.abs(ratio(move(scaled, 'a', a0), da) - 3) < 3e-3, `${label(v)}: group a moved ${ratio(move(scaled, 'a', a0), da)}× as far`);
    assert.ok(Math.abs(ratio(move(scaled, 'b', b0), move(plain, 'b', b0)) - 1) < 1e-6, `${label(v)}: the rest as without groups`);
  }
});

g('elementwise bases: groups are per-group runs of the same base (lrScale on the whole step, decoupled decay included; per-group weight decay)', async () => {
  const ss = await stepsize();
  for (const base of ['sgd', 'momentum', 'adam', 'adamw', 'nadamw', 'sign'] as const) {
    const groups = [{ tensors: ['b1', /^ln\./], weightDecay: 0 }, { tensors: (n: string) => n.startsWith('head.'), lrScale: 10 }];
    const shapes: Shapes = { w1: [12, 5], b1: [5], 'ln.g': [5], 'head.w': [5, 3] };
    const opt = ss.create({ tensors: shapes, base, lr: 0.01, weightDecay: 0.1, groups });
    // the per-group references: one optimizer per group, with the group's lr and weight decay
    const refs = [
      ss.create({ tensors: { b1: [5], 'ln.g': [5] }, base, lr: 0.01, weightDecay: 0 }),
      ss.create({ tensors: { 'head.w': [5, 3] }, base, lr: 0.1, weightDecay: 0.1 }),
      ss.create({ tensors: { w1: [12, 5] }, base, lr: 0.01, weightDecay: 0.1 }),
    ];
    start(opt, 5);
    for (const ref of refs) for (const t of ref.tensors) ref.tensor(t.name).params.set(opt.tensor(t.name).params);
    await drive(ss, opt, 15, 70);
    for (const ref of refs) await drive(ss, ref, 15, 70);
    for (const ref of refs) {
      for (const t of ref.tensors) {
        const got = values(opt, t.name), want = values(ref, t.name);
        // the same arithmetic but for the order of two float32 products (lr·c·10 vs (lr·c)·10)
        const err = Math.max(...got.map((x, i) => Math.abs(x - want[i]) / (Math.abs(want[i]) + 1e-3)));
        assert.ok(err < 2e-5, `${base}: tensor ${t.name} within 2e-5 of its group's own run (${err})`);
      }
    }
  }
});

g("opt.groups with measureSteps: each group's ‖Δx‖ of the last step, against float64 from the parameters; frozen 0", async () => {
  const ss = await stepsize();
  for (const v of [{ base: 'sgd' }, { base: 'adamw' }, { base: 'nadam', weightDecay: 0.01 }, { base: 'momentum', nesterov: true }, { base: 'normalized', momentum: 0.5 },
    { rule: 'dog', base: 'sgd' }, { rule: 'c2min' }, { rule: 'p2min' }, { rule: 'gala', base: 'adam' }, { rule: 'glyder', base: 'momentum' }, { rule: 'prodigy', base: 'adamw' },
    { rule: 'secant', base: 'sign' }, { rule: 'csa', base: 'sgd' }, { rule: 'csa', base: 'adam' }]) {
    const opt = ss.create({ tensors: { a: [30], f: [50], b: [20], c: [7] }, ...v, measureSteps: true, groups: [{ tensors: ['a', 'c'], lrScale: v.rule === 'prodigy' ? 1 : 2 }, { tensors: 'f', lrScale: 0 }] } as any);
    start(opt, 6);
    for (let s = 0; s < 4; s++) {
      const before = Float64Array.from(opt.params);
      await drive(ss, opt, 1, 80 + s);
      // ‖x_new − x_old‖ in float64, and the float32 rounding of x − Δ it may differ by (half an ulp of x per element)
      const sumOver = (names: string[], f: (i: number) => number) => names.reduce((acc, n) => {
        const t = opt.tensors.find((x: any) => x.name === n)!;
        let q = 0;
        for (let i = t.offset; i < t.offset + t.length; i++) q += f(i);
        return acc + q;
      }, 0);
      const norm = (names: string[]) => Math.sqrt(sumOver(names, (i) => (opt.params[i] - before[i]) ** 2));
      const rounding = (names: string[]) => Math.sqrt(sumOver(names, (i) => (2 ** -24 * Math.abs(opt.params[i])) ** 2));
      const gs = opt.groups;
      assert.equal(gs.map((x: any) => x.tensors), [['a', 'c'], ['f'], ['b']], `${label(v)}: groups in order, then the rest`);
      assert.is(gs[1].stepNorm, 0, `${label(v)}: frozen`);
      for (const [k, names] of [[0, ['a', 'c']], [2, ['b']]] as const) {
        const want = norm([...names]);
        assert.ok(Math.abs(gs[k].stepNorm - want) <= 1e-4 * want + 1.01 * rounding([...names]), `${label(v)} step ${s}: group ${k} ${gs[k].stepNorm} vs ${want}`);
      }
    }
  }
  const d = ss.create({ tensors: { a: [30], b: [20] }, rule: 'dadapt', base: 'adam', measureSteps: true, groups: [{ tensors: 'a', lrScale: 0 }] });
  await drive(ss, d, 1, 90);
  assert.ok(Number.isNaN(d.groups[1].stepNorm), 'a rule that does not measure reports NaN');
  const off = ss.create({ tensors: { a: [30], b: [20] }, base: 'adam', groups: [{ tensors: 'a', lrScale: 2 }] });
  await drive(ss, off, 1, 90);
  assert.ok(off.groups.every((x) => Number.isNaN(x.stepNorm)), 'without measureSteps: NaN');
  throwsCode(() => ss.create({ size: 2, base: 'sgd', measureSteps: 1 as any }), 'E_OPTION', /'measureSteps' must be true or false/);
  assert.equal(ss.create({ size: 3, base: 'sgd' }).groups, [], 'no groups: empty');
});

g('checkpoints store the resolved groups (names, not matchers) and continue bit for bit; crafted groups are refused', async () => {
  const ss = await stepsize();
  for (const v of [{ base: 'adamw' }, { rule: 'dog', base: 'sgd', perTensor: true }, { rule: 'prodigy', base: 'adam' }, { rule: 'clara', base: 'adam' }]) {
    const opts = { tensors: { w: [40], b: [8], h: [16] }, ...v, groups: [{ tensors: /^[bh]$/, lrScale: v.rule === 'prodigy' ? 0 : 0.5 }] };
    const a = ss.create(opts as any), b = ss.create(opts as any);
    start(a, 7); start(b, 7);
    await drive(ss, a, 20, 100);
    await drive(ss, b, 10, 100);
    const bytes = b.save();
    const c = ss.restore(bytes);
    assert.equal(c.config.groups, [{ tensors: ['b', 'h'], lrScale: v.rule === 'prodigy' ? 0 : 0.5, ...(a.config.weightDecay === undefined ? {} : { weightDecay: a.config.weightDecay }) }]);
    await drive(ss, c, 10, 100, 10);
    assert.is(c.paramsHash(), a.paramsHash(), `${label(v)}: continues bit for bit`);
    for (const [edit, msg] of [
      [(d: any) => { d.options.groups[0].tensors = ['b', 'x']; }, /no tensor is named 'x'/],
      [(d: any) => { d.options.groups[0].lrScale = -1; }, /'lrScale' must be a finite number >= 0/],
      [(d: any) => { d.options.groups[0].tensors = { source: 'b' }; }, /'tensors' holds/],
      [(d: any) => { d.options.groups = 'all'; }, /must be a list/],
      [(d: any) => { d.options.groups.push({ tensors: ['b'] }); }, /group 1 takes no tensor/],
    ] as const) {
      throwsCode(() => ss.restore(recraft(bytes, (p) => edit(p.desc))), 'E_CHECKPOINT', msg);
    }
  }
});

g('bad groups are refused by name, before anything is laid out', async () => {
  const ss = await stepsize();
  const T = { tensors: { w1: [4, 3], b1: [3], 'ln.g': [3] }, base: 'adamw' as const };
  const bad: [unknown, RegExp][] = [
    [{ tensors: 'b2' }, /group 0: no tensor is named 'b2'; tensors are 'w1', 'b1', 'ln.g'/],
    [{ tensors: /^x/ }, /group 0: \/\^x\/ matches no tensor/],
    [{ tensors: () => false }, /group 0: its test matches no tensor/],
    [{ tensors: () => 1 }, /must return true or false; for 'w1' it returned 1/],
    [{ tensors: () => { throw new Error('boom'); } }, /its tensors test threw for 'w1': boom/],
    [{ tensors: [] }, /group 0 needs 'tensors'/], [{}, /group 0 needs 'tensors'/], [{ tensors: 3 }, /'tensors' holds 3/],
    [{ tensors: 'b1', lrScale: -1 }, /'lrScale' must be a finite number >= 0/], [{ tensors: 'b1', lrScale: Number.NaN }, /'lrScale'/],
    [{ tensors: 'b1', weightDecay: Infinity }, /'weightDecay' must be a finite number >= 0/], [{ tensors: 'b1', lr: 1 }, /unknown field 'lr'/],
    ['b1', /group 0 must be an object/],
  ];
  for (const [grp, msg] of bad) throwsCode(() => ss.create({ ...T, groups: [grp] } as any), 'E_OPTION', msg);
  throwsCode(() => ss.create({ ...T, groups: { tensors: 'b1' } } as any), 'E_OPTION', /must be a list/);
  throwsCode(() => ss.create({ ...T, groups: [{ tensors: /1$/ }, { tensors: 'b1' }] }), 'E_OPTION', /group 1 takes no tensor: every tensor it matches was taken by an earlier group/);
  throwsCode(() => ss.create({ size: 10, base: 'sgd', groups: [{ tensors: 'a' }] }), 'E_OPTION', /names tensors: give 'tensors'/);
  throwsCode(() => ss.create({ tensors: { a: [3] }, rule: 'clara', base: 'sgd', groups: [{ tensors: 'a', weightDecay: 0.1 }] }), 'E_OPTION', /'weightDecay' does not apply to rule 'clara' with base 'sgd'/);
  // a global or sticky RegExp matches every name the same (no lastIndex carried from one name to the next)
  const o = ss.create({ tensors: { ab: [2], ac: [2], ad: [2] }, base: 'sgd', groups: [{ tensors: /^a/g, lrScale: 2 }] });
  assert.equal(o.config.groups![0].tensors, ['ab', 'ac', 'ad']);
  // an empty list is no groups
  assert.is(ss.create({ ...T, groups: [] }).config.groups, undefined);
});

g.run();

export {};
