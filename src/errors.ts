/** Every error stepsize throws. `code` is stable for programs; `message` is for people. */
export type ErrorCode =
  | 'E_OPTION'      // an option is unknown, missing, of the wrong type or out of range
  | 'E_SIZE'        // size / tensors / initial params / checkpoint sizes are wrong
  | 'E_MEMORY'      // more parameters than a 32-bit WebAssembly memory (or this engine) holds
  | 'E_GRADIENT'    // the gradient holds NaN or ±Infinity (or its squared norm overflows)
  | 'E_LOSS'        // a rule that needs the minibatch loss got none, or an unusable one
  | 'E_DIVERGED'    // the update produced non-finite parameters
  | 'E_CHECKPOINT'  // save() bytes are truncated, corrupted, foreign or of another version
  | 'E_STATE'       // the optimizer was disposed, or is in a state that forbids the call
  | 'E_LOAD';       // load() got unknown or wrong options, or the .wasm could not be found or compiled

export class StepsizeError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(`stepsize: ${message}`);
    this.name = 'StepsizeError';
    this.code = code;
  }
}

export function fail(code: ErrorCode, message: string): never {
  throw new StepsizeError(code, message);
}

/** An object literal's kind of value (its prototype is Object.prototype or null): not a Map, an array or a class instance. */
export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);

/**
 * A value as an error message shows it: numbers as JavaScript prints them (NaN, -Infinity,
 * not JSON's null), BigInts with their n, strings quoted, arrays and plain objects as JSON
 * (shortened), anything else by its kind. Never throws.
 */
export function describe(v: unknown): string {
  switch (typeof v) {
    case 'number': return Object.is(v, -0) ? '-0' : String(v);
    case 'bigint': return `${v}n (a BigInt)`;
    case 'string': return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v);
    case 'undefined': return 'undefined';
    case 'boolean': return String(v);
    case 'symbol': return v.toString();
    case 'function': return 'a function';
  }
  if (v === null) return 'null';
  if (Array.isArray(v) || isPlainObject(v)) {
    try {
      const text = JSON.stringify(v, (_k, x) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : typeof x === 'bigint' ? `${x}n` : x));
      if (text !== undefined) return text.length > 80 ? `${text.slice(0, 80)}…` : text;
    } catch { /* cyclic */ }
  }
  return `a ${Object.getPrototypeOf(v)?.constructor?.name ?? 'object'}`;
}
