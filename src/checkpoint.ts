// Checkpoints: save() bytes and restore(). A checkpoint names what it holds, so a later build
// reads an earlier one whatever the module's internal ids and layout:
//
//   offset  bytes  what (little-endian)
//   0       4      magic "SPSZ"
//   4       4      format (2); changes only with a deliberate break, which then refuses older ones by number
//   8       4      D: the descriptor's bytes (UTF-8 JSON, space-padded to a multiple of 4)
//   12      4      0 (reserved)
//   16      8      V: the vectors' bytes (f64)
//   24      D      descriptor: { base, rule, options, tensors, n, state, stats, vectors[, tensorState] }
//                    options  every resolved option by name (±Infinity as the strings "Infinity", "-Infinity")
//                    state    the scalar state by name ('step', ..., '<rule>.<name>')
//                    stats    the last step's telemetry by name
//                    vectors  [{ role, length }] in the order their float32 data follows
//                    tensorState  (only where the config keeps state per tensor: LDoG) each name's
//                             values, one per tensor in tensor order
//                  (a later format-2 reader ignores none and a later writer adds entries under new
//                  keys, which older readers refuse by name)
//   24 + D  V      each vector's float32 values, in the order of `vectors`, compact: n values in
//                  tensor order (the module's padding between tensors is not saved)
//   24+D+V  8      checksum of every byte before it (two 32-bit FNV-1a lanes over 32-bit words)
//
// restore() checks, before laying anything out: magic, format, that the length the header
// implies is the length given, the checksum; then it validates every decoded field as create()
// would (options through the same resolveConfig, the layout through resolveLayout, every scalar
// finite and of its kind, every vector value finite, Adam's v >= 0). The checksum detects
// corruption, not tampering: it is the validation that keeps a crafted checkpoint from putting
// the optimizer anywhere create() plus steps could not reach.
import { fail, describe, StepsizeError } from './errors.js';
import { resolveGroups } from './groups.js';
import { BASES, RULES, stateAdded, ruleOf, resolveConfig, vectorRoles, stateKinds, scalarSlots, tensorStateOf, type Config, type BaseName, type RuleName, type StateKind } from './options.js';
import { NON_NEGATIVE_VECTORS } from './bases.js';
import { resolveLayout, copyCompact, type Layout } from './layout.js';
import { Optimizer, instantiate } from './optimizer.js';
import { addr, headerRegion, segmentRegion, type Exports, type Tables } from './wasm.js';

const MAGIC = 0x5a535053; // "SPSZ"
const FORMAT = 2;
const HEAD = 24;
/** What each earlier format was written by, for the message that refuses it. */
const RETIRED: Record<number, string> = { 1: 'stepsize 0.1' };

interface Descriptor {
  base: BaseName; rule: RuleName; options: Record<string, unknown>; tensors: [string, number[]][]; n: number;
  state: Record<string, number>; stats: Record<string, number>; vectors: { role: string; length: number }[];
  tensorState?: Record<string, number[]>;
}

/** Tensor k's per-tensor state (its segment record's state values). */
const tensorState = (x: Exports, t: Tables, layout: Layout, k: number): Float64Array =>
  segmentRegion(x, t, layout.table!, k, 'SEG_STATE', t.consts.get('NSEGSTATE')!);

/** Two 32-bit FNV-1a lanes (different offsets, the same prime) over little-endian 32-bit words; `bytes` is 4-byte aligned. */
function checksum(bytes: Uint8Array, end: number): [number, number] {
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset, end >>> 2);
  let a = 0x811c9dc5, b = 0x050c5d1f;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    a = Math.imul(a ^ w, 0x01000193);
    b = Math.imul(b ^ (w >>> 16 | w << 16), 0x01000193);
  }
  return [a >>> 0, b >>> 0];
}

/** The JSON of a value with ±Infinity as strings (JSON has no infinities). */
const toJson = (v: unknown): string => JSON.stringify(v, (_k, x) => (x === Infinity ? 'Infinity' : x === -Infinity ? '-Infinity' : x));

/** The name → value pairs of a header region (state or stats) that apply to this rule. */
function named(slots: Map<string, number>, values: Float64Array): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, id] of slots) out[name] = values[id];
  return out;
}

/** Where vector k of the checkpoint's roles lives: params, then the saved slots in order. */
const vectorAt = (x: Exports, k: number): number => addr(k === 0 ? x.params() : x.slotPtr(k - 1));

