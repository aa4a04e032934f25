// Validation of create() options: which hyperparameters each base and each rule takes, their
// defaults (torch.optim's for the bases, the papers' for the rules) and the values allowed.
// Nothing numeric. docs/rules/<id>.md says where each rule default comes from.
import { fail, describe } from './errors.js';

export const BASES = ['sgd', 'momentum', 'adam', 'adamw', 'sign', 'normalized'] as const;
export const RULES = ['constant', 'c2min', 'p2min', 'clara', 'csa', 'gala', 'secant', 'glyder', 'dadapt', 'prodigy', 'dog'] as const;
/** 'none': the rule carries its own update (c2min, p2min). */
export type BaseName = (typeof BASES)[number] | 'none';
export type RuleName = (typeof RULES)[number];

/** Hyperparameters of the base optimizers (each base takes the subset listed in HYPERS). */
export interface Hyperparameters {
  /** Learning rate (the constant rule's; an adaptive rule's initial one). Default 1e-3 (ELRA: 1e-5). */
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

/** The rules' own options (see docs/rules/<id>.md). */
export interface RuleOptions {
  /** c2min: mixing weight of momentum vs gradient, or 'adaptive' (the authors' loss-noise rule). Default 0.7. */
  beta?: number | 'adaptive';
  /** c2min: alpha ← alpha·(1 + posSlope·cos) when cos > 0. Default 0.6. */
  posSlope?: number;
  /** c2min: alpha ← alpha·(1 + negSlope·cos) when cos ≤ 0. Default 0.5. */
  negSlope?: number;
  /** clara, csa: path cumulation constant. Default 0.2. */
  c?: number;
  /** clara, csa: rate of the LR change (the papers' d). Default 1e-3. */
  damping?: number;
  /** clara: step by the unit direction (the paper's "_us" variants). Default false. */
  unitStep?: boolean;
  /** gala: FTRL regularizer weight δ. Default 0. */
  delta?: number;
  /** gala: lower bound of the LR (keeps it off the η = 0 trap), default 1e-3·lr; clara, csa: default 0. */
  etaMin?: number;
  /** gala, clara, csa: upper bound of the LR. Default Infinity (no bound). */
  etaMax?: number;
  /** gala: 'same-batch' ⟨g, h⟩ (the paper's practical form) or 'direction' ⟨g, d⟩. Default: same-batch for sgd, direction otherwise. */
  alignment?: 'same-batch' | 'direction';
  /** gala: regularizer centred on lr, (δ/2)(η − lr)², rather than (δ/2)η². Default true. */
  centred?: boolean;
  /** secant: the closed form of η from the secant pair. Default 'damped' ('ridge' for base sign; see docs/rules/secant.md). */
  formula?: 'damped' | 'ridge' | 'bb1' | 'bb2';
  /** secant: 3 (the caller's gradient plus two on a fresh batch) or 2 (the fresh-batch gradient is g). Default 3. */
  evaluations?: 2 | 3;
  /** secant: the probe displacement s: 'gradient' (g) or 'sign' (sign(g)). Default 'gradient' ('sign' for base sign). */
  probe?: 'gradient' | 'sign';
  /** secant: c in the look-ahead point x + c·s. Default 1. */
  probeScale?: number;
  /** glyder: β of the EMAs of ⟨g', d⟩ and ‖d‖². Default 0.9. */
  smoothing?: number;
  /** glyder: γ, the forgetting factor of the curvature maximum L̄. Default 0.99. */
  curvatureDecay?: number;
  /** glyder: measure the curvature every k steps (k − 1 of k steps need one closure call, not two). Default 1. */
  curvatureEvery?: number;
  /** glyder: minimum probe length τ·‖d‖. Default 1e-3. */
  tauMin?: number;
  /** glyder: hard cap on η. Default Infinity. */
  maxLr?: number;
  /** dadapt, prodigy: the initial distance estimate D. Default 1e-6. */
  d0?: number;
  /** dadapt, prodigy: cap on D's growth per step (D ← min(D̂, D·growthRate)). Default Infinity. */
  growthRate?: number;
  /** dadapt (adam), prodigy: scale η by Adam's bias correction √(1−β2^t)/(1−β1^t). Default false. */
  biasCorrection?: boolean;
  /** prodigy: multiplier on D̂. Default 1. */
  dCoef?: number;
  /** prodigy: leave lr out of the s accumulator, so an LR warm-up cannot inflate D. Default false. */
  safeguardWarmup?: boolean;
  /** dog: the first step's distance r̄ = repsRel·(1 + ‖x0‖). Default 1e-6 (1e-4 with batch norm). */
  repsRel?: number;
  /** dog: keep the polynomial-decay average x̄ (read it from `opt.average`). Default true. */
  average?: boolean;
  /** dog: γ of the average's weight (1 + γ)/(t + γ). Default 8. */
  averageGamma?: number;
}

export interface Config extends Hyperparameters, RuleOptions {
  base: BaseName;
  rule: RuleName;
  nonFinite: 'throw' | 'skip';
}

type Check = { allowed: string; ok: (v: number) => boolean };
const positive: Check = { allowed: 'a finite number > 0', ok: (v) => Number.isFinite(v) && v > 0 };
const unit: Check = { allowed: 'a number in [0, 1)', ok: (v) => v >= 0 && v < 1 };
const openUnit: Check = { allowed: 'a number in (0, 1)', ok: (v) => v > 0 && v < 1 };
const nonNegative: Check = { allowed: 'a finite number >= 0', ok: (v) => Number.isFinite(v) && v >= 0 };
const clip: Check = { allowed: 'a number > 0 (Infinity turns clipping off)', ok: (v) => v > 0 };
const slope: Check = { allowed: 'a number in [0, 10]', ok: (v) => v >= 0 && v <= 10 };

const MOMENTUM_BASES: readonly BaseName[] = ['momentum', 'sign', 'normalized'];
const ADAM_BASES: readonly BaseName[] = ['adam', 'adamw'];

interface HyperSpec { bases: readonly BaseName[]; def: (b: BaseName) => number | boolean; check?: Check }
export const HYPERS: Record<keyof Hyperparameters, HyperSpec> = {
  lr: { bases: [...BASES, 'none'], def: () => 1e-3, check: positive },
  momentum: { bases: MOMENTUM_BASES, def: (b) => (b === 'momentum' ? 0.9 : 0), check: unit },
  nesterov: { bases: MOMENTUM_BASES, def: () => false },
  beta1: { bases: ADAM_BASES, def: () => 0.9, check: unit },
  beta2: { bases: ADAM_BASES, def: () => 0.999, check: unit },
  // (and eps·√(1 − beta2) > 2^-150, so float32 does not round Adam's eps term to 0: resolveConfig)
  eps: { bases: ADAM_BASES, def: () => 1e-8, check: { allowed: 'a finite number > 0 with eps·√(1 − beta2) > 2^-150 (~7e-46)', ok: positive.ok } },
  weightDecay: { bases: BASES, def: (b) => (b === 'adamw' ? 0.01 : 0), check: nonNegative },
  clipNorm: { bases: BASES, def: () => Infinity, check: clip },
};

interface RuleOption {
  /** the default, or a function of the base and the resolved lr */
  def: number | boolean | string | ((base: BaseName, lr: number) => number | boolean | string);
  check?: Check;        // numbers; booleans and choices have none
  adaptive?: boolean;   // also accepts the string 'adaptive' (encoded as -1)
  choices?: readonly string[]; // a string option, encoded as its index
  infinite?: boolean;   // Infinity allowed (encoded as 0)
}

/** What a checkpoint may hold in a scalar: a count (whole number >= 0), a flag (0 or 1), a value >= 0, or any finite value. */
export type StateKind = 'count' | 'flag' | 'nonNegative' | 'finite';

/** The scalar state every optimizer keeps, by name (the rule's own are in its spec). */
export const COMMON_STATE: Record<string, StateKind> = { step: 'count', skipped: 'count', lr: 'nonNegative', retraces: 'count' };

/** The state vectors each base keeps, in slot order, by the role a checkpoint names them with. */
export const BASE_VECTORS: Record<BaseName, readonly string[]> = {
  sgd: [], none: [], momentum: ['buffer'], sign: ['buffer'], normalized: ['buffer'], adam: ['m', 'v'], adamw: ['m', 'v'],
};

/** Vectors whose every value is >= 0 (Adam's second moment): a checkpoint holding a negative one is refused. */
export const NON_NEGATIVE_VECTORS: readonly string[] = ['v'];

interface RuleSpec {
  /** Bases the rule drives; ['none'] when it carries its own update. */
  bases: readonly BaseName[];
  /** Every saved state vector with this base, in slot order (default: the base's, then `extraVectors`). */
  vectors?: (b: BaseName) => readonly string[];
  /** The vectors the rule adds after the base's (when `vectors` is not given). */
  extraVectors?: readonly string[];
  /** The rule's own scalar state, by name, and what each may hold. */
  state?: Record<string, StateKind>;
  /** The base options it accepts, per base (default: all the base takes). */
  baseOptions?: (b: BaseName) => readonly string[];
  /** Its initial-LR default, when not the base's. */
  lr?: number | ((base: BaseName) => number);
  /** step() must carry the minibatch loss. */
  needsLoss?: boolean;
  /** step() must carry a closure (gradient evaluations at other points). */
  needsClosure?: boolean;
  options: Record<string, RuleOption>;
}

const growth: Check = { allowed: 'a number > 1 (Infinity: no cap)', ok: (v) => v > 1 };
const PEER_DISTANCE = { def: 1e-6, check: positive };

/** The parameter-free baselines the papers compare with (docs/rules/<id>.md). */
const PEER_SPECS = {
  dadapt: {
    // torch.optim-style bases: momentum gives the SGD form's β (x ← βx + (1−β)z), adamw decoupled decay
    bases: ['sgd', 'momentum', 'adam', 'adamw'], lr: 1,
    // sgd and momentum keep s and x0 (the momentum form's own averaging needs no buffer); adam forms add s
    vectors: (b: BaseName) => (b === 'sgd' || b === 'momentum' ? ['s', 'x0'] : ['m', 'v', 's']),
    state: { D: 'nonNegative', R: 'finite', G0: 'nonNegative' },
    baseOptions: (b: BaseName) => (b === 'momentum' ? ['lr', 'momentum', 'weightDecay', 'clipNorm'] : Object.keys(HYPERS).filter((k) => k !== 'nesterov' && HYPERS[k as keyof Hyperparameters].bases.includes(b))),
    options: { d0: PEER_DISTANCE, growthRate: { def: Infinity, check: growth, infinite: true }, biasCorrection: { def: false } },
  },
  prodigy: {
    bases: ['adam', 'adamw'], lr: 1, extraVectors: ['s', 'x0'], state: { D: 'nonNegative', Dmax: 'nonNegative', R: 'finite' },
    options: {
      d0: PEER_DISTANCE, dCoef: { def: 1, check: positive }, growthRate: { def: Infinity, check: growth, infinite: true },
      biasCorrection: { def: false }, safeguardWarmup: { def: false },
    },
  },
  dog: {
    bases: ['sgd'], lr: 1, extraVectors: ['x0', 'xbar'], state: { rbar: 'nonNegative', G: 'nonNegative' },
    options: {
      repsRel: { def: 1e-6, check: positive }, eps: { def: 1e-8, check: positive },
      average: { def: true }, averageGamma: { def: 8, check: nonNegative },
    },
  },
} satisfies Record<string, RuleSpec>;

export const RULE_SPECS: Record<RuleName, RuleSpec> = {
  constant: { bases: BASES, options: {} },
  c2min: {
    bases: ['none'], baseOptions: () => ['lr'], lr: 1e-5, needsLoss: true, extraVectors: ['P', 'm'],
    state: { alpha: 'nonNegative', beta: 'nonNegative', q: 'nonNegative', best: 'finite', F: 'finite', N: 'nonNegative', f0: 'finite', started: 'flag' },
    options: {
      beta: { def: 0.7, check: unit, adaptive: true },
      posSlope: { def: 0.6, check: slope },
      negSlope: { def: 0.5, check: { allowed: 'a number in [0, 1)', ok: (v) => v >= 0 && v < 1 } },
    },
  },
  p2min: {
    bases: ['none'], baseOptions: () => ['lr'], lr: 1e-5, needsLoss: true, extraVectors: ['P'],
    state: { alpha: 'nonNegative', D: 'nonNegative', E: 'nonNegative', best: 'finite', last: 'finite', finit: 'finite', q: 'nonNegative', started: 'flag' },
    options: {},
  },
  clara: {
    extraVectors: ['path'], state: { eta: 'nonNegative' },
    bases: ['sgd', 'adam'], baseOptions: (b) => (b === 'adam' ? ['lr', 'beta1', 'beta2', 'eps', 'weightDecay'] : ['lr']),
    options: {
      c: { def: 0.2, check: openUnit }, damping: { def: 1e-3, check: positive }, unitStep: { def: false },
      etaMin: { def: 0, check: nonNegative }, etaMax: { def: Infinity, check: { allowed: 'a number > 0 (Infinity: no bound)', ok: (v) => v > 0 }, infinite: true },
    },
  },
  csa: {
    extraVectors: ['path'], state: { eta: 'nonNegative' },
    bases: ['sgd', 'adam'], baseOptions: (b) => (b === 'adam' ? ['lr', 'beta1', 'beta2', 'eps'] : ['lr']),
    options: {
      c: { def: 0.2, check: openUnit }, damping: { def: 1e-3, check: positive },
      etaMin: { def: 0, check: nonNegative }, etaMax: { def: Infinity, check: { allowed: 'a number > 0 (Infinity: no bound)', ok: (v) => v > 0 }, infinite: true },
    },
  },
  gala: {
    bases: ['sgd', 'momentum', 'normalized', 'adam'], lr: (b) => (b === 'adam' ? 1e-3 : 1e-2), needsClosure: true,
    extraVectors: ['prev'], state: { A: 'finite', Q: 'nonNegative', eta: 'nonNegative', started: 'flag' },
    options: {
      delta: { def: 0, check: nonNegative },
      // 1e-3·lr, not the spec's 1e-8·lr (chosen in float64): float32 iterates do not move for
      // steps below ~1e-7 relative, and a GALA whose LR sits at such a floor never recovers
      etaMin: { def: (_b, lr) => 1e-3 * lr, check: positive },
      etaMax: { def: Infinity, check: { allowed: 'a number > 0 (Infinity: no bound)', ok: (v) => v > 0 }, infinite: true },
      alignment: { def: (b) => (b === 'sgd' ? 'same-batch' : 'direction'), choices: ['same-batch', 'direction'] },
      centred: { def: true },
    },
  },
  secant: {
    bases: ['sgd', 'momentum', 'sign'], needsClosure: true, state: { eta: 'nonNegative', started: 'flag' },
    options: {
      // sign base: s = sign(g) with the ridge form (the spec asks to test {g, sign(g)} × {F3, F4}:
      // the damped form gives η = O(1), a ±1 step per coordinate; docs/rules/secant.md has the numbers)
      formula: { def: (b) => (b === 'sign' ? 'ridge' : 'damped'), choices: ['damped', 'ridge', 'bb1', 'bb2'] },
      evaluations: { def: 3, check: { allowed: '2 or 3', ok: (v) => v === 2 || v === 3 } },
      probe: { def: (b) => (b === 'sign' ? 'sign' : 'gradient'), choices: ['gradient', 'sign'] },
      probeScale: { def: 1, check: positive },
    },
  },
  glyder: {
    // lr is c, the scale on the locally optimal step: 1 is the step the descent lemma gives
    bases: ['sgd', 'momentum', 'adam'], lr: 1, needsClosure: true,
    state: { N: 'finite', Q: 'nonNegative', L: 'nonNegative', eta: 'nonNegative', started: 'flag' },
    baseOptions: (b) => Object.keys(HYPERS).filter((k) => k !== 'clipNorm' && HYPERS[k as keyof Hyperparameters].bases.includes(b)),
    options: {
      smoothing: { def: 0.9, check: unit },
      curvatureDecay: { def: 0.99, check: unit },
      curvatureEvery: { def: 1, check: { allowed: 'a whole number >= 1', ok: (v) => Number.isInteger(v) && v >= 1 } },
      tauMin: { def: 1e-3, check: positive },
      maxLr: { def: Infinity, check: { allowed: 'a number > 0 (Infinity: no cap)', ok: (v) => v > 0 }, infinite: true },
    },
  },
  ...PEER_SPECS,
};


const STRUCTURAL = ['size', 'tensors', 'base', 'rule', 'params', 'nonFinite'];

function oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[], def?: T): T {
  if (value === undefined && def !== undefined) return def;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    const got = value === undefined ? 'nothing' : describe(value);
    fail('E_OPTION', `option '${field}' must be one of ${allowed.map((a) => `'${a}'`).join(', ')}; got ${got}`);
  }
  return value as T;
}

