// The tfjs adapter's test bundle, run in Node by tests/run.mjs (the 'tfjs' runtime): tfjs
// and its cpu backend are dev dependencies, too heavy to put in the bundle every runtime runs.
import './setup.js';
import './tfjs.test.js';
import { runQueued } from './queue.js';

await runQueued('tfjs');
