// One training run of the reproduction (bench/repro.mjs hands these to worker threads):
// a problem, a method (rule, base, options; or the constant rule under a schedule), an
// initial LR from the grid, a seed. The loop is the one a user writes: draw a minibatch,
// compute loss and gradient into opt.grads, step (with the loss for ELRA, with a closure for
// the rules that need more evaluations), and read opt.lr and opt.stats for the curves.
import { load } from '../build/index.js';
import { problem } from './problems.mjs';

let ss;
const problems = new Map();

/** The schedule's LR at step t of T (peak = the grid value): warm-up, then decay. */
export function scheduled(s, peak, t, T) {
  const warm = Math.floor((s.warmup ?? 0) * T);
  if (t < warm) return peak * (t + 1) / warm;
  const u = (t - warm) / Math.max(1, T - warm);
  if (s.kind === 'cosine') return Math.max(peak * 1e-3, peak * 0.5 * (1 + Math.cos(Math.PI * u)));
  if (s.kind === 'step') return peak * 0.1 ** ((u >= 0.5) + (u >= 0.75));
  if (s.kind === 'poly') return peak / (t + 1) ** s.gamma; // η_t = c/(t+1)^γ (the secant paper's baseline)
  throw new Error(`unknown schedule ${s.kind}`);
}

/** The create() options of a method at a grid value: which option the grid value sets. */
export function options(method, value, steps = 0) {
  const o = { ...method.cfg };
  // a schedule of the core (its warmup as a fraction of the run; cosine decays reach `final` at the last step)
  const cs = method.coreSchedule;
  if (cs) o.schedule = { ...cs, warmup: Math.floor(cs.warmup * steps), ...(cs.decay && cs.decay !== 'constant' ? { total: steps } : {}) };
  switch (method.init ?? 'lr') {
    case 'lr': o.lr = value; break;
    case 'd0': o.d0 = value; break;           // dadapt, prodigy: the initial distance estimate
    case 'repsRel': o.repsRel = value; break; // dog: the first step's relative size
    case 'none': break;                       // glyder: no initial LR (η comes from curvature)
  }
  return o;
}

export async function run(job) {
  ss ??= await load();
  if (!problems.has(job.problem)) problems.set(job.problem, await problem(job.problem));
  const prob = problems.get(job.problem);
  const { method, value, seed, steps } = job;
  const opt = ss.create({ size: prob.n, params: prob.x0(seed), ...options(method, value, steps) });
  const sess = prob.session(1000 + seed, job.batch ?? 1, job.fresh ?? job.batch ?? 1);
  const form = ss.rules.find((r) => r.id === opt.config.rule).step; // how its step is called (ss.rules)
  const closureRule = form === 'closure', lossRule = form === 'loss';
  let evals = 0, diverged = false, done = 0, ema = NaN;
  const closure = (p, g, req) => { evals++; return sess.evaluate(p, g, req.batch); };
  const every = Math.max(1, Math.floor(steps / 100));
  const curve = { t: [], loss: [], lr: [], signal: [], evals: [] };
  const t0 = performance.now();
  for (let t = 0; t < steps; t++) {
    if (method.schedule) opt.setLr(scheduled(method.schedule, value, t, steps));
    const loss = sess.evaluate(opt.params, opt.grads, 'next');
    evals++;
    if (!Number.isFinite(loss)) { diverged = true; break; }
    ema = Number.isNaN(ema) ? loss : 0.9 * ema + 0.1 * loss;
    try {
      if (closureRule) await opt.step(closure);
      else if (lossRule) opt.step(loss);
      else opt.step();
    } catch (e) {
      if (e.code === 'E_DIVERGED' || e.code === 'E_GRADIENT') { diverged = true; break; }
      throw e;
    }
    done = t + 1;
    if (t % every === 0 || t === steps - 1) {
      curve.t.push(t); curve.loss.push(prob.stochastic ? ema : loss); curve.lr.push(opt.lr); curve.evals.push(evals);
      const st = opt.stats;
      curve.signal.push(st.gradNorm);
    }
  }
  const x = opt.average ?? opt.params;
  let final = { trainLoss: NaN };
  if (!diverged) {
    const trainLoss = prob.full(x);
    final = { trainLoss: Number.isFinite(trainLoss) ? trainLoss : NaN, ...prob.test(x) };
    if (!Number.isFinite(trainLoss)) diverged = true;
  }
  opt.dispose();
  return {
    id: job.id, exp: job.exp, problem: job.problem, method: method.label, value, seed, setup: { steps, batch: job.batch ?? 1 },
    steps: done, evals, diverged, final, curve, ms: Math.round(performance.now() - t0),
  };
}
