// Identifiers shared with the TypeScript side, defined only here. The build compiles them
// (tables.ts), reads them and bakes them into the loader; stepsize.wasm carries their
// fingerprint so a loader never drives a module built with other ids (scripts/build.mjs).

// base optimizers
export const BASE_sgd: i32 = 0;
export const BASE_momentum: i32 = 1;
export const BASE_adam: i32 = 2;
export const BASE_adamw: i32 = 3;
export const BASE_sign: i32 = 4;
export const BASE_normalized: i32 = 5;
export const BASE_none: i32 = 6;        // the rule carries its own update (c2min, p2min)

// learning-rate rules
export const RULE_constant: i32 = 0;
export const RULE_c2min: i32 = 1;
export const RULE_p2min: i32 = 2;
export const RULE_clara: i32 = 3;
export const RULE_csa: i32 = 4;
export const RULE_gala: i32 = 5;
export const RULE_secant: i32 = 6;
export const RULE_glyder: i32 = 7;
// the parameter-free baselines the papers compare with (docs/rules/dadapt.md, prodigy.md, dog.md)
export const RULE_dadapt: i32 = 8;
export const RULE_prodigy: i32 = 9;
export const RULE_dog: i32 = 10;

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
// rules' own (16..), named HP_<rule>_<option>; the loader maps them to options by that name
export const HP_c2min_beta: i32 = 16;     // fixed mixing weight, or -1 = adaptive (loss-noise rule)
export const HP_c2min_posSlope: i32 = 17;
export const HP_c2min_negSlope: i32 = 18;
export const HP_clara_c: i32 = 16;
export const HP_clara_damping: i32 = 17;
export const HP_clara_unitStep: i32 = 18;
export const HP_clara_etaMin: i32 = 19;   // LR bounds (the spec's optional clamp, docs/rules/clara.md); 0 = none
export const HP_clara_etaMax: i32 = 20;
export const HP_csa_c: i32 = 16;
export const HP_csa_damping: i32 = 17;
export const HP_csa_etaMin: i32 = 18;
export const HP_csa_etaMax: i32 = 19;
export const HP_gala_delta: i32 = 16;     // FTRL regularizer weight
export const HP_gala_etaMin: i32 = 17;
export const HP_gala_etaMax: i32 = 18;    // 0 = no upper bound
export const HP_gala_alignment: i32 = 19; // 0 = same-batch ⟨g, h⟩, 1 = direction ⟨g, d⟩
export const HP_gala_centred: i32 = 20;   // 1: regularizer (δ/2)(η − η₀)², 0: (δ/2)η²
export const HP_secant_formula: i32 = 16;     // 0 damped, 1 ridge, 2 bb1, 3 bb2
export const HP_secant_evaluations: i32 = 17; // 3: caller g + two on S_H; 2: g is the S_H gradient
export const HP_secant_probe: i32 = 18;       // 0: s = g, 1: s = sign(g)
export const HP_secant_probeScale: i32 = 19;  // c in x + c·s
export const HP_glyder_smoothing: i32 = 16;      // β of the EMAs of p and ‖d‖²
export const HP_glyder_curvatureDecay: i32 = 17; // γ of the decaying max L̄
export const HP_glyder_curvatureEvery: i32 = 18; // measure curvature every k steps
export const HP_glyder_tauMin: i32 = 19;         // minimum probe length τ‖d‖
export const HP_glyder_maxLr: i32 = 20;          // 0 = no cap
export const HP_dadapt_d0: i32 = 16;             // initial distance estimate
export const HP_dadapt_growthRate: i32 = 17;     // cap on D's growth per step; 0 = ∞
export const HP_dadapt_biasCorrection: i32 = 18; // Adam form: 1 = scale η by √(1−β2^t)/(1−β1^t)
export const HP_prodigy_d0: i32 = 16;
export const HP_prodigy_dCoef: i32 = 17;
export const HP_prodigy_growthRate: i32 = 18;    // 0 = ∞
export const HP_prodigy_biasCorrection: i32 = 19;
export const HP_prodigy_safeguardWarmup: i32 = 20;
export const HP_dog_repsRel: i32 = 16;           // r̄_0 = repsRel·(1 + ‖x0‖)
export const HP_dog_eps: i32 = 17;               // added to the first ‖g‖²
export const HP_dog_average: i32 = 18;           // 1 = keep the polynomial-decay average x̄
export const HP_dog_averageGamma: i32 = 19;      // γ of the average's weight (1 + γ)/(t + γ)

