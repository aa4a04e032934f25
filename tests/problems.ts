// Small test problems with loss and gradient in plain float64 arithmetic (IEEE basic ops and
// Math.sqrt/exp/log1p only where noted; the tests never hash their outputs across runtimes).
// Losses carry a small positive offset: ELRA's acceptance test assumes positive losses.
import { rng, uniform } from './util.js';

export interface Problem {
  name: string;
  n: number;
  x0: Float64Array;
  loss(x: ArrayLike<number>): number;
  grad(x: ArrayLike<number>, g: Float32Array | Float64Array): void;
}

/** 0.5·Σ h_i (x_i − c_i)² + 0.01, curvatures log-spaced over [1/cond, 1]. */
export function quadratic(n: number, cond: number, seed = 1): Problem {
  const r = rng(seed), c = uniform(r, n, 1), h = new Float64Array(n);
  for (let i = 0; i < n; i++) h[i] = n === 1 ? 1 : Math.pow(cond, -i / (n - 1));
  return {
    name: `quadratic n=${n} cond=${cond}`, n, x0: uniform(r, n, 2),
    loss(x) { let s = 0.01; for (let i = 0; i < n; i++) s += 0.5 * h[i] * (x[i] - c[i]) ** 2; return s; },
    grad(x, g) { for (let i = 0; i < n; i++) g[i] = h[i] * (x[i] - c[i]); },
  };
}

/** Chained Rosenbrock Σ 100(x_{i+1} − x_i²)² + (1 − x_i)², + 1e-3; from (−1.2, 1, −1.2, ...). */
export function rosenbrock(n: number): Problem {
  return {
    name: `rosenbrock n=${n}`, n, x0: Float64Array.from({ length: n }, (_, i) => (i % 2 ? 1 : -1.2)),
    loss(x) {
      let s = 1e-3;
      for (let i = 0; i + 1 < n; i++) s += 100 * (x[i + 1] - x[i] * x[i]) ** 2 + (1 - x[i]) ** 2;
      return s;
    },
    grad(x, g) {
      for (let i = 0; i < n; i++) g[i] = 0;
      for (let i = 0; i + 1 < n; i++) {
        const a = x[i + 1] - x[i] * x[i];
        g[i] += -400 * x[i] * a - 2 * (1 - x[i]);
        g[i + 1] += 200 * a;
      }
    },
  };
}

/** Binary logistic regression, mean loss over m generated samples of d features (+ bias). */
export function logistic(m: number, d: number, seed = 3): Problem {
  const r = rng(seed), X = new Float64Array(m * d), y = new Float64Array(m), w = uniform(r, d, 1);
  for (let i = 0; i < m; i++) {
    let z = 0;
    for (let j = 0; j < d; j++) { X[i * d + j] = (2 * r() - 1) * (1 + (j % 3)); z += X[i * d + j] * w[j]; }
    y[i] = r() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
  }
  const n = d + 1;
  return {
    name: `logistic m=${m} d=${d}`, n, x0: new Float64Array(n),
    loss(x) {
      let s = 0;
      for (let i = 0; i < m; i++) {
        let z = x[d];
        for (let j = 0; j < d; j++) z += X[i * d + j] * x[j];
        s += Math.max(z, 0) - z * y[i] + Math.log1p(Math.exp(-Math.abs(z)));
      }
      return s / m;
    },
    grad(x, g) {
      for (let j = 0; j < n; j++) g[j] = 0;
      for (let i = 0; i < m; i++) {
        let z = x[d];
        for (let j = 0; j < d; j++) z += X[i * d + j] * x[j];
        const e = (1 / (1 + Math.exp(-z)) - y[i]) / m;
        for (let j = 0; j < d; j++) g[j] += e * X[i * d + j];
        g[d] += e;
      }
    },
  };
}

/** The three problems every 300-step trajectory test runs on: an ill-conditioned
 * quadratic, Rosenbrock and logistic regression on generated data. Fresh each call. */
export const trajectoryProblems = (): Problem[] => [quadratic(101, 1e3), rosenbrock(11), logistic(400, 32)];
