// ss.rules: every rule's description, which user code and adapters ask instead of hard-coding
// a rule's bases, step form, options or stats. Each field is checked against what the package
// does, so a description cannot drift from the kernel or the loader.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { stepsize, throwsCode } from './util.js';
import { VARIANTS, uncovered } from './variants.js';

const reg = suite('ss.rules: one description per rule');

reg('every rule is listed once with its bases, step form, options and stats', async () => {
  const ss = await stepsize();
  const ids = ss.rules.map((r) => r.id);
  assert.is(new Set(ids).size, ids.length, 'ids are unique');
  assert.ok(ids.length >= 11);
  for (const r of ss.rules) {
    assert.ok(['plain', 'loss', 'closure'].includes(r.step), `${r.id}: step ${r.step}`);
    assert.ok(r.bases.length > 0 && r.bases.every((b) => b === 'none' || ss.bases.includes(b as never)), `${r.id}: bases ${r.bases}`);
    assert.ok(r.bases.length === 1 || !r.bases.includes('none'), `${r.id}: 'none' stands alone`);
    assert.ok(Array.isArray(r.stats) && r.stats.every((s) => typeof s === 'string'), `${r.id}: stats`);
    for (const [name, o] of Object.entries(r.options)) {
      assert.type(o.allowed, 'string', `${r.id}.${name}: allowed`);
      assert.ok(o.default !== undefined, `${r.id}.${name}: default`);
      if (o.choices) assert.ok(o.choices.length >= 2, `${r.id}.${name}: choices`);
    }
  }
});

reg('requests: a closure rule asks, over its steps, for exactly the batch kinds its description lists for those options; others list none', async () => {
  const ss = await stepsize();
  const configs = [...VARIANTS, { rule: 'glyder', base: 'adam', smoothness: 'gnb', batchSize: 4, curvatureEvery: 3 }, { rule: 'secant', base: 'sgd', evaluations: 2 }];
  for (const cfg of configs) {
    const r = ss.rules.find((d) => d.id === (cfg.rule ?? 'constant'))!;
    if (r.step !== 'closure') { assert.is(r.requests, undefined, `${r.id} makes no requests`); continue; }
    const { rule: _, ...options } = cfg;
    const listed = [...r.requests!(options)].sort(), seen = new Set<string>();
    const opt = ss.create({ size: 6, params: [1, -2, 3, -4, 5, -6], ...cfg } as any);
    for (let t = 0; t < 4; t++) {
      for (let i = 0; i < 6; i++) opt.grads[i] = 0.3 * opt.params[i];
      await opt.step((p, g, { batch }) => { seen.add(batch); for (let i = 0; i < 6; i++) g[i] = 0.3 * p[i]; return 0; });
    }
    assert.equal([...seen].sort(), listed, `${JSON.stringify(cfg)}: asked ${[...seen]}, lists ${listed}`);
    opt.dispose();
  }
});

reg('bases: create() takes exactly the listed bases (the module and the loader agree with the description)', async () => {
  const ss = await stepsize();
  for (const r of ss.rules) {
    for (const base of [...ss.bases, 'none']) {
      const opts: Record<string, unknown> = { size: 5, rule: r.id, ...(base === 'none' ? {} : { base }) };
      if (r.bases.includes(base as never)) ss.create(opts as any).dispose();
      else throwsCode(() => ss.create(opts as any), 'E_OPTION', /base/);
    }
  }
});

reg('step form: the listed form works and the others are refused', async () => {
  const ss = await stepsize();
  for (const r of ss.rules) {
    const opt = ss.create({ size: 5, rule: r.id, ...(r.bases[0] === 'none' ? {} : { base: r.bases[0] }) } as any);
    opt.grads.fill(0.5);
    const closure = (_p: Float32Array, g: Float32Array) => { g.fill(0.5); return 1; };
    if (r.step === 'plain') { opt.step(); await opt.step(closure); }
    if (r.step === 'loss') { opt.step(1); throwsCode(() => opt.step(), 'E_LOSS'); }
    if (r.step === 'closure') { await opt.step(closure); throwsCode(() => opt.step(), 'E_OPTION', /closure/); }
    assert.ok(opt.stats.step >= 1, `${r.id}: stepped`);
    opt.dispose();
  }
});

reg('options: each default is what create() resolves, per base; stats: each listed signal is reported', async () => {
  const ss = await stepsize();
  for (const r of ss.rules) {
    for (const base of r.bases) {
      const opt = ss.create({ size: 5, rule: r.id, ...(base === 'none' ? {} : { base }) } as any);
      for (const [name, o] of Object.entries(r.options)) {
        const def = typeof o.default === 'function' ? o.default(base, opt.config.lr as number) : o.default;
        assert.is(opt.config[name], def, `${r.id}/${base}: ${name}`);
        if (o.choices) assert.ok(o.choices.includes(def as string), `${r.id}/${base}: ${name} default is a choice`);
      }
      const keys = Object.keys(opt.stats);
      for (const s of r.stats) assert.ok(keys.includes(s), `${r.id}/${base}: stats.${s}`);
      for (const k of keys) assert.ok(['step', 'skipped', 'lr', 'gradNorm', 'clipScale', 'schedule', 'retraces', ...r.stats].includes(k), `${r.id}: unlisted stat ${k}`);
      opt.dispose();
    }
  }
});

reg('a choice outside its list, and a mistyped option, are refused naming what is allowed', async () => {
  const ss = await stepsize();
  for (const r of ss.rules) {
    const base = r.bases[0] === 'none' ? {} : { base: r.bases[0] };
    for (const [name, o] of Object.entries(r.options)) {
      const bad = o.choices ? 'no-such-choice' : typeof o.default === 'boolean' || (typeof o.default === 'function' && typeof o.default(r.bases[0], 1) === 'boolean') ? 1 : 'x';
      throwsCode(() => ss.create({ size: 3, rule: r.id, ...base, [name]: bad } as any), 'E_OPTION', new RegExp(`'${name}'`));
    }
  }
});

reg('the descriptions are frozen: a caller cannot change a default, a check or the list', async () => {
  const ss = await stepsize();
  const r = ss.rules.find((d) => Object.keys(d.options).length > 0)!;
  const [name, o] = Object.entries(r.options)[0];
  const before = ss.create({ size: 3, rule: r.id, ...(r.bases[0] === 'none' ? {} : { base: r.bases[0] }) } as any).config[name];
  const attempts: (() => void)[] = [
    () => { (o as any).default = 12345; },
    () => { (o as any).ok = () => true; },
    () => { (r.options as any)[name] = {}; },
    () => { delete (r.options as any)[name]; },
    () => { (r as any).step = 'plain'; },
    () => { (r.bases as any).push('adamw'); },
    () => { (r.stats as any).length = 0; },
    () => { (ss.rules as any).push(r); },
    () => { (ss.rules as any)[0] = r; },
  ];
  for (const a of attempts) assert.throws(a, (e: unknown) => e instanceof TypeError);
  const after = ss.create({ size: 3, rule: r.id, ...(r.bases[0] === 'none' ? {} : { base: r.bases[0] }) } as any).config[name];
  assert.is(after, before);
});

reg('the size-build and golden variants cover every rule on every base it drives', async () => {
  const ss = await stepsize();
  assert.equal(uncovered(ss.rules), []);
  assert.ok(VARIANTS.length >= ss.rules.reduce((a, r) => a + r.bases.length, 0));
});

reg.run();
