// The one test bundle every runtime runs (Node, Deno, Chromium): queue every suite, run
// them in order, and print a machine-readable line the runner (tests/run.mjs) sums up.
import './setup.js';
import './api.test.js';
import './bases.test.js';
import './checkpoint.test.js';
import './rules.test.js';
import './behaviour.test.js';
import './gala.test.js';
import './secant.test.js';
import './glyder.test.js';
import './peers.test.js';
import './bundles.test.js';
import './hash.test.js';
import { exec } from 'uvu';
import { runtimeName } from './util.js';

const queue = (globalThis as any).UVU_QUEUE as unknown[][];
let passed = 0, failed = 0;
for (const group of queue) {
  for (let i = 1; i < group.length; i++) {
    const run = group[i] as () => Promise<[unknown, number, number, number]>;
    group[i] = async () => {
      const res = await run();
      passed += res[1];
      failed += res[3] - res[1];
      return res;
    };
  }
}
await exec();
const line = `RESULT ${runtimeName()} passed=${passed} failed=${failed}`;
console.log(line);
(globalThis as any).__stepsizeResult = { passed, failed, done: true };
