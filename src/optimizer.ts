// One optimizer: one WASM instance whose memory holds params, grads, the base's and rule's
// state and the scalar state. This class lays out, validates and adapts; the numbers are
// all computed in the module.
import { fail, describe } from './errors.js';
import { keepsSecondMoment } from './bases.js';
import { RULES, baseId, resolveConfig, encodeHyper, ruleOf, scalarSlots, tensorStateOf, type Config, type CreateOptions, type RuleName } from './options.js';
import type { RULE_LIST, DEFAULT_RULE } from './rules/index.js';
import { resolveLayout, checkParams, copyCompact, segmentLengths, type Layout, type TensorInfo } from './layout.js';
import { addr, headerRegion, segmentRegion, type Exports, type Tables } from './wasm.js';
import { writeCheckpoint } from './checkpoint.js';
import { resolveGroups, tensorValues, type Group } from './groups.js';

/** Telemetry of the last step, common to every rule. */
export type CommonStats = {
  /** updates applied so far */
  step: number;
  /** steps skipped for a non-finite gradient */
  skipped: number;
  /** learning rate the last update used: the rule's (with the schedule's m(t) in it for the rules that take it into their LR: docs/options.md) */
  lr: number;
  /** the schedule's m(t) at the last step (1 without a schedule) */
  schedule: number;
  /** global L2 norm of the last raw gradient */
  gradNorm: number;
  /** factor the gradient was scaled by to meet clipNorm (1 = not clipped) */
  clipScale: number;
};
type Described<R> = Extract<(typeof RULE_LIST)[number], { id: R }>;
/**
 * Rule R's stats: the common ones, its own signals (its description's `stats`), and `retraces`
 * for rules that take the loss. For an optimizer whose rule is not known statically (and for
 * the default rule), any signal name reads as `number | undefined`.
 */
export type Stats<R extends RuleName = RuleName> = [RuleName] extends [R] ? LooseStats : [R] extends [typeof DEFAULT_RULE] ? LooseStats
  : R extends RuleName
    ? CommonStats & { [K in Described<R>['stats'][number]]: number } & (Described<R>['step'] extends 'loss' ? { /** steps that were retraced */ retraces: number } : unknown)
    : never;
/** The stats of an optimizer whose rule is not known statically (or the default rule, which adds no signals). */
type LooseStats = CommonStats & { /** steps that were retraced (rules that take the loss) */ retraces?: number; [signal: string]: number | undefined };

/** A parameter group as opt.groups reports it. */
export interface GroupStats extends Group {
  /** ‖Δx‖ of the group's tensors at the last step, with `measureSteps` (0 frozen or before the first step; NaN without it or where the rule does not measure it) */
  readonly stepNorm: number;
}

export interface TensorView { name: string; shape: number[]; offset: number; params: Float32Array; grads: Float32Array }

/** A gradient evaluation the optimizer asks of the caller (rules that need more than one). */
export interface Request { batch: 'same' | 'fresh' | 'repeat' | 'sampled' }
export type Closure = (params: Float32Array, grads: Float32Array, request: Request) => number | Promise<number>;

/** One optimizer; R is its rule, when the options named it (it types `stats`). */
export class Optimizer<R extends RuleName = RuleName> {
  /** The resolved configuration: base, rule and every option with its default filled in; replaced, never mutated, by setLr. */
  config: Readonly<Config>;
  /** Number of parameters. */
  readonly size: number;
  #x: Exports | null;
  #t: Tables;
  #layout: Layout;
  #params: Float32Array;
  #grads: Float32Array;
  #average: Float32Array | null;
  #ema: Float32Array | null;
  #state: Float64Array;
  #stats: Float64Array;
  #busy = false;
  /** how the rule's step is called (its description's `step`) */
  #form: 'plain' | 'loss' | 'closure';

