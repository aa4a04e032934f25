// constant: the base optimizer with a fixed learning rate, eta_t = lr. The baseline every
// comparison needs; it keeps no state of its own. Passes: the base's reduction pass, then
// its fused update. The schedule scales its lr (lrNow): opt.lr is lr·m(t).
import { baseReduce, baseUpdate, keepsSquares } from '../bases/index';
import { gradNormSq, refusal, clipScale, countStep, finish, lrNow } from '../step';

export function constantStep(base: i32, loss: f64): i32 {
  const gg = gradNormSq(baseReduce(base), keepsSquares(base));
  if (gg < 0) return refusal;
  const c = clipScale(gg), lr = lrNow();
  countStep();
  return finish(lr, baseUpdate(base, lr, c));
}
