// What the reproduction runs: the methods (every rule × base pair, the constant
// rule, schedules and the parameter-free baselines), the experiments (problem, steps, batch,
// grid, seeds) and, per paper, the claim and how its verdict is computed from the results.
// bench/repro.mjs runs the jobs; bench/report.mjs turns results into tables, plots, RESULTS.md
// and CLAIMS.md.

export const LRS = [1, 1e-1, 1e-2, 1e-3, 1e-4, 1e-5];
export const SEEDS = [0, 1, 2];

const m = (label, cfg, extra = {}) => ({ label, cfg, ...extra });

/** Every rule × base pair the package defines, the constant rule, and the baselines. */
export const METHODS = [
  m('SGD', { rule: 'constant', base: 'sgd' }, { family: 'constant' }),
  m('Momentum', { rule: 'constant', base: 'momentum' }, { family: 'constant' }),
  m('Adam', { rule: 'constant', base: 'adam' }, { family: 'constant' }),
  m('SGD cosine', { rule: 'constant', base: 'sgd' }, { family: 'schedule', schedule: { kind: 'cosine', warmup: 0.05 } }),
  m('SGD step', { rule: 'constant', base: 'sgd' }, { family: 'schedule', schedule: { kind: 'step', warmup: 0.05 } }),
  m('Adam cosine', { rule: 'constant', base: 'adam' }, { family: 'schedule', schedule: { kind: 'cosine', warmup: 0.05 } }),
  m('SGD-GALA', { rule: 'gala', base: 'sgd' }, { family: 'gala' }),
  m('Momentum-GALA', { rule: 'gala', base: 'momentum' }, { family: 'gala' }),
  m('NSGD-GALA', { rule: 'gala', base: 'normalized' }, { family: 'gala' }),
  m('Adam-GALA', { rule: 'gala', base: 'adam' }, { family: 'gala' }),
  m('A-SGD', { rule: 'secant', base: 'sgd' }, { family: 'secant' }),
  m('A-SGDM', { rule: 'secant', base: 'momentum' }, { family: 'secant' }),
  m('A-SignSGD', { rule: 'secant', base: 'sign' }, { family: 'secant' }),
  m('ELRA c2min', { rule: 'c2min' }, { family: 'elra' }),
  m('ELRA p2min', { rule: 'p2min' }, { family: 'elra' }),
  m('SGD-CLARA', { rule: 'clara', base: 'sgd' }, { family: 'clara' }),
  m('Adam-CLARA', { rule: 'clara', base: 'adam' }, { family: 'clara' }),
  m('SGD-CSA (2017)', { rule: 'csa', base: 'sgd' }, { family: 'clara' }),
  m('Adam-CSA (2017)', { rule: 'csa', base: 'adam' }, { family: 'clara' }),
  m('SGD-GLyDER', { rule: 'glyder', base: 'sgd' }, { family: 'glyder', init: 'none' }),
  m('Momentum-GLyDER', { rule: 'glyder', base: 'momentum' }, { family: 'glyder', init: 'none' }),
  m('Adam-GLyDER', { rule: 'glyder', base: 'adam' }, { family: 'glyder', init: 'none' }),
  m('D-Adapt SGD', { rule: 'dadapt', base: 'sgd' }, { family: 'peer', init: 'd0' }),
  m('D-Adapt Adam', { rule: 'dadapt', base: 'adam' }, { family: 'peer', init: 'd0' }),
  m('Prodigy', { rule: 'prodigy', base: 'adam' }, { family: 'peer', init: 'd0' }),
  m('DoG', { rule: 'dog', base: 'sgd' }, { family: 'peer', init: 'repsRel' }),
  // Schedule-Free (its official advice: tune lr, use a warmup; here 5% of the run, the core's
  // schedule option), and NAdamW + warmup + cosine (to 0), the AlgoPerf baseline's form, with
  // its LR tuned on the grid like the other baselines, and once with AlgoPerf's self-tuning
  // baseline hyperparameters (mlcommons/algorithmic-efficiency,
  // prize_qualification_baselines/self_tuning/jax_nadamw_full_budget.py: calibrated on
  // AlgoPerf's workloads, not these), which takes no grid value
  m('SF-SGD', { rule: 'schedulefree', base: 'sgd' }, { family: 'peer', coreSchedule: { warmup: 0.05 } }),
  m('SF-AdamW', { rule: 'schedulefree', base: 'adamw' }, { family: 'peer', coreSchedule: { warmup: 0.05 } }),
  m('NAdamW cosine', { rule: 'constant', base: 'nadamw' }, { family: 'schedule', coreSchedule: { warmup: 0.05, decay: 'cosine', final: 0 } }),
  m('NAdamW AlgoPerf', {
    rule: 'constant', base: 'nadamw', lr: 0.0017486387539278373, beta1: 1 - 0.06733926164, beta2: 0.9955159689799007, weightDecay: 0.08121616522670176,
  }, { family: 'schedule', init: 'none', coreSchedule: { warmup: 0.02, decay: 'cosine', final: 0 } }),
];
/** The baselines every claim's table shows beside the rules (best value of their grid). */
export const BASELINES = ['SGD', 'Momentum', 'Adam', 'SGD cosine', 'SGD step', 'Adam cosine', 'NAdamW cosine', 'NAdamW AlgoPerf', 'D-Adapt SGD', 'D-Adapt Adam', 'Prodigy', 'DoG', 'SF-SGD', 'SF-AdamW'];

