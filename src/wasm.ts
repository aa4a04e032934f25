// The raw exports of stepsize.wasm and the name tables read from them. The ids are
// defined once, in assembly/ids.ts; this file only reads them.

export interface Exports {
  memory: WebAssembly.Memory;
  header(): number;
  init(base: number, rule: number, n: number, metaBytes: number): number;
  slotsFor(base: number, rule: number): number;
  scratchFor(base: number, rule: number): number;
  bytesNeeded(n: number, saved: number, scratch: number, metaBytes: number): number;
  params(): number;
  average(): number;
  grads(): number;
  meta(): number;
  imageBytes(): number;
  step(loss: number, hasLoss: number): number;
  wantsGradient(loss: number): number;
  probes(): number;
  probeBatch(k: number): number;
  probeGrads(k: number): number;
  probeEnter(k: number): void;
  probeLeave(k: number): void;
  imageHash(): bigint;
  paramsHash(): bigint;
  stateFinite(): number;
  checkImage(base: number, rule: number, n: number, metaBytes: number): number;
  [global: string]: unknown;
}

export interface Tables {
  bases: Map<string, number>;
  rules: Map<string, number>;
  hyper: Map<string, number>;
  state: Map<string, number>;
  stats: Map<string, number>;
  codes: Map<string, number>;
  batches: Map<string, number>;
  consts: Map<string, number>;
}

function prefixed(exports: Record<string, unknown>, prefix: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const [name, value] of Object.entries(exports)) {
    if (name.startsWith(prefix) && value instanceof WebAssembly.Global) {
      out.set(name.slice(prefix.length), Number(value.value));
    }
  }
  return out;
}

export function readTables(module: WebAssembly.Module): Tables {
  const exports = new WebAssembly.Instance(module, {}).exports as Record<string, unknown>;
  const consts = new Map<string, number>();
  for (const name of ['MAGIC', 'FORMAT', 'HEADER_BYTES', 'H_HYPER', 'H_STATE', 'H_STATS', 'NHYPER', 'NSTATE', 'NSTATS', 'OK', 'NONFINITE_GRAD', 'DIVERGED', 'BAD_LOSS']) {
    const g = exports[name];
    if (!(g instanceof WebAssembly.Global)) throw new Error(`stepsize.wasm lacks the export ${name}`);
    consts.set(name, Number(g.value));
  }
  return {
    bases: prefixed(exports, 'BASE_'),
    rules: prefixed(exports, 'RULE_'),
    hyper: prefixed(exports, 'HP_'),
    state: prefixed(exports, 'S_'),
    stats: prefixed(exports, 'T_'),
    codes: new Map(['OK', 'NONFINITE_GRAD', 'DIVERGED', 'BAD_LOSS'].map((k) => [k, consts.get(k)!])),
    batches: prefixed(exports, 'BATCH_'),
    consts,
  };
}
