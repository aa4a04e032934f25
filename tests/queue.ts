// Runs every suite queued by the imported test files (setup.ts defers them), in order, and
// prints the machine-readable line tests/run.mjs sums up: RESULT <name> passed=N failed=N.
import { exec } from 'uvu';

export async function runQueued(name: string): Promise<void> {
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
  console.log(`RESULT ${name} passed=${passed} failed=${failed}`);
  (globalThis as any).__stepsizeResult = { passed, failed, done: true };
}
