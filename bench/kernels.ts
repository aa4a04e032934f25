// npm run bench: ns/param per step of every base at N = 1e4..1e7, beside
//   (a) the same step in plain TypeScript over Float32Array (plain.ts),
//   (b) TensorFlow.js's tf.train.sgd/momentum/adam on its wasm and cpu backends,
//   (c) the most straightforward SIMD kernels and a SIMD memory copy of the same bytes
//       (floor.ts): the memory-bandwidth floor,
//   (d) the size build that stepsize/inline embeds ("inline …"), for sgd, momentum, adam and clara.
// Every contender is measured in each of ROUNDS interleaved rounds and the median kept, so
// the ratios compare figures taken under the same machine load. Writes results/kernels.json.
import { load } from '../build/index.js';
// the size build that stepsize/inline embeds (the same results bit for bit, loops not unrolled)
import { load as loadSmall } from '../build/inline.js';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import { plain, plainState } from '../bench/plain.js';

const QUICK = process.env.BENCH_QUICK === '1';
const SIZES = QUICK ? [1e4, 1e5, 1e6] : [1e4, 1e5, 1e6, 1e7];
const ROUNDS = QUICK ? 3 : 5;
const MIN_MS = QUICK ? 40 : 120;
// BENCH_ONLY=regex keeps the contenders whose name matches (for quick iterations)
const ONLY = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY) : null;
const BASES = ['sgd', 'momentum', 'adam', 'adamw', 'sign', 'normalized', 'nadam', 'nadamw'] as const;
// bytes a step must move per parameter at the least (read p, g and state; write p and state),
// and what ours moves: the reduction pass reads g once more (4 B) before the update, which
// is what lets a non-finite gradient change nothing and lets clipping see the global norm.
const MIN_BYTES: Record<string, number> = { sgd: 12, momentum: 20 };
const OUR_BYTES: Record<string, number> = { sgd: 16, momentum: 24 };

interface Contender { name: string; group: string; setup: () => () => void | Promise<void>; teardown?: () => void }

// every (rule, base) pair, and the constant-rule base whose memory traffic it is compared with
// (ELRA has no base: c2min moves the bytes of momentum, p2min those of sgd)
const RULE_PAIRS: { rule: string; base?: string; compare: string; loss?: boolean; closure?: boolean; peer?: boolean; opts?: Record<string, unknown> }[] = [
  // a constant gradient gives cos = 1 every step, so c2min's α grows ×1.6 per step without bound;
  // its kernels cost the same for any α, so it starts at 1e-300 (f64) and never overflows
  { rule: 'c2min', compare: 'momentum', loss: true, opts: { lr: 1e-300 } },
  { rule: 'p2min', compare: 'sgd', loss: true },
  { rule: 'clara', base: 'sgd', compare: 'sgd' },
  { rule: 'clara', base: 'adam', compare: 'adam' },
  { rule: 'csa', base: 'sgd', compare: 'sgd' },
  { rule: 'csa', base: 'adam', compare: 'adam' },
  // the parameter-free baselines; a constant gradient makes D and r̄ grow without
  // bound, so their growth is held back (the kernels cost the same for any D or r̄)
  { rule: 'dadapt', base: 'sgd', compare: 'sgd', peer: true, opts: { growthRate: 1.000001 } },
  { rule: 'dadapt', base: 'adam', compare: 'adam', peer: true, opts: { growthRate: 1.000001 } },
  { rule: 'prodigy', base: 'adam', compare: 'adam', peer: true, opts: { growthRate: 1.000001 } },
  { rule: 'dog', base: 'sgd', compare: 'sgd', peer: true, opts: { lr: 1e-6 } },
  { rule: 'schedulefree', base: 'sgd', compare: 'sgd', peer: true, opts: { lr: 1e-6 } },
  { rule: 'schedulefree', base: 'adamw', compare: 'adamw', peer: true },
  // closure rules: their own cost, with a closure that does nothing (the caller's gradient work excluded)
  { rule: 'gala', base: 'sgd', compare: 'sgd', closure: true },
  { rule: 'gala', base: 'momentum', compare: 'momentum', closure: true },
  { rule: 'gala', base: 'normalized', compare: 'normalized', closure: true },
  { rule: 'gala', base: 'adam', compare: 'adam', closure: true },
  { rule: 'secant', base: 'sgd', compare: 'sgd', closure: true },
  { rule: 'secant', base: 'momentum', compare: 'momentum', closure: true },
  { rule: 'secant', base: 'sign', compare: 'sign', closure: true },
  { rule: 'glyder', base: 'sgd', compare: 'sgd', closure: true },
  { rule: 'glyder', base: 'momentum', compare: 'momentum', closure: true },
  { rule: 'glyder', base: 'adam', compare: 'adam', closure: true },
];
const noop = (): number => 0;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** ms per call of fn over `reps` calls (awaited when fn is asynchronous). */
async function batch(fn: () => void | Promise<void>, reps: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) {
    const r = fn();
    if (r) await r;
  }
  return (performance.now() - t0) / reps;
}

