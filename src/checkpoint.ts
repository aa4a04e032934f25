// Restoring save() bytes. Layout of the bytes: the module's checkpoint image (header,
// layout record, params, saved state slots) followed by its 64-bit checksum, little-endian.
// Everything is checked before anything is handed out: magic, format version, sizes,
// checksum (computed in WASM over the copied image), layout fields, hyperparameters.
import { fail, StepsizeError } from './errors.js';
import { BASES, RULES, resolveConfig, decodeHyper } from './options.js';
import { decodeMeta } from './layout.js';
import { Optimizer, instantiate } from './optimizer.js';
import type { Tables } from './wasm.js';

export function restoreOptimizer(module: WebAssembly.Module, tables: Tables, bytes: unknown): Optimizer {
  const buf = asBytes(bytes);
  const c = tables.consts;
  const headerBytes = c.get('HEADER_BYTES')!;
  if (buf.length < headerBytes + 8) fail('E_CHECKPOINT', `checkpoint is ${buf.length} bytes: too short to be one (truncated?)`);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (dv.getUint32(0, true) !== c.get('MAGIC')) fail('E_CHECKPOINT', 'these bytes are not a stepsize checkpoint (wrong magic)');
  const format = dv.getUint32(4, true);
  if (format !== c.get('FORMAT')) {
    fail('E_CHECKPOINT', `checkpoint format ${format} is not supported by this version of stepsize (it reads format ${c.get('FORMAT')})`);
  }
  const baseId = dv.getInt32(8, true), ruleId = dv.getInt32(12, true), n = dv.getUint32(16, true);
  const metaBytes = dv.getUint32(32, true), image = dv.getUint32(36, true);
  const base = nameOf(tables.bases, baseId, [...BASES, 'none'] as const, 'base');
  const rule = nameOf(tables.rules, ruleId, RULES, 'rule');
  if (image + 8 !== buf.length) {
    fail('E_CHECKPOINT', `checkpoint is ${buf.length} bytes but its header describes ${image + 8}: truncated or padded`);
  }
  // The hyperparameters are validated exactly as create() validates them.
  const hyper = new Float64Array(buf.slice(c.get('H_HYPER')!, c.get('H_HYPER')! + 8 * c.get('NHYPER')!).buffer);
  let config;
  try {
    config = resolveConfig(decodeHyper(base, rule, tables.hyper, hyper));
  } catch (e) {
    throw e instanceof StepsizeError ? new StepsizeError('E_CHECKPOINT', `checkpoint holds invalid hyperparameters: ${e.message}`) : e;
  }
  const meta = buf.subarray(headerBytes, headerBytes + metaBytes);
  let layout;
  try {
    layout = decodeMeta(meta, n);
  } catch (e) {
    throw e instanceof StepsizeError ? new StepsizeError('E_CHECKPOINT', `checkpoint layout record is invalid: ${e.message}`) : e;
  }
  const x = instantiate(module, tables, config, layout, meta);
  if (x.imageBytes() !== image) fail('E_CHECKPOINT', `checkpoint image is ${image} bytes; a ${base}/${rule} optimizer of ${n} parameters has ${x.imageBytes()}`);
  new Uint8Array(x.memory.buffer, x.header(), image).set(buf.subarray(0, image));
  const want = dv.getBigUint64(image, true);
  if (BigInt.asUintN(64, x.imageHash()) !== want) fail('E_CHECKPOINT', 'checkpoint checksum does not match: the bytes were corrupted');
  if (x.checkImage(baseId, ruleId, n, metaBytes) !== 0) fail('E_CHECKPOINT', 'checkpoint header fields disagree with its layout');
  if (!x.stateFinite()) fail('E_CHECKPOINT', 'checkpoint holds non-finite parameters or state');
  return new Optimizer(x, tables, config, layout);
}

function asBytes(bytes: unknown): Uint8Array {
  if (bytes instanceof Uint8Array) return bytes;
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  if (ArrayBuffer.isView(bytes)) return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return fail('E_CHECKPOINT', 'restore() takes the Uint8Array (or ArrayBuffer) that save() returned');
}

function nameOf<T extends string>(ids: Map<string, number>, id: number, names: readonly T[], what: string): T {
  for (const name of names) if (ids.get(name) === id) return name;
  return fail('E_CHECKPOINT', `checkpoint names ${what} id ${id}, which this version of stepsize does not know`);
}
