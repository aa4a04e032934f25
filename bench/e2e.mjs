// npm run bench:e2e: what a training step costs end to end (bench/e2e-core.mjs), on tfjs's
// cpu and wasm backends in Node and on webgl in Chromium (software GL on a machine without a
// GPU: the webgl row says which renderer ran). Writes bench/results/e2e.json and the README's
// table between <!-- e2e:start --> and <!-- e2e:end -->. E2E_QUICK=1: fewer rounds, no README.
import { writeFileSync, readFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { measure } from './e2e-core.mjs';
import { tfOptimizer } from '../build/tfjs.js';
import { serve } from '../tests/serve.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const quick = !!process.env.E2E_QUICK;
const log = (s) => console.log(s);

// 8 batches of 128 MNIST digits (the `mnist` package's 10,000), one-hot labels
function batches() {
  const rows = [];
  for (let d = 0; d < 10; d++) {
    const raw = require(`mnist/src/digits/${d}.json`).data;
    for (let i = 0; i < raw.length / 784; i++) rows.push([raw.slice(i * 784, (i + 1) * 784), d]);
  }
  let s = 7; // a fixed shuffle
  const r = () => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return s / 2 ** 32; };
  for (let i = rows.length - 1; i > 0; i--) { const j = Math.floor(r() * (i + 1)); [rows[i], rows[j]] = [rows[j], rows[i]]; }
  return Array.from({ length: 8 }, (_, b) => {
    const x = new Float32Array(128 * 784), y = new Float32Array(128 * 10);
    for (let i = 0; i < 128; i++) { const [px, d] = rows[b * 128 + i]; x.set(px, i * 784); y[i * 10 + d] = 1; }
    return { x, y };
  });
}

const data = batches();
const plan = { cpu: { rounds: quick ? 2 : 5, steps: quick ? 2 : 5 }, wasm: { rounds: quick ? 2 : 7, steps: quick ? 4 : 10 }, webgl: { rounds: quick ? 2 : 7, steps: quick ? 3 : 8 } };
// the MNIST MLP; and, to see how the transfer forms scale with the number of variables, a deep
// narrow MLP (16 hidden layers of 64: 34 variables) with Adam only
const DEEP = { hidden: Array(16).fill(64), only: ['tf.train.adam', 'stepsize adam (packed transfer)', 'stepsize adam (per-variable transfer)'] };
const results = [];
setWasmPaths(`${root}node_modules/@tensorflow/tfjs-backend-wasm/dist/`);
for (const backend of ['cpu', 'wasm']) {
  await tf.setBackend(backend);
  await tf.ready();
  for (const shape of [{}, DEEP]) results.push({ ...(await measure({ tf, tfl, tfOptimizer, backend, batches: data, ...plan[backend], ...shape, log })), where: `Node ${process.versions.node}` });
}
results.push(...(await webgl()));

