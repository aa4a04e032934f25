// The base optimizers as the loader knows them: their names, the hyperparameters each takes,
// the defaults (torch.optim's) and the values allowed. The rules are described in src/rules/.
import { fail, describe } from './errors.js';

export const BASES = Object.freeze(['sgd', 'momentum', 'adam', 'adamw', 'sign', 'normalized', 'nadam', 'nadamw'] as const);
/** 'none': the rule carries its own update. */
export type BaseName = (typeof BASES)[number] | 'none';

/** Hyperparameters of the base optimizers (each base takes the subset listed in BASE_OPTIONS). */
export interface Hyperparameters {
  /** Learning rate (the constant rule's; an adaptive rule's initial one). Default 1e-3 (rules may set their own). */
  lr?: number;
  /** Momentum mu, buffer b = mu·b + g. Default 0.9 for `momentum`, 0 for `sign`/`normalized`. */
  momentum?: number;
  /** Nesterov direction g + mu·b (needs momentum > 0). Default false. */
  nesterov?: boolean;
  /** Adam's first-moment decay. Default 0.9. */
  beta1?: number;
  /** Adam's second-moment decay. Default 0.999. */
  beta2?: number;
  /** Adam's eps, added to sqrt(v̂). Default 1e-8. */
  eps?: number;
  /** L2 penalty added to the gradient; decoupled (p ← p − lr·wd·p) for `adamw` and `nadamw`. Default 0 (0.01 for adamw and nadamw). */
  weightDecay?: number;
  /** Rescale the gradient to this global L2 norm when it is longer. Default Infinity (off). */
  clipNorm?: number;
}
export type HyperName = keyof Hyperparameters;

const MOMENTUM = ['lr', 'momentum', 'nesterov', 'weightDecay', 'clipNorm'] as const;
const ADAM = ['lr', 'beta1', 'beta2', 'eps', 'weightDecay', 'clipNorm'] as const;
/** The hyperparameters each base takes (a rule may take fewer), in the order of Hyperparameters. */
export const BASE_OPTIONS = {
  sgd: ['lr', 'weightDecay', 'clipNorm'], momentum: MOMENTUM, adam: ADAM, adamw: ADAM, sign: MOMENTUM, normalized: MOMENTUM,
  nadam: ADAM, nadamw: ADAM, none: ['lr'],
} as const satisfies Record<BaseName, readonly HyperName[]>;

/** A numeric option's allowed values: in words, and as a test. */
export interface Check { allowed: string; ok: (v: number) => boolean }
export const positive: Check = { allowed: 'a finite number > 0', ok: (v) => Number.isFinite(v) && v > 0 };
export const unit: Check = { allowed: 'a number in [0, 1)', ok: (v) => v >= 0 && v < 1 };
export const nonNegative: Check = { allowed: 'a finite number >= 0', ok: (v) => Number.isFinite(v) && v >= 0 };

interface HyperSpec { def: (b: BaseName) => number | boolean; check?: Check }
/** Each hyperparameter's default (per base) and the values allowed. */
export const HYPERS: Record<HyperName, HyperSpec> = {
  lr: { def: () => 1e-3, check: positive },
  momentum: { def: (b) => (b === 'momentum' ? 0.9 : 0), check: unit },
  nesterov: { def: () => false },
  beta1: { def: () => 0.9, check: unit },
  beta2: { def: () => 0.999, check: unit },
  // (and eps·√(1 − beta2) > 2^-150, so float32 does not round Adam's eps term to 0: resolveConfig)
  eps: { def: () => 1e-8, check: { allowed: 'a finite number > 0 with eps·√(1 − beta2) > 2^-150 (~7e-46)', ok: positive.ok } },
  weightDecay: { def: (b) => (b === 'adamw' || b === 'nadamw' ? 0.01 : 0), check: nonNegative },
  clipNorm: { def: () => Infinity, check: { allowed: 'a number > 0 (Infinity turns clipping off)', ok: (v) => v > 0 } },
};

/** The bases that take a hyperparameter. */
export const basesTaking = (name: string): BaseName[] =>
  (Object.keys(BASE_OPTIONS) as BaseName[]).filter((b) => b !== 'none' && (BASE_OPTIONS[b] as readonly string[]).includes(name));

/** The state vectors each base keeps, in slot order, by the role a checkpoint names them with. */
export const BASE_VECTORS: Record<BaseName, readonly string[]> = {
  sgd: [], none: [], momentum: ['buffer'], sign: ['buffer'], normalized: ['buffer'], adam: ['m', 'v'], adamw: ['m', 'v'], nadam: ['m', 'v'], nadamw: ['m', 'v'],
};

/** The bases that keep Adam's second moment (eps's float32 floor and the 2^64 limit on g apply). */
export const keepsSecondMoment = (base: string): boolean => BASE_VECTORS[base as BaseName]?.includes('v') === true;

/** Vectors whose every value is >= 0 (Adam's second moment): a checkpoint holding a negative one is refused. */
export const NON_NEGATIVE_VECTORS: readonly string[] = ['v'];

/** A checked number (or boolean, with no check); throws E_OPTION naming the option. */
export function checked(name: string, value: unknown, check: Check | undefined, extra = ''): number | boolean {
  if (check) {
    if (typeof value !== 'number' || !check.ok(value)) fail('E_OPTION', `option '${name}' must be ${check.allowed}${extra}; got ${describe(value)}`);
    return value;
  }
  if (typeof value !== 'boolean') fail('E_OPTION', `option '${name}' must be true or false; got ${describe(value)}`);
  return value;
}
