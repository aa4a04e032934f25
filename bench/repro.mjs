// npm run bench:repro — the reproduction of each paper's headline claim at small scale
// . Runs every job of bench/experiments.mjs on a pool of worker threads (one per
// core), prints a progress line, writes bench/results/repro.json, then bench/report.mjs
// writes the plots (bench/plots/*.svg), bench/RESULTS.md and bench/CLAIMS.md.
//   --quick   the short version npm start runs: two problems, one seed, fewer steps;
//             writes bench/results/repro.quick.json and prints the robustness table only.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { writeFileSync, mkdirSync } from 'node:fs';
import { jobs as makeJobs } from './experiments.mjs';
import { report, robustnessTable } from './report.mjs';
import { checkProblems } from './check-problems.mjs';

const quick = process.argv.includes('--quick');
const jobs = makeJobs(quick);
console.log(`gradients vs finite differences (worst relative error): ${(await checkProblems([...new Set(jobs.map((j) => j.problem))])).join(', ')}`);
const threads = Math.max(1, Math.min(availableParallelism(), jobs.length));
const results = new Array(jobs.length);
const t0 = performance.now();
let next = 0, finished = 0, failed = 0;
const tty = process.stderr.isTTY;

function progress(final = false) {
  const s = (performance.now() - t0) / 1000, eta = finished ? (s / finished) * (jobs.length - finished) : 0;
  const line = `repro: ${finished}/${jobs.length} runs, ${s.toFixed(0)} s elapsed, ~${eta.toFixed(0)} s left${failed ? `, ${failed} failed` : ''}`;
  if (tty) process.stderr.write(`\r${line}${final ? '\n' : ''}`);
  else if (final || finished % 100 === 0) process.stderr.write(`${line}\n`);
}

await new Promise((resolve, reject) => {
  let live = threads;
  for (let w = 0; w < threads; w++) {
    const worker = new Worker(new URL('./repro-worker.mjs', import.meta.url));
    const feed = () => {
      if (next < jobs.length) worker.postMessage(jobs[next++]);
      else { worker.terminate(); if (--live === 0) resolve(); }
    };
    worker.on('message', (msg) => {
      if (msg.ok) results[msg.result.id] = msg.result;
      else { failed++; console.error(`\njob ${msg.id} failed: ${msg.error}`); }
      finished++;
      progress();
      feed();
    });
    worker.on('error', reject);
    feed();
  }
});
progress(true);
const seconds = (performance.now() - t0) / 1000;
const meta = { quick, threads, seconds: Math.round(seconds), runs: jobs.length, failed, node: process.version, date: new Date().toISOString() };
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
const file = new URL(`./results/repro${quick ? '.quick' : ''}.json`, import.meta.url);
// curves are kept for seed 0 (the plots draw seed 0; tables use final values of every seed),
// and the loss per gradient evaluation of every seed where a table reads it at an evaluation
// budget (GLyDER's curvatureEvery); numbers to 5 significant digits: the committed file stays small
const round = (v) => (typeof v === 'number' && Number.isFinite(v) && !Number.isInteger(v) ? +v.toPrecision(5) : v);
const PER_EVALUATION = new Set(['glyder-every']);
const compact = (r) => ({
  ...r,
  curve: r.seed === 0 ? Object.fromEntries(Object.entries(r.curve).map(([k, a]) => [k, a.map(round)]))
    : PER_EVALUATION.has(r.exp) ? { t: [], loss: r.curve.loss.map(round), lr: [], signal: [], evals: r.curve.evals }
    : { t: [], loss: r.curve.loss.slice(0, 1), lr: [], signal: [] },
});
const saved = results.filter(Boolean).map(compact);
writeFileSync(file, JSON.stringify({ meta, results: saved }));
console.log(`${jobs.length} runs on ${threads} threads in ${seconds.toFixed(0)} s → ${file.pathname}`);
if (quick) console.log(robustnessTable(saved));
// from what was saved, so `node bench/report.mjs` later redraws exactly the same files
else report({ meta, results: saved });
if (failed) process.exitCode = 1;