// webgl in Chromium: tfjs (core, layers, webgl backend) bundled as one module that an import map
// names '@tensorflow/tfjs-core', so build/tfjs.js loads unchanged beside it
async function webgl() {
  let chromium;
  try { chromium = await import('@sparticuz/chromium'); } catch (e) { return [{ backend: 'webgl', skipped: `no Chromium (${String(e).slice(0, 80)})` }]; }
  mkdirSync(`${root}build/bench`, { recursive: true });
  await build({
    stdin: { contents: "export * from '@tensorflow/tfjs-core'; export * as layers from '@tensorflow/tfjs-layers'; import '@tensorflow/tfjs-backend-webgl';", resolveDir: root },
    outfile: `${root}build/bench/tfjs-web.js`, bundle: true, format: 'esm', platform: 'browser', logLevel: 'warning',
  });
  writeFileSync(`${root}build/bench/e2e-batches.json`, JSON.stringify(data.map((b) => ({ x: [...b.x], y: [...b.y] }))));
  writeFileSync(`${root}build/bench/e2e.html`, `<!doctype html><meta charset="utf-8">
<script type="importmap">{ "imports": { "@tensorflow/tfjs-core": "/build/bench/tfjs-web.js" } }</script>
<script type="module">
import * as tf from '@tensorflow/tfjs-core';
import { tfOptimizer } from '/build/tfjs.js';
import { measure } from '/bench/e2e-core.mjs';
try {
  await tf.setBackend('webgl'); await tf.ready();
  const gl = document.createElement('canvas').getContext('webgl2'), ext = gl && gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = gl ? String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER)) : 'no webgl2';
  const batches = (await (await fetch('/build/bench/e2e-batches.json')).json()).map((b) => ({ x: Float32Array.from(b.x), y: Float32Array.from(b.y) }));
  const where = navigator.userAgent.match(/Chrome\\/[0-9.]+/)?.[0] ?? navigator.userAgent, out = [];
  for (const shape of [{}, ${JSON.stringify(DEEP)}]) out.push({ ...(await measure({ tf, tfl: tf.layers, tfOptimizer, backend: tf.getBackend(), batches, ...${JSON.stringify(plan.webgl)}, ...shape, log: (s) => console.log(s) })), where, renderer });
  globalThis.__e2e = out;
} catch (e) { globalThis.__e2e = { error: String(e && e.stack || e) }; }
</script>`);
  const { chromium: pw } = await import('playwright-core');
  const server = await serve(0), profile = mkdtempSync(join(tmpdir(), 'stepsize-e2e-'));
  let context;
  try {
    // (not --disable-gpu: webgl runs on SwiftShader, Chromium's software GL, when there is no GPU)
    const args = chromium.default.args.filter((a) => a !== '--disable-gpu');
    context = await pw.launchPersistentContext(profile, { executablePath: await chromium.default.executablePath(), headless: true, args: [...args, '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist'] });
    const page = await context.newPage();
    page.on('console', (m) => log(`chromium: ${m.text()}`));
    await page.goto(`http://127.0.0.1:${server.address().port}/build/bench/e2e.html`);
    await page.waitForFunction(() => globalThis.__e2e !== undefined, null, { timeout: 900_000 });
    const out = await page.evaluate(() => globalThis.__e2e);
    if (out.error) throw new Error(out.error);
    return out;
  } catch (e) {
    return [{ backend: 'webgl', skipped: `Chromium run failed: ${String(e).slice(0, 300)}` }];
  } finally {
    await context?.close();
    server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

// the goals, side by side in this one run; the comparisons between two optimizers take the
// median of their per-round ratios (each round runs every optimizer back to back, so the
// machine's drift falls on both sides of a ratio)
const goals = [];
const row = (r, label) => r.rows?.find((x) => x.label === label);
const med = (x) => { const s = [...x].sort((a, b) => a - b), h = s.length >> 1; return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2; };
const ratio = (a, b) => med(a.rounds.map((t, i) => t / b.rounds[i]));
for (const r of results) {
  if (!r.rows || r.hidden.length !== 1) continue;
  const tfAdam = row(r, 'tf.train.adam'), ours = row(r, 'stepsize adam'), gala = row(r, 'stepsize gala/adam');
  const q = ratio(ours, tfAdam);
  goals.push({ backend: r.backend, goal: "stepsize adam's step is shorter than tf.train.adam's (median per-round ratio)", value: `${q.toFixed(3)}× (${ours.stepMs.toFixed(2)} vs ${tfAdam.stepMs.toFixed(2)} ms)`, met: q < 1 });
  if (r.backend === 'cpu' || r.backend === 'wasm') {
    for (const x of [ours, gala]) {
      const share = x.adapterMs / x.stepMs;
      goals.push({ backend: r.backend, goal: `the adapter's own time is ≤ 5% of the ${x.label} step`, value: `${(100 * share).toFixed(2)}%`, met: share <= 0.05 });
    }
  }
  const e = gala.evaluations, g = ratio(gala, ours), bound = (1 + e) * 1.05;
  goals.push({ backend: r.backend, goal: `gala/adam's step is ≤ (1 + its ${e.toFixed(2)} extra evaluations) × the plain step + 5% (median per-round ratio)`, value: `${g.toFixed(3)}× ≤ ${bound.toFixed(3)}× (${gala.stepMs.toFixed(2)} vs ${ours.stepMs.toFixed(2)} ms)`, met: g <= bound });
}

const machine = { cpus: cpus().length, cpu: cpus()[0]?.model?.trim(), node: process.versions.node };
const out = { when: new Date().toISOString(), machine, model: 'MLPs on MNIST (ReLU, softmax output), batch 128, tfjs-layers trainOnBatch', results, goals };
for (const r of results) {
  if (!r.rows) { log(`${r.backend}: skipped: ${r.skipped}`); continue; }
  log(`\n${r.backend} (${r.where}${r.renderer ? `, ${r.renderer}` : ''}), MLP 784-${r.hidden.join('-')}-10: ${r.parameters} parameters in ${r.variables} variables:`);
  for (const x of r.rows) log(`  ${x.label.padEnd(40)} ${x.stepMs.toFixed(2).padStart(8)} ms/step${x.adapterMs === undefined ? '' : `  adapter ${x.adapterMs.toFixed(3)} ms (readback ${x.readbackMs.toFixed(3)}, kernel ${x.kernelMs.toFixed(3)}, upload ${x.uploadMs.toFixed(3)})${x.evaluations ? `, ${x.evaluations.toFixed(2)} evaluations` : ''}`}`);
}
log('');
for (const g of goals) log(`${g.met ? 'met    ' : 'NOT met'}  ${g.backend}: ${g.goal}: ${g.value}`);
if (!quick) {
  mkdirSync(`${root}bench/results`, { recursive: true });
  writeFileSync(`${root}bench/results/e2e.json`, `${JSON.stringify(out, null, 1)}\n`);
  readme(out);
}

function readme(o) {
  const f = (v) => (v === undefined ? '—' : v.toFixed(v >= 10 ? 1 : 2));
  const lines = [`One run (\`npm run bench:e2e\`, ${o.when.slice(0, 10)}) on this project's ${o.machine.cpus}-core ${o.machine.cpu} machine: ${o.model}; ms per training step, median of interleaved rounds; the adapter's share is its readback + kernel + upload.`, ''];
  lines.push('| backend | model | optimizer | ms/step | adapter ms (readback / kernel / upload) | adapter share |', '|---|---|---|---|---|---|');
  for (const r of o.results) {
    if (!r.rows) { lines.push(`| ${r.backend} | | skipped: ${r.skipped.replace(/\|/g, '/').slice(0, 120)} | | | |`); continue; }
    const shape = r.hidden.length === 1 ? `784-${r.hidden[0]}-10 (${r.variables} variables)` : `784-${r.hidden.length}×${r.hidden[0]}-10 (${r.variables} variables)`;
    const where = `${r.backend} (${r.where}${r.renderer ? `; ${r.renderer.replace(/\|/g, '/')}` : ''})`;
    for (const x of r.rows) {
      lines.push(`| ${where} | ${shape} | ${x.label}${x.evaluations ? ` (${x.evaluations.toFixed(1)} extra evaluations/step)` : ''} | ${f(x.stepMs)} | ${x.adapterMs === undefined ? '—' : `${x.adapterMs.toFixed(3)} (${x.readbackMs.toFixed(3)} / ${x.kernelMs.toFixed(3)} / ${x.uploadMs.toFixed(3)})`} | ${x.adapterMs === undefined ? '—' : `${(100 * x.adapterMs / x.stepMs).toFixed(1)}%`} |`);
    }
  }
  lines.push('', 'Goals in the same run:');
  for (const g of o.goals) lines.push(`- ${g.met ? 'met' : '**NOT met**'}: ${g.backend}: ${g.goal} (${g.value})`);
  const text = readFileSync(`${root}README.md`, 'utf8');
  const a = text.indexOf('<!-- e2e:start -->'), b = text.indexOf('<!-- e2e:end -->');
  if (a < 0 || b < 0) { log('README has no e2e markers: table not written'); return; }
  writeFileSync(`${root}README.md`, `${text.slice(0, a + '<!-- e2e:start -->'.length)}\n${lines.join('\n')}\n${text.slice(b)}`);
}
process.exit(0);
