// The golden checkpoints of each release (tests/golden/<version>.json): this build restores
// every one bit for bit, saves it again to the same bytes, and continues the same trajectory.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { stepsize, label } from './util.js';
import { goldenDrive, fromBase64 } from './golden.js';
import { readCheckpoint, writeCheckpoint } from './ckfmt.js';
import v020 from './golden/0.2.0.json';
import v030 from './golden/0.3.0.json';
import v040 from './golden/0.4.0.json';

const RELEASES = [v020, v030, v040];

/**
 * Configurations whose rounding a later release changed on purpose, by the release whose
 * checkpoints they are: those restore and re-save bit for bit, and continue (finite, as a
 * trajectory of this build), but not to the hash the older build reached. Each entry says why.
 */
const REROUNDED: Record<string, string[]> = {
  // 0.3.0: each tensor is its own segment of the sums (the golden layout has two tensors), so the
  // rules whose step uses a sum round differently; and Adam's direction in the base's form
  '0.2.0': [
    '{rule:c2min}', '{rule:c2min,beta:adaptive}', '{rule:p2min}', '{rule:clara,base:adam,unitStep:true}',
    '{rule:gala,base:momentum}', '{rule:gala,base:normalized}', '{rule:secant,base:sgd}', '{rule:secant,base:momentum}',
    '{rule:secant,base:sign}', '{rule:glyder,base:sgd}', '{rule:glyder,base:momentum}', '{rule:glyder,base:adam}',
  ],
};

/**
 * Options a rule gained after a release, at their defaults: a checkpoint of that release
 * restores with them and re-saves as it was with them added (at the end of its options, where
 * the description lists them); nothing else may change.
 */
const ADDED: Record<string, Record<string, Record<string, unknown>>> = {
  '0.2.0': { dog: { perTensor: false } },
  '0.3.0': { dog: { perTensor: false } }, // 0.4.0: LDoG's option
};

/** The bytes a checkpoint of `version` re-saves to: itself, with the options added since. */
function resaved(version: string, bytes: Uint8Array): Uint8Array {
  const p = readCheckpoint(bytes), added = ADDED[version]?.[p.desc.rule];
  if (!added) return bytes;
  p.desc.options = { ...p.desc.options, ...added };
  return writeCheckpoint(p);
}

const g = suite('golden checkpoints');

for (const release of RELEASES) {
  g(`${release.version}: every configuration restores, re-saves to the same bytes and continues the same trajectory`, async () => {
    const ss = await stepsize();
    for (const c of release.cases) {
      const bytes = fromBase64(c.checkpoint);
      const opt = ss.restore(bytes);
      assert.equal(opt.save(), resaved(release.version, bytes), `${label(c.config)}: re-saved bit for bit${ADDED[release.version]?.[opt.config.rule] ? ' (with the options added since)' : ''}`);
      await goldenDrive(ss, opt, release.steps);
      if (REROUNDED[release.version]?.includes(label(c.config))) assert.ok(opt.params.every(Number.isFinite), `${label(c.config)}: continued`);
      else assert.is(opt.paramsHash(), c.continued, `${label(c.config)}: continued`);
    }
  });
}

g.run();

export {};
