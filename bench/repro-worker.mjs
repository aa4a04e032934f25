// A worker thread of bench/repro.mjs: runs the jobs it is sent, one at a time.
import { parentPort } from 'node:worker_threads';
import { run } from './repro-run.mjs';

parentPort.on('message', async (job) => {
  try {
    parentPort.postMessage({ ok: true, result: await run(job) });
  } catch (e) {
    parentPort.postMessage({ ok: false, id: job.id, error: String(e?.stack ?? e) });
  }
});
