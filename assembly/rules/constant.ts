// constant: the base optimizer with a fixed learning rate, eta_t = lr. The baseline every
// comparison needs; it keeps no state and needs no reduction beyond the base's own.
import { hyper } from '../layout';
import { HP_lr } from '../ids';

export function constantLr(): f64 {
  return hyper(HP_lr);
}