  /** @internal use Stepsize.create or Stepsize.restore */
  constructor(exports: Exports, tables: Tables, config: Config, layout: Layout) {
    this.#x = exports;
    this.#t = tables;
    this.config = Object.freeze({ ...config });
    this.#form = ruleOf(config.rule).step;
    this.#layout = layout;
    this.size = layout.n;
    const buf = exports.memory.buffer;
    this.#params = new Float32Array(buf, addr(exports.params()), layout.span);
    this.#grads = new Float32Array(buf, addr(exports.grads()), layout.span);
    const avg = addr(exports.average());
    this.#average = avg === 0 ? null : new Float32Array(buf, avg, layout.span);
    const e = addr(exports.emaPtr());
    this.#ema = e === 0 ? null : new Float32Array(buf, e, layout.span);
    this.#state = headerRegion(exports, tables, 'STATE');
    this.#stats = headerRegion(exports, tables, 'STATS');
    live++;
  }

  #live(): Exports {
    return this.#x ?? fail('E_STATE', 'this optimizer was disposed');
  }

  /** For calls that change, capture or hash state: not while a closure step is running. */
  #idle(): Exports {
    const x = this.#live();
    if (this.#busy) fail('E_STATE', 'a step with a closure is still running (await it first)');
    return x;
  }

  /** After a closure returned: the optimizer it ran for must still be there. */
  #still(x: Exports): void {
    if (this.#x !== x) fail('E_STATE', 'this optimizer was disposed while its step was running; the step was abandoned');
  }

  /**
   * The flat parameters, a Float32Array view into WASM memory (zero copy). With `tensors`, each
   * tensor starts at its `offset` (a multiple of 64) and the view spans the zero padding between
   * them (what is written there is not data: each step clears it); `opt.tensor(name)` views one.
   */
  get params(): Float32Array { this.#live(); return this.#params; }
  /** The flat gradient the caller writes before step(). */
  get grads(): Float32Array { this.#live(); return this.#grads; }
  /**
   * The averaged iterate the rule keeps, a read-only-by-convention view (evaluate and deploy
   * at these parameters, as the paper of a rule that keeps one does); null for rules that keep none.
   */
  get average(): Float32Array | null { this.#live(); return this.#average; }
  /**
   * With `ema`: the exponential moving average of the weights, a Float32Array view laid out as
   * `params` (e = x after the first step, then e ← ema·e + (1 − ema)·x after every completed
   * one); null without. Checkpoints carry it.
   */
  get ema(): Float32Array | null { this.#live(); return this.#ema; }
  /**
   * @internal Each segment's six sums from the last pass that made sums (tensor order; one
   * segment without tensors). For tests of the segment machinery; not part of the API.
   */
  segmentSums(): Float64Array[] {
    const x = this.#live();
    return segmentLengths(this.#layout).map((_, k) => segmentRegion(x, this.#t, this.#layout.table!, k, 'SEG_SUMS', 6).slice());
  }

  /** Tensor layout, when created with `tensors`. */
  get tensors(): readonly TensorInfo[] { return this.#layout.tensors; }

  /** Views of one named tensor's slice of params and grads. */
  tensor(name: string): TensorView {
    const x = this.#live();
    const t = this.#layout.tensors.find((t) => t.name === name);
    if (!t) {
      const names = this.#layout.tensors.map((t) => `'${t.name}'`).join(', ');
      fail('E_SIZE', `no tensor '${name}'; ${names ? `tensors are ${names}` : 'this optimizer was created with size, not tensors'}`);
    }
    const buf = x.memory.buffer;
    return {
      name: t.name, shape: [...t.shape], offset: t.offset,
      params: new Float32Array(buf, addr(x.params()) + 4 * t.offset, t.length),
      grads: new Float32Array(buf, addr(x.grads()) + 4 * t.offset, t.length),
    };
  }

  /** The learning rate the last step used (before the first step: the configured lr). */
  get lr(): number {
    this.#live();
    return this.#state[this.#t.state.get('step')!] > 0 ? this.#state[this.#t.state.get('lr')!] : this.config.lr!;
  }

  /**
   * Sets the learning rate from the next step on, for the rule whose LR the caller sets (the
   * default rule): for schedules (warm-up, step or cosine decay) driven by the caller.
   * Adaptive rules own their LR.
   */
  setLr(lr: number): void {
    const x = this.#idle();
    if (!ruleOf(this.config.rule).setLr) {
      fail('E_OPTION', `rule '${this.config.rule}' adapts its own learning rate; setLr applies to ${RULES.filter((r) => ruleOf(r).setLr).map((r) => `rule '${r}'`).join(', ')} (for schedules)`);
    }
    if (typeof lr !== 'number' || !Number.isFinite(lr) || !(lr > 0)) fail('E_OPTION', `setLr takes a finite number > 0; got ${String(lr)}`);
    headerRegion(x, this.#t, 'HYPER')[this.#t.hyper.get('lr')!] = lr;
    this.config = Object.freeze({ ...this.config, lr });
  }

  /**
   * Reports a metric (e.g. the validation loss) to a `schedule` with decay 'plateau': after
   * more than `patience` reports without improvement, the schedule's multiplier falls by
   * `factor` (torch.optim.lr_scheduler.ReduceLROnPlateau's rules; docs/options.md).
   */
  report(metric: number): void {
    const x = this.#idle();
    if (this.config.schedule.decay !== 'plateau') {
      fail('E_OPTION', `report() feeds a schedule with decay 'plateau'; this optimizer's schedule has decay '${this.config.schedule.decay}'`);
    }
    if (typeof metric !== 'number' || !Number.isFinite(metric)) {
      fail('E_OPTION', `report() takes a finite number (the metric, e.g. the validation loss); got ${describe(metric)}; nothing was changed`);
    }
    x.report(metric);
  }

  /** Telemetry of the last step: lr and each rule's own signals. */
  get stats(): Stats<R> {
    this.#live();
    const rule = this.config.rule;
    const out: Record<string, number> = {
      step: this.#state[this.#t.state.get('step')!],
      skipped: this.#state[this.#t.state.get('skipped')!],
    };
    if (this.#form === 'loss') out.retraces = this.#state[this.#t.state.get('retraces')!];
    for (const [name, i] of scalarSlots(this.#t, rule, 'stats')) out[name.slice(name.indexOf('.') + 1)] = this.#stats[i];
    return out as Stats<R>;
  }

  /**
   * The parameter groups, resolved (each with the tensors it took), in the order of `groups`,
   * then the tensors no group took (when there are any), each with its step norm ‖Δx‖ at the
   * last step when created with `measureSteps: true` (0 for a frozen group; float32 sums, for
   * telemetry; NaN otherwise, and for the rules whose update does not measure it). Empty
   * without groups.
   */
  get groups(): readonly GroupStats[] {
    const x = this.#live(), groups = this.config.groups;
    if (!groups) return [];
    const { tensors, table } = this.#layout, names = tensors.map((t) => t.name), v = tensorValues(this.config as Config, names.length, names);
    const rest = names.filter((_, k) => v.group[k] < 0);
    const all = [...groups, ...(rest.length ? [{ tensors: rest, lrScale: 1, ...(this.config.weightDecay === undefined ? {} : { weightDecay: this.config.weightDecay as number }) }] : [])];
    const measured = this.config.measureSteps === true && ruleOf(this.config.rule).stepNorms !== false;
    // each group's ‖Δx‖²: its tensors' (the rest's at the end)
    const sq = new Array<number>(all.length).fill(0);
    v.group.forEach((g, t) => { sq[g < 0 ? groups.length : g] += segmentRegion(x, this.#t, table!, t, 'SEG_MOVED', 1)[0]; });
    return all.map((g, k) => Object.freeze({ ...g, stepNorm: measured ? Math.sqrt(sq[k]) : NaN }));
  }

  /**
   * Whether step(loss) will use the gradient. Rules that take the loss may
   * retrace instead of stepping when the loss is too high; then the caller can skip backprop.
   * Always true for other rules.
   */
  wantsGradient(loss: number): boolean {
    const x = this.#live();
    if (typeof loss !== 'number') fail('E_LOSS', `wantsGradient() takes the minibatch loss, a number; got ${typeof loss}`);
    return x.wantsGradient(loss) !== 0;
  }

  /**
   * One update from `grads`. `step(loss)` passes the minibatch loss (rules that need it);
   * `await step(closure)` lets rules that need more gradient evaluations ask for them
   * (rules that need none never call it).
   */
  step(): void;
  step(loss: number): void;
  step(closure: Closure): Promise<void>;
  step(arg?: number | Closure): void | Promise<void> {
    // (the closure form is async: every error it meets, a busy or disposed optimizer
    // included, rejects its promise rather than throwing at the call)
    if (typeof arg === 'function') return this.#closureStep(arg);
    const x = this.#idle();
    const rule = this.config.rule;
    if (this.#form === 'closure') {
      fail('E_OPTION', `rule '${rule}' evaluates gradients at other points: call await step(closure), ` +
        'where closure(params, grads, request) writes the gradient at params into grads');
    }
    if (arg !== undefined && typeof arg !== 'number') {
      fail('E_OPTION', `step() takes nothing, the minibatch loss (a number) or a closure; got ${typeof arg}`);
    }
    if (arg === undefined && this.#form === 'loss') {
      this.#needsLoss();
    }
    this.#apply(x, arg ?? 0, arg === undefined ? 0 : 1);
  }

  /**
   * The synchronous form of `step(closure)`, for callers whose gradient code is synchronous
   * (TensorFlow.js's `optimizer.minimize`, plain JS models): the closure must return the loss,
   * not a promise. Everything else is as in `step(closure)`.
   */
  stepSync(closure: (params: Float32Array, grads: Float32Array, request: Request) => number): void {
    const x = this.#idle();
    if (typeof closure !== 'function') fail('E_OPTION', `stepSync() takes a closure; got ${typeof closure}`);
    if (this.#form === 'loss') this.#needsLoss();
    for (const { view, batch } of this.#evaluations(x)) {
      const r = closure(this.#params, view, { batch }) as unknown;
      if (r !== null && (typeof r === 'object' || typeof r === 'function') && typeof (r as { then?: unknown }).then === 'function') {
        // its outcome is dropped, so a rejection must not surface as an unhandled one
        try { (r as PromiseLike<unknown>).then(undefined, () => {}); } catch { /* a thenable that throws */ }
        fail('E_OPTION', 'stepSync() needs a closure that returns the loss synchronously; for an async one, await step(closure). ' +
          'Nothing was changed');
      }
      this.#still(x);
    }
    this.#apply(x, 0, 0);
  }

  #needsLoss(): never {
    return fail('E_LOSS', `rule '${this.config.rule}' needs the minibatch loss with each step: call step(loss) (its acceptance test and retrace use it)`);
  }

  /**
   * The gradient evaluations the next step needs, one at a time: params are at the evaluation
   * point while the consumer holds an item, and put back exactly when it moves on or leaves
   * the loop (also by a throw, which ends the generator through its finally blocks). The
   * optimizer is busy meanwhile. Both closure steps, sync and async, iterate this.
   */
  *#evaluations(x: Exports): Generator<{ batch: Request['batch']; view: Float32Array }> {
    this.#busy = true;
    try {
      const count = x.probes();
      for (let k = 0; k < count; k++) {
        const id = x.probeBatch(k);
        const batch = ([...this.#t.batches].find(([, v]) => v === id)?.[0] ?? 'same') as Request['batch'];
        const view = new Float32Array(x.memory.buffer, addr(x.probeGrads(k)), this.#layout.span);
        x.probeEnter(k);
        try {
          yield { batch, view };
        } finally {
          x.probeLeave(k);
        }
      }
    } finally {
      this.#busy = false;
    }
  }

  /**
   * Asks the closure for each gradient evaluation the rule needs. params are moved to the
   * evaluation point and always put back (exactly, also when the closure throws); the
   * closure writes into a scratch view, so opt.grads keeps the caller's gradient.
   */
  async #closureStep(closure: Closure): Promise<void> {
    const x = this.#idle();
    if (this.#form === 'loss') this.#needsLoss();
    for (const { view, batch } of this.#evaluations(x)) {
      await closure(this.#params, view, { batch });
      this.#still(x);
    }
    this.#apply(x, 0, 0);
  }

  #apply(x: Exports, loss: number, hasLoss: number): void {
    const code = x.step(loss, hasLoss);
    if (code === this.#t.codes.get('OK')) return;
    if (code === this.#t.codes.get('BAD_LOSS')) {
      fail('E_LOSS', `the first ${this.config.rule} step needs a finite loss (it becomes the reference the acceptance test uses); got ${loss}; nothing was changed`);
    }
    if (code === this.#t.codes.get('NONFINITE_GRAD')) {
      if (this.config.nonFinite === 'skip') return;
      fail('E_GRADIENT', 'the gradient holds NaN or ±Infinity; nothing was changed. ' +
        "Pass nonFinite: 'skip' to count and skip such steps instead");
    }
    if (code === this.#t.codes.get('GRAD_RANGE')) {
      fail('E_GRADIENT', `the gradient is finite, but a coordinate of it reaches 2^64 (~1.8e19, largest |g| here ${maxAbs(this.#grads)}), ` +
        `so its float32 square overflows where ${keepsSecondMoment(this.config.base) ? "Adam's second moment" : `rule '${this.config.rule}'`} needs it; ` +
        'nothing was changed. Set clipNorm (bases that take it clip the gradient first), or scale the loss down');
    }
    // Diverged: the update was applied. Which advice works depends on what overflowed.
    const where = this.#stateFinite(x) ? 'params' : 'state';
    fail('E_DIVERGED', `step ${this.stats.step} produced non-finite ${where === 'params' ? 'parameters' : "values in the optimizer's state"} ` +
      '(the learning rate is too large for this problem, or the gradient too large for float32). ' + (where === 'params'
        ? `The state is intact: write finite values into opt.params${ruleOf(this.config.rule).setLr ? ' and lower the learning rate with setLr()' : ''} to continue, or restore a checkpoint`
        : 'Writing params will not help: restore a checkpoint saved before this step, or create a new optimizer'));
  }

  /** Whether every saved state vector and scalar holds finite values (params aside). */
  #stateFinite(x: Exports): boolean {
    return x.slotsFinite() !== 0 && this.#state.every((v) => Number.isFinite(v));
  }

  /** 64-bit hash of the parameters' bytes, as 16 hex digits: a trajectory fingerprint. */
  paramsHash(): string {
    const x = this.#idle(); // (during a closure step params hold a probe point)
    if (!x.stateFinite()) fail('E_STATE', 'parameters or state are non-finite: NaN bit patterns are not portable, so they are not hashed');
    return BigInt.asUintN(64, x.paramsHash()).toString(16).padStart(16, '0');
  }

  /**
   * The whole state, named so that later versions read it: options, scalar state and stats by
   * name, params and state vectors by role, versioned and checksummed (src/checkpoint.ts).
   */
  save(): Uint8Array {
    const x = this.#idle();
    if (!x.stateFinite()) fail('E_STATE', 'parameters or state are non-finite; a checkpoint never holds NaN or ±Infinity');
    return writeCheckpoint(x, this.#t, this.config as Config, this.#layout);
  }

  /**
   * Drops the WASM instance and every view of its memory, so the engine can free it at once;
   * every later call throws. A closure step still running rejects with E_STATE when its
   * closure returns. Disposing twice is harmless.
   */
  dispose(): void {
    if (this.#x) live--;
    this.#x = null;
    this.#params = this.#grads = new Float32Array(0);
    this.#average = this.#ema = null;
    this.#state = this.#stats = new Float64Array(0);
  }
}

function maxAbs(a: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) if (Math.abs(a[i]) > m) m = Math.abs(a[i]);
  return m;
}

/** Optimizers created and not yet disposed in this realm (for the out-of-memory message). */
let live = 0;

/** What the entry knows of its runtime's memory limit, for E_MEMORY (the edge entry sets it). */
export const limits = { note: '' };

/** Instantiates and lays out a new optimizer; the options are validated first. */
export function createOptimizer(module: WebAssembly.Module, tables: Tables, options: CreateOptions): Optimizer<RuleName> {
  if (options === null || typeof options !== 'object') fail('E_OPTION', 'create() takes an options object, e.g. { size: 10, base: "adam" }');
  const own = { ...options } as Record<string, unknown>; // own properties only, read once
  const resolved = resolveConfig(own);
  const compact = resolveLayout(own.size, own.tensors);
  const groups = resolveGroups(own.groups, compact, resolved, ruleOf(resolved.rule));
  const config: Config = groups ? { ...resolved, groups } : resolved;
  const perTensor = ruleOf(config.rule).tensorState;
  if (tensorStateOf(config) && !compact.tensors.length) {
    fail('E_OPTION', `option '${perTensor!.option}' of rule '${config.rule}' keeps state per tensor: it needs 'tensors'`);
  }
  const params = own.params === undefined ? undefined : checkParams(own.params, compact.n);
  const { x, layout } = instantiate(module, tables, config, compact);
  const opt = new Optimizer(x, tables, config, layout);
  if (params) copyCompact(opt.params, Float32Array.from(params), layout, true);
  return opt;
}

/** A fresh instance laid out for this config (the header's hyperparameters written), and the layout as the module placed it. */
export function instantiate(module: WebAssembly.Module, tables: Tables, config: Config, compact: Layout): { x: Exports; layout: Layout } {
  let x: Exports;
  try {
    x = new WebAssembly.Instance(module, {}).exports as unknown as Exports;
  } catch (e) {
    return fail('E_MEMORY', `this engine could not create another WebAssembly instance (${(e as Error)?.message ?? e}). ` +
      `${live} optimizers are live (created and not disposed); engines reserve address space for each one ` +
      '(about 10 GiB on 64-bit V8, which allows ~12,800 at once): dispose() the ones you no longer need');
  }
  const base = baseId(config.base), rule = RULES.indexOf(config.rule);
  const vectors = x.vectorsFor(base, rule) + (config.ema !== undefined ? 1 : 0); // params, grads, the saved (and the EMA) and the scratch vectors
  // the segments: each tensor's length (or n), in the table the module reserves after its header
  const lengths = segmentLengths(compact), c = tables.consts, stride = c.get('SEG_BYTES')! / 4;
  const table = addr(x.segments(lengths.length));
  if (table === 0) fail('E_MEMORY', `${lengths.length} tensors: this engine would not grow WebAssembly memory to hold their table`);
  // (one view to write the lengths, one to read the starts: init() grows memory, which detaches the first)
  const records = () => new Uint32Array(x.memory.buffer, table, lengths.length * stride);
  const written = records(), at = c.get('SEG_LENGTH')! / 4;
  lengths.forEach((length, k) => { written[k * stride + at] = length; });
  const npad = x.planned(), max = x.maxParams(vectors), h = addr(x.header()), bytes = fmtBytes(x.bytesNeeded(npad, vectors) + h);
  const what = `${compact.n} parameters${lengths.length > 1 && npad > compact.n ? ` (${npad} floats per vector, each tensor padded to a multiple of 64)` : ''}`;
  if (npad > max) {
    fail('E_MEMORY', `${what} with base '${config.base}' and rule '${config.rule}' need ${bytes} of WebAssembly memory ` +
      `(${4 * vectors} bytes per parameter); a 32-bit memory holds at most 4 GiB, so at most ${max} ${lengths.length > 1 ? 'floats per vector, padding included' : 'parameters'} here`);
  }
  const hyper = headerRegion(x, tables, 'HYPER');
  encodeHyper(config, tables, hyper);
  // with groups, the module's weight decay is the largest (each segment's is its ratio to it, assembly/loops.ts)
  const values = config.groups && tensorValues(config, lengths.length, compact.tensors.map((t) => t.name));
  if (values) hyper[tables.hyper.get('weightDecay')!] = Math.max(...values.weightDecay);
  const code = x.init(base, rule, compact.n);
  if (code === tables.init.get('MEMORY')) {
    fail('E_MEMORY', `this engine would not grow WebAssembly memory to ${bytes} for ${what} (its limit is below 4 GiB, or the machine is out of memory${limits.note})`);
  }
  if (code !== tables.init.get('OK')) fail('E_OPTION', `rule '${config.rule}' does not drive base '${config.base}' (stepsize.wasm code ${code})`);
  // where the module placed each tensor
  const placed = records(), start = (k: number) => placed[k * stride + c.get('SEG_START')! / 4];
  if (values) {
    values.lrScale.forEach((v, k) => {
      segmentRegion(x, tables, table, k, 'SEG_LR', 1)[0] = v;
      segmentRegion(x, tables, table, k, 'SEG_WD', 1)[0] = values.weightDecay[k];
    });
  }
  const tensors = compact.tensors.map((t, k) => ({ ...t, shape: [...t.shape], offset: start(k) }));
  const last = lengths.length - 1;
  return { x, layout: { n: compact.n, span: start(last) + lengths[last], tensors, table } };
}

function fmtBytes(b: number): string {
  return b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(2)} GiB` : `${(b / 2 ** 20).toFixed(1)} MiB`;
}
