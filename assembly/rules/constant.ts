// constant: the base optimizer with a fixed learning rate, eta_t = lr. The baseline every
// comparison needs; it keeps no state of its own. Passes: the base's reduction pass, then
// its fused update.
import { hyper } from '../layout';
import { HP_lr } from '../ids';
import { baseReduce, baseUpdate, keepsSquares } from '../bases/index';
import { gradNormSq, refusal, clipScale, countStep, finish } from '../step';

export function constantStep(base: i32, loss: f64): i32 {
  const gg = gradNormSq(baseReduce(base), keepsSquares(base));
  if (gg < 0) return refusal;
  const c = clipScale(gg), lr = hyper(HP_lr);
  countStep();
  return finish(lr, baseUpdate(base, lr, c));
}
