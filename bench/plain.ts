// The same steps written in plain TypeScript over Float32Array: what a JS user would write
// without WebAssembly. Same formulas as the kernels (see assembly/bases/).
export interface PlainState { p: Float32Array; g: Float32Array; a: Float32Array; b: Float32Array; t: number }

export function plainState(n: number): PlainState {
  const g = new Float32Array(n);
  for (let i = 0; i < n; i++) g[i] = ((i * 7919) % 1000) / 1000 - 0.5;
  return { p: new Float32Array(n), g, a: new Float32Array(n), b: new Float32Array(n), t: 0 };
}

export const plain: Record<string, (s: PlainState) => void> = {
  sgd(s) {
    const { p, g } = s, lr = 1e-3;
    for (let i = 0; i < p.length; i++) p[i] -= lr * g[i];
  },
  momentum(s) {
    const { p, g, a } = s, lr = 1e-3, mu = 0.9;
    for (let i = 0; i < p.length; i++) { a[i] = mu * a[i] + g[i]; p[i] -= lr * a[i]; }
  },
  adam(s) {
    const { p, g, a: m, b: v } = s, lr = 1e-3, b1 = 0.9, b2 = 0.999, eps = 1e-8;
    s.t++;
    const step = lr / (1 - b1 ** s.t), rs = 1 / Math.sqrt(1 - b2 ** s.t);
    for (let i = 0; i < p.length; i++) {
      const x = g[i];
      m[i] = b1 * m[i] + (1 - b1) * x;
      v[i] = b2 * v[i] + (1 - b2) * x * x;
      p[i] -= (step * m[i]) / (Math.sqrt(v[i]) * rs + eps);
    }
  },
  adamw(s) {
    const { p, g, a: m, b: v } = s, lr = 1e-3, b1 = 0.9, b2 = 0.999, eps = 1e-8, decay = 1 - lr * 0.01;
    s.t++;
    const step = lr / (1 - b1 ** s.t), rs = 1 / Math.sqrt(1 - b2 ** s.t);
    for (let i = 0; i < p.length; i++) {
      const x = g[i];
      m[i] = b1 * m[i] + (1 - b1) * x;
      v[i] = b2 * v[i] + (1 - b2) * x * x;
      p[i] = p[i] * decay - (step * m[i]) / (Math.sqrt(v[i]) * rs + eps);
    }
  },
  sign(s) {
    const { p, g } = s, lr = 1e-3;
    for (let i = 0; i < p.length; i++) p[i] -= lr * Math.sign(g[i]);
  },
  normalized(s) {
    const { p, g } = s;
    let gg = 0;
    for (let i = 0; i < g.length; i++) gg += g[i] * g[i];
    const scale = 1e-3 / Math.sqrt(gg);
    for (let i = 0; i < p.length; i++) p[i] -= scale * g[i];
  },
};
