// The `groups` option: which tensors take which LR scale and weight decay. Resolved against
// the layout's tensor names; an optimizer keeps (and a checkpoint stores) the resolved groups,
// each with the names it matched, never the matchers. The module applies each tensor's
// values per segment (assembly/loops.ts).
import { fail, describe, isPlainObject } from './errors.js';
import type { Layout } from './layout.js';
import type { Config } from './options.js';
import type { RuleDescription } from './rules/define.js';

/** A tensor name, a RegExp tested against names, or a test of a name. */
export type TensorMatcher = string | RegExp | ((name: string) => boolean);

/** One parameter group: the tensors it takes (the first group that matches a tensor takes it) and their values. */
export interface GroupOptions {
  /** Names, RegExps or (name) => boolean tests, or a list of them. */
  tensors: TensorMatcher | readonly TensorMatcher[];
  /** Multiplies the group's step, decoupled decay included (as torch's per-group lr); 0 freezes the group. Default 1. */
  lrScale?: number;
  /** The group's weight decay, in place of the top-level `weightDecay`. */
  weightDecay?: number;
}

/** A resolved group: the tensors it took, by name, and its values. */
export interface Group {
  readonly tensors: readonly string[];
  readonly lrScale: number;
  readonly weightDecay?: number;
}

const KEYS = ['tensors', 'lrScale', 'weightDecay'];

/** Each tensor's values (tensor order) and the group that took it (-1: none). */
export interface TensorValues { lrScale: number[]; weightDecay: number[]; group: number[] }

/**
 * Resolves `groups` against the tensors; throws E_OPTION naming the group and what was wrong.
 * Returns undefined without groups (or an empty list).
 */
export function resolveGroups(given: unknown, layout: Layout, config: Config, rule: RuleDescription): readonly Group[] | undefined {
  if (given === undefined) return undefined;
  if (!Array.isArray(given)) fail('E_OPTION', `option 'groups' must be a list of { tensors, lrScale?, weightDecay? }; got ${describe(given)}`);
  if (given.length === 0) return undefined;
  const names = layout.tensors.map((t) => t.name);
  if (!names.length) fail('E_OPTION', "option 'groups' names tensors: give 'tensors' (an optimizer created with 'size' has one unnamed vector)");
  const takes = (o: string) => Object.hasOwn(config, o) && config[o] !== undefined;
  const taken = new Array<number>(names.length).fill(-1);
  const out = given.map((g: unknown, k: number): Group => {
    const at = `group ${k}`;
    if (!isPlainObject(g)) fail('E_OPTION', `${at} must be an object { tensors, lrScale?, weightDecay? }; got ${describe(g)}`);
    for (const key of Object.keys(g)) if (!KEYS.includes(key)) fail('E_OPTION', `${at}: unknown field '${key}'; a group takes ${KEYS.join(', ')}`);
    const list = Array.isArray(g.tensors) ? g.tensors : [g.tensors];
    if (g.tensors === undefined || list.length === 0) fail('E_OPTION', `${at} needs 'tensors': names, RegExps or (name) => boolean tests`);
    for (const m of list) {
      const hits = names.filter((n) => matches(m, n, at));
      if (!hits.length) {
        fail('E_OPTION', typeof m === 'string'
          ? `${at}: no tensor is named '${m}'; tensors are ${names.map((n) => `'${n}'`).join(', ')}`
          : `${at}: ${m instanceof RegExp ? String(m) : 'its test'} matches no tensor; tensors are ${names.map((n) => `'${n}'`).join(', ')}`);
      }
      for (const n of hits) { const i = names.indexOf(n); if (taken[i] < 0) taken[i] = k; }
    }
    const lrScale = g.lrScale === undefined ? 1 : g.lrScale;
    if (typeof lrScale !== 'number' || !Number.isFinite(lrScale) || lrScale < 0) fail('E_OPTION', `${at}: 'lrScale' must be a finite number >= 0 (0 freezes the group); got ${describe(lrScale)}`);
    if (rule.groupLr === 'freeze' && lrScale !== 0 && lrScale !== 1) {
      fail('E_OPTION', `${at}: rule '${config.rule}' takes 'lrScale' 0 (frozen) or 1: its estimate of the LR is one for every parameter that trains, ` +
        `and its official code refuses groups with different LRs; got ${lrScale}`);
    }
    if (g.weightDecay !== undefined && !takes('weightDecay')) {
      fail('E_OPTION', `${at}: 'weightDecay' does not apply to rule '${config.rule}' with base '${config.base}', which takes no weight decay`);
    }
    const wd = g.weightDecay === undefined ? (config.weightDecay as number | undefined) : g.weightDecay;
    if (wd !== undefined && (typeof wd !== 'number' || !Number.isFinite(wd) || wd < 0)) fail('E_OPTION', `${at}: 'weightDecay' must be a finite number >= 0; got ${describe(wd)}`);
    return { tensors: [], lrScale, ...(wd === undefined ? {} : { weightDecay: wd }) };
  });
  // first match wins: each group keeps the tensors no earlier group took
  out.forEach((g, k) => {
    (g.tensors as string[]).push(...names.filter((_, i) => taken[i] === k));
    if (!g.tensors.length) fail('E_OPTION', `group ${k} takes no tensor: every tensor it matches was taken by an earlier group (the first group that matches a tensor takes it)`);
  });
  return Object.freeze(out.map((g) => Object.freeze({ ...g, tensors: Object.freeze(g.tensors) })));
}

function matches(m: unknown, name: string, at: string): boolean {
  if (typeof m === 'string') return m === name;
  if (m instanceof RegExp) return new RegExp(m.source, m.flags.replace(/[gy]/g, '')).test(name); // (no lastIndex carried between names)
  if (typeof m === 'function') {
    let r: unknown;
    try { r = m(name); } catch (e) { return fail('E_OPTION', `${at}: its tensors test threw for '${name}': ${(e as Error)?.message ?? e}`); }
    if (typeof r !== 'boolean') fail('E_OPTION', `${at}: its tensors test must return true or false; for '${name}' it returned ${describe(r)}`);
    return r;
  }
  return fail('E_OPTION', `${at}: 'tensors' holds ${describe(m)}; a group takes names, RegExps or (name) => boolean tests`);
}

/** Each tensor's LR scale and weight decay under these groups (the top-level values where no group took it). */
export function tensorValues(config: Config, count: number, names: readonly string[]): TensorValues {
  const wd0 = (config.weightDecay as number | undefined) ?? 0;
  const v: TensorValues = { lrScale: new Array(count).fill(1), weightDecay: new Array(count).fill(wd0), group: new Array(count).fill(-1) };
  for (const [k, g] of ((config.groups as readonly Group[] | undefined) ?? []).entries()) {
    for (const n of g.tensors) {
      const i = names.indexOf(n);
      v.lrScale[i] = g.lrScale; v.weightDecay[i] = g.weightDecay ?? wd0; v.group[i] = k;
    }
  }
  return v;
}
