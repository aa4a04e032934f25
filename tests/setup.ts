// Imported first by main.ts: queue uvu suites instead of auto-running them, so main.ts
// can run them all in order and count passes and failures in every runtime.
const g = globalThis as Record<string, unknown>;
g.UVU_DEFER = 1;
g.UVU_INDEX = 0;
g.UVU_QUEUE = [['stepsize']];
export {};
