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
import v050 from './golden/0.5.0.json';
import v060 from './golden/0.6.0.json';

const RELEASES = [v020, v030, v040, v050, v060];

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

/**
 * What every optimizer gained in 0.5.0, the schedule: the option (after nonFinite, at its
 * default), its scalar state (after 'retraces', at the values a new optimizer holds) and the
 * stat of its last factor (after 'clipScale'; 0 until the restored optimizer steps, as every
 * stat of an optimizer that has not stepped).
 */
/** o with `add`'s entries inserted after `key`. */
const after = (o: Record<string, unknown>, key: string, add: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).flatMap(([k, v]) => (k === key ? [[k, v], ...Object.entries(add)] : [[k, v]])));
function withSchedule(d: Record<string, Record<string, unknown>>): void {
  d.options = after(d.options, 'nonFinite', { schedule: { warmup: 0, decay: 'constant' } });
  d.state = after(d.state, 'retraces', { applied: 1, plateauScale: 1, plateauBest: 0, plateauBad: 0, plateauCooldown: 0, plateauReports: 0 });
  d.stats = after(d.stats, 'clipScale', { schedule: 0 });
}
const BEFORE_SCHEDULE = ['0.2.0', '0.3.0', '0.4.0'];

/**
 * What glyder gained in 0.6.0, the GNB estimator: its options (at the end, at their defaults),
 * its state (the average of the draws, their count and the cap on η, 0 with 'projection') and its stats: the
 * curvature that enters L̄ (after 'curvature') and whether the growth cap set η (last), 0 until
 * the restored optimizer steps.
 */
function withGnb(d: Record<string, Record<string, unknown>>): void {
  d.options = { ...d.options, smoothness: 'projection', batchSize: 0, curvatureSmoothing: 0.99 };
  d.state = { ...d.state, 'glyder.C': 0, 'glyder.draws': 0, 'glyder.growth': 0 };
  d.stats = { ...after(d.stats, 'glyder.curvature', { 'glyder.curvatureSmoothed': 0 }), 'glyder.growthCapped': 0 };
}
const BEFORE_GNB = ['0.2.0', '0.3.0', '0.4.0', '0.5.0'];

/** The bytes a checkpoint of `version` re-saves to: itself, with what was added since. */
function resaved(version: string, bytes: Uint8Array): Uint8Array {
  const p = readCheckpoint(bytes), added = ADDED[version]?.[p.desc.rule], gnb = p.desc.rule === 'glyder' && BEFORE_GNB.includes(version);
  if (!added && !BEFORE_SCHEDULE.includes(version) && !gnb) return bytes;
  if (added) p.desc.options = { ...p.desc.options, ...added };
  if (BEFORE_SCHEDULE.includes(version)) withSchedule(p.desc);
  if (gnb) withGnb(p.desc);
  return writeCheckpoint(p);
}

const g = suite('golden checkpoints');

for (const release of RELEASES) {
  g(`${release.version}: every configuration restores, re-saves to the same bytes and continues the same trajectory`, async () => {
    const ss = await stepsize();
    for (const c of release.cases) {
      const bytes = fromBase64(c.checkpoint);
      const opt = ss.restore(bytes);
      assert.equal(opt.save(), resaved(release.version, bytes), `${label(c.config)}: re-saved bit for bit (with what was added since)`);
      await goldenDrive(ss, opt, release.steps);
      if (REROUNDED[release.version]?.includes(label(c.config))) assert.ok(opt.params.every(Number.isFinite), `${label(c.config)}: continued`);
      else assert.is(opt.paramsHash(), c.continued, `${label(c.config)}: continued`);
    }
  });
}

g.run();

export {};
