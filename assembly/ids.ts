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
// the schedule (schedule.ts): the multiplier m(t) on the step
export const HP_warmup: i32 = 9;         // steps of linear warmup (0: none)
export const HP_decay: i32 = 10;         // DECAY_*
export const HP_total: i32 = 11;         // the step where cosine, linear and wsd reach `final`
export const HP_final: i32 = 12;         // m from `total` on
export const HP_decayFraction: i32 = 13; // wsd: the fraction of (total − warmup) that decays
export const HP_factor: i32 = 14;        // plateau: m ← m·factor on a plateau
export const HP_patience: i32 = 15;      // plateau: reports without improvement before reducing
export const HP_threshold: i32 = 16;     // plateau: the improvement that counts
export const HP_cooldown: i32 = 17;      // plateau: reports after a reduction before counting again
export const HP_minimum: i32 = 18;       // plateau: the smallest m
export const HP_maximize: i32 = 19;      // plateau: 1 when a larger metric is better
export const HP_absolute: i32 = 20;      // plateau: 1 when the threshold is absolute, 0 relative
export const HP_measure: i32 = 21;       // 1: the bases' update passes measure each segment's ‖Δx‖² (groups' stats)
export const HP_ema: i32 = 22;           // the EMA's decay (0: no EMA of the weights)
export const HP_emaOfAverage: i32 = 23;  // 1: the EMA averages the rule's average (Schedule-Free's x), not params
export const HP_grouped: i32 = 24;       // 1: the optimizer has parameter groups (segments with their own LR scale and decay)
/** The first slot of a rule's own options (HP_<rule>_<option> = OWN_HP + the option's index in its description). */
export const OWN_HP: i32 = 25;

// scalar state carried by checkpoints; 0..7 common, 8.. the rule's
export const S_step: i32 = 0;     // updates applied
export const S_skipped: i32 = 1;  // steps skipped for a non-finite gradient
export const S_lr: i32 = 2;       // learning rate the last update used
export const S_retraces: i32 = 3; // rules that take the loss: steps that were retraced
export const S_applied: i32 = 4;  // the schedule's factor on the last update's step (a retrace undoes it with it)
export const S_plateauScale: i32 = 5;    // plateau: the multiplier so far
export const S_plateauBest: i32 = 6;     // plateau: the best metric reported (0 before the first)
export const S_plateauBad: i32 = 7;      // plateau: reports since the last improvement
export const S_plateauCooldown: i32 = 8; // plateau: reports left in the cooldown
export const S_plateauReports: i32 = 9;  // plateau: metrics reported
/** The first slot of a rule's own scalar state (S_<rule>_<name>). */
export const OWN_S: i32 = 12;

// telemetry of the last step (stats); 0..7 common, 8.. the rule's
export const T_lr: i32 = 0;
export const T_gradNorm: i32 = 1;   // global L2 norm of the raw gradient
export const T_clipScale: i32 = 2;  // factor the gradient was scaled by (1 = not clipped)
export const T_schedule: i32 = 3;   // the schedule's m(t) at the last step
/** The first slot of a rule's own signals (T_<rule>_<signal>). */
export const OWN_T: i32 = 8;

// schedule decays (HP_decay)
export const DECAY_constant: i32 = 0;
export const DECAY_cosine: i32 = 1;
export const DECAY_linear: i32 = 2;
export const DECAY_wsd: i32 = 3;
export const DECAY_plateau: i32 = 4;

// closure requests (probeBatch)
export const BATCH_same: i32 = 0;
export const BATCH_fresh: i32 = 1;
export const BATCH_repeat: i32 = 2;
export const BATCH_sampled: i32 = 3;  // the last fresh batch, labels drawn from the model's predictive distribution at x

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
