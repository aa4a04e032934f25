// The golden checkpoints of each release (tests/golden/<version>.json): this build restores
// every one bit for bit, saves it again to the same bytes, and continues the same trajectory.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { stepsize, label } from './util.js';
import { goldenDrive, fromBase64 } from './golden.js';
import v020 from './golden/0.2.0.json';

const RELEASES = [v020];

const g = suite('golden checkpoints');

for (const release of RELEASES) {
  g(`${release.version}: every configuration restores, re-saves to the same bytes and continues the same trajectory`, async () => {
    const ss = await stepsize();
    for (const c of release.cases) {
      const bytes = fromBase64(c.checkpoint);
      const opt = ss.restore(bytes);
      assert.equal(opt.save(), bytes, `${label(c.config)}: re-saved bit for bit`);
      await goldenDrive(ss, opt, release.steps);
      assert.is(opt.paramsHash(), c.continued, `${label(c.config)}: continued`);
    }
  });
}

g.run();

export {};