// scalar state carried by checkpoints; 0..7 common, 8.. the rule's
export const S_step: i32 = 0;     // updates applied
export const S_skipped: i32 = 1;  // steps skipped for a non-finite gradient
export const S_lr: i32 = 2;       // learning rate the last update used
export const S_retraces: i32 = 3; // ELRA: steps that were retraced
// rules' own (8..)
export const S_c2min_alpha: i32 = 8;
export const S_c2min_beta: i32 = 9;
export const S_c2min_q: i32 = 10;      // ‖P‖², cached
export const S_c2min_best: i32 = 11;   // leaky best loss B
export const S_c2min_F: i32 = 12;      // loss EMA (adaptive beta)
export const S_c2min_N: i32 = 13;      // noise EMA (adaptive beta)
export const S_c2min_f0: i32 = 14;
export const S_c2min_started: i32 = 15;
export const S_p2min_alpha: i32 = 8;
export const S_p2min_D: i32 = 9;       // growth damper
export const S_p2min_E: i32 = 10;      // error damper
export const S_p2min_best: i32 = 11;   // leaky best loss B
export const S_p2min_last: i32 = 12;   // last accepted loss L
export const S_p2min_finit: i32 = 13;
export const S_p2min_q: i32 = 14;      // ‖P‖², cached
export const S_p2min_started: i32 = 15;
export const S_clara_eta: i32 = 8;     // the learning rate of the next step
export const S_csa_eta: i32 = 8;
export const S_gala_A: i32 = 8;        // running sum of alignments
export const S_gala_Q: i32 = 9;        // running sum of curvature terms
export const S_gala_eta: i32 = 10;     // the LR of the last step
export const S_gala_started: i32 = 11;
export const S_secant_eta: i32 = 8;
export const S_secant_started: i32 = 9;
export const S_glyder_N: i32 = 8;
export const S_glyder_Q: i32 = 9;
export const S_glyder_L: i32 = 10;
export const S_glyder_eta: i32 = 11;
export const S_glyder_started: i32 = 12;
export const S_dadapt_D: i32 = 8;
export const S_dadapt_R: i32 = 9;      // the numerator of D̂
export const S_dadapt_G0: i32 = 10;    // SGD form: ‖g_0‖
export const S_prodigy_D: i32 = 8;
export const S_prodigy_Dmax: i32 = 9;
export const S_prodigy_R: i32 = 10;
export const S_dog_rbar: i32 = 8;      // max distance from x0 so far
export const S_dog_G: i32 = 9;         // sum of squared gradient norms

