// Type tests, run by `npm run check` (tsc over tests/, against the built declarations); never
// executed. Each @ts-expect-error must meet an error (tsc fails on an unused one), and the
// Equal checks fail to compile when a type drifts. The run-time side of each case is in the
// suites (E_OPTION for every option a rule does not take).
import type { Stepsize, Optimizer, RuleInfo, StepForm, CreateOptions, Stats } from '../build/index.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const yes = <T extends true>(): T => true as T;

export function typeTests(ss: Stepsize): void {
  // options are discriminated by rule and base
  ss.create({ size: 3, base: 'adam', beta1: 0.5, eps: 1e-6 });
  ss.create({ size: 3, rule: 'gala', base: 'adam', delta: 0.1, alignment: 'direction' });
  ss.create({ size: 3, rule: 'clara', base: 'adam', beta1: 0.9, c: 0.3 });
  ss.create({ size: 3, rule: 'secant', base: 'sign', formula: 'bb1', evaluations: 2, probe: 'sign' });
  ss.create({ size: 3, rule: 'c2min', beta: 'adaptive' });
  ss.create({ size: 3, rule: 'dog', base: 'sgd', eps: 1e-8 }); // dog's own eps
  // @ts-expect-error: c is clara's and csa's, not gala's
  ss.create({ size: 3, rule: 'gala', base: 'sgd', c: 0.2 });
  // @ts-expect-error: gala needs a base
  ss.create({ size: 3, rule: 'gala' });
  // @ts-expect-error: gala does not drive adamw
  ss.create({ size: 3, rule: 'gala', base: 'adamw' });
  // @ts-expect-error: c2min carries its own update
  ss.create({ size: 3, rule: 'c2min', base: 'adam' });
  // @ts-expect-error: clara takes beta1 with adam only
  ss.create({ size: 3, rule: 'clara', base: 'sgd', beta1: 0.9 });
  // @ts-expect-error: no such formula
  ss.create({ size: 3, rule: 'secant', base: 'sgd', formula: 'bb3' });
  // @ts-expect-error: evaluations is 2 or 3
  ss.create({ size: 3, rule: 'secant', base: 'sgd', evaluations: 4 });
  // @ts-expect-error: sgd takes no eps
  ss.create({ size: 3, base: 'sgd', eps: 1e-8 });
  // @ts-expect-error: beta is a number or 'adaptive'
  ss.create({ size: 3, rule: 'c2min', beta: 'fast' });
  // @ts-expect-error: no rule 'adamw' (a base)
  ss.create({ size: 3, rule: 'adamw' });
  // a loop over the bases type-checks
  for (const base of ss.bases) ss.create({ size: 3, base, lr: 0.1 });

  // stats are typed per rule
  const glyder = ss.create({ size: 3, rule: 'glyder', base: 'sgd' });
  yes<Equal<typeof glyder.stats.tau, number>>();
  // @ts-expect-error: alignment is gala's signal
  void glyder.stats.alignment;
  // @ts-expect-error: only rules that take the loss retrace
  void glyder.stats.retraces;
  yes<Equal<ReturnType<typeof ss.create<'p2min'>>['stats']['retraces'], number>>();
  const loose: Optimizer = glyder; // a typed optimizer is an Optimizer
  yes<Equal<typeof loose.stats.anything, number | undefined>>();
  const any = ss.create({ size: 3 } as CreateOptions);
  yes<Equal<typeof any.stats.retraces, number | undefined>>();
  yes<Equal<Stats<'dog'>['rbar'], number>>();

  // ss.rules: the descriptions, public fields only
  const r: RuleInfo = ss.rules[0];
  yes<Equal<typeof r.step, StepForm>>();
  yes<Equal<StepForm, 'plain' | 'loss' | 'closure'>>();
  // @ts-expect-error: the loader's fields are internal
  void r.validate;
  // @ts-expect-error: the descriptions are read-only
  r.step = 'plain';
}
