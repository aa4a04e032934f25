// The live demo (npm run demo): trains softmax regression or a small MLP on MNIST digits in the
// page with any rule × base pair, and draws the loss, the LR and the rule's own signals per
// step as they happen. The optimizer is the package (build/index.js); the model's loss and
// gradient come from the reproduction's WASM problems (build/problems.wasm), so the page does
// no numeric work in JS. window.__demo lets tests/run.mjs drive it.
import { load } from '../build/index.js';

const $ = (id) => document.getElementById(id);
const COMMON = new Set(['step', 'skipped', 'lr', 'gradNorm', 'clipScale', 'retraces']);
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e'];

const ss = await load();
const [problemsModule, dataBytes] = await Promise.all([
  fetch(new URL('../build/problems.wasm', import.meta.url)).then((r) => r.arrayBuffer()).then((b) => WebAssembly.compile(b)),
  fetch(new URL('../build/demo/mnist.bin', import.meta.url)).then((r) => r.arrayBuffer()),
]);
const head = new DataView(dataBytes, 0, 8), nTrain = head.getUint32(0, true), nTest = head.getUint32(4, true);
const bytes = new Uint8Array(dataBytes, 8);

// which bases each rule drives and how its step is called: asked of the package (ss.rules)
const rules = Object.fromEntries(ss.rules.map((r) => [r.id, r]));
$('rule').innerHTML = ss.rules.map((r) => `<option${r.id === 'gala' ? ' selected' : ''}>${r.id}</option>`).join('');
const fillBases = () => {
  const list = rules[$('rule').value].bases;
  $('base').innerHTML = list.map((b) => `<option${b === 'adam' ? ' selected' : ''}>${b}</option>`).join('');
};
$('rule').onchange = fillBases;
fillBases();

/** A model instance: its own problems.wasm instance holding the data and the network. */
async function makeModel(kind) {
  const w = (await WebAssembly.instantiate(problemsModule, {})).exports;
  const total = nTrain + nTest;
  const X = w.alloc(4 * total * 784), Y = w.alloc(4 * total), idx = w.alloc(4 * total);
  const xs = new Float32Array(w.memory.buffer, X, total * 784), ys = new Uint32Array(w.memory.buffer, Y, total);
  for (let i = 0; i < total; i++) {
    for (let j = 0; j < 784; j++) xs[i * 784 + j] = bytes[i * 785 + j] / 255;
    ys[i] = bytes[i * 785 + 784];
  }
  const layers = kind === 'mlp' ? [784, 64, 10] : [784, 10];
  const sizes = w.alloc(4 * layers.length);
  new Uint32Array(w.memory.buffer, sizes, layers.length).set(layers);
  const n = w.network(sizes, layers.length - 1);
  const xp = w.alloc(4 * n), gp = w.alloc(4 * n);
  w.initNetwork(xp, 7);
  const x0 = Float32Array.from(new Float32Array(w.memory.buffer, xp, n));
  const evaluate = (params, grads, batch) => {
    new Float32Array(w.memory.buffer, xp, n).set(params);
    new Uint32Array(w.memory.buffer, idx, batch.length).set(batch);
    const loss = w.netLoss(xp, grads ? gp : 0, X, Y, idx, batch.length);
    if (grads) grads.set(new Float32Array(w.memory.buffer, gp, n));
    return loss;
  };
  const test = (params) => {
    new Float32Array(w.memory.buffer, xp, n).set(params);
    const b = Array.from({ length: nTest }, (_, i) => nTrain + i);
    new Uint32Array(w.memory.buffer, idx, nTest).set(b);
    const loss = w.netLoss(xp, 0, X, Y, idx, nTest);
    return { loss, acc: w.netHits() / nTest };
  };
  return { n, x0, evaluate, test };
}