/** The base options that apply to this base under this rule. */
function baseOptionNames(base: BaseName, rule: RuleName): string[] {
  const allowed = RULE_SPECS[rule].baseOptions?.(base);
  return Object.keys(HYPERS).filter((k) => HYPERS[k as keyof Hyperparameters].bases.includes(base) && (!allowed || allowed.includes(k)));
}

/** Resolves and checks every option but the layout ones; throws E_OPTION naming the field. */
export function resolveConfig(options: Record<string, unknown>): Config {
  if (options === null || typeof options !== 'object') fail('E_OPTION', 'create() takes an options object');
  const rule = oneOf('rule', options.rule, RULES, 'constant');
  const spec = RULE_SPECS[rule];
  let base: BaseName;
  if (spec.bases.length === 1 && spec.bases[0] === 'none') {
    if (options.base !== undefined && options.base !== 'none') {
      fail('E_OPTION', `rule '${rule}' carries its own update: leave 'base' out (got ${describe(options.base)})`);
    }
    base = 'none';
  } else {
    base = oneOf('base', options.base, spec.bases as readonly BaseName[]);
  }
  const nonFinite = oneOf('nonFinite', options.nonFinite, ['throw', 'skip'] as const, 'throw');
  const baseNames = baseOptionNames(base, rule);
  const ruleNames = Object.keys(spec.options);
  for (const key of Object.keys(options)) {
    if (STRUCTURAL.includes(key) || options[key] === undefined) continue;
    if (baseNames.includes(key) || ruleNames.includes(key)) continue;
    // (own keys only: 'constructor', 'toString' or '__proto__' are unknown options, not Object.prototype's)
    const known = Object.hasOwn(HYPERS, key) || Object.values(RULE_SPECS).some((s) => Object.hasOwn(s.options, key));
    if (!known) {
      const all = new Set([...STRUCTURAL, ...Object.keys(HYPERS), ...Object.values(RULE_SPECS).flatMap((s) => Object.keys(s.options))]);
      fail('E_OPTION', `unknown option '${key}'; options are ${[...all].join(', ')}`);
    }
    const owners = [
      ...(Object.hasOwn(HYPERS, key) ? [`a base option of ${HYPERS[key as keyof Hyperparameters].bases.filter((b) => b !== 'none').join(', ')}`] : []),
      ...(Object.entries(RULE_SPECS).filter(([, s]) => Object.hasOwn(s.options, key)).map(([r]) => `an option of rule '${r}'`)),
    ];
    const where = rule === 'constant' ? `base '${base}'` : `rule '${rule}'${base === 'none' ? '' : ` with base '${base}'`}`;
    fail('E_OPTION', `option '${key}' does not apply to ${where}; it takes ${[...baseNames, ...ruleNames].join(', ')} ` +
      `('${key}' is ${owners.join(' and ')})`);
  }
  const out: Record<string, unknown> = { base, rule, nonFinite };
  for (const name of baseNames) {
    const hspec = HYPERS[name as keyof Hyperparameters];
    const given = options[name];
    const ruleLr = typeof spec.lr === 'function' ? spec.lr(base) : spec.lr;
    const value = given !== undefined ? given : name === 'lr' && ruleLr !== undefined ? ruleLr : hspec.def(base);
    out[name] = checked(name, value, hspec.check);
  }
  for (const [name, ospec] of Object.entries(spec.options)) {
    const given = options[name];
    const value = given !== undefined ? given : typeof ospec.def === 'function' ? ospec.def(base, out.lr as number) : ospec.def;
    if (ospec.choices) out[name] = oneOf(name, value, ospec.choices);
    else out[name] = ospec.adaptive && value === 'adaptive' ? value : checked(name, value, ospec.check, ospec.adaptive);
  }
  if (out.etaMax !== undefined && (out.etaMax as number) < (out.etaMin as number)) {
    const min = options.etaMin !== undefined ? `'etaMin' (${out.etaMin})` : `${out.etaMin}, the default 'etaMin' of rule '${rule}'${rule === 'gala' ? ' (1e-3·lr)' : ''}`;
    fail('E_OPTION', `option 'etaMax' (${out.etaMax}) must not be below ${min}`);
  }
  if ((base === 'adam' || base === 'adamw') && typeof out.eps === 'number') {
    const scale = Math.sqrt(1 - (out.beta2 as number)); // √(1 − β2^t) is smallest at t = 1
    const min = smallestAbove(TINY, scale);
    if (!((out.eps as number) >= min)) {
      fail('E_OPTION', `option 'eps' must be at least ${min} with beta2 = ${out.beta2}: Adam adds eps·√(1 − beta2^t) to √v̂ in float32, ` +
        `and below that it rounds to 0, which makes 0/0 on a coordinate whose gradient is 0; got ${out.eps}`);
    }
    if (rule === 'prodigy' && !((out.d0 as number) * (out.eps as number) > TINY)) {
      fail('E_OPTION', `options 'd0' and 'eps' must have d0·eps > 2^-150 (${TINY}): Prodigy adds D·eps to √v in float32, ` +
        `and below that it rounds to 0; got d0 = ${out.d0}, eps = ${out.eps}`);
    }
  }
  if (out.nesterov && !((out.momentum as number) > 0)) {
    fail('E_OPTION', `option 'nesterov' needs momentum > 0 (base '${base}' has momentum ${out.momentum})`);
  }
  return out as unknown as Config;
}

