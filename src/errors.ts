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
  | 'E_LOAD';       // the .wasm could not be found or compiled

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
