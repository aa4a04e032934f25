// The raw exports of stepsize.wasm and the name tables. The ids are defined once, in
// assembly/ids.ts and (from the rule descriptions) assembly/generated/ids.ts; the build bakes
// them in here.
import { fail } from './errors.js';

/** An address the module returned: a u32 that JS reads as a signed i32 above 2 GiB. */
export const addr = (p: number): number => p >>> 0;

/** A view of one of the header's f64 regions: 'HYPER' (hyperparameters), 'STATE' (scalar state) or 'STATS'. */
export const headerRegion = (x: Exports, t: Tables, region: 'HYPER' | 'STATE' | 'STATS'): Float64Array =>
  new Float64Array(x.memory.buffer, addr(x.header()) + t.consts.get(`H_${region}`)!, t.consts.get(`N${region}`)!);

/** A view of `length` f64 at `field` of segment k's record, in the segment table at `table`. */
export const segmentRegion = (x: Exports, t: Tables, table: number, k: number, field: 'SEG_SUMS' | 'SEG_STATE' | 'SEG_MOVED' | 'SEG_LR' | 'SEG_WD', length: number): Float64Array =>
  new Float64Array(x.memory.buffer, table + k * t.consts.get('SEG_BYTES')! + t.consts.get(field)!, length);

export interface Exports {
  memory: WebAssembly.Memory;
  header(): number;
  init(base: number, rule: number, n: number): number;
  vectorsFor(base: number, rule: number): number;
  segments(count: number): number;
  planned(): number;
  bytesNeeded(npad: number, vectors: number): number;
  maxParams(vectors: number): number;
  params(): number;
  slotPtr(k: number): number;
  average(): number;
  grads(): number;
  step(loss: number, hasLoss: number): number;
  wantsGradient(loss: number): number;
  probes(): number;
  probeBatch(k: number): number;
  probeGrads(k: number): number;
  probeEnter(k: number): void;
  probeLeave(k: number): void;
  paramsHash(): bigint;
  stateFinite(): number;
  slotsFinite(): number;
  report(metric: number): void;
  emaPtr(): number;
}

export interface Tables {
  hyper: Map<string, number>;
  state: Map<string, number>;
  stats: Map<string, number>;
  codes: Map<string, number>;
  /** init()'s results (INIT_ ids): OK, BASE, RULE, MEMORY */
  init: Map<string, number>;
  /** the module's value of each choice, by '<rule>_<option>_<choice>' */
  choices: Map<string, number>;
  batches: Map<string, number>;
  consts: Map<string, number>;
}

// Baked in by the build (scripts/build.mjs) from assembly/tables.ts: every id and layout
// constant by its name, and their fingerprint, which stepsize.wasm carries too.
// The tables come packed (scripts/build.mjs, packTables): `prefix start name,name,…` runs of
// consecutive ids, joined by ';'.
declare const STEPSIZE_TABLES: string;
declare const STEPSIZE_FINGERPRINT: string;

function prefixed(prefix: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const run of STEPSIZE_TABLES.split(';')) {
    const [full, start, names] = run.split(' ');
    if (!full.startsWith(prefix)) continue;
    names.split(',').forEach((name, i) => { out.set(full.slice(prefix.length) + name, +start + i); });
  }
  return out;
}

/** The name tables, after checking that the module is the stepsize.wasm this loader was built with. */
export function readTables(module: WebAssembly.Module): Tables {
  const section = WebAssembly.Module.customSections(module, 'stepsize')[0];
  const ids = section ? new TextDecoder().decode(section) : undefined;
  if (ids !== STEPSIZE_FINGERPRINT) {
    fail('E_LOAD', ids === undefined
      ? 'this module is not stepsize.wasm (it has no stepsize section)'
      : `this stepsize.wasm (ids ${ids}) comes from another build than this loader (ids ${STEPSIZE_FINGERPRINT}): load the stepsize.wasm shipped beside it`);
  }
  const consts = prefixed('');
  const code = (k: string): [string, number] => [k, consts.get(k)!];
  return {
    hyper: prefixed('HP_'),
    state: prefixed('S_'),
    stats: prefixed('T_'),
    codes: new Map(['OK', 'NONFINITE_GRAD', 'DIVERGED', 'BAD_LOSS', 'GRAD_RANGE'].map(code)),
    init: prefixed('INIT_'),
    choices: prefixed('C_'),
    batches: prefixed('BATCH_'),
    consts,
  };
}
