// The public types, re-exported by every entry point.
export type { LoadOptions, Stepsize } from './api.js';
export type { Stats, CommonStats, TensorView, Request, Closure, Optimizer, GroupStats } from './optimizer.js';
export type { GroupOptions, Group, TensorMatcher } from './groups.js';
export type { ScheduleOptions, Schedule, Decay } from './schedule.js';
export type { CreateOptions, CreateOptionsOf, LayoutOptions, RuleOptionsOf, Hyperparameters, BaseName, RuleName, Config } from './options.js';
export type { RuleInfo, RuleOption, StepForm, StateKind } from './rules/define.js';
export type { TensorInfo, TensorShapes } from './layout.js';
export type { ErrorCode } from './errors.js';
export { StepsizeError } from './errors.js';
