// stepsize/tfjs: a TensorFlow.js optimizer backed by a stepsize rule. Drop it into
// `model.compile({ optimizer })` or call `optimizer.minimize(f)` as with tf.train.adam:
//
//   import { tfOptimizer } from 'stepsize/tfjs';
//   model.compile({ optimizer: await tfOptimizer({ rule, base: 'adam' }), loss: ... });  // any rule of ss.rules
//
// The model's trainable variables are packed into the optimizer's flat layout on the first
// step (one tensor per variable, in the order tfjs reports their gradients). Every step copies
// the gradients in and the new values out (variable.assign of a fresh tensor), through tfjs's
// public API only: no tensor a caller holds (a clone, a dataSync() array) ever shares the
// optimizer's memory. A variable assigned from outside (setWeights, assign) is read back
// before the next step. How a rule's step is called comes from its description (ss.rules):
// closure rules get their extra gradients from tfjs's own gradient function on the same loss
// function, so 'same' evaluations are exact; 'fresh' and 'repeat' evaluations need another
// minibatch, which only the caller has: pass
// `freshBatch`, which draws a new minibatch and returns the loss function on it. tfjs-core is a peer
// dependency; nothing numeric happens here.
import { Optimizer, tensor, variableGrads, engine, type Scalar, type NamedTensorMap, type Variable } from '@tensorflow/tfjs-core';
import type { NamedTensor } from '@tensorflow/tfjs-core/dist/tensor_types.js';
// the package's own entry at run time (build/index.js), so errors are the same StepsizeError class
import { load, StepsizeError, type Stepsize, type LoadOptions, type Optimizer as StepsizeCore } from './index.js';

const fail = (code: 'E_OPTION' | 'E_STATE' | 'E_SIZE', message: string): never => { throw new StepsizeError(code, message); };

export interface TfOptions extends Record<string, unknown> {
  /** Draws a new minibatch and returns the loss function on it (rules that ask for 'fresh' and 'repeat' evaluations). */
  freshBatch?: () => () => Scalar;
}

export class StepsizeOptimizer extends Optimizer {
  static get className(): string { return 'StepsizeOptimizer'; }
  readonly options: Record<string, unknown>;
  #ss: Stepsize;
  #opt: StepsizeCore | null = null;
  /** dataId: the data the variable held after our last write (another one means an outside assign) */
  #vars: { name: string; variable: Variable; offset: number; size: number; shape: number[]; dataId?: unknown }[] = [];
  #fresh?: () => () => Scalar;
  #lastFresh: (() => Scalar) | null = null;

  /** `options`: create()'s options without size/tensors (rule, base, lr, the rule's own ones). */
  constructor(ss: Stepsize, options: TfOptions = {}) {
    super();
    const { freshBatch, ...rest } = options;
    if ('size' in rest || 'tensors' in rest || 'params' in rest) {
      fail('E_OPTION', 'the tfjs optimizer lays out the model\'s variables itself: leave size, tensors and params out');
    }
    if (freshBatch !== undefined && typeof freshBatch !== 'function') fail('E_OPTION', 'freshBatch must be a function that returns the loss function on a new minibatch');
    this.#ss = ss;
    this.options = rest;
    this.#fresh = freshBatch;
  }

  /** The stepsize optimizer underneath (after the first step): lr, stats, save(). */
  get core(): StepsizeCore | null { return this.#opt; }

  /** Before a step: a variable assigned by someone else (setWeights, assign) is read back. */
  #resync(): void {
    for (const v of this.#vars) {
      if (v.variable.dataId !== v.dataId) this.#opt!.params.set(v.variable.dataSync() as Float32Array, v.offset);
    }
  }