/** A StepsizeError of create()'s checks, restated as E_CHECKPOINT with what it was about. */
function rewrap(e: unknown, what: string): unknown {
  return e instanceof StepsizeError && e.code !== 'E_CHECKPOINT'
    ? new StepsizeError('E_CHECKPOINT', `checkpoint ${what}: ${e.message.replace(/^stepsize: /, '')}`) : e;
}

/** save(): the checkpoint of an optimizer's current state. */
export function writeCheckpoint(x: Exports, t: Tables, config: Config, layout: Layout): Uint8Array {
  const buf = x.memory.buffer;
  const state = named(scalarSlots(t, config.rule, 'state'), headerRegion(x, t, 'STATE'));
  const stats = named(scalarSlots(t, config.rule, 'stats'), headerRegion(x, t, 'STATS'));
  for (const [name, v] of [...Object.entries(state), ...Object.entries(stats)]) {
    if (!Number.isFinite(v)) fail('E_STATE', `the optimizer's '${name}' is ${v}; a checkpoint never holds NaN or ±Infinity`);
  }
  const { base, rule, ...options } = config;
  const roles = vectorRoles(base, rule, config.ema !== undefined);
  const n = layout.n;
  const desc: Descriptor = {
    base, rule, options, tensors: layout.tensors.map((tt) => [tt.name, tt.shape]), n, state, stats,
    vectors: roles.map((role) => ({ role, length: n })),
  };
  const kinds = tensorStateOf(config);
  if (kinds) {
    desc.tensorState = Object.fromEntries(Object.keys(kinds).map((name, i) => [name, layout.tensors.map((_, k) => tensorState(x, t, layout, k)[i])]));
  }
  const json = new TextEncoder().encode(toJson(desc));
  const D = (json.length + 3) & ~3;
  const V = roles.length * 4 * n;
  const out = new Uint8Array(HEAD + D + V + 8);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, MAGIC, true); dv.setUint32(4, FORMAT, true); dv.setUint32(8, D, true); dv.setFloat64(16, V, true);
  out.fill(0x20, HEAD, HEAD + D);
  out.set(json, HEAD);
  // each vector compact: its n values in tensor order, without the module's padding
  for (let k = 0; k < roles.length; k++) {
    copyCompact(new Float32Array(buf, vectorAt(x, k), layout.span), new Float32Array(out.buffer, HEAD + D + 4 * n * k, n), layout);
  }
  const [a, b] = checksum(out, HEAD + D + V);
  dv.setUint32(HEAD + D + V, a, true); dv.setUint32(HEAD + D + V + 4, b, true);
  return out;
}

const bad = (what: string): never => fail('E_CHECKPOINT', what);

/** restore(): validates everything, then lays out a new optimizer holding exactly that state. */
export function restoreOptimizer(module: WebAssembly.Module, t: Tables, bytes: unknown): Optimizer {
  const given = asBytes(bytes);
  const buf = given.byteOffset % 4 === 0 ? given : given.slice(); // (aligned once, for the checksum's and the vectors' views)
  if (buf.length < HEAD + 8) bad(`checkpoint is ${buf.length} bytes: too short to be one (truncated?)`);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (dv.getUint32(0, true) !== MAGIC) bad('these bytes are not a stepsize checkpoint (wrong magic)');
  const format = dv.getUint32(4, true);
  if (format !== FORMAT) {
    bad(RETIRED[format]
      ? `checkpoint format ${format} (written by ${RETIRED[format]}) is no longer read: this version of stepsize reads format ${FORMAT}`
      : `checkpoint format ${format} is not supported by this version of stepsize (it reads format ${FORMAT})`);
  }
  const D = dv.getUint32(8, true), V = dv.getFloat64(16, true);
  if (dv.getUint32(12, true) !== 0 || D % 4 !== 0 || !Number.isSafeInteger(V) || V < 0 || V % 4 !== 0) {
    bad('checkpoint header fields are invalid (corrupted)');
  }
  const implied = HEAD + D + V + 8;
  if (implied !== buf.length) bad(`checkpoint is ${buf.length} bytes but its header describes ${implied}: truncated or padded`);
  const [a, b] = checksum(buf, HEAD + D + V);
  if (dv.getUint32(HEAD + D + V, true) !== a || dv.getUint32(HEAD + D + V + 4, true) !== b) {
    bad('checkpoint checksum does not match: the bytes were corrupted');
  }
  const desc = parseDescriptor(buf.subarray(HEAD, HEAD + D));
  const { config, layout } = checkDescriptor(desc, V, t);
  // every vector value, before any memory is laid out for them
  const roles = vectorRoles(config.base, config.rule, config.ema !== undefined);
  const floats = new Float32Array(buf.buffer, buf.byteOffset + HEAD + D, V / 4);
  const order = desc.vectors.map((v) => v.role);
  for (const [k, role] of order.entries()) {
    const from = k * layout.n, nonNeg = NON_NEGATIVE_VECTORS.includes(role);
    for (let i = from; i < from + layout.n; i++) {
      const v = floats[i];
      if (!(v - v === 0) || (nonNeg && v < 0)) bad(`checkpoint vector '${role}' holds ${v} at ${i - from}: ${nonNeg ? 'it must be finite and >= 0' : 'every value must be finite'}`);
    }
  }
  const { x, layout: placed } = instantiate(module, t, config, layout);
  const mem = x.memory.buffer;
  for (const [k, role] of order.entries()) {
    copyCompact(new Float32Array(mem, vectorAt(x, roles.indexOf(role)), placed.span), floats.subarray(k * layout.n, (k + 1) * layout.n), placed, true);
  }
  writeNamed(scalarSlots(t, config.rule, 'state'), headerRegion(x, t, 'STATE'), desc.state);
  const kinds = tensorStateOf(config);
  if (kinds) Object.keys(kinds).forEach((name, i) => { for (const [k, v] of desc.tensorState![name].entries()) tensorState(x, t, placed, k)[i] = v; });
  writeNamed(scalarSlots(t, config.rule, 'stats'), headerRegion(x, t, 'STATS'), desc.stats);
  return new Optimizer(x, t, config, placed);
}

