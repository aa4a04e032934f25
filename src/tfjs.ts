// stepsize/tfjs: a TensorFlow.js optimizer backed by a stepsize rule. Drop it into
// `model.compile({ optimizer })` or call `optimizer.minimize(f)` as with tf.train.adam:
//
//   import { tfOptimizer } from 'stepsize/tfjs';
//   model.compile({ optimizer: await tfOptimizer({ rule, base: 'adam' }), loss: ... });  // any rule of ss.rules
//
// The model's trainable variables are laid out as the optimizer's tensors on the first step
// (one tensor per variable, in the order tfjs reports their gradients). Each step moves data
// between tfjs and the optimizer through tfjs's public API only, and no tensor a caller holds
// (a clone, a dataSync() array) ever shares the optimizer's memory. `transfer` says how:
//   'packed': the gradients are concatenated on the backend and read back once, the new
//     weights uploaded as one tensor and sliced into the variables on the backend: one readback
//     and one upload per step whatever the number of variables;
//   'variables': one readback per gradient and one upload per variable;
//   'auto' (the default): 'variables' on the backends measured (npm run bench:e2e, MLPs of
//     ~0.1 M parameters): on cpu and wasm, whose tensors live in CPU memory, a readback is a
//     copy and the reshapes, concatenation and slices cost more than they save (adapter time
//     per step 0.37 vs 0.68 ms on cpu and 0.32 vs 0.75 ms on wasm in 4 variables, 0.65 vs 1.07
//     and 0.74 vs 3.98 ms in 34); on webgl (SwiftShader, the software GL of the bench's
//     Chromium: no real GPU was measured) the two differ by less than the run-to-run noise
//     (39.0 vs 43.4 ms per step in 4 variables, 80.0 vs 78.7 in 34). 'packed' on the others
//     (webgpu), where the reason for it stands unmeasured: each readback is a blocking GPU sync.
// `timing` accumulates where the adapter's own time goes (readback, kernel, upload).
// A variable assigned from outside (setWeights, assign) is read back before the next step.
// How a rule's step is called comes from its description (ss.rules): closure rules get their
// extra gradients from tfjs's own gradient function on the same loss function, so 'same'
// evaluations are exact; 'fresh' and 'repeat' evaluations need another minibatch, which only
// the caller has: pass `freshBatch`, which draws a new minibatch and returns the loss function
// on it. A rule that asks for 'sampled' evaluations (a Gauss-Newton-Bartlett curvature: the last
// fresh batch, labels drawn from the model's own predictions) needs `sampledBatch`, which
// sampledBatchFor() builds for a tfjs-layers model with a softmax or sigmoid output. What a
// config asks for comes from its rule's description (`requests`), checked before it steps.
//
// Saving with the model: getWeights() returns tfjs's iteration count and the optimizer's
// checkpoint (save(), as one string tensor of its bytes), setWeights() restores them, and the
// class is registered with tf.serialization, so `model.save(handler, { includeOptimizer: true })`
// and `tf.loadLayersModel` bring the rule's whole state back. A restored optimizer binds the
// model's variables by order and size on its next step. tfjs-core is a peer dependency;
// nothing numeric happens here.
import {
  Optimizer, tensor, tensor1d, concat, reshape, slice, zeros, tidy, variableGrads, engine, serialization,
  multinomial, oneHot, log, clipByValue, randomUniform, less, cast, mul, sub, add, sum, mean, neg,
  type Scalar, type Tensor, type Tensor2D, type NamedTensorMap, type Variable,
} from '@tensorflow/tfjs-core';
import type { NamedTensor } from '@tensorflow/tfjs-core/dist/tensor_types.js';
// the package's own entry at run time (build/index.js), so errors are the same StepsizeError class
import { load, StepsizeError, type Stepsize, type LoadOptions, type Optimizer as StepsizeCore } from './index.js';

const fail = (code: 'E_OPTION' | 'E_STATE' | 'E_SIZE' | 'E_CHECKPOINT', message: string): never => { throw new StepsizeError(code, message); };