async function main(): Promise<void> {
  const ss = await load();
  const small = await loadSmall();
  // initialize both tfjs backends once; switching between them is synchronous afterwards
  await tf.setBackend('wasm');
  await tf.setBackend('cpu');
  const floorBytes = readFileSync(new URL('./floor.wasm', import.meta.url));
  const floor = (await WebAssembly.instantiate(floorBytes, {})).instance.exports as any;
  const fmem = () => floor.memory.buffer as ArrayBuffer;
  const results: any[] = [];
  // one scratch area for the largest N: p, g, m, v, or a copy of up to 28 bytes per parameter
  const maxPad = Math.ceil(Math.max(...SIZES) / 64) * 64;
  const area = floor.alloc(maxPad * 4 * 8);
  if (!area) throw new Error('floor.wasm: out of memory');

  for (const n of SIZES) {
    const contenders: Contender[] = [];
    for (const base of BASES) {
      contenders.push({
        name: `stepsize ${base}`, group: base, setup: () => {
          const opt = ss.create({ size: n, base, lr: 1e-3 });
          const g = opt.grads;
          for (let i = 0; i < n; i++) g[i] = ((i * 7919) % 1000) / 1000 - 0.5;
          contenders.find((c) => c.name === `stepsize ${base}`)!.teardown = () => opt.dispose();
          return () => opt.step();
        },
      });
      // (plain TypeScript yardsticks exist for the six bases the speed goals compare)
      const yardstick = (plain as Record<string, ((s: ReturnType<typeof plainState>) => void) | undefined>)[base];
      if (yardstick) contenders.push({ name: `plain-ts ${base}`, group: base, setup: () => { const s = plainState(n); return () => yardstick(s); } });
    }
    for (const [base, rule] of [['sgd'], ['momentum'], ['adam'], ['sgd', 'clara'], ['adam', 'clara']]) {
      if (rule && n < 1e6) continue;
      const name = `inline ${rule ? `${rule}/` : ''}${base}`;
      contenders.push({
        name, group: 'inline', setup: () => {
          const opt = small.create({ size: n, base, rule: rule ?? 'constant', lr: 1e-3 } as any);
          const g = opt.grads;
          for (let i = 0; i < n; i++) g[i] = ((i * 7919) % 1000) / 1000 - 0.5;
          contenders.find((c) => c.name === name)!.teardown = () => opt.dispose();
          return () => opt.step();
        },
      });
    }
    // what the training-recipe features cost beside the plain step: 8 tensors (segments), 8
    // parameter groups over them (each its own LR scale and decay, step norms measured), a
    // warmup + cosine schedule, and the EMA of the weights
    if (n >= 1e6) {
      const eight = Object.fromEntries(Array.from({ length: 8 }, (_, k) => [`t${k}`, [n / 8]]));
      for (const base of ['sgd', 'adamw'] as const) {
        // (sgd's default has no decay: its groups scale the LR only, so both rows run the same form)
        const groups = Array.from({ length: 8 }, (_, k) => ({ tensors: `t${k}`, lrScale: 1 + k / 8, ...(base === 'adamw' ? { weightDecay: k % 2 ? 0 : 0.01 } : {}) }));
        for (const [label, extra] of [
          ['8 tensors', { tensors: eight }], ['8 groups', { tensors: eight, groups }], ['8 groups measured', { tensors: eight, groups, measureSteps: true }],
          ['+ schedule', { size: n, schedule: { warmup: 10, decay: 'cosine', total: 1e9 } }], ['+ ema', { size: n, ema: 0.999 }],
        ] as const) {
          const name = `stepsize ${base} ${label}`;
          contenders.push({
            name, group: `feature:${base}`, setup: () => {
              const opt = ss.create({ base, lr: 1e-3, ...extra } as any);
              const g = opt.grads;
              for (let i = 0; i < g.length; i++) g[i] = ((i * 7919) % 1000) / 1000 - 0.5;
              contenders.find((c) => c.name === name)!.teardown = () => opt.dispose();
              return () => opt.step();
            },
          });
        }
      }
    }
    // the learning-rate rules, at the sizes where their cost per parameter is settled
    if (n >= 1e6) {
      for (const r of RULE_PAIRS) {
        const name = `stepsize ${r.rule}/${r.base ?? 'none'}`;
        contenders.push({
          name, group: `rule:${r.compare}`, setup: () => {
            const opt = ss.create({ size: n, rule: r.rule, ...(r.base ? { base: r.base } : {}), ...r.opts } as any);
            const g = opt.grads;
            for (let i = 0; i < n; i++) g[i] = ((i * 7919) % 1000) / 1000 - 0.5;
            contenders.find((c) => c.name === name)!.teardown = () => opt.dispose();
            // ELRA: a constant loss is always accepted, so every timed step is a full step
            if (r.closure) return () => opt.step(noop);
            return r.loss ? () => opt.step(1) : () => opt.step();
          },
        });
      }
    }
    // straightforward SIMD kernels and copy floors share one scratch area in floor.wasm
    const pad = Math.ceil(n / 64) * 64;
    const P = area, G = P + pad * 4, M = G + pad * 4, V = M + pad * 4;
    new Float32Array(fmem(), P, pad * 4).fill(0);
    const gv = new Float32Array(fmem(), G, pad);
    for (let i = 0; i < n; i++) gv[i] = ((i * 7919) % 1000) / 1000 - 0.5;
    let t = 0;
    contenders.push({ name: 'simd-floor sgd', group: 'sgd', setup: () => () => floor.sgd(P, G, pad, 1e-3) });
    contenders.push({ name: 'simd-floor momentum', group: 'momentum', setup: () => () => floor.momentum(P, G, M, pad, 1e-3, 0.9) });
    contenders.push({ name: 'simd-floor adam', group: 'adam', setup: () => () => floor.adam(P, G, M, V, pad, 1e-3, 0.9, 0.999, 1e-8, ++t) });
    for (const bytes of [12, 16, 20, 24, 28]) {
      // a copy that reads bytes/2 and writes bytes/2 per parameter: the same traffic
      const floats = Math.ceil((n * bytes) / 8 / 64) * 64;
      contenders.push({ name: `memcopy ${bytes}B`, group: 'copy', setup: () => () => floor.copy(P, P + floats * 4, floats) });
    }
    for (const backend of ['wasm', 'cpu']) {
      for (const kind of ['sgd', 'momentum', 'adam'] as const) {
        contenders.push({
          name: `tfjs-${backend} ${kind}`, group: kind, setup: () => {
            tf.setBackend(backend);
            const v = tf.variable(tf.zeros([n]));
            const g = tf.tensor1d(Float32Array.from({ length: n }, (_, i) => ((i * 7919) % 1000) / 1000 - 0.5));
            const o = kind === 'sgd' ? tf.train.sgd(1e-3) : kind === 'momentum' ? tf.train.momentum(1e-3, 0.9) : tf.train.adam(1e-3);
            contenders.find((c) => c.name === `tfjs-${backend} ${kind}`)!.teardown = () => { o.dispose(); v.dispose(); g.dispose(); };
            return () => { tf.setBackend(backend); o.applyGradients({ [v.name]: g } as tf.NamedTensorMap as never); };
          },
        });
      }
    }
    // warm up, pick a batch size per contender, then measure in interleaved rounds
    const fns = [];
    for (const c of contenders.filter((c) => !ONLY || ONLY.test(c.name))) {
      const fn = c.setup();
      await batch(fn, 2);
      const once = await batch(fn, 1);
      fns.push({ c, fn, reps: Math.max(1, Math.ceil(MIN_MS / Math.max(once, 1e-3))), ms: [] as number[] });
    }
    for (let r = 0; r < ROUNDS; r++) {
      for (const f of fns) {
        if (f.ms.some((m) => Number.isNaN(m))) continue;
        try {
          f.ms.push(await batch(f.fn, f.reps));
        } catch (e) {
          console.log(`\n  ${f.c.name} at N=${n}: ${(e as Error).message} (left out)`);
          f.ms.push(NaN);
        }
      }
      process.stdout.write(`\r  N=${n.toExponential(0)}: round ${r + 1}/${ROUNDS}`);
    }
    process.stdout.write('\n');
    for (const f of fns) {
      const ms = median(f.ms);
      results.push({ n, name: f.c.name, group: f.c.group, msPerStep: ms, nsPerParam: (ms * 1e6) / n, rounds: f.ms.length, reps: f.reps });
      f.c.teardown?.();
    }
  }

  // ratios and goals, from figures of this run only
  const ns = (name: string, n: number) => results.find((r) => r.name === name && r.n === n)?.nsPerParam ?? NaN;
  const goals: any[] = [];
  for (const n of SIZES.filter((s) => s >= 1e6)) {
    goals.push({ goal: 'adam / straightforward SIMD adam', n, value: ns('stepsize adam', n) / ns('simd-floor adam', n), target: '<= 1.3' });
    goals.push({ goal: 'plain-ts adam / adam', n, value: ns('plain-ts adam', n) / ns('stepsize adam', n), target: '>= 4' });
    goals.push({ goal: 'tfjs-wasm adam / adam', n, value: ns('tfjs-wasm adam', n) / ns('stepsize adam', n), target: '>= 4' });
    // NAdamW's look-ahead costs two multiplies per element over AdamW (reported, no goal)
    goals.push({ goal: 'nadamw / adamw', n, value: ns('stepsize nadamw', n) / ns('stepsize adamw', n), target: 'none' });
    for (const base of ['sgd', 'momentum']) {
      goals.push({ goal: `${base} / memcopy ${OUR_BYTES[base]}B (bytes it moves)`, n, value: ns(`stepsize ${base}`, n) / ns(`memcopy ${OUR_BYTES[base]}B`, n), target: '<= 1.5' });
      goals.push({ goal: `${base} / memcopy ${MIN_BYTES[base]}B (minimum bytes)`, n, value: ns(`stepsize ${base}`, n) / ns(`memcopy ${MIN_BYTES[base]}B`, n), target: '<= 1.5' });
    }
  }
  for (const n of SIZES) {
    // what the inline entry's smaller wasm costs (no goal: reported)
    for (const name of ['sgd', 'momentum', 'adam', 'clara/sgd', 'clara/adam']) {
      if (n < 1e6 && name.startsWith('clara')) continue;
      goals.push({ goal: `inline ${name} / stepsize ${name}`, n, value: ns(`inline ${name}`, n) / ns(`stepsize ${name}`, n), target: 'none' });
    }
  }
  for (const n of SIZES.filter((s) => s >= 1e6)) {
    // the features' cost (reported, no goal): groups against the same tensors without them
    for (const base of ['sgd', 'adamw']) {
      goals.push({ goal: `${base} 8 tensors / ${base}`, n, value: ns(`stepsize ${base} 8 tensors`, n) / ns(`stepsize ${base}`, n), target: 'none' });
      goals.push({ goal: `${base} 8 groups / ${base} 8 tensors`, n, value: ns(`stepsize ${base} 8 groups`, n) / ns(`stepsize ${base} 8 tensors`, n), target: 'none' });
      goals.push({ goal: `${base} 8 groups measured / ${base} 8 groups`, n, value: ns(`stepsize ${base} 8 groups measured`, n) / ns(`stepsize ${base} 8 groups`, n), target: 'none' });
      goals.push({ goal: `${base} + schedule / ${base}`, n, value: ns(`stepsize ${base} + schedule`, n) / ns(`stepsize ${base}`, n), target: 'none' });
      goals.push({ goal: `${base} + ema / ${base}`, n, value: ns(`stepsize ${base} + ema`, n) / ns(`stepsize ${base}`, n), target: 'none' });
    }
  }
  for (const n of SIZES.filter((s) => s >= 1e6)) {
    for (const r of RULE_PAIRS) {
      const name = `stepsize ${r.rule}/${r.base ?? 'none'}`;
      // reported without a goal: a rule that keeps a state vector must move more bytes than
      // the constant rule on its base (the README's Speed section has the byte counts)
      goals.push({ goal: `${r.rule}/${r.base ?? 'none'} / constant ${r.compare}`, n, value: ns(name, n) / ns(`stepsize ${r.compare}`, n), target: 'none', peer: !!r.peer });
    }
  }
  for (const g of goals) {
    const [op, lim] = g.target.split(' ');
    g.pass = op === 'none' ? null : op === '<=' ? g.value <= +lim : g.value >= +lim;
  }

  const names = [...new Set(results.map((r) => r.name))];
  const head = `${'ns/param per step'.padEnd(24)}${SIZES.map((s) => `N=${s.toExponential(0)}`.padStart(11)).join('')}`;
  console.log(`\n${head}\n${'-'.repeat(head.length)}`);
  for (const name of names) {
    console.log(`${name.padEnd(24)}${SIZES.map((s) => ns(name, s).toFixed(3).padStart(11)).join('')}`);
  }
  console.log(`\n${'goal'.padEnd(46)}    N    value   target   verdict`);
  for (const g of goals) {
    console.log(`${g.goal.padEnd(46)} ${g.n.toExponential(0).padStart(5)} ${g.value.toFixed(2).padStart(8)}   ${g.target.padEnd(7)}  ${g.pass === null ? '(no goal)' : g.pass ? 'met' : 'NOT met'}`);
  }
  const out = {
    when: new Date().toISOString(), quick: QUICK, rounds: ROUNDS,
    machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version, platform: process.platform },
    wasmBytes: readFileSync(new URL('../stepsize.wasm', import.meta.url)).length,
    results, goals,
  };
  const dir = new URL('../../bench/results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  // quick or filtered runs never replace the full run's results
  const file = QUICK || ONLY ? 'kernels.quick.json' : 'kernels.json';
  writeFileSync(new URL(file, dir), JSON.stringify(out, null, 2) + '\n');
  console.log(`\nwrote bench/results/${file} (stepsize.wasm ${out.wasmBytes} bytes)`);
}

await main();
