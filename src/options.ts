// Validation and encoding of create() options, read from the rule descriptions (src/rules/)
// and the bases' hyperparameters (src/bases.ts). Nothing numeric, and no rule named here.
import { fail, describe } from './errors.js';
import { BASES, BASE_OPTIONS, BASE_VECTORS, HYPERS, basesTaking, checked, keepsSecondMoment, type BaseName, type Hyperparameters, type HyperName } from './bases.js';
import { RULE_LIST, DEFAULT_RULE, type RuleName } from './rules/index.js';
import type { RuleDescription, RuleOption, StateKind } from './rules/define.js';
import type { TensorShapes } from './layout.js';
import type { Tables } from './wasm.js';
import { resolveSchedule, encodeSchedule, type Schedule, type ScheduleOptions } from './schedule.js';
import type { Group, GroupOptions } from './groups.js';

export type { BaseName, Hyperparameters, RuleName, StateKind };
export const RULES: readonly RuleName[] = RULE_LIST.map((r) => r.id);
const BY_ID = new Map<string, RuleDescription>(RULE_LIST.map((r) => [r.id, r]));
/**
 * The module's id of a base: its index in BASES, 'none' after them; a rule's id is its index
 * in RULES. The build numbers them so (scripts/rules.mjs), and the wasm's fingerprint covers it.
 */
export const baseId = (b: BaseName): number => (b === 'none' ? BASES.length : BASES.indexOf(b));
/** A rule's description. */
export const ruleOf = (id: RuleName): RuleDescription => BY_ID.get(id)!;

/** The options every rule and base takes: layout and behaviour. */
export interface LayoutOptions {
  /** Number of parameters (or give `tensors`). */
  size?: number;
  /** Named tensors laid end to end in the flat vector, e.g. { w1: [784, 128], b1: [128] }. */
  tensors?: TensorShapes;
  /** Initial parameter values (length = size); default all zeros. */
  params?: ArrayLike<number>;
  /** A gradient with NaN/±Infinity: 'throw' (default) or 'skip' (counted in stats.skipped). Either way nothing changes. */
  nonFinite?: 'throw' | 'skip';
  /** A multiplier m(t) on the step: warmup, then a decay (docs/options.md says how each rule takes it). */
  schedule?: ScheduleOptions;
  /** Parameter groups (needs `tensors`): each tensor takes the first group that matches it; the others take the top-level values. */
  groups?: readonly GroupOptions[];
  /** Keep an exponential moving average of the weights with this decay, in (0, 1) (e.g. 0.999): opt.ema views it. */
  ema?: number;
  /** Measure each group's step norm (opt.groups[].stepNorm) in the update passes; default false (it costs the bases' loops up to ~1.5×). */
  measureSteps?: boolean;
}

type Rules = (typeof RULE_LIST)[number];
type Described<R extends RuleName> = Extract<Rules, { id: R }>;
type OptionValue<O> = O extends RuleOption<infer T> ? T : never;
/** A rule's own options, typed from its description (their TSDoc comes along). */
export type RuleOptionsOf<R extends RuleName> = { -readonly [K in keyof Described<R>['options']]?: OptionValue<Described<R>['options'][K]> };
type HypersOf<D, B extends BaseName> =
  D extends { baseOptions: infer O } ? (B extends keyof O ? (O[B] extends readonly (infer H)[] ? H : never) : (typeof BASE_OPTIONS)[B][number])
    : (typeof BASE_OPTIONS)[B][number];
type WithBase<D, B> = B extends BaseName
  ? (B extends 'none' ? { /** This rule carries its own update: leave `base` out. */ base?: 'none' } : { /** The base optimizer the rule drives. */ base: B })
    & Pick<Hyperparameters, HypersOf<D, B> & HyperName>
  : never;
/**
 * The options of create() for rule R: its bases (a union discriminated by `base`), the base
 * hyperparameters it takes with each, and its own options; an option it does not take is a
 * type error.
 */
export type CreateOptionsOf<R extends RuleName> = R extends RuleName
  ? LayoutOptions & { /** The learning-rate rule (one of ss.rules). Left out: the rule that steps at the lr the caller sets. */ rule?: R } & RuleOptionsOf<R> & WithBase<Described<R>, Described<R>['bases'][number]>
    & (R extends typeof DEFAULT_RULE ? unknown : { rule: R })
  : never;
/** The options of create(): a union discriminated by `rule` and `base`. */
export type CreateOptions = CreateOptionsOf<RuleName>;

/** The resolved options (defaults filled in): base, rule, every hyperparameter and rule option. */
export interface Config extends Hyperparameters {
  base: BaseName;
  rule: RuleName;
  nonFinite: 'throw' | 'skip';
  schedule: Schedule;
  /** The groups resolved against the tensors (names, never matchers); absent without groups. */
  groups?: readonly Group[];
  /** The EMA's decay; absent without one. */
  ema?: number;
  /** true when the update passes measure each group's step norm; absent otherwise. */
  measureSteps?: true;
  readonly [option: string]: unknown;
}