/** The name of the optimizer's checkpoint among the weights getWeights() returns. */
export const CHECKPOINT_WEIGHT = 'stepsize/checkpoint';

export interface TfOptions extends Record<string, unknown> {
  /** Draws a new minibatch and returns the loss function on it (rules that ask for 'fresh' and 'repeat' evaluations). */
  freshBatch?: () => () => Scalar;
  /**
   * Rules that ask for 'sampled' evaluations (smoothness 'gnb'): returns the loss function on the last fresh minibatch with
   * each example's label drawn from the model's predictive distribution at the current weights
   * (called when the variables hold them). sampledBatchFor(model, inputs) builds it.
   */
  sampledBatch?: () => () => Scalar;
  /** How gradients and weights cross between tfjs and the optimizer (see above); default 'auto'. */
  transfer?: 'auto' | 'packed' | 'variables';
}

/** Where the adapter's time went, summed over `steps` steps: milliseconds, and the closure's evaluation count. */
export interface Timing {
  steps: number;
  /** gradients from tfjs into the optimizer */
  readback: number;
  /** the rule's step in WebAssembly */
  kernel: number;
  /** new weights from the optimizer into the variables */
  upload: number;
  /** the closure's gradient evaluations (closure rules), each a forward and backward pass of the loss */
  evaluations: number;
}

/** A model variable and where it lies in the optimizer; dataId: the data the variable held after our last write (another one means an outside assign). */
interface Bound { name: string; variable: Variable; offset: number; size: number; shape: number[]; dataId?: unknown }

// The Stepsize instance that optimizers built by tfjs (fromConfig, when a model is loaded) use:
// the last one tfOptimizer() loaded, else load()'s default, loaded by setWeights.
let shared: Promise<Stepsize> | null = null;
/** That instance, once loaded (an optimizer tfjs builds takes it without waiting). */
let sharedLoaded: Stepsize | null = null;
const share = (p: Promise<Stepsize>): Promise<Stepsize> => {
  shared = p;
  p.then((ss) => { if (shared === p) sharedLoaded = ss; }, () => {});
  return p;
};
const now = () => performance.now();
/** The backends where 'auto' moves data per variable (measured cheaper there; see above). */
const PER_VARIABLE = ['cpu', 'wasm', 'webgl'];

export class StepsizeOptimizer extends Optimizer {
  static get className(): string { return 'StepsizeOptimizer'; }
  /** create()'s options (without freshBatch and transfer). */
  readonly options: Record<string, unknown>;
  readonly transfer: 'auto' | 'packed' | 'variables';
  readonly timing: Timing = { steps: 0, readback: 0, kernel: 0, upload: 0, evaluations: 0 };
  #ss: Stepsize | null;
  #opt: StepsizeCore | null = null;
  #vars: Bound[] = [];
  #fresh?: () => () => Scalar;
  #sampled?: () => () => Scalar;
  #lastFresh: (() => Scalar) | null = null;

