// sign: signSGD (Bernstein et al. 2018), and signum when momentum > 0:
//   ge = c·g + wd·p;  b ← mu·b + ge;  d = sign(b), or sign(ge + mu·b) with Nesterov;  p ← p − lr·d
// sign(0) = 0, as torch.sign. mu = 0 (the default) is plain signSGD: d = sign(ge).
// The pass is momentum's (momentum.ts) with the sign taken per element.
import { bufferedUpdate } from './momentum';

export function signUpdate(lr: f64, c: f64): bool {
  return bufferedUpdate(lr, c, true);
}