/** The scalar state every optimizer keeps, by name (the rule's own are in its description). */
export const COMMON_STATE: Record<string, StateKind> = {
  step: 'count', skipped: 'count', lr: 'nonNegative', retraces: 'count',
  applied: 'unit', plateauScale: 'unit', plateauBest: 'finite', plateauBad: 'count', plateauCooldown: 'count', plateauReports: 'count',
};
/** The value of common state that checkpoints written before it existed lack (0.5.0 added the schedule's). */
const COMMON_ADDED: Record<string, number> = { applied: 1, plateauScale: 1, plateauBest: 0, plateauBad: 0, plateauCooldown: 0, plateauReports: 0 };
/** The value a checkpoint written before state `name` ('<rule>.<name>' for a rule's own) existed restores with, or undefined. */
export function stateAdded(rule: RuleName, name: string): number | undefined {
  if (Object.hasOwn(COMMON_ADDED, name)) return COMMON_ADDED[name];
  const own = ruleOf(rule).stateAdded, key = name.slice(rule.length + 1);
  return name.startsWith(`${rule}.`) && own && Object.hasOwn(own, key) ? own[key] : undefined;
}

const STRUCTURAL = ['size', 'tensors', 'base', 'rule', 'params', 'nonFinite', 'schedule', 'groups', 'ema', 'measureSteps'];

function oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[], def?: T): T {
  if (value === undefined && def !== undefined) return def;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    const got = value === undefined ? 'nothing' : describe(value);
    fail('E_OPTION', `option '${field}' must be one of ${allowed.map((a) => `'${a}'`).join(', ')}; got ${got}`);
  }
  return value as T;
}

/** The base options that apply to this base under this rule. */
function baseOptionNames(base: BaseName, spec: RuleDescription): readonly HyperName[] {
  return spec.baseOptions?.[base] ?? BASE_OPTIONS[base];
}

const ownsOption = (s: RuleDescription, key: string): boolean => Object.hasOwn(s.options, key);

/** Resolves and checks every option but the layout ones; throws E_OPTION naming the field. */
export function resolveConfig(options: Record<string, unknown>): Config {
  if (options === null || typeof options !== 'object') fail('E_OPTION', 'create() takes an options object');
  const rule = oneOf('rule', options.rule, RULES, DEFAULT_RULE);
  const spec = ruleOf(rule);
  let base: BaseName;
  if (spec.bases.length === 1 && spec.bases[0] === 'none') {
    if (options.base !== undefined && options.base !== 'none') {
      fail('E_OPTION', `rule '${rule}' carries its own update: leave 'base' out (got ${describe(options.base)})`);
    }
    base = 'none';
  } else {
    base = oneOf('base', options.base, spec.bases);
  }
  const nonFinite = oneOf('nonFinite', options.nonFinite, ['throw', 'skip'] as const, 'throw');
  const baseNames = baseOptionNames(base, spec);
  const ruleNames = Object.keys(spec.options);
  for (const key of Object.keys(options)) {
    if (STRUCTURAL.includes(key) || options[key] === undefined) continue;
    if ((baseNames as readonly string[]).includes(key) || ruleNames.includes(key)) continue;
    // (own keys only: 'constructor', 'toString' or '__proto__' are unknown options, not Object.prototype's)
    const known = Object.hasOwn(HYPERS, key) || RULE_LIST.some((s) => ownsOption(s, key));
    if (!known) {
      const all = new Set([...STRUCTURAL, ...Object.keys(HYPERS), ...RULE_LIST.flatMap((s) => Object.keys(s.options))]);
      fail('E_OPTION', `unknown option '${key}'; options are ${[...all].join(', ')}`);
    }
    const owners = [
      ...(Object.hasOwn(HYPERS, key) ? [`a base option of ${basesTaking(key).join(', ')}`] : []),
      ...RULE_LIST.filter((s) => ownsOption(s, key)).map((s) => `an option of rule '${s.id}'`),
    ];
    const where = rule === DEFAULT_RULE ? `base '${base}'` : `rule '${rule}'${base === 'none' ? '' : ` with base '${base}'`}`;
    fail('E_OPTION', `option '${key}' does not apply to ${where}; it takes ${[...baseNames, ...ruleNames].join(', ')} ` +
      `('${key}' is ${owners.join(' and ')})`);
  }
  const out: Record<string, unknown> = { base, rule, nonFinite, schedule: resolveSchedule(options.schedule) };
  if (options.ema !== undefined) {
    if (typeof options.ema !== 'number' || !(options.ema > 0 && options.ema < 1)) {
      fail('E_OPTION', `option 'ema' must be a number in (0, 1), the moving average's decay (e.g. 0.999); got ${describe(options.ema)}`);
    }
    out.ema = options.ema;
  }
  if (options.measureSteps !== undefined && options.measureSteps !== false) {
    if (options.measureSteps !== true) fail('E_OPTION', `option 'measureSteps' must be true or false; got ${describe(options.measureSteps)}`);
    out.measureSteps = true;
  }
  const ruleLr = typeof spec.lr === 'function' ? spec.lr(base) : spec.lr;
  for (const name of baseNames) {
    const given = options[name];
    const def = name === 'lr' && ruleLr !== undefined ? ruleLr : spec.hyperDefaults?.[name] ?? HYPERS[name].def(base);
    out[name] = checked(name, given !== undefined ? given : def, HYPERS[name].check);
  }
  for (const [name, o] of Object.entries(spec.options)) {
    const given = options[name];
    const value = given !== undefined ? given : typeof o.default === 'function' ? o.default(base, out.lr as number) : o.default;
    out[name] = o.choices ? oneOf(name, value, o.choices)
      : o.adaptive && value === 'adaptive' ? value : checked(name, value, o.ok && { allowed: o.allowed, ok: o.ok });
  }
  if (keepsSecondMoment(base) && typeof out.eps === 'number') {
    const scale = Math.sqrt(1 - (out.beta2 as number)); // √(1 − β2^t) is smallest at t = 1
    const min = smallestAbove(2 ** -150, scale);
    if (!((out.eps as number) >= min)) {
      fail('E_OPTION', `option 'eps' must be at least ${min} with beta2 = ${out.beta2}: Adam adds eps·√(1 − beta2^t) to √v̂ in float32, ` +
        `and below that it rounds to 0, which makes 0/0 on a coordinate whose gradient is 0; got ${out.eps}`);
    }
  }
  if (out.nesterov && !((out.momentum as number) > 0)) {
    fail('E_OPTION', `option 'nesterov' needs momentum > 0 (base '${base}' has momentum ${out.momentum})`);
  }
  spec.validate?.(out, options);
  return out as Config;
}

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

