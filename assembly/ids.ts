// Identifiers shared with the TypeScript side. They are exported as WASM globals, and the
// loader builds its name tables from the exports, so this file is their only definition.

// base optimizers
export const BASE_sgd: i32 = 0;
export const BASE_momentum: i32 = 1;
export const BASE_adam: i32 = 2;
export const BASE_adamw: i32 = 3;
export const BASE_sign: i32 = 4;
export const BASE_normalized: i32 = 5;

// learning-rate rules
export const RULE_constant: i32 = 0;

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

// scalar state carried by checkpoints; 0..7 common, 8.. the rule's
export const S_step: i32 = 0;     // updates applied
export const S_skipped: i32 = 1;  // steps skipped for a non-finite gradient
export const S_lr: i32 = 2;       // learning rate the last update used

// telemetry of the last step (stats); 0..7 common, 8.. the rule's
export const T_lr: i32 = 0;
export const T_gradNorm: i32 = 1;   // global L2 norm of the raw gradient
export const T_clipScale: i32 = 2;  // factor the gradient was scaled by (1 = not clipped)

// step() results
export const OK: i32 = 0;
export const NONFINITE_GRAD: i32 = 1;  // nothing changed (or counted as skipped)
export const DIVERGED: i32 = 2;        // the update produced non-finite parameters