export const method = (label) => METHODS.find((x) => x.label === label) ?? (() => { throw new Error(`no method ${label}`); })();

/**
 * Experiments. Each expands to jobs (problem × method × grid value × seed). `metric` names
 * the final number the tables show: test accuracy for classifiers, loss (or distance to the
 * optimum) for the synthetic problems.
 */
export function experiments(quick) {
  const seeds = SEEDS;
  const out = [];
  // 1. Robustness to the initial LR (GALA, CLARA, ELRA's common claim), every method
  const robust = quick
    ? [['quadratic-noisy', 300, 1], ['mnist-softmax', 300, 128]] // (with 3 seeds: ~40 s on 2 cores)
    : [['quadratic', 1000, 1], ['quadratic-noisy', 1000, 1], ['rosenbrock-2', 1000, 1], ['rosenbrock-100', 1000, 1],
      ['saddle', 300, 1], ['iris', 500, 16], ['mnist-softmax', 600, 128], ['mnist-mlp', 400, 128]];
  for (const [problem, steps, batch] of robust) {
    out.push({ exp: 'robustness', problem, steps, batch, methods: METHODS, values: LRS, seeds });
  }
  if (quick) return out;
  // 2. Secant: A-SGD vs SGD with η_t = c/(t+1)^γ over a (c, γ) grid, on logistic regression and the MLP
  const poly = [0, 0.25, 0.5, 0.75, 1].map((gamma) => m(`SGD c/(t+1)^${gamma}`, { rule: 'constant', base: 'sgd' }, { family: 'schedule', schedule: { kind: 'poly', gamma } }));
  for (const [problem, steps, batch] of [['iris', 500, 16], ['mnist-mlp', 400, 128]]) {
    out.push({ exp: 'secant-schedule', problem, steps, batch, methods: poly, values: [3, 1, 0.3, 0.1, 0.03, 0.01], seeds });
    out.push({ exp: 'secant-schedule', problem, steps, batch, methods: [method('A-SGD')], values: [1e-3], seeds });
  }
  // ... and its insensitivity to b_H (the fresh batch the LR is measured on)
  for (const fresh of [10, 50, 100, 150]) {
    out.push({ exp: 'secant-bh', problem: 'mnist-mlp', steps: 400, batch: 128, fresh, methods: [{ ...method('A-SGD'), label: `A-SGD b_H=${fresh}` }], values: [1e-3], seeds });
  }
  // 3. ELRA: MNIST with the authors' 784-10-10 net, c2min at batch 24, p2min at 32, Adam at 256, 3 epochs each
  const epochs = 3, train = 7999;
  out.push({ exp: 'elra', problem: 'mnist-elra', steps: Math.ceil(epochs * train / 24), batch: 24, methods: [method('ELRA c2min')], values: [1e-5], seeds });
  out.push({ exp: 'elra', problem: 'mnist-elra', steps: Math.ceil(epochs * train / 32), batch: 32, methods: [method('ELRA p2min')], values: [1e-5], seeds });
  const adamSteps = Math.ceil(epochs * train / 256);
  out.push({ exp: 'elra', problem: 'mnist-elra', steps: adamSteps, batch: 256, methods: [method('Adam'), method('Adam cosine')], values: [1e-1, 3e-2, 1e-2, 3e-3, 1e-3, 3e-4], seeds });
  // the baselines at the same batch and epochs as Adam
  out.push({ exp: 'elra', problem: 'mnist-elra', steps: adamSteps, batch: 256, methods: [method('SGD'), method('Momentum'), method('SGD cosine'), method('SGD step')], values: [1, 0.3, 0.1, 0.03, 0.01], seeds });
  out.push({ exp: 'elra', problem: 'mnist-elra', steps: adamSteps, batch: 256, methods: [method('D-Adapt SGD'), method('D-Adapt Adam'), method('Prodigy'), method('DoG')], values: [1e-6], seeds });
  out.push({ exp: 'elra', problem: 'mnist-elra', steps: adamSteps, batch: 256, methods: [method('SF-SGD'), method('SF-AdamW'), method('NAdamW cosine')], values: [1, 1e-1, 1e-2, 1e-3, 1e-4], seeds });
  out.push({ exp: 'elra', problem: 'mnist-elra', steps: adamSteps, batch: 256, methods: [method('NAdamW AlgoPerf')], values: [1], seeds });
  // ... and rotation invariance: the same quadratic axis-aligned and rotated
  for (const problem of ['quadratic-100', 'quadratic-rotated']) {
    out.push({ exp: 'rotation', problem, steps: 300, batch: 1, methods: [method('ELRA c2min'), method('ELRA p2min'), method('Adam')], values: [1e-3], seeds: [0] });
  }
  // 4. CLARA on MNIST with its 784-256-128-10 MLP from initial LR 1e-6 (batch 128)
  out.push({
    exp: 'clara-mnist', problem: 'mnist-clara', steps: 1500, batch: 128, values: [1e-6], seeds,
    methods: [method('SGD'), method('SGD-CLARA'), m('SGD-CLARA d=1e-2', { rule: 'clara', base: 'sgd', damping: 1e-2 }, { family: 'clara' }),
      method('Adam'), method('Adam-CLARA'), method('D-Adapt SGD'), method('D-Adapt Adam'), method('Prodigy'), method('DoG'), method('SF-SGD'), method('SF-AdamW')],
  });
  // 5. GLyDER without warm-up or decay vs a tuned cosine schedule with warm-up (MLP; the same
  //    steps and batch as the robustness runs, whose baselines stand beside it)
  out.push({ exp: 'glyder-cosine', problem: 'mnist-mlp', steps: 400, batch: 128, methods: [method('SGD-GLyDER'), method('Momentum-GLyDER'), method('Adam-GLyDER')], values: [1], seeds });
  out.push({ exp: 'glyder-cosine', problem: 'mnist-mlp', steps: 400, batch: 128, methods: [method('SGD cosine')], values: [1, 0.3, 0.1, 0.03], seeds });
  out.push({ exp: 'glyder-cosine', problem: 'mnist-mlp', steps: 400, batch: 128, methods: [method('Adam cosine'), method('NAdamW cosine')], values: [1e-2, 3e-3, 1e-3, 3e-4], seeds });
  out.push({ exp: 'glyder-cosine', problem: 'mnist-mlp', steps: 400, batch: 128, methods: [method('NAdamW AlgoPerf')], values: [1], seeds });
  // 6. GLyDER's own two experiments: its smoothness estimators (the 1-d projection, a gradient at
  //    x − τd on the fresh batch; GNB, a gradient on the fresh batch with labels sampled from the
  //    model), on softmax regression and the MLP with the robustness runs' steps and batch (whose
  //    baselines stand beside them); and the extra minibatches, curvature every k steps
  for (const [problem, steps] of [['mnist-softmax', 600], ['mnist-mlp', 400]]) {
    out.push({ exp: 'glyder-smoothness', problem, steps, batch: 128, methods: GLYDERS.flatMap((l) => [method(l), glyderWith(l, 'gnb', 1)]), values: [1], seeds });
  }
  for (const k of CURVATURE_EVERY) {
    for (const l of ['SGD-GLyDER', 'Adam-GLyDER']) {
      out.push({ exp: 'glyder-every', problem: 'mnist-mlp', steps: 400, batch: 128, methods: [glyderWith(l, 'projection', k), glyderWith(l, 'gnb', k)], values: [1], seeds });
    }
  }
  return out;
}

