// The flat layout: one contiguous Float32 vector of n parameters, optionally named tensors
// laid end to end in the order given. Validation only.
import { fail } from './errors.js';

export interface TensorInfo {
  name: string;
  shape: number[];
  /** index of the tensor's first element in the flat vector */
  offset: number;
  length: number;
}

export interface Layout { n: number; tensors: TensorInfo[] }

export type TensorShapes = Record<string, readonly number[]>;

const MAX_N = 2 ** 32 - 1;

export function resolveLayout(size: unknown, tensors: unknown): Layout {
  let list: TensorInfo[] = [];
  let n: number;
  if (tensors !== undefined) {
    if (tensors === null || typeof tensors !== 'object' || Array.isArray(tensors)) {
      fail('E_SIZE', "option 'tensors' must be an object of name → shape, e.g. { w1: [784, 128], b1: [128] }");
    }
    n = 0;
    for (const [name, shape] of Object.entries(tensors as Record<string, unknown>)) {
      if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
        fail('E_SIZE', `tensor '${name}' must have a shape of non-negative integers, e.g. [784, 128]; got ${JSON.stringify(shape)}`);
      }
      const length = shape.reduce((a: number, d: number) => a * d, 1);
      list.push({ name, shape: [...shape], offset: n, length });
      n += length;
    }
    if (size !== undefined && size !== n) {
      fail('E_SIZE', `option 'size' (${size}) disagrees with the tensors, which hold ${n} parameters; give one or make them agree`);
    }
  } else {
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
      fail('E_SIZE', `option 'size' must be a whole number >= 0 (or give 'tensors'); got ${JSON.stringify(size)}`);
    }
    n = size;
  }
  if (n > MAX_N) fail('E_MEMORY', `${n} parameters: a 32-bit WebAssembly memory holds at most 4 GiB`);
  return { n, tensors: list };
}

/** The UTF-8 JSON that a checkpoint keeps of the layout. */
export function encodeMeta(layout: Layout): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ tensors: layout.tensors.map((t) => [t.name, t.shape]) }));
}

export function decodeMeta(bytes: Uint8Array, n: number): Layout {
  let tensors: unknown;
  try {
    const parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    tensors = Object.fromEntries((parsed.tensors as [string, number[]][]).map(([k, s]) => [k, s]));
    if (parsed.tensors.length === 0) return { n, tensors: [] };
  } catch {
    return fail('E_CHECKPOINT', 'checkpoint layout record is unreadable');
  }
  return resolveLayout(n, tensors);
}