  /**
   * `options`: create()'s options without size/tensors (rule, base, lr, the rule's own ones),
   * and freshBatch and transfer. `new StepsizeOptimizer(ss, options)` uses that Stepsize;
   * `new StepsizeOptimizer(options)` (as tfjs does when it loads a model) the shared one.
   */
  constructor(ss: Stepsize | null, options?: TfOptions);
  constructor(options?: TfOptions);
  constructor(ssOrOptions?: Stepsize | TfOptions | null, options?: TfOptions) {
    super();
    const given = options !== undefined || (ssOrOptions != null && typeof (ssOrOptions as Stepsize).create === 'function');
    const o = ((given ? options : ssOrOptions) ?? {}) as TfOptions;
    if (o === null || typeof o !== 'object') fail('E_OPTION', 'the tfjs optimizer takes an options object (create()\'s options without size, tensors and params)');
    // (tfjs-layers adds customObjects to the config it deserializes a saved model's optimizer from)
    const { freshBatch, sampledBatch, transfer = 'auto', customObjects: _, ...rest } = o;
    if ('size' in rest || 'tensors' in rest || 'params' in rest) {
      fail('E_OPTION', 'the tfjs optimizer lays out the model\'s variables itself: leave size, tensors and params out');
    }
    if (freshBatch !== undefined && typeof freshBatch !== 'function') fail('E_OPTION', 'freshBatch must be a function that returns the loss function on a new minibatch');
    if (sampledBatch !== undefined && typeof sampledBatch !== 'function') fail('E_OPTION', 'sampledBatch must be a function that returns the loss function on the last fresh minibatch with sampled labels (sampledBatchFor(model, inputs) builds one)');
    if (transfer !== 'auto' && transfer !== 'packed' && transfer !== 'variables') fail('E_OPTION', `option 'transfer' must be 'auto', 'packed' or 'variables'; got ${String(transfer)}`);
    // getConfig() wrote ±Infinity as strings (JSON has no Infinity), and groups' RegExps as { regexp, flags }
    for (const [k, v] of Object.entries(rest)) if (v === 'Infinity' || v === '-Infinity') rest[k] = Number(v);
    if (Array.isArray(rest.groups)) rest.groups = rest.groups.map((g) => (isObject(g) ? { ...g, tensors: mapMatchers(g.tensors, fromJson) } : g));
    this.#ss = given ? (ssOrOptions as Stepsize | null) ?? null : null;
    this.options = rest;
    this.transfer = transfer;
    this.#fresh = freshBatch;
    this.#sampled = sampledBatch;
    if (this.#ss) this.#hooksFor(this.#ss);
  }

  /** Refuses (E_OPTION) a config whose rule asks for evaluations this optimizer has no hook for (its description's `requests`). */
  #hooksFor(ss: Stepsize): void {
    const o = this.options, info = ss.rules.find((r) => r.id === o.rule); // (the default rule asks for none)
    const asks = new Set(info?.requests?.(o) ?? []);
    const missing = [asks.has('fresh') || asks.has('repeat') ? !this.#fresh && 'freshBatch (draws a minibatch, returns the loss function on it)' : '',
      asks.has('sampled') ? !this.#sampled && 'sampledBatch (the loss on the last fresh minibatch with labels drawn from the model: sampledBatchFor(model, () => inputs) builds it for a softmax or sigmoid output)' : ''].filter(Boolean);
    if (missing.length) {
      fail('E_OPTION', `rule '${String(o.rule)}' with these options asks for ${[...asks].map((a) => `'${a}'`).join(' and ')} gradients, which only the caller can give: pass ${missing.join(', and ')}`);
    }
  }

  /** The stepsize optimizer underneath (after the first step or setWeights): lr, stats, save(). */
  get core(): StepsizeCore | null { return this.#opt; }

  #stepsize(): Stepsize {
    this.#ss ??= sharedLoaded;
    return this.#ss ?? fail('E_STATE', 'this optimizer was built by tfjs (a loaded model) and stepsize is not loaded yet: call await tfOptimizer() once before training, or load the model with its optimizer weights');
  }

  /** Before a step: a variable assigned by someone else (setWeights, assign) is read back. */
  #resync(): void {
    for (const v of this.#vars) {
      if (v.variable.dataId !== v.dataId) this.#opt!.params.set(v.variable.dataSync() as Float32Array, v.offset);
    }
  }