/** Half the smallest float32 subnormal: a positive f64 rounds to a non-zero float32 exactly when it is above this. */
const TINY = 2 ** -150;

/** The smallest double e with e·scale > limit (in f64 arithmetic, as the module computes it). */
function smallestAbove(limit: number, scale: number): number {
  const f = new Float64Array(1), bits = new BigInt64Array(f.buffer);
  f[0] = limit / scale;
  while (f[0] * scale <= limit) bits[0]++;               // up until it works
  for (;;) {                                             // down while the one below still works
    const keep = bits[0];
    bits[0]--;
    if (!(f[0] * scale > limit)) { bits[0] = keep; return f[0]; }
  }
}

function checked(name: string, value: unknown, check: Check | undefined, adaptive = false): number | boolean {
  if (check) {
    if (typeof value !== 'number' || !check.ok(value)) {
      fail('E_OPTION', `option '${name}' must be ${check.allowed}${adaptive ? " or 'adaptive'" : ''}; got ${describe(value)}`);
    }
    return value;
  }
  if (typeof value !== 'boolean') fail('E_OPTION', `option '${name}' must be true or false; got ${describe(value)}`);
  return value;
}


/** The saved state vectors of this base under this rule, in slot order, by role. */
export function vectorRoles(base: BaseName, rule: RuleName): string[] {
  const spec = RULE_SPECS[rule];
  return ['params', ...(spec.vectors ? spec.vectors(base) : [...BASE_VECTORS[base], ...(spec.extraVectors ?? [])])];
}