function writeNamed(slots: Map<string, number>, into: Float64Array, values: Record<string, number>): void {
  for (const [name, v] of Object.entries(values)) {
    const id = slots.get(name);
    if (id !== undefined) into[id] = v;
  }
}

function parseDescriptor(bytes: Uint8Array): Descriptor {
  let d: unknown;
  try {
    d = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return bad('checkpoint descriptor is unreadable');
  }
  const obj = (v: unknown, what: string): Record<string, unknown> =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? v as Record<string, unknown> : bad(`checkpoint ${what} is ${describe(v)}, not an object`);
  const o = obj(d, 'descriptor');
  const keys = ['base', 'rule', 'options', 'tensors', 'n', 'state', 'stats', 'vectors'];
  for (const k of Object.keys(o)) if (!keys.includes(k) && k !== 'tensorState') bad(`checkpoint holds '${k}', which this version of stepsize does not know`);
  for (const k of keys) if (!(k in o)) bad(`checkpoint lacks '${k}'`);
  obj(o.options, 'options'); obj(o.state, 'state'); obj(o.stats, 'stats');
  if (!Array.isArray(o.tensors)) bad(`checkpoint tensors are ${describe(o.tensors)}, not a list`);
  if (!Array.isArray(o.vectors)) bad(`checkpoint vectors are ${describe(o.vectors)}, not a list`);
  return o as unknown as Descriptor;
}

