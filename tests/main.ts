// The one test bundle every runtime runs (Node, Deno, Chromium): queue every suite, run
// them in order, and print a machine-readable line the runner (tests/run.mjs) sums up.
import './setup.js';
import './api.test.js';
import './registry.test.js';
import './segments.test.js';
import './bases.test.js';
import './schedule.test.js';
import './groups.test.js';
import './ema.test.js';
import './checkpoint.test.js';
import './rules.test.js';
import './behaviour.test.js';
import './gala.test.js';
import './secant.test.js';
import './glyder.test.js';
import './peers.test.js';
import './bundles.test.js';
import './hostile.test.js';
import './golden.test.js';
import './hash.test.js';
import { runQueued } from './queue.js';
import { runtimeName } from './util.js';

await runQueued(runtimeName());
