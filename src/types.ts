// The public types, re-exported by every entry point.
export type { LoadOptions, Stepsize } from './api.js';
export type { CreateOptions, Stats, TensorView, Request, Closure, Optimizer } from './optimizer.js';
export type { Hyperparameters, RuleOptions, BaseName, RuleName, Config } from './options.js';
export type { TensorInfo, TensorShapes } from './layout.js';
export type { ErrorCode } from './errors.js';
export { StepsizeError } from './errors.js';
