// Validation of create() options: which hyperparameters each base takes, their defaults
// (torch.optim's, which most users know) and the values allowed. Nothing numeric.
import { fail } from './errors.js';

export const BASES = ['sgd', 'momentum', 'adam', 'adamw', 'sign', 'normalized'] as const;
export const RULES = ['constant'] as const;
export type BaseName = (typeof BASES)[number];
export type RuleName = (typeof RULES)[number];

/** Hyperparameters shared by every base (each base takes the subset listed in HYPERS). */
export interface Hyperparameters {
  /** Learning rate (the constant rule's; an adaptive rule's initial one). Default 1e-3. */
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
  /** L2 penalty added to the gradient; decoupled (p ← p − lr·wd·p) for `adamw`. Default 0 (0.01 for adamw). */
  weightDecay?: number;
  /** Rescale the gradient to this global L2 norm when it is longer. Default Infinity (off). */
  clipNorm?: number;
}

export interface Config extends Required<Hyperparameters> {
  base: BaseName;
  rule: RuleName;
  nonFinite: 'throw' | 'skip';
}

type Check = { allowed: string; ok: (v: number) => boolean };
const positive: Check = { allowed: 'a finite number > 0', ok: (v) => Number.isFinite(v) && v > 0 };
const unit: Check = { allowed: 'a number in [0, 1)', ok: (v) => v >= 0 && v < 1 };
const nonNegative: Check = { allowed: 'a finite number >= 0', ok: (v) => Number.isFinite(v) && v >= 0 };
const clip: Check = { allowed: 'a number > 0 (Infinity turns clipping off)', ok: (v) => v > 0 };

const ALL = BASES;
const MOMENTUM_BASES: readonly BaseName[] = ['momentum', 'sign', 'normalized'];
const ADAM_BASES: readonly BaseName[] = ['adam', 'adamw'];

interface HyperSpec { bases: readonly BaseName[]; def: (b: BaseName) => number | boolean; check?: Check }
export const HYPERS: Record<keyof Hyperparameters, HyperSpec> = {
  lr: { bases: ALL, def: () => 1e-3, check: positive },
  momentum: { bases: MOMENTUM_BASES, def: (b) => (b === 'momentum' ? 0.9 : 0), check: unit },
  nesterov: { bases: MOMENTUM_BASES, def: () => false },
  beta1: { bases: ADAM_BASES, def: () => 0.9, check: unit },
  beta2: { bases: ADAM_BASES, def: () => 0.999, check: unit },
  eps: { bases: ADAM_BASES, def: () => 1e-8, check: positive },
  weightDecay: { bases: ALL, def: (b) => (b === 'adamw' ? 0.01 : 0), check: nonNegative },
  clipNorm: { bases: ALL, def: () => Infinity, check: clip },
};

const STRUCTURAL = ['size', 'tensors', 'base', 'rule', 'params', 'nonFinite'];

function oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[], def?: T): T {
  if (value === undefined && def !== undefined) return def;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    const got = value === undefined ? 'nothing' : JSON.stringify(value);
    fail('E_OPTION', `option '${field}' must be one of ${allowed.map((a) => `'${a}'`).join(', ')}; got ${got}`);
  }
  return value as T;
}

/** Resolves and checks every option but the layout ones; throws E_OPTION naming the field. */
export function resolveConfig(options: Record<string, unknown>): Config {
  if (options === null || typeof options !== 'object') fail('E_OPTION', 'create() takes an options object');
  const base = oneOf('base', options.base, BASES);
  const rule = oneOf('rule', options.rule, RULES, 'constant');
  const nonFinite = oneOf('nonFinite', options.nonFinite, ['throw', 'skip'] as const, 'throw');
  for (const key of Object.keys(options)) {
    if (STRUCTURAL.includes(key)) continue;
    const spec = (HYPERS as Record<string, HyperSpec>)[key];
    if (!spec) {
      fail('E_OPTION', `unknown option '${key}'; options are ${[...STRUCTURAL, ...Object.keys(HYPERS)].join(', ')}`);
    }
    if (options[key] !== undefined && !spec.bases.includes(base)) {
      fail('E_OPTION', `option '${key}' does not apply to base '${base}'; it applies to ${spec.bases.join(', ')}`);
    }
  }
  const out: Record<string, unknown> = { base, rule, nonFinite };
  for (const [name, spec] of Object.entries(HYPERS)) {
    const given = options[name];
    const value = given === undefined ? spec.def(base) : given;
    if (spec.check) {
      if (typeof value !== 'number' || !spec.check.ok(value)) {
        fail('E_OPTION', `option '${name}' must be ${spec.check.allowed}; got ${describe(value)}`);
      }
    } else if (typeof value !== 'boolean') {
      fail('E_OPTION', `option '${name}' must be true or false; got ${describe(value)}`);
    }
    out[name] = value;
  }
  if (out.nesterov && !((out.momentum as number) > 0)) {
    fail('E_OPTION', `option 'nesterov' needs momentum > 0 (base '${base}' has momentum ${out.momentum})`);
  }
  return out as unknown as Config;
}

function describe(v: unknown): string {
  return typeof v === 'number' ? String(v) : v === undefined ? 'undefined' : JSON.stringify(v) ?? String(v);
}

/** The header's f64 hyperparameter values for a config (ids from the wasm's HP_ exports). */
export function encodeHyper(config: Config, ids: Map<string, number>, out: Float64Array): void {
  out.fill(0);
  for (const name of Object.keys(HYPERS)) {
    const v = config[name as keyof Hyperparameters];
    const value = name === 'clipNorm' && v === Infinity ? 0 : Number(v);
    out[ids.get(name)!] = value;
  }
  out[ids.get('skipNonFinite')!] = config.nonFinite === 'skip' ? 1 : 0;
}

/** The inverse of encodeHyper, for checkpoints; the result is re-validated by resolveConfig. */
export function decodeHyper(base: BaseName, rule: RuleName, ids: Map<string, number>, hyper: Float64Array): Record<string, unknown> {
  const out: Record<string, unknown> = { base, rule, nonFinite: hyper[ids.get('skipNonFinite')!] === 1 ? 'skip' : 'throw' };
  for (const [name, spec] of Object.entries(HYPERS)) {
    if (!spec.bases.includes(base)) continue;
    const v = hyper[ids.get(name)!];
    out[name] = spec.check ? (name === 'clipNorm' && v === 0 ? Infinity : v) : v === 1;
  }
  return out;
}
