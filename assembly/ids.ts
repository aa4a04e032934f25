// Identifiers shared with the TypeScript side, defined only here. The build compiles them
// (tables.ts), reads them and bakes them into the loader; stepsize.wasm carries their
// fingerprint so a loader never drives a module built with other ids (scripts/build.mjs).

// The bases' and rules' ids, the rules' own hyperparameter, state and stats slots and their
// choice values are generated from the descriptions (src/rules/, scripts/rules.mjs) into
// generated/ids.ts; this file holds what every rule shares.

// hyperparameters (header f64 slots); 0..15 belong to the bases, 16.. to the rules
export const HP_lr: i32 = 0;
export const HP_momentum: i32 = 1;
export const HP_nesterov: i32 = 2;       // 0 or 1
export const HP_beta1: i32 = 3;
export const HP_beta2: i32 = 4;
export const HP_eps: i32 = 5;
export const HP_weightDecay: i32 = 6;
export const HP_clipNorm: i32 = 7;       // 0 = no clipping
export const HP_skipNonFinite: i32 = 8;  // 1 = count and skip a non-finite gradient
/** The first slot of a rule's own options (HP_<rule>_<option> = OWN_HP + the option's index in its description). */
export const OWN_HP: i32 = 16;

// scalar state carried by checkpoints; 0..7 common, 8.. the rule's
export const S_step: i32 = 0;     // updates applied
export const S_skipped: i32 = 1;  // steps skipped for a non-finite gradient
export const S_lr: i32 = 2;       // learning rate the last update used
export const S_retraces: i32 = 3; // rules that take the loss: steps that were retraced
/** The first slot of a rule's own scalar state (S_<rule>_<name>). */
export const OWN_S: i32 = 8;

// telemetry of the last step (stats); 0..7 common, 8.. the rule's
export const T_lr: i32 = 0;
export const T_gradNorm: i32 = 1;   // global L2 norm of the raw gradient
export const T_clipScale: i32 = 2;  // factor the gradient was scaled by (1 = not clipped)
/** The first slot of a rule's own signals (T_<rule>_<signal>). */
export const OWN_T: i32 = 8;

// closure requests (probeBatch)
export const BATCH_same: i32 = 0;
export const BATCH_fresh: i32 = 1;
export const BATCH_repeat: i32 = 2;

// step() results
export const OK: i32 = 0;
export const NONFINITE_GRAD: i32 = 1;  // nothing changed (or counted as skipped)
export const DIVERGED: i32 = 2;        // the update produced non-finite parameters
export const BAD_LOSS: i32 = 3;        // a loss rule's first step needs a finite loss; nothing changed
export const GRAD_RANGE: i32 = 4;      // a finite gradient whose float32 squares overflow where the rule needs them; nothing changed

// init() results
export const INIT_OK: i32 = 0;
export const INIT_BASE: i32 = 1;    // unknown base
export const INIT_RULE: i32 = 2;    // unknown rule, or one that does not drive this base
export const INIT_MEMORY: i32 = 3;  // the engine would not grow memory to hold it