  #layout(names: string[]): void {
    if (this.#opt && this.#vars.length) {
      const known = this.#vars.map((v) => v.name);
      if (names.length !== known.length || names.some((n) => !known.includes(n))) {
        fail('E_STATE', `this optimizer steps the variables ${known.join(', ')}; got gradients for ${names.join(', ')}`);
      }
      return;
    }
    const registered = engine().registeredVariables;
    const vars = names.map((name) => {
      const variable = registered[name] ?? fail('E_STATE', `no tfjs variable named '${name}'`);
      return { name, variable, offset: 0, size: variable.size, shape: [...variable.shape] } as Bound;
    });
    let opt = this.#opt;
    if (opt) {
      // restored by setWeights: its tensors are the model's variables, in order
      const t = opt.tensors;
      if (t.length !== vars.length || t.some((x, k) => x.length !== vars[k].size)) {
        fail('E_STATE', `the restored optimizer steps ${t.length} variables of sizes ${t.map((x) => x.length).join(', ')}; ` +
          `the model has ${vars.length} trainable variables of sizes ${vars.map((v) => v.size).join(', ')} (${names.join(', ')})`);
      }
    } else {
      // the optimizer's tensors are the variables, by name: `groups` match them
      const tensors: [string, number[]][] = vars.map((v) => [v.name, [v.size]]);
      this.#hooksFor(this.#stepsize());
      opt = this.#stepsize().create({ ...this.options, tensors } as never);
    }
    for (const [k, v] of vars.entries()) v.offset = opt.tensors[k].offset; // (each variable is a segment: the core pads between them)
    this.#vars = vars;
    this.#opt = opt;
    this.#resync(); // (no dataId yet: every variable is read)
  }

  /** Whether this step moves data packed (see transfer above). */
  #packed(): boolean {
    return this.transfer === 'packed' || (this.transfer === 'auto' && !PER_VARIABLE.includes(engine().backendName));
  }

  /** The gradients into `into` (a variable without one gets zeros). */
  #readGrads(grads: NamedTensorMap, into: Float32Array): void {
    const t0 = now();
    if (!this.#packed()) {
      for (const v of this.#vars) {
        const g = grads[v.name];
        if (g) into.set(g.dataSync() as Float32Array, v.offset);
        else into.fill(0, v.offset, v.offset + v.size);
      }
    } else {
      const flat = tidy(() => concat(this.#vars.map((v) => (grads[v.name] ? reshape(grads[v.name], [-1]) : zeros([v.size])))));
      const all = flat.dataSync() as Float32Array;
      let at = 0;
      for (const v of this.#vars) { into.set(all.subarray(at, at + v.size), v.offset); at += v.size; }
      flat.dispose();
    }
    this.timing.readback += now() - t0;
  }

  /** Each variable ← its part of `from`, through fresh tensors (nobody else's data changes). */
  #writeBack(from: Float32Array): void {
    const t0 = now();
    if (!this.#packed()) {
      for (const v of this.#vars) this.#assign(v, tensor(from.slice(v.offset, v.offset + v.size), v.shape, 'float32'));
    } else {
      const flat = tensor1d(from.slice(), 'float32'); // (a copy: the backend may keep the array it is given)
      for (const v of this.#vars) this.#assign(v, tidy(() => reshape(slice(flat, v.offset, v.size), v.shape)));
      flat.dispose();
    }
    this.timing.upload += now() - t0;
  }

  #assign(v: Bound, t: Tensor): void {
    v.variable.assign(t);
    t.dispose();
    v.dataId = v.variable.dataId;
  }

  /** The loss and its gradient at params; `f` gives the loss function once the variables hold params. */
  #gradAt(f: () => () => Scalar, params: Float32Array, grads: Float32Array): number {
    this.#writeBack(params);
    const vars = this.#vars.map((v) => v.variable);
    const { value, grads: g } = variableGrads(f(), vars);
    this.#readGrads(g, grads);
    const loss = value.dataSync()[0];
    value.dispose();
    for (const t of Object.values(g)) t.dispose();
    return loss;
  }

  override minimize(f: () => Scalar, returnCost = false, varList?: Variable[]): Scalar | null {
    this.#stepsize();
    const { value, grads } = this.computeGradients(f, varList);
    try {
      this.#layout(Object.keys(grads));
      this.#resync();
      this.#readGrads(grads, this.#opt!.grads);
    } finally {
      for (const t of Object.values(grads)) t.dispose();
    }
    const opt = this.#opt!, rule = opt.config.rule, form = this.#form(rule);
    // the kernel's time is the step's less its closure's evaluations (tfjs's gradient work; their
    // readback and upload are counted as such)
    const t0 = now();
    let evaluating = 0;
    try {
      if (form === 'closure') {
        opt.stepSync((params, g, { batch }) => {
          const e0 = now();
          this.timing.evaluations++;
          try {
            if (batch === 'same') return this.#gradAt(() => f, params, g);
            const fresh = this.#fresh ?? fail('E_OPTION', `rule '${rule}' asks for gradients on a fresh minibatch: pass freshBatch to the tfjs optimizer`);
            if (batch === 'fresh') this.#lastFresh = fresh();
            if (batch === 'sampled') {
              const sampled = this.#sampled ?? fail('E_OPTION', `rule '${rule}' asks for gradients with sampled labels: pass sampledBatch to the tfjs optimizer`);
              return this.#gradAt(sampled, params, g); // (the labels are drawn at params)
            }
            return this.#gradAt(() => this.#lastFresh!, params, g);
          } finally { evaluating += now() - e0; }
        });
      } else if (form === 'loss') {
        opt.step(value.dataSync()[0]);
      } else opt.step();
    } finally {
      this.timing.kernel += now() - t0 - evaluating;
      this.#writeBack(opt.params); // (also after a throw: the variables never keep a probe point)
    }
    this.timing.steps++;
    this.incrementIterations();
    if (returnCost) return value;
    value.dispose();
    return null;
  }

  /** For custom loops that compute gradients themselves (rules without closures only). */
  override applyGradients(variableGradients: NamedTensorMap | NamedTensor[]): void {
    this.#stepsize();
    const grads: NamedTensorMap = Array.isArray(variableGradients)
      ? Object.fromEntries(variableGradients.map((t) => [t.name, t.tensor]))
      : variableGradients;
    for (const [name, g] of Object.entries(grads)) {
      if (g === null || typeof g !== 'object' || typeof (g as { dataSync?: unknown }).dataSync !== 'function') {
        fail('E_OPTION', `applyGradients: the gradient for '${name}' is not a tensor`);
      }
    }
    this.#layout(Object.keys(grads));
    this.#resync();
    const opt = this.#opt!;
    if (this.#form(opt.config.rule) !== 'plain') {
      fail('E_OPTION', `rule '${opt.config.rule}' needs the loss function (extra gradients or the loss): use optimizer.minimize(f)`);
    }
    // every gradient's size is checked before any is copied: a mismatch steps nothing
    for (const v of this.#vars) {
      const g = grads[v.name];
      if (g && g.size !== v.size) {
        fail('E_SIZE', `applyGradients: the gradient for variable '${v.name}' has ${g.size} values (shape [${g.shape.join(', ')}]); ` +
          `the variable has ${v.size} (shape [${v.shape.join(', ')}]); nothing was stepped`);
      }
    }
    this.#readGrads(grads, opt.grads);
    const t0 = now();
    opt.step();
    this.timing.kernel += now() - t0;
    this.#writeBack(opt.params);
    this.timing.steps++;
    this.incrementIterations();
  }

  /** How a rule's step is called, from its description (ss.rules). */
  #form(rule: string): 'plain' | 'loss' | 'closure' {
    return this.#stepsize().rules.find((r) => r.id === rule)!.step;
  }

  /**
   * The moving average of the weights (option `ema`), as one new tensor per variable, by
   * variable name (the caller disposes them), e.g. to evaluate or export the averaged model;
   * empty before the first step and without `ema`.
   */
  emaWeights(): NamedTensorMap {
    const e = this.#opt?.ema, out: NamedTensorMap = {};
    if (!e || !this.#vars.length) return out;
    for (const v of this.#vars) out[v.name] = tensor(e.slice(v.offset, v.offset + v.size), v.shape, 'float32');
    return out;
  }

  /** Feeds a `schedule` with decay 'plateau' (the core's report()); the metric is e.g. the validation loss. */
  report(metric: number): void {
    (this.#opt ?? fail('E_STATE', 'report() needs the optimizer to have stepped once (it is laid out on the first step)')).report(metric);
  }

  /** create()'s options, JSON-safe (±Infinity as strings, groups' RegExps as { regexp, flags }), for tfjs's model.save. */
  override getConfig(): Record<string, never> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this.options)) out[k] = typeof v === 'number' && !Number.isFinite(v) ? String(v) : v;
    if (Array.isArray(out.groups)) out.groups = out.groups.map((g) => (isObject(g) ? { ...g, tensors: mapMatchers(g.tensors, toJson) } : g));
    if (this.transfer !== 'auto') out.transfer = this.transfer;
    return out as Record<string, never>;
  }

  /** tfjs's iteration count and, once the optimizer has stepped (or was restored), its checkpoint. */
  override async getWeights(): Promise<NamedTensor[]> {
    const out = [await this.saveIterations()];
    if (this.#opt) out.push({ name: CHECKPOINT_WEIGHT, tensor: tensor([this.#opt.save()], [], 'string') });
    return out;
  }

  /** Restores what getWeights() returned: the iteration count and the optimizer's whole state. */
  override async setWeights(weights: NamedTensor[]): Promise<void> {
    if (!Array.isArray(weights) || weights.some((w) => w === null || typeof w !== 'object' || !w.tensor)) {
      fail('E_CHECKPOINT', 'setWeights takes the list of { name, tensor } that getWeights() returned');
    }
    if (!this.#ss) this.#ss = await (shared ?? share(load()));
    const rest = await this.extractIterations(weights);
    const ck = rest.find((w) => w.name === CHECKPOINT_WEIGHT);
    const unknown = rest.find((w) => w.name !== CHECKPOINT_WEIGHT);
    if (unknown) fail('E_CHECKPOINT', `setWeights: '${unknown.name}' is not a weight of this optimizer (it keeps 'iter' and '${CHECKPOINT_WEIGHT}')`);
    if (!ck) return;
    if (ck.tensor.dtype !== 'string' || ck.tensor.size !== 1) fail('E_CHECKPOINT', `setWeights: '${CHECKPOINT_WEIGHT}' must be one string tensor holding the checkpoint's bytes`);
    const bytes = (await ck.tensor.bytes() as Uint8Array[])[0];
    const restored = this.#ss.restore(bytes);
    // what this optimizer's options make (the descriptions' defaults filled in) must be what was saved
    const { groups: _, ...options } = this.options; // (groups name tensors, which a probe of size 0 has none of)
    const probe = this.#ss.create({ ...options, size: 0 } as never), want = probe.config;
    probe.dispose();
    const { rule, base } = restored.config;
    if (want.rule !== rule || want.base !== base) {
      restored.dispose();
      fail('E_CHECKPOINT', `setWeights: the checkpoint holds a ${base}/${rule} optimizer; this one is configured as ${want.base}/${want.rule}`);
    }
    this.#opt?.dispose();
    this.#opt = restored;
    this.#vars = []; // bound to the model's variables by order on the next step
  }

  override dispose(): void {
    this.#opt?.dispose();
    this.#opt = null;
    super.dispose();
  }
}

serialization.registerClass(StepsizeOptimizer);

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const mapMatchers = (m: unknown, f: (x: unknown) => unknown): unknown => (Array.isArray(m) ? m.map(f) : f(m));
/** A group's matcher as JSON: a name as is, a RegExp as { regexp, flags }; a test (a function) cannot be saved. */
function toJson(m: unknown): unknown {
  if (m instanceof RegExp) return { regexp: m.source, flags: m.flags };
  if (typeof m === 'function') {
    fail('E_OPTION', 'a group whose tensors are a (name) => boolean test cannot be saved with the model (model.save writes the optimizer\'s config as JSON): give names or RegExps');
  }
  return m;
}
const fromJson = (m: unknown): unknown => (isObject(m) && typeof m.regexp === 'string' ? new RegExp(m.regexp, typeof m.flags === 'string' ? m.flags : '') : m);

/** What sampledBatchFor() needs of a tfjs-layers model (a LayersModel or Sequential). */
export interface SampledModel {
  readonly layers: readonly { getConfig(): Record<string, unknown> }[];
  readonly outputs: readonly unknown[];
  predict(x: Tensor | Tensor[]): Tensor | Tensor[];
  apply(x: Tensor | Tensor[], kwargs?: Record<string, unknown>): unknown;
}

/**
 * The `sampledBatch` hook for a GNB curvature (the smoothness 'gnb' option), for a tfjs-layers
 * model with one output whose last layer's activation is softmax or sigmoid and a cross-entropy
 * loss. `inputs` gives the inputs of the last fresh minibatch (keep them in your freshBatch).
 * Each call draws one label per output from the model's predictions at the current weights
 * (softmax: one class per row, tf.multinomial; sigmoid: one Bernoulli per unit) and returns the
 * loss on them, as tfjs-layers computes it: categoricalCrossentropy (summed over classes) or
 * binaryCrossentropy (averaged over units), each averaged over the batch. So `batchSize` is the
 * minibatch size with softmax, and minibatch size × output units with sigmoid (the number of
 * independent draws the mean runs over). `seed` makes the draws repeatable (default 1; each call
 * takes the next seed). The labels of the last call are kept until the next one.
 */
export function sampledBatchFor(model: SampledModel, inputs: () => Tensor | Tensor[], options: { seed?: number } = {}): () => () => Scalar {
  if (model === null || typeof model !== 'object' || !Array.isArray(model.layers) || typeof model.predict !== 'function' || typeof model.apply !== 'function') {
    fail('E_OPTION', 'sampledBatchFor() takes a tfjs-layers model (a LayersModel or Sequential)');
  }
  if (typeof inputs !== 'function') fail('E_OPTION', 'sampledBatchFor() takes, second, a function that returns the inputs of the last fresh minibatch');
  if (model.outputs.length !== 1) fail('E_OPTION', `sampledBatchFor() needs a model with one output; this one has ${model.outputs.length}`);
  const activation = model.layers[model.layers.length - 1]?.getConfig().activation;
  if (activation !== 'softmax' && activation !== 'sigmoid') {
    fail('E_OPTION', `sampledBatchFor() needs a last layer with a softmax or sigmoid activation (the model's predictive distribution); this one's is ${JSON.stringify(activation)}`);
  }
  let seed = options.seed ?? 1;
  if (!Number.isSafeInteger(seed)) fail('E_OPTION', `sampledBatchFor()'s seed must be a whole number; got ${String(options.seed)}`);
  let labels: Tensor | null = null;
  const EPS = 1e-7; // (tfjs-layers' epsilon: the clip its cross-entropies apply)
  return () => {
    const x = inputs();
    const drawn = tidy(() => {
      const p = model.predict(x) as Tensor;
      if (Array.isArray(p) || p.rank !== 2) fail('E_OPTION', `sampledBatchFor() needs predictions of shape [batch, outputs]; got ${Array.isArray(p) ? 'a list' : `[${p.shape.join(', ')}]`}`);
      const q = clipByValue(p, EPS, 1 - EPS);
      return cast(activation === 'softmax'
        ? oneHot(reshape(multinomial(log(q) as Tensor2D, 1, seed++), [-1]), p.shape[1]!)
        : less(randomUniform(p.shape, 0, 1, 'float32', seed++), q), 'float32');
    });
    labels?.dispose();
    labels = drawn;
    const y = drawn;
    return () => {
      const q = clipByValue(model.apply(x, { training: true }) as Tensor, EPS, 1 - EPS);
      return (activation === 'softmax'
        ? mean(neg(sum(mul(y, log(q)), -1)))
        : mean(neg(add(mul(y, log(q)), mul(sub(1, y), log(sub(1, q))))))) as Scalar;
    };
  };
}

/** One line for tfjs users: `optimizer: await tfOptimizer({ rule, base: 'adam' })`, any rule of `ss.rules`. */
export async function tfOptimizer(options: TfOptions = {}, loadOptions?: LoadOptions): Promise<StepsizeOptimizer> {
  return new StepsizeOptimizer(await share(load(loadOptions)), options);
}
