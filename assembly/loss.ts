// The acceptance test of the rules that take the minibatch loss (their retrace compares the
// loss with a leaky best loss B).

/**
 * f passes a "f < k·B" test written relative to |B|, so it also means something for B ≤ 0.
 * A non-finite loss (NaN, ±Infinity) always fails: −Infinity is no better loss, it is a
 * broken one, and it must never become the reference B.
 */
// @ts-ignore: decorator
@inline export function below(f: f64, B: f64, k: f64): bool {
  return isFinite(f) && f < B + (k - 1) * Math.abs(B);
}

/** The leaky best loss: B ← f if f < B, else B grows by 10% of |B|; a non-finite f never enters. */
// @ts-ignore: decorator
@inline export function leak(f: f64, B: f64): f64 {
  return isFinite(f) && f < B ? f : B + 0.1 * Math.abs(B);
}