// telemetry of the last step (stats); 0..7 common, 8.. the rule's
export const T_lr: i32 = 0;
export const T_gradNorm: i32 = 1;   // global L2 norm of the raw gradient
export const T_clipScale: i32 = 2;  // factor the gradient was scaled by (1 = not clipped)
// rules' own signals (8..), named T_<rule>_<signal>
export const T_c2min_cos: i32 = 8;       // cosine of the last two gradients
export const T_c2min_factor: i32 = 9;    // alpha's multiplicative change this step
export const T_c2min_beta: i32 = 10;
export const T_c2min_retraced: i32 = 11; // 1 when the step was rejected and retraced
export const T_c2min_bestLoss: i32 = 12;
export const T_p2min_h: i32 = 8;          // 1 − (G·P)/(P·P): the secant curvature ratio
export const T_p2min_growthCap: i32 = 9;
export const T_p2min_tolerance: i32 = 10; // tau
export const T_p2min_retraced: i32 = 11;
export const T_p2min_bestLoss: i32 = 12;
export const T_clara_pathNormSq: i32 = 8; // ‖p‖² after this step
export const T_clara_pathRatio: i32 = 9;  // ‖p‖² / mu: > 1 raises the LR, < 1 lowers it
export const T_clara_reference: i32 = 10; // mu
export const T_clara_dirNorm: i32 = 11;   // ‖g‖ (sgd) or ‖Adam direction‖ (adam)
export const T_clara_nextLr: i32 = 12;
export const T_csa_pathNormSq: i32 = 8;
export const T_csa_pathRatio: i32 = 9;    // ‖p‖² / mu_t
export const T_csa_reference: i32 = 10;   // mu_t (transient)
export const T_csa_dirNorm: i32 = 11;
export const T_gala_alignment: i32 = 8;    // a: this round's alignment
export const T_gala_curvature: i32 = 9;    // L = ‖g − h‖/‖Δ‖
export const T_gala_q: i32 = 10;           // L·‖d‖²
export const T_gala_roundSkipped: i32 = 11; // 1 when no round was closed (step 0, Δ = 0, ...)
export const T_gala_A: i32 = 12;
export const T_gala_Q: i32 = 13;
export const T_secant_ss: i32 = 8;        // ⟨s, s⟩
export const T_secant_sy: i32 = 9;        // ⟨s, y⟩ (per unit probe): the curvature along s
export const T_secant_yy: i32 = 10;       // ⟨y, y⟩
export const T_secant_fallback: i32 = 11; // 1 when the formula was undefined and η was kept
export const T_glyder_p: i32 = 8;          // ⟨g', d⟩: the estimated ⟨∇f, d⟩
export const T_glyder_q: i32 = 9;          // ‖d‖²
export const T_glyder_curvature: i32 = 10; // ℓ, this step's curvature along d (0 when not measured)
export const T_glyder_Lbar: i32 = 11;      // the smoothness estimate L̄ used
export const T_glyder_N: i32 = 12;         // N̂ (bias-corrected EMA of p)
export const T_glyder_Q: i32 = 13;         // Q̂
export const T_glyder_tau: i32 = 14;       // the probe length (0 when not measured)
export const T_glyder_escape: i32 = 15;    // 1 when no positive curvature was seen yet and η doubled the longest step so far
export const T_dadapt_d: i32 = 8;          // D after this step (acts from the next one)
export const T_dadapt_dHat: i32 = 9;       // this step's lower bound on the distance to x*
export const T_dadapt_numerator: i32 = 10; // R
export const T_dadapt_sNorm: i32 = 11;     // ‖s‖ (sgd) or ‖s‖₁ (adam)
export const T_prodigy_d: i32 = 8;
export const T_prodigy_dHat: i32 = 9;
export const T_prodigy_dMax: i32 = 10;
export const T_prodigy_numerator: i32 = 11;
export const T_prodigy_sNorm: i32 = 12;    // ‖s‖₁
export const T_dog_rbar: i32 = 8;          // r̄: the distance the LR scales with
export const T_dog_gSum: i32 = 9;          // G: ε + Σ‖g‖²
export const T_dog_distance: i32 = 10;     // ‖x_t − x0‖ this step

// closure requests (probeBatch)
export const BATCH_same: i32 = 0;
export const BATCH_fresh: i32 = 1;
export const BATCH_repeat: i32 = 2;

// step() results
export const OK: i32 = 0;
export const NONFINITE_GRAD: i32 = 1;  // nothing changed (or counted as skipped)
export const DIVERGED: i32 = 2;        // the update produced non-finite parameters
export const BAD_LOSS: i32 = 3;        // ELRA's first step needs a finite loss; nothing changed
export const GRAD_RANGE: i32 = 4;      // a finite gradient whose float32 squares overflow where the rule needs them; nothing changed