/** Validates the descriptor exactly as create() validates its options, and more. */
function checkDescriptor(d: Descriptor, V: number, t: Tables): { config: Config; layout: Layout } {
  if (!(RULES as readonly unknown[]).includes(d.rule)) bad(`checkpoint names rule ${describe(d.rule)}, which this version of stepsize does not know`);
  if (!([...BASES, 'none'] as readonly unknown[]).includes(d.base)) bad(`checkpoint names base ${describe(d.base)}, which this version of stepsize does not know`);
  for (const k of ['base', 'rule', 'size', 'tensors', 'params']) {
    if (Object.hasOwn(d.options, k)) bad(`checkpoint options hold '${k}', which a checkpoint keeps elsewhere`);
  }
  const options: Record<string, unknown> = Object.create(null); // (a '__proto__' key stays a key, and is refused)
  for (const [k, v] of Object.entries(d.options)) options[k] = v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v;
  let config: Config, layout: Layout;
  try {
    config = resolveConfig({ ...options, rule: d.rule, ...(d.base === 'none' ? {} : { base: d.base }) });
    if (config.base !== d.base) bad(`checkpoint base '${d.base}' does not go with rule '${d.rule}'`);
  } catch (e) {
    throw rewrap(e, 'holds invalid options');
  }
  try {
    layout = resolveLayout(d.n, d.tensors.length ? d.tensors : undefined);
  } catch (e) {
    throw rewrap(e, 'layout is invalid');
  }
  try {
    const groups = resolveGroups(options.groups, layout, config, ruleOf(config.rule));
    if (groups) config = { ...config, groups };
  } catch (e) {
    throw rewrap(e, 'holds invalid groups');
  }
  // vectors: exactly this base and rule's roles, each of n floats, adding up to V bytes
  const roles = vectorRoles(config.base, config.rule, config.ema !== undefined);
  const given = d.vectors.map((v) => (v !== null && typeof v === 'object' ? (v as { role?: unknown }).role : v));
  if (given.length !== roles.length || roles.some((r) => !given.includes(r)) || new Set(given).size !== given.length) {
    bad(`checkpoint vectors are ${describe(given)}; a ${config.base}/${config.rule} optimizer keeps ${roles.join(', ')}`);
  }
  for (const v of d.vectors) {
    if (v.length !== layout.n) bad(`checkpoint vector '${v.role}' has ${describe(v.length)} values; the layout has ${layout.n}`);
  }
  if (V !== roles.length * 4 * layout.n) bad(`checkpoint vectors take ${V} bytes; ${roles.length} vectors of ${layout.n} floats take ${roles.length * 4 * layout.n}`);
  // scalar state: exactly the names this rule keeps, each finite and of its kind
  const kinds = new Map(stateKinds(config.rule));
  for (const name of Object.keys(d.state)) if (!kinds.has(name)) bad(`checkpoint holds state '${name}', which rule '${config.rule}' does not keep`);
  for (const [name, kind] of kinds) {
    const added = stateAdded(config.rule, name);
    if (!Object.hasOwn(d.state, name) && added !== undefined) d.state[name] = added; // (written before it existed)
    if (!Object.hasOwn(d.state, name)) bad(`checkpoint lacks the state '${name}'`);
    checkScalar(`state '${name}'`, d.state[name], kind);
  }
  // per-tensor state: exactly where the config keeps it, each name one value per tensor, of its kind
  const perTensor = tensorStateOf(config), ts = d.tensorState, count = layout.tensors.length;
  if (!perTensor !== !ts) bad(`checkpoint ${ts ? 'holds' : 'lacks'} 'tensorState'${ts ? ', which these options do not keep' : ''}`);
  if (perTensor) {
    if (!count) bad('checkpoint keeps state per tensor without tensors');
    if (Object.keys(ts!).join() !== Object.keys(perTensor).join()) bad(`checkpoint tensorState holds ${describe(Object.keys(ts!))}; these options keep ${Object.keys(perTensor).join(', ')}`);
    for (const [name, kind] of Object.entries(perTensor)) {
      const v = ts![name];
      if (!Array.isArray(v) || v.length !== count) bad(`checkpoint tensorState '${name}' must be a list of ${count} values (one per tensor)`);
      for (const [k, x] of v.entries()) checkScalar(`tensorState '${name}'[${k}]`, x, kind);
    }
  }
  const statSlots = scalarSlots(t, config.rule, 'stats');
  for (const [name, v] of Object.entries(d.stats)) {
    if (!statSlots.has(name)) bad(`checkpoint holds stat '${name}', which rule '${config.rule}' does not report`);
    checkScalar(`stat '${name}'`, v, 'finite');
  }
  return { config, layout };
}

function checkScalar(what: string, v: unknown, kind: StateKind): void {
  const ok = typeof v === 'number' && Number.isFinite(v) && (
    kind === 'finite' || (kind === 'nonNegative' && v >= 0) || (kind === 'count' && Number.isSafeInteger(v) && v >= 0) ||
    (kind === 'flag' && (v === 0 || v === 1)) || (kind === 'unit' && v >= 0 && v <= 1));
  if (!ok) {
    const allowed = { finite: 'a finite number', nonNegative: 'a finite number >= 0', count: 'a whole number >= 0', flag: '0 or 1', unit: 'a number in [0, 1]' }[kind];
    bad(`checkpoint ${what} is ${describe(v)}; it must be ${allowed}`);
  }
}

function asBytes(bytes: unknown): Uint8Array {
  if (bytes instanceof Uint8Array) return bytes;
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  if (ArrayBuffer.isView(bytes)) return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return bad(`restore() takes the Uint8Array (or ArrayBuffer) that save() returned; got ${describe(bytes)}`);
}