export const GLYDERS = ['SGD-GLyDER', 'Momentum-GLyDER', 'Adam-GLyDER'];
export const CURVATURE_EVERY = [1, 2, 4, 8];
/** A GLyDER method with a smoothness estimator and curvatureEvery k (GNB's batchSize: the fresh batch, 128 here). */
export function glyderWith(label, smoothness, k) {
  const base = method(label), gnb = smoothness === 'gnb';
  return {
    ...base, label: `${label}${gnb ? ' GNB' : ''}${k > 1 ? ` k=${k}` : ''}`,
    cfg: { ...base.cfg, ...(k > 1 ? { curvatureEvery: k } : {}), ...(gnb ? { smoothness, batchSize: 128 } : {}) },
  };
}

/** Jobs of all experiments; a method with init 'none' (no initial LR) runs once per seed. */
export function jobs(quick) {
  const list = [];
  for (const e of experiments(quick)) {
    for (const meth of e.methods) {
      const values = meth.init === 'none' ? [e.values[0]] : e.values;
      for (const value of values) {
        for (const seed of e.seeds) {
          list.push({ id: list.length, exp: e.exp, problem: e.problem, steps: e.steps, batch: e.batch, fresh: e.fresh, method: meth, value, seed });
        }
      }
    }
  }
  return list;
}
