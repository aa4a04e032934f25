// The layout: n parameters, optionally named tensors in the order given. The module places
// them (assembly/layout.ts): each tensor is a segment that starts on a multiple of 64 floats
// and is padded with zeros to one, so the flat views span the padding between tensors, and
// TensorInfo.offset is where the module placed the tensor. Without tensors: one segment, no
// padding inside the view. Validation and the compact ↔ placed copies only.
import { fail, describe, isPlainObject } from './errors.js';

export interface TensorInfo {
  name: string;
  shape: number[];
  /** index of the tensor's first element in the flat views (params, grads): a multiple of 64 */
  offset: number;
  length: number;
}

/** n parameters; `span`, the flat views' length (n plus the padding between tensors); the tensors where the module placed them. */
export interface Layout {
  n: number; span: number; tensors: TensorInfo[];
  /** @internal the module's segment table (0 until placed) */
  table?: number;
}

/** The segments' lengths, in order: each tensor, or the whole vector without tensors. */
export const segmentLengths = (layout: Layout): number[] => (layout.tensors.length ? layout.tensors.map((t) => t.length) : [layout.n]);

/** The [offset in the placed views, length] of each segment (compact order = these in turn). */
const pieces = (layout: Layout): [number, number][] => (layout.tensors.length ? layout.tensors.map((t) => [t.offset, t.length]) : [[0, layout.n]]);

/** Copies a placed vector (the views' span) into a compact one of n values, or back (`toPlaced`). */
export function copyCompact(placed: Float32Array, compact: { set(a: ArrayLike<number>, at: number): void; subarray(a: number, b: number): ArrayLike<number> }, layout: Layout, toPlaced = false): void {
  let at = 0;
  for (const [offset, length] of pieces(layout)) {
    if (toPlaced) placed.set(compact.subarray(at, at + length), offset);
    else compact.set(placed.subarray(offset, offset + length), at);
    at += length;
  }
}

/** Named tensor shapes, laid out in the order given: an object, or [name, shape] pairs (which keep integer-like names in order too). */
export type TensorShapes = Record<string, readonly number[]> | ReadonlyArray<readonly [string, readonly number[]]>;

/** A layout never holds 2^32 floats or more (the exact maximum depends on base and rule: E_MEMORY says it). */
const MAX_N = 2 ** 32 - 1;
const INDEX = /^(0|[1-9][0-9]*)$/;

/** The [name, shape] entries of `tensors`, in the order given, or an E_SIZE naming what is wrong. */
function tensorEntries(tensors: unknown): [string, unknown][] {
  if (Array.isArray(tensors)) {
    return tensors.map((e, i) => {
      if (!Array.isArray(e) || e.length !== 2 || typeof e[0] !== 'string') {
        fail('E_SIZE', `option 'tensors' as an array holds [name, shape] pairs; entry ${i} is ${describe(e)}`);
      }
      return [e[0], e[1]] as [string, unknown];
    });
  }
  if (!isPlainObject(tensors)) {
    fail('E_SIZE', "option 'tensors' must be a plain object of name → shape, e.g. { w1: [784, 128], b1: [128] }, " +
      `or an array of [name, shape] pairs; got ${describe(tensors)}${tensors instanceof Map ? ' (use Object.fromEntries(map) or [...map])' : ''}`);
  }
  const entries = Object.entries(tensors);
  const index = entries.find(([name]) => INDEX.test(name));
  if (index) {
    fail('E_SIZE', `tensor name '${index[0]}' is an array index, which a JavaScript object lists before every other name, ` +
      'so the layout would not follow the order you wrote: give tensors as [name, shape] pairs, or rename it');
  }
  return entries;
}

export function resolveLayout(size: unknown, tensors: unknown): Layout {
  const list: TensorInfo[] = [];
  let n: number;
  if (tensors !== undefined) {
    n = 0;
    const seen = new Set<string>();
    for (const [name, shape] of tensorEntries(tensors)) {
      if (name === '') fail('E_SIZE', 'a tensor name must not be empty');
      if (seen.has(name)) fail('E_SIZE', `tensor '${name}' is named twice`);
      seen.add(name);
      if (!Array.isArray(shape) || shape.some((d) => typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0)) {
        fail('E_SIZE', `tensor '${name}' must have a shape of whole numbers >= 0, e.g. [784, 128]; got ${describe(shape)}`);
      }
      const length = shape.reduce((a: number, d: number) => a * d, 1);
      if (n + length > MAX_N) fail('E_MEMORY', `tensor '${name}' takes the layout past 2^32 floats: a 32-bit WebAssembly memory holds at most 4 GiB`);
      list.push({ name, shape: [...shape], offset: n, length });
      n += length;
    }
    if (size !== undefined && size !== n) {
      fail('E_SIZE', `option 'size' (${describe(size)}) disagrees with the tensors, which hold ${n} parameters; give one or make them agree`);
    }
  } else {
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
      fail('E_SIZE', `option 'size' must be a whole number >= 0 (or give 'tensors'); got ${describe(size)}`);
    }
    n = size;
  }
  if (n > MAX_N) fail('E_MEMORY', `${n} parameters: a 32-bit WebAssembly memory holds at most 4 GiB`);
  return { n, span: n, tensors: list }; // (offsets and span compact until the module places them)
}

/**
 * The initial parameters: an Array or a (non-BigInt) typed array of exactly n finite numbers.
 * Checked in full before anything is laid out.
 */
export function checkParams(params: unknown, n: number): ArrayLike<number> {
  const typed = ArrayBuffer.isView(params) && !(params instanceof DataView) &&
    !(params instanceof BigInt64Array) && !(params instanceof BigUint64Array);
  if (!Array.isArray(params) && !typed) {
    fail('E_OPTION', `option 'params' must be an Array or a typed array (e.g. Float32Array) of ${n} numbers; got ${describe(params)}`);
  }
  const p = params as ArrayLike<unknown>;
  if (p.length !== n) fail('E_SIZE', `option 'params' must hold ${n} numbers; got ${p.length}`);
  for (let i = 0; i < n; i++) {
    const v = p[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      fail('E_OPTION', `option 'params' must hold finite numbers; params[${i}] is ${describe(v)}`);
    }
    if (Math.abs(v) > 3.4028234663852886e38 && !Number.isFinite(Math.fround(v))) {
      fail('E_OPTION', `option 'params' must hold values float32 can store (|x| <= 3.4028234663852886e38); params[${i}] is ${v}`);
    }
  }
  return p as ArrayLike<number>;
}
