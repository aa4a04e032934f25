// The tfjs adapter's test bundle, run in Node by tests/run.mjs (the 'tfjs' runtime): tfjs
// and its cpu backend are dev dependencies, too heavy to put in the bundle every runtime runs.
import './setup.js';
import './tfjs.test.js';
import { exec } from 'uvu';

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
const line = `RESULT tfjs passed=${passed} failed=${failed}`;
console.log(line);
(globalThis as any).__stepsizeResult = { passed, failed, done: true };