function rng(seed) {
  let a = seed >>> 0;
  return () => { a = (a + 0x6d2b79f5) >>> 0; let t = Math.imul(a ^ (a >>> 15), a | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}

/** Draws series (each with its own y range when `own`) into an <svg>. */
function draw(svg, series, { log = false, own = false } = {}) {
  const W = svg.clientWidth || 360, H = svg.clientHeight || 220, pad = 34;
  const tr = (v) => (log ? Math.log10(v) : v), ok = (v) => Number.isFinite(v) && (!log || v > 0);
  const range = (ys) => { const f = ys.filter(ok).map(tr); return f.length ? [Math.min(...f), Math.max(...f)] : [0, 1]; };
  let [lo, hi] = range(series.flatMap((s) => s.ys));
  const maxLen = Math.max(1, ...series.map((s) => s.ys.length));
  const parts = [`<rect width="${W}" height="${H}" fill="white"/>`,
    `<line x1="${pad}" y1="${H - 16}" x2="${W - 4}" y2="${H - 16}" stroke="#999"/><line x1="${pad}" y1="6" x2="${pad}" y2="${H - 16}" stroke="#999"/>`];
  if (!own) {
    const fmt = (v) => (log ? `1e${v.toFixed(1)}` : Math.abs(v) >= 1e3 || (Math.abs(v) < 1e-2 && v !== 0) ? v.toExponential(1) : v.toPrecision(3));
    parts.push(`<text x="2" y="12" font-size="10">${fmt(hi)}</text><text x="2" y="${H - 18}" font-size="10">${fmt(lo)}</text>`);
  }
  parts.push(`<text x="${W - 4}" y="${H - 3}" font-size="10" text-anchor="end">step ${maxLen}</text>`);
  series.forEach((s, k) => {
    if (own) [lo, hi] = range(s.ys);
    const span = hi - lo || 1;
    let d = '';
    s.ys.forEach((v, i) => {
      if (!ok(v)) return;
      const x = pad + (i / Math.max(1, maxLen - 1)) * (W - pad - 6), y = 6 + (1 - (tr(v) - lo) / span) * (H - 24);
      d += `${d ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)}`;
    });
    parts.push(`<path d="${d}" fill="none" stroke="${COLORS[k % COLORS.length]}" stroke-width="1.5"/>`);
    const last = s.ys[s.ys.length - 1];
    parts.push(`<text x="${pad + 6}" y="${18 + 13 * k}" font-size="11" fill="${COLORS[k % COLORS.length]}">${s.name}${Number.isFinite(last) ? ` = ${last.toPrecision(3)}` : ''}</text>`);
  });
  svg.innerHTML = parts.join('');
}

const demo = { state: 'idle', losses: [], lrs: [], signals: {}, result: null, start };
window.__demo = demo;

async function start(opts = {}) {
  const model = opts.model ?? $('model').value, rule = opts.rule ?? $('rule').value;
  const base = opts.base ?? $('base').value, lr = Number(opts.lr ?? $('lr').value);
  const steps = Number(opts.steps ?? $('steps').value), batchSize = Number(opts.batch ?? $('batch').value);
  $('train').disabled = true;
  demo.state = 'training'; demo.losses = []; demo.lrs = []; demo.signals = {}; demo.result = null;
  const m = await makeModel(model);
  const opt = ss.create({ size: m.n, params: m.x0, rule, ...(base === 'none' ? {} : { base }), lr });
  const r = rng(1);
  const draw1 = () => Array.from({ length: batchSize }, () => Math.floor(r() * nTrain));
  let fresh = null, ema = NaN;
  const closure = (p, g, { batch }) => {
    if (batch === 'fresh') fresh = draw1();
    return m.evaluate(p, g, batch === 'same' ? current : fresh);
  };
  let current = null, t = 0, error = null;
  const closureRule = rules[rule].step === 'closure', lossRule = rules[rule].step === 'loss';
  await new Promise((resolve) => {
    const frame = () => {
      const until = performance.now() + 14;
      try {
        while (t < steps && performance.now() < until) {
          current = draw1();
          const loss = m.evaluate(opt.params, opt.grads, current);
          if (closureRule) opt.stepSync(closure);
          else if (lossRule) opt.step(loss);
          else opt.step();
          ema = Number.isNaN(ema) ? loss : 0.95 * ema + 0.05 * loss;
          demo.losses.push(ema); demo.lrs.push(opt.lr);
          for (const [k, v] of Object.entries(opt.stats)) if (!COMMON.has(k)) { demo.signals[k] ??= []; demo.signals[k].push(v); }
          t++;
        }
      } catch (e) { error = e; }
      draw($('loss'), [{ name: 'loss', ys: demo.losses }], { log: true });
      draw($('lrplot'), [{ name: 'lr', ys: demo.lrs }], { log: true });
      const sig = Object.entries(demo.signals).slice(0, 4).map(([name, ys]) => ({ name, ys }));
      $('signalTitle').textContent = sig.length ? `${rule}'s own signals (each on its own scale)` : `${rule} keeps no signals of its own`;
      draw($('signals'), sig, { own: true });
      $('status').textContent = `${rule}/${base}  step ${t}/${steps}  loss ${ema.toFixed(4)}  lr ${opt.lr.toExponential(2)}${error ? `\n${error.message}` : ''}`;
      if (t >= steps || error) resolve(); else requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });
  const test = m.test(opt.average ?? opt.params);
  demo.result = { steps: t, loss: ema, testLoss: test.loss, testAcc: test.acc, error: error?.message ?? null };
  $('status').textContent += `\nheld-out digits: loss ${test.loss.toFixed(4)}, accuracy ${(100 * test.acc).toFixed(1)}%`;
  opt.dispose();
  demo.state = 'done';
  $('train').disabled = false;
  return demo.result;
}

$('train').onclick = () => start();
$('status').textContent = `ready: ${nTrain} training and ${nTest} held-out digits; ${ss.rules.length} rules`;
demo.state = 'ready';
