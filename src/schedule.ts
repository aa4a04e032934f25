// The `schedule` option: validation, defaults and encoding. The multiplier m(t) itself is
// computed in the module (assembly/schedule.ts), the same bits in every runtime.
import { fail, describe, isPlainObject } from './errors.js';
import type { Tables } from './wasm.js';

export const DECAYS = ['constant', 'cosine', 'linear', 'wsd', 'plateau'] as const;
export type Decay = (typeof DECAYS)[number];

/** A multiplier m(t) on every step (t = 0 for the first update). */
export interface ScheduleOptions {
  /** Steps of linear warmup, m = (t + 1)/warmup for t < warmup. Default 0 (none). */
  warmup?: number;
  /** What follows the warmup: 'constant' (default, m = 1), 'cosine', 'linear', 'wsd' (warmup-stable-decay) over [warmup, total), or 'plateau' (reduced by opt.report(metric)). */
  decay?: Decay;
  /** cosine, linear, wsd: the step where m reaches `final` (and stays). Required for them. */
  total?: number;
  /** cosine, linear, wsd: m from `total` on, in [0, 1]. Default 0. */
  final?: number;
  /** wsd: the fraction of (total − warmup) at the end over which m falls linearly to `final`, in (0, 1]. Default 0.2. */
  decayFraction?: number;
  /** plateau: m ← m·factor after a plateau, in (0, 1). Default 0.1. */
  factor?: number;
  /** plateau: reports without improvement tolerated before reducing. Default 10. */
  patience?: number;
  /** plateau: the relative (or absolute) improvement that counts. Default 1e-4. */
  threshold?: number;
  /** plateau: 'rel' (default: best·(1 ∓ threshold)) or 'abs' (best ∓ threshold). */
  thresholdMode?: 'rel' | 'abs';
  /** plateau: reports after a reduction during which none are counted. Default 0. */
  cooldown?: number;
  /** plateau: the smallest m, in [0, 1]. Default 0. */
  minimum?: number;
  /** plateau: 'min' (default: a lower metric is better, e.g. a loss) or 'max' (e.g. an accuracy). */
  mode?: 'min' | 'max';
}
/** A resolved schedule: the fields that apply to its decay, every default filled in. */
export type Schedule = Readonly<ScheduleOptions & { warmup: number; decay: Decay }>;

const WHOLE = { allowed: 'a whole number >= 0', ok: (v: number) => Number.isSafeInteger(v) && v >= 0 };
const UNIT = { allowed: 'a number in [0, 1]', ok: (v: number) => v >= 0 && v <= 1 };
/** Each field: its default, the values allowed, and the decays it applies to (undefined: every one). */
export const FIELDS: Record<keyof ScheduleOptions, { def: number | string; allowed: string; ok: (v: never) => boolean; decays?: readonly Decay[] }> = {
  warmup: { def: 0, ...WHOLE },
  decay: { def: 'constant', allowed: DECAYS.map((d) => `'${d}'`).join(', '), ok: (v: string) => (DECAYS as readonly string[]).includes(v) },
  total: { def: 0, allowed: 'a whole number > warmup', ok: (v: number) => Number.isSafeInteger(v) && v > 0, decays: ['cosine', 'linear', 'wsd'] },
  final: { def: 0, ...UNIT, decays: ['cosine', 'linear', 'wsd'] },
  decayFraction: { def: 0.2, allowed: 'a number in (0, 1]', ok: (v: number) => v > 0 && v <= 1, decays: ['wsd'] },
  factor: { def: 0.1, allowed: 'a number in (0, 1)', ok: (v: number) => v > 0 && v < 1, decays: ['plateau'] },
  patience: { def: 10, ...WHOLE, decays: ['plateau'] },
  threshold: { def: 1e-4, allowed: 'a finite number >= 0', ok: (v: number) => Number.isFinite(v) && v >= 0, decays: ['plateau'] },
  thresholdMode: { def: 'rel', allowed: "'rel' or 'abs'", ok: (v: string) => v === 'rel' || v === 'abs', decays: ['plateau'] },
  cooldown: { def: 0, ...WHOLE, decays: ['plateau'] },
  minimum: { def: 0, ...UNIT, decays: ['plateau'] },
  mode: { def: 'min', allowed: "'min' or 'max'", ok: (v: string) => v === 'min' || v === 'max', decays: ['plateau'] },
};
const NAMES = Object.keys(FIELDS) as (keyof ScheduleOptions)[];

/** The schedule with every default filled in; throws E_OPTION naming the field. */
export function resolveSchedule(given: unknown): Schedule {
  if (given === undefined) given = {};
  if (!isPlainObject(given)) fail('E_OPTION', `option 'schedule' must be an object, e.g. { warmup: 500, decay: 'cosine', total: 10000 }; got ${describe(given)}`);
  const g = given as Record<string, unknown>;
  for (const k of Object.keys(g)) {
    if (!(NAMES as string[]).includes(k)) fail('E_OPTION', `unknown schedule field '${k}'; a schedule takes ${NAMES.join(', ')}`);
  }
  const decay = check('decay', g.decay);
  const out: Record<string, unknown> = {};
  for (const name of NAMES) {
    const f = FIELDS[name];
    if (g[name] !== undefined && f.decays && !f.decays.includes(decay as Decay)) {
      fail('E_OPTION', `schedule field '${name}' applies to decay ${f.decays.map((d) => `'${d}'`).join(', ')}, not '${decay}'`);
    }
    if (!f.decays || f.decays.includes(decay as Decay)) out[name] = check(name, g[name]);
  }
  const s = out as Schedule;
  if (s.total !== undefined) {
    if (g.total === undefined) fail('E_OPTION', `schedule decay '${s.decay}' needs 'total', the step where it reaches 'final'`);
    if (!(s.total > s.warmup)) fail('E_OPTION', `schedule field 'total' (${s.total}) must be greater than 'warmup' (${s.warmup})`);
  }
  return Object.freeze(s);
}

function check(name: keyof ScheduleOptions, v: unknown): number | string {
  const f = FIELDS[name];
  if (v === undefined) return f.def;
  if (typeof v !== typeof f.def || !(f.ok as (x: unknown) => boolean)(v)) fail('E_OPTION', `schedule field '${name}' must be ${f.allowed}; got ${describe(v)}`);
  return v as number | string;
}

/** Writes the schedule's hyperparameters (the module's HP_ slots, by name). */
export function encodeSchedule(given: Schedule, t: Tables, out: Float64Array): void {
  const s = { ...Object.fromEntries(NAMES.map((n) => [n, FIELDS[n].def])), ...given } as Required<ScheduleOptions>;
  const at = (name: string, v: number) => { out[t.hyper.get(name)!] = v; };
  at('warmup', s.warmup); at('decay', t.consts.get(`DECAY_${s.decay}`)!); at('total', s.total); at('final', s.final);
  at('decayFraction', s.decayFraction); at('factor', s.factor); at('patience', s.patience); at('threshold', s.threshold);
  at('cooldown', s.cooldown); at('minimum', s.minimum); at('maximize', s.mode === 'max' ? 1 : 0); at('absolute', s.thresholdMode === 'abs' ? 1 : 0);
}
