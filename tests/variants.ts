// Every base with each of its loop variants, and every rule on every base it drives: the
// configurations that the size-build test and the golden checkpoints cover.
export const VARIANTS: Record<string, unknown>[] = [
  { base: 'sgd' }, { base: 'sgd', weightDecay: 0.01 }, { base: 'momentum' }, { base: 'momentum', nesterov: true, weightDecay: 0.01 },
  { base: 'adam' }, { base: 'adam', weightDecay: 0.01 }, { base: 'adamw' }, { base: 'sign', momentum: 0.9 },
  { base: 'sign', momentum: 0.9, nesterov: true }, { base: 'normalized', momentum: 0.5 },
  { rule: 'c2min' }, { rule: 'c2min', beta: 'adaptive' }, { rule: 'p2min' },
  { rule: 'clara', base: 'sgd' }, { rule: 'clara', base: 'adam', unitStep: true }, { rule: 'csa', base: 'sgd' }, { rule: 'csa', base: 'adam' },
  { rule: 'gala', base: 'sgd' }, { rule: 'gala', base: 'momentum' }, { rule: 'gala', base: 'normalized' }, { rule: 'gala', base: 'adam' },
  { rule: 'secant', base: 'sgd' }, { rule: 'secant', base: 'momentum' }, { rule: 'secant', base: 'sign' },
  { rule: 'glyder', base: 'sgd' }, { rule: 'glyder', base: 'momentum' }, { rule: 'glyder', base: 'adam' },
  { rule: 'dadapt', base: 'sgd' }, { rule: 'dadapt', base: 'momentum' }, { rule: 'dadapt', base: 'adam' }, { rule: 'dadapt', base: 'adamw' },
  { rule: 'prodigy', base: 'adam' }, { rule: 'prodigy', base: 'adamw' }, { rule: 'dog', base: 'sgd' },
];

/** The step form of a configuration: what step() takes for its rule. */
export const stepForm = (cfg: Record<string, unknown>): 'loss' | 'closure' | 'plain' =>
  cfg.rule === 'c2min' || cfg.rule === 'p2min' ? 'loss' : ['gala', 'secant', 'glyder'].includes(cfg.rule as string) ? 'closure' : 'plain';
