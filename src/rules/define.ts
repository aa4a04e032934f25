// What a rule description holds (one file per rule in this folder), and the helpers the
// descriptions are written with. The description is everything the package knows of a rule
// besides its kernel (assembly/rules/<id>.ts): the loader validates and encodes options from
// it, the build generates the module's dispatch and ids from it (scripts/rules.mjs), the docs,
// the adapters and the tests read it, and the public `ss.rules` is the list of them.
import { fail } from '../errors.js';
import { positive, type BaseName, type Check, type HyperName } from '../bases.js';

/** How a rule's step is called: `step()`, `step(loss)` or `await step(closure)`. */
export type StepForm = 'plain' | 'loss' | 'closure';

/** What a checkpoint may hold in a scalar: a count (whole number >= 0), a flag (0 or 1), a value >= 0, a value in [0, 1], or any finite value. */
export type StateKind = 'count' | 'flag' | 'nonNegative' | 'unit' | 'finite';

/** One option of a rule: its default and the values it allows. */
export interface RuleOption<T = number | boolean | string> {
  /** The default, or a function of the base and the resolved lr when it depends on them. */
  readonly default: T | ((base: BaseName, lr: number) => T);
  /** The values allowed, in words. */
  readonly allowed: string;
  /** The names a choice takes (the module receives the value it assigns to the name). */
  readonly choices?: readonly string[];
  /** @internal the test a number must pass (none: a boolean or a choice) */
  readonly ok?: (v: number) => boolean;
  /** @internal also takes the string 'adaptive' (encoded as -1) */
  readonly adaptive?: boolean;
}

/** A learning-rate rule, as `ss.rules` lists it. */
export interface RuleInfo {
  /** The name `create({ rule })` takes. */
  readonly id: string;
  /** The bases it drives; ['none'] when it carries its own update (then `base` is left out). */
  readonly bases: readonly BaseName[];
  /** How its step is called: `step()` ('plain'), `step(loss)` ('loss') or `await step(closure)` ('closure'). */
  readonly step: StepForm;
  /**
   * How a `schedule`'s m(t) enters it: 'step', on the step it applies only (its own estimate of
   * the LR is not scaled); 'lr', into its LR, which its estimate then reads (stats.lr includes m).
   * Its doc (docs/rules/<id>.md) says why.
   */
  readonly schedule: 'step' | 'lr';
  /** Its own options (besides the base's hyperparameters), by name. */
  readonly options: Readonly<Record<string, RuleOption>>;
  /** The signals it adds to `opt.stats`. */
  readonly stats: readonly string[];
  /**
   * The closure requests (`request.batch`) its steps make with these options (as create() takes
   * them: one left out is at its default), for a closure rule: the tfjs adapter refuses a config
   * whose requests it has no hook for.
   */
  readonly requests?: (options: Readonly<Record<string, unknown>>) => readonly ('same' | 'fresh' | 'repeat' | 'sampled')[];
}

/** The full description; the fields past RuleInfo's are the loader's and the build's. */
export interface RuleDescription extends RuleInfo {
  /** @internal the base hyperparameters it takes, per base, when fewer than the base's (src/bases.ts) */
  readonly baseOptions?: Partial<Record<BaseName, readonly HyperName[]>>;
  /** @internal its initial-LR default, when not the base's */
  readonly lr?: number | ((base: BaseName) => number);
  /** @internal other base hyperparameters' defaults, when not the base's */
  readonly hyperDefaults?: Partial<Record<HyperName, number>>;
  /** @internal the saved vectors it adds after the base's (roles, in slot order), or a function giving all of them */
  readonly vectors?: readonly string[] | ((base: BaseName) => readonly string[]);
  /** @internal the scratch vectors (not saved) its kernel uses */
  readonly scratch?: number | ((base: BaseName) => number);
  /** @internal its scalar state, by name, in slot order, and what each may hold */
  readonly state?: Readonly<Record<string, StateKind>>;
  /** @internal state added after a release: the value a checkpoint written before it restores with */
  readonly stateAdded?: Readonly<Record<string, number>>;
  /**
   * @internal state it keeps per tensor (per segment, in slot order, at most 4), and the boolean
   * option that turns it on: create() then needs `tensors`, and a checkpoint carries each name
   * as one value per tensor
   */
  readonly tensorState?: { readonly option: string; readonly kinds: Readonly<Record<string, StateKind>> };
  /** @internal groups' lrScale: 'freeze' when it takes only 0 (frozen) and 1 (its LR estimate is one for every parameter that trains) */
  readonly groupLr?: 'freeze';
  /** @internal false when its update passes do not measure each tensor's step (opt.groups[].stepNorm stays NaN) */
  readonly stepNorms?: false;
  /** @internal 'average': the `ema` option averages the rule's average (opt.average: the weights it evaluates at), not params */
  readonly emaOf?: 'average';
  /** @internal the caller sets its LR (setLr), rather than the rule adapting it */
  readonly setLr?: boolean;
  /** @internal checks that span options, after each was checked alone; throws E_OPTION */
  readonly validate?: (config: Readonly<Record<string, unknown>>, given: Readonly<Record<string, unknown>>) => void;
}

/** Types a description, keeping its literal names (the typed create() options come from them), and freezes it. */
export const defineRule = <const D extends RuleDescription>(d: D): D => freeze(d);

/** Freezes an object and everything it holds: `ss.rules` hands the descriptions out, and no caller may change a default. */
function freeze<T>(o: T): T {
  if (o !== null && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) freeze(v);
  }
  return o;
}

/** A numeric option. */
export const num = <T extends number = number>(def: NoInfer<T> | ((base: BaseName, lr: number) => NoInfer<T>), check: Check): RuleOption<T> =>
  ({ default: def, allowed: check.allowed, ok: check.ok });
/** A true/false option. */
export const flag = (def: boolean): RuleOption<boolean> => ({ default: def, allowed: 'true or false' });
/** A choice among names. */
export const choice = <const C extends readonly string[]>(choices: C, def: C[number] | ((base: BaseName) => C[number])): RuleOption<C[number]> =>
  ({ default: def, allowed: choices.map((c) => `'${c}'`).join(', '), choices });

/** A numeric option that also takes the string 'adaptive' (the module receives -1 for it). */
export const orAdaptive = (def: number, check: Check): RuleOption<number | 'adaptive'> =>
  ({ default: def, allowed: `${check.allowed} or 'adaptive'`, ok: check.ok, adaptive: true });

/** The check of rules with LR bounds: etaMax may not be below etaMin (`note` says how a default etaMin comes about). */
export const etaBounds = (note = '') => (c: Readonly<Record<string, unknown>>, given: Readonly<Record<string, unknown>>): void => {
  if ((c.etaMax as number) < (c.etaMin as number)) {
    const min = given.etaMin !== undefined ? `'etaMin' (${c.etaMin})` : `${c.etaMin}, the default 'etaMin' of rule '${c.rule}'${note}`;
    fail('E_OPTION', `option 'etaMax' (${c.etaMax}) must not be below ${min}`);
  }
};

export const openUnit: Check = { allowed: 'a number in (0, 1)', ok: (v) => v > 0 && v < 1 };
/** A bound or cap that Infinity turns off (the module receives 0 for Infinity). */
export const upTo = (what: string): Check => ({ allowed: `a number > 0 (Infinity: no ${what})`, ok: (v) => v > 0 });
export { positive };
