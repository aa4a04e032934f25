// Every base with each of its loop variants, and every rule on every base it drives: the
// configurations that the size-build test and the golden checkpoints cover.
export const VARIANTS: Record<string, unknown>[] = [
  { base: 'sgd' }, { base: 'sgd', weightDecay: 0.01 }, { base: 'momentum' }, { base: 'momentum', nesterov: true, weightDecay: 0.01 },
  { base: 'adam' }, { base: 'adam', weightDecay: 0.01 }, { base: 'adamw' }, { base: 'sign', momentum: 0.9 },
  { base: 'sign', momentum: 0.9, nesterov: true }, { base: 'normalized', momentum: 0.5 },
  { base: 'nadam' }, { base: 'nadam', weightDecay: 0.01 }, { base: 'nadamw' },
  { rule: 'c2min' }, { rule: 'c2min', beta: 'adaptive' }, { rule: 'p2min' },
  { rule: 'clara', base: 'sgd' }, { rule: 'clara', base: 'adam', unitStep: true }, { rule: 'csa', base: 'sgd' }, { rule: 'csa', base: 'adam' },
  { rule: 'gala', base: 'sgd' }, { rule: 'gala', base: 'momentum' }, { rule: 'gala', base: 'normalized' }, { rule: 'gala', base: 'adam' },
  { rule: 'secant', base: 'sgd' }, { rule: 'secant', base: 'momentum' }, { rule: 'secant', base: 'sign' },
  { rule: 'glyder', base: 'sgd' }, { rule: 'glyder', base: 'momentum' }, { rule: 'glyder', base: 'adam' },
  { rule: 'glyder', base: 'momentum', smoothness: 'gnb', batchSize: 8 },
  { rule: 'dadapt', base: 'sgd' }, { rule: 'dadapt', base: 'momentum' }, { rule: 'dadapt', base: 'adam' }, { rule: 'dadapt', base: 'adamw' },
  { rule: 'prodigy', base: 'adam' }, { rule: 'prodigy', base: 'adamw' }, { rule: 'dog', base: 'sgd' },
  { rule: 'schedulefree', base: 'sgd' }, { rule: 'schedulefree', base: 'adamw', weightDecay: 0.01 },
];

type Rules = readonly { id: string; bases: readonly string[]; step: 'plain' | 'loss' | 'closure' }[];

/** What step() takes for a rule, from its description (ss.rules). */
export const stepForm = (rules: Rules, rule: unknown = 'constant'): 'loss' | 'closure' | 'plain' => {
  const r = rules.find((d) => d.id === rule);
  if (!r) throw new Error(`no rule ${String(rule)} in ss.rules`);
  return r.step;
};

/** The rule/base pairs of ss.rules that VARIANTS does not cover (a test asserts there are none). */
export const uncovered = (rules: Rules): string[] =>
  rules.flatMap((r) => r.bases.filter((b) => !VARIANTS.some((v) => (v.rule ?? 'constant') === r.id && (v.base ?? 'none') === b)).map((b) => `${r.id}/${b}`));
