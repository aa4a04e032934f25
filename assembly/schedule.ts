// The schedule: a multiplier m(t) on the step, t = 0 for the first update (t counts updates
// applied, as the checkpoint's 'step' does). Computed here, in f64, so it has the same bits in
// every runtime.
//   warmup   m = (t + 1)/warmup for t < warmup, then the decay over [warmup, total):
//   cosine   m = final + (1 − final)·½(1 + cos(π·(t − warmup)/(total − warmup)))
//   linear   m = 1 − (1 − final)·(t − warmup)/(total − warmup)
//   wsd      m = 1 until the last D = decayFraction·(total − warmup) steps, then linear to final
//   (from total on, m = final)
//   constant m = 1
//   plateau  m = the factor report() has reduced it to (ReduceLROnPlateau, torch's rules)
// The plateau's multiplier also scales the warmup (they compose).
import { hyper, state, setState } from './layout';
import { halfCosine } from './math';
import {
  HP_warmup, HP_decay, HP_total, HP_final, HP_decayFraction, HP_factor, HP_patience, HP_threshold, HP_cooldown, HP_minimum,
  HP_maximize, HP_absolute, S_plateauScale, S_plateauBest, S_plateauBad, S_plateauCooldown, S_plateauReports,
  DECAY_cosine, DECAY_linear, DECAY_wsd, DECAY_plateau,
} from './ids';

/** m(t) for update t. */
export function scheduleAt(t: f64): f64 {
  const w = hyper(HP_warmup), kind = <i32>hyper(HP_decay), total = hyper(HP_total), fin = hyper(HP_final);
  let m: f64 = 1;
  if (t < w) m = (t + 1) / w;
  else if (kind == DECAY_cosine || kind == DECAY_linear || kind == DECAY_wsd) {
    if (t >= total) m = fin;
    else if (kind == DECAY_cosine) m = fin + (1 - fin) * halfCosine((t - w) / (total - w));
    else if (kind == DECAY_linear) m = 1 - (1 - fin) * (t - w) / (total - w);
    else {
      const D = hyper(HP_decayFraction) * (total - w), from = total - D;
      m = t < from ? 1 : 1 - (1 - fin) * (t - from) / D;
    }
  }
  return kind == DECAY_plateau ? m * state(S_plateauScale) : m;
}

/**
 * The plateau schedule's step: a metric (e.g. the validation loss) reported by the caller.
 * As torch's ReduceLROnPlateau: an improvement is a metric below best·(1 − threshold) (above
 * best·(1 + threshold) when maximizing; best ∓ threshold when absolute); after more than
 * `patience` reports without one, the multiplier is multiplied by `factor` (not below
 * `minimum`) and `cooldown` reports follow in which none are counted. The first report sets best.
 */
export function report(metric: f64): void {
  const max = hyper(HP_maximize) != 0, th = hyper(HP_threshold), abs = hyper(HP_absolute) != 0;
  const best = state(S_plateauBest), first = state(S_plateauReports) == 0;
  const bar = abs ? (max ? best + th : best - th) : (max ? best * (1 + th) : best * (1 - th));
  let bad = state(S_plateauBad), cool = state(S_plateauCooldown);
  if (first || (max ? metric > bar : metric < bar)) { setState(S_plateauBest, metric); bad = 0; }
  else bad += 1;
  if (cool > 0) { cool -= 1; bad = 0; }
  if (bad > hyper(HP_patience)) {
    setState(S_plateauScale, Math.max(state(S_plateauScale) * hyper(HP_factor), hyper(HP_minimum)));
    cool = hyper(HP_cooldown); bad = 0;
  }
  setState(S_plateauBad, bad); setState(S_plateauCooldown, cool);
  setState(S_plateauReports, state(S_plateauReports) + 1);
}