/** The scalar state of a rule, by name (common names first, then the rule's as '<rule>.<name>'), and what each may hold. */
export function stateKinds(rule: RuleName): [string, StateKind][] {
  return [...Object.entries(COMMON_STATE), ...Object.entries(RULE_SPECS[rule].state ?? {}).map(([k, v]) => [`${rule}.${k}`, v] as [string, StateKind])];
}

/** Whether step() must carry the minibatch loss for this rule. */
export const needsLoss = (rule: RuleName): boolean => RULE_SPECS[rule].needsLoss === true;
/** Whether step() must carry a closure for this rule. */
export const needsClosure = (rule: RuleName): boolean => RULE_SPECS[rule].needsClosure === true;

/** The header's f64 hyperparameter values for a config (ids from the wasm's HP_ exports). */
export function encodeHyper(config: Config, ids: Map<string, number>, out: Float64Array): void {
  out.fill(0);
  const cfg = config as unknown as Record<string, unknown>;
  for (const name of baseOptionNames(config.base, config.rule)) {
    const v = cfg[name];
    out[ids.get(name)!] = name === 'clipNorm' && v === Infinity ? 0 : Number(v);
  }
  for (const [name, ospec] of Object.entries(RULE_SPECS[config.rule].options)) {
    const v = cfg[name];
    out[ids.get(`${config.rule}_${name}`)!] = ospec.choices ? ospec.choices.indexOf(v as string)
      : v === 'adaptive' ? -1 : ospec.infinite && v === Infinity ? 0 : Number(v);
  }
  out[ids.get('skipNonFinite')!] = config.nonFinite === 'skip' ? 1 : 0;
}
