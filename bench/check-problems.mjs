// Before a reproduction run: every problem's WASM gradient against central finite differences
// of its WASM loss (float64 steps on float32 inputs), on a few coordinates at the initial point
// and on a minibatch, and for classifiers the sampled-label gradient's mean (zero, by Bartlett's
// identity). Throws when one disagrees, so no run starts on a wrong gradient.
import { problem, PROBLEMS } from './problems.mjs';

export async function checkProblems(names = Object.keys(PROBLEMS)) {
  const report = [];
  for (const name of names) {
    const p = await problem(name);
    const x = p.x0(0), g = new Float32Array(p.n);
    const s = p.session(1, 64);
    s.evaluate(x, g, 'next');
    const at = (y) => s.evaluate(y, null, 'same'); // the same minibatch (and noise seed)
    // the noisy quadratic's gradient carries noise its loss does not: compare the noise-free part
    const exact = p.spec.sigma ? new Float32Array(p.n) : g;
    if (p.spec.sigma) p.full(x, exact);
    let worst = 0;
    for (const i of [0, 1, Math.floor(p.n / 3), Math.floor(p.n / 2), p.n - 1]) {
      const e = 1e-2 * Math.max(0.05, Math.abs(x[i]));
      const xp = Float32Array.from(x), xm = Float32Array.from(x);
      xp[i] += e; xm[i] -= e;
      const fd = (at(xp) - at(xm)) / (xp[i] - xm[i]);
      const gi = exact[i];
      worst = Math.max(worst, Math.abs(fd - gi) / (Math.abs(fd) + Math.abs(gi) + 1e-3));
    }
    report.push(`${name} ${worst.toExponential(1)}`);
    if (!(worst < 2e-2)) throw new Error(`${name}: gradient vs finite differences off by ${worst} (relative)`);
    if (p.trainSize) {
      // 'sampled' (labels drawn from the model): by Bartlett's identity its gradient has mean 0;
      // 200 draws on one fresh batch bring the mean's norm to ~1/14 of one draw's
      s.evaluate(x, g, 'fresh');
      const sum = new Float64Array(p.n);
      let sq = 0;
      for (let k = 0; k < 200; k++) { s.evaluate(x, g, 'sampled'); g.forEach((v, i) => { sum[i] += v; sq += v * v; }); }
      const ratio = Math.sqrt(sum.reduce((a, v) => a + (v / 200) ** 2, 0)) / Math.sqrt(sq / 200);
      report.push(`${name} sampled ${ratio.toFixed(2)}`);
      if (!(ratio < 0.2)) throw new Error(`${name}: the sampled-label gradient's mean is ${ratio} of one draw's norm (Bartlett: ~0.07)`);
    }
  }
  return report;
}