  #layout(names: string[]): void {
    if (this.#opt) {
      const known = this.#vars.map((v) => v.name);
      if (names.length !== known.length || names.some((n) => !known.includes(n))) {
        fail('E_STATE', `this optimizer steps the variables ${known.join(', ')}; got gradients for ${names.join(', ')}`);
      }
      return;
    }
    const registered = engine().registeredVariables;
    const tensors: Record<string, number[]> = {};
    for (const name of names) {
      const variable = registered[name];
      if (!variable) fail('E_STATE', `no tfjs variable named '${name}'`);
      const size = variable.size;
      this.#vars.push({ name, variable, offset: 0, size, shape: [...variable.shape] });
      tensors[`v${this.#vars.length - 1}`] = [size];
    }
    const opt = this.#ss.create({ ...this.options, tensors } as never);
    for (const [k, v] of this.#vars.entries()) {
      v.offset = opt.tensors[k].offset; // (each variable is a segment: the core pads between them)
      opt.params.set(v.variable.dataSync() as Float32Array, v.offset);
      v.dataId = v.variable.dataId;
    }
    this.#opt = opt;
  }

  #copyGrads(grads: NamedTensorMap, into: Float32Array): void {
    for (const v of this.#vars) {
      const g = grads[v.name];
      if (g) into.set(g.dataSync() as Float32Array, v.offset);
      else into.fill(0, v.offset, v.offset + v.size);
    }
  }

  /** Each variable ← its slice of `from`, as a fresh tensor (nobody else's data changes). */
  #writeBack(from: Float32Array): void {
    for (const v of this.#vars) {
      const t = tensor(from.slice(v.offset, v.offset + v.size), v.shape, 'float32');
      v.variable.assign(t);
      t.dispose();
      v.dataId = v.variable.dataId;
    }
  }

  /** Gradients of `f` at the values in `params` (written into the variables first). */
  #gradAt(f: () => Scalar, params: Float32Array, grads: Float32Array): number {
    this.#writeBack(params);
    const vars = this.#vars.map((v) => v.variable);
    const { value, grads: g } = variableGrads(f, vars);
    this.#copyGrads(g, grads);
    const loss = value.dataSync()[0];
    value.dispose();
    for (const t of Object.values(g)) t.dispose();
    return loss;
  }

  override minimize(f: () => Scalar, returnCost = false, varList?: Variable[]): Scalar | null {
    const { value, grads } = this.computeGradients(f, varList);
    const names = Object.keys(grads);
    this.#layout(names);
    this.#resync();
    const opt = this.#opt!;
    this.#copyGrads(grads, opt.grads);
    for (const t of Object.values(grads)) t.dispose();
    const rule = opt.config.rule;
    const form = this.#form(rule);
    try {
      if (form === 'closure') {
        opt.stepSync((params, g, { batch }) => {
          if (batch === 'same') return this.#gradAt(f, params, g);
          const fresh = this.#fresh ?? fail('E_OPTION', `rule '${rule}' asks for gradients on a fresh minibatch: pass freshBatch to the tfjs optimizer`);
          if (batch === 'fresh') this.#lastFresh = fresh();
          return this.#gradAt(this.#lastFresh!, params, g);
        });
      } else if (form === 'loss') {
        opt.step(value.dataSync()[0]);
      } else opt.step();
    } finally {
      this.#writeBack(opt.params); // (also after a throw: the variables never keep a probe point)
    }
    this.incrementIterations();
    if (returnCost) return value;
    value.dispose();
    return null;
  }

  /** For custom loops that compute gradients themselves (rules without closures only). */
  override applyGradients(variableGradients: NamedTensorMap | NamedTensor[]): void {
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
    this.#copyGrads(grads, opt.grads);
    opt.step();
    this.#writeBack(opt.params);
    this.incrementIterations();
  }

  /** How a rule's step is called, from its description (ss.rules). */
  #form(rule: string): 'plain' | 'loss' | 'closure' {
    return this.#ss.rules.find((r) => r.id === rule)!.step;
  }

  override getConfig(): Record<string, never> { return { ...(this.options as Record<string, never>) }; }

  override dispose(): void {
    this.#opt?.dispose();
    this.#opt = null;
    super.dispose();
  }
}

/** One line for tfjs users: `optimizer: await tfOptimizer({ rule, base: 'adam' })`, any rule of `ss.rules`. */
export async function tfOptimizer(options: TfOptions = {}, loadOptions?: LoadOptions): Promise<StepsizeOptimizer> {
  return new StepsizeOptimizer(await load(loadOptions), options);
}