/** The saved state vectors of this base under this rule, in slot order, by role (with `ema`, the EMA of the weights last). */
export function vectorRoles(base: BaseName, rule: RuleName, ema = false): string[] {
  const v = ruleOf(rule).vectors ?? [];
  return ['params', ...(typeof v === 'function' ? v(base) : [...BASE_VECTORS[base], ...v]), ...(ema ? ['ema'] : [])];
}

/** The scalar state of a rule, by name (common names first, then the rule's as '<rule>.<name>'), and what each may hold. */
export function stateKinds(rule: RuleName): [string, StateKind][] {
  return [...Object.entries(COMMON_STATE), ...Object.entries(ruleOf(rule).state ?? {}).map(([k, v]) => [`${rule}.${k}`, v] as [string, StateKind])];
}

/** The state a config keeps per tensor (name → kind, in slot order), or undefined when it keeps none. */
export function tensorStateOf(config: Config): Readonly<Record<string, StateKind>> | undefined {
  const d = ruleOf(config.rule).tensorState;
  return d && (config as unknown as Record<string, unknown>)[d.option] === true ? d.kinds : undefined;
}

/**
 * Where a rule's scalars live in the header, by name: the common ones at the module's ids
 * (its tables), the rule's own as '<rule>.<name>' at the module's first own slot (OWN_HP,
 * OWN_S, OWN_T) plus their index in the description, which is how the build numbers them
 * (scripts/rules.mjs; the wasm's fingerprint covers them).
 */
export function scalarSlots(t: Tables, rule: RuleName, kind: 'hyper' | 'state' | 'stats'): Map<string, number> {
  const d = ruleOf(rule);
  const own = kind === 'hyper' ? Object.keys(d.options) : kind === 'state' ? Object.keys(d.state ?? {}) : d.stats;
  const first = t.consts.get({ hyper: 'OWN_HP', state: 'OWN_S', stats: 'OWN_T' }[kind])!;
  return new Map([...t[kind], ...own.map((n, i): [string, number] => [`${rule}.${n}`, first + i])]);
}

/** The module's name for a choice value (its C_ constant). */
export const choiceId = (rule: string, option: string, value: string): string => `${rule}_${option}_${value.replace(/\W/g, '_')}`;

/** The header's f64 hyperparameter values for a config (ids and choice values from the module's tables). */
export function encodeHyper(config: Config, tables: Tables, out: Float64Array): void {
  out.fill(0);
  const spec = ruleOf(config.rule), slots = scalarSlots(tables, config.rule, 'hyper');
  const hyper = (name: string, v: unknown) => { out[slots.get(name)!] = v === Infinity ? 0 : Number(v); };
  for (const name of baseOptionNames(config.base, spec)) hyper(name, config[name]);
  for (const [name, o] of Object.entries(spec.options)) {
    const v = config[name];
    hyper(`${config.rule}.${name}`, o.choices ? tables.choices.get(choiceId(config.rule, name, v as string)) : v === 'adaptive' ? -1 : v);
  }
  hyper('skipNonFinite', config.nonFinite === 'skip' ? 1 : 0);
  encodeSchedule(config.schedule, tables, out);
  if (config.measureSteps) hyper('measure', 1);
  if (config.groups) hyper('grouped', 1);
  if (config.ema !== undefined) { hyper('ema', config.ema); hyper('emaOfAverage', spec.emaOf === 'average' ? 1 : 0); }
}

export { BASES, RULE_LIST, HYPERS, BASE_OPTIONS };
export { FIELDS as SCHEDULE_FIELDS } from './schedule.js';
